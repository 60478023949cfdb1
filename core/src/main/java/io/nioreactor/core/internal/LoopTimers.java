package io.nioreactor.core.internal;

import io.nioreactor.core.Cancellable;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop's timers: the users' scheduled tasks and the loop's own timers (idle, connect timeout,
 * accept back-off, shutdown deadline), which keep one {@link ScheduledTask} each and re-arm it.
 * The queue itself is touched by the loop thread only; other threads schedule and cancel
 * through a task on the loop.
 */
final class LoopTimers {

    private static final Logger log = LoggerFactory.getLogger(LoopTimers.class);

    /** Timers run per iteration at most, so a flood of timers cannot starve I/O. */
    static final int MAX_PER_ITERATION = 1024;

    private final LoopCore loop;
    private final TimerQueue queue = new TimerQueue();

    LoopTimers(LoopCore loop) {
        this.loop = loop;
    }

    /**
     * Any thread: runs {@code task} on the loop after {@code delay}.
     *
     * @throws RejectedExecutionException once the loop has terminated
     */
    Cancellable schedule(Runnable task, Duration delay) {
        return schedule(task, delay, 0);
    }

    /**
     * Any thread: runs {@code task} on the loop after {@code initialDelay}, then again every
     * {@code period} from the first deadline (fixed rate) or {@code period} after each run ends
     * (fixed delay), until cancelled.
     */
    Cancellable schedulePeriodic(Runnable task, Duration initialDelay, Duration period, boolean fixedRate) {
        long periodNanos = Durations.delayNanos(period);
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be above zero: " + period);
        }
        return schedule(task, initialDelay, fixedRate ? periodNanos : -periodNanos);
    }

    private Cancellable schedule(Runnable task, Duration delay, long periodNanos) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        long deadline = System.nanoTime() + Durations.delayNanos(delay);
        ScheduledTask scheduled = new ScheduledTask(this, task, periodNanos);
        if (loop.inEventLoop()) {
            if (loop.isTerminated()) {
                throw new RejectedExecutionException("loop " + loop.name() + " has terminated");
            }
            queue.add(scheduled, deadline);
        } else {
            loop.execute(() -> {
                if (!scheduled.isCancelled()) {
                    queue.add(scheduled, deadline);
                }
            });
        }
        return scheduled;
    }

    /** A timer of the loop's own, armed and re-armed with {@link #arm}. */
    ScheduledTask newTimer(Runnable action) {
        return new ScheduledTask(this, action);
    }

    void arm(ScheduledTask timer, long deadlineNanos) {
        timer.rearm();
        queue.add(timer, deadlineNanos);
    }

    void disarm(ScheduledTask timer) {
        queue.remove(timer);
    }

    /** Any thread: removes a cancelled task from the queue. */
    void cancelled(ScheduledTask timer) {
        if (loop.inEventLoop()) {
            queue.remove(timer);
        } else if (!loop.isTerminated()) {
            try {
                loop.execute(() -> queue.remove(timer));
            } catch (RejectedExecutionException e) {
                log.debug("loop {} terminated before a cancelled timer was removed", loop.name());
            }
        }
    }

    /** @return the earliest deadline, or {@link Long#MAX_VALUE} when none is armed */
    long nextDeadline() {
        return queue.nextDeadline();
    }

    /** Runs the expired timers through {@code runner}, a bounded number per call. */
    void runExpired(Consumer<Runnable> runner) {
        long now = System.nanoTime();
        for (int i = 0; i < MAX_PER_ITERATION; i++) {
            ScheduledTask timer = queue.pollExpired(now);
            if (timer == null) {
                return;
            }
            if (timer.startRunning()) {
                runner.accept(timer.action());
                if (timer.isPeriodic() && timer.finishRun()) { // not cancelled meanwhile
                    queue.add(timer, nextDeadline(timer));
                }
            }
        }
    }

    /**
     * Fixed rate: the next multiple of the period after the last deadline that is still ahead,
     * so no drift accumulates and missed ticks are skipped, not run in a burst. Fixed delay: the
     * delay from now, after the run.
     */
    private static long nextDeadline(ScheduledTask timer) {
        long period = timer.periodNanos;
        if (period < 0) {
            return System.nanoTime() - period;
        }
        long next = timer.deadlineNanos + period;
        long now = System.nanoTime();
        if (next - now <= 0) {
            next += ((now - next) / period + 1) * period;
        }
        return next;
    }

    /** The loop has ended: no timer will run. */
    void clear() {
        queue.clear();
    }
}
