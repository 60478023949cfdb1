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
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zero-copy file transfer on a real socket, to a reader slower than the loop. */
class SendFileTest {

    private static final long FILE_SIZE = 256L << 20;
    /** SO_SNDBUF of the server's socket and SO_RCVBUF of the reader's (the kernel doubles both). */
    private static final int SOCKET_BUFFER = 64 * 1024;
    /** What both socket buffers can hold between the server and its reader, with room to spare. */
    private static final long MAX_IN_SOCKET_BUFFERS = 2L << 20;
    /** Steps of the slow reader, 16 KiB at most each: about 3 MiB of the file. */
    private static final int SLOW_STEPS = 200;

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
        // What the loop saw each time onWritable came: pending bytes, file bytes sent.
        List<String> writableAgain = new CopyOnWriteArrayList<>();
        // Small socket buffers on both sides (no autotuning): the reader, not the kernel, holds the file back.
        TcpOptions small = TcpOptions.builder().sendBufferSize(SOCKET_BUFFER).build();
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            TcpServer server = loop.listenTcp(ANY_PORT_V4, small, c -> new ConnectionHandler() {
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
                    // No shutdownOutput yet: it would make isWritable() false whatever is pending.
                    opened.complete(c);
                }

                @Override
                public void onRead(Connection c, ByteBuffer data) {
                }

                @Override
                public void onWritable(Connection c) {
                    writableAgain.add("onWritable with " + c.pendingOutboundBytes() + " bytes pending, "
                            + loop.metrics().fileBytesSent() + " of the file sent");
                }
            }).join();
            long directBefore = directMemoryUsed();
            try (SocketChannel client = SocketChannel.open()) {
                client.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                client.connect(server.localAddress());
                Connection connection = opened.get(5, TimeUnit.SECONDS);
                // The reader has not read yet: the file waits, counted, and the connection is not writable.
                await().atMost(5, TimeUnit.SECONDS).until(() -> connection.pendingOutboundBytes() > FILE_SIZE / 2);
                assertFalse(connection.isWritable(), "a pending file counts toward the water marks");
                assertTrue(loop.metrics().queuedBytes() > FILE_SIZE / 2, "and toward the loop's send budget");

                assertEquals("HEAD", Loopback.readAscii(client, 4));
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                long[] received = {0};
                long[] directPeak = {0};

                // The slow reader: at most 16 KiB a step, a pause between steps (pacing, not waiting for a state).
                ByteBuffer small16k = ByteBuffer.allocate(16 * 1024);
                long[] first = snapshot(connection);
                long iterationsBefore = loop.metrics().loopIterations();
                long maxAhead = 0;
                for (int step = 0; step < SLOW_STEPS; step++) {
                    readSome(client, small16k, digest, received, directPeak, directBefore);
                    long[] now = snapshot(connection); // {pending, file bytes sent, writable}, taken on the loop
                    assertEquals(FILE_SIZE - now[1] + 4, now[0],
                            "step " + step + ": pending is exactly the file's unsent rest and TAIL");
                    assertEquals(0, now[2], "step " + step + ": not writable while the file waits on the reader");
                    long ahead = now[1] - received[0]; // in the socket buffers, between the two
                    maxAhead = Math.max(maxAhead, ahead);
                    assertTrue(ahead >= 0, "step " + step + ": the reader got " + received[0]
                            + " bytes of the file, more than the " + now[1] + " sent");
                    assertTrue(ahead <= MAX_IN_SOCKET_BUFFERS, "step " + step + ": " + now[1]
                            + " file bytes sent, " + received[0] + " read: the server ran ahead of its reader");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                long[] last = snapshot(connection);
                System.out.printf("[measure] slow reader, %d steps: %d KiB read, the server at most %d KiB ahead,"
                        + " %d loop iterations%n", SLOW_STEPS, received[0] >> 10, maxAhead >> 10,
                        loop.metrics().loopIterations() - iterationsBefore);
                assertTrue(last[1] > first[1], "the file went on as the reader read: " + first[1] + " -> " + last[1]);
                assertEquals(List.of(), writableAgain, "no onWritable while the reader held the file back");
                assertFalse(sent.isDone(), "the file is not sent while the reader is slow");
                connection.shutdownOutput(); // from this thread, behind the file's unsent rest and TAIL

                // The rest at full speed.
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (received[0] < FILE_SIZE) {
                    readSome(client, buffer, digest, received, directPeak, directBefore);
                }
                assertArrayEquals(fileSha, digest.digest(), "the file's bytes, exact");
                assertEquals("TAIL", Loopback.readAscii(client, 4));
                assertEquals(0, Loopback.drainToEnd(client), "then the end of stream from shutdownOutput");
                assertEquals(FILE_SIZE, sent.get(5, TimeUnit.SECONDS));
                System.out.printf("[measure] sendFile %d MiB: direct memory grew by at most %d KiB; %d bytes by transferTo%n",
                        FILE_SIZE >> 20, directPeak[0] >> 10, loop.metrics().fileBytesSent());
                assertTrue(directPeak[0] < 4 << 20, "direct memory flat: grew " + directPeak[0] + " bytes");
                assertEquals(FILE_SIZE, loop.metrics().fileBytesSent());
                assertEquals(0, loop.metrics().queuedBytes(), "nothing held once sent");
                assertEquals(0, connection.pendingOutboundBytes());
            }
        }
    }

    /** One read of at most {@code buffer}'s capacity (never past the file), into the digest. */
    private static void readSome(SocketChannel client, ByteBuffer buffer, MessageDigest digest, long[] received,
            long[] directPeak, long directBefore) throws IOException {
        buffer.clear().limit((int) Math.min(buffer.capacity(), FILE_SIZE - received[0]));
        int n = client.read(buffer);
        assertTrue(n >= 0, "end of stream after " + received[0] + " bytes");
        buffer.flip();
        digest.update(buffer);
        received[0] += n;
        if ((received[0] & 0xFFFFF) < n) { // about once a MiB
            directPeak[0] = Math.max(directPeak[0], directMemoryUsed() - directBefore);
        }
    }

    /** {pending outbound bytes, file bytes sent, writable (1) or not (0)}, read together on the loop thread. */
    private long[] snapshot(Connection connection) throws Exception {
        CompletableFuture<long[]> taken = new CompletableFuture<>();
        loop.execute(() -> taken.complete(new long[] {connection.pendingOutboundBytes(),
                loop.metrics().fileBytesSent(), connection.isWritable() ? 1 : 0}));
        return taken.get(5, TimeUnit.SECONDS);
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
