package io.nioreactor.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The comparison tables: per scenario, per implementation, median / min / max over the rounds. */
final class CompareReport {

    private final List<Scenario> scenarios;
    private final List<String> impls;
    private final Map<String, Map<String, List<Sample>>> samples;

    CompareReport(List<Scenario> scenarios, List<String> impls, Map<String, Map<String, List<Sample>>> samples) {
        this.scenarios = scenarios;
        this.impls = impls;
        this.samples = samples;
    }

    void print(PrintStream out, int rounds, Duration duration, Duration warmup, Pinning pinning) {
        out.printf(Locale.ROOT, "%nrounds %d, %d s measured after %d s warm-up per run; servers in their own JVMs"
                + " (-Xmx512m); %s; %d cores%n",
                rounds, duration.toSeconds(), warmup.toSeconds(), pinning.describe(),
                Runtime.getRuntime().availableProcessors());
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
                out.printf("%-9s %14s %10s %10s %11s %9s%n", "impl", "KiB/conn med", "min", "max", "vs reactor", "RSS MiB");
            } else {
                out.printf("%-9s %14s %12s %12s %11s %8s %11s %9s %8s %7s %8s %8s %11s%n", "impl", "msgs/s median", "min",
                        "max", "vs reactor", "p99 us", "CPU us/msg", "RSS MiB", "loss %", "errors", "srv CPU%",
                        "cli CPU%", "cli us/msg");
            }
            for (String impl : impls) {
                List<Sample> runs = byImpl.get(impl);
                if (runs == null) {
                    continue;
                }
                double median = median(runs);
                Sample mid = closestTo(runs, median);
                if (scenario.idle()) {
                    out.printf(Locale.ROOT, "%-9s %14.2f %10.2f %10.2f %11.2f %9.0f%s%n", impl, median, min(runs),
                            max(runs), median / reactor, mid.rssKib() / 1024.0, notes(runs));
                } else {
                    out.printf(Locale.ROOT, "%-9s %,14.0f %,12.0f %,12.0f %11.2f %8d %11.2f %9.0f %8.2f %7d %8.0f %8.0f %11.2f%s%n",
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

    String json() {
        StringJoiner rows = new StringJoiner(",\n  ", "[\n  ", "\n]\n");
        samples.forEach((scenario, byImpl) -> byImpl.forEach((impl, runs) -> {
            for (Sample s : runs) {
                rows.add(String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"impl\":\"%s\",\"value\":%.3f,\"p99Us\":%d,"
                        + "\"cpuSeconds\":%.3f,\"messages\":%d,\"rssKib\":%d,\"errors\":%d,\"lossPercent\":%.3f,"
                        + "\"clientCpuSeconds\":%.3f,\"serverBusy\":%.3f,\"clientBusy\":%.3f,\"clientBound\":%b,\"note\":%s}",
                        scenario, impl, s.value(), s.p99Micros(), s.cpuSeconds(), s.messages(), s.rssKib(),
                        s.errors(), s.lossPercent(), s.clientCpuSeconds(), s.serverBusy(), s.clientBusy(),
                        s.clientBound(), s.note() == null ? "null" : "\"" + s.note().replace("\"", "'") + "\""));
            }
        }));
        return rows.toString();
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
