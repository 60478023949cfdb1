package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A graceful end loses nothing that has arrived: a loop's shutdown and a server's drain answer
 * bytes read or not yet read, serve connections the kernel had queued, end each connection with a
 * FIN (never a reset) once it is quiet, and leave other servers alone; a UDP endpoint's close hands
 * over the datagrams the socket holds.
 */
@Timeout(60)
class DrainTest {

    private static final TcpOptions QUIET_200MS = TcpOptions.builder().drainQuietPeriod(Duration.ofMillis(200)).build();

    private final List<EventLoop> loops = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        for (EventLoop loop : loops) {
            loop.shutdownGracefully(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void aShutdownAnswersRequestsThatArrivedButWereNotReadYetThenEndsWithAFin() throws Exception {
        EventLoop loop = loop("drain-unread");
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        List<SocketChannel> connected = connect(server.localAddress(), 20);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 20);

        CountDownLatch release = hold(loop); // the requests arrive while the loop cannot read them
        for (int i = 0; i < connected.size(); i++) {
            Loopback.writeAscii(connected.get(i), "request " + i + ";");
        }
        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20)); // behind the hold
        release.countDown();

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < connected.size(); i++) {
            String expected = "request " + i + ";";
            try {
                assertEquals(expected, Loopback.readAscii(connected.get(i), expected.length()));
                assertEquals(0, Loopback.drainToEnd(connected.get(i)), "then a FIN, no reset");
            } catch (IOException | AssertionError e) {
                failures.add(i + ": " + e);
            }
            connected.get(i).close();
        }
        assertEquals(List.of(), failures, "every request that had arrived is answered, then the connection ends");
        terminated.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionWhoseFirstBytesArriveAfterTheShutdownBeganIsAnswered() throws Exception {
        EventLoop loop = loop("drain-late-bytes");
        TcpOptions quietOneSecond = TcpOptions.builder().drainQuietPeriod(Duration.ofSeconds(1)).build();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, quietOneSecond, c -> new TestEchoHandler()).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 1);

        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));
        await().atMost(5, TimeUnit.SECONDS).until(() -> !server.isOpen()); // the shutdown has begun on the loop
        Loopback.writeAscii(client, "late but within the quiet period");

        assertEquals("late but within the quiet period", Loopback.readAscii(client, 32));
        assertEquals(0, Loopback.drainToEnd(client), "then a FIN");
        client.close();
        terminated.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIdleConnectionGetsItsFinAtOnceAndTheLoopEndsWhenThePeerCloses() throws Exception {
        EventLoop loop = loop("drain-idle");
        TcpOptions quietLong = TcpOptions.builder().drainQuietPeriod(Duration.ofMillis(300)).build();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, quietLong, c -> new TestEchoHandler()).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        Loopback.writeAscii(client, "ping");
        assertEquals("ping", Loopback.readAscii(client, 4));
        long lastActivity = System.nanoTime();
        await().pollDelay(400, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS)
                .until(() -> System.nanoTime() - lastActivity > TimeUnit.MILLISECONDS.toNanos(300)); // idle now

        long begun = System.nanoTime();
        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));
        assertEquals(0, Loopback.drainToEnd(client), "a FIN, not a reset");
        long finMillis = (System.nanoTime() - begun) / 1_000_000;
        assertFalse(terminated.isDone(), "it waits for the peer's end of its side");
        client.close();
        terminated.get(10, TimeUnit.SECONDS);
        System.out.printf("[measure] an idle connection got its FIN %d ms after the shutdown began%n", finMillis);
        assertTrue(finMillis < 3_000, "at once, not after a quiet period: " + finMillis + " ms");
    }

    @Test
    void aPeerThatNeverEndsItsSideIsClosedAQuietPeriodAfterTheFinLongBeforeTheTimeout() throws Exception {
        EventLoop loop = loop("drain-stubborn");
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 1);

        long begun = System.nanoTime();
        loop.shutdownGracefully(Duration.ofSeconds(60)).get(20, TimeUnit.SECONDS); // the client never closes
        long millis = (System.nanoTime() - begun) / 1_000_000;

        assertEquals(0, Loopback.drainToEnd(client), "closed with a FIN, not a reset");
        System.out.printf("[measure] a peer that never closed: the loop ended %d ms after the shutdown began"
                + " (quiet period 200 ms, timeout 60 s)%n", millis);
    }

    @Test
    void drainingOneServerAnswersAndEndsItsConnectionsAndLeavesTheOtherServerServing() throws Exception {
        EventLoop loop = loop("drain-server");
        TcpServer drained = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        TcpServer other = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        List<SocketChannel> ofDrained = connect(drained.localAddress(), 10);
        List<SocketChannel> ofOther = connect(other.localAddress(), 10);
        await().atMost(5, TimeUnit.SECONDS).until(() -> drained.openConnections() + other.openConnections() == 20);

        CountDownLatch release = hold(loop);
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
    void aServersDrainResetsWhatIsStillBusyAtItsTimeout() throws Exception {
        EventLoop loop = loop("drain-timeout");
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
    void aGroupThatHandsConnectionsOffServesWhatItsListenerHadQueuedWhenTheShutdownBegan() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("drain-group", 4);
        loops.addAll(group.loops());
        TcpOptions handOff = QUIET_200MS.toBuilder().listenerPerLoop(false).build();
        TcpServer server = group.listenTcp(ANY_PORT_V4, handOff, c -> new TestEchoHandler()).join();
        CountDownLatch release = hold(group.loops().get(0)); // the acceptor's loop: nobody accepts

        List<SocketChannel> queued = connect(server.localAddress(), 20); // done by the kernel alone
        for (int i = 0; i < queued.size(); i++) {
            Loopback.writeAscii(queued.get(i), "queued " + i + ";");
        }
        CompletableFuture<Void> terminated = group.shutdownGracefully(Duration.ofSeconds(20));
        release.countDown();

        for (int i = 0; i < queued.size(); i++) {
            String expected = "queued " + i + ";";
            assertEquals(expected, Loopback.readAscii(queued.get(i), expected.length()), "connection " + i);
            assertEquals(0, Loopback.drainToEnd(queued.get(i)), "then a FIN");
            queued.get(i).close();
        }
        terminated.get(10, TimeUnit.SECONDS);
        assertEquals(20, group.metrics().connectionsAccepted());
        assertEquals(0, group.metrics().connectionsRejected());
    }

    @Test
    void closingAUdpEndpointHandsItsHandlerTheDatagramsThatHadArrived() throws Exception {
        EventLoop loop = loop("drain-udp");
        AtomicInteger handled = new AtomicInteger();
        UdpEndpoint endpoint = loop.bindUdp(ANY_PORT_V4, UdpOptions.defaults(), (e, data, sender) -> {
            handled.incrementAndGet();
            e.send(data, sender);
        }).join();
        DatagramChannel client = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        clients.add(client);

        CountDownLatch release = hold(loop);
        for (int i = 0; i < 100; i++) {
            client.send(ByteBuffer.wrap(("datagram " + i).getBytes()), endpoint.localAddress());
        }
        CompletableFuture<Void> closed = endpoint.close(); // behind the hold: they wait in the socket
        release.countDown();
        closed.get(5, TimeUnit.SECONDS);

        assertEquals(100, handled.get(), "every datagram that had arrived reached the handler");
        client.configureBlocking(false);
        int echoed = 0;
        ByteBuffer buffer = ByteBuffer.allocate(100);
        while (client.receive(buffer) != null) {
            echoed++;
            buffer.clear();
        }
        assertEquals(100, echoed, "and its answers went out");
        assertFalse(endpoint.isOpen());
    }

    private EventLoop loop(String name) {
        EventLoop loop = EventLoop.start(name);
        loops.add(loop);
        return loop;
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

    /** Keeps the loop's thread busy until the returned latch is counted down: nothing is read or accepted. */
    private static CountDownLatch hold(EventLoop loop) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        loop.execute(() -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(5, TimeUnit.SECONDS));
        return release;
    }
}
