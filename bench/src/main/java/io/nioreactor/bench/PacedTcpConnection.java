package io.nioreactor.bench;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import java.nio.ByteBuffer;

/**
 * One connection of an open-loop TCP load: it sends the bursts the {@link Pacer} says are due,
 * whatever has come back, and times each echo from when its message was due. The echo comes back
 * in order, so the due times wait in a ring, one per message in flight; when the ring is full (the
 * server has not answered two seconds' worth) the next bursts wait, still stamped with their due
 * time. Every echoed byte is checked. Loop thread only.
 */
final class PacedTcpConnection implements ConnectionHandler, Pacer.PacedStream {

    /** Written at once at most; more due at once goes in several writes. */
    private static final int BATCH_BYTES = 64 * 1024;

    private final int id;
    private final int depth;
    private final int size;
    private final Measurement measurement;
    private final long[] dueAt;
    private final int mask;
    private final ByteBuffer batch;
    private final ByteBuffer pattern = Payload.view();
    private Pacer pacer;
    private Connection connection;
    private long burstsDue;
    private long burstsSent;
    private long sent;
    private long received;
    private int offset;
    private boolean corrupt;

    PacedTcpConnection(int id, int depth, int size, int capacity, Measurement measurement) {
        this.id = id;
        this.depth = depth;
        this.size = size;
        this.measurement = measurement;
        this.dueAt = new long[capacity];
        this.mask = capacity - 1;
        this.batch = ByteBuffer.allocateDirect(Math.max(BATCH_BYTES, size));
    }

    void pacedBy(Pacer pacer) {
        this.pacer = pacer;
    }

    @Override
    public void onOpen(Connection c) {
        connection = c;
    }

    @Override
    public void burstDue() {
        burstsDue++;
    }

    @Override
    public void sendDue(long now) {
        long upTo = Math.min(burstsDue, burstsSent + Pacer.MAX_BURSTS_AT_ONCE);
        while (burstsSent < upTo && dueAt.length - (sent - received) >= depth && connection.isOpen()) {
            long due = pacer.dueTime(pacer.burstOf(id, burstsSent));
            for (int i = 0; i < depth; i++) {
                if (batch.remaining() < size) {
                    flush();
                }
                Payload.fill(batch, pattern, id, sent, size);
                dueAt[(int) (sent & mask)] = due;
                sent++;
            }
            burstsSent++;
            measurement.sent(depth, now - due);
        }
        flush();
    }

    private void flush() {
        if (batch.position() == 0) {
            return;
        }
        batch.flip();
        if (!connection.write(batch)) { // what the socket does not take at once is queued (copied)
            measurement.error();
        }
        batch.clear();
    }

    @Override
    public void recordUnanswered(long end) {
        for (long m = received; m < sent; m++) {
            measurement.unanswered(end - dueAt[(int) (m & mask)]);
        }
        pacer.recordWaiting(id, burstsSent, burstsDue, end);
    }

    @Override
    public void onRead(Connection c, ByteBuffer data) {
        long now = System.nanoTime();
        while (data.hasRemaining()) {
            int n = Math.min(data.remaining(), size - offset);
            if (!Payload.matches(data, pattern, id, received, offset, n)) {
                corrupt = true;
            }
            offset += n;
            if (offset == size) {
                if (corrupt) {
                    measurement.error();
                } else {
                    measurement.completed(now - dueAt[(int) (received & mask)]);
                }
                received++;
                offset = 0;
                corrupt = false;
            }
        }
    }

    @Override
    public void onReadComplete(Connection c) {
        if (burstsSent < burstsDue && !measurement.stopped()) {
            sendDue(System.nanoTime()); // bursts that waited for room in the ring
        }
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        if (!measurement.stopped()) {
            measurement.error(); // the server dropped a connection mid-run
        }
    }
}
