package io.nioreactor.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The table of {@code compare --latency}: per scenario, per offered rate, each server's round
 * trips timed from when each message was due (p50, p99, p99.9, max), the rate the load kept, how
 * late its latest send left (a p99 near it may be the load's lateness, not the server's) and the
 * datagrams lost (each recorded at what it waited); with several runs per rate, those of the run
 * of median p99, and the range of the runs' p99s.
 * A run whose load could not keep the schedule, or that had errors, is marked: its figures do not
 * describe the server at that rate.
 */
final class LatencyTable {

    private LatencyTable() {
    }

    static void print(PrintStream out, CompareReport report) {
        for (Scenario scenario : report.scenarios()) {
            List<LatencyPoint> points = report.medianLatency(scenario.name());
            if (points.isEmpty()) {
                continue;
            }
            out.printf(Locale.ROOT, "%n== %s: round trips at fixed offered rates (open loop, timed from when each"
                    + " message was due) ==%n", scenario.name());
            out.printf(Locale.ROOT, "%-16s %6s  %-14s %9s %9s %10s %10s %14s %12s %7s %17s%n", "offered msgs/s",
                    "share", "impl", "p50 us", "p99 us", "p99.9 us", "max us", "sent msgs/s", "load late us", "lost %",
                    "p99 of runs, us");
            for (LatencyPoint point : points) {
                String mark = point.valid() ? ""
                        : point.sample().errors() > 0 ? "  errors: " + point.sample().errors()
                        : "  schedule not kept: the figures do not describe the server at this rate";
                List<Long> p99s = report.latencyP99s(scenario.name(), point.impl(), point.rate());
                String range = p99s.size() < 2 ? "" : p99s.get(0) + "-" + p99s.get(p99s.size() - 1);
                out.printf(Locale.ROOT, "%,16.0f %5.0f%%  %-14s %9d %9d %10d %10d %,14.0f %,12d %7.3f %17s%s%n",
                        point.rate(), point.fraction() * 100, point.impl(), point.percentile(50), point.percentile(99),
                        point.percentile(99.9), point.sample().roundTrip() == null ? 0
                                : point.sample().roundTrip().getMaxValue(),
                        point.pace() == null ? Double.NaN : point.pace().sentRate(),
                        point.pace() == null ? 0 : point.pace().maxLagMicros(), point.sample().lossPercent(), range, mark);
            }
        }
    }
}
