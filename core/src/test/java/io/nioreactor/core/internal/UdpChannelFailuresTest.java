package io.nioreactor.core.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.LoopOptions;
import io.nioreactor.core.UdpOptions;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The UDP paths that loopback does not take by itself: errors the kernel reports on receive
 * (ICMP port unreachable, which Linux reports only to a connected socket) and a send buffer
 * that is full. Runs a {@link LoopCore} directly so that an endpoint can be opened with a seam.
 */
class UdpChannelFailuresTest {

    private static final DatagramHandler ECHO = (endpoint, data, sender) -> endpoint.send(data, sender);

    private final LoopCore loop = LoopCore.start(null, "udp-failures", LoopOptions.defaults());

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void icmpPortUnreachableIsCountedAndTheEndpointKeepsServing() throws Exception {
        InetSocketAddress closed = closedPort();
        DatagramChannel[] socket = new DatagramChannel[1];
        UdpChannel endpoint = open(UdpOptions.defaults(), channel -> {
            channel.connect(closed); // Linux reports ICMP errors to connected UDP sockets only
            socket[0] = channel;
            return DatagramIo.of(channel);
        });

        for (int i = 0; i < 5; i++) {
            onLoop(() -> endpoint.send(ByteBuffer.wrap(new byte[32]), closed)); // each earns an ICMP port unreachable
            int sent = i + 1;
            await().atMost(5, TimeUnit.SECONDS).until(() -> loop.counters().datagramErrors() >= sent);
        }
        System.out.printf("[measure] 5 sends to a closed port: %d ICMP errors counted%n",
                loop.counters().datagramErrors());
        onLoop(() -> socket[0].disconnect());

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            byte[] payload = {4, 5, 6};
            client.send(new DatagramPacket(payload, payload.length, endpoint.localAddress()));
            assertArrayEquals(payload, receive(client));
        }
        assertTrue(endpoint.isOpen());
        assertEquals(5, loop.counters().datagramErrors(), "one error per unreachable send, none for the echo");
        assertEquals(3, loop.counters().datagramBytesReceived());
    }

    @Test
    void aFullSendBufferQueuesWithinItsBoundDropsTheRestAndFlushesInOrder() throws Exception {
        FullSwitch io = new FullSwitch();
        UdpChannel endpoint = open(UdpOptions.builder().sendQueueDatagrams(3).build(), io);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            SocketAddress target = client.getLocalSocketAddress();

            List<Boolean> accepted = onLoop(() -> {
                io.full = true;
                List<Boolean> results = new ArrayList<>();
                for (byte i = 1; i <= 5; i++) {
                    results.add(endpoint.send(ByteBuffer.wrap(new byte[] {i}), target));
                }
                io.full = false; // the kernel takes datagrams again: the next OP_WRITE flushes
                return results;
            });

            assertEquals(List.of(true, true, true, false, false), accepted);
            assertEquals(2, loop.counters().datagramsDropped());
            for (byte i = 1; i <= 3; i++) {
                assertArrayEquals(new byte[] {i}, receive(client), "queued datagrams go out in order");
            }
            // Counted sent just before it leaves the queue (and the budget): both awaited.
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
                assertEquals(3, loop.counters().datagramsSent());
                assertEquals(0, loop.counters().queuedBytes(), "the flushed queue holds nothing of the budget");
            });
        }
    }

    private UdpChannel open(UdpOptions options, UdpBinding.IoFactory io) throws Exception {
        return onLoop(() -> UdpBinding.open(loop, new InetSocketAddress("127.0.0.1", 0), options, ECHO, io, false));
    }

    private <T> T onLoop(Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(action.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    private static InetSocketAddress closedPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return (InetSocketAddress) probe.getLocalSocketAddress();
        }
    }

    private static byte[] receive(DatagramSocket client) throws IOException {
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }

    /** The real socket, except that while {@code full} a send takes nothing, as with a full send buffer. */
    private static final class FullSwitch implements UdpBinding.IoFactory {
        volatile boolean full;

        @Override
        public DatagramIo create(DatagramChannel channel) {
            DatagramIo real = DatagramIo.of(channel);
            return new DatagramIo() {
                @Override
                public SocketAddress receive(ByteBuffer dst) throws IOException {
                    return real.receive(dst);
                }

                @Override
                public int send(ByteBuffer src, SocketAddress target) throws IOException {
                    return full ? 0 : real.send(src, target);
                }
            };
        }
    }
}
