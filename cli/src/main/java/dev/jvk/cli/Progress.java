package dev.jvk.cli;

import dev.jvk.nn.Trainer;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress for people: a bar redrawn in place (at most ten times a second) when the output
 * is a terminal, and one plain line per epoch either way.
 */
final class Progress implements Trainer.Listener {
    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean bar;
    private long epochStart;
    private long lastDraw;
    private double smoothedLoss = Double.NaN;

    Progress(PrintWriter out, boolean bar) {
        this.out = out;
        this.bar = bar;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        epochStart = System.nanoTime();
        lastDraw = epochStart;
        smoothedLoss = Double.NaN;
    }

    @Override
    public void stepDone(int epoch, int step, int steps, long samples, float loss) {
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : 0.95 * smoothedLoss + 0.05 * loss;
        if (!bar) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && step < steps) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) BAR_WIDTH * step / steps);
        double rate = samples / Math.max(1e-9, (now - epochStart) / 1e9);
        out.print(String.format(Locale.ROOT, "\repoch %d [%s%s] %3d%%  %,.0f samples/s  loss %s ",
                epoch, "=".repeat(filled), " ".repeat(BAR_WIDTH - filled), 100L * step / steps, rate, Results.figure(smoothedLoss)));
        out.flush();
    }

    @Override
    public void epochDone(Trainer.EpochResult r) {
        if (bar) {
            out.print("\r" + " ".repeat(BAR_WIDTH + 60) + "\r");
        }
        out.println(epochLine(r));
        out.flush();
    }

    static String epochLine(Trainer.EpochResult r) {
        String line = String.format(Locale.ROOT, "epoch %2d  train loss %s", r.epoch(), Results.figure(r.trainLoss()));
        if (r.evaluation() != null) {
            line += "  validation " + Results.shortLine(r.evaluation()) + (r.best() ? " *" : "");
        }
        if (r.test() != null) {
            line += "  test " + Results.shortLine(r.test());
        }
        return line + String.format(Locale.ROOT, "  %,.0f samples/s  %.2f s  lr %.3g", r.samplesPerSecond(), r.trainSeconds(), r.learningRate());
    }
}
