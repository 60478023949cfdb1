package io.nioreactor.core.internal;

import java.util.concurrent.TimeUnit;

/**
 * Lets a recurring log line through at most once per interval and counts what it held back,
 * so a failure that repeats per datagram or per iteration cannot flood the log. Loop thread only.
 */
final class LogThrottle {

    private final long intervalNanos;
    private long lastNanos;
    private boolean logged;
    private long suppressed;

    LogThrottle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    /** @return whether to log now; if so, {@link #suppressed()} tells how many were skipped */
    boolean allow() {
        long now = System.nanoTime();
        if (!logged || now - lastNanos >= intervalNanos) {
            logged = true;
            lastNanos = now;
            return true;
        }
        suppressed++;
        return false;
    }

    /** @return the occurrences held back since the last allowed one, resetting the count */
    long suppressed() {
        long n = suppressed;
        suppressed = 0;
        return n;
    }
}
