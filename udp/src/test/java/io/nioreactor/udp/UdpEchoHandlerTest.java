package io.nioreactor.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source-port guard, with the sender's address given directly: no test may bind a port
 * below 1024, so this is the one test of the refusal that always runs.
 */
class UdpEchoHandlerTest {

    private final EventLoop loop = EventLoop.start("udp-echo-handler-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void privilegedSourcePortsAreRefusedAndCountedOthersAreAnswered() throws Exception {
        UdpEchoHandler handler = new UdpEchoHandler(false, 0);
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), handler).join();

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5_000);
            onLoop(() -> {
                handler.onDatagram(endpoint, ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("127.0.0.1", 7));
                handler.onDatagram(endpoint, ByteBuffer.wrap(new byte[] {2}), new InetSocketAddress("127.0.0.1", 1023));
                handler.onDatagram(endpoint, ByteBuffer.wrap(new byte[] {3}), client.getLocalSocketAddress());
            });

            assertEquals(2, handler.refused(), "ports 7 and 1023 are refused");
            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            client.receive(reply);
            assertArrayEquals(new byte[] {3}, Arrays.copyOf(reply.getData(), reply.getLength()));
            assertEquals(1, loop.metrics().datagramsSent(), "only the unprivileged sender was answered");
        }
    }

    @Test
    void allowingPrivilegedSourcePortsAnswersThem() throws Exception {
        UdpEchoHandler handler = new UdpEchoHandler(true, 0);
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), handler).join();

        onLoop(() -> handler.onDatagram(endpoint, ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("127.0.0.1", 7)));

        assertEquals(0, handler.refused());
        await().atMost(5, TimeUnit.SECONDS).until(() -> loop.metrics().datagramsSent() == 1);
    }

    private void onLoop(Runnable action) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            action.run();
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
    }
}
