package io.nioreactor.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The greatest value recorded over a sliding window, kept in six buckets of a sixth of the window
 * each: recording is a compare and, once per bucket, a rotation; reading takes the buckets that end
 * within the window, so it covers the last window to a sixth of it. One writer (the loop thread),
 * any number of readers, which see recent untorn values.
 */
final class RecentMax {

    private static final int BUCKETS = 6;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long windowNanos;
    private final long bucketNanos;
    private final long[] max = new long[BUCKETS];
    private final long[] start = new long[BUCKETS];
    private int current;

    RecentMax(long windowNanos, long nowNanos) {
        this.windowNanos = windowNanos;
        this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
        for (int i = 0; i < BUCKETS; i++) {
            start[i] = nowNanos - windowNanos - bucketNanos; // out of the window until used
        }
        SLOT.setRelease(start, 0, nowNanos);
    }

    /** Loop thread: records {@code value}, measured at {@code nowNanos}. */
    void record(long value, long nowNanos) {
        if (nowNanos - (long) SLOT.getOpaque(start, current) >= bucketNanos) {
            current = (current + 1) % BUCKETS;
            SLOT.setOpaque(max, current, 0L);
            SLOT.setRelease(start, current, nowNanos); // after the reset: a reader of the new start sees it
        }
        if (value > (long) SLOT.getOpaque(max, current)) {
            SLOT.setOpaque(max, current, value);
        }
    }

    /** Any thread: the greatest value recorded in the buckets that end within the window before {@code nowNanos}. */
    long get(long nowNanos) {
        long greatest = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long bucketEnd = (long) SLOT.getAcquire(start, i) + bucketNanos; // then its max: never an older one
            if (nowNanos - bucketEnd < windowNanos) {
                greatest = Math.max(greatest, (long) SLOT.getOpaque(max, i));
            }
        }
        return greatest;
    }
}
