package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonMain;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A short compare: every scenario against each server, one round of one second. */
@Timeout(180)
class CompareSmokeIT {

    @Test
    void comparesEveryScenarioAcrossTheServers(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("compare.json");
        Path png = dir.resolve("compare.png");

        int exit = DaemonMain.run(new BenchMain(), "compare", "--impls", "reactor,netty,blocking", "--rounds", "1",
                "--duration", "1s", "--warmup", "0", "--idle-connections", "200", "--json", json.toString(),
                "--plot", png.toString());

        assertEquals(0, exit);
        String rows = Files.readString(json);
        for (String scenario : List.of("pingpong", "pipelined", "many", "bulk", "udp", "idle")) {
            for (String impl : List.of("reactor", "netty", "blocking")) {
                assertTrue(rows.contains("{\"scenario\":\"" + scenario + "\",\"impl\":\"" + impl + "\",\"value\":"),
                        scenario + "/" + impl + " missing from " + rows);
            }
        }
        for (String row : rows.split("\n")) {
            if (row.contains("\"scenario\"") && !row.contains("\"scenario\":\"idle\"")) {
                assertTrue(!row.contains("\"value\":0.000,"), "this run echoed nothing: " + row);
                assertTrue(row.contains("\"histogram\":\""), "the round trips, for the chart: " + row);
            }
        }
        // One row of charts per scenario, from the same report as the table.
        BufferedImage chart = ImageIO.read(png.toFile());
        assertEquals(ComparePlot.WIDTH, chart.getWidth());
        assertEquals(ComparePlot.CAPTION_HEIGHT + 6 * ComparePlot.ROW_HEIGHT, chart.getHeight());
    }

    /**
     * {@code --latency}: after the closed-loop round, each server at 50% of the slower one's peak,
     * open loop; the JSON has every run with its histogram and the offered rate, and the rate is
     * the same for both servers.
     */
    @Test
    void latencyRunsEachServerAtTheSameShareOfTheSlowestPeak(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("latency.json");
        Path hgrm = dir.resolve("hgrm");
        int exit = DaemonMain.run(new BenchMain(), "compare", "--impls", "reactor,netty", "--scenarios", "pingpong",
                "--rounds", "1", "--duration", "1s", "--warmup", "0", "--latency", "--load-levels", "50",
                "--json", json.toString(), "--hgrm", hgrm.toString());

        assertEquals(0, exit);
        CompareReport report = CompareReport.fromJson(Files.readString(json));
        double slowest = Math.min(CompareReport.median(report.runs("pingpong", "reactor")),
                CompareReport.median(report.runs("pingpong", "netty")));
        List<LatencyPoint> points = report.latency("pingpong");
        assertEquals(2, points.size(), points.toString());
        for (LatencyPoint point : points) {
            assertEquals(slowest * 0.5, point.rate(), 1, point.impl() + ": half the slower peak");
            assertTrue(point.sample().roundTrip() != null && point.sample().roundTrip().getTotalCount() > 0,
                    point.impl() + " has its round trips");
            assertTrue(point.pace() != null && point.pace().sentRate() > 0, point.impl() + " says what it sent");
            System.out.printf("[measure] pingpong at %,.0f msgs/s offered: %s p99 %d us, sent %,.0f/s%n", point.rate(),
                    point.impl(), point.percentile(99), point.pace().sentRate());
        }
        assertTrue(report.context() != null && report.context().line().contains("cores"), "where it ran");
        for (String name : List.of("pingpong-reactor-round1", "pingpong-netty-round1", "pingpong-reactor-50pct",
                "pingpong-netty-50pct")) {
            assertTrue(Files.readString(hgrm.resolve(name + ".hgrm")).contains("Value     Percentile"), name);
        }
    }

    @Test
    void comparesTheTlsEchoesWithTheLoadInItsOwnJvm(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tls.json");
        // --pin: the load runs as "bench tcp --tls" in a JVM of its own (unpinned, in this JVM, without taskset).
        int exit = DaemonMain.run(new BenchMain(), "compare", "--tls", "--pin", "--impls", "reactor,netty",
                "--scenarios", "pingpong,udp,idle", "--idle-connections", "20", "--rounds", "1",
                "--duration", "1s", "--warmup", "0", "--json", json.toString());

        assertEquals(0, exit);
        CompareReport report = CompareReport.fromJson(Files.readString(json));
        assertEquals(List.of("pingpong", "idle"), report.scenarios().stream().map(Scenario::name).collect(
                java.util.stream.Collectors.toList()), "udp is left out over TLS");
        for (String impl : List.of("reactor", "netty")) {
            Sample idle = report.runs("idle", impl).get(0);
            assertEquals(null, idle.note(), "all 20 idle connections made their handshake and were held: " + impl);
        }
        for (Scenario scenario : report.scenarios()) {
            assertEquals("tls", scenario.proto());
            if (scenario.idle()) {
                continue;
            }
            for (String impl : List.of("reactor", "netty")) {
                Sample run = report.runs(scenario.name(), impl).get(0);
                assertEquals(0, run.errors(), scenario.name() + "/" + impl);
                assertTrue(run.value() > 100, scenario.name() + "/" + impl + " echoed " + run.value() + " msgs/s over TLS");
            }
        }
    }
}
