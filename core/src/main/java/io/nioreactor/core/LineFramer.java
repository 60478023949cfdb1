package io.nioreactor.core;

import java.nio.ByteBuffer;

/** Lines ended by {@code \n} or {@code \r\n}; see {@link Framer#lines}. */
final class LineFramer extends Framer {

    private final int maxLength;

    LineFramer(int maxLength, FrameHandler handler) {
        super(handler, maxLength + 2);
        this.maxLength = maxLength;
    }

    @Override
    int scan(ByteBuffer buffer, int start, int end, int scanFrom) {
        for (int i = scanFrom; i < end; i++) {
            if (buffer.get(i) == '\n') {
                int length = i - start;
                if (i > start && buffer.get(i - 1) == '\r') {
                    length--;
                }
                if (length > maxLength) {
                    return TOO_LONG;
                }
                bodyOffset = 0;
                bodyLength = length;
                return i - start + 1;
            }
        }
        // No line end yet: more than maxLength + 1 bytes ('\r' may still come last) cannot fit.
        return end - start > maxLength + 1 ? TOO_LONG : NEED_MORE;
    }

    @Override
    int bytesToTake(ByteBuffer data) {
        int room = maxLength + 2 - keptLength(); // one past the longest line that can still end
        int look = Math.min(data.remaining(), room);
        int from = data.position();
        for (int i = 0; i < look; i++) {
            if (data.get(from + i) == '\n') {
                return i + 1;
            }
        }
        return look;
    }

    @Override
    FramingException tooLong() {
        return new FramingException("line longer than " + maxLength + " bytes");
    }
}
