package io.nioreactor.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code compare --plot}: per scenario, a row of charts drawn by JFreeChart: each server's
 * median throughput (bars, the table's "msgs/s median"; KiB per connection for the idle
 * scenario), the round-trip percentile distribution of its representative run (the run the
 * table's p99 comes from), on a log-scaled "percentile" axis as HdrHistogram's plotter draws it:
 * x = 1 / (1 - percentile), so 90%, 99%, 99.9% are evenly spaced; and with {@code --latency}, the
 * p99 round trip against the offered rate (open loop; the run of median p99 where there are
 * several), on a log axis, where a server's knee shows.
 * Each server keeps one colour in every chart, named in each chart's legend; a line at the top
 * says the machine, the JDK, the pinning and the date.
 */
final class ComparePlot {

    static final int WIDTH = 1500;
    static final int ROW_HEIGHT = 420;
    /** The line at the top: machine, JDK, pinning, date. */
    static final int CAPTION_HEIGHT = 32;
    /** The share of a row's width the bars take; the curves get the rest. */
    private static final double BARS_SHARE = 0.3;
    /** One colour per server, in the order of the report (Tableau's ten, which stay apart for most eyes). */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
        new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0xBAB0AC)};
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

    /**
     * Each server's median for the scenario: msgs/s, or KiB per connection for the idle scenario;
     * a series per server (so each has its colour), one category.
     */
    DefaultCategoryDataset throughput(Scenario scenario) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        String category = scenario.idle() ? "KiB per connection" : "msgs/s";
        for (String impl : report.impls()) {
            List<Sample> runs = report.runs(scenario.name(), impl);
            if (!runs.isEmpty()) {
                dataset.addValue(CompareReport.median(runs), impl, category);
            }
        }
        return dataset;
    }

    /**
     * One series per server: (offered msgs/s, p99 round trip in microseconds) of its open-loop
     * runs that kept their schedule; empty without {@code --latency}.
     */
    XYSeriesCollection latencyByLoad(Scenario scenario) {
        XYSeriesCollection curves = new XYSeriesCollection();
        for (String impl : report.impls()) {
            XYSeries curve = new XYSeries(impl, true, false);
            for (LatencyPoint point : report.medianLatency(scenario.name())) {
                if (point.impl().equals(impl) && point.valid()) {
                    curve.addOrUpdate(point.rate(), Math.max(1, point.percentile(99)));
                }
            }
            if (curve.getItemCount() > 0) {
                curves.addSeries(curve);
            }
        }
        return curves;
    }

    /** The colour of a server, the same in every chart. */
    Color colourOf(String impl) {
        int index = report.impls().indexOf(impl);
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /** {@return the picture's height for this report} */
    int height() {
        return CAPTION_HEIGHT + ROW_HEIGHT * Math.max(1, report.scenarios().size());
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

    /** Draws every scenario of the report into one PNG, {@link #WIDTH} wide, {@link #height()} high. */
    void writePng(Path file) throws IOException {
        List<Scenario> scenarios = report.scenarios();
        BufferedImage image = new BufferedImage(WIDTH, height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            RunContext context = report.context();
            g.drawString(context == null ? "machine, JDK and date not recorded" : context.line(), 12, 21);
            for (int row = 0; row < scenarios.size(); row++) {
                Scenario scenario = scenarios.get(row);
                double top = CAPTION_HEIGHT + row * (double) ROW_HEIGHT;
                List<JFreeChart> charts = charts(scenario);
                double barsWidth = charts.size() == 1 ? WIDTH : WIDTH * BARS_SHARE;
                double otherWidth = charts.size() == 1 ? 0 : (WIDTH - barsWidth) / (charts.size() - 1);
                double x = 0;
                for (int i = 0; i < charts.size(); i++) {
                    double width = i == 0 ? barsWidth : otherWidth;
                    charts.get(i).draw(g, new Rectangle2D.Double(x, top, width, ROW_HEIGHT));
                    x += width;
                }
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /** A scenario's row: its bars, and its percentile and offered-load curves where it has them. */
    List<JFreeChart> charts(Scenario scenario) {
        XYSeriesCollection curves = percentiles(scenario);
        XYSeriesCollection byLoad = latencyByLoad(scenario);
        List<JFreeChart> charts = new ArrayList<>();
        charts.add(bars(scenario));
        if (curves.getSeriesCount() > 0) {
            charts.add(curves(scenario, curves));
        }
        if (byLoad.getSeriesCount() > 0) {
            charts.add(byLoad(scenario, byLoad));
        }
        return charts;
    }

    private JFreeChart bars(Scenario scenario) {
        String unit = scenario.idle() ? "server KiB per idle connection (median)" : "messages per second (median)";
        DefaultCategoryDataset dataset = throughput(scenario);
        JFreeChart chart = ChartFactory.createBarChart(scenario.title(), null, unit, dataset);
        CategoryPlot plot = (CategoryPlot) chart.getPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter()); // flat, the colour as it is
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < dataset.getRowCount(); i++) {
            renderer.setSeriesPaint(i, colourOf((String) dataset.getRowKey(i)));
        }
        return chart;
    }

    private JFreeChart curves(Scenario scenario, XYSeriesCollection curves) {
        JFreeChart chart = ChartFactory.createXYLineChart(scenario.name() + ": round trip by percentile (closed loop)",
                "percentile", "round trip (us)", curves);
        LogAxis percentile = new LogAxis("percentile");
        percentile.setBase(10);
        percentile.setTickUnit(new NumberTickUnit(1)); // a tick per power of ten: 0%, 90%, 99%, 99.9%...
        percentile.setNumberFormatOverride(new PercentileFormat());
        percentile.setSmallestValue(1);
        XYPlot plot = (XYPlot) chart.getPlot();
        plot.setDomainAxis(percentile);
        colour(plot, curves);
        return chart;
    }

    private JFreeChart byLoad(Scenario scenario, XYSeriesCollection byLoad) {
        JFreeChart chart = ChartFactory.createXYLineChart(scenario.name() + ": p99 at a fixed offered rate (open loop)",
                "offered messages per second", "p99 round trip (us)", byLoad);
        XYPlot plot = (XYPlot) chart.getPlot();
        LogAxis p99 = new LogAxis("p99 round trip (us)");
        p99.setBase(10);
        p99.setSmallestValue(1);
        p99.setTickUnit(new NumberTickUnit(1)); // a tick per power of ten, the axis spanning whole decades
        p99.setMinorTickCount(9);
        p99.setMinorTickMarksVisible(true);
        p99.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
        double low = byLoad.getRangeLowerBound(false);
        double high = byLoad.getRangeUpperBound(false);
        p99.setRange(Math.pow(10, Math.floor(Math.log10(Math.max(1, low)))),
                Math.pow(10, Math.ceil(Math.log10(Math.max(10, high * 1.0001)))));
        plot.setRangeAxis(p99);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true); // a dot per run
        plot.setRenderer(renderer);
        colour(plot, byLoad);
        return chart;
    }

    /** Each series in its server's colour, a line thick enough to tell apart. */
    private void colour(XYPlot plot, XYSeriesCollection series) {
        for (int i = 0; i < series.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, colourOf((String) series.getSeriesKey(i)));
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
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
