package io.nioreactor.core;

/**
 * A handle on a scheduled task that can be cancelled before it runs.
 *
 * <p>Returned by {@link EventLoop#schedule(Runnable, java.time.Duration)}.
 */
public interface Cancellable {

    /**
     * Cancels the task: no run of it starts after this returns. A one-shot task that had not run
     * never runs. A periodic task runs no more; a run the loop had begun when this was called
     * (from another thread, or from inside the task) completes. Cancelling twice does nothing.
     *
     * <p>May be called from any thread.
     *
     * @return {@code true} if this call cancelled a task before any run of it had begun;
     *         {@code false} if it had run or was running (a periodic task is stopped all the
     *         same: see {@link #isCancelled()}), or was cancelled already
     */
    boolean cancel();

    /**
     * Tells whether {@link #cancel()} has stopped this task, whether or not it had run before.
     *
     * <p>May be called from any thread.
     *
     * @return {@code true} once the task is cancelled
     */
    boolean isCancelled();
}
