package dev.jvk.bench;

import java.util.Arrays;

/**
 * The arithmetic of the rotating-rounds drivers ({@code gemm.ThreadPairs}, {@code mlp.TrainingPairs}): on a host whose
 * cores change speed second by second, rates are compared round by round, then summarised by median and quartiles.
 */
public final class PairedRounds {
    private PairedRounds() {}

    /**
     * Rates of {@code mode} per round from round {@code from} on, each divided by the same round's rate of
     * {@code under} (none: -1), so that a slow round slows both sides of a ratio.
     */
    public static double[] column(double[][] rate, int from, int mode, int under) {
        double[] x = new double[rate.length - from];
        for (int r = from; r < rate.length; r++) {
            x[r - from] = rate[r][mode] / (under < 0 ? 1 : rate[r][under]);
        }
        return x;
    }

    /** The {@code q}-quantile of {@code x}, interpolated between the two nearest ranks (0.5: the median). */
    public static double quantile(double[] x, double q) {
        double[] y = x.clone();
        Arrays.sort(y);
        double at = q * (y.length - 1);
        int low = (int) Math.floor(at);
        int high = Math.min(y.length - 1, low + 1);
        return y[low] + (at - low) * (y[high] - y[low]);
    }

    /** {@code text} as an int of at least 1, or an exception naming {@code what}. */
    public static int positive(String what, String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be a whole number at least 1, not '" + text + "'");
        }
        return value;
    }
}
