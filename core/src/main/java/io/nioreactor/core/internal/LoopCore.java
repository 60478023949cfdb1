package io.nioreactor.core.internal;

import io.nioreactor.core.Cancellable;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.LoopMetrics;
import io.nioreactor.core.LoopOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of an event loop: one thread and its running. Each iteration selects (with a
 * timeout from the earliest timer, or none when tasks are waiting) and dispatches the ready keys
 * ({@link LoopSelector}), runs the expired timers ({@link LoopTimers}), then a bounded batch of
 * tasks ({@link TaskInbox}, fed by {@link #execute} from any thread). Its graceful end is
 * {@link LoopShutdown}'s, its states {@link LoopLifecycle}'s, and what its channels borrow
 * {@link LoopResources}'. Its public face, the {@link EventLoop}, is what channels give as their
 * {@code loop()}.
 */
public final class LoopCore {

    /** The category users configure: the public face's name, as before the split. */
    private static final Logger log = LoggerFactory.getLogger("io.nioreactor.core.EventLoop");

    /** The most one read hands a handler: the loop's read buffer; framers keep paused reads in multiples of it. */
    public static final int READ_SIZE = 64 * 1024;

    private static final Runnable ENDED = () -> { };

    private final EventLoop facade;
    private final String name;
    private final boolean jmx;
    private final Thread thread;
    private final TaskInbox tasks;
    private final LoopLifecycle lifecycle = new LoopLifecycle();
    private final LoopTimers timers = new LoopTimers(this);
    private final LoopResources resources;
    private final LoopSelector selector;
    private final LoopShutdown shutdown;
    private final TaskRunner taskRunner;
    private final FailureBackoff failureBackoff = new FailureBackoff();
    private final BusyPoll busyPoll;
    /** Set before the thread starts (null if off); read by the thread when it ends. */
    private LoopWatchdog watchdog;
    /** Run at termination, before the future completes; set once after start, or {@link #ENDED}. */
    private final AtomicReference<Runnable> beforeTermination = new AtomicReference<>();

    private LoopCore(EventLoop facade, String name, Selector selector, LoopOptions options) {
        this.facade = facade;
        this.name = name;
        this.jmx = options.jmx();
        this.busyPoll = new BusyPoll(options.busyPoll());
        this.resources = new LoopResources(options);
        this.selector = new LoopSelector(selector, resources);
        this.shutdown = new LoopShutdown(this.selector, timers, log, name);
        this.tasks = new TaskInbox(selector);
        this.taskRunner = new TaskRunner(tasks, resources, log, name);
        this.thread = new Thread(this::run, name);
    }

    /**
     * Opens a selector and starts the loop thread.
     *
     * @param facade  the public face of this loop, handed back by {@link #facade()} (tests may pass {@code null})
     * @param name    the thread's name
     * @param options the loop's settings
     * @return the running loop
     * @throws UncheckedIOException if no selector can be opened
     */
    public static LoopCore start(EventLoop facade, String name, LoopOptions options) {
        Selector selector;
        try {
            selector = LoopSelector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for loop " + name, e);
        }
        LoopCore core = new LoopCore(facade, name, selector, options);
        // Watched before it starts (the mark reads idle until then), so the thread always sees its watchdog to stop.
        core.watchdog = LoopWatchdog.watch(core.thread, name, core.resources.busy(),
                core.resources.counters().blockedIterations, options.blockedThreshold().toNanos(), log);
        try {
            core.thread.start();
        } catch (Throwable t) { // no thread to be had: nothing to watch, nothing to leak
            if (core.watchdog != null) {
                core.watchdog.stop();
            }
            try {
                selector.close();
            } catch (IOException | RuntimeException closing) {
                t.addSuppressed(closing);
            }
            throw t;
        }
        return core;
    }

    // ---------------------------------------------------------------- any thread

    /** @return the loop's name, also its thread's name */
    public String name() {
        return name;
    }

    /** @return whether the caller runs on this loop's thread */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** @return the loop's counters */
    public LoopMetrics counters() {
        return resources.counters();
    }

    /** @return whether shutdown has begun */
    public boolean isShuttingDown() {
        return !lifecycle.isRunning();
    }

    /** @return the future completed when the loop thread has ended */
    public CompletableFuture<Void> terminationFuture() {
        return lifecycle.terminationFuture();
    }

    /**
     * Queues {@code task} to run on the loop; wakes the selector at most once per burst.
     *
     * @param task the task
     * @throws RejectedExecutionException once the loop has terminated
     */
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (lifecycle.isTerminated()) {
            throw new RejectedExecutionException("loop " + name + " has terminated");
        }
        boolean fromLoop = inEventLoop();
        tasks.offer(task, fromLoop);
        // The loop may have drained its queue for the last time between our check and offer.
        if (!fromLoop && lifecycle.isTerminated() && tasks.withdraw(task)) {
            throw new RejectedExecutionException("loop " + name + " has terminated");
        }
    }

    /**
     * Queues {@code task} to run on the loop, unless the loop has terminated: then every channel
     * of it is closed already, and work for one of them has nothing left to do.
     *
     * @param task the task
     * @return {@code false} if the loop has terminated and the task will not run
     */
    public boolean executeUnlessTerminated(Runnable task) {
        if (lifecycle.isTerminated()) { // no exception built for each call after the end
            return false;
        }
        try {
            execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Runs {@code task} on the loop after {@code delay}.
     *
     * @param task  the task
     * @param delay the delay, not negative
     * @return a handle that cancels it
     */
    public Cancellable schedule(Runnable task, Duration delay) {
        return timers.schedule(task, delay);
    }

    /** See {@link io.nioreactor.core.EventLoop#scheduleAtFixedRate}. */
    public Cancellable schedulePeriodic(Runnable task, Duration initialDelay, Duration period, boolean fixedRate) {
        return timers.schedulePeriodic(task, initialDelay, period, fixedRate);
    }

    /**
     * Begins a graceful shutdown once; later calls return the same future.
     *
     * @param timeout how long connections may take to finish before the rest are reset
     * @return the termination future
     */
    public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
        long timeoutNanos = Durations.delayNanos(timeout);
        if (lifecycle.beginShutdown()) {
            execute(() -> shutdown.begin(timeoutNanos));
        }
        return lifecycle.terminationFuture();
    }

    /** @return whether the loop and what it serves show in JMX ({@link LoopOptions#jmx()}) */
    boolean jmx() {
        return jmx;
    }

    /** @return the public face of this loop, for the channels' {@code loop()} */
    EventLoop facade() {
        return facade;
    }

    boolean isTerminated() {
        return lifecycle.isTerminated();
    }

    boolean acceptsNewChannels() {
        return lifecycle.isRunning();
    }

    /**
     * Any thread: runs {@code closeNow} on the loop as a task of its own, even when called there: a
     * close asked inside a handler's callback must not call other handlers inside it (a listener's
     * last accepts, an endpoint's last datagrams). If the loop has terminated it has closed every
     * channel already, and {@code closed} is simply completed.
     */
    void closeOnLoop(Runnable closeNow, CompletableFuture<Void> closed) {
        if (!executeUnlessTerminated(closeNow)) {
            closed.complete(null);
        }
    }

    /** Loop thread: whether a graceful shutdown has passed its timeout (what is still open was reset). */
    boolean shutdownTimedOut() {
        return shutdown.hasTimedOut();
    }

    // ---------------------------------------------------------------- loop thread only

    LoopTimers timers() {
        return timers;
    }

    LoopResources resources() {
        return resources;
    }

    SelectionKey register(SelectableChannel channel, int ops, Selectable selectable) throws IOException {
        return selector.register(channel, ops, selectable);
    }

    /** Loop thread: completes {@code closed} once the next select has really closed the sockets closed so far. */
    void completeAfterDeregistration(CompletableFuture<Void> closed) {
        selector.completeAfterDeregistration(closed);
    }

    /** The connections of {@code server} registered with this loop now. */
    List<ConnectionDriver> connectionsOf(ServerConnections server) {
        return selector.connectionsOf(server);
    }

    /** Each registered channel calls this exactly once, when it closes: cancels its key, uncounts it. */
    void deregister(SelectionKey key) {
        selector.deregister(key);
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        Throwable fatal = null;
        try {
            while (!(shutdown.begun() && shutdown.mayEnd(selector.registered(), tasks.isEmpty()))) {
                runOnce();
            }
        } catch (ClosedSelectorException e) {
            fatal = e;
            log.error("loop {}: selector closed unexpectedly", name, e);
        } catch (Throwable t) {
            fatal = t;
            log.error("loop {} stopped by a fatal error", name, t);
        }
        terminate(fatal);
    }

    private void runOnce() {
        boolean failed = false;
        boolean selected = false;
        try {
            select();
            selected = true;
        } catch (ClosedSelectorException e) {
            throw e;
        } catch (Throwable t) {
            loopFailed(t);
            failed = true;
        }
        // Busy since the first dispatch (which read the clock and marked it), else from here: select's wait left
        // out. Either way the iteration's time stamp is now set, so a task's write cannot move the mark on.
        long busySince = resources.ioNanos();
        // Each step on its own: one that fails does not keep the others from running.
        failed |= !resumeBudgetWaiters(); // budget freed by the dispatch...
        timers.runExpired(taskRunner.guarded());
        failed |= !resumeBudgetWaiters(); // ... by the timers ...
        taskRunner.runBatch();
        failed |= !resumeBudgetWaiters(); // ... or by the tasks
        long now = System.nanoTime();
        resources.counters().iterationEnded(now - busySince, now);
        if (!failed) {
            failureBackoff.succeeded();
        }
        if (!selected) {
            resources.busy().idle(); // the back-off's park is a wait, not a handler holding the loop
            failureBackoff.afterSelectFailed();
        }
    }

    /** @return {@code false} if telling the budget's waiters failed (counted as a loop error) */
    private boolean resumeBudgetWaiters() {
        try {
            resources.budget().resumeIfDue();
            return true;
        } catch (Throwable t) {
            loopFailed(t);
            return false;
        }
    }

    /** Something failed outside any one channel or task: counted, logged throttled, backed off. */
    private void loopFailed(Throwable t) {
        Failures.rethrowIfFatal(t);
        resources.counters().loopErrors.increment();
        failureBackoff.failed(t, log, name);
    }

    private void select() throws IOException {
        resources.newIteration();
        resources.busy().idle();
        try {
            long timeout = selectTimeoutMillis();
            if (timeout != 0 && busyPoll.due()) {
                if (busyPoll.poll(selector, tasks, timers.nextDeadline())) {
                    return;
                }
                timeout = selectTimeoutMillis(); // the poll took time
            }
            busyPoll.selected(selector.select(timeout));
        } finally {
            tasks.selected(); // even after a failure: else later submissions would not wake it
        }
    }

    private long selectTimeoutMillis() {
        boolean workWaiting = !tasks.isEmpty() || resources.budget().resumeDue() || selector.closesPending();
        return SelectTimeout.millis(workWaiting, timers.nextDeadline(), System.nanoTime(), failureBackoff.pauseMillis());
    }

    private void terminate(Throwable fatal) {
        lifecycle.terminating();
        LoopWatchdog watching = watchdog;
        if (watching != null) {
            watching.stop();
        }
        try {
            shutdown.forceCloseAll();
        } catch (Throwable t) {
            log.warn("loop {}: error while closing channels", name, t);
        }
        timers.clear();
        selector.close(log, name); // and so the sockets of those closed since the last select
        taskRunner.runLeft();
        if (fatal == null) {
            log.debug("loop {} terminated", name);
        }
        Runnable last = beforeTermination.getAndSet(ENDED);
        if (last != null) {
            try {
                last.run();
            } catch (RuntimeException e) {
                log.warn("loop {}: error while terminating", name, e);
            }
        }
        lifecycle.terminated(fatal);
    }

    /**
     * Any thread, once, right after start: runs {@code action} when the loop has ended, before
     * its termination future completes (unregistering its MBean, say, so that whoever joins the
     * future finds it gone); at once if the loop has ended already.
     */
    public void beforeTermination(Runnable action) {
        if (!beforeTermination.compareAndSet(null, action)) {
            action.run(); // the loop ended before: no race can lose the action
        }
    }
}
