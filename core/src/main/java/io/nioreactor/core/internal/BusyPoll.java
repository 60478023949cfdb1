package io.nioreactor.core.internal;

import java.io.IOException;
import java.time.Duration;

/**
 * Polling without sleeping for a while after I/O ({@link io.nioreactor.core.LoopOptions#busyPoll()}):
 * a peer that answers within that time finds the loop awake, so its bytes need no wake-up of a
 * sleeping thread on either side. Only after a select that found I/O, never past the next timer,
 * and never while a task waits: an idle loop sleeps as it would without it.
 */
final class BusyPoll {

    private final long nanos;
    /** Whether the last select found something ready. */
    private boolean afterIo;

    BusyPoll(Duration busyPoll) {
        this.nanos = busyPoll.toNanos();
    }

    /** {@return whether the loop should poll before it sleeps: on, and the last select found I/O} */
    boolean due() {
        return nanos > 0 && afterIo;
    }

    /** The loop selected (blocking or not) and {@code ready} keys were ready. */
    void selected(int ready) {
        afterIo = ready > 0;
    }

    /**
     * Polls until something is ready, a task waits, the time is up or the next timer is due.
     *
     * @param nextDeadline the earliest timer's deadline ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}
     * @return whether the loop has something to do: I/O was dispatched or a task waits
     */
    boolean poll(LoopSelector selector, TaskInbox tasks, long nextDeadline) throws IOException {
        long deadline = System.nanoTime() + nanos;
        if (nextDeadline != Long.MAX_VALUE && nextDeadline - deadline < 0) {
            deadline = nextDeadline;
        }
        afterIo = false; // until I/O is found: a select that throws leaves no poll due
        do {
            if (selector.select(0) > 0) {
                afterIo = true;
                return true;
            }
            if (!tasks.isEmpty()) { // its wakeup may have been taken by a poll: run it now, then sleep unless I/O comes
                return true;
            }
        } while (System.nanoTime() - deadline < 0);
        return false;
    }
}
