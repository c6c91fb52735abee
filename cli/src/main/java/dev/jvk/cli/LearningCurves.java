package dev.jvk.cli;

import dev.jvk.nn.AtomicFiles;
import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Trainer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code train --plot FILE.png}: the learning curves, the first picture a person looks at. Two panels side by
 * side over the epochs: the loss (training and validation) and the validation metric (accuracy, or R^2 for
 * regression; the test set's too with {@code --report-test-every-epoch}), the best epoch marked. Drawn
 * with java.awt, headless.
 */
final class LearningCurves {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 420;
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);
    private static final Color TEST = new Color(0x2ca02c);

    private LearningCurves() {}

    /** One line of a panel: its value at each epoch of the run from the first, NaN where it has none. */
    record Series(String name, Color color, List<Double> values) {}

    /**
     * What the picture shows: the loss panel's lines, the metric panel's, the metric's name, the epoch kept (marked in
     * both) and the run's epochs (the x axis).
     */
    record Curves(List<Series> loss, List<Series> metric, String metricName, int bestEpoch, int epochs) {}

    /**
     * The curves of a run from its {@code history} (every epoch from the first, a resumed run's too) and the test
     * metric per epoch ({@code --report-test-every-epoch}; NaN for an epoch without a test score, empty for none).
     */
    static Curves curves(Trainer.History history, List<Double> testMetric, boolean regression) {
        List<Double> trainLoss = new ArrayList<>();
        List<Double> validationLoss = new ArrayList<>();
        List<Double> validationMetric = new ArrayList<>();
        for (Trainer.EpochResult r : history.epochs()) {
            trainLoss.add(r.trainLoss());
            if (r.evaluation() != null) {
                validationLoss.add(r.evaluation().loss());
                validationMetric.add(metric(r.evaluation()));
            }
        }
        String metricName = regression ? "R^2" : "accuracy";
        List<Series> metrics = new ArrayList<>();
        metrics.add(new Series("validation " + metricName, VALIDATION, validationMetric));
        if (!testMetric.isEmpty()) {
            metrics.add(new Series("test " + metricName, TEST, List.copyOf(testMetric)));
        }
        return new Curves(List.of(new Series("train", TRAIN, trainLoss), new Series("validation", VALIDATION, validationLoss)), List.copyOf(metrics),
                metricName, history.bestEpoch(), trainLoss.size());
    }

    static void write(Path file, Trainer.History history, List<Double> testMetric, boolean regression) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Curves curves = curves(history, testMetric, regression);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        panel(g, 0, "loss", curves.loss(), curves.bestEpoch(), 0, Double.POSITIVE_INFINITY, curves.epochs(), null);
        // accuracy lies in [0, 1]; R^2 is at most 1 and may be any negative number
        // a small set trains on every row by default, so there may be no metric to draw: say how to get one
        String nothing = curves.metric().stream().allMatch(s -> s.values().stream().noneMatch(Double::isFinite))
                ? "no validation set: --validation-split F or --validation-csv FILE watches one" : null;
        panel(g, WIDTH / 2, curves.metricName(), curves.metric(), curves.bestEpoch(), regression ? Double.NEGATIVE_INFINITY : 0, 1, curves.epochs(), nothing);
        g.dispose();
        // saved as a model is: through a symbolic link, never over a FIFO, no temporary file left, a failed write named
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer in this JDK");
        }
        AtomicFiles.write(file, png.toByteArray());
    }

    /** The figure the metric panel shows of an evaluation: accuracy, or R^2 for a regressor. */
    static double metric(Evaluation e) {
        return e.isRegression() ? e.r2() : e.accuracy();
    }

    /**
     * The value range a panel shows: the values' range padded by 5% on each side, but never past what the quantity can
     * be ({@code floor}, {@code ceiling}), so that a loss axis does not run below 0 nor an accuracy axis above 1.
     */
    static double[] range(List<Series> series, double floor, double ceiling) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(min <= max)) {
            return new double[] {Math.max(floor, 0), Math.min(ceiling, 1)};
        }
        double pad = max - min < 1e-9 ? 0.5 : (max - min) * 0.05;
        min = Math.max(floor, min - pad);
        max = Math.min(ceiling, max + pad);
        if (max - min < 1e-9) {   // one value on a bound (accuracy 1.0 throughout): open the range towards the other side
            min = max == ceiling ? max - 1 : min;
            max = max == ceiling ? max : min + 1;
        }
        return new double[] {min, max};
    }

    /** Epoch labels at 1 and at multiples of a round step (1, 2, 5, 10, 20, 50, ...), at most about ten of them. */
    static int tickStep(int epochs) {
        int step = 1;
        for (int scale = 1; ; scale *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                step = m * scale;
                if (epochs / step <= 10) {
                    return step;
                }
            }
        }
    }

    /** A panel of {@code series} over the run's {@code runEpochs} epochs; {@code nothing}, when not null, written in the middle. */
    private static void panel(Graphics2D g, int x0, String title, List<Series> series, int bestEpoch, double floor, double ceiling,
                              int runEpochs, String nothing) {
        int left = x0 + 70;
        int right = x0 + WIDTH / 2 - 20;
        int top = 40;
        int bottom = HEIGHT - 60;
        int epochs = Math.max(1, runEpochs);
        for (Series s : series) {
            epochs = Math.max(epochs, s.values().size());
        }
        double[] range = range(series, floor, ceiling);
        double min = range[0];
        double max = range[1];
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, top - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, right - left, bottom - top);
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            int y = yOf(v, min, max, top, bottom);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3g", v), x0 + 8, y + 4);
        }
        int step = tickStep(epochs);
        for (int e = 1; e <= epochs; e = e == 1 && step > 1 ? step : e + step) {
            String label = Integer.toString(e);
            g.drawString(label, xOf(e, epochs, left, right) - g.getFontMetrics().stringWidth(label) / 2, bottom + 16);
        }
        g.drawString("epoch", (left + right) / 2 - 15, bottom + 34);
        if (nothing != null) {
            g.drawString(nothing, (left + right - g.getFontMetrics().stringWidth(nothing)) / 2, (top + bottom) / 2);
        }
        if (bestEpoch >= 1 && series.stream().anyMatch(s -> s.values().size() > 1)) {
            int x = xOf(bestEpoch, epochs, left, right);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            g.drawLine(x, top + 1, x, bottom - 1);
            int labelWidth = g.getFontMetrics().stringWidth("kept");
            g.drawString("kept", x + 3 + labelWidth < right ? x + 3 : x - 3 - labelWidth, bottom - 6);   // at the foot: the legend is at the head
        }
        int legendY = top - 12;
        int legendX = right;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            if (s.values().isEmpty()) {
                continue;
            }
            g.setStroke(new BasicStroke(2.2f));
            g.setColor(s.color());
            int previousX = -1;
            int previousY = -1;
            for (int e = 1; e <= s.values().size(); e++) {
                double v = s.values().get(e - 1);
                if (!Double.isFinite(v)) {   // no figure for this epoch (a test score before a resumption): a gap in the line
                    previousX = -1;
                    continue;
                }
                int x = xOf(e, epochs, left, right);
                int y = yOf(v, min, max, top, bottom);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                if (epochs <= 50) {   // beyond, the dots would hide the line
                    g.fillOval(x - 3, y - 3, 6, 6);
                }
                previousX = x;
                previousY = y;
            }
            int textWidth = g.getFontMetrics().stringWidth(s.name());
            legendX -= textWidth + 28;
            g.fillRect(legendX, legendY - 8, 16, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), legendX + 20, legendY - 3);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int xOf(int epoch, int epochs, int left, int right) {
        return epochs == 1 ? (left + right) / 2 : left + 10 + (int) Math.round((right - left - 20) * (epoch - 1) / (double) (epochs - 1));
    }

    private static int yOf(double v, double min, double max, int top, int bottom) {
        return bottom - (int) Math.round((bottom - top) * (v - min) / (max - min));
    }
}
