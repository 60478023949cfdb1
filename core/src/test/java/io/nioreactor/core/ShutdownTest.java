package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    /** Sends a fixed payload as soon as a connection opens. */
    private static final class Greeter implements ConnectionHandler {
        private final byte[] payload;
        final CountDownLatch opened;

        Greeter(byte[] payload, int connections) {
            this.payload = payload;
            this.opened = new CountDownLatch(connections);
        }

        @Override
        public void onOpen(Connection c) {
            c.write(ByteBuffer.wrap(payload));
            opened.countDown();
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
        }
    }

    @Test
    void shutdownStopsAcceptingFlushesQueuedWritesThenClosesEveryConnection() throws Exception {
        EventLoop loop = EventLoop.start("shutdown-test");
        byte[] payload = new byte[4 << 20]; // far more than the socket buffers hold: it queues
        new SplittableRandom(9).nextBytes(payload);
        Greeter greeter = new Greeter(payload, 3);
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> greeter).join();
        SocketAddress address = server.localAddress();

        try (SocketChannel a = Loopback.connect(address);
             SocketChannel b = Loopback.connect(address);
             SocketChannel c = Loopback.connect(address)) {
            assertTrue(greeter.opened.await(5, TimeUnit.SECONDS));

            CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));

            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThrows(IOException.class, () -> Loopback.connect(address).close(), "no longer accepting"));
            for (SocketChannel client : new SocketChannel[] {a, b, c}) {
                ByteBuffer received = ByteBuffer.allocate(payload.length);
                while (received.hasRemaining() && client.read(received) >= 0) {
                    // read everything the server flushes before closing
                }
                assertArrayEquals(payload, received.array());
                assertEquals(0, Loopback.drainToEnd(client), "then end of stream");
            }
            terminated.get(10, TimeUnit.SECONDS);
        }
        assertFalse(server.isOpen());
        assertEquals(3, loop.metrics().connectionsClosed());
    }

    @Test
    void theShutdownTimeoutResetsAPeerThatNeverReads() throws Exception {
        EventLoop loop = EventLoop.start("shutdown-timeout-test");
        Greeter greeter = new Greeter(new byte[8 << 20], 1);
        SocketAddress address = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> greeter)
                .join().localAddress();

        try (SocketChannel stubborn = Loopback.connect(address)) {
            assertTrue(greeter.opened.await(5, TimeUnit.SECONDS));

            loop.shutdownGracefully(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);

            IOException reset = assertThrows(IOException.class, () -> Loopback.drainToEnd(stubborn));
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
    }

    @Test
    void listenAndConnectFailOnceShutdownHasBegun() throws Exception {
        EventLoop loop = EventLoop.start("shutdown-refuses-test");
        loop.shutdownGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);

        Throwable listen = assertThrows(CompletionException.class,
                () -> loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join()).getCause();
        Throwable connect = assertThrows(CompletionException.class,
                () -> loop.connectTcp(ANY_PORT_V4, TcpOptions.defaults(), new TestEchoHandler()).join()).getCause();

        assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, listen);
        assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, connect);
    }

    @Test
    void listenAndBindDuringAGracefulShutdownAreRejectedAsAfterIt() throws Exception {
        EventLoop loop = EventLoop.start("shutdown-draining-test");
        byte[] payload = new byte[8 << 20]; // a peer that never reads keeps the shutdown draining
        Greeter greeter = new Greeter(payload, 1);
        SocketAddress address = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> greeter).join().localAddress();

        try (SocketChannel stubborn = Loopback.connect(address)) {
            assertTrue(greeter.opened.await(5, TimeUnit.SECONDS));
            CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(30));

            Throwable listen = assertThrows(CompletionException.class,
                    () -> loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> greeter).join()).getCause();
            Throwable bind = assertThrows(CompletionException.class, () -> loop.bindUdp(
                    new java.net.InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), (e, d, s) -> { }).join())
                    .getCause();

            assertFalse(terminated.isDone(), "still draining: this is the shutting-down state, not the terminated one");
            assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, listen);
            assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, bind);
            assertEquals("loop shutdown-draining-test is shutting down", listen.getMessage());
            stubborn.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        }
        loop.terminationFuture().get(10, TimeUnit.SECONDS);
    }
}
