package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpClientTest {

    private final EventLoop loop = EventLoop.start("client-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Collects what the peer sends back. */
    private static final class Collector implements ConnectionHandler {
        final StringBuffer received = new StringBuffer();
        final CompletableFuture<Void> opened = new CompletableFuture<>();

        @Override
        public void onOpen(Connection c) {
            opened.complete(null);
        }

        @Override
        public void onRead(Connection c, ByteBuffer data) {
            received.append(StandardCharsets.US_ASCII.decode(data));
        }
    }

    @Test
    void aClientConnectionTalksToAServerOnTheSameLoop() throws Exception {
        SocketAddress server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler())
                .join().localAddress();
        Collector collector = new Collector();

        Connection connection = loop.connectTcp(server, TcpOptions.defaults(), collector).get(5, TimeUnit.SECONDS);
        assertTrue(collector.opened.isDone(), "onOpen runs before the future completes");
        connection.write(ByteBuffer.wrap("round trip".getBytes(StandardCharsets.US_ASCII)));

        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> collector.received.toString().equals("round trip"));
        assertEquals(server, connection.remoteAddress());
        assertEquals(1, loop.metrics().connectionsConnected());
        assertEquals(1, loop.metrics().connectionsAccepted());
    }

    @Test
    void aConnectToAClosedPortFailsFastNamingTheAddress() throws Exception {
        InetSocketAddress closed;
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(ANY_PORT_V4)) {
            closed = (InetSocketAddress) probe.getLocalAddress();
        }

        CompletableFuture<Connection> attempt = loop.connectTcp(closed, TcpOptions.defaults(), new Collector());

        Throwable failure = assertThrows(CompletionException.class,
                () -> attempt.orTimeout(5, TimeUnit.SECONDS).join()).getCause();
        assertInstanceOf(ConnectException.class, failure);
        assertTrue(failure.getMessage().contains("127.0.0.1:" + closed.getPort()), failure.getMessage());
        assertTrue(failure.getMessage().contains("refused"), failure.getMessage());
    }

    @Test
    void aConnectThatGetsNoAnswerTimesOutNamingTheAddressAndTheTimeout() throws Exception {
        // A listener that never accepts, with its backlog full: the kernel drops further SYNs.
        try (ServerSocketChannel silent = ServerSocketChannel.open().bind(ANY_PORT_V4, 1)) {
            SocketAddress address = silent.getLocalAddress();
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                CompletableFuture<Connection> attempt = null;
                TcpOptions options = TcpOptions.builder().connectTimeout(Duration.ofMillis(300)).build();
                for (int i = 0; i < 8 && attempt == null; i++) {
                    SocketChannel filler = SocketChannel.open();
                    filler.configureBlocking(false);
                    fillers.add(filler);
                    if (!filler.connect(address) && !finishesWithin(filler, 200)) {
                        attempt = loop.connectTcp(address, options, new Collector());
                    }
                }
                assertTrue(attempt != null, "the backlog never filled up");

                CompletableFuture<Connection> pending = attempt;
                Throwable failure = assertThrows(CompletionException.class,
                        () -> pending.orTimeout(5, TimeUnit.SECONDS).join()).getCause();
                assertInstanceOf(SocketTimeoutException.class, failure);
                assertTrue(failure.getMessage().contains(loopbackAndPort(address)), failure.getMessage());
                assertTrue(failure.getMessage().contains("300 ms"), failure.getMessage());
            } finally {
                for (SocketChannel filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    private static boolean finishesWithin(SocketChannel channel, long millis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        Selector selector = Selector.open();
        try {
            channel.register(selector, SelectionKey.OP_CONNECT);
            while (System.nanoTime() < deadline) {
                if (selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))) > 0) {
                    return channel.finishConnect();
                }
            }
            return false;
        } finally {
            selector.close();
        }
    }

    private static String loopbackAndPort(SocketAddress address) {
        return "127.0.0.1:" + ((InetSocketAddress) address).getPort();
    }
}
