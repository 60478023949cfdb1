package io.nioreactor.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The comparison tables: per scenario, per implementation, median / min / max over the rounds. */
final class CompareReport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<Scenario> scenarios;
    private final List<String> impls;
    private final Map<String, Map<String, List<Sample>>> samples;
    private final List<LatencyPoint> latency;
    private final RunContext context;

    CompareReport(List<Scenario> scenarios, List<String> impls, Map<String, Map<String, List<Sample>>> samples) {
        this(scenarios, impls, samples, List.of(), null);
    }

    /**
     * @param latency the open-loop runs of {@code --latency}, if any
     * @param context where and how it ran; {@code null} if unknown (an older JSON)
     */
    CompareReport(List<Scenario> scenarios, List<String> impls, Map<String, Map<String, List<Sample>>> samples,
            List<LatencyPoint> latency, RunContext context) {
        this.scenarios = scenarios;
        this.impls = impls;
        this.samples = samples;
        this.latency = List.copyOf(latency);
        this.context = context;
    }

    void print(PrintStream out, int rounds, Duration duration, Duration warmup, Pinning pinning) {
        out.printf(Locale.ROOT, "%nrounds %d, %d s measured after %d s warm-up per run; servers in their own JVMs"
                + " (-Xmx512m); %s; %d cores%n",
                rounds, duration.toSeconds(), warmup.toSeconds(), pinning.describe(),
                Runtime.getRuntime().availableProcessors());
        if (context != null) {
            out.println(context.line());
        }
        out.printf(Locale.ROOT, "srv/cli CPU %%: each side's CPU over the window, of the %d core(s) the server and the"
                + " %d the load could use; client-bound: the server had CPU to spare (< %.0f%%) while the load's"
                + " cores were full: such a row measures the client%n",
                pinning.serverCores(), pinning.clientCores(), Sample.SATURATED * 100);
        for (Scenario scenario : scenarios) {
            Map<String, List<Sample>> byImpl = samples.get(scenario.name());
            if (byImpl == null) {
                continue;
            }
            out.printf("%n== %s ==%n", scenario.title());
            double reactor = byImpl.containsKey("reactor") ? median(byImpl.get("reactor")) : Double.NaN;
            if (scenario.idle()) {
                out.printf("%-14s %14s %10s %10s %11s %9s%n", "impl", "KiB/conn med", "min", "max", "vs reactor", "RSS MiB");
            } else {
                out.printf("%-14s %14s %12s %12s %11s %8s %11s %9s %8s %7s %8s %8s %11s%n", "impl", "msgs/s median", "min",
                        "max", "vs reactor", "p99 us", "CPU us/msg", "RSS MiB", "loss %", "errors", "srv CPU%",
                        "cli CPU%", "cli us/msg");
            }
            for (String impl : impls) {
                List<Sample> runs = byImpl.get(impl);
                if (runs == null) {
                    continue;
                }
                double median = median(runs);
                Sample mid = representative(runs);
                if (scenario.idle()) {
                    out.printf(Locale.ROOT, "%-14s %14.2f %10.2f %10.2f %11.2f %9.0f%s%n", impl, median, min(runs),
                            max(runs), median / reactor, mid.rssKib() / 1024.0, notes(runs));
                } else {
                    out.printf(Locale.ROOT, "%-14s %,14.0f %,12.0f %,12.0f %11.2f %8d %11.2f %9.0f %8.2f %7d %8.0f %8.0f %11.2f%s%n",
                            impl, median, min(runs), max(runs), median / reactor, mid.p99Micros(),
                            mid.cpuMicrosPerMessage(), mid.rssKib() / 1024.0, mid.lossPercent(),
                            runs.stream().mapToLong(Sample::errors).sum(), mid.serverBusy() * 100,
                            mid.clientBusy() * 100, mid.clientCpuMicrosPerMessage(),
                            mid.clientBound() ? "  client-bound" : "");
                }
            }
        }
    }

    /** The distinct notes of the runs, e.g. a server that could not hold every idle connection. */
    private static String notes(List<Sample> runs) {
        String notes = runs.stream().map(Sample::note).filter(n -> n != null).distinct()
                .reduce((a, b) -> a + "; " + b).orElse("");
        return notes.isEmpty() ? "" : "  (" + notes + ")";
    }

    /**
     * Every sample as JSON, one row per line, self-contained: the scenario's shape, the figures of
     * the table and the round trips' histogram, so that {@link #fromJson} gives the same report.
     */
    String json() {
        StringJoiner rows = new StringJoiner(",\n  ", "[\n  ", "\n]\n");
        if (context != null) {
            ObjectNode row = MAPPER.createObjectNode();
            row.putObject("context").put("machine", context.machine()).put("jdk", context.jdk())
                    .put("pinning", context.pinning()).put("date", context.date());
            rows.add(write(row));
        }
        for (Scenario scenario : scenarios) {
            samples.getOrDefault(scenario.name(), Map.of()).forEach((impl, runs) -> {
                for (Sample s : runs) {
                    ObjectNode row = MAPPER.createObjectNode();
                    row.put("scenario", scenario.name()).put("impl", impl).put("value", decimal(s.value()))
                            .put("p99Us", s.p99Micros()).put("cpuSeconds", decimal(s.cpuSeconds()))
                            .put("messages", s.messages()).put("rssKib", s.rssKib()).put("errors", s.errors())
                            .put("lossPercent", decimal(s.lossPercent()))
                            .put("clientCpuSeconds", decimal(s.clientCpuSeconds()))
                            .put("serverBusy", decimal(s.serverBusy())).put("clientBusy", decimal(s.clientBusy()))
                            .put("clientBound", s.clientBound()).put("note", s.note())
                            .put("proto", scenario.proto()).put("streams", scenario.streams())
                            .put("depth", scenario.depth()).put("size", scenario.size())
                            .put("seconds", decimal(s.seconds())).put("serverCores", s.serverCores())
                            .put("clientCores", s.clientCores())
                            .put("histogram", s.roundTrip() == null ? null : HistogramCodec.encode(s.roundTrip()));
                    rows.add(write(row));
                }
            });
        }
        for (LatencyPoint point : latency) {
            Sample s = point.sample();
            ObjectNode row = MAPPER.createObjectNode();
            row.put("phase", "latency").put("scenario", point.scenario()).put("impl", point.impl())
                    .put("fraction", decimal(point.fraction())).put("rate", decimal(point.rate()))
                    .put("value", decimal(s.value())).put("messages", s.messages()).put("errors", s.errors())
                    .put("lossPercent", decimal(s.lossPercent())).put("note", s.note())
                    .put("p50Us", point.percentile(50)).put("p99Us", point.percentile(99))
                    .put("p999Us", point.percentile(99.9))
                    .put("maxUs", s.roundTrip() == null ? 0 : s.roundTrip().getMaxValue());
            if (point.pace() != null) {
                row.put("sentRate", decimal(point.pace().sentRate())).put("maxLagUs", point.pace().maxLagMicros())
                        .put("burstShare", point.pace().burstShare())
                        .put("scheduleKept", point.pace().kept());
            }
            row.put("histogram", s.roundTrip() == null ? null : HistogramCodec.encode(s.roundTrip()));
            rows.add(write(row));
        }
        return rows.toString();
    }

    private static String write(ObjectNode row) {
        try {
            return MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Three decimals, as the table shows them; NaN (a failed run) as null. */
    private static BigDecimal decimal(double value) {
        return Double.isFinite(value) ? BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP) : null;
    }

    /**
     * The report a {@link #json()} describes, scenarios and servers in their first order.
     *
     * @throws IOException if it is not such JSON
     */
    static CompareReport fromJson(String json) throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        List<String> impls = new ArrayList<>();
        Map<String, Map<String, List<Sample>>> samples = new LinkedHashMap<>();
        JsonNode rows = MAPPER.readTree(json);
        if (rows == null || !rows.isArray()) {
            throw new IOException("not a list of compare results");
        }
        List<LatencyPoint> latency = new ArrayList<>();
        RunContext context = null;
        for (JsonNode row : rows) {
            if (row.has("context")) {
                JsonNode c = row.get("context");
                context = new RunContext(c.path("machine").asText(), c.path("jdk").asText(), c.path("pinning").asText(),
                        c.path("date").asText());
                continue;
            }
            if (row.path("phase").asText().equals("latency")) {
                latency.add(latencyPoint(row));
                continue;
            }
            Scenario scenario = new Scenario(text(row, "scenario"), text(row, "proto"), field(row, "streams").asInt(),
                    field(row, "depth").asInt(), field(row, "size").asInt());
            String impl = text(row, "impl");
            if (!samples.containsKey(scenario.name())) {
                scenarios.add(scenario);
            }
            if (!impls.contains(impl)) {
                impls.add(impl);
            }
            JsonNode histogram = row.get("histogram");
            Sample sample = new Sample(field(row, "value").isNull() ? Double.NaN : field(row, "value").asDouble(),
                    field(row, "p99Us").asLong(), field(row, "cpuSeconds").asDouble(), field(row, "messages").asLong(),
                    field(row, "rssKib").asLong(), field(row, "errors").asLong(), field(row, "lossPercent").asDouble(),
                    row.hasNonNull("note") ? row.get("note").asText() : null, field(row, "clientCpuSeconds").asDouble(),
                    field(row, "seconds").asDouble(), field(row, "serverCores").asInt(),
                    field(row, "clientCores").asInt(),
                    histogram == null || histogram.isNull() ? null : HistogramCodec.decode(histogram.asText()));
            samples.computeIfAbsent(scenario.name(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(impl, k -> new ArrayList<>()).add(sample);
        }
        return new CompareReport(scenarios, impls, samples, latency, context);
    }

    private static LatencyPoint latencyPoint(JsonNode row) throws IOException {
        JsonNode histogram = row.get("histogram");
        Sample sample = new Sample(field(row, "value").asDouble(), field(row, "p99Us").asLong(), 0,
                field(row, "messages").asLong(), 0, field(row, "errors").asLong(), field(row, "lossPercent").asDouble(),
                row.hasNonNull("note") ? row.get("note").asText() : null, 0, 0, 0, 0,
                histogram == null || histogram.isNull() ? null : HistogramCodec.decode(histogram.asText()));
        LoadResult.Pace pace = row.has("sentRate") ? new LoadResult.Pace(field(row, "rate").asDouble(),
                row.get("sentRate").asDouble(), row.path("maxLagUs").asLong(), row.path("burstShare").asDouble()) : null;
        return new LatencyPoint(text(row, "scenario"), text(row, "impl"), field(row, "fraction").asDouble(),
                field(row, "rate").asDouble(), sample, pace);
    }

    private static String text(JsonNode row, String key) throws IOException {
        return field(row, key).asText();
    }

    private static JsonNode field(JsonNode row, String key) throws IOException {
        JsonNode value = row.get(key);
        if (value == null) {
            throw new IOException("a compare result without \"" + key + "\": " + row);
        }
        return value;
    }

    List<Scenario> scenarios() {
        return scenarios;
    }

    List<String> impls() {
        return impls;
    }

    /** The open-loop runs of {@code --latency}, in the order they ran; empty without it. */
    List<LatencyPoint> latency() {
        return latency;
    }

    /** The open-loop runs of one scenario, by offered rate then server (several runs of one: in the order they ran). */
    List<LatencyPoint> latency(String scenario) {
        return latency.stream().filter(p -> p.scenario().equals(scenario))
                .sorted(java.util.Comparator.comparingDouble(LatencyPoint::rate)
                        .thenComparing(p -> impls.indexOf(p.impl())))
                .collect(java.util.stream.Collectors.toList());
    }

    /**
     * Per offered rate and server, the run of median p99 among those that kept their schedule
     * (with an odd number of runs, the middle one; else the lower middle), or the first run if none
     * did; by rate, then server. With one run per rate, {@link #latency(String)} itself.
     */
    List<LatencyPoint> medianLatency(String scenario) {
        Map<String, List<LatencyPoint>> byRateAndImpl = new LinkedHashMap<>();
        for (LatencyPoint point : latency(scenario)) {
            byRateAndImpl.computeIfAbsent(point.rate() + "/" + point.impl(), k -> new ArrayList<>()).add(point);
        }
        List<LatencyPoint> medians = new ArrayList<>();
        for (List<LatencyPoint> runs : byRateAndImpl.values()) {
            List<LatencyPoint> kept = runs.stream().filter(LatencyPoint::valid)
                    .sorted(java.util.Comparator.comparingLong(p -> p.percentile(99)))
                    .collect(java.util.stream.Collectors.toList());
            medians.add(kept.isEmpty() ? runs.get(0) : kept.get((kept.size() - 1) / 2));
        }
        return medians;
    }

    /** The p99s of every run of one server at one offered rate that kept its schedule. */
    List<Long> latencyP99s(String scenario, String impl, double rate) {
        return latency(scenario).stream().filter(p -> p.impl().equals(impl) && p.rate() == rate && p.valid())
                .map(p -> p.percentile(99)).sorted().collect(java.util.stream.Collectors.toList());
    }

    /** Where and how it ran, or {@code null} if the JSON did not say. */
    RunContext context() {
        return context;
    }

    /** The runs of one server on one scenario; empty if it has none. */
    List<Sample> runs(String scenario, String impl) {
        return samples.getOrDefault(scenario, Map.of()).getOrDefault(impl, List.of());
    }

    /** The run the table's other columns come from: the one closest to the median. */
    static Sample representative(List<Sample> runs) {
        return closestTo(runs, median(runs));
    }

    static double median(List<Sample> runs) {
        double[] values = runs.stream().mapToDouble(Sample::value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static double min(List<Sample> runs) {
        return runs.stream().mapToDouble(Sample::value).min().orElse(Double.NaN);
    }

    private static double max(List<Sample> runs) {
        return runs.stream().mapToDouble(Sample::value).max().orElse(Double.NaN);
    }

    private static Sample closestTo(List<Sample> runs, double median) {
        return runs.stream().min((a, b) -> Double.compare(Math.abs(a.value() - median), Math.abs(b.value() - median)))
                .orElseThrow();
    }
}
