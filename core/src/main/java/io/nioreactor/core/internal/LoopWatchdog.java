package io.nioreactor.core.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Reports a loop blocked: an iteration busy past the threshold, because a handler, task or timer
 * blocks or runs long, while every other channel of the loop waits. Vert.x's blocked-thread checker
 * is the model. One daemon thread for the whole JVM looks at each watched loop every half
 * threshold; the loop only marks the edges of its iterations ({@link BusyMark}). An episode (one
 * iteration) is counted once, in {@link io.nioreactor.core.LoopMetrics#blockedIterations()}, and
 * logged at WARN with the time so far and the loop thread's stack at that moment, at most one line
 * per loop every ten seconds (with the count of those not logged). Reporting takes the loop
 * thread's stack, which briefly stops it: only a loop already blocked pays that.
 */
final class LoopWatchdog implements Runnable {

    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Thread loopThread;
    private final String loopName;
    private final BusyMark busy;
    private final Counter blocked;
    private final long thresholdNanos;
    private final Logger log;
    private final LogThrottle throttle = new LogThrottle(LOG_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
    private final ScheduledFuture<?> checks;
    /** The busy mark of the last episode reported: the same iteration is not counted twice. */
    private long reportedSince = BusyMark.IDLE;

    private LoopWatchdog(Thread loopThread, String loopName, BusyMark busy, Counter blocked, long thresholdNanos,
            Logger log) {
        this.loopThread = loopThread;
        this.loopName = loopName;
        this.busy = busy;
        this.blocked = blocked;
        this.thresholdNanos = thresholdNanos;
        this.log = log;
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), thresholdNanos / 2);
        this.checks = Checker.EXECUTOR.scheduleAtFixedRate(this, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts watching a loop.
     *
     * @return the watchdog, to {@link #stop()} when the loop ends; {@code null} if the threshold is zero (off)
     */
    static LoopWatchdog watch(Thread loopThread, String loopName, BusyMark busy, Counter blocked,
            long thresholdNanos, Logger log) {
        return thresholdNanos <= 0 ? null : new LoopWatchdog(loopThread, loopName, busy, blocked, thresholdNanos, log);
    }

    /** The loop has ended: no more checks. */
    void stop() {
        checks.cancel(false);
    }

    /** One look, on the watchdog's thread. */
    @Override
    public void run() {
        long since = busy.since();
        if (since == BusyMark.IDLE || since == reportedSince) {
            return;
        }
        long busyNanos = System.nanoTime() - since;
        // Read again after the clock: still the same iteration, so it really has run this long.
        if (busyNanos < thresholdNanos || busy.since() != since) {
            return;
        }
        reportedSince = since;
        blocked.increment();
        if (throttle.allow()) {
            LoopBlocked where = new LoopBlocked(loopThread.getStackTrace());
            long notLogged = throttle.suppressed();
            log.warn("loop {} blocked: one iteration has run {} ms, past the blocked threshold of {} ms; a handler,"
                    + " task or timer holds the loop thread and the loop's other channels wait{}; the loop thread"
                    + " is at", loopName, TimeUnit.NANOSECONDS.toMillis(busyNanos),
                    TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
                    notLogged == 0 ? "" : " (" + notLogged + " such episodes since the last line)", where);
        }
    }

    /** The stack of a blocked loop thread, logged as a throwable so that log tools show it as one. */
    static final class LoopBlocked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoopBlocked(StackTraceElement[] stack) {
            super("where the loop thread was", null, false, true);
            setStackTrace(stack);
        }
    }

    /** The one thread that looks at every loop: made at the first loop watched, a daemon. */
    private static final class Checker {
        static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "nioreactor-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }
}
