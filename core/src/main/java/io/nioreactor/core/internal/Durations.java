package io.nioreactor.core.internal;

import java.time.Duration;

/** Duration helpers for timers and messages. */
final class Durations {

    private Durations() {
    }

    /** Nanoseconds of a non-negative delay; a delay too long for a long waits practically forever. */
    static long delayNanos(Duration delay) {
        if (delay == null) {
            throw new NullPointerException("delay");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        try {
            return delay.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** {@code 10 s}, {@code 300 ms}: for messages. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }
}
