package io.nioreactor.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS held to the same contracts as plain TCP: writability that comes back, every held byte
 * counted, a handler that only a completed handshake reaches, and bounded memory for handshakes
 * that never finish.
 */
class TlsContractsTest {

    private static final TestCertificates CERTS = TestCertificates.get();

    private EventLoop loop = EventLoop.start("tls-contracts");

    @AfterEach
    void stop() {
        loop.shutdownGracefully(Duration.ofSeconds(2)).join();
    }

    private static SSLSocket client(InetSocketAddress server) throws IOException {
        SSLSocket socket = (SSLSocket) CERTS.client().getSocketFactory().createSocket("localhost", server.getPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Keeps the connection and tells each onWritable. */
    private static final class Writer implements ConnectionHandler {
        final CompletableFuture<Connection> opened = new CompletableFuture<>();
        final AtomicInteger writableCalls = new AtomicInteger();

        @Override
        public void onOpen(Connection connection) {
            opened.complete(connection);
        }

        @Override
        public void onRead(Connection connection, ByteBuffer data) {
        }

        @Override
        public void onWritable(Connection connection) {
            writableCalls.incrementAndGet();
        }
    }

    @Test
    void aWriteHeldWhileTheEngineRunsItsTasksGetsOnWritableOnceTheyHaveRun() throws Exception {
        PausableEngines engines = new PausableEngines(CERTS.server());
        TcpOptions options = TcpOptions.builder().highWaterMark(64 * 1024).lowWaterMark(16 * 1024)
                .tls(TlsOptions.server(engines.context()).build()).build();
        Writer writer = new Writer();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> writer)
                .join().localAddress();
        byte[] payload = new byte[256 * 1024];
        new Random(5).nextBytes(payload);
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
            Connection connection = writer.opened.get(10, TimeUnit.SECONDS);
            CountDownLatch release = new CountDownLatch(1);
            engines.pauseLatest(release); // as in a renegotiation: the engine takes no data until its task has run
            CompletableFuture<Boolean> writableAfterWrite = new CompletableFuture<>();
            loop.execute(() -> {
                connection.write(ByteBuffer.wrap(payload));
                writableAfterWrite.complete(connection.isWritable());
            });
            assertFalse(writableAfterWrite.get(5, TimeUnit.SECONDS), "256 KiB held over a 64 KiB high water mark");
            assertEquals(0, writer.writableCalls.get());

            release.countDown();
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertEquals(1, writer.writableCalls.get()));
            assertArrayEquals(payload, socket.getInputStream().readNBytes(payload.length));
            assertTrue(connection.isWritable());
        }
    }

    @Test
    void aFileAndTheWritesBehindItCountTowardPendingBytesTheWaterMarksAndTheBudget(@TempDir Path dir) throws Exception {
        loop.shutdownGracefully(Duration.ZERO).join();
        loop = EventLoop.start("tls-contracts-budget", LoopOptions.builder().maxQueuedBytes(8 << 20).build());
        byte[] content = new byte[4 << 20];
        new Random(9).nextBytes(content);
        byte[] behind = new byte[1 << 20];
        new Random(10).nextBytes(behind);
        Path path = Files.write(dir.resolve("file.bin"), content);
        AtomicReference<String> seen = new AtomicReference<>();
        try (FileChannel file = FileChannel.open(path)) {
            TcpOptions options = TcpOptions.builder().sendBufferSize(32 * 1024)
                    .tls(TlsOptions.server(CERTS.server()).build()).build();
            InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options,
                    c -> new ConnectionHandler() {
                        @Override
                        public void onOpen(Connection connection) {
                            connection.sendFile(file, 0, content.length);
                            connection.write(ByteBuffer.wrap(behind));
                            long pending = connection.pendingOutboundBytes();
                            long queued = connection.loop().metrics().queuedBytes();
                            seen.set(pending + " " + queued + " " + connection.isWritable());
                            connection.close(); // after the file and the write
                        }

                        @Override
                        public void onRead(Connection connection, ByteBuffer data) {
                        }
                    }).join().localAddress();
            try (SSLSocket socket = client(server)) {
                socket.startHandshake();
                await().atMost(10, TimeUnit.SECONDS).until(() -> seen.get() != null);
                String[] figures = seen.get().split(" ");
                long unsent = (content.length + behind.length) / 2; // what the kernel took at once has left
                assertTrue(Long.parseLong(figures[0]) >= unsent, "pendingOutboundBytes " + figures[0]);
                assertTrue(Long.parseLong(figures[1]) >= unsent, "the loop's queuedBytes " + figures[1]);
                assertEquals("false", figures[2], "not writable with 5 MiB to send");

                byte[] received = socket.getInputStream().readAllBytes();
                byte[] expected = new byte[content.length + behind.length];
                System.arraycopy(content, 0, expected, 0, content.length);
                System.arraycopy(behind, 0, expected, content.length, behind.length);
                assertArrayEquals(expected, received);
            }
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertEquals(0, loop.metrics().queuedBytes()));
        }
    }

    @Test
    void aFileWhoseCallbackAbortsTheConnectionGivesTheBudgetBackOnce(@TempDir Path dir) throws Exception {
        byte[] content = new byte[4 * 1024];
        new Random(11).nextBytes(content);
        Path path = Files.write(dir.resolve("small.bin"), content);
        PausableEngines engines = new PausableEngines(CERTS.server());
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(engines.context()).build()).build();
        Writer writer = new Writer();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> writer)
                .join().localAddress();
        try (FileChannel file = FileChannel.open(path); SSLSocket socket = client(server)) {
            socket.startHandshake();
            Connection connection = writer.opened.get(10, TimeUnit.SECONDS);
            CountDownLatch release = new CountDownLatch(1);
            engines.pauseLatest(release); // the file waits in the backlog, its callback attached
            CompletableFuture<Long> sent = new CompletableFuture<>();
            loop.execute(() -> connection.sendFile(file, 0, content.length).thenAccept(n -> {
                connection.abort(); // inside the pump that wrapped the file: all held is given back here
                sent.complete(n);
            }));
            await().atMost(5, TimeUnit.SECONDS).until(() -> connection.pendingOutboundBytes() == content.length);
            release.countDown();
            assertEquals(content.length, sent.get(10, TimeUnit.SECONDS));
            await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().connectionsOpen() == 0);
            assertEquals(0, loop.metrics().queuedBytes(), "the loop's budget: the pump must not give back twice");
        }
    }

    @Test
    void aClosingTlsConnectionSaysItNoLongerReads() throws Exception {
        CompletableFuture<Boolean> autoReadAfterClose = new CompletableFuture<>();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.close();
                autoReadAfterClose.complete(connection.isAutoRead());
            }

            @Override
            public void onRead(Connection connection, ByteBuffer data) {
            }
        }).join().localAddress();
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
            assertFalse(autoReadAfterClose.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theHandlerFactoryIsCalledOnlyForCompletedHandshakes() throws Exception {
        AtomicInteger made = new AtomicInteger();
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(CERTS.server()).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options, c -> {
            made.incrementAndGet();
            return new TestEchoHandler();
        }).join().localAddress();
        for (int i = 0; i < 3; i++) { // plain text where a ClientHello belongs: each handshake fails
            try (SocketChannel raw = Loopback.connect(server)) {
                Loopback.writeAscii(raw, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Loopback.drainToEnd(raw);
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().tlsHandshakesFailed() == 3);
        assertEquals(0, made.get(), "no handler for a failed handshake");

        try (SSLSocket socket = client(server)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
        }
        assertEquals(1, made.get());
    }

    @Test
    void handshakesStalledAfterFiveBytesHoldLittleMemoryEach() throws Exception {
        int peers = 400;
        TcpOptions options = TcpOptions.builder()
                .tls(TlsOptions.server(CERTS.server()).handshakeTimeout(Duration.ofSeconds(60)).build()).build();
        InetSocketAddress server = (InetSocketAddress) loop.listenTcp(Loopback.ANY_PORT_V4, options,
                c -> new TestEchoHandler()).join().localAddress();
        warmUp(server);
        long before = usedHeapAfterGc();
        long readBefore = loop.metrics().bytesRead();
        List<SocketChannel> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < peers; i++) {
                SocketChannel raw = Loopback.connect(server);
                stalled.add(raw);
                raw.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00})); // a 512-byte handshake record, begun
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().connectionsOpen() == peers);
            // the loop has read the 5 bytes of each, and kept them
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().bytesRead() - readBefore == 5L * peers);
            long perPeer = (usedHeapAfterGc() - before) / peers;
            System.out.printf("[measure] heap per handshake stalled after 5 bytes: %,d B%n", perPeer);
            assertTrue(perPeer < 8 * 1024, perPeer + " B per stalled handshake");
        } finally {
            for (SocketChannel raw : stalled) {
                raw.close();
            }
        }
    }

    /** One handshake first, so that what the JDK makes once (session caches, classes) is not counted. */
    private static void warmUp(InetSocketAddress server) throws IOException {
        try (SSLSocket socket = client(server)) {
            socket.startHandshake();
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
