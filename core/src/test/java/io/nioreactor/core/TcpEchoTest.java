package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static io.nioreactor.core.Loopback.ANY_PORT_V6;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpEchoTest {

    private final EventLoop loop = EventLoop.start("echo-test");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private SocketAddress listenEcho(SocketAddress address) {
        return loop.listenTcp(address, TcpOptions.defaults(), c -> new TestEchoHandler()).join().localAddress();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {0, 1, 1_000, 65_536, 65_537, 1 << 20, 16 << 20})
    void echoesEveryByteExactly(long size) throws Exception {
        SocketAddress server = listenEcho(ANY_PORT_V4);

        Loopback.assertEchoes(server, size, size);
    }

    @Test
    void echoesOverIpv6() throws Exception {
        SocketAddress server = listenEcho(ANY_PORT_V6);

        Loopback.assertEchoes(server, 1 << 20, 6);
    }

    @Test
    void servesAThousandConcurrentClients() throws Exception {
        SocketAddress server = listenEcho(ANY_PORT_V4);
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) {
                clients.add(Loopback.connect(server));
            }
            for (int i = 0; i < clients.size(); i++) {
                Loopback.writeAscii(clients.get(i), String.format("client-%04d", i));
            }
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertEquals(1_000, loop.metrics().connectionsOpen()));

            for (int i = 0; i < clients.size(); i++) {
                assertEquals(String.format("client-%04d", i), Loopback.readAscii(clients.get(i), 11));
            }
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertEquals(0, loop.metrics().connectionsOpen()));
        assertEquals(1_000, loop.metrics().connectionsAccepted());
        assertEquals(1_000, loop.metrics().connectionsClosed());
    }

    @Test
    void countsBytesBothWays() throws Exception {
        SocketAddress server = listenEcho(ANY_PORT_V4);

        Loopback.assertEchoes(server, 100_000, 1);

        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertEquals(100_000, loop.metrics().bytesRead());
            assertEquals(100_000, loop.metrics().bytesWritten());
            assertEquals(1, loop.metrics().connectionsClosed());
        });
    }
}
