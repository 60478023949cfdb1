package io.nioreactor.core.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loop's budget for bytes held for sending, over all its connections and endpoints.
 *
 * <p>The loop thread adds and removes what it holds (outbound chunks, queued datagrams) with
 * plain arithmetic; other threads add the copies of their off-loop writes to an atomic until the
 * loop takes them over. Above the budget the loop is <em>exhausted</em>: connections that hold
 * queued bytes stop reading and are not writable, and wait here. At half the budget or less the
 * waiters are resumed by the loop between the steps of an iteration (after the dispatch, after
 * the timers, after the tasks), never from inside another connection's call.
 */
final class SendBudget {

    /** What a budget-paused connection or endpoint is told when the loop has memory again. */
    interface Waiter {
        void budgetAvailable();
    }

    private final long max;
    private final long resumeAt;
    private final AtomicLong offLoop = new AtomicLong();
    private final Counter held = new Counter();
    private final Counter peak = new Counter();
    private final Counter exhaustions = new Counter();
    /** Identity set (waiters do not override equals): joined and left in O(1). */
    private final Set<Waiter> waiters = new LinkedHashSet<>();
    /** Written by the loop; read by other threads too, for a writer's isWritable(). */
    private volatile boolean exhausted;
    private boolean resumeDue;

    SendBudget(long max) {
        this.max = max;
        this.resumeAt = max / 2;
    }

    // ---------------------------------------------------------------- any thread

    long max() {
        return max;
    }

    /** @return a recent total: held by the loop plus off-loop copies on their way to it */
    long queued() {
        return held.get() + offLoop.get();
    }

    long peak() {
        return peak.get();
    }

    long exhaustions() {
        return exhaustions.get();
    }

    /** Any thread: a copy made off the loop now waits in the task queue. */
    void addOffLoop(long bytes) {
        offLoop.addAndGet(bytes);
    }

    /** Loop thread: an off-loop copy reached the loop (and is written or queued from there). */
    void removeOffLoop(long bytes) {
        notePeak(queued());
        offLoop.addAndGet(-bytes);
        settle();
    }

    // ---------------------------------------------------------------- loop thread

    /** @return whether the loop holds more than the budget */
    boolean exhausted() {
        return exhausted;
    }

    void add(long bytes) {
        held.add(bytes);
        long total = queued();
        notePeak(total);
        if (!exhausted && total > max) {
            exhausted = true;
            resumeDue = false;
            exhaustions.increment();
        }
    }

    private void notePeak(long total) {
        if (total > peak.get()) {
            peak.add(total - peak.get());
        }
    }

    void remove(long bytes) {
        held.add(-bytes);
        settle();
    }

    private void settle() {
        if (exhausted && queued() <= resumeAt) {
            exhausted = false;
            resumeDue = !waiters.isEmpty();
        }
    }

    /** @return whether waiters are to be told that the budget is back: the loop must not block */
    boolean resumeDue() {
        return resumeDue;
    }

    /** A connection or endpoint paused by the budget; told once it is available again. */
    void await(Waiter waiter) {
        waiters.add(waiter);
    }

    /** A waiter closed before the budget came back: forget it, so churn cannot grow the set. */
    void leave(Waiter waiter) {
        waiters.remove(waiter);
    }

    /**
     * Called by the loop between the steps of an iteration: once the budget is back, tells every waiter. A
     * waiter that fills it again simply pauses again the next time it has bytes queued.
     */
    void resumeIfDue() {
        if (!resumeDue) {
            return;
        }
        resumeDue = false;
        Waiter[] resumed = waiters.toArray(new Waiter[0]);
        waiters.clear();
        RuntimeException first = null;
        for (Waiter waiter : resumed) {
            try {
                waiter.budgetAvailable();
            } catch (RuntimeException e) { // the others are still told; the loop counts the failure
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
