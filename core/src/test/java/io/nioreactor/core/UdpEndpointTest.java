package io.nioreactor.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UdpEndpointTest {

    private static final DatagramHandler ECHO = (endpoint, data, sender) -> endpoint.send(data, sender);

    private final EventLoop loop = EventLoop.start("udp-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private InetSocketAddress bindEcho(String host) {
        return (InetSocketAddress) loop.bindUdp(new InetSocketAddress(host, 0), UdpOptions.defaults(), ECHO)
                .join().localAddress();
    }

    @ParameterizedTest(name = "{1} bytes over {0}")
    @CsvSource({"127.0.0.1,0", "127.0.0.1,1", "127.0.0.1,512", "127.0.0.1,1472", "127.0.0.1,8192",
        "127.0.0.1,65507", "::1,0", "::1,1", "::1,512", "::1,1472", "::1,8192", "::1,65507"})
    void echoesEachDatagramExactly(String host, int size) throws Exception {
        InetSocketAddress server = bindEcho(host);
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(host, 0))) {
            client.setSoTimeout(5_000);
            assertArrayEquals(payload, roundTrip(client, server, payload));
        }
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> { // the loop counts after the send returns
            assertEquals(1, loop.metrics().datagramsReceived());
            assertEquals(size, loop.metrics().datagramBytesReceived());
            assertEquals(size, loop.metrics().datagramBytesSent());
        });
    }

    @Test
    void anEndpointBoundToTheIpv6WildcardAnswersIpv4Too() throws Exception {
        int port = bindEcho("::").getPort();

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            byte[] payload = "dual stack".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(payload, roundTrip(client, new InetSocketAddress("127.0.0.1", port), payload));
        }
    }

    @Test
    void aBurstFromEightSocketsLeavesTheEndpointAnswering() throws Exception {
        InetSocketAddress server = bindEcho("127.0.0.1");
        List<DatagramSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                client.setSoTimeout(200);
                clients.add(client);
            }
            byte[] payload = new byte[512];
            for (int i = 0; i < 20_000; i++) {
                clients.get(i % 8).send(new DatagramPacket(payload, payload.length, server));
            }
            long echoed = 0;
            byte[] buffer = new byte[2048];
            for (DatagramSocket client : clients) {
                try {
                    for (int i = 0; i < 20_000; i++) { // bounded: stops at the first quiet 200 ms
                        client.receive(new DatagramPacket(buffer, buffer.length));
                        echoed++;
                    }
                } catch (SocketTimeoutException drained) {
                    // this client's echoes are all in
                }
            }
            long received = loop.metrics().datagramsReceived();
            System.out.printf("[measure] UDP burst of 20,000 x 512 B from 8 sockets: endpoint received %d"
                    + " (%.1f%% dropped by its kernel receive buffer), clients got %d echoes back"
                    + " (the rest overflowed their own receive buffers, as they read only after sending)%n",
                    received, 100.0 * (20_000 - received) / 20_000, echoed);

            // UDP may drop the probe too while the kernel buffer still holds the burst: retry.
            await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() ->
                    assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(clients.get(0), server, new byte[] {1, 2, 3})));
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertEquals(
                    loop.metrics().datagramsReceived(), loop.metrics().datagramsSent(), "every datagram received was echoed"));
        } finally {
            for (DatagramSocket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void sendsToAClosedPortDoNotDisturbTheLoop() throws Exception {
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), ECHO).join();
        InetSocketAddress closed;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            closed = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        loop.execute(() -> {
            for (int i = 0; i < 1_000; i++) {
                endpoint.send(ByteBuffer.wrap(new byte[32]), closed); // each earns an ICMP port unreachable
            }
            sent.complete(null);
        });
        sent.get(5, TimeUnit.SECONDS);

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            assertArrayEquals(new byte[] {9}, roundTrip(client, (InetSocketAddress) endpoint.localAddress(), new byte[] {9}));
        }
        assertTrue(endpoint.isOpen());
    }

    @Test
    void aBatchOfDatagramsEndsWithOneReceiveCompleteWhereRepliesGatheredDuringItAreSent() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<SocketAddress> senders = new ArrayList<>();
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(),
                new DatagramHandler() {
                    @Override
                    public void onDatagram(UdpEndpoint ep, ByteBuffer data, SocketAddress sender) {
                        events.add(StandardCharsets.US_ASCII.decode(data).toString());
                        senders.add(sender);
                    }

                    @Override
                    public void onReceiveComplete(UdpEndpoint ep) {
                        events.add("complete");
                        for (SocketAddress sender : senders) {
                            ep.send(ByteBuffer.wrap(("batch of " + senders.size()).getBytes(StandardCharsets.US_ASCII)),
                                    sender);
                        }
                        senders.clear();
                    }
                }).join();
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            loop.execute(() -> {
                try {
                    held.await(); // the datagrams wait in the socket: the loop receives them as one batch
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 10; i++) {
                byte[] payload = ("d" + i).getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(payload, payload.length, endpoint.localAddress()));
            }
            held.countDown();
            for (int i = 0; i < 10; i++) {
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                client.receive(reply);
                assertEquals("batch of 10", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }
        }
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "complete"), events);
    }

    @Test
    void aThrowingHandlerIsCountedAndTheEndpointKeepsServing() throws Exception {
        DatagramHandler picky = (endpoint, data, sender) -> {
            if (data.remaining() == 1) {
                throw new IllegalStateException("handler failure for the test");
            }
            endpoint.send(data, sender);
        };
        InetSocketAddress server = (InetSocketAddress) loop.bindUdp(new InetSocketAddress("127.0.0.1", 0),
                UdpOptions.defaults(), picky).join().localAddress();

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            for (int i = 0; i < 5; i++) {
                client.send(new DatagramPacket(new byte[1], 1, server));
            }
            assertArrayEquals(new byte[] {4, 2}, roundTrip(client, server, new byte[] {4, 2}));
        }
        assertEquals(5, loop.metrics().handlerFailures());
    }

    @Test
    void sendsFromAnotherThreadGoOutAndCountsAddUp() throws Exception {
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), ECHO).join();

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            ByteBuffer data = ByteBuffer.wrap(new byte[] {5, 6});
            endpoint.send(data, client.getLocalSocketAddress());
            DatagramPacket packet = new DatagramPacket(new byte[16], 16);
            client.receive(packet);
            assertArrayEquals(new byte[] {5, 6}, Arrays.copyOf(packet.getData(), packet.getLength()));
        }
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertEquals(1, loop.metrics().datagramsSent());
            assertEquals(2, loop.metrics().datagramBytesSent());
        });
    }

    @Test
    void sendingFromAnotherThreadOnAClosedEndpointIsRefusedAndLeavesTheDataUntouched() throws Exception {
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), ECHO).join();
        endpoint.close().get(5, TimeUnit.SECONDS);
        ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3});

        assertFalse(endpoint.send(data, endpoint.localAddress()));

        assertEquals(3, data.remaining());
    }

    @Test
    void sendingOnAClosedEndpointDropsAndCounts() throws Exception {
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), ECHO).join();
        endpoint.close().get(5, TimeUnit.SECONDS);
        CompletableFuture<Boolean> result = new CompletableFuture<>();

        loop.execute(() -> result.complete(endpoint.send(ByteBuffer.wrap(new byte[8]), endpoint.localAddress())));

        assertFalse(result.get(5, TimeUnit.SECONDS));
        assertEquals(1, loop.metrics().datagramsDropped());
        assertFalse(endpoint.isOpen());
    }

    @Test
    void aTakenPortFailsWithAMessageNamingTheAddress() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            SocketAddress address = taken.getLocalSocketAddress();

            Throwable failure = assertThrows(CompletionException.class,
                    () -> loop.bindUdp(address, UdpOptions.defaults(), ECHO).join()).getCause();

            assertInstanceOf(BindException.class, failure);
            assertEquals("cannot bind 127.0.0.1:" + taken.getLocalPort() + ": Address already in use",
                    failure.getMessage());
        }
    }

    @Test
    void aPortTakenBySocketsThatAllowReuseIsStillRefusedAndNothingIsLeftBound() throws Exception {
        int port;
        try (java.nio.channels.DatagramChannel taken = java.nio.channels.DatagramChannel.open()) {
            // As the previous default did: on Linux two sockets that both set SO_REUSEADDR share the port.
            taken.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) taken.getLocalAddress()).getPort();

            Throwable failure = assertThrows(CompletionException.class, () -> loop.bindUdp(
                    new InetSocketAddress("127.0.0.1", port), UdpOptions.defaults(), ECHO).join()).getCause();

            assertInstanceOf(BindException.class, failure);
            assertEquals("cannot bind 127.0.0.1:" + port + ": Address already in use", failure.getMessage());
        }
        try (DatagramSocket plain = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, plain.getLocalPort(), "the failed bind left no socket of ours on the port");
        }
    }

    @Test
    void reusePortSharesThePortOnPurpose() throws Exception {
        UdpOptions sharing = UdpOptions.builder().reusePort(true).build();
        InetSocketAddress first = (InetSocketAddress) loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), sharing, ECHO)
                .join().localAddress();

        UdpEndpoint second = loop.bindUdp(first, sharing, ECHO).join();

        assertEquals(first, second.localAddress());
    }

    static byte[] roundTrip(DatagramSocket client, InetSocketAddress server, byte[] payload) throws Exception {
        client.send(new DatagramPacket(payload, payload.length, server));
        DatagramPacket reply = new DatagramPacket(new byte[65_535], 65_535);
        client.receive(reply);
        assertEquals(server.getPort(), reply.getPort());
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }
}
