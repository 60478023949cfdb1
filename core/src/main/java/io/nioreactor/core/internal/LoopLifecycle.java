package io.nioreactor.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The states of a loop, running, then shutting down, then terminated, each entered once, and the
 * future that tells its end. Any thread.
 */
final class LoopLifecycle {

    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> termination = new CompletableFuture<>();

    /** @return {@code true} for the one call that moves the loop from running to shutting down */
    boolean beginShutdown() {
        return state.compareAndSet(RUNNING, SHUTTING_DOWN);
    }

    /** The loop thread is ending: nothing is accepted from now on. */
    void terminating() {
        state.set(TERMINATED);
    }

    /** The loop thread has ended; completes the future, exceptionally with {@code fatal} if not null. */
    void terminated(Throwable fatal) {
        if (fatal == null) {
            termination.complete(null);
        } else {
            termination.completeExceptionally(fatal);
        }
    }

    boolean isRunning() {
        return state.get() == RUNNING;
    }

    boolean isTerminated() {
        return state.get() == TERMINATED;
    }

    CompletableFuture<Void> terminationFuture() {
        return termination;
    }
}
