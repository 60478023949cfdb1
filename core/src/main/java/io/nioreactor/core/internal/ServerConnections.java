package io.nioreactor.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one server: how many are open, against its {@code maxConnections}, and
 * whether the server is draining them. Shared by every listener of a group's server, whose
 * connections live on different loops: counted on the accepting loop, given back on the loop
 * where the connection closed. Any thread.
 */
final class ServerConnections {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean listenersClosed;
    private volatile boolean drainTimedOut;

    /**
     * @param max the connections allowed open at once
     */
    ServerConnections(int max) {
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
        if (open.decrementAndGet() == 0 && listenersClosed) {
            drained.complete(null);
        }
    }

    /** @return the connections counted open now */
    int open() {
        return open.get();
    }

    /**
     * From now on every connection of the server drains: those open now once told on their loop,
     * those accepted later as they open. Called before the listeners accept for the last time.
     *
     * @return {@code true} for the one call that begins it
     */
    boolean beginDrain() {
        return draining.compareAndSet(false, true);
    }

    /** The drain's timeout has passed: its connections still open were reset, and one handed off late is too. */
    void markDrainTimedOut() {
        drainTimedOut = true;
    }

    /** @return whether the drain's timeout has passed */
    boolean drainTimedOut() {
        return drainTimedOut;
    }

    /** @return whether the server drains its connections: each closes once quiet */
    boolean draining() {
        return draining.get();
    }

    /**
     * Called once no listener of the server can accept any more: completes {@link #drained()} at
     * once if no connection is open, else the last one to close does.
     */
    void listenersClosed() {
        listenersClosed = true;
        if (open.get() == 0) {
            drained.complete(null);
        }
    }

    /** @return completed once the server drains and its last connection has closed */
    CompletableFuture<Void> drained() {
        return drained;
    }
}
