package io.nioreactor.examples.resp;

import io.nioreactor.core.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One connection's replies, encoded in RESP2 into a buffer it keeps: all the replies of one
 * read burst leave in one write when it ends ({@link #flush}), as Redis answers; when the buffer
 * fills first, or for a value above {@value #INLINE_VALUE} bytes, they go to
 * {@link Connection#writeLater} (which copies them into the loop's pooled chunks). A reply
 * allocates nothing but, for such a large value, the buffer that wraps it.
 */
final class Replies {

    static final byte[] OK = ascii("+OK\r\n");
    static final byte[] PONG = ascii("+PONG\r\n");
    static final byte[] NULL_BULK = ascii("$-1\r\n");
    /** Values up to this size are copied into the reply buffer; larger ones straight into the connection's queue. */
    static final int INLINE_VALUE = 16 * 1024;

    private final ByteBuffer out = ByteBuffer.allocate(INLINE_VALUE + 64);
    private final ByteBuffer[] parts = new ByteBuffer[1];
    private final byte[] digits = new byte[Decimal.MAX_LENGTH];
    /** Whether replies went to the connection since {@link #handedOverSinceAsked} was last asked. */
    private boolean handedOver;

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    void raw(Connection c, byte[] bytes) {
        room(c, bytes.length);
        out.put(bytes);
    }

    void integer(Connection c, long value) {
        room(c, 24);
        out.put((byte) ':');
        number(value);
        crlf();
    }

    void arrayHeader(Connection c, int count) {
        room(c, 24);
        out.put((byte) '*');
        number(count);
        crlf();
    }

    /** {@code message} must hold no CR or LF (the caller's names are checked). */
    void error(Connection c, String message) {
        raw(c, ascii("-" + message + "\r\n")); // errors are rare: a string is fine here
    }

    /** A bulk string of the first {@code length} bytes of {@code value}. */
    void bulk(Connection c, byte[] value, int length) {
        room(c, 24);
        out.put((byte) '$');
        number(length);
        crlf();
        if (length <= INLINE_VALUE) {
            room(c, length + 2);
            out.put(value, 0, length);
        } else {
            sendAsItIs(c, ByteBuffer.wrap(value, 0, length));
        }
        room(c, 2);
        crlf();
    }

    /** A bulk string of {@code length} bytes of {@code from} at {@code offset} (absolute). */
    void bulk(Connection c, ByteBuffer from, int offset, int length) {
        room(c, 24);
        out.put((byte) '$');
        number(length);
        crlf();
        if (length <= INLINE_VALUE) {
            room(c, length + 2);
            out.put(out.position(), from, offset, length);
            out.position(out.position() + length);
        } else {
            sendAsItIs(c, from.duplicate().limit(offset + length).position(offset));
        }
        room(c, 2);
        crlf();
    }

    /** A large value after what is buffered, copied once, into the connection's queue, not into the reply buffer. */
    private void sendAsItIs(Connection c, ByteBuffer value) {
        send(c);
        parts[0] = value;
        c.writeLater(parts);
        parts[0] = null;
        handedOver = true;
    }

    /**
     * The read burst is over: what is buffered goes to the socket now, in one write and without
     * a copy into the queue (only what the kernel does not take is queued).
     */
    void flush(Connection c) {
        if (out.position() > 0) {
            c.write(out.flip());
            out.clear();
            handedOver = true;
        }
    }

    /** Hands what is buffered to the connection's queue, sent with the rest of the burst. */
    void send(Connection c) {
        if (out.position() > 0) {
            c.writeLater(out.flip());
            out.clear();
            handedOver = true;
        }
    }

    /**
     * Whether replies went to the connection since the last call: only then can it have stopped
     * being writable, so only then is it worth asking (once a request, it showed in the profile).
     */
    boolean handedOverSinceAsked() {
        boolean was = handedOver;
        handedOver = false;
        return was;
    }

    private void room(Connection c, int bytes) {
        if (out.remaining() < bytes) {
            send(c);
        }
    }

    private void crlf() {
        out.put((byte) '\r').put((byte) '\n');
    }

    private void number(long value) {
        out.put(digits, 0, Decimal.write(value, digits));
    }
}
