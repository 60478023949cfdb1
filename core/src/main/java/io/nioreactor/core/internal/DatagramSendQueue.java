package io.nioreactor.core.internal;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Datagrams the socket did not take at once, bounded by count and by bytes, and by the loop's
 * send budget, which every queued byte counts toward. Only used while the kernel's send buffer
 * is full, so the copy per queued datagram is off the steady path. Loop thread only.
 */
final class DatagramSendQueue {

    private final int maxDatagrams;
    private final long maxBytes;
    private final SendBudget budget;
    private final Counter allocationFailures;
    private final ArrayDeque<ByteBuffer> payloads = new ArrayDeque<>();
    private final ArrayDeque<SocketAddress> targets = new ArrayDeque<>();
    private long bytes;

    DatagramSendQueue(int maxDatagrams, long maxBytes, SendBudget budget, Counter allocationFailures) {
        this.maxDatagrams = maxDatagrams;
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.allocationFailures = allocationFailures;
    }

    boolean isEmpty() {
        return payloads.isEmpty();
    }

    int size() {
        return payloads.size();
    }

    /**
     * Copies the datagram in; {@code false}, taking nothing, if that would pass a bound, if the
     * loop's send budget is spent, or if the JVM has no memory for the copy (counted).
     */
    boolean offer(ByteBuffer data, SocketAddress target) {
        int length = data.remaining();
        if (payloads.size() >= maxDatagrams || bytes + length > maxBytes || budget.exhausted()) {
            return false;
        }
        ByteBuffer copy;
        try {
            copy = ByteBuffer.allocate(length);
        } catch (OutOfMemoryError e) {
            allocationFailures.increment(); // a buffer we asked for: drop this datagram, go on
            return false;
        }
        copy.put(data).flip();
        payloads.addLast(copy);
        targets.addLast(target);
        bytes += length;
        budget.add(length);
        return true;
    }

    ByteBuffer peekPayload() {
        return payloads.peekFirst();
    }

    SocketAddress peekTarget() {
        return targets.peekFirst();
    }

    void removeFirst() {
        int length = payloads.removeFirst().capacity();
        bytes -= length;
        budget.remove(length);
        targets.removeFirst();
    }

    /** Drops everything; returns how many datagrams were dropped. */
    int clear() {
        int dropped = payloads.size();
        payloads.clear();
        targets.clear();
        budget.remove(bytes);
        bytes = 0;
        return dropped;
    }
}
