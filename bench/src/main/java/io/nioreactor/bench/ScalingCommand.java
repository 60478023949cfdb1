package io.nioreactor.bench;

import io.nioreactor.daemon.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench scaling}: one scenario against the reactor with 1, 2, ... loops, to see what each
 * added loop buys (throughput, server CPU per message) and how evenly the loops share the work.
 */
@Command(name = "scaling", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one scenario against the reactor with 1, 2, ... N event loops and prints throughput,"
                + " server CPU per message and how evenly the loops were loaded.")
final class ScalingCommand implements Callable<Integer> {

    @Option(names = "--scenario", defaultValue = "many",
            description = "pingpong, pipelined, many, bulk or udp (default: ${DEFAULT-VALUE}).")
    private String scenarioName;

    @Option(names = "--max-loops", paramLabel = "N",
            description = "Up to this many loops (default: the number of available processors).")
    private Integer maxLoops;

    @Option(names = "--rounds", defaultValue = "3", description = "Runs per loop count (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--duration", defaultValue = "5s", converter = DurationConverter.class,
            description = "Measured time per run (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
            description = "Load before measuring (default: ${DEFAULT-VALUE}).")
    private Duration warmup;

    @Option(names = "--client-threads", defaultValue = "1", paramLabel = "N",
            description = "Load threads (default: ${DEFAULT-VALUE}).")
    private int clientThreads;

    @Option(names = "--server-java", paramLabel = "PATH", description = "The java that runs the servers.")
    private Path serverJava;

    @Override
    public Integer call() throws Exception {
        Scenario scenario = Scenario.defaults(0).stream().filter(s -> s.name().equals(scenarioName) && !s.idle())
                .findFirst().orElse(null);
        if (scenario == null) {
            System.err.println("Invalid value for option '--scenario': " + scenarioName
                    + " (pingpong, pipelined, many, bulk or udp)");
            return 2;
        }
        int max = maxLoops != null ? maxLoops : Runtime.getRuntime().availableProcessors();
        String java = serverJava != null ? serverJava.toString()
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.println("== " + scenario.title() + ", reactor with 1.." + max + " loops, " + rounds
                + " rounds, load on " + clientThreads + " thread(s) ==");
        System.out.println(String.format(Locale.ROOT, "%-6s %14s %12s %12s %12s  %s",
                "loops", "msgs/s median", "min", "max", "CPU us/msg", "served per loop (last run)"));
        for (int loops = 1; loops <= max; loops++) {
            double[] rates = new double[rounds];
            double cpu = 0;
            String spread = "";
            for (int round = 0; round < rounds; round++) {
                ServerProcess server = ServerProcess.start(java, "reactor", scenario.proto(), loops);
                Sample sample;
                try {
                    sample = CompareCommand.measure(scenario, server, warmup, duration, clientThreads,
                            Pinning.none(loops, clientThreads));
                } finally {
                    server.close();
                }
                rates[round] = sample.value();
                cpu += sample.cpuMicrosPerMessage() / rounds;
                spread = server.servedPerLoop() + evenness(server.servedPerLoop());
            }
            Arrays.sort(rates);
            System.out.println(String.format(Locale.ROOT, "%-6d %,14.0f %,12.0f %,12.0f %12.2f  %s",
                    loops, rates[rounds / 2], rates[0], rates[rounds - 1], cpu, spread));
        }
        return 0;
    }

    /** " (max/min 1.04)": how far the busiest loop is from the least busy. */
    private static String evenness(String servedPerLoop) {
        if (servedPerLoop == null || !servedPerLoop.contains(",")) {
            return "";
        }
        long[] counts = Arrays.stream(servedPerLoop.split(",")).mapToLong(Long::parseLong).toArray();
        long min = Arrays.stream(counts).min().orElse(0);
        long max = Arrays.stream(counts).max().orElse(0);
        return min == 0 ? " (a loop served none)" : String.format(Locale.ROOT, " (max/min %.2f)", max / (double) min);
    }
}
