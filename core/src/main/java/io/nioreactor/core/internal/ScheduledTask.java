package io.nioreactor.core.internal;

import io.nioreactor.core.Cancellable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A task with a deadline in the loop's {@link TimerQueue}.
 *
 * <p>The loop's own timers (idle, connect timeout, accept back-off) keep one instance each and
 * re-arm it, so a busy connection schedules nothing per read.
 *
 * <p>Its state moves once, atomically, from pending to either ran or cancelled: a task that ran
 * cannot be cancelled, a cancelled one never runs, and of two threads cancelling at once exactly
 * one wins.
 */
public final class ScheduledTask implements Cancellable {

    private static final int PENDING = 0;
    private static final int RAN = 1;
    private static final int CANCELLED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ScheduledTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopTimers timers;
    private final Runnable action;
    /** 0 for a one-shot task; above 0 a fixed rate, below 0 a fixed delay, in nanoseconds. */
    final long periodNanos;
    private volatile int state;

    // Owned by the loop thread.
    long deadlineNanos;
    long sequence;
    int heapIndex = -1;

    ScheduledTask(LoopTimers timers, Runnable action) {
        this(timers, action, 0);
    }

    ScheduledTask(LoopTimers timers, Runnable action, long periodNanos) {
        this.timers = timers;
        this.action = action;
        this.periodNanos = periodNanos;
    }

    Runnable action() {
        return action;
    }

    boolean isQueued() {
        return heapIndex >= 0;
    }

    /**
     * Loop thread: claims the task for running; {@code false} if it was cancelled (or ran). A
     * periodic task stays pending while it runs, so a cancel from inside it (or from another
     * thread meanwhile) wins and no further run is queued.
     */
    boolean startRunning() {
        return periodNanos != 0 ? state == PENDING : STATE.compareAndSet(this, PENDING, RAN);
    }

    boolean isPeriodic() {
        return periodNanos != 0;
    }

    /** Loop thread: one of the loop's own timers, armed again after it ran. */
    void rearm() {
        state = PENDING;
    }

    @Override
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        timers.cancelled(this);
        return true;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }
}
