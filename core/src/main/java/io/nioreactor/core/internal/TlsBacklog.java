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
 * the connection's {@link OutboundBuffer} as held bytes: pending, under the water marks and the
 * loop's budget. Loop thread only; made only while something waits.
 */
final class TlsBacklog {

    /** Plaintext per read from a file: one TLS record's worth. */
    static final int FILE_READ_SIZE = 16 * 1024;

    /** Where the backlog's plaintext goes: the engine, and the queue below it. */
    interface Sink {
        /** @return whether the queue below is at or under its high water mark and the engine takes data */
        boolean hasRoom();

        /** Wraps what the engine takes of {@code plain} now and queues the records; leaves the rest in it. */
        void wrap(ByteBuffer plain) throws IOException;
    }

    private final ArrayDeque<Object> waiting = new ArrayDeque<>(2);
    private ByteBuffer fileBuffer;

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** A write behind what waits: copied, as the caller may reuse its buffer. @return the bytes now held for it */
    int addWrite(ByteBuffer data) {
        int n = data.remaining();
        ByteBuffer copy = ByteBuffer.allocate(n);
        copy.put(data).flip();
        waiting.add(copy);
        return n;
    }

    /** A file region behind what waits. */
    void addFile(OutboundQueue.FileRegion region) {
        waiting.add(region);
    }

    /**
     * Sends on what it can while the sink has room.
     *
     * @return the plaintext bytes that went into the engine (no longer held here)
     * @throws IOException if a file cannot be read or ends before its region does (its future
     *         fails first): the stream would have a hole
     */
    long pump(Sink sink) throws IOException {
        long sent = 0;
        while (!waiting.isEmpty() && sink.hasRoom()) {
            Object head = waiting.peek();
            if (head instanceof ByteBuffer) {
                ByteBuffer write = (ByteBuffer) head;
                int before = write.remaining();
                sink.wrap(write);
                sent += before - write.remaining();
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
            sink.wrap(fileBuffer);
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

    /**
     * The connection closed: the files not sent fail with {@code cause}.
     *
     * @return the bytes it held, files' unsent bytes included
     */
    long fail(Throwable cause) {
        long held = 0;
        for (Object item : waiting) {
            if (item instanceof ByteBuffer) {
                held += ((ByteBuffer) item).remaining();
            } else {
                OutboundQueue.FileRegion region = (OutboundQueue.FileRegion) item;
                held += region.remaining;
                region.done.completeExceptionally(cause != null ? cause : new ClosedChannelException());
            }
        }
        waiting.clear();
        fileBuffer = null;
        return held;
    }
}
