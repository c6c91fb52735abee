package dev.jvk.bench.report;

import java.util.List;

/**
 * The problem size of a benchmark row, from its parameters (see {@code bench/README.md}).
 *
 * @param dims  the dimensions: {@code [n]} for a vector, {@code [m, n, k]} for GEMM, {@code [m, n]}
 *              for GEMV or a rows x cols block; empty when the row has no size parameter
 * @param label how the report prints it
 */
public record Shape(List<Long> dims, String label) {

    public Shape {
        dims = List.copyOf(dims);
    }

    static final Shape NONE = new Shape(List.of(), "");

    /** The number of elements or the product of the dimensions; 0 without dimensions. */
    public double volume() {
        if (dims.isEmpty()) {
            return 0;
        }
        double v = 1;
        for (long d : dims) {
            v *= d;
        }
        return v;
    }

    /** True for GEMM's square problems without transposition: {@code size} alone, or m = n = k (and "NN:" if named). */
    public boolean isSquare() {
        boolean plain = !label.contains(":") || label.startsWith("NN:");
        return dims.size() == 1 || (plain && dims.size() == 3 && dims.get(0).equals(dims.get(1)) && dims.get(1).equals(dims.get(2)));
    }

    /** The side of a square problem, or of a vector. */
    public long side() {
        return dims.isEmpty() ? 0 : dims.get(0);
    }

    /** 4096 as {@code 4K}, 16777216 as {@code 16M}; other numbers as they are. */
    static String humanCount(long n) {
        if (n >= (1 << 20) && n % (1 << 20) == 0) {
            return (n >> 20) + "M";
        }
        if (n >= (1 << 10) && n % (1 << 10) == 0) {
            return (n >> 10) + "K";
        }
        return Long.toString(n);
    }
}
