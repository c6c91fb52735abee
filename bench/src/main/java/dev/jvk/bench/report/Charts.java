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
            "onnxruntime", new Color(0xBCBD22),
            "stream", new Color(0x000000));
    private static final Color[] OTHERS = {new Color(0xE377C2), new Color(0x393B79), new Color(0x637939), new Color(0x8C6D31)};

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
                plots.addAll(mlp(table, dir));
            } else if (table.family() == Family.REDUCTIONS || table.family() == Family.ELEMENTWISE) {
                memory(table, ceilings, dir).ifPresent(plots::add);
            }
        }
        roofline(tables, ceilings, jvkVectorBits, dir).ifPresent(plots::add);
        return plots;
    }

    /**
     * One figure per GEMM operation: GFLOP/s against size with JMH's error bars, a panel per thread
     * count side by side (one y axis), every shape of the run as a point (x: the cube root of m n k,
     * which is n for n x n x n), the FMA peak of each panel's thread count as a line, and points
     * above it crossed out.
     */
    static List<Plot> gemmScaling(FamilyTable table, Ceilings ceilings, int jvkVectorBits, Path dir) throws IOException {
        List<Plot> plots = new ArrayList<>();
        Map<String, List<FamilyTable.Line>> byOp = new LinkedHashMap<>();
        for (FamilyTable.Line line : table.lines()) {
            if (line.metric() == Metric.GFLOPS && line.key().op().toLowerCase(Locale.ROOT).contains("gemm") && !line.key().shape().dims().isEmpty()) {
                byOp.computeIfAbsent(table.opLabel(line), k -> new ArrayList<>()).add(line);
            }
        }
        for (Map.Entry<String, List<FamilyTable.Line>> e : byOp.entrySet()) {
            List<Integer> threadCounts = e.getValue().stream().map(l -> l.key().threads()).distinct().sorted().toList();
            org.jfree.chart.axis.NumberAxis y = new org.jfree.chart.axis.NumberAxis("GFLOP/s (JMH 99.9% error bars)");
            org.jfree.chart.plot.CombinedRangeXYPlot combined = new org.jfree.chart.plot.CombinedRangeXYPlot(y);
            combined.setGap(12);
            double top = 0;
            for (int threads : threadCounts) {
                List<FamilyTable.Line> lines = e.getValue().stream().filter(l -> l.key().threads() == threads).toList();
                Optional<Ceilings.Peak> peak = table.bound(lines.get(0), ceilings);
                Panel panel = new Panel();
                for (String impl : table.implementations()) {
                    for (FamilyTable.Line line : lines) {
                        // squares joined by a line; other shapes as points of their own, since they are no step on that line
                        String series = line.key().shape().isSquare() ? impl : impl + Panel.UNJOINED;
                        line.row(impl).filter(r -> !r.failed()).ifPresent(r ->
                                panel.add(series, cubeSide(line.key().shape()), r.gflops(), r.relativeError(), table.aboveBound(line, r, ceilings)));
                    }
                }
                if (panel.isEmpty()) {
                    continue;
                }
                LogAxis x = new LogAxis("size: n, or (m n k)^(1/3) for m x n x k");
                x.setBase(2);
                x.setTickUnit(new NumberTickUnit(1));
                x.setNumberFormatOverride(new DecimalFormat("0"));
                x.setRange(panel.minX / 1.4, panel.maxX * 1.4);
                XYPlot sub = panel.plot(x, null);
                sub.addAnnotation(new org.jfree.chart.annotations.XYTitleAnnotation(0.5, 1.0,
                        new org.jfree.chart.title.TextTitle(Ceilings.threads(threads), new Font(Font.SANS_SERIF, Font.BOLD, 13)),
                        RectangleAnchor.TOP));
                for (FamilyTable.Line line : lines) {
                    if (!line.key().shape().isSquare()) {
                        // the shape itself, since its x is only its size's cube root
                        line.row("jvk").filter(r -> !r.failed()).ifPresent(r -> {
                            org.jfree.chart.annotations.XYTextAnnotation label = new org.jfree.chart.annotations.XYTextAnnotation(
                                    line.key().shape().label(), cubeSide(line.key().shape()), r.gflops());
                            label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                            label.setTextAnchor(TextAnchor.BOTTOM_LEFT);
                            sub.addAnnotation(label);
                        });
                    }
                }
                top = Math.max(top, panel.maxY);
                if (peak.isPresent()) {
                    sub.addRangeMarker(ceilingLine(peak.get().label() + ": " + Format.number(peak.get().value()) + " GFLOP/s", peak.get().value(), true));
                    top = Math.max(top, peak.get().value());
                }
                combined.add(sub, 1);
            }
            if (combined.getSubplots().isEmpty()) {
                continue;
            }
            y.setRange(0, top * 1.1);
            // every panel has the same implementations: one legend, not one per panel
            XYPlot first = (XYPlot) combined.getSubplots().get(0);
            combined.setFixedLegendItems(first.getLegendItems());
            String title = e.getKey() + ": GFLOP/s against size, " + threadCounts.stream().map(Ceilings::threads)
                    .reduce((a, b) -> a + " and " + b).orElse("") + " (higher is better)";
            JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
            String file = "gemm-" + fileSafe(e.getKey()) + ".png";
            save(chart, dir.resolve(file), threadCounts.size() > 1 ? WIDTH * 3 / 2 : WIDTH);
            plots.add(new Plot(file, title, Family.GEMM));
        }
        return plots;
    }

    /**
     * Memory-bound operations of one family: GB/s against the element count with JMH's error bars,
     * one series per operation and implementation (one thread), STREAM copy and triad as lines, and
     * points above STREAM crossed out where it bounds them (working sets beyond the caches).
     */
    static Optional<Plot> memory(FamilyTable table, Ceilings ceilings, Path dir) throws IOException {
        Panel panel = new Panel();
        for (FamilyTable.Line line : table.lines()) {
            if (line.metric() != Metric.GBPS || line.key().threads() != 1 || line.key().shape().dims().size() != 1
                    || !line.key().extras().isEmpty() && !line.key().extras().startsWith("type=")) {
                continue;
            }
            for (String impl : table.implementations()) {
                line.row(impl).filter(r -> !r.failed()).ifPresent(r -> panel.add(table.opLabel(line) + " " + impl,
                        line.key().shape().side(), r.gigabytesPerSecond(), r.relativeError(), table.aboveBound(line, r, ceilings)));
            }
        }
        if (panel.isEmpty()) {
            return Optional.empty();
        }
        LogAxis x = new LogAxis("elements (log scale)");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(2));
        x.setNumberFormatOverride(new java.text.NumberFormat() {
            @Override
            public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
                return to.append(Shape.humanCount(Math.round(v)));
            }

            @Override
            public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
                return to.append(Shape.humanCount(v));
            }

            @Override
            public Number parse(String text, java.text.ParsePosition pos) {
                return null;
            }
        });
        x.setRange(panel.minX / 2, panel.maxX * 2);
        NumberAxis y = new NumberAxis("GB/s (JMH 99.9% error bars)");
        XYPlot plot = panel.plot(x, y);
        double top = panel.maxY;
        for (Work.StreamKind kind : Work.StreamKind.values()) {
            Optional<Ceilings.Peak> peak = ceilings.stream(kind, 1);
            if (peak.isPresent()) {
                // copy's label above its line, triad's below: the two lines are often close
                plot.addRangeMarker(ceilingLine(peak.get().label() + ": " + Format.number(peak.get().value())
                        + " GB/s (a bound beyond the caches only)", peak.get().value(), kind == Work.StreamKind.COPY));
                top = Math.max(top, peak.get().value());
            }
        }
        y.setRange(0, top * 1.1);
        String title = table.family().title() + ": GB/s against size, 1 thread (higher is better)";
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        String file = "memory-" + table.family().id() + ".png";
        save(chart, dir.resolve(file), WIDTH);
        return Optional.of(new Plot(file, title, table.family()));
    }

    /** The points of one XY panel: a series per name with error bars, and the points above their ceiling. */
    private static final class Panel {
        /** The suffix of a series drawn as points only, coloured as its implementation and left out of the legend. */
        static final String UNJOINED = " (other shapes)";

        final org.jfree.data.xy.YIntervalSeriesCollection data = new org.jfree.data.xy.YIntervalSeriesCollection();
        final org.jfree.data.xy.YIntervalSeries above = new org.jfree.data.xy.YIntervalSeries("above the ceiling: a measurement error");
        final Map<String, org.jfree.data.xy.YIntervalSeries> series = new LinkedHashMap<>();
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        double maxY = 0;

        void add(String name, double x, double y, double relativeError, boolean aboveCeiling) {
            double half = Double.isNaN(relativeError) ? 0 : y * relativeError;
            series.computeIfAbsent(name, org.jfree.data.xy.YIntervalSeries::new).add(x, y, Math.max(0, y - half), y + half);
            if (aboveCeiling) {
                above.add(x, y, y, y);
            }
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y + half);
        }

        boolean isEmpty() {
            return series.isEmpty();
        }

        XYPlot plot(org.jfree.chart.axis.ValueAxis x, org.jfree.chart.axis.ValueAxis y) {
            org.jfree.chart.renderer.xy.XYErrorRenderer renderer = new org.jfree.chart.renderer.xy.XYErrorRenderer();
            renderer.setDrawXError(false);
            renderer.setDefaultLinesVisible(true);
            renderer.setCapLength(6);
            renderer.setErrorStroke(new BasicStroke(1.5f));
            int s = 0;
            List<String> ops = new ArrayList<>();
            java.awt.Shape[] shapes = {new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8), new java.awt.Rectangle(-4, -4, 8, 8),
                    org.jfree.chart.util.ShapeUtils.createUpTriangle(5), org.jfree.chart.util.ShapeUtils.createDiamond(5)};
            for (org.jfree.data.xy.YIntervalSeries one : series.values()) {
                data.addSeries(one);
                String name = (String) one.getKey();
                boolean unjoined = name.endsWith(UNJOINED);
                if (unjoined) {
                    name = name.substring(0, name.length() - UNJOINED.length());
                    renderer.setSeriesLinesVisible(s, false);
                    renderer.setSeriesVisibleInLegend(s, false);
                }
                int space = name.lastIndexOf(' ');
                String impl = name.substring(space + 1);
                // several operations in one plot: colour by implementation, shape and dashes by operation
                String op = space < 0 ? "" : name.substring(0, space);
                if (!ops.contains(op)) {
                    ops.add(op);
                }
                int o = ops.indexOf(op);
                renderer.setSeriesPaint(s, colorOf(impl, s));
                float width = impl.equals("jvk") ? 3f : 1.8f;
                renderer.setSeriesStroke(s, o == 0 ? new BasicStroke(width)
                        : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f + 3 * o, 3f}, 0f));
                renderer.setSeriesShape(s, shapes[o % shapes.length]);
                s++;
            }
            if (!above.isEmpty()) {
                data.addSeries(above);
                renderer.setSeriesLinesVisible(s, false);
                renderer.setSeriesPaint(s, Color.BLACK);
                renderer.setSeriesShape(s, org.jfree.chart.util.ShapeUtils.createDiagonalCross(6, 1.2f));
            }
            XYPlot plot = new XYPlot(data, x, y, renderer);
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            plot.setBackgroundPaint(new Color(250, 250, 250));
            return plot;
        }
    }

    /** A ceiling as a dashed horizontal line with its label above or below it. */
    private static ValueMarker ceilingLine(String label, double value, boolean labelAbove) {
        ValueMarker marker = new ValueMarker(value, Color.DARK_GRAY, new BasicStroke(1.5f,
                BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        marker.setLabel(label);
        marker.setLabelAnchor(labelAbove ? RectangleAnchor.TOP_LEFT : RectangleAnchor.BOTTOM_RIGHT);
        marker.setLabelTextAnchor(labelAbove ? TextAnchor.BOTTOM_LEFT : TextAnchor.TOP_RIGHT);
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return marker;
    }

    /** n for n x n x n, the cube root of m n k otherwise. */
    private static double cubeSide(Shape shape) {
        return shape.dims().size() == 1 ? shape.side() : Math.cbrt(shape.volume());
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

    /**
     * MLP samples/s with JMH's error bars, training and inference in plots of their own, each
     * problem's thread counts side by side.
     */
    static List<Plot> mlp(FamilyTable table, Path dir) throws IOException {
        List<Plot> plots = new ArrayList<>();
        for (boolean inference : new boolean[] {false, true}) {
            org.jfree.data.statistics.DefaultStatisticalCategoryDataset data = new org.jfree.data.statistics.DefaultStatisticalCategoryDataset();
            List<FamilyTable.Line> lines = new ArrayList<>(table.lines());
            lines.sort(Comparator.comparing((FamilyTable.Line l) -> l.key().op()).thenComparing(l -> l.key().extras(), FamilyTable::compareNatural)
                    .thenComparingInt(l -> l.key().threads()));
            for (FamilyTable.Line line : lines) {
                if (line.metric() != Metric.SAMPLES || (Verdicts.kindOf(Family.MLP, line) == Verdicts.Kind.INFERENCE) != inference) {
                    continue;
                }
                String group = groupLabel(table, line);
                for (String impl : table.implementations()) {
                    line.row(impl).filter(r -> !r.failed()).ifPresent(r -> {
                        double v = r.samplesPerSecond();
                        // the renderer draws mean ± "standard deviation": here JMH's 99.9% half-width
                        data.add(v, Double.isNaN(r.relativeError()) ? 0 : v * r.relativeError(), impl, group);
                    });
                }
            }
            if (data.getRowCount() == 0) {
                continue;
            }
            String what = inference ? "MLP inference" : "MLP training";
            String title = what + " samples/s, JMH 99.9% error bars (higher is better)";
            org.jfree.chart.axis.CategoryAxis x = new org.jfree.chart.axis.CategoryAxis("");
            x.setMaximumCategoryLabelLines(4);
            org.jfree.chart.renderer.category.StatisticalBarRenderer renderer = new org.jfree.chart.renderer.category.StatisticalBarRenderer();
            renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
            renderer.setErrorIndicatorPaint(Color.BLACK);
            for (int r = 0; r < data.getRowCount(); r++) {
                renderer.setSeriesPaint(r, colorOf((String) data.getRowKey(r), r));
            }
            org.jfree.chart.plot.CategoryPlot plot = new org.jfree.chart.plot.CategoryPlot(data, x, new NumberAxis("samples/s"), renderer);
            JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
            String file = inference ? "mlp-inference.png" : "mlp-training.png";
            save(chart, dir.resolve(file), WIDTH);
            plots.add(new Plot(file, what + " samples/s, 1 and more threads side by side", Family.MLP));
        }
        return plots;
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
        save(chart, file, WIDTH);
    }

    private static void save(JFreeChart chart, Path file, int width) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, HEIGHT);
    }

    private static String fileSafe(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
