package io.nioreactor.core.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Reports a loop blocked: an iteration busy past the threshold, because a handler, task or timer
 * blocks or runs long, while every other channel of the loop waits. Vert.x's blocked-thread checker
 * is the model. One daemon thread for the whole JVM looks at each watched loop every half
 * threshold; the loop only marks the edges of its iterations ({@link BusyMark}). An episode (one
 * iteration) is counted once, in {@link io.nioreactor.core.LoopMetrics#blockedIterations()}, and
 * logged at WARN with the time so far and the loop thread's stack at that moment, at most one line
 * per loop every ten seconds (with the count of those not logged); an episode that goes on is
 * logged again every ten seconds ("still blocked"), not counted again. Reporting takes the loop
 * thread's stack, which briefly stops it: only a loop already blocked pays that.
 *
 * <p>A pause of the whole JVM (a collection, a safepoint) holds the loop too, but no handler is to
 * blame: the checker is held as well and sees the pause as its own lateness, and the part of that
 * lateness that fell within the iteration is not counted against the loop. The excuse is an
 * estimate: the checker is also late when it was busy reporting another loop, or when the host
 * gave it no CPU; a pause shorter than the checker's sleep goes unseen. A log appender that blocks
 * holds the one checker thread, and so every loop's checks, until it returns.
 */
final class LoopWatchdog implements Runnable {

    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Thread loopThread;
    private final String loopName;
    private final BusyMark busy;
    private final Counter blocked;
    private final long thresholdNanos;
    private final long periodNanos;
    private final Logger log;
    private final LogThrottle throttle = new LogThrottle(LOG_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
    private ScheduledFuture<?> checks;
    /** The busy mark of the last episode reported: the same iteration is not counted twice. */
    private long reportedSince = BusyMark.IDLE;
    /** When the episode reported was last logged, for its "still blocked" lines. */
    private long lastLoggedNanos;
    /** The iteration being timed, and how long the checker itself was held while it ran. */
    private long watchedSince = BusyMark.IDLE;
    private long heldWhileWatched;
    private long lastCheckEnded;

    /** A watchdog not scheduled yet: {@link #watch} schedules it; tests call {@link #check} themselves. */
    LoopWatchdog(Thread loopThread, String loopName, BusyMark busy, Counter blocked, long thresholdNanos,
            Logger log) {
        this.loopThread = loopThread;
        this.loopName = loopName;
        this.busy = busy;
        this.blocked = blocked;
        this.thresholdNanos = thresholdNanos;
        this.log = log;
        this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5), thresholdNanos / 2);
        this.lastCheckEnded = System.nanoTime();
    }

    /**
     * Starts watching a loop.
     *
     * @return the watchdog, to {@link #stop()} when the loop ends; {@code null} if the threshold is zero (off)
     */
    static LoopWatchdog watch(Thread loopThread, String loopName, BusyMark busy, Counter blocked,
            long thresholdNanos, Logger log) {
        if (thresholdNanos <= 0) {
            return null;
        }
        LoopWatchdog watchdog = new LoopWatchdog(loopThread, loopName, busy, blocked, thresholdNanos, log);
        // With a fixed delay, a late check is not followed by catch-up checks: each gap measures a pause.
        watchdog.checks = Checker.EXECUTOR.scheduleWithFixedDelay(watchdog, watchdog.periodNanos,
                watchdog.periodNanos, TimeUnit.NANOSECONDS);
        return watchdog;
    }

    /** The loop has ended: no more checks. */
    void stop() {
        if (checks != null) {
            checks.cancel(false);
        }
    }

    /** The time between two checks. */
    long periodNanos() {
        return periodNanos;
    }

    /** One look, on the watchdog's thread; nothing it throws may end the checks to come. */
    @Override
    public void run() {
        try {
            check(System.nanoTime());
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            try {
                log.warn("loop {}: the blocked-loop check failed, it goes on", loopName, t);
            } catch (Throwable ignored) { // the logger itself failed: nothing left to tell
            }
        } finally {
            lastCheckEnded = System.nanoTime(); // a slow report is not taken for a pause at the next check
        }
    }

    /** One look at {@code now}: counts and logs an iteration busy past the threshold, pauses left out. */
    void check(long now) {
        long late = Math.max(0, now - lastCheckEnded - periodNanos); // the checker was held this long
        lastCheckEnded = now;
        long since = busy.since();
        if (since == BusyMark.IDLE) {
            return;
        }
        if (since != watchedSince) {
            watchedSince = since;
            heldWhileWatched = 0;
        }
        heldWhileWatched += Math.min(late, Math.max(0, now - since)); // only the part within the iteration
        long busyNanos = now - since;
        if (since == reportedSince) {
            stillBlocked(now, busyNanos);
            return;
        }
        // Read again after the clock: still the same iteration, so it really has run this long.
        if (busyNanos - heldWhileWatched < thresholdNanos || busy.since() != since) {
            return;
        }
        reportedSince = since;
        blocked.increment();
        StackTraceElement[] stack = loopThread.getStackTrace();
        if (busy.since() != since) {
            return; // counted; but the stack shows where the loop went next, not what held it
        }
        if (throttle.allow()) {
            lastLoggedNanos = now;
            long notLogged = throttle.suppressed();
            log.warn("loop {} blocked: one iteration has run {} ms, past the blocked threshold of {} ms; a handler,"
                    + " task or timer holds the loop thread and the loop's other channels wait{}; the loop thread"
                    + " is at", loopName, TimeUnit.NANOSECONDS.toMillis(busyNanos),
                    TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
                    notLogged == 0 ? "" : " (" + notLogged + " such episodes since the last line)",
                    new LoopBlocked(stack));
        } else {
            lastLoggedNanos = now - LOG_INTERVAL_NANOS; // not logged: the first "still blocked" line comes soon
        }
    }

    /** The episode reported goes on: a line every ten seconds, with where the thread is now. */
    private void stillBlocked(long now, long busyNanos) {
        if (now - lastLoggedNanos < LOG_INTERVAL_NANOS) {
            return;
        }
        StackTraceElement[] stack = loopThread.getStackTrace();
        if (busy.since() != reportedSince) {
            return;
        }
        lastLoggedNanos = now;
        log.warn("loop {} still blocked: the same iteration has run {} ms; the loop thread is at", loopName,
                TimeUnit.NANOSECONDS.toMillis(busyNanos), new LoopBlocked(stack));
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
        static final ScheduledThreadPoolExecutor EXECUTOR = executor();

        private static ScheduledThreadPoolExecutor executor() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "nioreactor-watchdog");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true); // a stopped loop's checks leave the queue at once
            return executor;
        }
    }
}
