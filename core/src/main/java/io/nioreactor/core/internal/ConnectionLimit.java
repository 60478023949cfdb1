package io.nioreactor.core.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections open on one server, against its {@code maxConnections}. Shared by every
 * listener of a group's server, whose connections live on different loops: taken on the
 * accepting loop, given back on the loop where the connection closed. Any thread.
 */
public final class ConnectionLimit {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param max the connections allowed open at once
     */
    public ConnectionLimit(int max) {
        this.max = max;
    }

    /** @return {@code true} if one more connection may open (it is then counted) */
    boolean tryAcquire() {
        int now;
        do {
            now = open.get();
            if (now >= max) {
                return false;
            }
        } while (!open.compareAndSet(now, now + 1));
        return true;
    }

    /** A counted connection closed, or was never opened after all. */
    void release() {
        open.decrementAndGet();
    }

    /** @return the connections counted open now */
    public int open() {
        return open.get();
    }
}
