package dev.jvk.nn;

/**
 * Independent double-precision versions of every layer and loss, written from the textbook
 * formulas (no kernels), and central finite differences over them: the oracle the gradient checks
 * compare the float backward passes with.
 */
final class Oracle {
    private Oracle() {}

    /** A scalar function of a vector, for finite differences. */
    interface Scalar {
        double at(double[] v);
    }

    /** Central differences {@code (f(v + h e_i) - f(v - h e_i)) / 2h} for every i. */
    static double[] gradient(Scalar f, double[] v, double h) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double saved = v[i];
            v[i] = saved + h;
            double plus = f.at(v);
            v[i] = saved - h;
            double minus = f.at(v);
            v[i] = saved;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    static double[] toDouble(float[] x, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** {@code y = x W + b}, x rows x in, W in x out. */
    static double[] dense(double[] x, double[] w, double[] b, int rows, int in, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double s = b[j];
                for (int k = 0; k < in; k++) {
                    s += x[r * in + k] * w[k * out + j];
                }
                y[r * out + j] = s;
            }
        }
        return y;
    }

    static double activation(Activation a, double x) {
        return switch (a) {
            case RELU -> Math.max(0, x);
            case LEAKY_RELU -> x > 0 ? x : Activation.LEAKY_SLOPE * x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case SILU -> x / (1 + Math.exp(-x));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        };
    }

    /**
     * erf in double: the Maclaurin series for |x| < 2 (its largest term is below e^4, so cancellation
     * costs under 1e-14), and 1 - erfc by the continued fraction
     * {@code erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))} beyond,
     * where the series would cancel catastrophically.
     */
    static double erf(double x) {
        double z = Math.abs(x);
        if (z < 2) {
            double term = x;
            double sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x * x / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        double fraction = z;
        for (int k = 120; k >= 1; k--) {
            fraction = z + (k / 2.0) / fraction;
        }
        double erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
        return Math.copySign(1 - erfc, x);
    }

    /** Mean softmax cross-entropy over rows, by log-sum-exp. */
    static double crossEntropy(double[] z, int[] labels, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[r * classes + c]);
            }
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += Math.exp(z[r * classes + c] - max);
            }
            total += max + Math.log(s) - z[r * classes + labels[r]];
        }
        return total / rows;
    }

    /** Mean squared error against one-hot labels, over all rows x classes outputs. */
    static double mse(double[] y, int[] labels, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < classes; c++) {
                double d = y[r * classes + c] - (c == labels[r] ? 1 : 0);
                total += d * d;
            }
        }
        return total / (rows * classes);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
