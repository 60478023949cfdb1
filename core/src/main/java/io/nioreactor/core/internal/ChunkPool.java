package io.nioreactor.core.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, recycled by the loop's outbound queues so that a connection
 * under backpressure allocates nothing in the steady state. Keeps at most a bounded number
 * of idle chunks; the rest are left to the garbage collector. Loop thread only.
 */
final class ChunkPool {

    static final int CHUNK_SIZE = 16 * 1024;

    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final int maxPooled;

    ChunkPool(int maxPooled) {
        this.maxPooled = maxPooled;
    }

    /** An empty chunk: position 0, limit 0. Data is appended by raising the limit. */
    ByteBuffer acquire() {
        ByteBuffer chunk = free.pollLast();
        if (chunk == null) {
            chunk = ByteBuffer.allocateDirect(CHUNK_SIZE);
        }
        chunk.position(0).limit(0);
        return chunk;
    }

    void release(ByteBuffer chunk) {
        if (free.size() < maxPooled) {
            free.addLast(chunk);
        }
    }

    int pooled() {
        return free.size();
    }
}
