package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A socket bound by someone else (the process's inherited standard input, typically: the daemons'
 * socket activation) is served as it is, by one loop or handed round a group, and closed with the
 * server; a Unix domain socket's file that the server did not make is left where it is.
 */
@Timeout(60)
class ServeBoundChannelTest {

    private EventLoopGroup group;

    @AfterEach
    void shutdown() {
        if (group != null) {
            group.shutdownGracefully(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void aLoopServesAListeningSocketItWasGivenAndClosesItWithTheServer() throws Exception {
        group = EventLoopGroup.start("serve-one", 1);
        EventLoop loop = group.loops().get(0);
        ServerSocketChannel listening = ServerSocketChannel.open().bind(ANY_PORT_V4); // blocking, as inherited
        TcpServer server = loop.listenTcp(listening, TcpOptions.defaults(), c -> new TestEchoHandler()).join();

        assertEquals(listening.getLocalAddress(), server.localAddress());
        Loopback.assertEchoes(server.localAddress(), 100_000, 1);
        server.close().get(5, TimeUnit.SECONDS);
        assertFalse(listening.isOpen(), "not the process's standard input: closed with the server");
    }

    @Test
    void aGroupAcceptsAGivenSocketOnOneLoopAndHandsTheConnectionsToAllOfThem() throws Exception {
        group = EventLoopGroup.start("serve-group", 4);
        ServerSocketChannel listening = ServerSocketChannel.open().bind(ANY_PORT_V4);
        TcpServer server = group.listenTcp(listening, TcpOptions.defaults(), c -> new TestEchoHandler()).join();

        for (int i = 0; i < 40; i++) {
            try (SocketChannel client = Loopback.connect(server.localAddress())) {
                Loopback.writeAscii(client, "connection " + i);
                assertEquals("connection " + i, Loopback.readAscii(client, ("connection " + i).length()));
            }
        }
        for (LoopMetrics each : group.metrics().perLoop()) {
            assertEquals(10, each.connectionsAccepted(), "handed round the four loops in turn");
        }
    }

    @Test
    void aGivenUnixDomainSocketsFileIsLeftToItsMaker(@TempDir Path dir) throws Exception {
        group = EventLoopGroup.start("serve-unix", 2);
        Path file = dir.resolve("given.sock");
        ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(file));
        TcpServer server = group.listenTcp(listening, TcpOptions.defaults(), c -> new TestEchoHandler()).join();

        Loopback.assertEchoes(server.localAddress(), 10_000, 2);
        server.close().get(5, TimeUnit.SECONDS);
        assertTrue(Files.exists(file), "the server did not make the file: it does not remove it");
    }

    @Test
    void aSocketThatIsNotBoundIsRefusedWithTheReason() throws Exception {
        group = EventLoopGroup.start("serve-unbound", 1);
        try (ServerSocketChannel unbound = ServerSocketChannel.open()) {
            Throwable failure = assertThrows(CompletionException.class, () ->
                    group.listenTcp(unbound, TcpOptions.defaults(), c -> new TestEchoHandler()).join()).getCause();
            assertInstanceOf(IllegalArgumentException.class, failure);
            assertTrue(failure.getMessage().startsWith("the channel to serve is not bound"), failure.getMessage());
        }
    }

    @Test
    void aGroupServesAGivenUdpSocketOnOneLoop() throws Exception {
        group = EventLoopGroup.start("serve-udp", 4);
        DatagramChannel bound = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        UdpEndpoint endpoint = group.bindUdp(bound, UdpOptions.defaults(),
                () -> (e, data, sender) -> e.send(data, sender)).join();

        try (DatagramChannel client = DatagramChannel.open()) {
            client.connect(endpoint.localAddress());
            for (int i = 0; i < 20; i++) {
                byte[] payload = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                client.write(ByteBuffer.wrap(payload));
                ByteBuffer answer = ByteBuffer.allocate(64);
                client.read(answer);
                assertEquals("datagram " + i, new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII));
            }
        }
        long readingLoops = group.metrics().perLoop().stream().filter(m -> m.datagramsReceived() > 0).count();
        assertEquals(1, readingLoops, "one socket, read by one loop");
        endpoint.close().get(5, TimeUnit.SECONDS);
        assertFalse(bound.isOpen());
    }
}
