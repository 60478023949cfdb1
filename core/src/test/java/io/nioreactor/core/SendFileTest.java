package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zero-copy file transfer on a real socket, to a reader slower than the loop. */
class SendFileTest {

    private static final long FILE_SIZE = 256L << 20;

    private final EventLoop loop = EventLoop.start("send-file-test");

    @TempDir
    Path dir;

    @AfterEach
    void shutdown() {
        loop.shutdownGracefully(Duration.ofSeconds(5)).join();
    }

    @Test
    void a256MiBFileGoesToASlowReaderExactlyInOrderWithWritesWithoutDirectMemory() throws Exception {
        Path file = dir.resolve("big.bin");
        byte[] fileSha = writeRandomFile(file, FILE_SIZE);
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        CompletableFuture<Long> sent = new CompletableFuture<>();
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.write(ascii("HEAD"));
                    c.sendFile(source, 0, FILE_SIZE).whenComplete((n, e) -> {
                        if (e != null) {
                            sent.completeExceptionally(e);
                        } else {
                            sent.complete(n);
                        }
                    });
                    c.writeLater(ascii("TAIL"));
                    c.shutdownOutput(); // after everything before it
                    opened.complete(c);
                }

                @Override
                public void onRead(Connection c, ByteBuffer data) {
                }
            }).join();
            long directBefore = directMemoryUsed();
            try (SocketChannel client = Loopback.connect(server.localAddress())) {
                Connection connection = opened.get(5, TimeUnit.SECONDS);
                // The reader has not read yet: the file waits, counted, and the connection is not writable.
                await().atMost(5, TimeUnit.SECONDS).until(() -> connection.pendingOutboundBytes() > FILE_SIZE / 2);
                assertFalse(connection.isWritable(), "a pending file counts toward the water marks");
                assertTrue(loop.metrics().queuedBytes() > FILE_SIZE / 2, "and toward the loop's send budget");

                assertEquals("HEAD", Loopback.readAscii(client, 4));
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                long received = 0;
                long directPeak = 0;
                while (received < FILE_SIZE) {
                    buffer.limit((int) Math.min(buffer.capacity(), FILE_SIZE - received));
                    int n = client.read(buffer);
                    assertTrue(n >= 0, "end of stream after " + received + " bytes");
                    buffer.flip();
                    digest.update(buffer);
                    buffer.clear();
                    received += n;
                    if ((received & 0xFFFFF) < n) { // about once a MiB
                        directPeak = Math.max(directPeak, directMemoryUsed() - directBefore);
                    }
                }
                assertArrayEquals(fileSha, digest.digest(), "the file's bytes, exact");
                assertEquals("TAIL", Loopback.readAscii(client, 4));
                assertEquals(0, Loopback.drainToEnd(client), "then the end of stream from shutdownOutput");
                assertEquals(FILE_SIZE, sent.get(5, TimeUnit.SECONDS));
                System.out.printf("[measure] sendFile %d MiB: direct memory grew by at most %d KiB; %d bytes by transferTo%n",
                        FILE_SIZE >> 20, directPeak >> 10, loop.metrics().fileBytesSent());
                assertTrue(directPeak < 4 << 20, "direct memory flat: grew " + directPeak + " bytes");
                assertEquals(FILE_SIZE, loop.metrics().fileBytesSent());
                assertEquals(0, loop.metrics().queuedBytes(), "nothing held once sent");
            }
        }
    }

    @Test
    void aFileShorterThanTheCountFailsTheTransferAndClosesTheConnection() throws Exception {
        Path file = dir.resolve("short.bin");
        Files.write(file, new byte[1000]);
        CompletableFuture<Throwable> closedWith = new CompletableFuture<>();
        CompletableFuture<Long> sent = new CompletableFuture<>();
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.sendFile(source, 500, 1000).whenComplete((n, e) -> {
                        if (e != null) {
                            sent.completeExceptionally(e);
                        } else {
                            sent.complete(n);
                        }
                    });
                }

                @Override
                public void onRead(Connection c, ByteBuffer data) {
                }

                @Override
                public void onClose(Connection c, Throwable cause) {
                    closedWith.complete(cause);
                }
            }).join();
            try (SocketChannel client = Loopback.connect(server.localAddress())) {
                assertEquals(500, Loopback.drainToEnd(client), "what the file had, then the close");
            }
            assertInstanceOf(EOFException.class, sent.handle((n, e) -> e).get(5, TimeUnit.SECONDS));
            assertInstanceOf(EOFException.class, closedWith.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCallbackThatAbortsWhenTheFileIsSentLeavesTheLoopServing() throws Exception {
        Path file = dir.resolve("small.bin");
        Files.write(file, new byte[10_000]);
        CompletableFuture<Throwable> closedWith = new CompletableFuture<>();
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.sendFile(source, 0, 10_000).thenRun(c::abort); // runs on the loop, mid-flush
                    c.writeLater(ascii("never sent: aborted first"));
                }

                @Override
                public void onRead(Connection c, ByteBuffer data) {
                }

                @Override
                public void onClose(Connection c, Throwable cause) {
                    closedWith.complete(cause);
                }
            }).join();
            try (SocketChannel client = Loopback.connect(server.localAddress())) {
                closedWith.get(5, TimeUnit.SECONDS);
                try {
                    Loopback.drainToEnd(client);
                } catch (IOException reset) {
                    // aborted: a reset is the expected end
                }
            }
            assertEquals(0, loop.metrics().loopErrors(), "no failure escaped into the loop");
            assertEquals(0, loop.metrics().handlerFailures());
            Loopback.assertEchoes(loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new TestEchoHandler())
                    .join().localAddress(), 4096, 9);
        }
    }

    @Test
    void aFileNotOpenForReadingFailsItsFutureAndClosesTheConnection() throws Exception {
        Path file = dir.resolve("write-only.bin");
        CompletableFuture<Long> sent = new CompletableFuture<>();
        try (FileChannel writeOnly = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeOnly.write(ByteBuffer.wrap(new byte[100]));
            TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.sendFile(writeOnly, 0, 100).whenComplete((n, e) -> {
                        if (e != null) {
                            sent.completeExceptionally(e);
                        } else {
                            sent.complete(n);
                        }
                    });
                }

                @Override
                public void onRead(Connection c, ByteBuffer data) {
                }
            }).join();
            try (SocketChannel client = Loopback.connect(server.localAddress())) {
                Throwable failure = sent.handle((n, e) -> e).get(5, TimeUnit.SECONDS);
                assertInstanceOf(IOException.class, failure);
                assertTrue(failure.getMessage().startsWith("cannot send from the file"), failure.getMessage());
                assertEquals(0, Loopback.drainToEnd(client));
            }
        }
    }

    private static long directMemoryUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool");
    }

    private static byte[] writeRandomFile(Path file, long size) throws IOException {
        MessageDigest digest = Loopback.sha256();
        SplittableRandom random = new SplittableRandom(7);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        }
        return digest.digest();
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
