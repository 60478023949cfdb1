package io.nioreactor.bench;

import java.nio.ByteBuffer;

/**
 * The bytes the load generators send: a deterministic function of the stream, the message
 * number and the offset, so every echoed byte can be checked without keeping a copy.
 *
 * <p>Byte {@code i} of a message is {@code c + 7i} (mod 256), {@code c} depending on the stream
 * and the message: every message is a window of one pattern of period 256, starting where the
 * pattern holds {@code c}. So a message is filled with bulk copies from the pattern and checked
 * with {@link ByteBuffer#mismatch}, both vectorised, not byte by byte: checking every byte costs
 * the load generator less than the server spends echoing it.
 */
final class Payload {

    /** Bytes compared or copied at once at most; the pattern holds a period more. */
    static final int CHUNK = 64 * 1024;
    /** 7 * 183 = 1281 = 1 (mod 256). */
    private static final int INVERSE_OF_SEVEN = 183;
    private static final ByteBuffer PATTERN = pattern();

    private Payload() {
    }

    static byte byteAt(int stream, long message, int offset) {
        return (byte) (stream * 131 + message * 31 + offset * 7);
    }

    /** A view of the pattern for one user (one connection or socket): its position and limit are that user's. */
    static ByteBuffer view() {
        return PATTERN.duplicate();
    }

    /** Fills {@code buffer} from its position with {@code length} bytes of one message. */
    static void fill(ByteBuffer buffer, ByteBuffer view, int stream, long message, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(CHUNK, length - done);
            int from = start(stream, message, done);
            view.limit(from + n).position(from);
            buffer.put(view);
            done += n;
        }
    }

    /**
     * Checks the next {@code length} bytes of {@code data} against bytes {@code offset} onward of
     * a message, consuming them.
     *
     * @return whether they are all as sent
     */
    static boolean matches(ByteBuffer data, ByteBuffer view, int stream, long message, int offset, int length) {
        int limit = data.limit();
        boolean same = true;
        for (int done = 0; done < length; ) {
            int n = Math.min(CHUNK, length - done);
            int from = start(stream, message, offset + done);
            view.limit(from + n).position(from);
            data.limit(data.position() + n);
            same &= data.mismatch(view) < 0;
            data.position(data.limit()).limit(limit);
            done += n;
        }
        return same;
    }

    /** Where in the pattern byte {@code offset} of the message is. */
    private static int start(int stream, long message, int offset) {
        int first = (int) ((stream * 131L + message * 31L) & 0xFF);
        return (first * INVERSE_OF_SEVEN + offset) & 0xFF;
    }

    private static ByteBuffer pattern() {
        ByteBuffer pattern = ByteBuffer.allocateDirect(256 + CHUNK);
        for (int k = 0; k < pattern.capacity(); k++) {
            pattern.put(k, (byte) (7 * k));
        }
        return pattern.asReadOnlyBuffer();
    }
}
