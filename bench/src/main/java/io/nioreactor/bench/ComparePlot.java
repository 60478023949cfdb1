package io.nioreactor.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code compare --plot}: per scenario, a row of two charts drawn by JFreeChart: each server's
 * median throughput (bars, the table's "msgs/s median"; KiB per connection for the idle
 * scenario) and the round-trip percentile distribution of its representative run (the run the
 * table's p99 comes from), on a log-scaled "percentile" axis as HdrHistogram's plotter draws it:
 * x = 1 / (1 - percentile), so 90%, 99%, 99.9% are evenly spaced.
 */
final class ComparePlot {

    static final int WIDTH = 1400;
    static final int ROW_HEIGHT = 420;
    /** The share of a row's width the bars take; the curves get the rest. */
    private static final double BARS_SHARE = 0.4;
    /** The percentiles always on the curve, so that it holds the table's p99 exactly. */
    private static final double[] MARKED_PERCENTILES = {50, 90, 99, 99.9, 99.99};

    static {
        // Draw into an image, never to a display, even when DISPLAY is set.
        System.setProperty("java.awt.headless", "true");
    }

    private final CompareReport report;

    ComparePlot(CompareReport report) {
        this.report = report;
    }

    /** Each server's median for the scenario: msgs/s, or KiB per connection for the idle scenario. */
    DefaultCategoryDataset throughput(Scenario scenario) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        String series = scenario.idle() ? "KiB per connection" : "msgs/s";
        for (String impl : report.impls()) {
            List<Sample> runs = report.runs(scenario.name(), impl);
            if (!runs.isEmpty()) {
                dataset.addValue(CompareReport.median(runs), series, impl);
            }
        }
        return dataset;
    }

    /**
     * One series per server: (1 / (1 - percentile/100), round trip in microseconds) of the
     * representative run; empty for the idle scenario and for runs without a histogram.
     */
    XYSeriesCollection percentiles(Scenario scenario) {
        XYSeriesCollection curves = new XYSeriesCollection();
        for (String impl : report.impls()) {
            List<Sample> runs = report.runs(scenario.name(), impl);
            Histogram histogram = runs.isEmpty() ? null : CompareReport.representative(runs).roundTrip();
            if (histogram == null || histogram.getTotalCount() == 0) {
                continue;
            }
            XYSeries curve = new XYSeries(impl, true, false);
            for (HistogramIterationValue step : histogram.percentiles(5)) {
                double percentile = step.getPercentileLevelIteratedTo();
                if (percentile < 100) { // 100% lies at infinity on this axis
                    curve.addOrUpdate(percentileToX(percentile), step.getValueIteratedTo());
                }
            }
            for (double percentile : MARKED_PERCENTILES) {
                curve.addOrUpdate(percentileToX(percentile), histogram.getValueAtPercentile(percentile));
            }
            curves.addSeries(curve);
        }
        return curves;
    }

    /** The x of a percentile on the curve's axis. */
    static double percentileToX(double percentile) {
        return 1 / (1 - percentile / 100);
    }

    /** Draws every scenario of the report into one PNG, {@link #WIDTH} wide, {@link #ROW_HEIGHT} per scenario. */
    void writePng(Path file) throws IOException {
        List<Scenario> scenarios = report.scenarios();
        BufferedImage image = new BufferedImage(WIDTH, ROW_HEIGHT * Math.max(1, scenarios.size()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int row = 0; row < scenarios.size(); row++) {
                Scenario scenario = scenarios.get(row);
                double top = row * (double) ROW_HEIGHT;
                XYSeriesCollection curves = percentiles(scenario);
                double barsWidth = curves.getSeriesCount() == 0 ? WIDTH : WIDTH * BARS_SHARE;
                bars(scenario).draw(g, new Rectangle2D.Double(0, top, barsWidth, ROW_HEIGHT));
                if (curves.getSeriesCount() > 0) {
                    curves(scenario, curves).draw(g, new Rectangle2D.Double(barsWidth, top, WIDTH - barsWidth, ROW_HEIGHT));
                }
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    private JFreeChart bars(Scenario scenario) {
        String unit = scenario.idle() ? "server KiB per idle connection (median)" : "messages per second (median)";
        JFreeChart chart = ChartFactory.createBarChart(scenario.title(), "server", unit, throughput(scenario));
        chart.removeLegend();
        return chart;
    }

    private static JFreeChart curves(Scenario scenario, XYSeriesCollection curves) {
        JFreeChart chart = ChartFactory.createXYLineChart(scenario.name() + ": round trip by percentile",
                "percentile", "round trip (us)", curves);
        LogAxis percentile = new LogAxis("percentile");
        percentile.setBase(10);
        percentile.setTickUnit(new NumberTickUnit(1)); // a tick per power of ten: 0%, 90%, 99%, 99.9%...
        percentile.setNumberFormatOverride(new PercentileFormat());
        percentile.setSmallestValue(1);
        ((XYPlot) chart.getPlot()).setDomainAxis(percentile);
        return chart;
    }

    /** Labels the axis's x = 1 / (1 - p) as the percentile p: 10 is "90%", 1000 is "99.9%". */
    private static final class PercentileFormat extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double x, StringBuffer to, FieldPosition position) {
            double percentile = 100 * (1 - 1 / x);
            String text = String.format(Locale.ROOT, "%.6f", percentile).replaceAll("0+$", "").replaceAll("\\.$", "");
            return to.append(text).append('%');
        }

        @Override
        public StringBuffer format(long x, StringBuffer to, FieldPosition position) {
            return format((double) x, to, position);
        }

        @Override
        public Number parse(String source, ParsePosition position) {
            throw new UnsupportedOperationException("labels only");
        }
    }
}
