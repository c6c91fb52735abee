package dev.jvk.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG plots, drawn with JFreeChart: GEMM GFLOP/s against size per implementation,
 * the roofline of this machine with jvk's kernels on it, and MLP training samples/s.
 * A plot is written only when the run has data for it.
 */
final class Charts {
    static final int WIDTH = 960;
    static final int HEIGHT = 600;

    static {
        // no display on servers and in CI: draw into images only
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * A written plot.
     *
     * @param file   its file name, in the report's directory
     * @param title  the caption the report shows
     * @param family the section it belongs to
     */
    record Plot(String file, String title, Family family) {}

    /** One colour per implementation in every plot; jvk's is the strongest. */
    private static final Map<String, Color> COLORS = Map.of(
            "jvk", new Color(0xD62728),
            "openblas", new Color(0x1F77B4),
            "netlib", new Color(0x2CA02C),
            "ejml", new Color(0xFF7F0E),
            "lucene", new Color(0x17BECF),
            "plain", new Color(0x9467BD),
            "reference", new Color(0x7F7F7F),
            "pytorch", new Color(0x8C564B),
            "stream", new Color(0x000000));
    private static final Color[] OTHERS = {new Color(0xE377C2), new Color(0xBCBD22), new Color(0x393B79), new Color(0x637939)};

    private Charts() {}

    static Color colorOf(String impl, int index) {
        return COLORS.getOrDefault(impl, OTHERS[Math.floorMod(index, OTHERS.length)]);
    }

    static List<Plot> writeAll(List<FamilyTable> tables, Ceilings ceilings, int jvkVectorBits, Path dir) throws IOException {
        List<Plot> plots = new ArrayList<>();
        for (FamilyTable table : tables) {
            if (table.family() == Family.GEMM) {
                plots.addAll(gemmScaling(table, ceilings, jvkVectorBits, dir));
            } else if (table.family() == Family.MLP) {
                mlp(table, dir).ifPresent(plots::add);
            }
        }
        roofline(tables, ceilings, jvkVectorBits, dir).ifPresent(plots::add);
        return plots;
    }

    /** One plot per GEMM operation with square sizes: GFLOP/s against n, log x, one line per implementation. */
    static List<Plot> gemmScaling(FamilyTable table, Ceilings ceilings, int jvkVectorBits, Path dir) throws IOException {
        List<Plot> plots = new ArrayList<>();
        Map<String, List<FamilyTable.Line>> byOp = new LinkedHashMap<>();
        for (FamilyTable.Line line : table.lines()) {
            if (line.key().shape().isSquare() && line.key().extras().isEmpty() && line.metric() == Metric.GFLOPS) {
                byOp.computeIfAbsent(table.opLabel(line), k -> new ArrayList<>()).add(line);
            }
        }
        for (Map.Entry<String, List<FamilyTable.Line>> e : byOp.entrySet()) {
            int threads = e.getValue().stream().mapToInt(l -> l.key().threads()).min().orElse(1);
            List<FamilyTable.Line> lines = e.getValue().stream().filter(l -> l.key().threads() == threads).toList();
            XYSeriesCollection data = new XYSeriesCollection();
            for (String impl : table.implementations()) {
                XYSeries series = new XYSeries(impl);
                for (FamilyTable.Line line : lines) {
                    line.row(impl).filter(r -> !r.failed()).ifPresent(r -> series.add(line.key().shape().side(), r.gflops()));
                }
                if (!series.isEmpty()) {
                    data.addSeries(series);
                }
            }
            if (data.getSeriesCount() == 0) {
                continue;
            }
            String title = e.getKey() + " GFLOP/s, " + Ceilings.threads(threads) + " (higher is better)";
            JFreeChart chart = ChartFactory.createXYLineChart(title, "n (n x n times n x n)", "GFLOP/s", data,
                    PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            LogAxis x = new LogAxis("n (C = A B, all n x n)");
            x.setBase(2);
            x.setTickUnit(new NumberTickUnit(1));
            x.setNumberFormatOverride(new DecimalFormat("0"));
            plot.setDomainAxis(x);
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
            for (int s = 0; s < data.getSeriesCount(); s++) {
                String impl = (String) data.getSeriesKey(s);
                renderer.setSeriesStroke(s, new BasicStroke(impl.equals("jvk") ? 3.5f : 2f));
                renderer.setSeriesPaint(s, colorOf(impl, s));
            }
            plot.setRenderer(renderer);
            int elementBytes = lines.get(0).work().elementBytes();
            ceilings.fma(elementBytes, jvkVectorBits, threads).ifPresent(peak -> {
                ValueMarker marker = new ValueMarker(peak.value(), Color.DARK_GRAY, new BasicStroke(1.5f,
                        BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                marker.setLabel(peak.label() + ": " + Format.number(peak.value()) + " GFLOP/s");
                marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
                marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                plot.addRangeMarker(marker);
                double top = Math.max(peak.value(), plot.getRangeAxis().getUpperBound());
                plot.getRangeAxis().setRange(0, top * 1.08);
            });
            String file = "gemm-" + fileSafe(e.getKey()) + ".png";
            save(chart, dir.resolve(file));
            plots.add(new Plot(file, e.getKey() + ": GFLOP/s against size, " + Ceilings.threads(threads), Family.GEMM));
        }
        return plots;
    }

    /**
     * The roofline: attainable GFLOP/s = min(FMA peak, bandwidth x flops per byte), with the FMA
     * peak at jvk's width and STREAM triad bandwidth measured in this run (one thread), and each
     * jvk kernel with known flops and bytes as a point at its largest measured size.
     */
    static Optional<Plot> roofline(List<FamilyTable> tables, Ceilings ceilings, int jvkVectorBits, Path dir) throws IOException {
        Optional<Ceilings.Peak> peak = ceilings.fma(Float.BYTES, jvkVectorBits, 1);
        Optional<Ceilings.Peak> bandwidth = ceilings.stream(Work.StreamKind.TRIAD, 1);
        XYSeriesCollection data = new XYSeriesCollection();
        boolean anyDouble = false;
        double minIntensity = 1.0 / 16;
        double maxIntensity = 64;
        for (FamilyTable table : tables) {
            if (table.family() == Family.CEILING || table.family() == Family.MLP) {
                continue;
            }
            Map<String, FamilyTable.Line> largest = new LinkedHashMap<>();
            for (FamilyTable.Line line : table.lines()) {
                Optional<Row> jvk = line.row("jvk").filter(r -> !r.failed());
                Work w = line.work();
                if (jvk.isEmpty() || !w.hasFlops() || !w.hasBytes() || line.key().threads() != 1) {
                    continue;
                }
                largest.merge(table.opLabel(line), line, (a, b) -> b.key().shape().volume() > a.key().shape().volume() ? b : a);
            }
            for (Map.Entry<String, FamilyTable.Line> e : largest.entrySet()) {
                FamilyTable.Line line = e.getValue();
                Row jvk = line.row("jvk").orElseThrow();
                XYSeries point = new XYSeries(e.getKey() + " " + line.key().shape().label());
                double intensity = line.work().intensity();
                point.add(intensity, jvk.gflops());
                data.addSeries(point);
                anyDouble |= line.work().elementBytes() == Double.BYTES;
                minIntensity = Math.min(minIntensity, intensity / 2);
                maxIntensity = Math.max(maxIntensity, intensity * 2);
            }
        }
        if (data.getSeriesCount() == 0 && (peak.isEmpty() || bandwidth.isEmpty())) {
            return Optional.empty();
        }
        XYSeries roof = new XYSeries("roof: min(FMA peak, STREAM triad x intensity)");
        if (peak.isPresent() && bandwidth.isPresent()) {
            double p = peak.get().value();
            double bw = bandwidth.get().value();
            double knee = p / bw;
            minIntensity = Math.min(minIntensity, knee / 4);
            maxIntensity = Math.max(maxIntensity, knee * 4);
            roof.add(minIntensity, bw * minIntensity);
            roof.add(knee, p);
            roof.add(maxIntensity, p);
        }
        // double kernels have half the lanes: their roof is the double FMA peak
        XYSeries doubleRoof = new XYSeries("double FMA peak");
        Optional<Ceilings.Peak> doublePeak = ceilings.fma(Double.BYTES, jvkVectorBits, 1);
        if (anyDouble && doublePeak.isPresent() && bandwidth.isPresent()) {
            double p = doublePeak.get().value();
            doubleRoof.add(p / bandwidth.get().value(), p);
            doubleRoof.add(maxIntensity, p);
        }
        XYSeriesCollection all = new XYSeriesCollection();
        if (!roof.isEmpty()) {
            all.addSeries(roof);
        }
        if (!doubleRoof.isEmpty()) {
            all.addSeries(doubleRoof);
        }
        for (int s = 0; s < data.getSeriesCount(); s++) {
            all.addSeries(data.getSeries(s));
        }
        String subtitle = peak.map(p -> Format.number(p.value()) + " GFLOP/s " + p.label()).orElse("no FMA peak measured")
                + "; " + bandwidth.map(b -> Format.number(b.value()) + " GB/s " + b.label()).orElse("no STREAM measured");
        JFreeChart chart = ChartFactory.createXYLineChart("Roofline: jvk kernels on this machine", "flops per byte", "GFLOP/s",
                all, PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("arithmetic intensity (flops per byte of compulsory traffic)");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0.###"));
        x.setRange(minIntensity, maxIntensity);
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("GFLOP/s");
        y.setBase(10);
        y.setTickUnit(new NumberTickUnit(1));
        y.setNumberFormatOverride(new DecimalFormat("0.##"));
        double low = Double.MAX_VALUE;
        double high = 0;
        for (int s = 0; s < all.getSeriesCount(); s++) {
            for (int i = 0; i < all.getItemCount(s); i++) {
                low = Math.min(low, all.getYValue(s, i));
                high = Math.max(high, all.getYValue(s, i));
            }
        }
        y.setRange(low / 2, high * 2);
        plot.setRangeAxis(y);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        int first = 0;
        if (!roof.isEmpty()) {
            renderer.setSeriesLinesVisible(0, true);
            renderer.setSeriesShapesVisible(0, false);
            renderer.setSeriesPaint(0, Color.BLACK);
            renderer.setSeriesStroke(0, new BasicStroke(2.5f));
            first = 1;
        }
        if (!doubleRoof.isEmpty()) {
            renderer.setSeriesLinesVisible(first, true);
            renderer.setSeriesShapesVisible(first, false);
            renderer.setSeriesPaint(first, Color.GRAY);
            renderer.setSeriesStroke(first, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            first++;
        }
        for (int s = first; s < all.getSeriesCount(); s++) {
            renderer.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
        }
        plot.setRenderer(renderer);
        save(chart, dir.resolve("roofline.png"));
        return Optional.of(new Plot("roofline.png", "Roofline: jvk's kernels against the measured FMA peak and STREAM bandwidth", Family.CEILING));
    }

    /** MLP training throughput: samples/s per implementation, grouped by batch, threads and other parameters. */
    static Optional<Plot> mlp(FamilyTable table, Path dir) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<FamilyTable.Line> lines = new ArrayList<>(table.lines());
        lines.sort(Comparator.comparingInt(l -> l.key().threads()));
        for (FamilyTable.Line line : lines) {
            if (line.metric() != Metric.SAMPLES) {
                continue;
            }
            String group = groupLabel(table, line);
            for (String impl : table.implementations()) {
                line.row(impl).filter(r -> !r.failed()).ifPresent(r -> data.addValue(r.samplesPerSecond(), impl, group));
            }
        }
        if (data.getRowCount() == 0) {
            return Optional.empty();
        }
        JFreeChart chart = ChartFactory.createBarChart("MLP training throughput (higher is better)", "", "samples/s", data,
                PlotOrientation.VERTICAL, true, false, false);
        org.jfree.chart.plot.CategoryPlot plot = chart.getCategoryPlot();
        plot.getDomainAxis().setMaximumCategoryLabelLines(3);
        for (int r = 0; r < data.getRowCount(); r++) {
            plot.getRenderer().setSeriesPaint(r, colorOf((String) data.getRowKey(r), r));
        }
        ((org.jfree.chart.renderer.category.BarRenderer) plot.getRenderer()).setBarPainter(
                new org.jfree.chart.renderer.category.StandardBarPainter());
        save(chart, dir.resolve("mlp.png"));
        return Optional.of(new Plot("mlp.png", "MLP training samples/s", Family.MLP));
    }

    /** "1 thread, mlpTrain, batch=128, layers=784-256-128-10": threads first, the part that differs most. */
    private static String groupLabel(FamilyTable table, FamilyTable.Line line) {
        StringBuilder s = new StringBuilder(Ceilings.threads(line.key().threads())).append(", ").append(table.opLabel(line));
        if (!line.key().shape().label().isEmpty()) {
            s.append(' ').append(line.key().shape().label());
        }
        if (!line.key().extras().isEmpty()) {
            s.append(", ").append(line.key().extras());
        }
        return s.toString();
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static String fileSafe(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
