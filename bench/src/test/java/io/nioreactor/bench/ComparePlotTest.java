package io.nioreactor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** The chart from a known results JSON: its datasets against the printed table, and the PNG itself. */
class ComparePlotTest {

    private static final Scenario PIPELINED = new Scenario("pipelined", "tcp", 64, 16, 64);
    private static final Scenario UDP = new Scenario("udp", "udp", 16, 8, 512);
    private static final Scenario IDLE = new Scenario("idle", "tcp", 200, 0, 0);

    /** Three rounds per server whose round trips differ, so that taking the wrong round shows. */
    private static String knownResults() {
        Map<String, Map<String, List<Sample>>> samples = new HashMap<>();
        int seed = 0;
        for (Scenario scenario : List.of(PIPELINED, UDP)) {
            for (String impl : List.of("reactor", "netty")) {
                List<Sample> runs = new ArrayList<>();
                for (double rate : new double[] {300_000 + seed, 100_000 + seed, 200_000 + seed}) {
                    Histogram roundTrip = new Histogram(60_000_000L, 3);
                    for (int i = 1; i <= 1000; i++) {
                        roundTrip.recordValue((long) (i * rate / 10_000)); // p99 grows with the rate
                    }
                    runs.add(new Sample(rate, roundTrip.getValueAtPercentile(99), 1.5, (long) rate * 3, 80_000, 0, 0,
                            null, 1.4, 3, 1, 1, roundTrip));
                    seed += 1_000;
                }
                samples.computeIfAbsent(scenario.name(), k -> new HashMap<>()).put(impl, runs);
            }
        }
        samples.put("idle", Map.of(
                "reactor", List.of(new Sample(0.8, 0, 0, 0, 90_000, 0, 0, null), new Sample(0.7, 0, 0, 0, 90_000, 0, 0, null)),
                "netty", List.of(new Sample(2.5, 0, 0, 0, 95_000, 0, 0, null), new Sample(2.4, 0, 0, 0, 95_000, 0, 0, null))));
        return new CompareReport(List.of(PIPELINED, UDP, IDLE), List.of("reactor", "netty"), samples).json();
    }

    /** The known results with open-loop runs at two rates, one of them not kept, and where it ran. */
    private static String knownResultsWithLatency() throws Exception {
        CompareReport closed = CompareReport.fromJson(knownResults());
        List<LatencyPoint> points = new ArrayList<>();
        for (String impl : List.of("reactor", "netty")) {
            for (double fraction : new double[] {0.5, 0.9}) {
                Histogram roundTrip = new Histogram(60_000_000L, 3);
                for (int i = 1; i <= 1000; i++) {
                    roundTrip.recordValue((long) (i * fraction * (impl.equals("reactor") ? 1 : 3)));
                }
                double rate = 100_000 * fraction;
                boolean kept = !(impl.equals("netty") && fraction == 0.9);
                points.add(new LatencyPoint("pipelined", impl, fraction, rate, new Sample(rate, roundTrip
                        .getValueAtPercentile(99), 1, (long) rate, 80_000, 0, 0, null, 1, 3, 1, 1, roundTrip),
                        new LoadResult.Pace(rate, kept ? rate : rate / 2, 100)));
            }
        }
        Map<String, Map<String, List<Sample>>> samples = new HashMap<>();
        for (Scenario scenario : closed.scenarios()) {
            for (String impl : closed.impls()) {
                samples.computeIfAbsent(scenario.name(), k -> new HashMap<>()).put(impl,
                        closed.runs(scenario.name(), impl));
            }
        }
        return new CompareReport(closed.scenarios(), closed.impls(), samples, points,
                new RunContext("Test CPU, 2 cores", "JDK 17", "unpinned", "2026-12-06 10:00 UTC")).json();
    }

    @Test
    void theLatencyRunsAndTheContextReadBackAndTheLatencyChartHoldsTheKeptRunsP99s() throws Exception {
        String json = knownResultsWithLatency();
        CompareReport report = CompareReport.fromJson(json);
        assertEquals(json, report.json());
        assertEquals("Test CPU, 2 cores; JDK 17; unpinned; 2026-12-06 10:00 UTC", report.context().line());
        assertEquals(4, report.latency("pipelined").size());

        XYSeriesCollection byLoad = new ComparePlot(report).latencyByLoad(PIPELINED);
        XYSeries reactor = byLoad.getSeries("reactor");
        assertEquals(2, reactor.getItemCount());
        assertEquals(report.latency("pipelined").get(0).percentile(99), reactor.getY(0).longValue());
        assertEquals(1, byLoad.getSeries("netty").getItemCount(), "the run that did not keep its schedule is left out");
        assertEquals(0, new ComparePlot(report).latencyByLoad(UDP).getSeriesCount());

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        LatencyTable.print(new PrintStream(table, true, StandardCharsets.UTF_8), report);
        String text = table.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("schedule not kept"), text);
        assertEquals(4, text.lines().filter(l -> l.contains("reactor") || l.contains("netty")).count(), text);
    }

    /** Several runs of one server at one rate: the table and the chart take the run of median p99, and give the range. */
    @Test
    void severalRunsAtOneRateShowTheRunOfMedianP99AndTheRange() throws Exception {
        List<LatencyPoint> points = new ArrayList<>();
        for (long p99 : new long[] {500, 100, 300}) {
            Histogram roundTrip = new Histogram(60_000_000L, 3);
            for (int i = 0; i < 98; i++) {
                roundTrip.recordValue(10);
            }
            roundTrip.recordValue(p99); // the top 2%: the 99th percentile
            roundTrip.recordValue(p99);
            points.add(new LatencyPoint("pipelined", "reactor", 0.5, 50_000, new Sample(50_000, p99, 1, 50_000,
                    80_000, 0, 0, null, 1, 1, 1, 1, roundTrip), new LoadResult.Pace(50_000, 50_000, 10)));
        }
        CompareReport report = new CompareReport(List.of(PIPELINED), List.of("reactor"), Map.of(), points, null);
        List<LatencyPoint> medians = report.medianLatency("pipelined");
        assertEquals(1, medians.size());
        assertEquals(300, medians.get(0).percentile(99), 1);
        assertEquals(List.of(100L, 300L, 500L), report.latencyP99s("pipelined", "reactor", 50_000).stream()
                .map(v -> Math.round(v / 100.0) * 100).collect(java.util.stream.Collectors.toList()));
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        LatencyTable.print(new PrintStream(table, true, StandardCharsets.UTF_8), report);
        assertTrue(table.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.contains("reactor")
                && l.matches(".* 1\\d\\d-5\\d\\d\\s*$")), table.toString(StandardCharsets.UTF_8));
    }

    /** Each server's colour, exact (flat bars, lines at least 2 px), in the bars and in the curves of one row. */
    @Test
    void eachServerHasOneColourInEveryChart(@TempDir Path dir) throws Exception {
        CompareReport report = CompareReport.fromJson(knownResultsWithLatency());
        ComparePlot plot = new ComparePlot(report);
        Path png = dir.resolve("colours.png");
        plot.writePng(png);
        BufferedImage image = ImageIO.read(png.toFile());
        int top = ComparePlot.CAPTION_HEIGHT; // the first row: pipelined, with all three charts
        int barsEnd = (int) (ComparePlot.WIDTH * 0.3);
        int curvesEnd = barsEnd + (ComparePlot.WIDTH - barsEnd) / 2;
        for (String impl : report.impls()) {
            int rgb = plot.colourOf(impl).getRGB();
            assertTrue(count(image, rgb, 0, barsEnd, top) > 100, impl + "'s bar in its colour");
            assertTrue(count(image, rgb, barsEnd, curvesEnd, top) > 20, impl + "'s percentile curve in its colour");
            assertTrue(count(image, rgb, curvesEnd, ComparePlot.WIDTH, top) > 20, impl + "'s latency curve in its colour");
        }
        assertTrue(plot.colourOf("reactor").getRGB() != plot.colourOf("netty").getRGB());
    }

    /** What the pixels above check loosely, exactly: in every chart, each series is painted its server's colour. */
    @Test
    void everySeriesOfEveryChartIsPaintedItsServersColourAndNamedInALegend() throws Exception {
        CompareReport report = CompareReport.fromJson(knownResultsWithLatency());
        ComparePlot plot = new ComparePlot(report);
        int seriesChecked = 0;
        for (Scenario scenario : report.scenarios()) {
            for (org.jfree.chart.JFreeChart chart : plot.charts(scenario)) {
                assertNotNull(chart.getLegend(), chart.getTitle().getText() + " has a legend");
                if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot) {
                    org.jfree.chart.plot.CategoryPlot bars = (org.jfree.chart.plot.CategoryPlot) chart.getPlot();
                    for (int i = 0; i < bars.getDataset().getRowCount(); i++) {
                        String impl = (String) bars.getDataset().getRowKey(i);
                        assertEquals(plot.colourOf(impl), bars.getRenderer().getSeriesPaint(i), impl + " in " + scenario.name());
                        seriesChecked++;
                    }
                } else {
                    org.jfree.chart.plot.XYPlot curves = (org.jfree.chart.plot.XYPlot) chart.getPlot();
                    for (int i = 0; i < curves.getDataset().getSeriesCount(); i++) {
                        String impl = (String) curves.getDataset().getSeriesKey(i);
                        assertEquals(plot.colourOf(impl), curves.getRenderer().getSeriesPaint(i), impl + " in " + scenario.name());
                        seriesChecked++;
                    }
                }
            }
        }
        System.out.printf("[measure] %d series checked%n", seriesChecked);
        assertTrue(seriesChecked >= 6, "bars, percentile and latency curves of two servers at least: " + seriesChecked);
    }

    private static int count(BufferedImage image, int rgb, int fromX, int toX, int top) {
        int n = 0;
        for (int y = top; y < top + ComparePlot.ROW_HEIGHT; y++) {
            for (int x = fromX; x < toX; x++) {
                if (image.getRGB(x, y) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void theResultsJsonReadsBackAsTheSameReport() throws Exception {
        String json = knownResults();
        assertEquals(json, CompareReport.fromJson(json).json());
        assertTrue(json.lines().filter(l -> l.contains("\"scenario\":\"pipelined\"")).allMatch(l -> l.contains("\"histogram\":\"")));
    }

    @Test
    void theChartsDatasetsHoldExactlyTheTablesMediansAndP99s() throws Exception {
        CompareReport report = CompareReport.fromJson(knownResults());
        Map<String, String[]> table = printedRows(report);
        ComparePlot plot = new ComparePlot(report);

        for (Scenario scenario : List.of(PIPELINED, UDP)) {
            DefaultCategoryDataset bars = plot.throughput(scenario);
            XYSeriesCollection curves = plot.percentiles(scenario);
            assertEquals(2, curves.getSeriesCount());
            for (String impl : List.of("reactor", "netty")) {
                String[] row = table.get(scenario.name() + "/" + impl);
                double median = Double.parseDouble(row[1].replace(",", ""));
                long p99 = Long.parseLong(row[5]);
                assertEquals(median, bars.getValue(impl, "msgs/s").doubleValue(), scenario.name() + "/" + impl);
                XYSeries curve = curves.getSeries(impl);
                int at99 = curve.indexOf(ComparePlot.percentileToX(99));
                assertTrue(at99 >= 0, "the curve has a point at 99%");
                assertEquals(p99, curve.getY(at99).longValue(), scenario.name() + "/" + impl + " p99");
            }
        }
        DefaultCategoryDataset idle = plot.throughput(IDLE);
        assertEquals(Double.parseDouble(table.get("idle/reactor")[1]), idle.getValue("reactor", "KiB per connection").doubleValue());
        assertEquals(Double.parseDouble(table.get("idle/netty")[1]), idle.getValue("netty", "KiB per connection").doubleValue());
        assertEquals(0, plot.percentiles(IDLE).getSeriesCount(), "no round trips for idle connections");
    }

    @Test
    void theCurveRisesWithThePercentileOnItsLogScaledAxis() throws Exception {
        XYSeries curve = new ComparePlot(CompareReport.fromJson(knownResults())).percentiles(PIPELINED).getSeries("reactor");
        assertTrue(curve.getItemCount() > 20, "points: " + curve.getItemCount());
        for (int i = 1; i < curve.getItemCount(); i++) {
            assertTrue(curve.getX(i).doubleValue() > curve.getX(i - 1).doubleValue());
            assertTrue(curve.getY(i).doubleValue() >= curve.getY(i - 1).doubleValue());
        }
        assertEquals(10.0, ComparePlot.percentileToX(90), 1e-9);
        assertEquals(1000.0, ComparePlot.percentileToX(99.9), 1e-6);
    }

    @Test
    void thePngDecodesAtItsSize(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("compare.png");
        new ComparePlot(CompareReport.fromJson(knownResults())).writePng(png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a PNG ImageIO can read");
        assertEquals(ComparePlot.WIDTH, image.getWidth());
        assertEquals(ComparePlot.CAPTION_HEIGHT + 3 * ComparePlot.ROW_HEIGHT, image.getHeight());
        System.out.printf(Locale.ROOT, "[measure] chart %d x %d, %d bytes%n", image.getWidth(), image.getHeight(), Files.size(png));
    }

    @Test
    void plotCommandDrawsASavedComparison(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("results.json"), knownResults());
        Path png = dir.resolve("again.png");
        assertEquals(0, io.nioreactor.daemon.DaemonMain.run(new BenchMain(), "plot", json.toString(), png.toString()));
        assertEquals(ComparePlot.CAPTION_HEIGHT + 3 * ComparePlot.ROW_HEIGHT, ImageIO.read(png.toFile()).getHeight());
    }

    @Test
    void onlyPngIsAccepted() {
        TypeConversionException refused = assertThrows(TypeConversionException.class,
                () -> new PngFileConverter().convert("chart.svg"));
        assertTrue(refused.getMessage().startsWith("chart.svg: the chart is drawn as PNG only"), refused.getMessage());
        assertEquals(Path.of("chart.PNG"), new PngFileConverter().convert("chart.PNG"));
        TypeConversionException nowhere = assertThrows(TypeConversionException.class,
                () -> new PngFileConverter().convert("/no/such/folder/chart.png"));
        assertEquals("/no/such/folder/chart.png: cannot write there (/no/such/folder does not exist)", nowhere.getMessage());
        assertEquals(2, io.nioreactor.daemon.DaemonMain.run(new BenchMain(), "compare", "--plot", "chart.svg"),
                "a usage error, before anything runs");
    }

    /** The printed table's rows, by "scenario/impl": the words of each row. */
    private static Map<String, String[]> printedRows(CompareReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3, Duration.ofSeconds(3), Duration.ofSeconds(1),
                Pinning.none(1, 1));
        Map<String, String[]> rows = new HashMap<>();
        String scenario = null;
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("== ")) {
                scenario = line.substring(3, line.indexOf(':'));
            } else if (scenario != null && (line.startsWith("reactor ") || line.startsWith("netty "))) {
                String[] words = line.trim().split("\\s+");
                rows.put(scenario + "/" + words[0], words);
            }
        }
        return rows;
    }
}
