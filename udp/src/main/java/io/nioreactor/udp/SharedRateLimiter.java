package io.nioreactor.udp;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * A {@link SourceRateLimiter} that the handlers of every loop of a group share, so that the
 * limit holds per source address however the kernel spreads that source's datagrams over the
 * loops (it spreads by address and port: one source sending from many ports lands on several).
 *
 * <p>Sources are split over 16 stripes by address, each with its own lock and a sixteenth of
 * the tracked-source bound: a loop holds a lock only for one bucket update, or for sweeping
 * one stripe, and loops rarely wait for each other. Any thread.
 */
final class SharedRateLimiter {

    private static final int STRIPES = 16;

    private final SourceRateLimiter[] stripes = new SourceRateLimiter[STRIPES];

    SharedRateLimiter(int ratePerSecond, int maxSources, LongSupplier clock) {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new SourceRateLimiter(ratePerSecond, Math.max(1, maxSources / STRIPES), clock);
        }
    }

    /** @return whether a datagram from {@code source} may be answered now */
    boolean tryAcquire(InetAddress source) {
        SourceRateLimiter stripe = stripes[Math.floorMod(source.hashCode(), STRIPES)];
        synchronized (stripe) {
            return stripe.tryAcquire(source);
        }
    }
}
