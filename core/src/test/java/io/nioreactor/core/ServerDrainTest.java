package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TcpServer#drain}: the embedder's hand-over. The server stops accepting, answers and ends
 * its own connections on every loop they live on, resets what is still busy at the timeout, and
 * leaves other servers and the loops running.
 */
@Timeout(60)
class ServerDrainTest {

    private static final TcpOptions QUIET_200MS = TcpOptions.builder().drainQuietPeriod(Duration.ofMillis(200)).build();

    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        for (SocketChannel client : clients) {
            client.close();
        }
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void drainingOneServerAnswersAndEndsItsConnectionsAndLeavesTheOtherServerServing() throws Exception {
        EventLoop loop = group("drain-server", 1).loops().get(0);
        TcpServer drained = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        TcpServer other = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        List<SocketChannel> ofDrained = connect(drained.localAddress(), 10);
        List<SocketChannel> ofOther = connect(other.localAddress(), 10);
        await().atMost(5, TimeUnit.SECONDS).until(() -> drained.openConnections() + other.openConnections() == 20);

        CountDownLatch release = DrainTest.hold(loop);
        for (SocketChannel client : ofDrained) {
            Loopback.writeAscii(client, "last words");
        }
        CompletableFuture<Void> done = drained.drain(Duration.ofSeconds(20));
        release.countDown();

        for (SocketChannel client : ofDrained) {
            assertEquals("last words", Loopback.readAscii(client, 10));
            assertEquals(0, Loopback.drainToEnd(client), "then a FIN");
            client.close();
        }
        done.get(10, TimeUnit.SECONDS);
        assertEquals(0, drained.openConnections());
        assertFalse(drained.isOpen());
        assertThrows(IOException.class, () -> Loopback.connect(drained.localAddress()), "no longer listening");
        assertTrue(drained.drain(Duration.ofSeconds(1)).isDone(), "a second call returns the same, done future");

        for (SocketChannel client : ofOther) { // untouched, on the same loop, which runs on
            Loopback.writeAscii(client, "still here");
            assertEquals("still here", Loopback.readAscii(client, 10));
        }
        assertEquals(10, other.openConnections());
        assertFalse(loop.isShuttingDown());
    }

    @Test
    void aGroupServersDrainEndsItsConnectionsOnEveryLoop() throws Exception {
        EventLoopGroup group = group("drain-group-server", 2);
        TcpServer server = group.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        List<SocketChannel> connected = connect(server.localAddress(), 16);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 16);
        for (LoopMetrics each : group.metrics().perLoop()) {
            assertTrue(each.connectionsOpen() > 0, "connections on both loops: " + group.metrics().perLoop());
        }

        CompletableFuture<Void> done = server.drain(Duration.ofSeconds(20));
        for (int i = 0; i < connected.size(); i++) {
            assertEquals(0, Loopback.drainToEnd(connected.get(i)), "connection " + i + ": a FIN");
            connected.get(i).close();
        }
        done.get(10, TimeUnit.SECONDS);
        assertEquals(0, group.metrics().connectionsOpen());
        assertFalse(group.loops().get(0).isShuttingDown() || group.loops().get(1).isShuttingDown());
    }

    @Test
    void whatIsStillBusyAtTheTimeoutIsReset() throws Exception {
        EventLoop loop = group("drain-timeout", 1).loops().get(0);
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.write(ByteBuffer.allocate(8 << 20)); // far more than the socket buffers hold: it stays queued
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        }).join();
        SocketChannel neverReads = connect(server.localAddress(), 1).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 1);

        server.drain(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);

        IOException reset = assertThrows(IOException.class, () -> Loopback.drainToEnd(neverReads));
        assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }

    @Test
    void aBadTimeoutIsRefusedAndChangesNothing() throws Exception {
        EventLoop loop = group("drain-bad-timeout", 1).loops().get(0);
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();

        assertThrows(NullPointerException.class, () -> server.drain(null));
        assertThrows(IllegalArgumentException.class, () -> server.drain(Duration.ofSeconds(-1)));

        assertTrue(server.isOpen(), "still accepting");
        Loopback.assertEchoes(server.localAddress(), 10_000, 3);
        server.drain(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertFalse(server.isOpen());
    }

    private EventLoopGroup group(String name, int loops) {
        EventLoopGroup group = EventLoopGroup.start(name, loops);
        groups.add(group);
        return group;
    }

    private List<SocketChannel> connect(SocketAddress address, int count) throws IOException {
        List<SocketChannel> connected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel client = Loopback.connect(address);
            clients.add(client);
            connected.add(client);
        }
        return connected;
    }
}
