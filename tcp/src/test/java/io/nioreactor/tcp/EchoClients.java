package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;

/** Plain blocking clients of an echo server, for the daemon tests. */
final class EchoClients {

    private EchoClients() {
    }

    static Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(address, timeoutMillis);
        return socket;
    }

    /** Sends {@code payload}, reads it back and asserts the bytes; on a socket already open. */
    static void roundTrip(Socket socket, byte[] payload) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(payload);
        out.flush();
        byte[] back = readExactly(socket.getInputStream(), payload.length);
        assertArrayEquals(payload, back);
    }

    /** Connects, echoes {@code payload} once, closes. */
    static void echoOnce(InetSocketAddress address, byte[] payload, int timeoutMillis) throws IOException {
        try (Socket socket = connect(address, timeoutMillis)) {
            roundTrip(socket, payload);
        }
    }

    static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] buffer = new byte[length];
        int at = 0;
        while (at < length) {
            int n = in.read(buffer, at, length - at);
            if (n < 0) {
                throw new IOException("end of stream after " + at + " of " + length + " bytes");
            }
            at += n;
        }
        return buffer;
    }

    /** Ping-pong round trips of 64 bytes, returning each one's time in nanoseconds. */
    static long[] pingPong(Socket socket, int rounds) throws IOException {
        byte[] payload = new byte[64];
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            payload[0] = (byte) i;
            long start = System.nanoTime();
            roundTrip(socket, payload);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    /** p50 / p99 / max of round trips, in microseconds, for the test log. */
    static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "p50 %d us, p99 %d us, max %d us (%d round trips)",
                sorted[sorted.length / 2] / 1000, sorted[(int) (sorted.length * 0.99)] / 1000,
                sorted[sorted.length - 1] / 1000, sorted.length);
    }
}
