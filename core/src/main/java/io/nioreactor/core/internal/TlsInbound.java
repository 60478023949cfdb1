package io.nioreactor.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Ciphertext a TLS connection has read and not yet unwrapped. During a burst of reads it lives
 * in the loop's shared heap read buffer; between bursts only what is left (a record cut by a
 * read, or records held while the handler has paused reading) is kept in a buffer of the
 * connection's own: one lent by the loop once the handshake has completed, so that a busy
 * connection allocates none, and an exact copy before, so that a handshake that stalls holds
 * only the few bytes it sent. An idle TLS connection keeps nothing. Loop thread only.
 */
final class TlsInbound {

    static final int HEADER_BYTES = 5;
    /** The largest record a TLS engine sends: 2^14 bytes of plaintext, 2,048 of expansion, the header. */
    static final int MAX_RECORD_BYTES = (1 << 14) + 2048 + HEADER_BYTES;

    private final LoopResources resources;
    /** Between bursts: what is left, position to limit; or {@code null}. */
    private ByteBuffer kept;
    /** During a burst: the shared buffer with this connection's bytes, position to limit. */
    private ByteBuffer source;
    /** The last fill filled the room it had: the socket may hold more. */
    private boolean filled;
    /** The engine took nothing of a whole record: so that a read task cannot spin on it. */
    private boolean stuck;

    TlsInbound(LoopResources resources) {
        this.resources = resources;
    }

    /** The bytes to unwrap from: the burst's buffer, with what was kept first. */
    ByteBuffer source() {
        if (source == null) {
            ByteBuffer shared = resources.tlsReadBuffer();
            shared.clear();
            if (kept != null) {
                shared.put(kept);
                release();
            }
            source = shared.flip();
        }
        return source;
    }

    /**
     * Reads from the socket after the bytes held (never more than the loop allows while its
     * budget is spent).
     *
     * @return the bytes read, 0 if none were waiting, -1 at the end of the stream
     */
    int fill(SocketEndpoint endpoint) throws IOException {
        ByteBuffer buffer = source();
        buffer.compact();
        buffer.limit(Math.min(buffer.capacity(), buffer.position() + resources.readSize()));
        int room = buffer.remaining();
        try {
            int n = endpoint.read(buffer);
            filled = n == room;
            stuck &= n <= 0;
            return n;
        } finally {
            buffer.flip();
        }
    }

    /** The engine took nothing of the whole record that waits: worth trying again only once bytes come. */
    void engineTookNothing() {
        stuck = true;
    }

    /** Whether a whole record waits that the engine may take: read it without waiting for a readiness. */
    boolean hasRecordToRead() {
        return !stuck && hasWholeRecord();
    }

    boolean lastFillFilled() {
        return filled;
    }

    /** Whether a whole record (or bytes that are no record at all, for the engine to refuse) waits. */
    boolean hasWholeRecord() {
        ByteBuffer bytes = source != null ? source : kept;
        return bytes != null && wholeRecordAt(bytes);
    }

    /** Whether bytes are held that a read has not handed over. */
    boolean holdsBytes() {
        return (source != null && source.hasRemaining()) || kept != null;
    }

    int heldBytes() {
        return source != null ? source.remaining() : kept != null ? kept.remaining() : 0;
    }

    /** The burst is over: what is left of it is kept, lent by the loop ({@code pooled}) or an exact copy. */
    void keepRest(boolean pooled) {
        if (source == null) {
            return;
        }
        if (source.hasRemaining()) {
            int n = source.remaining();
            kept = pooled ? resources.takeTlsKeptBuffer(n) : ByteBuffer.allocate(n);
            kept.put(source).flip();
        }
        source = null;
    }

    /** Nothing more is read (close_notify, or closed): what is held is let go. */
    void drop() {
        release();
        source = null;
    }

    private void release() {
        if (kept != null) {
            resources.giveBackTlsKeptBuffer(kept);
            kept = null;
        }
    }

    /**
     * Whether {@code bytes} begin with a whole TLS record: a header (content type 20 to 24,
     * major version 3, a length) and that many bytes after it. Bytes that cannot begin a record
     * count as whole: the engine is to see them at once, and refuse them.
     */
    static boolean wholeRecordAt(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (n == 0) {
            return false;
        }
        int at = bytes.position();
        int type = bytes.get(at) & 0xff;
        if (type < 20 || type > 24) {
            return true;
        }
        if (n < 2) {
            return false;
        }
        if (bytes.get(at + 1) != 3) {
            return true;
        }
        if (n < HEADER_BYTES) {
            return false;
        }
        int length = ((bytes.get(at + 3) & 0xff) << 8) | (bytes.get(at + 4) & 0xff);
        return length > MAX_RECORD_BYTES - HEADER_BYTES || n >= HEADER_BYTES + length;
    }
}
