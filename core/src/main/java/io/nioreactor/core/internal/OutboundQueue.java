package io.nioreactor.core.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The bytes a connection still has to send, in order: pooled direct chunks, flushed with
 * gathering writes, and file regions, sent with {@code transferTo} (sendfile on Linux) without
 * passing through memory of ours. Each chunk holds pending bytes between its position and its
 * limit; appending raises the limit of the last chunk. Every pending byte, a file's included,
 * counts toward the loop's send budget. Loop thread only.
 */
final class OutboundQueue {

    /** How many chunks one gathering write hands the kernel (1 MiB of 16 KiB chunks). */
    private static final int MAX_GATHER = 64;
    /** No array until something is queued: most connections never queue (32 B each saved). */
    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    /** A region of a file waiting to be sent, and whom to tell when it has been. */
    static final class FileRegion {
        final FileChannel file;
        final long count;
        final CompletableFuture<Long> done;
        long position;
        long remaining;
        /** Why it was not sent; {@code null} once sent. */
        Throwable failure;

        FileRegion(FileChannel file, long position, long count, CompletableFuture<Long> done) {
            this.file = file;
            this.position = position;
            this.count = count;
            this.remaining = count;
            this.done = done;
        }
    }

    private final ChunkPool pool;
    private final SendBudget budget;

    /** The items in order: a chunk, or {@code null} where {@link #files} holds a file region. */
    private ByteBuffer[] chunks = NONE;
    /** Parallel to {@link #chunks}; allocated with the first file region. */
    private FileRegion[] files;
    private int count;
    private int fileCount;
    private long pending;
    /** File regions done (sent or dropped) whose futures are yet to complete; made with the first file. */
    private ArrayDeque<FileRegion> finished;

    OutboundQueue(ChunkPool pool, SendBudget budget) {
        this.pool = pool;
        this.budget = budget;
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
            if (tail == null || tail.limit() == tail.capacity()) { // none, a file, or full
                tail = pool.acquire();
                if (tail == null) {
                    return false;
                }
                add(tail, null);
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

    /** Queues a file region (count above zero) after what is queued; its future completes once sent. */
    void appendFile(FileRegion region) {
        if (files == null) {
            files = new FileRegion[chunks.length];
            finished = new ArrayDeque<>(2);
        }
        add(null, region);
        fileCount++;
        pending += region.remaining;
        budget.add(region.remaining);
    }

    /**
     * One write: a gathering write of the chunks before the first file region, or one transfer
     * from that region.
     *
     * @return the bytes the channel took
     * @throws EOFException if a file region reaches past the end of its file
     */
    long writeTo(SocketEndpoint endpoint) throws IOException {
        long written;
        if (count > 0 && chunks[0] == null) {
            written = transferFirstFile(endpoint);
        } else {
            int n = Math.min(leadingChunks(), MAX_GATHER);
            written = endpoint.write(chunks, 0, n);
            pending -= written;
        }
        releaseDrained();
        return written;
    }

    private long transferFirstFile(SocketEndpoint endpoint) throws IOException {
        FileRegion region = files[0];
        long sent;
        try {
            sent = endpoint.transferFrom(region.file, region.position, region.remaining);
        } catch (RuntimeException e) { // a file not opened for reading, say: this region cannot be sent
            throw new IOException("cannot send from the file: " + e, e);
        }
        if (sent == 0 && region.position >= region.file.size()) {
            throw new EOFException("the file ended at " + region.file.size() + " bytes, "
                    + region.remaining + " bytes short of the region to send");
        }
        region.position += sent;
        region.remaining -= sent;
        pending -= sent;
        budget.remove(sent);
        return sent;
    }

    /**
     * Drops everything queued and returns the chunks to the pool; file regions not sent fail
     * with {@code cause}.
     */
    void clear(Throwable cause) {
        for (int i = 0; i < count; i++) {
            if (chunks[i] != null) {
                pool.release(chunks[i]);
                chunks[i] = null;
            } else {
                FileRegion region = files[i];
                files[i] = null;
                budget.remove(region.remaining);
                region.failure = cause;
                finished.add(region);
            }
        }
        count = 0;
        fileCount = 0;
        pending = 0;
    }

    private int leadingChunks() {
        if (fileCount == 0) {
            return count;
        }
        int n = 0;
        while (n < count && chunks[n] != null) {
            n++;
        }
        return n;
    }

    private void add(ByteBuffer chunk, FileRegion region) {
        if (count == chunks.length) {
            int capacity = Math.max(4, count * 2);
            chunks = Arrays.copyOf(chunks, capacity);
            if (files != null) {
                files = Arrays.copyOf(files, capacity);
            }
        } else if (files != null && files.length < chunks.length) {
            files = Arrays.copyOf(files, chunks.length);
        }
        chunks[count] = chunk;
        if (files != null) {
            files[count] = region;
        }
        count++;
    }

    /** Removes the sent items from the head; completes the file regions sent. */
    private void releaseDrained() {
        int drained = 0;
        while (drained < count) {
            ByteBuffer chunk = chunks[drained];
            if (chunk != null) {
                if (chunk.hasRemaining()) {
                    break;
                }
                pool.release(chunk);
            } else if (files[drained].remaining > 0) {
                break;
            }
            drained++;
        }
        if (drained == 0) {
            return;
        }
        if (fileCount > 0) {
            for (int i = 0; i < drained; i++) {
                if (chunks[i] == null) {
                    finished.add(files[i]);
                    fileCount--;
                }
            }
            System.arraycopy(files, drained, files, 0, count - drained);
            Arrays.fill(files, count - drained, count, null);
        }
        System.arraycopy(chunks, drained, chunks, 0, count - drained);
        Arrays.fill(chunks, count - drained, count, null);
        count -= drained;
    }

    /**
     * Completes the futures of the file regions sent or dropped since the last call. The
     * connection calls it once its own state is settled: a completion runs the caller's code,
     * which may write, close or abort.
     */
    void completeFinished() {
        if (finished == null) {
            return;
        }
        FileRegion region;
        while ((region = finished.poll()) != null) {
            if (region.failure == null) {
                region.done.complete(region.count);
            } else {
                region.done.completeExceptionally(region.failure);
            }
        }
    }
}
