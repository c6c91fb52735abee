package dev.jvk.bench.report;

import java.util.Locale;

/** Number formatting for the report: three significant digits, JMH's error with the same decimals. */
final class Format {
    private Format() {}

    /** 212.34 → {@code 212}, 27.61 → {@code 27.6}, 1.234 → {@code 1.23}, 0.01234 → {@code 0.0123}. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%." + decimals(v) + "f", v);
    }

    /** {@code 212 ± 4}; the error alone is dropped when JMH had none (a single iteration). */
    static String withError(double v, double relativeError) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Double.isNaN(relativeError)) {
            return number(v);
        }
        int d = decimals(v);
        return String.format(Locale.ROOT, "%." + d + "f ± %." + d + "f", v, Math.abs(v * relativeError));
    }

    /** Seconds per call in the unit that reads best: {@code 812 ns}, {@code 3.41 µs}, {@code 1.20 s}. */
    static String time(double seconds, double relativeError) {
        String[] units = {"s", "ms", "µs", "ns"};
        double v = seconds;
        int u = 0;
        while (u < units.length - 1 && Math.abs(v) < 1) {
            v *= 1000;
            u++;
        }
        return withError(v, relativeError) + " " + units[u];
    }

    /** {@code 0.92x}, {@code 3.07x}, {@code 28.7x}, {@code 119x}. */
    static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "–";
        }
        int d = r >= 100 ? 0 : r >= 10 ? 1 : 2;
        return String.format(Locale.ROOT, "%." + d + "fx", r);
    }

    /** {@code 1.92x ± 0.05}: a ratio and its half-width, both with the ratio's decimals; the error alone is dropped when unknown. */
    static String ratioWithError(double r, double relativeError) {
        if (Double.isNaN(r) || Double.isInfinite(r) || Double.isNaN(relativeError)) {
            return ratio(r);
        }
        int d = r >= 100 ? 0 : r >= 10 ? 1 : 2;
        return String.format(Locale.ROOT, "%." + d + "fx ± %." + d + "f", r, Math.abs(r * relativeError));
    }

    /** {@code 81%}. */
    static String percent(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    private static int decimals(double v) {
        double a = Math.abs(v);
        if (a >= 100 || a == 0) {
            return 0;
        }
        if (a >= 10) {
            return 1;
        }
        if (a >= 1) {
            return 2;
        }
        // 0.0123 -> 4 decimals: three significant digits
        return Math.min(9, 2 - (int) Math.floor(Math.log10(a)));
    }
}
