package io.nioreactor.core;

import io.nioreactor.core.internal.LoopCore;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Cuts a connection's byte stream into frames: accumulates bytes across reads in a bounded
 * buffer and hands each complete frame to a {@link FrameHandler}. A handler owns one framer per
 * connection and feeds it from {@link ConnectionHandler#onRead}:
 *
 * <pre>{@code
 * final class UpperCase implements ConnectionHandler, Framer.FrameHandler {
 *     private final Framer lines = Framer.lines(1024, this);
 *     public void onRead(Connection c, ByteBuffer data) { lines.feed(c, data); }
 *     public void onFrame(Connection c, ByteBuffer line) { ... }
 * }
 * }</pre>
 *
 * <p><b>No copy for whole frames.</b> A frame that lies whole in the buffer being fed is handed
 * over as that very buffer with its position and limit set around the frame: a view, valid only
 * during {@link FrameHandler#onFrame}. Only the start of a frame that a read cut off is copied,
 * into the framer's own buffer, and handed over from there once complete: so a frame may be a
 * direct buffer (the loop's) or a heap one (the framer's); read it through the buffer's methods,
 * not {@code array()}. In the steady state nothing is allocated per frame.
 *
 * <p><b>Bounded.</b> The framer keeps at most one frame (its maximum) or, while reading is
 * paused, the rest of one read, whichever is larger. A frame announcing more than the maximum
 * is refused as soon as its length (or a line's missing end) shows it, before its bytes are
 * read: {@link FrameHandler#onFramingError} is called, the framer drops everything after, and
 * by default the connection is closed.
 *
 * <p><b>Pausing.</b> When the frame handler turns reading off
 * ({@link Connection#setAutoRead setAutoRead(false)}), no further frame is handed over; the
 * rest of the read is kept. Turn reading on again with {@link #resume}, which first hands over
 * the frames kept.
 *
 * <p>When the stream ends, the start of an unfinished frame is not handed over;
 * {@link #bufferedBytes()} tells how many bytes of it were kept.
 *
 * <p>{@link #feed} on the loop thread only, like the connection's callbacks; {@link #resume}
 * from any thread. Not for sharing between connections.
 */
public abstract class Framer {

    /** {@link #scan}: the frame is not complete yet. */
    static final int NEED_MORE = -1;
    /** {@link #scan}: the frame breaks the maximum; {@link #tooLong} says how. */
    static final int TOO_LONG = -2;
    /** The loop's read size (the most one read hands over). */
    private static final int READ_SIZE = LoopCore.READ_SIZE;
    /** Reads kept while paused at most (one when resumed through {@link #resume}). */
    private static final int MAX_KEPT_READS = 2;

    /** Receives the frames of one {@link Framer}. Called on the loop thread. */
    public interface FrameHandler {

        /**
         * Called with one complete frame, without its delimiter or length field.
         *
         * @param connection the connection the frame came from
         * @param frame      the frame between position and limit; valid only during this call
         *                   (copy what must outlive it)
         */
        void onFrame(Connection connection, ByteBuffer frame);

        /**
         * Called once when the peer breaks the framing; no frame follows, and what the framer
         * is fed afterwards is dropped. The default closes the connection gracefully (what is
         * queued is flushed first). Override to send an error reply first, or to
         * {@link Connection#abort()}. If the peer is still sending when the socket closes, the
         * kernel answers with a reset, which may drop the reply before the peer reads it.
         *
         * @param connection the connection
         * @param error      what was wrong
         */
        default void onFramingError(Connection connection, FramingException error) {
            connection.close();
        }
    }

    private final FrameHandler handler;
    /** The largest frame this framer keeps, header or delimiter included. */
    private final int maxFrameBytes;
    private final KeptBytes store;
    private boolean failed;
    /** Inside {@link FrameHandler#onFrame}: a {@link #resume} from there must not start over. */
    private boolean delivering;

    Framer(FrameHandler handler, int maxFrameBytes) {
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        this.handler = handler;
        this.maxFrameBytes = maxFrameBytes;
        this.store = new KeptBytes(maxFrameBytes);
    }

    /**
     * Frames delimited by {@code \n}; a {@code \r} before it is dropped too, so {@code \r\n}
     * and {@code \n} both end a line ({@link LineEnding#LF_OR_CRLF}). The frame handed over
     * excludes the line ending.
     *
     * @param maxLength the longest line accepted, line ending excluded, at least 1
     * @param handler   receives the lines
     * @return a new framer, for one connection
     * @throws IllegalArgumentException if {@code maxLength} is below 1 or above 2^31 - 3
     */
    public static Framer lines(int maxLength, FrameHandler handler) {
        return lines(maxLength, LineEnding.LF_OR_CRLF, handler);
    }

    /**
     * Lines ended as {@code ending} says; the frame handed over excludes the ending it names.
     *
     * @param maxLength the longest line accepted, line ending excluded, at least 1
     * @param ending    which bytes end a line
     * @param handler   receives the lines
     * @return a new framer, for one connection
     * @throws IllegalArgumentException if {@code maxLength} is below 1 or above 2^31 - 3
     */
    public static Framer lines(int maxLength, LineEnding ending, FrameHandler handler) {
        Checks.between("maxLength", maxLength, 1, Integer.MAX_VALUE - 2);
        return new LineFramer(maxLength, Objects.requireNonNull(ending, "ending"), handler);
    }

    /**
     * Frames that {@code scanner} finds: the framing of any protocol, with the bound, the pause
     * and the error of the others. Each frame is handed over whole, header and ending included.
     *
     * @param scanner        says how long each frame is
     * @param maxFrameLength the largest frame accepted, at least 1: one announced above it, or
     *                       as many bytes without an end found, is refused before more is read
     * @param handler        receives the frames
     * @return a new framer, for one connection (a scanner that keeps state needs its own too)
     * @throws IllegalArgumentException if {@code maxFrameLength} is below 1
     */
    public static Framer of(FrameScanner scanner, int maxFrameLength, FrameHandler handler) {
        Checks.atLeast("maxFrameLength", maxFrameLength, 1);
        return new ScannedFramer(Objects.requireNonNull(scanner, "scanner"), maxFrameLength, handler);
    }

    /**
     * Frames prefixed by a big-endian unsigned length field that counts the bytes after it.
     * The frame handed over excludes the length field.
     *
     * @param fieldBytes     the size of the length field: 1, 2, 4 or 8
     * @param maxFrameLength the largest frame accepted, length field excluded
     * @param handler        receives the frames
     * @return a new framer, for one connection
     * @throws IllegalArgumentException for another field size, or a maximum below 0 or above
     *         2^31 - 9
     */
    public static Framer lengthPrefixed(int fieldBytes, int maxFrameLength, FrameHandler handler) {
        return lengthPrefixed(fieldBytes, 0, maxFrameLength, handler);
    }

    /**
     * Frames prefixed by a big-endian unsigned length field, for protocols whose field does not
     * count exactly the bytes after it: the frame after the field is
     * {@code value + lengthAdjustment} bytes long. A field that counts itself too takes
     * {@code lengthAdjustment = -fieldBytes}.
     *
     * @param fieldBytes       the size of the length field: 1, 2, 4 or 8
     * @param lengthAdjustment added to the field's value to give the bytes after the field
     * @param maxFrameLength   the largest frame accepted, length field excluded
     * @param handler          receives the frames
     * @return a new framer, for one connection
     * @throws IllegalArgumentException for another field size, or a maximum below 0 or above
     *         2^31 - 9
     */
    public static Framer lengthPrefixed(int fieldBytes, int lengthAdjustment, int maxFrameLength,
            FrameHandler handler) {
        if (fieldBytes != 1 && fieldBytes != 2 && fieldBytes != 4 && fieldBytes != 8) {
            throw new IllegalArgumentException("fieldBytes must be 1, 2, 4 or 8: " + fieldBytes);
        }
        Checks.between("maxFrameLength", maxFrameLength, 0, Integer.MAX_VALUE - 8);
        return new LengthFieldFramer(fieldBytes, lengthAdjustment, maxFrameLength, handler);
    }

    /**
     * Takes the bytes of one read: hands over every complete frame, keeps the start of a cut
     * frame for the next read. Consumes {@code data} entirely (its position moves to its limit).
     *
     * @param connection the connection the bytes came from, passed on to the handler
     * @param data       the bytes read, between position and limit
     */
    public final void feed(Connection connection, ByteBuffer data) {
        if (failed) {
            data.position(data.limit());
            return;
        }
        // What is kept first: its whole frames, then its cut frame completed from data, as often as
        // completing one leaves the start of another kept (a scanner's frame end is not known ahead).
        while (store.length > 0) {
            if (!handOverKept(connection)) {
                if (!failed) {
                    keep(connection, data); // paused or closing: nothing of this read is lost
                } else {
                    data.position(data.limit()); // consumed, as after any framing error
                }
                return;
            }
            if (store.length > 0 && !completeKeptFrame(connection, data)) {
                return;
            }
        }
        handOverWholeFrames(connection, data);
    }

    /**
     * Turns reading on again after a frame handler paused it, first handing over the frames
     * kept when it paused. A frame handler that pauses again stops it there. Use this rather than
     * {@code setAutoRead(true)}, which would leave the kept frames waiting for the next read.
     *
     * <p>Any thread: off the loop it hands itself to the loop. Called from a frame handler, it
     * only turns reading on; the frames after the current one follow when it returns.
     *
     * @param connection the paused connection
     */
    public final void resume(Connection connection) {
        if (!connection.loop().inEventLoop()) { // from a future completed elsewhere, say
            connection.loop().execute(() -> resume(connection));
            return;
        }
        connection.setAutoRead(true);
        if (delivering) {
            return; // called from a frame handler: the hand-over under way goes on by itself
        }
        if (!failed && store.length > 0) {
            handOverKept(connection);
        }
    }

    /** {@return the bytes kept for the next frames: the start of a cut frame, or a paused read's rest} */
    public final int bufferedBytes() {
        return store.length;
    }

    /**
     * Looks for one frame in {@code buffer} between the absolute indexes {@code start} and
     * {@code end}, without moving its position. On success the body's offset and length from
     * {@code start} are left in {@link #bodyOffset} and {@link #bodyLength}.
     *
     * @param scanFrom where bytes not yet looked at begin (a line's search goes on from there)
     * @return the frame's whole length (it may reach past {@code end} when a length field
     *         announced it), {@link #NEED_MORE}, or {@link #TOO_LONG}
     */
    abstract int scan(ByteBuffer buffer, int start, int end, int scanFrom);

    /** After {@link #TOO_LONG}: the error, with the numbers. */
    abstract FramingException tooLong();

    /** Set by {@link #scan} on success. */
    int bodyOffset;
    /** Set by {@link #scan} on success. */
    int bodyLength;

    private void handOverWholeFrames(Connection connection, ByteBuffer data) {
        int end = data.limit();
        while (data.hasRemaining()) {
            if (stopped(connection)) {
                keep(connection, data);
                return;
            }
            int start = data.position();
            int length = scan(data, start, end, start);
            if (length == TOO_LONG) {
                fail(connection, data, tooLong());
                return;
            }
            if (length == NEED_MORE || length > end - start) {
                keep(connection, data);
                return;
            }
            deliver(connection, data, start, length, end);
        }
    }

    /** Hands over the whole frames kept; {@code false} if it stopped (paused, closed, failed). */
    private boolean handOverKept(Connection connection) {
        int start = 0;
        boolean goOn = true;
        while (start < store.length) {
            if (stopped(connection)) {
                goOn = false;
                break;
            }
            int length = scan(store.buffer, start, store.length, start == 0 ? store.scanned : start);
            if (length == TOO_LONG) {
                fail(connection, null, tooLong());
                return false;
            }
            if (length == NEED_MORE || length > store.length - start) {
                break;
            }
            deliver(connection, store.buffer, start, length, store.length);
            start += length;
            if (failed) {
                return false;
            }
        }
        store.drop(start);
        return goOn && !stopped(connection);
    }

    /**
     * The kept bytes are the start of one frame: takes from {@code data} what completes it and
     * hands it over. {@code false} if it is still incomplete (all of data kept) or failed.
     */
    private boolean completeKeptFrame(Connection connection, ByteBuffer data) {
        while (data.hasRemaining()) {
            int take = Math.min(data.remaining(), bytesToTake(data));
            int scanFrom = store.length; // the kept bytes were searched already
            store.append(data, take);
            int length = scan(store.buffer, 0, store.length, scanFrom);
            if (length == TOO_LONG) {
                fail(connection, data, tooLong());
                return false;
            }
            if (length != NEED_MORE && length <= store.length) {
                store.scanned = 0;
                deliver(connection, store.buffer, 0, length, store.length);
                if (!failed) {
                    store.drop(length); // what was taken past the frame's end stays kept
                }
                return !failed;
            }
            store.scanned = store.length;
        }
        return false;
    }

    /**
     * How many bytes of {@code data} the kept start of a frame needs next: up to and with a
     * line's end, or the rest of a length field, or the rest of the frame it announced.
     */
    abstract int bytesToTake(ByteBuffer data);

    /** Kept bytes now (for {@link #bytesToTake}). */
    final int keptLength() {
        return store.length;
    }

    /** The kept bytes (for {@link #bytesToTake}); {@code null} while none were ever kept. */
    final ByteBuffer kept() {
        return store.buffer;
    }

    final int maxFrameBytes() {
        return maxFrameBytes;
    }

    private void deliver(Connection connection, ByteBuffer buffer, int start, int length, int end) {
        buffer.limit(start + bodyOffset + bodyLength).position(start + bodyOffset);
        delivering = true;
        try {
            handler.onFrame(connection, buffer);
        } finally {
            delivering = false;
            buffer.limit(end).position(start + length);
        }
    }

    private boolean stopped(Connection connection) {
        return failed || !connection.isAutoRead() || !connection.isOpen();
    }

    /** Drops everything kept and the rest of {@code data} (if any), then tells the handler. */
    private void fail(Connection connection, ByteBuffer data, FramingException error) {
        failed = true;
        store.release();
        if (data != null) {
            data.position(data.limit());
        }
        handler.onFramingError(connection, error);
    }

    /**
     * Keeps the rest of {@code data} after what is kept already. Used as documented (resume with
     * {@link #resume}) it keeps at most one read while paused; turning reading on with
     * {@code setAutoRead(true)} instead strands the kept frames and every further pause would
     * keep another read: past {@link #MAX_KEPT_READS} reads that is refused as an error.
     */
    private void keep(Connection connection, ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        if ((long) store.length + data.remaining() > Math.max(maxFrameBytes, (long) MAX_KEPT_READS * READ_SIZE)) {
            fail(connection, data, new FramingException("more than " + MAX_KEPT_READS * READ_SIZE
                    + " bytes kept while reading was paused: resume reading with Framer.resume, not setAutoRead"));
            return;
        }
        if (store.length == 0) {
            store.scanned = 0;
        }
        store.append(data, data.remaining());
    }
}
