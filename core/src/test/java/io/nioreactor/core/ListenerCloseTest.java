package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Closing a listener while the kernel holds connections for it that the loop has not accepted yet. */
class ListenerCloseTest {

    private static final int QUEUED = 20;

    private final EventLoop loop = EventLoop.start("listener-close");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void connectionsQueuedInTheBacklogWhenTheServerClosesAreServedNotReset() throws Exception {
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        loop.execute(() -> { // the loop is busy: the kernel completes the handshakes, nobody accepts
            held.countDown();
            awaitQuietly(release);
        });
        held.await(5, TimeUnit.SECONDS);
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < QUEUED; i++) {
                SocketChannel client = Loopback.connect(server.localAddress()); // done by the kernel alone
                Loopback.writeAscii(client, "request " + i + ";");
                clients.add(client);
            }
            server.close(); // queued behind the busy task: runs before the loop could accept any of them
            release.countDown();
            server.close().get(5, TimeUnit.SECONDS);

            int answered = 0;
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < QUEUED; i++) {
                String expected = "request " + i + ";";
                try {
                    assertEquals(expected, Loopback.readAscii(clients.get(i), expected.length()));
                    answered++;
                } catch (IOException | AssertionError e) {
                    failures.add(i + ": " + e);
                }
            }
            System.out.printf("[measure] %d connections queued when the server closed: %d answered%n", QUEUED, answered);
            assertEquals(List.of(), failures, "every queued connection is served, none reset");
            assertEquals(QUEUED, loop.metrics().connectionsAccepted());
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
