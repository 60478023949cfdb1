package io.nioreactor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nioreactor.core.TcpOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What a load run of {@code compare} measured, with the CPU time of the load and of the server
 * over exactly the measured window (read by the load at the window's edges): run in this JVM,
 * or in a JVM of its own (pinned) that reports as JSON. An open-loop run (a rate above 0) also
 * says how it kept its schedule ({@code pace}; {@code null} for a closed loop).
 */
record LoadOutcome(double messagesPerSecond, long p99Micros, long messages, long errors, double lossPercent,
        double cpuSeconds, double serverCpuSeconds, double seconds, Histogram roundTrip, LoadResult.Pace pace) {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** The load on event loops of this JVM; its CPU is this process's over the run, scaled to the window. */
    static LoadOutcome here(Scenario scenario, InetSocketAddress target, int threads, Duration warmup,
            Duration duration, long serverPid, double rate) throws Exception {
        LoadResult result = LoadResult.inParallel(scenario.name(), threads, scenario.streams(), (part, share) -> {
            double partRate = rate * share / scenario.streams();
            return !scenario.proto().equals("udp")
                    ? TcpLoad.run(target, scenario.proto().equals("tls") ? BenchTls.clientOptions() : TcpOptions.defaults(),
                            share, scenario.depth(), scenario.size(), warmup, duration, QUIET, serverPid, partRate)
                    : UdpLoad.run(target, share, scenario.depth(), scenario.size(), Duration.ofMillis(500), warmup,
                            duration, QUIET, serverPid, partRate);
        });
        return new LoadOutcome(result.messagesPerSecond(), result.percentile(99), result.messages(), result.errors(),
                result.lossPercent(), result.cpuSeconds(), result.serverCpuSeconds(), result.seconds(), result.roundTrip(),
                result.pace());
    }

    /**
     * The load as {@code bench tcp} or {@code bench udp} in a JVM of its own behind
     * {@code prefix} ({@code taskset -c 1}), read back from the JSON it writes.
     */
    static LoadOutcome inOwnJvm(Scenario scenario, InetSocketAddress target, int threads, Duration warmup,
            Duration duration, long serverPid, double rate, List<String> prefix) throws IOException, InterruptedException {
        Path json = Files.createTempFile("bench-load-", ".json");
        Path output = Files.createTempFile("bench-load-", ".log");
        try {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                    scenario.proto().equals("udp") ? "udp" : "tcp", "--target", target.getHostString() + ":" + target.getPort(),
                    scenario.proto().equals("udp") ? "--sockets" : "--connections", Integer.toString(scenario.streams()),
                    "--depth", Integer.toString(scenario.depth()), "--size", Integer.toString(scenario.size()),
                    "--threads", Integer.toString(threads), "--warmup", warmup.toMillis() + "ms",
                    "--duration", duration.toMillis() + "ms", "--server-pid", Long.toString(serverPid),
                    "--rate", Double.toString(rate), "--json", json.toString()));
            if (scenario.proto().equals("tls")) {
                command.add("--tls");
            }
            Process load = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            long seconds = warmup.plus(duration).toSeconds() + 60;
            try {
                if (!load.waitFor(seconds, TimeUnit.SECONDS)) {
                    throw new IOException("the load did not end within " + seconds + " s");
                }
            } finally {
                if (load.isAlive()) { // timed out or interrupted: not left running
                    load.destroyForcibly();
                }
            }
            String result = Files.readString(json).trim();
            if (result.isEmpty()) {
                throw new IOException("the load exited " + load.exitValue() + " without a result: "
                        + String.join(" ", Files.readAllLines(output)).trim());
            }
            return fromJson(result);
        } finally {
            Files.deleteIfExists(json);
            Files.deleteIfExists(output);
        }
    }

    /** Reads the fields of {@link LoadResult#json()}. */
    static LoadOutcome fromJson(String json) throws IOException {
        JsonNode result = new ObjectMapper().readTree(json);
        return new LoadOutcome(number(result, "msgsPerSec"), (long) number(result, "p99Us"),
                (long) number(result, "messages"), (long) number(result, "errors"), number(result, "lossPercent"),
                number(result, "cpuSeconds"), number(result, "serverCpuSeconds"), number(result, "seconds"),
                HistogramCodec.decode(field(result, "histogram").asText()),
                result.has("targetRate") ? new LoadResult.Pace(number(result, "targetRate"), number(result, "sentRate"),
                        (long) number(result, "maxLagUs"), result.path("burstShare").asDouble()) : null);
    }

    private static double number(JsonNode result, String key) throws IOException {
        return field(result, key).asDouble();
    }

    private static JsonNode field(JsonNode result, String key) throws IOException {
        JsonNode value = result.get(key);
        if (value == null) {
            throw new IOException("no " + key + " in the load's result: " + result);
        }
        return value;
    }
}
