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

    @Option(names = "--hgrm", paramLabel = "FILE",
            description = "Also write the round trips' percentile distribution to FILE in HdrHistogram's .hgrm"
                    + " format (microseconds), which its plotter and other tools read.")
    Path hgrm;

    @Option(names = "--server-pid", paramLabel = "PID", defaultValue = "0",
            description = "Also read this process's CPU time (the server's, from /proc) over the measured window,"
                    + " for the JSON.")
    long serverPid;

    /** Prints the table, writes the JSON if asked; returns the exit code: 1 if any error. */
    int report(LoadResult result) throws IOException {
        System.out.println(LoadResult.header());
        System.out.println(result.row());
        if (json != null) {
            Files.writeString(json, result.json() + System.lineSeparator());
        }
        if (hgrm != null) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), false, java.nio.charset.StandardCharsets.US_ASCII)) {
                result.roundTrip().outputPercentileDistribution(out, 1.0);
            }
        }
        if (result.errors() > 0) {
            System.err.println(result.errors() + " errors: echoed bytes differed from those sent, or connections failed");
            return 1;
        }
        return 0;
    }
}
