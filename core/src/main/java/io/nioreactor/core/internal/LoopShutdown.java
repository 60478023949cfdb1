package io.nioreactor.core.internal;

import org.slf4j.Logger;

/**
 * A loop's graceful shutdown: once asked, every registered channel begins to end (listeners accept
 * what is queued and close, UDP endpoints hand over what has arrived and close, connections drain:
 * see {@link DrainWatch}), and a deadline timer resets whatever is left when the timeout is up. The
 * loop ends once nothing is registered any more and no task waits. Loop thread only.
 */
final class LoopShutdown {

    private final LoopSelector selector;
    private final LoopTimers timers;
    private final Logger log;
    private final String loopName;
    private ScheduledTask deadline;
    /** Read by other loops' listeners handing connections off. */
    private volatile boolean timedOut;

    LoopShutdown(LoopSelector selector, LoopTimers timers, Logger log, String loopName) {
        this.selector = selector;
        this.timers = timers;
        this.log = log;
        this.loopName = loopName;
    }

    /** Whether the shutdown has begun on the loop thread (not only been asked for). */
    boolean begun() {
        return deadline != null;
    }

    /** Whether the timeout has passed, and what was still open reset. */
    boolean hasTimedOut() {
        return timedOut;
    }

    /**
     * Once it has begun: whether the loop may end, with nothing registered any more and no task
     * waiting (one may bring a connection handed off by another loop's listener), or, past the
     * timeout, tasks or not.
     */
    boolean mayEnd(int registered, boolean noTasks) {
        return registered == 0 && (noTasks || timedOut);
    }

    /** Every channel begins to close; after {@code timeoutNanos} what is left is reset. */
    void begin(long timeoutNanos) {
        deadline = timers.newTimer(this::timedOut);
        timers.arm(deadline, System.nanoTime() + timeoutNanos);
        for (Selectable selectable : selector.registeredNow()) {
            try {
                selectable.beginShutdown();
            } catch (RuntimeException e) {
                log.warn("loop {}: error while shutting down {}", loopName, selectable, e);
                selectable.forceClose();
            }
        }
    }

    private void timedOut() {
        timedOut = true;
        Selectable[] left = selector.registeredNow();
        if (left.length > 0) { // what was still busy when the time was up: say which, a few at most
            log.debug("loop {}: the shutdown's timeout has passed: resetting {} still open, such as {}", loopName,
                    left.length, java.util.Arrays.asList(left).subList(0, Math.min(3, left.length)));
        }
        forceClose(left);
    }

    /** Closes every channel at once: the loop ends. */
    void forceCloseAll() {
        forceClose(selector.registeredNow());
    }

    private static void forceClose(Selectable[] channels) {
        for (Selectable selectable : channels) {
            selectable.forceClose();
        }
    }
}
