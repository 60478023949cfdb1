package io.nioreactor.core.internal;

/**
 * How long a loop's select may wait: the loop's one timing decision, apart from the loop so that
 * it reads, and is tested, on its own.
 */
final class SelectTimeout {

    private static final long HALF_A_MILLISECOND = 500_000;

    private SelectTimeout() {
    }

    /**
     * 0 to poll, -1 to block until woken, otherwise milliseconds until the earliest timer. While
     * iterations keep failing, it waits the back-off in select instead of polling, which a wakeup
     * (a new task) or an expired timer still ends early. (Only a failing select itself makes the
     * loop park instead: see {@link FailureBackoff}.)
     *
     * @param workWaiting   tasks, budget waiters or closes are waiting: poll, unless backing off
     * @param nextDeadline  the earliest timer's deadline ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}
     * @param now           {@link System#nanoTime()}
     * @param backoffMillis the failure back-off, 0 when iterations are not failing
     */
    static long millis(boolean workWaiting, long nextDeadline, long now, long backoffMillis) {
        if (workWaiting && backoffMillis == 0) {
            return 0;
        }
        if (nextDeadline == Long.MAX_VALUE) {
            return backoffMillis > 0 ? backoffMillis : -1;
        }
        long delay = nextDeadline - now;
        // To the nearest millisecond (select's unit), as Netty's NIO loop does: a timer less than half
        // a millisecond away is waited for by polling, so that it runs on time, not up to 1 ms late.
        long untilTimer = delay < HALF_A_MILLISECOND ? 0 : (delay + HALF_A_MILLISECOND) / 1_000_000;
        return backoffMillis > 0 ? Math.max(1, Math.min(backoffMillis, untilTimer)) : untilTimer;
    }
}
