package io.nioreactor.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;

/**
 * The bytes a connection still has to send, in pooled direct chunks, flushed with gathering
 * writes. Each chunk holds pending bytes between its position and its limit; appending raises
 * the limit of the last chunk. Loop thread only.
 */
final class OutboundQueue {

    /** How many chunks one gathering write hands the kernel (1 MiB of 16 KiB chunks). */
    private static final int MAX_GATHER = 64;

    private final ChunkPool pool;
    /** No array until something is queued: most connections never queue (32 B each saved). */
    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    private ByteBuffer[] chunks = NONE;
    private int count;
    private long pending;

    OutboundQueue(ChunkPool pool) {
        this.pool = pool;
    }

    boolean isEmpty() {
        return pending == 0;
    }

    long pendingBytes() {
        return pending;
    }

    /**
     * Copies the remaining bytes of {@code src} to the tail of the queue, consuming them.
     *
     * @return {@code false} if a chunk could not be allocated; {@code src} is then consumed
     *         only as far as the bytes that were queued
     */
    boolean append(ByteBuffer src) {
        while (src.hasRemaining()) {
            ByteBuffer tail = count == 0 ? null : chunks[count - 1];
            if (tail == null || tail.limit() == tail.capacity()) {
                tail = pool.acquire();
                if (tail == null) {
                    return false;
                }
                addChunk(tail);
            }
            int at = tail.limit();
            int n = Math.min(src.remaining(), tail.capacity() - at);
            tail.limit(at + n);
            tail.put(at, src, src.position(), n);
            src.position(src.position() + n);
            pending += n;
        }
        return true;
    }

    /** One gathering write; returns the bytes the channel took. */
    long writeTo(GatheringByteChannel channel) throws IOException {
        int n = Math.min(count, MAX_GATHER);
        long written = n == 1 ? channel.write(chunks[0]) : channel.write(chunks, 0, n);
        pending -= written;
        releaseDrainedChunks();
        return written;
    }

    /** Drops everything queued and returns the chunks to the pool. */
    void clear() {
        for (int i = 0; i < count; i++) {
            pool.release(chunks[i]);
            chunks[i] = null;
        }
        count = 0;
        pending = 0;
    }

    private void addChunk(ByteBuffer chunk) {
        if (count == chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(4, count * 2));
        }
        chunks[count++] = chunk;
    }

    private void releaseDrainedChunks() {
        int drained = 0;
        while (drained < count && !chunks[drained].hasRemaining()) {
            pool.release(chunks[drained]);
            drained++;
        }
        if (drained > 0) {
            System.arraycopy(chunks, drained, chunks, 0, count - drained);
            Arrays.fill(chunks, count - drained, count, null);
            count -= drained;
        }
    }
}
