package io.nioreactor.core.internal;

import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Runs what a loop is given to run, each guarded: its queued tasks, a bounded batch per iteration
 * so that a flood of tasks cannot starve I/O; its timers' actions; and, when the loop ends, the
 * tasks still queued, so their futures complete. A task that throws is counted as a handler
 * failure and logged at most once a second. Loop thread only.
 */
final class TaskRunner {

    /** Tasks run per iteration at most, so a flood of tasks cannot starve I/O. */
    static final int MAX_TASKS_PER_ITERATION = 1024;

    private final TaskInbox tasks;
    private final LoopResources resources;
    private final Logger log;
    private final String loopName;
    /** Made once: a method reference per iteration would allocate. */
    private final Consumer<Runnable> guarded = this::runGuarded;

    TaskRunner(TaskInbox tasks, LoopResources resources, Logger log, String loopName) {
        this.tasks = tasks;
        this.resources = resources;
        this.log = log;
        this.loopName = loopName;
    }

    /** @return what runs a task guarded, for the timers */
    Consumer<Runnable> guarded() {
        return guarded;
    }

    /** Runs the queued tasks, {@value #MAX_TASKS_PER_ITERATION} at most. */
    void runBatch() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            runGuarded(task);
        }
    }

    private void runGuarded(Runnable task) {
        try {
            task.run();
            resources.counters().tasksRun.increment();
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            resources.counters().handlerFailures.increment();
            LogThrottle throttle = resources.taskFailureLog();
            if (throttle.allow()) {
                log.warn("loop {}: a task failed: {} ({} more not logged)", loopName, task, throttle.suppressed(), t);
            }
        }
    }

    /** The loop is ending: the tasks accepted before it refused more still run, so their futures complete. */
    void runLeft() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (Throwable t) {
                log.warn("loop {}: a task failed during termination", loopName, t);
            }
        }
    }
}
