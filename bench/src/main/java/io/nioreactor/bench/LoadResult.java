package io.nioreactor.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured: messages echoed in the measured window, their round trips in
 * microseconds, and the errors (bytes that came back wrong, connections lost).
 *
 * @param label     what was measured, for the table
 * @param messages  messages echoed in the window
 * @param size      bytes per message
 * @param seconds   length of the window
 * @param roundTrip round trips in microseconds
 * @param errors    corrupted messages, lost connections, failed sends
 * @param lost      datagrams not echoed within the loss timeout (UDP only)
 * @param cpuSeconds       the load process's CPU time over the window
 * @param serverCpuSeconds the server process's CPU time over the window, or -1 when not read
 * @param pace      for an open-loop load, the rate asked for and the rate it kept; {@code null} for a closed loop
 */
record LoadResult(String label, long messages, int size, double seconds, Histogram roundTrip, long errors, long lost,
        double cpuSeconds, double serverCpuSeconds, Pace pace) {

    /**
     * Off the rate asked for by more than this share, either way, an open-loop load did not keep its
     * schedule: below, it could not send as asked; above, it was catching up on sends that were due
     * before the window (it had fallen behind, and its lateness would be charged to the server).
     */
    static final double KEPT = 0.98;
    /** Above this share of the rate asked for, an open-loop load was catching up: see {@link #KEPT}. */
    static final double CATCHING_UP = 1.02;

    /**
     * How an open-loop load kept its schedule.
     *
     * @param targetRate   messages per second asked for
     * @param sentRate     messages per second sent in the window
     * @param maxLagMicros the latest a burst left after it was due
     * @param burstShare   one burst's share of the messages due in the window: the sent rate moves in
     *                     steps of it, so it widens the bounds when it is above their 2%
     */
    record Pace(double targetRate, double sentRate, long maxLagMicros, double burstShare) {

        Pace(double targetRate, double sentRate, long maxLagMicros) {
            this(targetRate, sentRate, maxLagMicros, 0);
        }

        /** {@return whether it sent within {@link #KEPT} and {@link #CATCHING_UP} of the rate asked for, or a burst} */
        boolean kept() {
            double slack = Math.max(0, burstShare - (1 - KEPT));
            return sentRate >= (KEPT - slack) * targetRate && sentRate <= (CATCHING_UP + slack) * targetRate;
        }

        /** The sum of parts run side by side over the same window. */
        Pace plus(Pace other) {
            return new Pace(targetRate + other.targetRate, sentRate + other.sentRate,
                    Math.max(maxLagMicros, other.maxLagMicros), Math.max(burstShare, other.burstShare));
        }
    }

    /**
     * The result of parts run side by side (one per load thread): messages, errors and losses
     * summed, round trips merged, over the parts' mean window.
     */
    static LoadResult merge(String label, List<LoadResult> parts) {
        Histogram all = new Histogram(parts.get(0).roundTrip().getHighestTrackableValue(), 3);
        long messages = 0;
        long errors = 0;
        long lost = 0;
        double seconds = 0;
        double cpu = 0; // each part read the same processes over nearly the same window: the mean
        double serverCpu = 0;
        Pace pace = null;
        for (LoadResult part : parts) {
            pace = pace == null ? part.pace() : part.pace() == null ? pace : pace.plus(part.pace());
            all.add(part.roundTrip());
            messages += part.messages();
            errors += part.errors();
            lost += part.lost();
            seconds += part.seconds() / parts.size();
            cpu += part.cpuSeconds() / parts.size();
            serverCpu = serverCpu < 0 || part.serverCpuSeconds() < 0 ? -1 : serverCpu + part.serverCpuSeconds() / parts.size();
        }
        return new LoadResult(label, messages, parts.get(0).size(), seconds, all, errors, lost, cpu, serverCpu, pace);
    }

    /**
     * Runs {@code total} streams as {@code threads} loads side by side, each on its own event
     * loop (a thread of its own) with its share of the streams, and merges their results.
     *
     * @param part runs one load: (its index, its number of streams) to its result
     */
    static LoadResult inParallel(String label, int threads, int total, PartRunner part) throws Exception {
        if (threads < 1 || threads > total) {
            throw new IllegalArgumentException("--threads must be between 1 and the number of streams (" + total
                    + "), was " + threads);
        }
        if (threads == 1) {
            return part.run(0, total);
        }
        ExecutorService runners = Executors.newFixedThreadPool(threads);
        try {
            List<Future<LoadResult>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                int share = total / threads + (i < total % threads ? 1 : 0);
                running.add(runners.submit(() -> part.run(index, share)));
            }
            List<LoadResult> parts = new ArrayList<>();
            for (Future<LoadResult> result : running) {
                parts.add(result.get());
            }
            return merge(label, parts);
        } finally {
            runners.shutdownNow();
        }
    }

    /** One part of a load run in parallel. */
    @FunctionalInterface
    interface PartRunner {
        LoadResult run(int index, int streams) throws Exception;
    }

    double messagesPerSecond() {
        return messages / seconds;
    }

    /** Payload MiB per second, one way (each byte also came back). */
    double mebibytesPerSecond() {
        return messages * (double) size / seconds / (1 << 20);
    }

    double lossPercent() {
        long sent = messages + lost;
        return sent == 0 ? 0 : 100.0 * lost / sent;
    }

    static String header() {
        return String.format(Locale.ROOT, "%-34s %12s %9s %8s %8s %8s %9s %9s %7s %7s",
                "load", "msgs/s", "MiB/s", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "errors", "loss %");
    }

    String row() {
        return String.format(Locale.ROOT, "%-34s %,12.0f %9.1f %8d %8d %8d %9d %9d %7d %7.2f",
                label, messagesPerSecond(), mebibytesPerSecond(), percentile(50), percentile(90), percentile(99),
                percentile(99.9), roundTrip.getMaxValue(), errors, lossPercent());
    }

    long percentile(double p) {
        return roundTrip.getValueAtPercentile(p);
    }

    String json() {
        return String.format(Locale.ROOT, "{\"load\":\"%s\",\"messages\":%d,\"size\":%d,\"seconds\":%.3f,"
                        + "\"msgsPerSec\":%.1f,\"mibPerSec\":%.3f,\"p50Us\":%d,\"p90Us\":%d,\"p99Us\":%d,"
                        + "\"p999Us\":%d,\"maxUs\":%d,\"errors\":%d,\"lost\":%d,\"lossPercent\":%.3f,"
                        + "\"cpuSeconds\":%.3f,\"serverCpuSeconds\":%.3f,%s\"histogram\":\"%s\"}",
                label.replace("\"", "'"), messages, size, seconds, messagesPerSecond(), mebibytesPerSecond(),
                percentile(50), percentile(90), percentile(99), percentile(99.9), roundTrip.getMaxValue(), errors, lost,
                lossPercent(), cpuSeconds, serverCpuSeconds, pace == null ? "" : String.format(Locale.ROOT,
                        "\"targetRate\":%.1f,\"sentRate\":%.1f,\"maxLagUs\":%d,\"burstShare\":%.6f,\"scheduleKept\":%b,",
                        pace.targetRate(), pace.sentRate(), pace.maxLagMicros(), pace.burstShare(), pace.kept()),
                HistogramCodec.encode(roundTrip));
    }
}
