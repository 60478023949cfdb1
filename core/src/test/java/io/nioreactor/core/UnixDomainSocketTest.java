package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixDomainSocketTest {

    private final EventLoop loop = EventLoop.start("unix-test");

    @TempDir
    Path dir;

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private TcpServer listenEcho(UnixDomainSocketAddress address) {
        return loop.listenTcp(address, TcpOptions.defaults(), c -> new TestEchoHandler()).join();
    }

    @Test
    void echoesOverAUnixDomainSocketAndRemovesTheFileOnClose() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        TcpServer server = listenEcho(address);

        Loopback.assertEchoes(server.localAddress(), 1 << 20, 7);

        server.close().get(5, TimeUnit.SECONDS);
        assertFalse(Files.exists(address.getPath()), "socket file removed on close");
    }

    @Test
    void aClientConnectsOverAUnixDomainSocket() throws Exception {
        TcpServer server = listenEcho(UnixDomainSocketAddress.of(dir.resolve("client.sock")));
        CompletableFuture<String> echoed = new CompletableFuture<>();

        Connection connection = loop.connectTcp(server.localAddress(), TcpOptions.defaults(), (c, data) ->
                echoed.complete(StandardCharsets.US_ASCII.decode(data).toString())).get(5, TimeUnit.SECONDS);
        connection.write(ByteBuffer.wrap("unix".getBytes(StandardCharsets.US_ASCII)));

        assertEquals("unix", echoed.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("stale.sock"));
        try (ServerSocketChannel earlierRun = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            earlierRun.bind(address); // closing leaves the file behind, like a crashed process
        }
        assertTrue(Files.exists(address.getPath()));

        TcpServer server = listenEcho(address);

        Loopback.assertEchoes(server.localAddress(), 1_000, 8);
    }

    @Test
    void aSocketFileSomeoneListensOnIsNotTakenOver() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("busy.sock"));
        try (ServerSocketChannel owner = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            owner.bind(address);

            Throwable failure = assertThrows(CompletionException.class, () -> listenEcho(address)).getCause();

            assertInstanceOf(BindException.class, failure);
            assertEquals("cannot listen on " + address.getPath() + ": Address already in use", failure.getMessage());
            assertTrue(Files.exists(address.getPath()), "the other listener's file is left alone");
        }
    }

    @Test
    void aRegularFileIsNeverDeleted() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.txt"), "data");

        Throwable failure = assertThrows(CompletionException.class,
                () -> listenEcho(UnixDomainSocketAddress.of(file))).getCause();

        assertTrue(failure.getMessage().contains("not a socket"), failure.getMessage());
        assertEquals("data", Files.readString(file));
    }
}
