package io.nioreactor.core.internal;

import java.nio.ByteBuffer;

/**
 * Writes from threads other than the connection's loop: the bytes are copied at once (the
 * caller may reuse its buffer), counted toward the connection's water marks and the loop's
 * budget from that moment, and handed to the loop, which writes them in the order of the calls.
 * A copy that reaches the loop after its connection closed is counted as dropped. Any thread.
 */
final class OffLoopWrites {

    private OffLoopWrites() {
    }

    /** @return {@code true} if the loop took the copy; {@code false}, {@code data} untouched, if closed or out of memory */
    static boolean write(ConnectionDriver connection, ByteBuffer data) {
        OutboundBuffer outbound = connection.outbound;
        if (!connection.state().acceptsWrites()) {
            return false;
        }
        int length = data.remaining();
        ByteBuffer copy;
        try {
            copy = ByteBuffer.allocate(length);
        } catch (OutOfMemoryError e) {
            return false; // a buffer we asked for: the caller keeps its data and may retry
        }
        copy.put(data.duplicate()).flip();
        boolean toldToStop = outbound.reserveOffLoop(length);
        if (!connection.loop.executeUnlessTerminated(() -> arrived(connection, copy, length, toldToStop))) {
            outbound.cancelOffLoop(length);
            return false;
        }
        data.position(data.limit());
        return true;
    }

    /** The buffers copied into one, in order, handed over as one write. */
    static boolean write(ConnectionDriver connection, ByteBuffer[] data) {
        long total = 0;
        for (ByteBuffer buffer : data) {
            total += buffer.remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a gathering write of " + total + " bytes from another thread");
        }
        ByteBuffer joined;
        try {
            joined = ByteBuffer.allocate((int) total);
        } catch (OutOfMemoryError e) {
            return false;
        }
        for (ByteBuffer buffer : data) {
            joined.put(buffer.duplicate());
        }
        if (!write(connection, joined.flip())) {
            return false;
        }
        for (ByteBuffer buffer : data) {
            buffer.position(buffer.limit());
        }
        return true;
    }

    private static void arrived(ConnectionDriver connection, ByteBuffer copy, int length, boolean writerToldToStop) {
        connection.outbound.offLoopArrived(length, writerToldToStop);
        connection.connection.writeArrived(copy);
        connection.outbound.settle(); // the writer that saw isWritable() false hears onWritable
    }
}
