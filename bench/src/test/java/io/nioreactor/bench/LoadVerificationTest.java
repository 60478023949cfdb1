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
