package io.nioreactor.bench;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.UdpEndpoint;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One socket of an open-loop UDP load: it sends the bursts the {@link Pacer} says are due and
 * times each echo from when its datagram was due. A datagram carries its slot and sequence number
 * (as in the closed loop, {@link UdpLoad#HEADER}); a slot is free again once its echo is back or it
 * is counted lost (no echo within the loss timeout). When every slot is in flight (two seconds'
 * worth), the next bursts wait, still stamped with their due time. Every echoed byte is checked.
 * Loop thread only.
 */
final class PacedUdpSocket implements DatagramHandler, Pacer.PacedStream {

    private final int id;
    private final int depth;
    private final int size;
    private final SocketAddress target;
    private final long lossTimeoutNanos;
    private final Measurement measurement;
    private final long[] slotSequence;
    private final long[] slotDueAt;
    private final long[] slotSentAt;
    private final int[] freeSlots;
    private int freeCount;
    private final ByteBuffer out;
    private final ByteBuffer pattern = Payload.view();
    private Pacer pacer;
    UdpEndpoint endpoint;
    private long nextSequence;
    private long burstsDue;
    private long burstsSent;

    PacedUdpSocket(int id, int depth, int size, int capacity, SocketAddress target, long lossTimeoutNanos,
            Measurement measurement) {
        this.id = id;
        this.depth = depth;
        this.size = size;
        this.target = target;
        this.lossTimeoutNanos = lossTimeoutNanos;
        this.measurement = measurement;
        this.slotSequence = new long[capacity];
        this.slotDueAt = new long[capacity];
        this.slotSentAt = new long[capacity];
        this.freeSlots = new int[capacity];
        for (int slot = capacity - 1; slot >= 0; slot--) {
            slotSequence[slot] = -1;
            freeSlots[freeCount++] = slot;
        }
        this.out = ByteBuffer.allocateDirect(size);
    }

    void pacedBy(Pacer pacer) {
        this.pacer = pacer;
    }

    @Override
    public void burstDue() {
        burstsDue++;
    }

    @Override
    public void sendDue(long now) {
        long upTo = Math.min(burstsDue, burstsSent + Pacer.MAX_BURSTS_AT_ONCE);
        while (burstsSent < upTo && freeCount >= depth) {
            long due = pacer.dueTime(pacer.burstOf(id, burstsSent));
            for (int i = 0; i < depth; i++) {
                send(freeSlots[--freeCount], due, now);
            }
            burstsSent++;
            measurement.sent(depth, now - due);
        }
    }

    private void send(int slot, long due, long now) {
        long sequence = nextSequence++;
        slotSequence[slot] = sequence;
        slotDueAt[slot] = due;
        slotSentAt[slot] = now;
        out.clear();
        out.putInt(slot).putLong(sequence);
        Payload.fill(out, pattern, id, sequence, size - UdpLoad.HEADER);
        out.flip();
        if (!endpoint.send(out, target)) {
            measurement.error();
        }
    }

    @Override
    public void onDatagram(UdpEndpoint ep, ByteBuffer data, SocketAddress sender) {
        long now = System.nanoTime();
        if (data.remaining() != size) {
            measurement.error();
            return;
        }
        int slot = data.getInt();
        long sequence = data.getLong();
        if (slot < 0 || slot >= slotSequence.length || sequence < 0 || sequence >= nextSequence) {
            measurement.error(); // a header no datagram of ours carried
            return;
        }
        if (slotSequence[slot] != sequence) {
            return; // a late echo of a datagram already counted lost
        }
        slotSequence[slot] = -1;
        freeSlots[freeCount++] = slot;
        if (Payload.matches(data, pattern, id, sequence, 0, size - UdpLoad.HEADER)) {
            measurement.completed(now - slotDueAt[slot]);
        } else {
            measurement.error();
        }
    }

    @Override
    public void onReceiveComplete(UdpEndpoint ep) {
        if (burstsSent < burstsDue && !measurement.stopped()) {
            sendDue(System.nanoTime()); // bursts that waited for a free slot
        }
    }

    /**
     * Counts as lost, and frees, the slots whose datagram has had no echo within the loss
     * timeout; each is recorded as a round trip of what it waited until found lost (at least the
     * timeout), so that dropping datagrams cannot make a server's latency look better.
     */
    void freeLost(long now) {
        for (int slot = 0; slot < slotSequence.length; slot++) {
            if (slotSequence[slot] >= 0 && now - slotSentAt[slot] > lossTimeoutNanos) {
                slotSequence[slot] = -1;
                freeSlots[freeCount++] = slot;
                measurement.lost();
                measurement.unanswered(now - slotDueAt[slot]);
            }
        }
    }

    @Override
    public void recordUnanswered(long end) {
        for (int slot = 0; slot < slotSequence.length; slot++) {
            if (slotSequence[slot] >= 0) {
                measurement.unanswered(end - slotDueAt[slot]);
            }
        }
        pacer.recordWaiting(id, burstsSent, burstsDue, end);
    }
}
