package io.nioreactor.core.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * Plaintext waiting to go through a TLS engine: files being sent (read a record's worth at a
 * time, only while the outbound queue has room, so a large file never sits whole in memory),
 * and writes made behind a file or while the engine takes no data (its delegated tasks running,
 * a renegotiation), copied so that the stream keeps their order. What it holds is counted by
 * the connection's {@link OutboundBuffer} as held bytes, from the moment it is added until it has
 * gone into the engine: pending, under the water marks and the loop's budget. Loop thread only;
 * made only while something waits.
 */
final class TlsBacklog {

    /** Plaintext per read from a file: one TLS record's worth. */
    static final int FILE_READ_SIZE = 16 * 1024;

    private final TlsEngine engine;
    private final OutboundBuffer outbound;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>(2);
    private ByteBuffer fileBuffer;

    TlsBacklog(TlsEngine engine, OutboundBuffer outbound) {
        this.engine = engine;
        this.outbound = outbound;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /**
     * A write behind what waits: copied, as the caller may reuse its buffer.
     *
     * @throws OutOfBufferMemory if the heap has no room for the copy (the connection resets)
     */
    void addWrite(ByteBuffer data) throws OutOfBufferMemory {
        int n = data.remaining();
        ByteBuffer copy;
        try {
            copy = ByteBuffer.allocate(n);
        } catch (OutOfMemoryError e) { // a buffer we asked for, as on the plain path: not a dying JVM
            throw outbound.outOfMemory(true);
        }
        copy.put(data).flip();
        waiting.add(copy);
        outbound.hold(n);
    }

    /** A file region behind what waits. */
    void addFile(OutboundQueue.FileRegion region) {
        waiting.add(region);
        outbound.hold(region.remaining);
    }

    /**
     * Sends on what it can, while the engine takes data and the queue below is at or under its
     * high water mark; what went into the engine is no longer held.
     *
     * @throws IOException if a file cannot be read or ends before its region does (its future
     *         fails first), or the engine closed its output: the stream would have a hole
     */
    void pump() throws IOException {
        long sent = 0;
        try {
            sent = pumpWhileRoom();
        } finally {
            if (sent > 0) {
                outbound.release(sent);
            }
        }
    }

    private long pumpWhileRoom() throws IOException {
        long sent = 0;
        while (!waiting.isEmpty() && !engine.tasksRunning() && outbound.queueHasRoom()) {
            Object head = waiting.peek();
            if (head instanceof ByteBuffer) {
                ByteBuffer write = (ByteBuffer) head;
                int before = write.remaining();
                boolean open = engine.wrap(write, false);
                sent += before - write.remaining();
                if (!open) {
                    throw closedUnderneath();
                }
                if (write.hasRemaining()) {
                    return sent; // the engine takes no data now: again once it does
                }
                waiting.poll();
                continue;
            }
            OutboundQueue.FileRegion region = (OutboundQueue.FileRegion) head;
            if (region.remaining == 0) {
                waiting.poll();
                region.done.complete(region.count);
                continue;
            }
            int n = readFile(region);
            if (!engine.wrap(fileBuffer, false)) {
                throw closedUnderneath();
            }
            sent += n - fileBuffer.remaining();
            if (fileBuffer.hasRemaining()) { // the engine stopped taking data: the rest waits first, as a write
                ByteBuffer rest = ByteBuffer.allocate(fileBuffer.remaining());
                waiting.addFirst(rest.put(fileBuffer).flip());
                return sent;
            }
        }
        if (waiting.isEmpty()) {
            fileBuffer = null; // an idle connection holds nothing
        }
        return sent;
    }

    private static javax.net.ssl.SSLException closedUnderneath() {
        return new javax.net.ssl.SSLException("the TLS engine closed its output with data still to send");
    }

    private int readFile(OutboundQueue.FileRegion region) throws IOException {
        if (fileBuffer == null) {
            fileBuffer = ByteBuffer.allocate(FILE_READ_SIZE);
        }
        fileBuffer.clear().limit((int) Math.min(FILE_READ_SIZE, region.remaining));
        int n;
        try {
            n = region.file.read(fileBuffer, region.position);
            if (n < 0) {
                throw new EOFException("the file ended " + region.remaining + " bytes before the region did");
            }
        } catch (IOException e) {
            waiting.poll();
            region.done.completeExceptionally(e);
            throw e;
        }
        region.position += n;
        region.remaining -= n;
        fileBuffer.flip();
        return n;
    }

    /** The connection closed (its outbound buffer let go of what this held): the files not sent fail with {@code cause}. */
    void fail(Throwable cause) {
        for (Object item : waiting) {
            if (item instanceof OutboundQueue.FileRegion) {
                ((OutboundQueue.FileRegion) item).done.completeExceptionally(
                        cause != null ? cause : new ClosedChannelException());
            }
        }
        waiting.clear();
        fileBuffer = null;
    }
}
