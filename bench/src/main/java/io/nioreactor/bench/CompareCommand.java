package io.nioreactor.bench;

import io.nioreactor.daemon.DurationConverter;
import io.nioreactor.daemon.ProcStats;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench compare}: each server in its own JVM, the same scenarios against each,
 * interleaved round by round with the order rotated each round, then median, min and max per scenario, the ratio
 * to this reactor, and the server's CPU time and memory read from /proc.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the same scenarios against each server implementation, interleaved, and compares.")
final class CompareCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--impls", defaultValue = "reactor,netty,netty-epoll,netty-io_uring,blocking", split = ",",
            description = "Servers to compare: reactor, netty (NIO), netty-epoll, netty-io_uring, blocking, virtual;"
                    + " with --tls also reactor-openssl and netty-openssl (and netty-epoll-openssl...: OpenSSL's engine)"
                    + " and reactor-accp (the JDK's engine on Amazon Corretto Crypto Provider)"
                    + " (default: ${DEFAULT-VALUE}).")
    private List<String> impls;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "pingpong, pipelined, many, bulk, udp, idle (default: all).")
    private List<String> scenarioNames;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--duration", defaultValue = "5s", converter = DurationConverter.class,
            description = "Measured time per run (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
            description = "Load before measuring, per run (default: ${DEFAULT-VALUE}).")
    private Duration warmup;

    @Option(names = "--idle-connections", defaultValue = "10000",
            description = "Connections of the idle scenario (default: ${DEFAULT-VALUE}).")
    private int idleConnections;

    @Option(names = "--server-java", paramLabel = "PATH",
            description = "The java that runs the servers (default: this one). virtual needs 21+.")
    private String serverJava;

    @Option(names = "--server-threads", defaultValue = "1", paramLabel = "N",
            description = "Event loops of the reactor and worker threads of Netty's TCP servers (default: ${DEFAULT-VALUE}).")
    private int serverThreads;

    @Option(names = "--client-threads", defaultValue = "1", paramLabel = "N",
            description = "Load threads, each with its share of a scenario's connections (default: ${DEFAULT-VALUE}).")
    private int clientThreads;

    @Option(names = "--server-java-opts", paramLabel = "OPTIONS", defaultValue = "",
            description = "JVM options for every server, separated by spaces (\"-XX:AutoBoxCacheMax=65536\", say),"
                    + " after the defaults -Xms64m -Xmx512m, so the same option given here wins.")
    private String serverJavaOpts;

    @Option(names = "--pin", description = "Run each server under taskset on its own cores (as many as"
            + " --server-threads, all but one at most) and the load in a JVM of its own on the others, so that"
            + " neither takes the other's CPU; without taskset on the PATH, says so and runs unpinned.")
    private boolean pin;

    @Option(names = "--tls", description = "The TCP scenarios over TLS (the reactor against Netty's SslHandler, on the"
            + " JDK's SSLEngine, or on OpenSSL's with the -openssl servers; the bench's certificate), idle connections"
            + " after a handshake; udp is left out.")
    private boolean tls;

    @Option(names = "--latency", description = "After the rounds, for each scenario, open-loop runs at fixed offered rates"
            + " (--load-levels of the slowest server's median peak, the same rates for every server), each round trip"
            + " timed from when its message was due: a table of p50, p99, p99.9 and max per rate and server, and"
            + " with --plot a latency-versus-load chart.")
    private boolean latency;

    @Option(names = "--load-levels", split = ",", paramLabel = "PERCENT", defaultValue = "10,50,80,90,95",
            description = "With --latency, the offered rates as percents of the slowest peak (default: ${DEFAULT-VALUE}).")
    private List<Double> loadLevels;

    @Option(names = "--latency-rounds", defaultValue = "1", paramLabel = "N",
            description = "With --latency, runs per server and load level, interleaved; the table and the chart take"
                    + " the run of median p99 and give the range (default: ${DEFAULT-VALUE}).")
    private int latencyRounds;

    @Option(names = "--hgrm", paramLabel = "DIR",
            description = "Also write each run's round-trip percentile distribution to DIR, in HdrHistogram's .hgrm"
                    + " format, in milliseconds as its plotter has them: SCENARIO-IMPL-roundN.hgrm, and with --latency"
                    + " SCENARIO-IMPL-PCTpct.hgrm (e.g. pingpong-reactor-99.5pct.hgrm).")
    private Path hgrm;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every sample as JSON to FILE.")
    private Path json;

    @Option(names = "--plot", paramLabel = "FILE.png", converter = PngFileConverter.class,
            description = "Also draw, per scenario, each server's throughput (bars) and round-trip percentiles"
                    + " (curves) into FILE.png.")
    private Path plot;

    @Override
    public Integer call() throws Exception {
        List<Scenario> scenarios = selectedScenarios();
        if (tls) {
            List<Scenario> overTls = new ArrayList<>();
            for (Scenario scenario : scenarios) {
                if (scenario.proto().equals("tcp")) {
                    overTls.add(scenario.overTls());
                } else {
                    System.out.println("--tls: " + scenario.name() + " left out (TLS is over TCP)");
                }
            }
            scenarios = overTls;
        }
        String java = serverJava != null ? serverJava
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, Map<String, List<Sample>>> samples = new LinkedHashMap<>(); // scenario -> impl -> samples
        long errors = 0;
        Pinning pinning = pin ? Pinning.split(serverThreads, clientThreads, System.getenv("PATH"), System.out)
                : Pinning.none(serverThreads, clientThreads);
        List<String> jvmOptions = serverJavaOpts.isBlank() ? List.of() : List.of(serverJavaOpts.trim().split("\\s+"));
        if (latencyRounds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--latency-rounds': " + latencyRounds + " must be at least 1");
        }
        for (double level : loadLevels) {
            if (!(level > 0 && level <= 100)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--load-levels': " + level + " is not a percent above 0 and up to 100");
            }
        }
        if (hgrm != null) {
            Files.createDirectories(hgrm);
        }
        List<LatencyPoint> points = new ArrayList<>();
        try (ServerPool servers = new ServerPool(java, jvmOptions, serverThreads, pinning)) {
            for (int round = 1; round <= rounds; round++) {
                for (Scenario scenario : scenarios) {
                    for (String impl : rotated(impls, round - 1)) {
                        Sample sample = runSafely(scenario, impl, servers, pinning);
                        if (sample == null) {
                            continue; // this server could not start; said once, reported below
                        }
                        errors += sample.errors();
                        samples.computeIfAbsent(scenario.name(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(impl, k -> new ArrayList<>()).add(sample);
                        writeHgrm(sample, scenario.name() + "-" + impl + "-round" + round);
                        System.err.printf(Locale.ROOT, "round %d/%d %-9s %-8s %,14.1f%s%s%n", round, rounds,
                                scenario.name(), impl, sample.value(), scenario.idle() ? " KiB/conn" : " msgs/s",
                                sample.note() == null ? "" : " (" + sample.note() + ")");
                    }
                }
            }
            if (latency) {
                for (Scenario scenario : scenarios) {
                    if (!scenario.idle()) {
                        points.addAll(latencyRuns(scenario, samples.getOrDefault(scenario.name(), Map.of()), servers,
                                pinning));
                    }
                }
                errors += points.stream().mapToLong(p -> p.sample().errors()).sum();
            }
            servers.reportSkipped(System.out);
        }
        if (!jvmOptions.isEmpty()) {
            System.out.println("server JVM options: " + String.join(" ", jvmOptions));
        }
        CompareReport report = new CompareReport(scenarios, impls, samples, points,
                RunContext.here(pinning, serverJava));
        report.print(System.out, rounds, duration, warmup, pinning);
        LatencyTable.print(System.out, report);
        if (json != null) {
            Files.writeString(json, report.json());
        }
        if (plot != null) {
            new ComparePlot(report).writePng(plot);
            System.out.println("chart written to " + plot);
        }
        if (errors > 0) {
            System.err.println(errors + " load errors: some echoes were wrong or connections failed");
            return 1;
        }
        return 0;
    }

    /**
     * The open-loop runs of one scenario: at each load level, a share of the slowest server's
     * median peak, every server in turn (the order rotated per level), one run each.
     */
    private List<LatencyPoint> latencyRuns(Scenario scenario, Map<String, List<Sample>> peaks, ServerPool servers,
            Pinning pinning) throws InterruptedException {
        String slowest = null;
        double slowestPeak = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, List<Sample>> peak : peaks.entrySet()) {
            double median = CompareReport.median(peak.getValue());
            if (Double.isFinite(median) && median > 0 && median < slowestPeak) {
                slowest = peak.getKey();
                slowestPeak = median;
            }
        }
        List<LatencyPoint> points = new ArrayList<>();
        if (slowest == null) {
            System.err.println(scenario.name() + ": no closed-loop peak to take the offered rates from: no latency runs");
            return points;
        }
        for (int i = 0; i < loadLevels.size() * latencyRounds; i++) {
            double fraction = loadLevels.get(i / latencyRounds) / 100;
            double rate = slowestPeak * fraction;
            int round = i % latencyRounds + 1;
            for (String impl : rotated(impls, i)) {
                ServerProcess server = servers.get(impl, scenario.proto());
                if (server == null) {
                    continue;
                }
                LatencyPoint point;
                try {
                    LoadOutcome load = load(scenario, server, warmup, duration, clientThreads, pinning, rate);
                    point = new LatencyPoint(scenario.name(), impl, fraction, rate, sample(load, server.pid(), pinning),
                            load.pace());
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    point = new LatencyPoint(scenario.name(), impl, fraction, rate,
                            new Sample(Double.NaN, 0, 0, 0, 0, 1, 0, "run failed: " + e.getMessage()), null);
                }
                points.add(point);
                writeHgrm(point.sample(), String.format(Locale.ROOT, "%s-%s-%spct%s", scenario.name(), impl,
                        BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString(),
                        latencyRounds > 1 ? "-round" + round : ""));
                System.err.printf(Locale.ROOT, "latency %-9s %3.0f%% of %s's %,.0f: %-8s %,12.0f msgs/s offered, p99"
                        + " %,d us%s%n", scenario.name(), fraction * 100, slowest, slowestPeak, impl, rate,
                        point.percentile(99), point.valid() ? "" : " (not valid: " + (point.pace() == null
                                ? point.sample().note() : "sent " + Math.round(point.pace().sentRate()) + "/s") + ")");
            }
        }
        return points;
    }

    /** With --hgrm, the run's round trips as HdrHistogram's percentile distribution, in milliseconds. */
    private void writeHgrm(Sample sample, String name) {
        if (hgrm == null || sample.roundTrip() == null) {
            return;
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm.resolve(name + ".hgrm")), false,
                java.nio.charset.StandardCharsets.US_ASCII)) {
            sample.roundTrip().outputPercentileDistribution(out, 1000.0); // recorded in us, written in ms
        } catch (IOException e) {
            System.err.println("cannot write " + hgrm.resolve(name + ".hgrm") + ": " + e.getMessage());
        }
    }

    /**
     * The order of a round: A B C, then B C A, then C A B. Whoever runs first after a change of
     * scenario meets a colder client (seen: a steady 5% on ping-pong), so no one keeps that slot.
     */
    static List<String> rotated(List<String> impls, int by) {
        List<String> order = new ArrayList<>(impls);
        Collections.rotate(order, -(by % order.size()));
        return order;
    }

    private List<Scenario> selectedScenarios() {
        List<Scenario> all = Scenario.defaults(idleConnections);
        if (scenarioNames == null) {
            return all;
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : scenarioNames) {
            chosen.add(all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown scenario '" + name + "'")));
        }
        return chosen;
    }

    /**
     * One run; {@code null} if the server could not start. A run that fails (a server that stops
     * answering, say) is a sample with a note and an error. The idle scenario gets a fresh server
     * each time: what a previous run left behind (a thread pool's idle threads) would skew its
     * memory baseline.
     */
    private Sample runSafely(Scenario scenario, String impl, ServerPool servers, Pinning pinning)
            throws InterruptedException {
        try {
            if (scenario.idle()) {
                try (ServerProcess fresh = servers.startFresh(impl, scenario.proto())) {
                    return fresh == null ? null : IdleMeasurement.measure(fresh, scenario.streams(),
                            scenario.proto().equals("tls"));
                }
            }
            ServerProcess server = servers.get(impl, scenario.proto());
            return server == null ? null : measure(scenario, server, warmup, duration, clientThreads, pinning);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return new Sample(Double.NaN, 0, 0, 0, 0, 1, 0, "run failed: " + e.getMessage());
        }
    }

    /**
     * Runs a load scenario against a running server and reads the CPU of both sides and the
     * server's RSS around it; the load runs here, or in a JVM of its own on its own cores when
     * pinned.
     *
     * @param clientThreads load threads, each with its share of the scenario's streams
     */
    static Sample measure(Scenario scenario, ServerProcess server, Duration warmup, Duration duration,
            int clientThreads, Pinning pinning) throws Exception {
        return sample(load(scenario, server, warmup, duration, clientThreads, pinning, 0), server.pid(), pinning);
    }

    /**
     * Runs a load against a running server: here, or in a JVM of its own on its own cores when pinned.
     *
     * @param rate open loop: messages per second; 0: closed loop
     */
    static LoadOutcome load(Scenario scenario, ServerProcess server, Duration warmup, Duration duration,
            int clientThreads, Pinning pinning, double rate) throws Exception {
        long pid = server.pid();
        int threads = Math.min(clientThreads, scenario.streams());
        return pinning.pinned()
                ? LoadOutcome.inOwnJvm(scenario, server.address(), threads, warmup, duration, pid, rate,
                        pinning.clientPrefix())
                : LoadOutcome.here(scenario, server.address(), threads, warmup, duration, pid, rate);
    }

    /** A load's figures, with the server's RSS read now. */
    static Sample sample(LoadOutcome load, long pid, Pinning pinning) throws IOException {
        return new Sample(load.messagesPerSecond(), load.p99Micros(), Math.max(0, load.serverCpuSeconds()),
                load.messages(), ProcStats.residentKib(pid), load.errors(), load.lossPercent(), null, load.cpuSeconds(),
                load.seconds(), pinning.serverCores(), pinning.clientCores(), load.roundTrip());
    }

    /** Starts each (implementation, protocol) server once, on first use; remembers why one could not start. */
    private static final class ServerPool implements AutoCloseable {
        private final String java;
        private final List<String> jvmOptions;
        private final int threads;
        private final Pinning pinning;
        private final Map<String, ServerProcess> running = new LinkedHashMap<>();
        private final Map<String, String> skipped = new LinkedHashMap<>();

        ServerPool(String java, List<String> jvmOptions, int threads, Pinning pinning) {
            this.java = java;
            this.jvmOptions = jvmOptions;
            this.threads = threads;
            this.pinning = pinning;
        }

        ServerProcess get(String impl, String proto) throws InterruptedException {
            String key = impl + "/" + proto;
            if (skipped.containsKey(key)) {
                return null;
            }
            ServerProcess server = running.get(key);
            if (server == null) {
                try {
                    server = ServerProcess.start(pinning.serverPrefix(), java, jvmOptions, impl, proto, threads);
                    running.put(key, server);
                } catch (IOException e) {
                    skipped.put(key, e.getMessage());
                    System.err.println(key + ": skipped: " + e.getMessage());
                }
            }
            return server;
        }

        /** A new server of its own, which the caller closes; {@code null} if it cannot start. */
        ServerProcess startFresh(String impl, String proto) throws InterruptedException {
            String key = impl + "/" + proto;
            if (skipped.containsKey(key)) {
                return null;
            }
            try {
                return ServerProcess.start(pinning.serverPrefix(), java, jvmOptions, impl, proto, threads);
            } catch (IOException e) {
                skipped.put(key, e.getMessage());
                System.err.println(key + ": skipped: " + e.getMessage());
                return null;
            }
        }

        void reportSkipped(PrintStream out) {
            skipped.forEach((key, why) -> out.println("skipped " + key + ": " + why));
        }

        @Override
        public void close() throws IOException {
            for (ServerProcess server : running.values()) {
                server.close();
            }
        }
    }
}
