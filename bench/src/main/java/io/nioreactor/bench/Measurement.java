package io.nioreactor.bench;

import io.nioreactor.core.EventLoop;
import io.nioreactor.daemon.ProcStats;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;

/**
 * The counters of one load run, written on the load generator's loop thread only. Messages
 * count and round trips are recorded only inside the measured window (after the warm-up);
 * errors are counted throughout.
 */
final class Measurement {

    private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);

    private final Histogram roundTrip = new Histogram(MAX_MICROS, 3);
    private boolean recording;
    private volatile boolean stopped;
    private volatile long messages;
    private volatile long errors;
    private long lost;
    /** Open loop: the rate asked for (0: a closed loop), the messages sent in the window and the latest send. */
    private double targetRate;
    private long sentInWindow;
    private long maxLagNanos;
    private int burst;
    private long windowStart;
    private long windowEnd;
    private LongConsumer atWindowEnd = end -> { };
    /** The server's pid, whose CPU is read at the window's edges too; 0 or less: not read. */
    private final long serverPid;
    private long ownCpuAtStart;
    private long serverTicksAtStart;

    Measurement() {
        this(0);
    }

    /** @param serverPid the server's process, whose CPU over the window is read from /proc; 0: none */
    Measurement(long serverPid) {
        this.serverPid = serverPid;
        ownCpuNanos(); // loads and links the MXBean now, not on the loop at the window's start
        serverTicks();
    }

    /** This process's CPU time in nanoseconds. */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private long serverTicks() {
        try {
            return serverPid > 0 ? ProcStats.cpuTicks(serverPid) : 0;
        } catch (java.io.IOException e) {
            return 0; // the server is gone: the load counts the errors
        }
    }

    boolean stopped() {
        return stopped;
    }

    void completed(long roundTripNanos) {
        if (recording) {
            messages++; // single writer: the loop thread
            roundTrip.recordValue(Math.min(MAX_MICROS, Math.max(0, roundTripNanos / 1_000)));
        }
    }

    void error() {
        errors++;
    }

    /**
     * Open loop: a message due before the window's end that has no answer by then is recorded
     * at what it has waited so far ({@code nanos}), else a server that stalls for the window's
     * last second would look as if it never stalled.
     */
    void unanswered(long nanos) {
        if (recording) {
            roundTrip.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1_000)));
        }
    }

    /** Open loop: {@code atEnd} is given the window's end time, while it still records. */
    void atWindowEnd(LongConsumer atEnd) {
        this.atWindowEnd = atEnd;
    }

    /** The load is open-loop at {@code rate} messages per second: the result says whether it kept to it. */
    void pacedAt(double rate) {
        this.targetRate = rate;
    }

    /** Open loop: {@code count} messages left {@code lagNanos} after they were due. */
    void sent(int count, long lagNanos) {
        burst = count;
        if (recording) {
            sentInWindow += count;
            if (lagNanos > maxLagNanos) {
                maxLagNanos = lagNanos;
            }
        }
    }

    void lost() {
        if (recording) {
            lost++;
        }
    }

    long errors() {
        return errors;
    }

    /**
     * Starts the load on {@code loop}, measures after {@code warmup} for {@code duration},
     * printing a progress line every second, and returns the result.
     */
    LoadResult run(EventLoop loop, Runnable startLoad, Duration warmup, Duration duration, String label, int size,
            PrintStream progress) throws Exception {
        CompletableFuture<LoadResult> done = new CompletableFuture<>();
        loop.execute(startLoad);
        loop.schedule(() -> {
            ownCpuAtStart = ownCpuNanos(); // both sides' CPU over exactly the window, JIT warm-up excluded
            serverTicksAtStart = serverTicks();
            recording = true;
            windowStart = System.nanoTime();
        }, warmup);
        loop.schedule(() -> {
            windowEnd = System.nanoTime();
            atWindowEnd.accept(windowEnd);
            recording = false;
            stopped = true;
            double ownCpu = (ownCpuNanos() - ownCpuAtStart) / 1e9;
            double serverCpu = serverPid > 0
                    ? (serverTicks() - serverTicksAtStart) / (double) ProcStats.TICKS_PER_SECOND : -1;
            double seconds = (windowEnd - windowStart) / 1e9;
            LoadResult.Pace pace = targetRate > 0
                    ? new LoadResult.Pace(targetRate, sentInWindow / seconds, maxLagNanos / 1_000,
                            burst / (targetRate * seconds)) : null;
            done.complete(new LoadResult(label, messages, size, seconds, roundTrip, errors, lost, ownCpu, serverCpu,
                    pace));
        }, warmup.plus(duration));
        long started = System.nanoTime();
        long deadline = started + warmup.plus(duration).plusSeconds(30).toNanos();
        long lastMessages = 0;
        while (true) {
            try {
                return done.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the load run did not finish in time", e);
                }
                long now = messages;
                progress.printf(Locale.ROOT, "  %s: %4.0f s, %,d msgs/s, %d errors%n", label,
                        (System.nanoTime() - started) / 1e9, now - lastMessages, errors);
                lastMessages = now;
            }
        }
    }
}
