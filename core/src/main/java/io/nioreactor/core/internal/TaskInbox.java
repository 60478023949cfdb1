package io.nioreactor.core.internal;

import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tasks handed to the loop, and the selector wakeup that goes with them. The wakeup is
 * coalesced by a flag: a burst of submissions from other threads costs one
 * {@link Selector#wakeup()}; the loop clears the flag after each select, before it drains.
 */
final class TaskInbox {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Selector selector;

    TaskInbox(Selector selector) {
        this.selector = selector;
    }

    /** Any thread. A task offered from the loop thread needs no wakeup: the loop drains before it selects. */
    void offer(Runnable task, boolean fromLoopThread) {
        tasks.offer(task);
        if (!fromLoopThread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Any thread: takes back a task not run yet; {@code true} if it was still queued. */
    boolean withdraw(Runnable task) {
        return tasks.remove(task);
    }

    /**
     * Loop thread, right after select. The flag must be cleared before the queue is drained:
     * a task offered from then on sets it again and wakes the next select.
     */
    void selected() {
        wakeupPending.set(false);
    }

    /** Loop thread. */
    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** Loop thread: the next task, or {@code null}. */
    Runnable poll() {
        return tasks.poll();
    }
}
