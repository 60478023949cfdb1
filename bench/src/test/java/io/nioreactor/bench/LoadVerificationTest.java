package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.UdpOptions;
import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.tcp.EchoHandler;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generators' checks can fail: a server that corrupts one byte is caught. */
class LoadVerificationTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private final EventLoop server = EventLoop.start("test-server");

    @AfterEach
    void shutdown() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Echoes, but flips one byte of the 1000th byte echoed on each connection. */
    private static final class CorruptingEcho implements ConnectionHandler {
        private long echoed;

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            long before = echoed;
            echoed += data.remaining();
            if (before <= 1000 && 1000 < echoed) {
                int at = data.position() + (int) (1000 - before);
                data.put(at, (byte) ~data.get(at));
            }
            c.write(data);
        }
    }

    private String port(ConnectionHandler handler) {
        return Integer.toString(((InetSocketAddress) server.listenTcp(ANY, TcpOptions.defaults(), c -> handler)
                .join().localAddress()).getPort());
    }

    @Test
    void tcpLoadCountsACorruptedByteAsAnErrorAndExitsNonZero(@TempDir Path dir) throws Exception {
        String port = port(new CorruptingEcho());
        Path json = dir.resolve("result.json");

        int exit = DaemonMain.run(new BenchMain(), "tcp", "--target", "127.0.0.1:" + port, "--size", "64",
                "--duration", "1s", "--warmup", "0", "--json", json.toString());

        assertEquals(1, exit);
        assertTrue(Files.readString(json).contains("\"errors\":1,"), Files.readString(json));
    }

    @Test
    void tcpLoadAgainstACorrectEchoHasNoErrorAndExitsZero() throws Exception {
        String port = port(EchoHandler.INSTANCE);

        int exit = DaemonMain.run(new BenchMain(), "tcp", "--target", "127.0.0.1:" + port, "--connections", "4",
                "--depth", "4", "--size", "1000", "--duration", "1s", "--warmup", "0");

        assertEquals(0, exit);
    }

    /** Echoes each read 2 ms later, not reading meanwhile: slower than the load can send. */
    private final class SlowEcho implements ConnectionHandler {
        @Override
        public void onRead(Connection c, ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            c.setAutoRead(false);
            server.schedule(() -> {
                c.write(copy);
                c.setAutoRead(true);
            }, Duration.ofMillis(2));
        }
    }

    @Test
    void aServerSlowerThanTheLoadHasEveryByteVerifiedAndEveryMessageCountedOnce() throws Exception {
        InetSocketAddress target = (InetSocketAddress) server.listenTcp(ANY, TcpOptions.defaults(), c -> new SlowEcho())
                .join().localAddress();
        int connections = 4;
        int depth = 16;

        LoadResult result = TcpLoad.run(target, connections, depth, 64, Duration.ZERO, Duration.ofSeconds(1), QUIET);

        assertEquals(0, result.errors(), "every byte came back as sent");
        // The server echoes what it read; once it is quiet (no byte written between two polls,
        // 100 ms apart, against its 2 ms delay), compare its count with the load's.
        long[] echoed = {-1};
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
            long now = server.metrics().bytesWritten();
            boolean quiet = now == echoed[0];
            echoed[0] = now;
            return quiet;
        });
        long serverMessages = echoed[0] / 64;
        System.out.printf("[measure] slow server: the load counted %d messages, the server echoed %d%n",
                result.messages(), serverMessages);
        assertTrue(result.messages() > 0);
        assertTrue(result.messages() <= serverMessages, "counted more than were echoed");
        assertTrue(result.messages() >= serverMessages - 2L * connections * depth,
                "lost count of messages: " + result.messages() + " of " + serverMessages);
    }

    @Test
    void aServerThatDropsConnectionsMidBatchIsAnErrorNotAHang() throws Exception {
        ConnectionHandler dropping = new ConnectionHandler() {
            private long echoed;

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                if (echoed + data.remaining() > 20_000) { // echo half of this burst, then reset
                    data.limit(data.position() + data.remaining() / 2);
                    c.write(data);
                    c.abort();
                    return;
                }
                echoed += data.remaining();
                c.write(data);
            }
        };
        InetSocketAddress target = (InetSocketAddress) server.listenTcp(ANY, TcpOptions.defaults(), c -> dropping)
                .join().localAddress();

        long start = System.nanoTime();
        LoadResult result = TcpLoad.run(target, 4, 16, 64, Duration.ZERO, Duration.ofSeconds(1), QUIET);
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf("[measure] connections dropped mid-run: %d errors, the run took %d ms%n", result.errors(), millis);
        assertTrue(result.errors() >= 1, "errors: " + result.errors());
        assertTrue(millis < 15_000, "took " + millis + " ms");
    }

    @Test
    void theHgrmFilesRowsAroundThe99thPercentileBracketTheJsonsP99(@TempDir Path dir) throws Exception {
        String port = port(EchoHandler.INSTANCE);
        Path json = dir.resolve("r.json");
        Path hgrm = dir.resolve("r.hgrm");

        int exit = DaemonMain.run(new BenchMain(), "tcp", "--target", "127.0.0.1:" + port, "--connections", "4",
                "--depth", "4", "--duration", "1s", "--warmup", "0", "--json", json.toString(), "--hgrm", hgrm.toString());

        assertEquals(0, exit);
        java.util.regex.Matcher p99 = java.util.regex.Pattern.compile("\"p99Us\":(\\d+)").matcher(Files.readString(json));
        assertTrue(p99.find());
        long fromJson = Long.parseLong(p99.group(1));
        // Rows "Value Percentile TotalCount 1/(1-Percentile)": the p99 lies between the last row
        // below the 99th percentile and the first at or past it.
        long below = -1;
        long atOrPast = -1;
        for (String line : Files.readAllLines(hgrm)) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 4 && columns[0].matches("[0-9.]+")) {
                long value = Math.round(Double.parseDouble(columns[0]) * 1000); // written in ms
                if (Double.parseDouble(columns[1]) < 0.99) {
                    below = value;
                } else {
                    atOrPast = value;
                    break;
                }
            }
        }
        System.out.printf("[measure] p99 %d us in the JSON; the .hgrm's rows around it: %d and %d us%n",
                fromJson, below, atOrPast);
        assertTrue(below >= 0 && below <= fromJson && fromJson <= atOrPast,
                fromJson + " not between the .hgrm's rows " + below + " and " + atOrPast);
        assertTrue(Files.readString(hgrm).contains("#[Mean"), "HdrHistogram's summary footer");
    }

    @Test
    void udpLoadCountsCorruptedDatagramsAsErrors() throws Exception {
        DatagramHandler corrupting = (endpoint, data, sender) -> {
            data.put(data.limit() - 1, (byte) ~data.get(data.limit() - 1));
            endpoint.send(data, sender);
        };
        InetSocketAddress target = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(), corrupting)
                .join().localAddress();

        LoadResult result = UdpLoad.run(target, 2, 2, 64, Duration.ofMillis(500), Duration.ZERO, Duration.ofSeconds(1), QUIET);

        assertTrue(result.errors() > 0, "errors: " + result.errors());
        assertEquals(0, result.messages(), "no corrupted datagram counts as echoed");
    }

    @Test
    void udpLoadCountsADuplicatedEchoOnceAndAForgedHeaderAsAnError() throws Exception {
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        DatagramHandler twice = (endpoint, data, sender) -> {
            received.incrementAndGet();
            endpoint.send(data.duplicate(), sender);
            endpoint.send(data, sender);
        };
        InetSocketAddress target = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(), twice)
                .join().localAddress();

        LoadResult result = UdpLoad.run(target, 2, 4, 64, Duration.ofMillis(500), Duration.ZERO, Duration.ofSeconds(1), QUIET);

        assertEquals(0, result.errors(), "a duplicate is not an error");
        assertTrue(result.messages() > 0);
        assertTrue(result.messages() <= received.get(), result.messages() + " counted, " + received.get() + " sent");

        DatagramHandler forged = (endpoint, data, sender) -> {
            data.putLong(4, -1L); // a sequence number no datagram carried
            endpoint.send(data, sender);
        };
        InetSocketAddress forging = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(), forged)
                .join().localAddress();
        LoadResult forgedResult = UdpLoad.run(forging, 1, 1, 64, Duration.ofMillis(100), Duration.ZERO,
                Duration.ofMillis(500), QUIET);
        assertTrue(forgedResult.errors() > 0, "errors: " + forgedResult.errors());
        assertEquals(0, forgedResult.messages());
    }

    @Test
    void udpLoadAgainstACorrectEchoMeasuresWithoutErrors() throws Exception {
        InetSocketAddress target = (InetSocketAddress) server.bindUdp(ANY, UdpOptions.defaults(),
                (endpoint, data, sender) -> endpoint.send(data, sender)).join().localAddress();

        LoadResult result = UdpLoad.run(target, 2, 2, 64, Duration.ofMillis(500), Duration.ZERO, Duration.ofSeconds(1), QUIET);

        assertEquals(0, result.errors());
        assertTrue(result.messages() > 0);
    }

    @Test
    void rotationGivesEveryImplementationTheFirstSlotInTurn() {
        var impls = java.util.List.of("a", "b", "c");

        assertEquals(java.util.List.of("a", "b", "c"), CompareCommand.rotated(impls, 0));
        assertEquals(java.util.List.of("b", "c", "a"), CompareCommand.rotated(impls, 1));
        assertEquals(java.util.List.of("c", "a", "b"), CompareCommand.rotated(impls, 2));
        assertEquals(java.util.List.of("a", "b", "c"), CompareCommand.rotated(impls, 3));
    }
}
