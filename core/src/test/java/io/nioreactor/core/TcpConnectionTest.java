package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpConnectionTest {

    private static final int READ_BUFFER = 64 * 1024;

    private final EventLoop loop = EventLoop.start("connection-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private SocketAddress listen(TcpOptions options, ConnectionHandler handler) {
        return loop.listenTcp(ANY_PORT_V4, options, c -> handler).join().localAddress();
    }

    @Test
    void aPeerThatDoesNotReadIsPausedWithBoundedMemoryAndLosesNoByte() throws Exception {
        TestEchoHandler echo = new TestEchoHandler();
        SocketAddress server = listen(TcpOptions.defaults(), echo);
        long size = 256L << 20;

        try (SocketChannel client = Loopback.connect(server)) {
            CompletableFuture<byte[]> sent = Loopback.async(() -> Loopback.writePattern(client, size, 256));
            await().atMost(10, TimeUnit.SECONDS).untilTrue(echo.paused);
            await().atMost(10, TimeUnit.SECONDS).until(() -> !echo.connection.isAutoRead());
            assertFalse(sent.isDone(), "the writer must be stalled by TCP flow control");

            Loopback.Digest echoed = Loopback.async(() -> Loopback.readDigestOf(client, size))
                    .get(120, TimeUnit.SECONDS);

            assertEquals(size, echoed.bytes());
            assertArrayEquals(sent.get(10, TimeUnit.SECONDS), echoed.sha256());
        }
        long bound = TcpOptions.defaults().highWaterMark() + READ_BUFFER;
        assertTrue(echo.maxPendingOutbound.get() <= bound,
                "pending outbound peaked at " + echo.maxPendingOutbound.get() + " bytes, bound " + bound);
    }

    @Test
    void aHalfClosingPeerGetsItsEchoThenEndOfStream() throws Exception {
        SocketAddress server = listen(TcpOptions.defaults(), new TestEchoHandler());

        try (SocketChannel client = Loopback.connect(server)) {
            Loopback.writeAscii(client, "hello");
            client.shutdownOutput();

            assertEquals("hello", Loopback.readAscii(client, 5));
            assertEquals(0, Loopback.drainToEnd(client));
        }
    }

    @Test
    void shutdownOutputSendsEndOfStreamAndKeepsReading() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        ConnectionHandler handler = new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
                c.shutdownOutput();
                assertFalse(c.write(ByteBuffer.wrap(new byte[1])), "writes after shutdownOutput are refused");
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                received.complete(StandardCharsets.US_ASCII.decode(data).toString());
            }
        };
        SocketAddress server = listen(TcpOptions.defaults(), handler);

        try (SocketChannel client = Loopback.connect(server)) {
            assertEquals("bye", Loopback.readAscii(client, 3));
            assertEquals(0, Loopback.drainToEnd(client));
            Loopback.writeAscii(client, "still here");

            assertEquals("still here", received.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPeerResetMidWriteClosesOnlyThatConnectionWithItsCause() throws Exception {
        CompletableFuture<Throwable> closeCause = new CompletableFuture<>();
        ConnectionHandler flood = new ConnectionHandler() {
            private final ByteBuffer block = ByteBuffer.allocateDirect(256 * 1024);

            @Override
            public void onOpen(Connection c) {
                onWritable(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }

            @Override
            public void onWritable(Connection c) {
                while (c.isWritable()) { // fills to the high water mark, then waits for onWritable
                    c.write(block.clear());
                }
            }

            @Override
            public void onClose(Connection c, Throwable cause) {
                closeCause.complete(cause);
            }
        };
        SocketAddress floodServer = listen(TcpOptions.defaults(), flood);
        SocketAddress echoServer = listen(TcpOptions.defaults(), new TestEchoHandler());

        SocketChannel victim = Loopback.connect(floodServer);
        Loopback.readAscii(victim, 100_000);
        victim.setOption(StandardSocketOptions.SO_LINGER, 0);
        victim.close(); // RST while the server still has bytes to send

        assertInstanceOf(IOException.class, closeCause.get(10, TimeUnit.SECONDS));
        await().atMost(5, TimeUnit.SECONDS)
                .untilAsserted(() -> assertEquals(1, loop.metrics().connectionErrors()));
        Loopback.assertEchoes(echoServer, 10_000, 3);
    }

    @Test
    void theIdleTimeoutClosesAnIdleConnectionAndSparesAnActiveOne() throws Exception {
        TcpOptions options = TcpOptions.builder().idleTimeout(Duration.ofMillis(1500)).build();
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, options, c -> new TestEchoHandler()).join().localAddress();

        try (SocketChannel active = Loopback.connect(server)) {
            long connected = System.nanoTime();
            SocketChannel idle = Loopback.connect(server); // accepted after this: its timer starts later
            idle.configureBlocking(false);
            // Each poll keeps the active connection busy and checks whether the idle one ended.
            await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
                Loopback.writeAscii(active, "ping");
                assertEquals("ping", Loopback.readAscii(active, 4));
                return idle.read(ByteBuffer.allocate(1)) < 0;
            });
            long closedAfterMillis = (System.nanoTime() - connected) / 1_000_000;
            idle.close();
            System.out.printf("[measure] idle timeout 1500 ms: the idle connection ended %d ms after connecting%n",
                    closedAfterMillis);
            assertTrue(closedAfterMillis >= 1500, "closed before its timeout: " + closedAfterMillis + " ms");
            assertTrue(closedAfterMillis < 15_000, "closed an order of magnitude late: " + closedAfterMillis + " ms");

            Loopback.writeAscii(active, "still open");
            assertEquals("still open", Loopback.readAscii(active, 10));
        }
    }

    @Test
    void aThrowingHandlerClosesOnlyItsConnection() throws Exception {
        RuntimeException boom = new IllegalStateException("handler failure for the test");
        CompletableFuture<Throwable> closeCause = new CompletableFuture<>();
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler() {
            @Override
            public void onRead(Connection connection, ByteBuffer data) {
                if (data.get(0) == 'X') {
                    throw boom;
                }
                super.onRead(connection, data);
            }

            @Override
            public void onClose(Connection connection, Throwable cause) {
                if (cause != null) {
                    closeCause.complete(cause);
                }
            }
        }).join().localAddress();

        try (SocketChannel bystander = Loopback.connect(server); SocketChannel culprit = Loopback.connect(server)) {
            Loopback.writeAscii(culprit, "X");

            assertSame(boom, closeCause.get(5, TimeUnit.SECONDS));
            assertEquals(0, Loopback.drainToEnd(culprit));
            Loopback.writeAscii(bystander, "unaffected");
            assertEquals("unaffected", Loopback.readAscii(bystander, 10));
        }
        assertEquals(1, loop.metrics().handlerFailures());
    }

    @Test
    void aStackOverflowInAHandlerClosesItsConnectionNotTheLoop() throws Exception {
        CompletableFuture<Throwable> closeCause = new CompletableFuture<>();
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onRead(Connection connection, ByteBuffer data) {
                recurse(1);
            }

            private int recurse(int depth) {
                return recurse(depth + 1) + 1;
            }

            @Override
            public void onClose(Connection connection, Throwable cause) {
                closeCause.complete(cause);
            }
        }).join().localAddress();

        try (SocketChannel client = Loopback.connect(server)) {
            Loopback.writeAscii(client, "deep");

            assertInstanceOf(StackOverflowError.class, closeCause.get(10, TimeUnit.SECONDS));
        }
        SocketAddress echo = listen(TcpOptions.defaults(), new TestEchoHandler());
        Loopback.assertEchoes(echo, 1_000, 4);
    }

    @Test
    void aHandlerFactoryThatThrowsClosesThatConnectionOnly() throws Exception {
        boolean[] first = {true};
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> {
            if (first[0]) {
                first[0] = false;
                throw new IllegalStateException("factory failure for the test");
            }
            return new TestEchoHandler();
        }).join().localAddress();

        try (SocketChannel refused = Loopback.connect(server)) {
            assertEquals(0, Loopback.drainToEnd(refused));
        }
        Loopback.assertEchoes(server, 1_000, 5);
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceAndCounted() throws Exception {
        TcpOptions options = TcpOptions.builder().maxConnections(2).build();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, options, c -> new TestEchoHandler()).join();

        try (SocketChannel a = Loopback.connect(server.localAddress());
             SocketChannel b = Loopback.connect(server.localAddress())) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 2);
            try (SocketChannel c = Loopback.connect(server.localAddress())) {
                assertEquals(0, Loopback.drainToEnd(c));
            }
            assertEquals(1, loop.metrics().connectionsRejected());
            Loopback.writeAscii(a, "a");
            assertEquals("a", Loopback.readAscii(a, 1));
            Loopback.writeAscii(b, "b");
            assertEquals("b", Loopback.readAscii(b, 1));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 0);
        Loopback.assertEchoes(server.localAddress(), 10, 6);
    }

    @Test
    void writesFromAnotherThreadArriveInOrder() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        SocketAddress server = listen(TcpOptions.defaults(), new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        });

        try (SocketChannel client = Loopback.connect(server)) {
            Connection connection = opened.get(5, TimeUnit.SECONDS);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 1_000; i++) {
                String line = i + ",";
                expected.append(line);
                connection.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            }
            connection.close();

            assertEquals(expected.toString(), Loopback.readAscii(client, expected.length()));
            assertEquals(0, Loopback.drainToEnd(client));
        }
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertFalse(opened.get().isOpen()));
    }

    @Test
    void abortResetsTheConnection() throws Exception {
        SocketAddress server = listen(TcpOptions.defaults(), new ConnectionHandler() {
            @Override
            public void onRead(Connection c, ByteBuffer data) {
                c.abort();
            }
        });

        try (SocketChannel client = Loopback.connect(server)) {
            Loopback.writeAscii(client, "x");
            IOException reset = assertThrows(IOException.class,
                    () -> Loopback.drainToEnd(client));
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
    }

    @Test
    void aWriteFromAnotherThreadCountsTowardTheWaterMarksUntilTheLoopHasWrittenIt() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        AtomicInteger writableAgain = new AtomicInteger();
        SocketAddress server = listen(TcpOptions.defaults(), new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }

            @Override
            public void onWritable(Connection c) {
                writableAgain.incrementAndGet();
            }
        });

        try (SocketChannel client = Loopback.connect(server)) {
            Connection connection = opened.get(5, TimeUnit.SECONDS);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> awaitQuietly(release)); // hold the loop: the copy must wait in its queue
            ByteBuffer data = ByteBuffer.allocate(100 * 1024);

            assertTrue(connection.write(data));

            assertFalse(data.hasRemaining(), "the caller's buffer is consumed");
            assertEquals(100 * 1024, connection.pendingOutboundBytes(), "the copy counts at once");
            assertFalse(connection.isWritable(), "100 KiB is above the 64 KiB high water mark");
            assertTrue(loop.metrics().queuedBytes() >= 100 * 1024, "and toward the loop's budget");
            release.countDown();

            assertEquals(100 * 1024, Loopback.readAscii(client, 100 * 1024).length());
            await().atMost(5, TimeUnit.SECONDS).until(() -> writableAgain.get() == 1);
            assertTrue(connection.isWritable());
            assertEquals(0, connection.pendingOutboundBytes());
            await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().queuedBytes() == 0);
        }
    }

    @Test
    void aWriteFromAnotherThreadToAClosedConnectionIsRefusedAndLeavesTheDataUntouched() throws Exception {
        TestEchoHandler echo = new TestEchoHandler();
        SocketAddress server = listen(TcpOptions.defaults(), echo);
        try (SocketChannel client = Loopback.connect(server)) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connection != null);
            echo.connection.close();
            echo.closed.get(5, TimeUnit.SECONDS);
            assertEquals(0, Loopback.drainToEnd(client));
            ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});

            assertFalse(echo.connection.write(data));

            assertEquals(5, data.remaining(), "a refused write leaves the buffer as it was");
        }
    }

    @Test
    void shutdownOutputWithBytesStillQueuedSendsThemAllThenEndOfStream() throws Exception {
        byte[] payload = new byte[8 << 20]; // far more than the socket buffers hold: it queues
        new java.util.SplittableRandom(11).nextBytes(payload);
        CompletableFuture<Long> queuedAtShutdown = new CompletableFuture<>();
        SocketAddress server = listen(TcpOptions.defaults(), new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.write(ByteBuffer.wrap(payload));
                queuedAtShutdown.complete(c.pendingOutboundBytes());
                c.shutdownOutput();
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        });

        try (SocketChannel client = Loopback.connect(server)) {
            assertTrue(queuedAtShutdown.get(5, TimeUnit.SECONDS) > 0, "bytes were still queued at shutdownOutput");

            Loopback.Digest received = Loopback.readDigest(client); // until end of stream

            assertEquals(payload.length, received.bytes());
            assertArrayEquals(Loopback.sha256().digest(payload), received.sha256());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
