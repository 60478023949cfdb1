package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventLoopGroupTest {

    private final List<EventLoopGroup> groups = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void shutdown() {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS)
                    .exceptionally(fatal -> null).join();
        }
    }

    private EventLoopGroup group(int loops) {
        EventLoopGroup group = EventLoopGroup.start("group-test", loops);
        groups.add(group);
        return group;
    }

    @ParameterizedTest(name = "{0} loops")
    @ValueSource(ints = {1, 2, 4})
    void aThousandClientsEchoExactlyEveryLoopServesAndEachConnectionStaysOnOneThread(int loops) throws Exception {
        EventLoopGroup group = group(loops);
        ThreadRecorder recorder = new ThreadRecorder();
        TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> recorder.newHandler()).join();

        echoFromClients(server.localAddress(), 1_000);

        await().atMost(10, TimeUnit.SECONDS).until(() -> group.metrics().connectionsClosed() == 1_000);
        recorder.assertOneThreadPerConnection(1_000);
        assertEquals(loops, recorder.allThreads().size());
        List<Long> perLoop = acceptedPerLoop(group);
        System.out.printf("[measure] %d loops, 1,000 connections: %s per loop, %d handed off%n",
                loops, perLoop, group.metrics().connectionsHandedOff());
        assertTrue(perLoop.stream().allMatch(n -> n > 0), "every loop served some: " + perLoop);
        assertEquals(1_000, group.metrics().connectionsAccepted());
        assertEquals(0, group.metrics().connectionsHandedOff(), "one listener per loop: nothing handed off");
    }

    @Test
    void portZeroGivesOnePortToAListenerOnEveryLoopAndCloseFreesIt() throws Exception {
        EventLoopGroup group = group(4);
        TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        int port = ((InetSocketAddress) server.localAddress()).getPort();

        assertEquals(4, listeningSocketsOn(port), "four listening sockets on port " + port + " in /proc/net/tcp");
        Loopback.assertEchoes(server.localAddress(), 10_000, 1);

        server.close().get(5, TimeUnit.SECONDS);
        assertEquals(0, listeningSocketsOn(port));
        try (ServerSocket again = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the port is free again");
        }
    }

    @Test
    void withoutAListenerPerLoopOneLoopAcceptsAndHandsConnectionsToTheOthers() throws Exception {
        EventLoopGroup group = group(4);
        TcpOptions handOff = TcpOptions.builder().listenerPerLoop(false).sendBufferSize(64 * 1024).build();
        ThreadRecorder recorder = new ThreadRecorder();
        TcpServer server = group.listenTcp(ANY_PORT_V4, handOff, c -> recorder.newHandler()).join();

        assertEquals(1, listeningSocketsOn(((InetSocketAddress) server.localAddress()).getPort()));
        echoFromClients(server.localAddress(), 200);

        await().atMost(10, TimeUnit.SECONDS).until(() -> group.metrics().connectionsClosed() == 200);
        recorder.assertOneThreadPerConnection(200);
        assertEquals(4, recorder.allThreads().size(), "handed off connections run on the loop they went to");
        List<Long> perLoop = acceptedPerLoop(group);
        assertEquals(List.of(50L, 50L, 50L, 50L), perLoop, "round robin over the four loops");
        // Counted by the acceptor after the hand-off: the target may have served it already.
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertEquals(150,
                group.metrics().connectionsHandedOff(), "all but the acceptor's own share"));
    }

    @Test
    void aLoopThatIsShuttingDownIsNeitherChosenNorHandedConnections() throws Exception {
        EventLoopGroup group = group(2);
        EventLoop leaving = group.loops().get(1);
        // The hand-off listener exists before the loop begins to leave: it must stop handing to it then.
        TcpOptions handOff = TcpOptions.builder().listenerPerLoop(false).build();
        TcpServer server = group.listenTcp(ANY_PORT_V4, handOff, c -> new TestEchoHandler()).join();
        try (java.net.ServerSocket neverReads = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // A connection of the leaving loop's with 8 MiB its peer never reads: its shutdown cannot end soon.
            Connection stuck = leaving.connectTcp(neverReads.getLocalSocketAddress(), TcpOptions.defaults(),
                    new TestEchoHandler()).join();
            try (java.net.Socket peer = neverReads.accept()) {
                leaving.execute(() -> stuck.write(ByteBuffer.allocate(8 << 20)));
                await().atMost(5, TimeUnit.SECONDS).until(() -> stuck.pendingOutboundBytes() > 0);
                leaving.shutdownGracefully(Duration.ofSeconds(30));
                assertFalse(leaving.terminationFuture().isDone());

                for (int i = 0; i < 10; i++) {
                    assertSame(group.loops().get(0), group.next(), "next() skips a loop that is shutting down");
                }
                echoFromClients(server.localAddress(), 20); // none closed unanswered
                assertEquals(20, group.loops().get(0).metrics().connectionsAccepted());
                assertEquals(0, leaving.metrics().connectionsAccepted(), "none handed to the leaving loop");
                peer.setSoLinger(true, 0);
            }
        }
    }

    @Test
    void aUnixDomainSocketIsServedByEveryLoopThroughHandOffs() throws Exception {
        EventLoopGroup group = group(4);
        SocketAddress address = UnixDomainSocketAddress.of(dir.resolve("group.sock"));
        ThreadRecorder recorder = new ThreadRecorder();
        TcpServer server = group.listenTcp(address, TcpOptions.defaults(), c -> recorder.newHandler()).join();

        echoFromClients(server.localAddress(), 100);
        Loopback.assertEchoes(address, 1 << 20, 2);

        await().atMost(10, TimeUnit.SECONDS).until(() -> group.metrics().connectionsClosed() == 101);
        recorder.assertOneThreadPerConnection(101);
        assertTrue(acceptedPerLoop(group).stream().allMatch(n -> n > 0), "spread: " + acceptedPerLoop(group));
        assertTrue(group.metrics().connectionsHandedOff() > 0);
    }

    @Test
    void maxConnectionsHoldsForTheWholeGroup() throws Exception {
        EventLoopGroup group = group(4);
        TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.builder().maxConnections(10).build(),
                c -> new TestEchoHandler()).join();
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                clients.add(Loopback.connect(server.localAddress()));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> group.metrics().connectionsRejected() == 20);
            assertEquals(10, server.openConnections());
            assertEquals(10, group.metrics().connectionsOpen());
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.openConnections() == 0);
        Loopback.assertEchoes(server.localAddress(), 100, 3);
    }

    @Test
    void udpOnFourLoopsAnswersSixtyFourSourcesExactlyAndEveryLoopReceives() throws Exception {
        EventLoopGroup group = group(4);
        Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        List<DatagramHandler> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
        UdpEndpoint endpoint = group.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), () -> {
            DatagramHandler handler = (ep, data, sender) -> {
                handlerThreads.add(Thread.currentThread());
                ep.send(data, sender);
            };
            handlers.add(handler);
            return handler;
        }).join();

        for (int i = 0; i < 64; i++) {
            try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                client.setSoTimeout(5_000);
                byte[] payload = ("source " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(payload, payload.length, endpoint.localAddress()));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                client.receive(reply);
                assertArrayEquals(payload, Arrays.copyOf(reply.getData(), reply.getLength()));
            }
        }

        List<Long> perLoop = group.metrics().perLoop().stream().map(LoopMetrics::datagramsReceived)
                .collect(Collectors.toList());
        System.out.printf("[measure] UDP on 4 loops, 64 sources: %s datagrams per loop%n", perLoop);
        assertEquals(4, handlers.size(), "one handler per loop");
        assertEquals(4, handlerThreads.size(), "each handler on its own loop");
        assertTrue(perLoop.stream().allMatch(n -> n > 0), "every loop received some: " + perLoop);
        // The loop counts a datagram once send() returned, which may be after the client already has the reply.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(64, group.metrics().datagramsSent()));
    }

    @Test
    void whenCloseCompletesThePortIsFreeAlready() throws Exception {
        // A lone loop with nothing else to do blocks in select after the close: the socket of a
        // registered channel is only closed by a select, so the future must wait for one.
        EventLoop loop = EventLoop.start("close-frees-port");
        try {
            for (int i = 0; i < 20; i++) {
                TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.builder().reuseAddress(false).build(),
                        c -> new TestEchoHandler()).join();
                int port = ((InetSocketAddress) server.localAddress()).getPort();
                server.close().get(5, TimeUnit.SECONDS);
                assertEquals(0, listeningSocketsOn(port), "round " + i);
                UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(),
                        (ep, data, sender) -> { }).join();
                InetSocketAddress bound = (InetSocketAddress) endpoint.localAddress();
                endpoint.close().get(5, TimeUnit.SECONDS);
                try (java.net.DatagramSocket again = new java.net.DatagramSocket(bound)) {
                    assertEquals(bound.getPort(), again.getLocalPort(), "round " + i);
                }
            }
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void aPortAnotherSocketHoldsIsRefusedAndNothingOfTheGroupStaysBound() throws Exception {
        EventLoopGroup group = group(4);
        int port;
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = taken.getLocalPort();
            Throwable failure = assertThrows(CompletionException.class, () -> group.listenTcp(
                    new InetSocketAddress("127.0.0.1", port), TcpOptions.defaults(), c -> new TestEchoHandler()).join())
                    .getCause();
            assertInstanceOf(BindException.class, failure);
            assertEquals("cannot listen on 127.0.0.1:" + port + ": Address already in use", failure.getMessage());
        }
        assertEquals(0, listeningSocketsOn(port));

        // Another group (whose sockets set SO_REUSEPORT) holds it: refused all the same.
        EventLoopGroup other = group(2);
        TcpServer held = other.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        Throwable failure = assertThrows(CompletionException.class, () -> group.listenTcp(held.localAddress(),
                TcpOptions.defaults(), c -> new TestEchoHandler()).join()).getCause();
        assertInstanceOf(BindException.class, failure);
        assertEquals(2, listeningSocketsOn(((InetSocketAddress) held.localAddress()).getPort()));

        UdpEndpoint udpHeld = other.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(),
                () -> (ep, data, sender) -> ep.send(data, sender)).join();
        Throwable udpFailure = assertThrows(CompletionException.class, () -> group.bindUdp(udpHeld.localAddress(),
                UdpOptions.defaults(), () -> (ep, data, sender) -> { }).join()).getCause();
        assertInstanceOf(BindException.class, udpFailure);
        assertTrue(udpFailure.getMessage().startsWith("cannot bind 127.0.0.1:"), udpFailure.getMessage());
    }

    @Test
    void aDeadLoopIsSkippedAndTheGroupsShutdownEndsWithItsCause() throws Exception {
        EventLoopGroup group = group(3);
        EventLoop doomed = group.loops().get(1);
        OutOfMemoryError fatal = new OutOfMemoryError("simulated for the test");
        doomed.execute(() -> {
            throw fatal;
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> doomed.terminationFuture().isDone());
        for (int i = 0; i < 10; i++) {
            assertNotSame(doomed, group.next(), "next() skips the loop that died");
        }
        TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        echoFromClients(server.localAddress(), 50);

        Throwable reported = assertThrows(CompletionException.class,
                () -> group.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join()).getCause();

        assertSame(fatal, reported, "the group ends exceptionally with the fatal cause");
        assertTrue(group.loops().stream().allMatch(loop -> loop.terminationFuture().isDone()));
        assertSame(group.terminationFuture(), group.shutdownGracefully(Duration.ZERO), "the same future again");
    }

    @Test
    void whenALaterLoopCannotBindTheOthersAreClosedAndNothingStaysBound() throws Exception {
        EventLoopGroup group = group(4);
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = probe.getLocalPort(); // a free port, known in advance
        }

        Throwable failure = assertThrows(CompletionException.class, () -> group.bindUdp(
                new InetSocketAddress("127.0.0.1", port), UdpOptions.defaults(), () -> {
                    if (made.incrementAndGet() == 3) {
                        throw new AssertionError("handler supplier failure for the test");
                    }
                    return (ep, data, sender) -> { };
                }).join()).getCause();

        assertInstanceOf(AssertionError.class, failure, "even an Error completes the future");
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals(port, again.getLocalPort(), "the sockets bound before the failure are closed");
            }
        });
    }

    @Test
    void groupShutdownFlushesWhatEveryLoopHasQueuedThenCompletesOnce() throws Exception {
        EventLoopGroup group = group(2);
        byte[] payload = new byte[4 << 20]; // far more than the socket buffers hold: it queues
        new java.util.Random(5).nextBytes(payload);
        Set<EventLoop> serving = ConcurrentHashMap.newKeySet();
        // Handed off round robin: exactly four connections per loop (the kernel's SO_REUSEPORT
        // hash could put all eight on one).
        // A short quiet period: the client reads one connection to its end after the other, and each
        // ends a quiet period after its last byte left.
        TcpOptions handOff = TcpOptions.builder().listenerPerLoop(false).sendBufferSize(64 * 1024)
                .drainQuietPeriod(Duration.ofMillis(20)).build();
        TcpServer server = group.listenTcp(ANY_PORT_V4, handOff, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                serving.add(connection.loop());
                connection.write(ByteBuffer.wrap(payload));
            }

            @Override
            public void onRead(Connection connection, ByteBuffer data) {
            }
        }).join();
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                clients.add(Loopback.connect(server.localAddress()));
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> group.metrics().connectionsOpen() == 8);
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(
                    () -> assertEquals(2, serving.size(), "both loops hold queued bytes"));

            // Registered before the end: how often the group's end is reported, and what was over by then.
            AtomicInteger ends = new AtomicInteger();
            List<String> atTheEnd = new java.util.concurrent.CopyOnWriteArrayList<>();
            group.terminationFuture().whenComplete((ignored, failure) -> {
                ends.incrementAndGet();
                atTheEnd.add("failure " + failure + ", loops ended " + group.loops().stream()
                        .filter(l -> l.terminationFuture().isDone()).count() + " of " + group.loops().size()
                        + ", connections closed " + group.metrics().connectionsClosed()
                        + ", bytes queued " + group.metrics().queuedBytes());
            });
            java.util.concurrent.CompletableFuture<Void> terminated = group.shutdownGracefully(Duration.ofSeconds(30));
            assertSame(group.terminationFuture(), terminated, "shutdown returns the termination future");
            assertFalse(terminated.isDone(), "still draining: " + terminated + " " + group.metrics());
            for (SocketChannel client : clients) {
                Loopback.Digest received = Loopback.readDigest(client); // until the server closes
                assertEquals(payload.length, received.bytes());
                assertArrayEquals(Loopback.sha256().digest(payload), received.sha256());
            }
            terminated.get(10, TimeUnit.SECONDS);
            // The callback runs on the thread that completes the future, maybe just after get() returns.
            await().atMost(5, TimeUnit.SECONDS).until(() -> ends.get() >= 1);
            assertEquals(List.of("failure null, loops ended 2 of 2, connections closed 8, bytes queued 0"), atTheEnd,
                    "completed once, normally, only after both loops ended with every byte sent");

            // Asked again: the same future, already done, and the end is not reported a second time.
            java.util.concurrent.CompletableFuture<Void> again = group.shutdownGracefully(Duration.ZERO);
            assertSame(terminated, again);
            assertTrue(again.isDone() && !again.isCompletedExceptionally(), again.toString());
            AtomicInteger lateEnds = new AtomicInteger();
            again.thenRun(lateEnds::incrementAndGet); // on a completed future: runs at once, here
            assertEquals(1, lateEnds.get());
            assertEquals(1, ends.get(), "the callback registered before the end ran exactly once");
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
    }

    @Test
    void connectTcpUsesTheLoopsInTurn() throws Exception {
        EventLoopGroup group = group(2);
        TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        Set<EventLoop> used = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Connection connection = group.connectTcp(server.localAddress(), TcpOptions.defaults(),
                    (c, data) -> { }).get(5, TimeUnit.SECONDS);
            used.add(connection.loop());
            connection.close();
        }
        assertEquals(new HashSet<>(group.loops()), used);
        assertEquals(4, group.metrics().connectionsConnected());
    }

    @Test
    void badLoopCountsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.start("x", 0));
        assertEquals("loops must be at least 1, was 0", e.getMessage());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("x-0")));
    }

    @Test
    void theSendBudgetIsSplitOverTheLoopsAndThreadsAreNamed() {
        EventLoopGroup group = EventLoopGroup.start("named", 4, LoopOptions.builder().maxQueuedBytes(64 << 20).build());
        groups.add(group);

        assertEquals(64 << 20, group.metrics().maxQueuedBytes());
        assertEquals(16 << 20, group.loops().get(3).metrics().maxQueuedBytes());
        assertEquals(List.of("named-0", "named-1", "named-2", "named-3"),
                group.loops().stream().map(EventLoop::name).collect(Collectors.toList()));
    }

    /** Connects {@code count} clients at once, echoes a line on each, closes them. */
    private static void echoFromClients(SocketAddress server, int count) throws IOException {
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(Loopback.connect(server));
            }
            for (int i = 0; i < count; i++) {
                Loopback.writeAscii(clients.get(i), String.format(Locale.ROOT, "client-%04d", i));
            }
            for (int i = 0; i < count; i++) {
                assertEquals(String.format(Locale.ROOT, "client-%04d", i), Loopback.readAscii(clients.get(i), 11));
            }
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
    }

    private static List<Long> acceptedPerLoop(EventLoopGroup group) {
        return group.loops().stream().map(loop -> loop.metrics().connectionsAccepted()).collect(Collectors.toList());
    }

    /** Listening sockets (state 0A) of this process on the port, IPv4, from /proc/net/tcp and /proc/self/fd. */
    static int listeningSocketsOn(int port) throws IOException {
        Set<String> ours = new HashSet<>();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ours.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile: not a listening socket of ours
                }
            }
        }
        String local = String.format(Locale.ROOT, ":%04X", port);
        int count = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 9 && fields[1].endsWith(local) && fields[3].equals("0A") && ours.contains(fields[9])) {
                count++;
            }
        }
        return count;
    }

    /** Records the thread of every callback, per connection. */
    private static final class ThreadRecorder {
        final Map<Connection, Set<Thread>> threadsPerConnection = new ConcurrentHashMap<>();

        ConnectionHandler newHandler() {
            return new TestEchoHandler() {
                @Override
                public void onOpen(Connection c) {
                    record(c);
                    super.onOpen(c);
                }

                @Override
                public void onRead(Connection c, ByteBuffer data) {
                    record(c);
                    super.onRead(c, data);
                }

                @Override
                public void onInputClosed(Connection c) {
                    record(c);
                    super.onInputClosed(c);
                }

                @Override
                public void onClose(Connection c, Throwable cause) {
                    record(c);
                    super.onClose(c, cause);
                }
            };
        }

        void assertOneThreadPerConnection(int connections) {
            assertEquals(connections, threadsPerConnection.size());
            threadsPerConnection.forEach((connection, threads) ->
                    assertEquals(1, threads.size(), connection + " ran callbacks on " + threads));
        }

        Set<Thread> allThreads() {
            Set<Thread> all = new HashSet<>();
            threadsPerConnection.values().forEach(all::addAll);
            return all;
        }

        private void record(Connection connection) {
            threadsPerConnection.computeIfAbsent(connection, c -> ConcurrentHashMap.newKeySet())
                    .add(Thread.currentThread());
        }
    }
}
