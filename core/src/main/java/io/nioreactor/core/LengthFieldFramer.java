package io.nioreactor.core;

import java.nio.ByteBuffer;

/** Frames behind a big-endian length field; see {@link Framer#lengthPrefixed}. */
final class LengthFieldFramer extends Framer {

    private final int fieldBytes;
    private final int lengthAdjustment;
    private final int maxFrameLength;
    /** The length of the last frame refused, for the message. */
    private long refusedLength;
    /** Whether {@link #refusedLength} is an 8-byte field's value above 2^63 - 1. */
    private boolean refusedUnsigned;

    LengthFieldFramer(int fieldBytes, int lengthAdjustment, int maxFrameLength, FrameHandler handler) {
        super(handler, fieldBytes + maxFrameLength);
        this.fieldBytes = fieldBytes;
        this.lengthAdjustment = lengthAdjustment;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    int scan(ByteBuffer buffer, int start, int end, int scanFrom) {
        if (end - start < fieldBytes) {
            return NEED_MORE;
        }
        long value = 0;
        for (int i = 0; i < fieldBytes; i++) { // big-endian whatever the buffer's byte order
            value = (value << 8) | (buffer.get(start + i) & 0xFF);
        }
        refusedUnsigned = value < 0;
        if (value < 0) { // an 8-byte field above 2^63 - 1
            refusedLength = value;
            return TOO_LONG;
        }
        long length = value + lengthAdjustment;
        if (length < 0 || length > maxFrameLength) {
            refusedLength = length;
            return TOO_LONG;
        }
        bodyOffset = fieldBytes;
        bodyLength = (int) length;
        return fieldBytes + (int) length;
    }

    @Override
    int bytesToTake(ByteBuffer data) {
        if (keptLength() < fieldBytes) {
            return fieldBytes - keptLength();
        }
        int length = scan(kept(), 0, keptLength(), 0);
        return length - keptLength();
    }

    @Override
    FramingException tooLong() {
        String claimed = refusedUnsigned ? Long.toUnsignedString(refusedLength)
                : Long.toString(refusedLength);
        return new FramingException("frame length " + claimed + " out of range 0.." + maxFrameLength);
    }
}
