package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** Blocking loopback clients for the tests: the peer side, written the plain way. */
final class Loopback {

    static final InetSocketAddress ANY_PORT_V4 = new InetSocketAddress("127.0.0.1", 0);
    static final InetSocketAddress ANY_PORT_V6 = new InetSocketAddress("::1", 0);

    private Loopback() {
    }

    static SocketChannel connect(SocketAddress address) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        channel.connect(address);
        return channel;
    }

    static void writeAscii(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads exactly {@code length} bytes, failing on a premature end of stream. */
    static String readAscii(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("end of stream after " + buffer.position() + " of " + length + " bytes");
            }
        }
        return new String(buffer.array(), StandardCharsets.US_ASCII);
    }

    /** Reads until end of stream; returns the byte count (a reset counts as an end, as -1). */
    static long drainToEnd(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        int n;
        while ((n = channel.read(buffer)) >= 0) {
            total += n;
            buffer.clear();
        }
        return total;
    }

    /** A deterministic stream of pseudo-random bytes, written in chunks, with its SHA-256. */
    static byte[] writePattern(SocketChannel channel, long size, long seed) throws IOException {
        MessageDigest digest = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[32 * 1024];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (r >>> (8 * j));
                }
            }
            digest.update(chunk, 0, n);
            ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            left -= n;
        }
        return digest.digest();
    }

    /** Reads until end of stream, returning the SHA-256 and the count. */
    static Digest readDigest(SocketChannel channel) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        int n;
        while ((n = channel.read(buffer)) >= 0) {
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
            total += n;
        }
        return new Digest(digest.digest(), total);
    }

    /** Reads exactly {@code size} bytes, returning their SHA-256. */
    static Digest readDigestOf(SocketChannel channel, long size) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        while (total < size) {
            buffer.limit((int) Math.min(buffer.capacity(), size - total));
            int n = channel.read(buffer);
            if (n < 0) {
                break;
            }
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
            total += n;
        }
        return new Digest(digest.digest(), total);
    }

    /**
     * Sends {@code size} pattern bytes to an echo server, half-closes, reads everything back
     * on another thread, and asserts the same bytes came back.
     */
    static void assertEchoes(SocketAddress server, long size, long seed) throws Exception {
        try (SocketChannel channel = connect(server)) {
            CompletableFuture<Digest> received = async(() -> readDigest(channel));
            byte[] sent = writePattern(channel, size, seed);
            channel.shutdownOutput();
            Digest echoed = received.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(size, echoed.bytes, "bytes echoed");
            assertArrayEquals(sent, echoed.sha256, "sha-256 of the echoed bytes");
        }
    }

    /** Runs blocking client code on a thread of its own (never on the small common pool). */
    static <T> CompletableFuture<T> async(IoCall<T> call) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(call.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "test-client");
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    @FunctionalInterface
    interface IoCall<T> {
        T call() throws Exception;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    record Digest(byte[] sha256, long bytes) {
    }
}
