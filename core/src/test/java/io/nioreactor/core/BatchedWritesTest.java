package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** onReadComplete, writes deferred to the end of the dispatch, and gathering writes, on real sockets. */
class BatchedWritesTest {

    private static final int MESSAGE = 64;
    private static final int PIPELINED = 16;

    private final EventLoop loop = EventLoop.start("batched-writes-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    /** Answers every 64-byte message on its own, deferred or at once; counts reads and bursts. */
    private static final class PerMessageEcho implements ConnectionHandler {
        final boolean deferred;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger bursts = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();

        PerMessageEcho(boolean deferred) {
            this.deferred = deferred;
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            reads.incrementAndGet();
            events.add("read");
            while (data.hasRemaining()) {
                ByteBuffer message = data.duplicate();
                message.limit(message.position() + Math.min(MESSAGE, data.remaining()));
                data.position(message.limit());
                if (deferred) {
                    c.writeLater(message);
                } else {
                    c.write(message);
                }
            }
        }

        @Override
        public void onReadComplete(Connection c) {
            bursts.incrementAndGet();
            events.add("complete");
        }
    }

    @Test
    void sixteenPipelinedRepliesDeferredInOneReadLeaveInOneWriteImmediateOnesInSixteen() throws Exception {
        for (boolean deferred : new boolean[] {true, false}) {
            PerMessageEcho handler = new PerMessageEcho(deferred);
            TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> handler).join();
            try (SocketChannel client = Loopback.connect(server.localAddress())) {
                byte[] request = new byte[MESSAGE * PIPELINED];
                for (int i = 0; i < request.length; i++) {
                    request[i] = (byte) (i / MESSAGE);
                }
                long writesBefore = loop.metrics().socketWrites();
                client.write(ByteBuffer.wrap(request)); // one segment on loopback: one read
                ByteBuffer reply = ByteBuffer.allocate(request.length);
                while (reply.hasRemaining()) {
                    assertTrue(client.read(reply) >= 0);
                }
                assertArrayEquals(request, reply.array(), "every reply, in order");
                long writes = loop.metrics().socketWrites() - writesBefore;
                System.out.printf("[measure] %d pipelined replies in %d read(s), %s: %d socket write(s)%n",
                        PIPELINED, handler.reads.get(), deferred ? "writeLater" : "write", writes);
                assertEquals(1, handler.reads.get(), "the test needs the 16 requests in one read");
                assertEquals(deferred ? 1 : PIPELINED, writes);
                // onReadComplete follows the writes: the client may have the replies before it ran.
                await().atMost(5, TimeUnit.SECONDS).untilAsserted(
                        () -> assertEquals(List.of("read", "complete"), handler.events));
            }
            server.close().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void repliesOfThreePartsEachGivenInOneWriteLaterCallLeaveInOneWrite() throws Exception {
        ByteBuffer crlf = ByteBuffer.wrap(ascii("\r\n").array()).asReadOnlyBuffer();
        ByteBuffer[] reply = new ByteBuffer[3]; // kept for every reply: nothing allocated per call
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onRead(Connection c, ByteBuffer data) {
                while (data.hasRemaining()) { // each byte a request: answer "$1\r\n" + the byte + "\r\n"
                    ByteBuffer value = data.duplicate();
                    value.limit(value.position() + 1);
                    data.position(data.position() + 1);
                    reply[0] = ascii("$1\r\n");
                    reply[1] = value;
                    reply[2] = crlf.duplicate();
                    assertTrue(c.writeLater(reply));
                    assertFalse(value.hasRemaining(), "consumed");
                }
            }
        }).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            long writesBefore = loop.metrics().socketWrites();
            Loopback.writeAscii(client, "abcdefgh"); // one read of 8 requests
            assertEquals("$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n",
                    Loopback.readAscii(client, 8 * 7));
            assertEquals(1, loop.metrics().socketWrites() - writesBefore, "24 parts, one gathering write");
        }
    }

    @Test
    void deferredWritesAreOrderedWithImmediateOnesAndNeverStrandedOutsideADispatch() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.writeLater(ascii("a"));
                c.write(ascii("b"));
                c.writeLater(ascii("c"));
                opened.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        }).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            assertEquals("abc", Loopback.readAscii(client, 3), "deferred writes in onOpen leave when it returns");
            Connection connection = opened.get();
            // From a timer: no dispatch ends after it, the connection flushes by a task of its own.
            loop.schedule(() -> connection.writeLater(ascii("from a timer")), Duration.ZERO);
            assertEquals("from a timer", Loopback.readAscii(client, 12));
            // From another thread: a plain write.
            assertTrue(connection.writeLater(ascii("elsewhere")));
            assertEquals("elsewhere", Loopback.readAscii(client, 9));
            // An explicit flush in the middle of a callback.
            loop.execute(() -> {
                connection.writeLater(ascii("flushed"));
                connection.flush();
                connection.writeLater(ascii(" then the rest"));
            });
            assertEquals("flushed then the rest", Loopback.readAscii(client, 21));
        }
    }

    @Test
    void aThrowingOnReadCompleteClosesOnlyItsConnection() throws Exception {
        CompletableFuture<Throwable> closedWith = new CompletableFuture<>();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onRead(Connection c, ByteBuffer data) {
                c.writeLater(data);
            }

            @Override
            public void onReadComplete(Connection c) {
                throw new IllegalStateException("read complete failed");
            }

            @Override
            public void onClose(Connection c, Throwable cause) {
                closedWith.complete(cause);
            }
        }).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            Loopback.writeAscii(client, "x");
            assertEquals(0, Loopback.drainToEnd(client), "closed at once: the deferred echo is dropped");
        }
        assertEquals("read complete failed", closedWith.get(5, TimeUnit.SECONDS).getMessage());
        Loopback.assertEchoes(loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler())
                .join().localAddress(), 4096, 3);
    }

    @Test
    void aGatheringWriteSendsHeaderAndBodyInOneCallOnTheLoopAndInOrderFromElsewhere() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                long before = loop.metrics().socketWrites();
                ByteBuffer header = ByteBuffer.allocateDirect(4).putInt(data.remaining()).flip();
                assertTrue(c.write(header, data));
                c.attach(loop.metrics().socketWrites() - before);
            }
        }).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            Loopback.writeAscii(client, "body");
            ByteBuffer reply = ByteBuffer.allocate(8);
            while (reply.hasRemaining()) {
                assertTrue(client.read(reply) >= 0);
            }
            assertEquals(4, reply.getInt(0));
            assertEquals("body", new String(reply.array(), 4, 4, StandardCharsets.US_ASCII));
            Connection connection = opened.get();
            await().atMost(5, TimeUnit.SECONDS).until(() -> connection.attachment() != null);
            assertEquals(1L, connection.attachment(), "header and body in one system call");

            ByteBuffer first = ascii("one, ");
            ByteBuffer second = ascii("two");
            assertTrue(connection.write(first, ByteBuffer.allocate(0), second));
            assertFalse(first.hasRemaining() || second.hasRemaining(), "consumed");
            assertEquals("one, two", Loopback.readAscii(client, 8));
        }
    }

    @Test
    void writesAfterCloseAreRefused() throws Exception {
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        }).join();
        try (SocketChannel client = Loopback.connect(server.localAddress())) {
            Connection connection = opened.get();
            connection.close();
            assertEquals(0, Loopback.drainToEnd(client));
            await().atMost(5, TimeUnit.SECONDS).until(() -> !connection.isOpen());
            CompletableFuture<boolean[]> refused = new CompletableFuture<>();
            loop.execute(() -> refused.complete(new boolean[] {connection.writeLater(ascii("late")),
                    connection.write(ascii("a"), ascii("b"))}));
            assertArrayEquals(new boolean[] {false, false}, refused.get());
            try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(java.nio.file.Path.of("pom.xml"))) {
                assertInstanceOf(java.nio.channels.ClosedChannelException.class, connection.sendFile(file, 0, 10)
                        .handle((n, e) -> e instanceof java.util.concurrent.CompletionException ? e.getCause() : e).get());
            }
        }
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
