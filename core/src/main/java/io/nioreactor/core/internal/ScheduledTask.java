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
 * <p>Its state moves atomically. A one-shot task goes from pending to either ran or cancelled:
 * a task that ran cannot be cancelled, a cancelled one never runs, and of two threads cancelling
 * at once exactly one wins. A periodic task goes from pending to running (the loop claims each
 * run with a compare-and-set, so a cancel cannot slip between the claim and the run), then to
 * waiting between runs, until it is cancelled: a cancel before its first run answers
 * {@code true} and it never runs; a cancel once it has run (or while it runs) stops the runs
 * after it and answers {@code false}, as it cancelled no task that had not run.
 */
final class ScheduledTask implements Cancellable {

    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    /** A periodic task between two runs, having run. */
    private static final int WAITING = 2;
    /** A one-shot task that ran. */
    private static final int RAN = 3;
    private static final int CANCELLED = 4;
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
     * Loop thread: claims the task for its run, atomically against {@link #cancel}; {@code false}
     * if it was cancelled (or, one-shot, ran already).
     */
    boolean startRunning() {
        if (periodNanos == 0) {
            return STATE.compareAndSet(this, PENDING, RAN);
        }
        return STATE.compareAndSet(this, PENDING, RUNNING) || STATE.compareAndSet(this, WAITING, RUNNING);
    }

    /** Loop thread: a periodic run has ended; {@code true} if the task is to run again (not cancelled meanwhile). */
    boolean finishRun() {
        return STATE.compareAndSet(this, RUNNING, WAITING);
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
        while (true) {
            int now = state;
            if (now == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                    timers.cancelled(this);
                    return true;
                }
            } else if (now == RUNNING || now == WAITING) {
                if (STATE.compareAndSet(this, now, CANCELLED)) {
                    if (now == WAITING) {
                        timers.cancelled(this);
                    }
                    return false; // it has run: the runs after it are stopped
                }
            } else {
                return false;
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }
}
