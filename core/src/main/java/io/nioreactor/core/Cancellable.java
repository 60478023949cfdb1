package io.nioreactor.core;

/**
 * A handle on a scheduled task that can be cancelled before it runs.
 *
 * <p>Returned by {@link EventLoop#schedule(Runnable, java.time.Duration)}.
 */
public interface Cancellable {

    /**
     * Cancels the task. A cancelled task never runs; cancelling a task that already ran, or
     * cancelling twice, does nothing.
     *
     * <p>May be called from any thread.
     *
     * @return {@code true} if this call cancelled a task that had not run yet
     */
    boolean cancel();

    /**
     * Tells whether {@link #cancel()} succeeded on this handle.
     *
     * <p>May be called from any thread.
     *
     * @return {@code true} once the task is cancelled
     */
    boolean isCancelled();
}
