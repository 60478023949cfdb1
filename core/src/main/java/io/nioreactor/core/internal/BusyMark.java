package io.nioreactor.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * When the loop's current iteration began to be busy, or that it is waiting in select: written by
 * the loop thread at each edge with a release store (a plain store on x86: nothing the loop pays
 * for), read by the watchdog's thread.
 */
final class BusyMark {

    /** In select: not busy. */
    static final long IDLE = Long.MIN_VALUE;
    private static final VarHandle SINCE;

    static {
        try {
            SINCE = MethodHandles.lookup().findVarHandle(BusyMark.class, "since", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through SINCE
    private long since = IDLE;

    /** Loop thread: the iteration's busy part began at {@code nanos}. */
    void began(long nanos) {
        SINCE.setRelease(this, nanos);
    }

    /** Loop thread: it waits in select. */
    void idle() {
        SINCE.setRelease(this, IDLE);
    }

    /** Any thread: when the busy part began, or {@link #IDLE}. */
    long since() {
        return (long) SINCE.getAcquire(this);
    }
}
