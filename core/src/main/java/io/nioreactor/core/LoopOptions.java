package io.nioreactor.core;

import io.nioreactor.core.internal.DirectMemory;
import java.time.Duration;

/**
 * Immutable settings of one {@link EventLoop}.
 *
 * <p>Built with {@link #builder()}; a bad value throws {@link IllegalArgumentException} naming
 * the option and the value.
 *
 * <pre>{@code
 * EventLoop loop = EventLoop.start("echo", LoopOptions.builder().maxQueuedBytes(32 << 20).build());
 * }</pre>
 */
public final class LoopOptions {

    /** The share of the JVM's direct-memory limit that the default budget takes: one quarter. */
    public static final int DEFAULT_BUDGET_DIVISOR = 4;

    private static final LoopOptions DEFAULTS = builder().build();

    private final long maxQueuedBytes;
    private final boolean jmx;
    private final Duration blockedThreshold;
    private final Duration metricsWindow;
    private final Duration busyPoll;

    private LoopOptions(Builder b) {
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.jmx = b.jmx;
        this.blockedThreshold = b.blockedThreshold;
        this.metricsWindow = b.metricsWindow;
        this.busyPoll = b.busyPoll;
    }

    /**
     * The defaults: a send budget of {@link #defaultMaxQueuedBytes()}, metrics in JMX, a blocked
     * loop reported past 100 ms, windowed metrics over a minute, no busy polling.
     *
     * @return the default options
     */
    public static LoopOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The loop's budget for bytes held for sending, over all its connections and endpoints:
     * TCP outbound queues (counted in whole 16 KiB chunks, the memory they hold), copies made by
     * {@link Connection#write} and {@link UdpEndpoint#send} called off the loop while they wait
     * for it, and queued datagrams.
     *
     * <p>When the loop holds more than this, it pauses reading on every connection that has
     * bytes queued (whatever its auto-read setting), {@link Connection#isWritable()} turns
     * {@code false} for them, and datagrams that cannot be sent at once are dropped. Once the
     * loop holds half the budget or less, the paused connections read again and get
     * {@link ConnectionHandler#onWritable}. Connections with nothing queued are served all along,
     * one read of at most 16 KiB at a time while the budget is spent. With handlers that write
     * what they read (an echo, a proxy) the loop thus holds at most the budget, plus one 16 KiB
     * chunk per connection, plus the one 64 KiB read that spent it. Writes are still accepted
     * while the budget is spent: a handler or a thread that goes on writing although
     * {@link Connection#isWritable()} is {@code false} is not stopped, and the bound is its to
     * keep.
     *
     * @return the budget in bytes
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * Whether the loop's {@link LoopMetrics} are registered in the platform MBean server while it
     * runs, as {@code io.nioreactor:type=EventLoop,name="LOOP NAME"} (a group's sum as
     * {@code type=EventLoopGroup}); a name already taken gets {@code #2}, {@code #3}, ... Every
     * counter is a read-only {@code long} attribute named after its method
     * ({@code connectionsAccepted()} is {@code ConnectionsAccepted}), for {@code jconsole} or any
     * JMX client. On by default.
     *
     * @return whether the metrics are in JMX
     */
    public boolean jmx() {
        return jmx;
    }

    /**
     * How long one iteration of the loop may run before its watchdog reports the loop blocked: a
     * handler, task or timer that blocks (a database call, a lock, a sleep) or computes long holds
     * up every other channel of the loop meanwhile. The report is one WARN line per episode from
     * logger {@code io.nioreactor.core.EventLoop}, with the time so far and the loop thread's stack
     * at that moment (so the guilty method is named), at most one per loop every ten seconds, and
     * each episode is counted in {@link LoopMetrics#blockedIterations()}. The watchdog is one daemon
     * thread for the JVM that looks at each loop every half threshold; the loop itself only marks
     * when an iteration begins and ends (two plain stores), which costs it nothing measurable.
     * {@link Duration#ZERO} turns it off.
     *
     * @return the threshold (default 100 ms; zero = off)
     */
    public Duration blockedThreshold() {
        return blockedThreshold;
    }

    /**
     * The window of the windowed metrics, such as {@link LoopMetrics#longestRecentIterationNanos()}:
     * they cover the last window, to a sixth of it.
     *
     * @return the window (default one minute)
     */
    public Duration metricsWindow() {
        return metricsWindow;
    }

    /**
     * How long the loop goes on polling its sockets without sleeping after a select that found
     * I/O, before it sleeps in select: a peer that answers within that time (a client sending its
     * next request, the next burst of a pipeline) finds the loop awake, and neither side pays for
     * waking a sleeping thread. Worth it where the loop is faster than its clients and has a core
     * to itself (docs/embedding.md gives the figures of the Redis-protocol example).
     *
     * <p>The price is CPU: each burst of I/O is followed by up to this much polling, so I/O more
     * often than this keeps the loop's core fully busy, and loops that poll take
     * CPU from each other where they outnumber the cores. Polling counts as waiting in
     * {@link LoopMetrics} (the busy time of an iteration starts at its first I/O), so a loop can
     * look idle there while its thread uses a whole core. An idle loop sleeps as it would without
     * it: polling follows I/O only, stops at the next timer, and a task from another thread ends
     * it (the loop sleeps after the task unless I/O comes). Linux's {@code net.core.busy_poll}
     * makes the same trade inside the kernel. {@link Duration#ZERO} (the default) never polls.
     *
     * @return the time to poll after I/O (default zero: off)
     */
    public Duration busyPoll() {
        return busyPoll;
    }

    /**
     * The default send budget: a quarter of the JVM's direct-memory limit
     * ({@code -XX:MaxDirectMemorySize}, or the heap's maximum when that is not set), at least
     * 1 MiB. A quarter leaves room for the read buffers, the pool of idle chunks and the chunk per
     * connection that is still served while the budget is spent: in a 64 MiB container, where
     * the JVM's default heap (and so the direct-memory limit) is 16 MiB, the budget is 4 MiB; with
     * {@code -Xmx4g} it is 1 GiB. An {@link EventLoopGroup} splits it over its loops.
     *
     * @return the default budget in bytes
     */
    public static long defaultMaxQueuedBytes() {
        return Math.max(1 << 20, DirectMemory.limit() / DEFAULT_BUDGET_DIVISOR);
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder holding a copy of these values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxQueuedBytes = maxQueuedBytes;
        b.jmx = jmx;
        b.blockedThreshold = blockedThreshold;
        b.metricsWindow = metricsWindow;
        b.busyPoll = busyPoll;
        return b;
    }

    @Override
    public String toString() {
        return "LoopOptions[maxQueuedBytes=" + maxQueuedBytes + ", jmx=" + jmx + ", blockedThreshold="
                + blockedThreshold + ", metricsWindow=" + metricsWindow + ", busyPoll=" + busyPoll + "]";
    }

    /** Builds {@link LoopOptions}; each setter checks its value. Not thread-safe. */
    public static final class Builder {

        private long maxQueuedBytes = defaultMaxQueuedBytes();
        private boolean jmx = true;
        private Duration blockedThreshold = Duration.ofMillis(100);
        private Duration metricsWindow = Duration.ofMinutes(1);
        private Duration busyPoll = Duration.ZERO;

        private Builder() {
        }

        /**
         * Sets how long the loop polls without sleeping after I/O; see {@link LoopOptions#busyPoll()}.
         *
         * @param time zero (off) to one millisecond
         * @return this builder
         * @throws IllegalArgumentException if it is negative or longer than a millisecond
         */
        public Builder busyPoll(Duration time) {
            Checks.notNegative("busyPoll", time);
            if (time.compareTo(Duration.ofMillis(1)) > 0) {
                throw new IllegalArgumentException("busyPoll must be from zero (off) to 1 ms, not " + time);
            }
            this.busyPoll = time;
            return this;
        }

        /**
         * Sets whether the loop's metrics are registered in JMX; see {@link LoopOptions#jmx()}.
         *
         * @param on {@code false} for an embedder that wants no MBean of ours
         * @return this builder
         */
        public Builder jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        /**
         * Sets how long an iteration may run before the loop is reported blocked; see
         * {@link LoopOptions#blockedThreshold()}.
         *
         * @param threshold at least 10 ms and at most a day, or zero to turn the watchdog off
         * @return this builder
         * @throws IllegalArgumentException if it is negative, between zero and 10 ms, or over a day
         */
        public Builder blockedThreshold(Duration threshold) {
            Checks.notNegative("blockedThreshold", threshold);
            if (!threshold.isZero() && threshold.toMillis() < 10 || threshold.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("blockedThreshold must be zero (off) or from 10 ms to a day, not "
                        + threshold);
            }
            this.blockedThreshold = threshold;
            return this;
        }

        /**
         * Sets the window of the windowed metrics; see {@link LoopOptions#metricsWindow()}.
         *
         * @param window at least one second, at most a day
         * @return this builder
         * @throws IllegalArgumentException if it is shorter than a second or longer than a day
         */
        public Builder metricsWindow(Duration window) {
            if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0
                    || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("metricsWindow must be from 1 s to a day, not " + window);
            }
            this.metricsWindow = window;
            return this;
        }

        /**
         * Sets the loop's send budget; see {@link LoopOptions#maxQueuedBytes()}.
         *
         * @param bytes at least 64 KiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 64 KiB
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("maxQueuedBytes must be at least 65536 (64 KiB), not " + bytes);
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the immutable options
         */
        public LoopOptions build() {
            return new LoopOptions(this);
        }
    }
}
