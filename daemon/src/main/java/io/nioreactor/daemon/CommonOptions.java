package io.nioreactor.daemon;

import io.nioreactor.core.LoopMetrics;
import io.nioreactor.core.LoopOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The flags both daemons take, as a picocli mixin. */
public final class CommonOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    // The order of --help: where it listens (10s), its loops and connections (20s), memory (30s),
    // TLS (40s), operations (50s). Each daemon's own flags take their place among these.

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", order = 10,
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: opens to the network).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7007", order = 11,
            description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}). Started with a socket as its"
                    + " standard input (a systemd socket unit, inetd), the daemon serves that one instead and refuses"
                    + " --host, --port and --share-port.")
    private int port;

    @Option(names = "--share-port", order = 13,
            description = "Share the port with other processes that ask for it too (SO_REUSEPORT), for instance a new"
                    + " version started beside the old one; without it a taken port is refused.")
    private boolean sharePort;

    @Option(names = "--threads", paramLabel = "N", order = 20,
            description = "Event loops, one thread each (default: the number of available processors).")
    private Integer threads;

    @Option(names = "--max-queued", paramLabel = "SIZE", converter = LargeSizeConverter.class, order = 33,
            description = "Bytes held for sending over all peers at most; beyond it reading pauses on those that hold"
                    + " queued bytes, so no number of slow peers can exhaust memory (default: a quarter of the JVM's"
                    + " direct-memory limit, which is -XX:MaxDirectMemorySize or else the maximum heap: here"
                    + " ${sys:nioreactor.defaultMaxQueued}; the rest is left to the read buffers, the pooled chunks and"
                    + " the rest of the process. -Xmx or JAVA_OPTS change it with the heap).")
    private Long maxQueued;

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            order = 50, description = "Log counts and rates at this interval, e.g. 10s; 0 = off (default).")
    private Duration statsInterval;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = HostPortConverter.class, order = 51,
            description = "Serve the daemon's metrics for Prometheus at http://HOST:PORT/metrics, e.g."
                    + " 127.0.0.1:9100 (default: off).")
    private java.net.InetSocketAddress metrics;

    @Option(names = "--pid-file", paramLabel = "FILE", order = 52,
            description = "Write the daemon's process id to FILE at start (for jcmd, say), removed at a graceful exit.")
    private java.nio.file.Path pidFile;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO", order = 53,
            description = "TRACE, DEBUG, INFO, WARN, ERROR or OFF (default: ${DEFAULT-VALUE}).")
    private LogLevel logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = LogFormatConverter.class,
            order = 54, description = "text, or json: one JSON object per line (ISO-8601 timestamp, level, logger,"
                    + " message, and a stats line's figures as fields) on the console and any other appender of the"
                    + " configuration (default: ${DEFAULT-VALUE}).")
    private LogFormat logFormat;

    /** {@code text} or {@code json}, either case. */
    static final class LogFormatConverter implements picocli.CommandLine.ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not text or json");
            }
        }
    }

    /**
     * Checks the values and applies the log level.
     *
     * @return the address to bind
     * @throws picocli.CommandLine.ParameterException naming the flag of a bad value
     */
    public InetSocketAddress validateAndApply() {
        check(port >= 0 && port <= 65_535, "--port", port + " is not in 0..65535");
        check(!statsInterval.isNegative(), "--stats-interval", DurationConverter.text(statsInterval)
                + " must not be negative");
        check(maxQueued == null || maxQueued >= 64 * 1024, "--max-queued", maxQueued + " must be at least 64KiB");
        check(threads == null || threads >= 1, "--threads", threads + " must be at least 1");
        InetSocketAddress address = new InetSocketAddress(host, port);
        check(!address.isUnresolved(), "--host", "cannot resolve '" + host + "'");
        logFormat.apply();
        logLevel.apply();
        return address;
    }

    /**
     * Fails with a usage error naming {@code flag} unless {@code ok}.
     *
     * @param ok   the condition
     * @param flag the flag whose value is wrong
     * @param why  what is wrong with it
     */
    public void check(boolean ok, String flag, String why) {
        if (!ok) {
            throw DaemonMain.usageError(spec, "Invalid value for option '" + flag + "': " + why);
        }
    }

    /**
     * Refuses an address given as well as an inherited socket, with one line: the daemon serves the
     * socket it was started with, and would otherwise silently ignore the flag.
     *
     * @param inherited what the process was started with
     * @param flags     the daemon's own address flags, beside {@code --host}, {@code --port} and
     *                  {@code --share-port}
     * @throws picocli.CommandLine.ParameterException naming the first such flag given
     */
    public void refuseAddressFlags(InheritedSocket inherited, String... flags) {
        List<String> addressFlags = new ArrayList<>(List.of("--host", "--port", "--share-port"));
        addressFlags.addAll(List.of(flags));
        for (String flag : addressFlags) {
            check(!spec.commandLine().getParseResult().hasMatchedOption(flag), flag, "standard input is "
                    + inherited.kind() + ", which the daemon serves (socket activation); leave out " + flag);
        }
    }

    /**
     * Fails with a usage error of one line, as it reads.
     *
     * @param message what is wrong
     * @throws picocli.CommandLine.ParameterException always
     */
    public void fail(String message) {
        throw DaemonMain.usageError(spec, message);
    }

    /** @return the number of event loops: {@code --threads}, or the available processors */
    public int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** @return whether to share the port on purpose with other processes ({@code --share-port}) */
    public boolean sharePort() {
        return sharePort;
    }

    /** @return the loops' settings: the send budget of {@code --max-queued} (for all loops), or the default */
    public LoopOptions loopOptions() {
        return maxQueued == null ? LoopOptions.defaults() : LoopOptions.builder().maxQueuedBytes(maxQueued).build();
    }

    /**
     * Adds the figures both daemons show of their send budget and their loops to a stats line:
     * {@code queued 0 B (peak 64.0 KiB) of a 1.5 GiB budget | budget spent 0 times | allocation
     * failures 0 | longest iteration 2 ms in the last minute, blocked 0 times}.
     *
     * @param line the stats line
     * @param m    the loops' metrics
     * @return the line
     */
    public static StatsLine budgetStats(StatsLine line, LoopMetrics m) {
        long recentMillis = m.longestRecentIterationNanos() / 1_000_000;
        return line.add("queued " + Rates.bytes(m.queuedBytes()) + " (peak " + Rates.bytes(m.peakQueuedBytes()) + ") of a "
                        + Rates.bytes(m.maxQueuedBytes()) + " budget", "queuedBytes", m.queuedBytes(),
                        "peakQueuedBytes", m.peakQueuedBytes(), "maxQueuedBytes", m.maxQueuedBytes())
                .add("budget spent " + m.queueBudgetExhaustions() + " times", "budgetExhaustions",
                        m.queueBudgetExhaustions())
                .add("allocation failures " + m.bufferAllocationFailures(), "allocationFailures",
                        m.bufferAllocationFailures())
                .add("longest iteration " + recentMillis + " ms in the last minute, blocked " + m.blockedIterations()
                        + " times", "longestRecentIterationMillis", recentMillis, "blockedIterations",
                        m.blockedIterations());
    }

    /** @return where to serve the metrics for Prometheus, or {@code null} for nowhere */
    public java.net.InetSocketAddress metricsAddress() {
        return metrics;
    }

    /** @return the file to write the process id to, or {@code null} */
    public java.nio.file.Path pidFile() {
        return pidFile;
    }

    /** @return the stats interval; zero means off */
    public Duration statsInterval() {
        return statsInterval;
    }
}
