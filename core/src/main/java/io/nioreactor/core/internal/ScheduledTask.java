package io.nioreactor.core.internal;

import io.nioreactor.core.Cancellable;

/**
 * A task with a deadline in the loop's {@link TimerQueue}.
 *
 * <p>The loop's own timers (idle, connect timeout, accept back-off) keep one instance each and
 * re-arm it, so a busy connection schedules nothing per read.
 */
public final class ScheduledTask implements Cancellable {

    private final LoopCore loop;
    private final Runnable action;
    private volatile boolean cancelled;

    // Owned by the loop thread.
    long deadlineNanos;
    long sequence;
    int heapIndex = -1;

    ScheduledTask(LoopCore loop, Runnable action) {
        this.loop = loop;
        this.action = action;
    }

    Runnable action() {
        return action;
    }

    boolean isQueued() {
        return heapIndex >= 0;
    }

    @Override
    public boolean cancel() {
        if (cancelled) {
            return false;
        }
        cancelled = true;
        loop.removeTimer(this);
        return true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
