package io.nioreactor.core;

import java.nio.ByteBuffer;

/**
 * The bytes a {@link Framer} keeps across reads: the start of a frame a read cut off, or the
 * rest of a read while reading is paused. A heap buffer made on first need that doubles up to
 * the largest frame, so a connection with short frames keeps a short buffer. Loop thread only.
 */
final class KeptBytes {

    private static final int FIRST_CAPACITY = 256;

    private final int maxFrameBytes;
    /** The bytes, from index 0 to {@link #length}; {@code null} until needed and after a failure. */
    ByteBuffer buffer;
    int length;
    /** How far the search for the end of the first kept frame has gone (lines); 0 for a new frame. */
    int scanned;

    KeptBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Copies {@code count} bytes of {@code data} after what is kept, moving its position past them. */
    void append(ByteBuffer data, int count) {
        int needed = length + count;
        if (buffer == null || buffer.capacity() < needed) {
            long capacity = buffer == null ? FIRST_CAPACITY : buffer.capacity();
            while (capacity < needed) {
                capacity *= 2;
            }
            capacity = Math.min(capacity, Math.max(maxFrameBytes, needed));
            ByteBuffer grown = ByteBuffer.allocate((int) capacity);
            if (buffer != null) {
                System.arraycopy(buffer.array(), 0, grown.array(), 0, length);
            }
            buffer = grown;
        }
        buffer.limit(buffer.capacity());
        buffer.put(length, data, data.position(), count);
        data.position(data.position() + count);
        length = needed;
    }

    /** Drops the first {@code count} bytes (frames handed over), moving the rest to the front. */
    void drop(int count) {
        if (count == 0) {
            return;
        }
        int rest = length - count;
        if (rest > 0) {
            System.arraycopy(buffer.array(), count, buffer.array(), 0, rest);
        }
        length = rest;
        scanned = 0;
    }

    /** Lets go of everything, the buffer too. */
    void release() {
        buffer = null;
        length = 0;
        scanned = 0;
    }
}
