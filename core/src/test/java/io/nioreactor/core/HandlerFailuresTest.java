package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whatever callback of a handler throws, even an {@link AssertionError}: that connection closes,
 * the failure is counted, and the loop and its other connections go on.
 */
class HandlerFailuresTest {

    /** The callback that throws, and how a client makes the loop call it. */
    enum Callback {
        ON_OPEN, ON_READ, ON_WRITABLE, ON_INPUT_CLOSED, ON_IDLE, ON_CLOSE
    }

    private final EventLoop loop = EventLoop.start("handler-failures-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @ParameterizedTest
    @EnumSource(Callback.class)
    void aThrowingCallbackClosesItsConnectionIsCountedAndTheLoopGoesOn(Callback callback) throws Exception {
        Error thrown = new AssertionError("thrown by " + callback + " for the test");
        ThrowingHandler handler = new ThrowingHandler(callback, thrown);
        TcpOptions options = TcpOptions.builder().idleTimeout(Duration.ofMillis(callback == Callback.ON_IDLE ? 200 : 0))
                .highWaterMark(64 * 1024).lowWaterMark(32 * 1024).build();
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, options, c -> handler).join().localAddress();
        SocketAddress bystanders = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler())
                .join().localAddress();

        SocketChannel client = Loopback.connect(server);
        provoke(callback, client);
        if (callback != Callback.ON_CLOSE) {
            assertSame(thrown, handler.closeCause.get(10, TimeUnit.SECONDS), "onClose gets the cause");
            drainQuietly(client);
        }
        client.close(); // for ON_CLOSE: onClose runs when the connection closes

        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertEquals(1, loop.metrics().handlerFailures(), "counted once");
            assertEquals(0, loop.metrics().connectionsOpen(), "its connection closed");
        });
        assertFalse(loop.terminationFuture().isDone(), "the loop goes on");
        Loopback.assertEchoes(bystanders, 100_000, 7);
    }

    @Test
    void aBurstOfHandlerFailuresIsLoggedAtMostOnceASecondWithTheCountHeldBack() throws Exception {
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> (connection, data) -> {
            throw new IllegalStateException("handler failure for the test");
        }).join().localAddress();
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 50; i++) {
                try (SocketChannel client = Loopback.connect(server)) {
                    Loopback.writeAscii(client, "x");
                    drainQuietly(client);
                }
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().handlerFailures() == 50);
        } finally {
            System.setErr(stderr);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        long lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("handler failed, closing the connection")).count();
        System.out.printf("[measure] 50 handler failures in %d s: %d WARN lines%n", seconds, lines);
        org.junit.jupiter.api.Assertions.assertTrue(lines >= 1 && lines <= seconds + 2,
                lines + " lines for 50 failures in " + seconds + " s");
    }

    private static void provoke(Callback callback, SocketChannel client) throws IOException {
        switch (callback) {
            case ON_READ -> Loopback.writeAscii(client, "x");
            case ON_WRITABLE -> Loopback.drainToEnd(client); // read the flood; onWritable follows
            case ON_INPUT_CLOSED -> client.shutdownOutput();
            default -> {
                // ON_OPEN and ON_IDLE need nothing from the client; ON_CLOSE is provoked by closing
            }
        }
    }

    private static void drainQuietly(SocketChannel client) {
        try {
            Loopback.drainToEnd(client);
        } catch (IOException reset) {
            // a reset is an end too
        }
    }

    /** Throws from one callback; on open it floods past the high water mark so onWritable comes. */
    private static final class ThrowingHandler implements ConnectionHandler {
        private final Callback callback;
        private final Error thrown;
        final CompletableFuture<Throwable> closeCause = new CompletableFuture<>();

        ThrowingHandler(Callback callback, Error thrown) {
            this.callback = callback;
            this.thrown = thrown;
        }

        private void maybeThrow(Callback at) {
            if (callback == at) {
                throw thrown;
            }
        }

        @Override
        public void onOpen(Connection c) {
            maybeThrow(Callback.ON_OPEN);
            ByteBuffer block = ByteBuffer.allocate(256 * 1024);
            while (callback == Callback.ON_WRITABLE && c.isWritable()) { // past the high water mark
                c.write(block.clear());
            }
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            maybeThrow(Callback.ON_READ);
        }

        @Override
        public void onWritable(Connection c) {
            maybeThrow(Callback.ON_WRITABLE);
        }

        @Override
        public void onInputClosed(Connection c) {
            maybeThrow(Callback.ON_INPUT_CLOSED);
            c.close();
        }

        @Override
        public void onIdle(Connection c) {
            maybeThrow(Callback.ON_IDLE);
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            closeCause.complete(cause);
            maybeThrow(Callback.ON_CLOSE);
        }
    }
}
