package io.nioreactor.core.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, recycled by the loop's outbound queues so that a connection
 * under backpressure allocates nothing in the steady state. Every chunk lent out counts whole
 * toward the loop's {@link SendBudget}: that is the memory it holds, however few bytes it
 * carries. Keeps a bounded number of idle chunks; the rest are left to the garbage collector.
 * Loop thread only.
 */
final class ChunkPool {

    static final int CHUNK_SIZE = 16 * 1024;

    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final int maxPooled;
    private final SendBudget budget;
    private final Counter allocationFailures;

    /**
     * @param maxPooled          idle chunks kept at most
     * @param budget             charged for every chunk lent out
     * @param allocationFailures counts chunks that could not be allocated
     */
    ChunkPool(int maxPooled, SendBudget budget, Counter allocationFailures) {
        this.maxPooled = maxPooled;
        this.budget = budget;
        this.allocationFailures = allocationFailures;
    }

    /**
     * An empty chunk: position 0, limit 0. Data is appended by raising the limit.
     *
     * @return the chunk, or {@code null} if the JVM has no direct memory left for a new one
     */
    ByteBuffer acquire() {
        ByteBuffer chunk = free.pollLast();
        if (chunk == null) {
            if (!DirectMemory.hasRoomFor(CHUNK_SIZE)) {
                allocationFailures.increment(); // fail fast: allocateDirect would stall the loop
                return null;
            }
            try {
                chunk = ByteBuffer.allocateDirect(CHUNK_SIZE);
            } catch (OutOfMemoryError e) {
                // A buffer we asked for, not a dying JVM: the caller pauses or closes its connection.
                allocationFailures.increment();
                return null;
            }
        }
        budget.add(CHUNK_SIZE);
        chunk.position(0).limit(0);
        return chunk;
    }

    void release(ByteBuffer chunk) {
        budget.remove(CHUNK_SIZE);
        if (free.size() < maxPooled) {
            free.addLast(chunk);
        }
    }

    int pooled() {
        return free.size();
    }
}
