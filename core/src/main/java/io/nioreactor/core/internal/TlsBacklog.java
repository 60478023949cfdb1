package io.nioreactor.core.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Plaintext waiting to go through a TLS engine behind a file being sent, or while the engine
 * takes no data (its delegated tasks running, a renegotiation): the file is read a
 * record's worth at a time, only while the connection is writable, so a large file never sits
 * whole in the outbound queue; writes made meanwhile wait here, copied, so that the stream keeps
 * their order. Loop thread only; empty (and holding nothing) unless a file is being sent.
 */
final class TlsBacklog {

    /** Plaintext per read from a file: one TLS record's worth. */
    static final int FILE_READ_SIZE = 16 * 1024;

    /** Where the backlog's plaintext goes: the engine and the TCP connection below it. */
    interface Sink {
        /** @return whether the connection can take more now (below its high water mark) */
        boolean writable();

        /** Wraps and writes; {@code false} if the connection is closed. */
        boolean write(ByteBuffer plain);
    }

    /** A file region on its way; {@code done} completes with the bytes sent. */
    private static final class FileRegion {
        final FileChannel file;
        final long end;
        long position;
        final long count;
        final CompletableFuture<Long> done;

        FileRegion(FileChannel file, long position, long count, CompletableFuture<Long> done) {
            this.file = file;
            this.position = position;
            this.end = position + count;
            this.count = count;
            this.done = done;
        }
    }

    private final ArrayDeque<Object> waiting = new ArrayDeque<>(2);
    private ByteBuffer fileBuffer;

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    void addFile(FileChannel file, long position, long count, CompletableFuture<Long> done) {
        waiting.add(new FileRegion(file, position, count, done));
    }

    /** A write behind a file: copied, as the caller may reuse its buffer. */
    void addWrite(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        waiting.add(copy);
    }

    /** @return the plaintext bytes of writes held (files not counted) */
    long heldBytes() {
        long held = 0;
        for (Object item : waiting) {
            if (item instanceof ByteBuffer) {
                held += ((ByteBuffer) item).remaining();
            }
        }
        return held;
    }

    /**
     * Sends what it can while the connection is writable.
     *
     * @return {@code false} if the connection closed, or a file ended early (then the stream has
     *         a hole: the caller resets the connection)
     */
    boolean pump(Sink sink) {
        while (!waiting.isEmpty() && sink.writable()) {
            Object head = waiting.peek();
            if (head instanceof ByteBuffer) {
                if (!sink.write((ByteBuffer) head)) {
                    return false;
                }
                if (((ByteBuffer) head).hasRemaining()) {
                    return true; // the engine takes no data now: again once it does
                }
                waiting.poll();
                continue;
            }
            FileRegion region = (FileRegion) head;
            if (region.position == region.end) {
                waiting.poll();
                region.done.complete(region.count);
                continue;
            }
            if (fileBuffer == null) {
                fileBuffer = ByteBuffer.allocate(FILE_READ_SIZE);
            }
            fileBuffer.clear().limit((int) Math.min(FILE_READ_SIZE, region.end - region.position));
            int n;
            try {
                n = region.file.read(fileBuffer, region.position);
                if (n < 0) {
                    throw new EOFException("the file ended " + (region.end - region.position)
                            + " bytes before the region did");
                }
            } catch (IOException e) {
                waiting.poll();
                region.done.completeExceptionally(e);
                return false;
            }
            region.position += n;
            fileBuffer.flip();
            if (!sink.write(fileBuffer)) {
                return false;
            }
        }
        if (waiting.isEmpty()) {
            fileBuffer = null; // an idle connection holds nothing
        }
        return true;
    }

    /** The connection closed: the files not sent fail with the cause. */
    void fail(Throwable cause) {
        for (Object item : waiting) {
            if (item instanceof FileRegion) {
                ((FileRegion) item).done.completeExceptionally(cause);
            }
        }
        waiting.clear();
        fileBuffer = null;
    }
}
