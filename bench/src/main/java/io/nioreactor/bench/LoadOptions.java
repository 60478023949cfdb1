package io.nioreactor.bench;

import io.nioreactor.daemon.DurationConverter;
import io.nioreactor.daemon.ProcStats;
import io.nioreactor.daemon.SizeConverter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The flags the tcp and udp load commands share, as a picocli mixin. */
final class LoadOptions {

    /** Where the progress of all but the first part of a parallel load goes. */
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Option(names = "--threads", defaultValue = "1",
            description = "Load threads, one event loop each with its share of the connections or sockets"
                    + " (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", converter = TargetConverter.class,
            description = "The echo server to load.")
    InetSocketAddress target;

    @Option(names = "--depth", defaultValue = "1", description = "Messages in flight per connection or socket (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--size", defaultValue = "64", converter = SizeConverter.class,
            description = "Bytes per message (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
            description = "Load before measuring (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    /** A load run, measured for its CPU by {@link #runAndReport}. */
    @FunctionalInterface
    interface LoadRun {
        LoadResult run() throws Exception;
    }

    /**
     * Runs the load and reports it with this process's CPU time over the measured window (the
     * share of the whole run's CPU that the window is of warm-up plus window).
     */
    int runAndReport(LoadRun run) throws Exception {
        long pid = ProcessHandle.current().pid();
        long ticksBefore = ProcStats.cpuTicks(pid);
        LoadResult result = run.run();
        double cpuSeconds = (ProcStats.cpuTicks(pid) - ticksBefore) / (double) ProcStats.TICKS_PER_SECOND
                * windowShare(warmup, duration);
        return report(result, cpuSeconds);
    }

    /** The measured window's share of a run: CPU read around a whole run is scaled by it. */
    static double windowShare(Duration warmup, Duration duration) {
        return duration.toNanos() / (double) warmup.plus(duration).toNanos();
    }

    /** Prints the table, writes the JSON if asked; returns the exit code: 1 if any error. */
    int report(LoadResult result, double cpuSeconds) throws IOException {
        System.out.println(LoadResult.header());
        System.out.println(result.row());
        if (json != null) {
            Files.writeString(json, result.json(cpuSeconds) + System.lineSeparator());
        }
        if (result.errors() > 0) {
            System.err.println(result.errors() + " errors: echoed bytes differed from those sent, or connections failed");
            return 1;
        }
        return 0;
    }
}
