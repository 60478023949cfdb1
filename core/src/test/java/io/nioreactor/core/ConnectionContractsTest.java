package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Connection}'s javadoc promises from other threads, checked where the loop makes it hard. */
class ConnectionContractsTest {

    private final EventLoop loop = EventLoop.start("contracts");

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private SocketAddress listen(ConnectionHandler handler) {
        return loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> handler).join().localAddress();
    }

    @Test
    void everyAnyThreadMethodIsHarmlessOnceTheLoopHasEnded(@TempDir Path dir) throws Exception {
        TestEchoHandler echo = new TestEchoHandler();
        SocketAddress server = listen(echo);
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        try (SocketChannel client = Loopback.connect(server);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertTrue(client.isConnected());
            await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connection != null);
            Connection connection = echo.connection;
            loop.shutdownGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);

            assertDoesNotThrow(connection::close);
            assertDoesNotThrow(connection::close, "twice");
            assertDoesNotThrow(() -> connection.setAutoRead(true));
            assertDoesNotThrow(connection::shutdownOutput);
            assertDoesNotThrow(connection::abort);
            assertDoesNotThrow(connection::flush);
            ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3});
            assertFalse(connection.write(data));
            assertEquals(3, data.remaining());
            assertFalse(connection.isOpen());
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> connection.sendFile(channel, 0, 100).get(5, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof java.nio.channels.ClosedChannelException
                    || failed.getCause() instanceof java.util.concurrent.RejectedExecutionException, failed.toString());
        }
    }

    @Test
    void aWriteFromAnotherThreadThatArrivesAfterTheCloseIsCounted() throws Exception {
        TestEchoHandler echo = new TestEchoHandler();
        SocketAddress server = listen(echo);
        try (SocketChannel client = Loopback.connect(server)) {
            assertTrue(client.isConnected());
            await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connection != null);
            Connection connection = echo.connection;
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> { // holds the loop, then closes the connection before the write's copy arrives
                entered.countDown();
                awaitQuietly(release);
                connection.abort();
            });
            assertTrue(entered.await(5, TimeUnit.SECONDS));

            assertTrue(connection.write(ByteBuffer.wrap(new byte[] {1, 2, 3})), "open when written: the loop took the copy");
            release.countDown();

            echo.closed.get(5, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertEquals(1, loop.metrics().writesDroppedAfterClose()));
            assertEquals(0, loop.metrics().queuedBytes(), "the copy left the budget");
        }
    }

    @Test
    void aClosingConnectionSaysItNoLongerReads() throws Exception {
        CompletableFuture<Boolean> autoReadAfterClose = new CompletableFuture<>();
        SocketAddress server = listen(new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.close();
                autoReadAfterClose.complete(c.isAutoRead());
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
            }
        });
        try (SocketChannel client = Loopback.connect(server)) {
            assertTrue(client.isConnected());
            assertFalse(autoReadAfterClose.get(5, TimeUnit.SECONDS));
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
