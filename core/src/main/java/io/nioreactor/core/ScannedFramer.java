package io.nioreactor.core;

import java.nio.ByteBuffer;

/** Frames a user's {@link FrameScanner} finds, handed over whole; see {@link Framer#of}. */
final class ScannedFramer extends Framer {

    private final FrameScanner scanner;
    private final int maxFrameLength;
    /** The length the last scan announced, or {@link FrameScanner#NEED_MORE}. */
    private long announced = FrameScanner.NEED_MORE;
    private FramingException refusal;

    ScannedFramer(FrameScanner scanner, int maxFrameLength, FrameHandler handler) {
        super(handler, maxFrameLength);
        this.scanner = scanner;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    int scan(ByteBuffer buffer, int start, int end, int scanFrom) {
        int position = buffer.position();
        int limit = buffer.limit();
        long length;
        if (scanFrom > start && announced >= 1) {
            length = announced; // the same frame, its length told already: the scanner is not asked again
        } else {
            buffer.limit(end).position(start); // the scanner sees the frame's bytes only
            try {
                length = scanner.frameLength(buffer, scanFrom - start);
            } catch (FramingException e) {
                refusal = e;
                return TOO_LONG;
            } finally {
                buffer.limit(limit).position(position);
            }
            announced = length;
        }
        if (length == FrameScanner.NEED_MORE) {
            if (end - start >= maxFrameLength) {
                refusal = new FramingException("no frame end in " + (end - start) + " bytes (maximum "
                        + maxFrameLength + ")");
                return TOO_LONG;
            }
            return NEED_MORE;
        }
        if (length < 1) {
            throw new IllegalStateException(scanner + " answered " + length + ": a frame length is 1 or more");
        }
        if (length > maxFrameLength) {
            refusal = new FramingException("frame of " + length + " bytes, above the maximum of " + maxFrameLength);
            return TOO_LONG;
        }
        bodyOffset = 0;
        bodyLength = (int) length;
        return (int) length;
    }

    @Override
    int bytesToTake(ByteBuffer data) {
        if (announced > keptLength()) {
            return (int) (announced - keptLength()); // exactly the rest of the frame
        }
        // Unknown yet: as much as may still belong to it. Bytes past its end stay kept for the next frames.
        return Math.max(1, maxFrameLength - keptLength());
    }

    @Override
    FramingException tooLong() {
        return refusal;
    }
}
