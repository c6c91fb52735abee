package dev.jvk.cli;

import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Trainer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** One line of a panel. */
    private record Series(String name, Color color, List<Double> values) {}

    static void write(Path file, Trainer.History history, List<Evaluation> testPerEpoch, boolean regression) throws IOException {
        System.setProperty("java.awt.headless", "true");
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
        List<Double> testMetric = testPerEpoch.stream().map(LearningCurves::metric).toList();
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int best = history.bestEpoch();
        panel(g, 0, "loss", List.of(new Series("train", TRAIN, trainLoss), new Series("validation", VALIDATION, validationLoss)), best);
        String metricName = regression ? "R^2" : "accuracy";
        List<Series> metrics = new ArrayList<>();
        metrics.add(new Series("validation " + metricName, VALIDATION, validationMetric));
        if (!testMetric.isEmpty()) {
            metrics.add(new Series("test " + metricName, TEST, testMetric));
        }
        panel(g, WIDTH / 2, metricName, metrics, best);
        g.dispose();
        Path absolute = file.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            if (!ImageIO.write(image, "png", temp.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static double metric(Evaluation e) {
        return e.isRegression() ? e.r2() : e.accuracy();
    }

    private static void panel(Graphics2D g, int x0, String title, List<Series> series, int bestEpoch) {
        int left = x0 + 70;
        int right = x0 + WIDTH / 2 - 20;
        int top = 40;
        int bottom = HEIGHT - 60;
        int epochs = 1;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            epochs = Math.max(epochs, s.values().size());
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(min <= max)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-9) {
            max += 0.5;
            min -= 0.5;
        }
        double pad = (max - min) * 0.05;
        min -= pad;
        max += pad;
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
        int step = Math.max(1, (int) Math.ceil(epochs / 10.0));
        for (int e = 1; e <= epochs; e += step) {
            int x = xOf(e, epochs, left, right);
            g.drawString(Integer.toString(e), x - 4, bottom + 16);
        }
        g.drawString("epoch", (left + right) / 2 - 15, bottom + 34);
        if (bestEpoch >= 1 && series.stream().anyMatch(s -> s.values().size() > 1)) {
            int x = xOf(bestEpoch, epochs, left, right);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            g.drawLine(x, top + 1, x, bottom - 1);
            int labelWidth = g.getFontMetrics().stringWidth("kept");
            g.drawString("kept", x + 3 + labelWidth < right ? x + 3 : x - 3 - labelWidth, top + 14);
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
                int x = xOf(e, epochs, left, right);
                int y = yOf(s.values().get(e - 1), min, max, top, bottom);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
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
        double clamped = Double.isFinite(v) ? v : min;
        return bottom - (int) Math.round((bottom - top) * (clamped - min) / (max - min));
    }
}
