package io.nioreactor.core;

import java.nio.ByteBuffer;

/** Lines, ended as {@link LineEnding} says; see {@link Framer#lines}. */
final class LineFramer extends Framer {

    private final int maxLength;
    private final LineEnding ending;

    LineFramer(int maxLength, LineEnding ending, FrameHandler handler) {
        super(handler, maxLength + 2);
        this.maxLength = maxLength;
        this.ending = ending;
    }

    @Override
    int scan(ByteBuffer buffer, int start, int end, int scanFrom) {
        for (int i = scanFrom; i < end; i++) {
            if (buffer.get(i) == '\n') {
                boolean afterCr = i > start && buffer.get(i - 1) == '\r';
                if (ending == LineEnding.CRLF && !afterCr) {
                    continue; // a lone \n is part of the line
                }
                int length = afterCr && ending != LineEnding.LF ? i - start - 1 : i - start;
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
