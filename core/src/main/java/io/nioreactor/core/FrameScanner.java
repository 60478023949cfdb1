package io.nioreactor.core;

import java.nio.ByteBuffer;

/**
 * The framing of a protocol in one method: given the bytes at the start of the next frame, says
 * how long the frame is, or that more bytes are needed. {@link Framer#of} builds a
 * {@link Framer} on it that keeps everything else the toolkit does: the bound on a frame, no
 * copy for frames that arrive whole, pausing with {@link Connection#setAutoRead}, the error
 * callback, nothing allocated per frame.
 *
 * <p>A scanner that needs to look at several parts of a frame simply walks them: a RESP array of
 * bulk strings, {@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}, is as long as its headers say, and the
 * scanner can answer as soon as it has read the last header, before the last value has arrived:
 * the framer then waits for the rest without asking again (and refuses at once a frame announced
 * above its maximum). One scanner per framer, called on the loop thread only: it may keep state
 * about the frame under way between calls (reset it when a call returns a length). The framer
 * hands a frame over before it asks about the next one, so what the scanner noted while finding
 * a frame's length (where its fields lie, from the frame's first byte) still describes the frame
 * the handler is given: a protocol's request need not be parsed twice.
 */
@FunctionalInterface
public interface FrameScanner {

    /** {@link #frameLength}: the frame's end cannot be told from the bytes so far. */
    long NEED_MORE = -1;

    /**
     * Looks at the bytes between {@code bytes.position()} and {@code bytes.limit()}: the next
     * frame's first byte and what follows it. Read them with absolute gets
     * ({@code bytes.get(bytes.position() + i)}); position and limit are put back afterwards, and
     * the buffer is valid only during the call.
     *
     * @param bytes   the bytes available, from the frame's first byte on
     * @param scanned how many of them an earlier call for this same frame looked at already (0 on
     *                the first): a search for a delimiter can go on from there
     * @return the frame's whole length in bytes (at least 1, and it may reach past what is
     *         available), or {@link #NEED_MORE}
     * @throws FramingException if the bytes break the protocol: the framer then calls
     *                          {@link Framer.FrameHandler#onFramingError}, as for a frame too long
     */
    long frameLength(ByteBuffer bytes, int scanned) throws FramingException;
}
