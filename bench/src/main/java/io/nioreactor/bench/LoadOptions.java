package io.nioreactor.bench;

import io.nioreactor.daemon.DurationConverter;
import io.nioreactor.daemon.SizeConverter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

    @Option(names = "--depth", defaultValue = "1", description = "Messages in flight per connection or socket"
            + " (default: ${DEFAULT-VALUE}); with --rate, messages sent together in one write (pipelined).")
    int depth;

    double rate;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "Open loop: send R messages per second over all connections or sockets on a fixed schedule,"
                    + " whatever comes back, and time each round trip from when its message was due, so a stall"
                    + " shows as the queue behind it (0, the default: closed loop). A load that cannot keep the"
                    + " schedule says so and exits 3.")
    void rate(double perSecond) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--rate': " + perSecond
                    + " must be 0 (closed loop) or a rate above it");
        }
        this.rate = perSecond;
    }

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

    @Option(names = "--hgrm", paramLabel = "FILE",
            description = "Also write the round trips' percentile distribution to FILE in HdrHistogram's .hgrm"
                    + " format, in milliseconds as its plotter and wrk2 have them (to the microsecond).")
    Path hgrm;

    @Option(names = "--server-pid", paramLabel = "PID", defaultValue = "0",
            description = "Also read this process's CPU time (the server's, from /proc) over the measured window,"
                    + " for the JSON.")
    long serverPid;

    /** Exit code of an open-loop load that could not send at the rate asked for. */
    static final int EXIT_SCHEDULE_MISSED = 3;

    /** The share of {@link #rate} of a part with {@code share} of the {@code total} streams; 0 for a closed loop. */
    double rateOf(int share, int total) {
        return rate * share / total;
    }

    /** {@code ", 20,000/s"} for an open loop, else nothing. */
    String rateLabel() {
        return rate > 0 ? String.format(java.util.Locale.ROOT, ", %,.0f/s", rate) : "";
    }

    /**
     * Prints the table, writes the JSON if asked; returns the exit code: 3 if an open loop did not
     * keep its schedule, 1 if any error.
     */
    int report(LoadResult result) throws IOException {
        System.out.println(LoadResult.header());
        System.out.println(result.row());
        LoadResult.Pace pace = result.pace();
        if (pace != null) {
            System.out.printf(java.util.Locale.ROOT, "open loop: %,.0f msgs/s asked, %,.0f sent (%.1f%%), the latest"
                    + " send %,d us after it was due%n", pace.targetRate(), pace.sentRate(),
                    100 * pace.sentRate() / pace.targetRate(), pace.maxLagMicros());
        }
        if (json != null) {
            Files.writeString(json, result.json() + System.lineSeparator());
        }
        if (hgrm != null) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), false, java.nio.charset.StandardCharsets.US_ASCII)) {
                result.roundTrip().outputPercentileDistribution(out, 1000.0); // recorded in us, written in ms
            }
        }
        boolean missed = pace != null && !pace.kept();
        if (missed) {
            System.err.printf(java.util.Locale.ROOT, "could not keep the schedule: sent %,.0f of %,.0f msgs/s asked"
                    + " (not within %.0f-%.0f%%; the latest send %,d us late): the load or the server is saturated at"
                    + " this rate, and its round trips do not describe the server at it%n", pace.sentRate(),
                    pace.targetRate(), LoadResult.KEPT * 100, LoadResult.CATCHING_UP * 100, pace.maxLagMicros());
        }
        if (result.errors() > 0) {
            System.err.println(result.errors() + " errors: echoed bytes differed from those sent, or connections failed");
            return 1;
        }
        return missed ? EXIT_SCHEDULE_MISSED : 0;
    }
}
