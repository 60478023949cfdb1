package io.nioreactor.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter with a single writer (the loop thread) and any number of readers.
 *
 * <p>The writer reads its own plain value and publishes with an opaque store: no lock, no
 * read-modify-write instruction, no fence on the hot path. Readers get a recent, untorn value.
 */
final class Counter {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long value;

    /** Adds one. Loop thread only. */
    void increment() {
        VALUE.setOpaque(this, value + 1);
    }

    /**
     * Adds {@code delta}. Loop thread only.
     *
     * @param delta the amount to add, may be negative
     */
    void add(long delta) {
        VALUE.setOpaque(this, value + delta);
    }

    /**
     * Any thread.
     *
     * @return a recent value
     */
    long get() {
        return (long) VALUE.getOpaque(this);
    }
}
