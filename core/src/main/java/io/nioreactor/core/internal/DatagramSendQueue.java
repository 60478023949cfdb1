package io.nioreactor.core.internal;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Datagrams the socket did not take at once, bounded by count and by bytes. Only used while
 * the kernel's send buffer is full, so the copy per queued datagram is off the steady path.
 * Loop thread only.
 */
final class DatagramSendQueue {

    private final int maxDatagrams;
    private final long maxBytes;
    private final ArrayDeque<ByteBuffer> payloads = new ArrayDeque<>();
    private final ArrayDeque<SocketAddress> targets = new ArrayDeque<>();
    private long bytes;

    DatagramSendQueue(int maxDatagrams, long maxBytes) {
        this.maxDatagrams = maxDatagrams;
        this.maxBytes = maxBytes;
    }

    boolean isEmpty() {
        return payloads.isEmpty();
    }

    int size() {
        return payloads.size();
    }

    /** Copies the datagram in; {@code false}, taking nothing, if that would pass a bound. */
    boolean offer(ByteBuffer data, SocketAddress target) {
        int length = data.remaining();
        if (payloads.size() >= maxDatagrams || bytes + length > maxBytes) {
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(length).put(data).flip();
        payloads.addLast(copy);
        targets.addLast(target);
        bytes += length;
        return true;
    }

    ByteBuffer peekPayload() {
        return payloads.peekFirst();
    }

    SocketAddress peekTarget() {
        return targets.peekFirst();
    }

    void removeFirst() {
        bytes -= payloads.removeFirst().capacity();
        targets.removeFirst();
    }

    /** Drops everything; returns how many datagrams were dropped. */
    int clear() {
        int dropped = payloads.size();
        payloads.clear();
        targets.clear();
        bytes = 0;
        return dropped;
    }
}
