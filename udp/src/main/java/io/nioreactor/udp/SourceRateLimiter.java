package io.nioreactor.udp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: each source may send {@code ratePerSecond} datagrams a
 * second, with bursts of up to one second's worth. Memory stays bounded whatever the sources
 * (spoofed ones included): idle buckets are swept out, and once {@code maxSources} are tracked
 * a new source is limited until room frees up. Loop thread only.
 */
final class SourceRateLimiter {

    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final double ratePerNano;
    private final double capacity;
    private final int maxSources;
    private final LongSupplier clock;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();
    private long nextSweepNanos;

    SourceRateLimiter(int ratePerSecond, int maxSources, LongSupplier clock) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("ratePerSecond must be at least 1, was " + ratePerSecond);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = ratePerSecond;
        this.maxSources = maxSources;
        this.clock = clock;
        this.nextSweepNanos = clock.getAsLong() + SWEEP_INTERVAL_NANOS;
    }

    /** @return whether a datagram from {@code source} may be answered now */
    boolean tryAcquire(InetAddress source) {
        long now = clock.getAsLong();
        if (now - nextSweepNanos >= 0) {
            sweep(now);
        }
        Bucket bucket = buckets.get(source);
        if (bucket == null) {
            if (buckets.size() >= maxSources) {
                return false;
            }
            bucket = new Bucket(capacity, now);
            buckets.put(source, bucket);
        }
        bucket.refill(now, ratePerNano, capacity);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return true;
        }
        return false;
    }

    int trackedSources() {
        return buckets.size();
    }

    /** Forgets sources whose bucket has refilled: they have been quiet for a second or more. */
    private void sweep(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            bucket.refill(now, ratePerNano, capacity);
            if (bucket.tokens >= capacity) {
                it.remove();
            }
        }
        nextSweepNanos = now + SWEEP_INTERVAL_NANOS;
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }

        void refill(long now, double ratePerNano, double capacity) {
            tokens = Math.min(capacity, tokens + (now - lastNanos) * ratePerNano);
            lastNanos = now;
        }
    }
}
