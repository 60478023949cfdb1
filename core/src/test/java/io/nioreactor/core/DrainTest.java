package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A graceful shutdown loses nothing that has arrived: requests read or not yet read are answered,
 * connections the kernel had queued or a listener had handed off are served, a connection's first
 * bytes may come a moment after the shutdown began, a handler may answer late, a TLS handshake
 * finishes, and every connection ends with a FIN (never a reset), promptly once quiet; a UDP
 * endpoint hands over the datagrams its socket holds.
 */
@Timeout(60)
class DrainTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final TcpOptions QUIET_200MS = TcpOptions.builder().drainQuietPeriod(QUIET).build();

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
    void requestsThatArrivedOnIdleConnectionsButWereNotReadYetAreAnsweredThenEachEndsWithAFin() throws Exception {
        EventLoop loop = loop("drain-unread");
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        List<SocketChannel> connected = connect(server.localAddress(), 20);
        for (SocketChannel client : connected) { // each has talked, then been idle longer than the quiet period
            Loopback.writeAscii(client, "hello;");
            assertEquals("hello;", Loopback.readAscii(client, 6));
        }
        idleLongerThan(QUIET.multipliedBy(2));

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
    void aHandlerThatPausesReadingWhileItWorksOnAnAnswerGetsToSendIt() throws Exception {
        EventLoop loop = loop("drain-slow-answer");
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new ConnectionHandler() {
            @Override
            public void onRead(Connection c, ByteBuffer data) {
                byte[] request = new byte[data.remaining()];
                data.get(request);
                c.setAutoRead(false); // working on it: the connection is not quiet
                c.loop().schedule(() -> { // a backend's answer, 600 ms later: three quiet periods
                    c.write(ByteBuffer.wrap(request));
                    c.setAutoRead(true);
                }, Duration.ofMillis(600));
            }
        }).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        Loopback.writeAscii(client, "slow");
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 1);

        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));

        assertEquals("slow", Loopback.readAscii(client, 4));
        assertEquals(0, Loopback.drainToEnd(client), "then a FIN");
        client.close();
        terminated.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIdleConnectionGetsItsFinAtOnceAndItsEndWhenThePeerCloses() throws Exception {
        EventLoop loop = loop("drain-idle");
        TcpOptions quietHalfSecond = TcpOptions.builder().drainQuietPeriod(Duration.ofMillis(500)).build();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, quietHalfSecond, c -> new TestEchoHandler()).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        Loopback.writeAscii(client, "ping");
        assertEquals("ping", Loopback.readAscii(client, 4));
        idleLongerThan(Duration.ofMillis(600));

        long begun = System.nanoTime();
        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));
        assertEquals(0, Loopback.drainToEnd(client), "a FIN, not a reset");
        long finMillis = (System.nanoTime() - begun) / 1_000_000;
        client.close();
        terminated.get(10, TimeUnit.SECONDS);
        System.out.printf("[measure] an idle connection got its FIN %d ms after the shutdown began (quiet period"
                + " 500 ms)%n", finMillis);
        assertTrue(finMillis < 250, "at once, not after a quiet period: " + finMillis + " ms");
    }

    @Test
    void aPeerThatNeverEndsItsSideIsClosedAQuietPeriodAfterItsFinLongBeforeTheTimeout() throws Exception {
        EventLoop loop = loop("drain-stubborn");
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 1);

        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(60)); // the client never closes
        assertEquals(0, Loopback.drainToEnd(client), "a FIN, not a reset");
        long fin = System.nanoTime();
        terminated.get(20, TimeUnit.SECONDS);
        long afterFin = (System.nanoTime() - fin) / 1_000_000;

        System.out.printf("[measure] a peer that never closed: closed %d ms after its FIN (quiet period 200 ms,"
                + " timeout 60 s)%n", afterFin);
        assertTrue(afterFin >= QUIET.toMillis() / 2, "it waited for the peer's end: " + afterFin + " ms");
    }

    @Test
    void aRequestThatArrivesAfterTheFinIsReadAllTheSameAndDoesNotHoldTheConnection() throws Exception {
        EventLoop loop = loop("drain-after-fin");
        TcpServer server = loop.listenTcp(ANY_PORT_V4, QUIET_200MS, c -> new TestEchoHandler()).join();
        SocketChannel client = connect(server.localAddress(), 1).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> server.openConnections() == 1);

        long begun = System.nanoTime();
        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(30));
        assertEquals(0, Loopback.drainToEnd(client), "the FIN");
        long readBefore = loop.metrics().bytesRead();
        Loopback.writeAscii(client, "too "); // it cannot be answered now, and must not wedge the drain
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.metrics().bytesRead() == readBefore + 4);
        Loopback.writeAscii(client, "late"); // the echo handler has paused reading, unable to write: read all the same
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.openConnections() == 0);
        assertEquals(readBefore + 8, loop.metrics().bytesRead(), "all read before the close: no unread byte to reset");
        client.close();
        terminated.get(20, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - begun) / 1_000_000;
        System.out.printf("[measure] a request after the FIN: the loop ended %d ms after the shutdown began%n", millis);
        assertTrue(millis < 10_000, "not held to the 30 s timeout: " + millis + " ms");
    }

    @Test
    void aTlsHandshakeStillRunningWhenTheShutdownBeginsIsCompletedAndServed() throws Exception {
        TestCertificates certs = TestCertificates.get();
        EventLoop loop = loop("drain-tls");
        TcpOptions options = QUIET_200MS.toBuilder().tls(TlsOptions.server(certs.server()).build()).build();
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(ANY_PORT_V4, options,
                c -> new TestEchoHandler()).join().localAddress();
        SSLSocket client = (SSLSocket) certs.client().getSocketFactory().createSocket("localhost", address.getPort());
        clients.add(client);
        client.setSoTimeout(20_000);
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().connectionsAccepted() == 1);

        CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));
        // A slow client: its handshake starts two quiet periods after the shutdown began.
        CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
            try {
                client.startHandshake();
                client.getOutputStream().write("over tls".getBytes());
                return client.getInputStream().readNBytes(8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS));

        assertArrayEquals("over tls".getBytes(), answer.get(10, TimeUnit.SECONDS));
        assertEquals(-1, client.getInputStream().read(), "then close_notify and a FIN");
        client.close();
        terminated.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientConnectionOfTheLoopIsEndedWithAFinOnceQuiet() throws Exception {
        EventLoop loop = loop("drain-client");
        try (ServerSocket peer = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Connection> dialed = loop.connectTcp(peer.getLocalSocketAddress(), QUIET_200MS,
                    new TestEchoHandler());
            try (Socket accepted = peer.accept()) {
                dialed.get(5, TimeUnit.SECONDS);
                accepted.getOutputStream().write("from the peer".getBytes());
                InputStream in = accepted.getInputStream();
                assertArrayEquals("from the peer".getBytes(), in.readNBytes(13), "echoed by the loop's client");

                CompletableFuture<Void> terminated = loop.shutdownGracefully(Duration.ofSeconds(20));
                assertEquals(-1, in.read(), "a FIN, not a reset");
                accepted.shutdownOutput(); // the peer ends its side too
                terminated.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aGroupServesConnectionsHandedOffToALoopBusyWhenTheShutdownBegan() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("drain-hand-off", 2);
        loops.addAll(group.loops());
        TcpOptions handOff = QUIET_200MS.toBuilder().listenerPerLoop(false).build();
        TcpServer server = group.listenTcp(ANY_PORT_V4, handOff, c -> new TestEchoHandler()).join();
        CountDownLatch release = hold(group.loops().get(1)); // the loop connections are handed to is busy

        List<SocketChannel> connected = connect(server.localAddress(), 4);
        await().atMost(5, TimeUnit.SECONDS).until(() -> group.metrics().perLoop().get(0).connectionsHandedOff() == 2);
        for (int i = 0; i < connected.size(); i++) {
            Loopback.writeAscii(connected.get(i), "handed " + i + ";");
        }
        CompletableFuture<Void> terminated = group.shutdownGracefully(Duration.ofSeconds(20));
        release.countDown(); // the hand-offs reach loop 1 after its shutdown began

        for (int i = 0; i < connected.size(); i++) {
            String expected = "handed " + i + ";";
            assertEquals(expected, Loopback.readAscii(connected.get(i), expected.length()), "connection " + i);
            assertEquals(0, Loopback.drainToEnd(connected.get(i)), "then a FIN");
            connected.get(i).close();
        }
        terminated.get(10, TimeUnit.SECONDS);
        assertEquals(4, group.metrics().connectionsAccepted());
        assertEquals(0, group.metrics().connectionsRejected());
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
    }

    @Test
    void aUdpHandlerThatClosesItsEndpointIsNotCalledAgainInsideItsOwnCall() throws Exception {
        EventLoop loop = loop("drain-udp-reentrant");
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger depth = new AtomicInteger();
        UdpEndpoint endpoint = loop.bindUdp(ANY_PORT_V4, UdpOptions.defaults(), (e, data, sender) -> {
            int d = depth.incrementAndGet();
            String text = java.nio.charset.StandardCharsets.US_ASCII.decode(data.duplicate()).toString();
            events.add(d + ":" + text);
            if (text.equals("quit")) {
                e.close();
                events.add(d + ":after close, data reads " + java.nio.charset.StandardCharsets.US_ASCII.decode(data));
            }
            depth.decrementAndGet();
        }).join();
        CountDownLatch release = hold(loop);
        try (DatagramChannel client = DatagramChannel.open()) {
            for (String text : new String[] {"quit", "second", "third"}) {
                client.send(ByteBuffer.wrap(text.getBytes()), endpoint.localAddress());
            }
            release.countDown();
            await().atMost(5, TimeUnit.SECONDS).until(() -> !endpoint.isOpen());
        }
        assertEquals(List.of("1:quit", "1:after close, data reads quit", "1:second", "1:third"), events,
                "the close runs after the call, and still hands over what had arrived");
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

    /** Lets time pass with nothing sent: connections become idle for longer than {@code idle}. */
    private static void idleLongerThan(Duration idle) {
        long since = System.nanoTime();
        await().pollDelay(idle).atMost(idle.multipliedBy(10)).until(() -> System.nanoTime() - since > idle.toNanos());
    }

    /** Keeps the loop's thread busy until the returned latch is counted down: nothing is read or accepted. */
    static CountDownLatch hold(EventLoop loop) throws InterruptedException {
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
