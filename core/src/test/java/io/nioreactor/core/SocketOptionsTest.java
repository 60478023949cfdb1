package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every option set through the options is read back from the socket it was set on. */
class SocketOptionsTest {

    private final EventLoop loop = EventLoop.start("options-test");

    @TempDir
    Path dir;

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    /** jdk.net.ExtendedSocketOptions, found by name (the test module does not read jdk.net). */
    @SuppressWarnings("unchecked")
    private static SocketOption<Integer> extended(String name) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            return (SocketOption<Integer>) channel.supportedOptions().stream()
                    .filter(o -> o.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " not supported here"));
        }
    }

    @Test
    void connectionOptionsReachAcceptedAndDialedConnectionsAndWinOverTheTypedSettings() throws Exception {
        SocketOption<Integer> keepIdle = extended("TCP_KEEPIDLE");
        SocketOption<Integer> keepInterval = extended("TCP_KEEPINTERVAL");
        SocketOption<Integer> keepCount = extended("TCP_KEEPCOUNT");
        TcpOptions options = TcpOptions.builder()
                .tcpNoDelay(true).option(StandardSocketOptions.TCP_NODELAY, false) // the explicit one wins
                .keepAlive(false).option(StandardSocketOptions.SO_KEEPALIVE, true)
                .option(StandardSocketOptions.SO_LINGER, 5)
                .option(StandardSocketOptions.IP_TOS, 0x28)
                .option(keepIdle, 30).option(keepInterval, 7).option(keepCount, 4)
                .listenerOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024)
                .build();
        CompletableFuture<Connection> accepted = new CompletableFuture<>();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, options, c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                accepted.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        }).join();
        assertTrue(server.option(StandardSocketOptions.SO_RCVBUF) >= 256 * 1024, "the listener's own option");

        Connection dialed = loop.connectTcp(server.localAddress(), options, new TestEchoHandler()).get(5, TimeUnit.SECONDS);
        for (Connection c : new Connection[] {accepted.get(5, TimeUnit.SECONDS), dialed}) {
            assertEquals(false, c.option(StandardSocketOptions.TCP_NODELAY));
            assertEquals(true, c.option(StandardSocketOptions.SO_KEEPALIVE));
            assertEquals(5, c.option(StandardSocketOptions.SO_LINGER));
            assertEquals(0x28, c.option(StandardSocketOptions.IP_TOS));
            assertEquals(30, c.option(keepIdle));
            assertEquals(7, c.option(keepInterval));
            assertEquals(4, c.option(keepCount));
        }
    }

    @Test
    void aGroupsListenersAllTakeTheListenerOption() throws Exception {
        EventLoopGroup group = EventLoopGroup.start("options-group", 2);
        try {
            TcpServer server = group.listenTcp(ANY_PORT_V4, TcpOptions.builder()
                    .listenerOption(StandardSocketOptions.SO_RCVBUF, 300 * 1024).build(), c -> new TestEchoHandler()).join();
            assertTrue(server.option(StandardSocketOptions.SO_RCVBUF) >= 300 * 1024);
            Loopback.assertEchoes(server.localAddress(), 10_000, 4);
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void udpOptionsIncludingMulticastOnesAreSetOnTheEndpoint() throws Exception {
        NetworkInterface loopback = NetworkInterface.getByInetAddress(java.net.InetAddress.getLoopbackAddress());
        UdpOptions options = UdpOptions.builder()
                .option(StandardSocketOptions.IP_MULTICAST_TTL, 7)
                .option(StandardSocketOptions.IP_MULTICAST_LOOP, false)
                .option(StandardSocketOptions.IP_MULTICAST_IF, loopback)
                .option(StandardSocketOptions.IP_TOS, 0x10)
                .option(StandardSocketOptions.SO_BROADCAST, true)
                .receiveBufferSize(40_000).option(StandardSocketOptions.SO_RCVBUF, 100_000) // explicit wins
                .build();
        UdpEndpoint endpoint = loop.bindUdp(new InetSocketAddress("0.0.0.0", 0), options,
                (ep, data, sender) -> ep.send(data, sender)).join();
        assertEquals(7, endpoint.option(StandardSocketOptions.IP_MULTICAST_TTL));
        assertEquals(false, endpoint.option(StandardSocketOptions.IP_MULTICAST_LOOP));
        assertEquals(loopback, endpoint.option(StandardSocketOptions.IP_MULTICAST_IF));
        assertEquals(0x10, endpoint.option(StandardSocketOptions.IP_TOS));
        assertEquals(true, endpoint.option(StandardSocketOptions.SO_BROADCAST));
        // 100,000 (or doubled by the kernel, under net.core.rmem_max, 212992 by default), not 40,000 (or 80,000).
        int receiveBuffer = endpoint.option(StandardSocketOptions.SO_RCVBUF);
        assertTrue(receiveBuffer >= 100_000, "SO_RCVBUF " + receiveBuffer);
    }

    @Test
    void anOptionTheSocketRefusesFailsListeningOrBindingWithTheReason() throws Exception {
        // TCP_NODELAY does not exist on a Unix domain socket: the listener refuses at once.
        UnixDomainSocketAddress unix = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        Throwable failure = assertThrows(CompletionException.class, () -> loop.listenTcp(unix,
                TcpOptions.builder().option(StandardSocketOptions.TCP_NODELAY, true).build(),
                c -> new TestEchoHandler()).join()).getCause();
        assertInstanceOf(IOException.class, failure);
        assertEquals("cannot listen on " + unix.getPath() + ": connection option TCP_NODELAY: not supported by this socket",
                failure.getMessage());

        Throwable badValue = assertThrows(CompletionException.class, () -> loop.listenTcp(ANY_PORT_V4,
                TcpOptions.builder().listenerOption(StandardSocketOptions.SO_LINGER, 1 << 20).build(),
                c -> new TestEchoHandler()).join()).getCause();
        assertTrue(badValue.getMessage().startsWith("cannot listen on 127.0.0.1:0: listener option SO_LINGER"),
                badValue.getMessage());

        Throwable udp = assertThrows(CompletionException.class, () -> loop.bindUdp(new InetSocketAddress("127.0.0.1", 0),
                UdpOptions.builder().option(StandardSocketOptions.SO_LINGER, 1).build(),
                (ep, data, sender) -> { }).join()).getCause();
        assertTrue(udp.getMessage().endsWith("endpoint option SO_LINGER: not supported by this socket"), udp.getMessage());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aValueOfTheWrongTypeIsRefusedByTheBuilder() {
        SocketOption raw = StandardSocketOptions.SO_LINGER;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcpOptions.builder().option(raw, "five"));
        assertEquals("option: SO_LINGER takes a Integer, not String five", e.getMessage());
        assertThrows(NullPointerException.class, () -> UdpOptions.builder().option(StandardSocketOptions.IP_TOS, null));
        assertEquals(TcpOptions.builder().option(StandardSocketOptions.IP_TOS, 8).build().connectionOptions(),
                TcpOptions.builder().option(StandardSocketOptions.IP_TOS, 8).build().toBuilder().build().connectionOptions(),
                "toBuilder keeps the options");
    }
}
