package dev.jvk.kernels.reference;

/**
 * Scalar reference activations: the fallback where the Vector API cannot run, and the twin the
 * vector kernels are checked against. Same signatures as {@link dev.jvk.kernels.Activations}, without
 * argument checks.
 *
 * <p>Exact operations (relu, leakyRelu, their backward forms, sigmoidBackward, tanhBackward, the fused
 * bias forms) are written as the plain float expression the contract defines, so the vector kernels
 * must match them bitwise. Transcendentals are computed in double with {@link Math} and rounded once
 * to float: the double result is within a few double ulps of the exact value, so the float result is
 * within 0.5 ulp plus a negligible 2^-29 ulp of the exact value, well inside every documented bound.
 * erf has no {@code Math} method: {@link #erfc(double)} is a Maclaurin series near zero and a
 * continued fraction in the tail.
 *
 * <p>Infinite inputs give the limits: silu and both gelu forms map -Inf to -0 and +Inf to +Inf,
 * softplus maps -Inf to 0, and the derivatives of silu and gelu are 0 at -Inf and 1 at +Inf. Beyond
 * +-200 each of these has reached its limit as a float, so inputs are clamped there: that keeps
 * {@code Inf * 0} from turning a limit into NaN.
 */
public final class ReferenceActivations {
    /**
     * Beyond +-200 silu, gelu and their derivatives have reached their limits as floats (silu(-200) is
     * about -3e-85); clamping there keeps infinite inputs from giving {@code Inf * 0 = NaN}.
     */
    private static final double CLAMP = 200;
    /** sqrt(2 / pi), the scale inside gelu's tanh form. */
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    /** The cubic coefficient of gelu's tanh form. */
    private static final double GELU_CUBIC = 0.044715;
    /** 1 / sqrt(2): gelu's erf form is 0.5 x (1 + erf(x / sqrt 2)). */
    private static final double INV_SQRT_2 = 0.7071067811865476;
    /** 1 / sqrt(2 pi), the normal density at 0. */
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    /** 2 / sqrt(pi), the factor in front of erf's series. */
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    /** 1 / sqrt(pi), the factor in front of erfc's continued fraction. */
    private static final double INV_SQRT_PI = 0.5641895835477563;

    private ReferenceActivations() {}

    // ---------------------------------------------------------------- forward, exact

    /** y = Math.max(0f, x): NaN stays NaN, -0 becomes +0. */
    public static void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Math.max(0f, x[xOffset + i]);
        }
    }

    /** y = x > 0 ? x : alpha * x (NaN stays NaN). */
    public static void leakyRelu(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            y[yOffset + i] = v > 0 ? v : alpha * v;
        }
    }

    // ---------------------------------------------------------------- forward, transcendental

    public static void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = (float) Math.exp(x[xOffset + i]);
        }
    }

    public static void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = (float) Math.log(x[xOffset + i]);
        }
    }

    /** 1 / (1 + e^-x); in double e^-x cannot overflow before the result underflows as a float. */
    public static void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = (float) sigmoid((double) x[xOffset + i]);
        }
    }

    public static void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = (float) Math.tanh(x[xOffset + i]);
        }
    }

    /** x * sigmoid(x). */
    public static void silu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = Math.max(x[xOffset + i], -CLAMP);
            y[yOffset + i] = (float) (v * sigmoid(v));
        }
    }

    /** log(1 + e^x), written as max(x, 0) + log1p(e^-|x|) so that e^x never overflows. */
    public static void softplus(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOffset + i];
            y[yOffset + i] = (float) (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
        }
    }

    /**
     * 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), written as x * sigmoid(2u): the same
     * function, since 1 + tanh(u) = 2 sigmoid(2u), but without the cancellation of 1 + tanh(u) for {@code x < 0}.
     */
    public static void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = Math.max(x[xOffset + i], -CLAMP);
            y[yOffset + i] = (float) (v * sigmoid(2 * geluTanhArgument(v)));
        }
    }

    /** 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2): erfc keeps the {@code x < 0} tail accurate. */
    public static void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = Math.max(x[xOffset + i], -CLAMP);
            y[yOffset + i] = (float) (0.5 * v * erfc(-v * INV_SQRT_2));
        }
    }

    // ---------------------------------------------------------------- backward, from the forward input x

    /** {@code dx = x > 0 ? dy : 0} (a selection, not a product: {@code x <= 0} or NaN gives +0 whatever dy is). */
    public static void reluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOffset + i] = x[xOffset + i] > 0 ? dy[dyOffset + i] : 0f;
        }
    }

    /** dx = x > 0 ? dy : alpha * dy. */
    public static void leakyReluBackward(float alpha, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            float g = dy[dyOffset + i];
            dx[dxOffset + i] = x[xOffset + i] > 0 ? g : alpha * g;
        }
    }

    /** silu'(x) = s (1 + x (1 - s)), s = sigmoid(x). */
    public static void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = clamp(x[xOffset + i]);
            double s = sigmoid(v);
            // f'(x) rounded to float first, then a float product, as the vector kernel does: where
            // f'(x) underflows to 0 (x below about -104), dy = Inf gives NaN in both, not a double
            // product's ±Inf.
            dx[dxOffset + i] = dy[dyOffset + i] * (float) (s * (1 + v * sigmoid(-v)));
        }
    }

    /** softplus'(x) = sigmoid(x). */
    public static void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOffset + i] = (float) (dy[dyOffset + i] * sigmoid((double) x[xOffset + i]));
        }
    }

    /**
     * With s = sigmoid(2u): gelu = x s, so gelu' = s + 2 x s (1 - s) u', u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
     */
    public static void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = clamp(x[xOffset + i]);
            double twoU = 2 * geluTanhArgument(v);
            double s = sigmoid(twoU);
            double du = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * v * v);
            dx[dxOffset + i] = (float) (dy[dyOffset + i] * (s * (1 + 2 * v * sigmoid(-twoU) * du)));
        }
    }

    /** gelu' = Phi(x) + x phi(x): the normal distribution function plus x times the normal density. */
    public static void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            double v = clamp(x[xOffset + i]);
            double cdf = 0.5 * erfc(-v * INV_SQRT_2);
            double density = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            dx[dxOffset + i] = (float) (dy[dyOffset + i] * (cdf + v * density));
        }
    }

    // ---------------------------------------------------------------- backward, from the forward output y

    /** dx = dy * (y - y*y), with y - y*y rounded once (fma): sigmoid' = y (1 - y). */
    public static void sigmoidBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yOffset + i];
            dx[dxOffset + i] = dy[dyOffset + i] * Math.fma(-v, v, v);
        }
    }

    /** dx = dy * (1 - y*y), with 1 - y*y rounded once (fma): tanh' = 1 - y^2. */
    public static void tanhBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yOffset + i];
            dx[dxOffset + i] = dy[dyOffset + i] * Math.fma(-v, v, 1f);
        }
    }

    // ---------------------------------------------------------------- fused with the bias of a dense layer

    /** x[r][c] = max(0, x[r][c] + bias[c]) over a rows x cols block with leading dimension ld. */
    public static void addBiasRelu(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            for (int c = 0; c < cols; c++) {
                x[row + c] = Math.max(0f, x[row + c] + bias[biasOffset + c]);
            }
        }
    }

    /** x[r][c] = leakyRelu(alpha, x[r][c] + bias[c]) over a rows x cols block with leading dimension ld. */
    public static void addBiasLeakyRelu(float alpha, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            for (int c = 0; c < cols; c++) {
                float v = x[row + c] + bias[biasOffset + c];
                x[row + c] = v > 0 ? v : alpha * v;
            }
        }
    }

    // ---------------------------------------------------------------- double helpers

    /** x clamped to [-200, 200]; NaN stays NaN. */
    private static double clamp(double x) {
        return Math.min(Math.max(x, -CLAMP), CLAMP);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** u = sqrt(2/pi) (x + 0.044715 x^3). */
    private static double geluTanhArgument(double x) {
        return SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
    }

    /**
     * The complementary error function, to about 1e-13 relative error (Math has none).
     * |z| < 2: 1 - erf(z) with the Maclaurin series erf(z) = 2/sqrt(pi) sum (-1)^k z^(2k+1) / (k! (2k+1)),
     * summed until a term no longer changes the sum (at most ~35 terms; erfc(2) = 0.0047, so the
     * subtraction loses at most 3 of 16 digits). z >= 2: the continued fraction
     * erfc(z) = e^(-z^2)/sqrt(pi) / (z + (1/2)/(z + (2/2)/(z + (3/2)/(z + ...)))), 60 levels, which
     * has converged to double precision for every z >= 2. z <= -2: erfc(z) = 2 - erfc(-z).
     */
    static double erfc(double z) {
        if (Double.isNaN(z)) {
            return z;
        }
        if (z <= -2) {
            return 2 - erfc(-z);
        }
        if (z < 2) {
            double sum = 0;
            double power = z; // (-1)^k z^(2k+1) / k!
            for (int k = 0; ; k++) {
                double term = power / (2 * k + 1);
                double next = sum + term;
                if (next == sum) {
                    break;
                }
                sum = next;
                power *= -z * z / (k + 1);
            }
            return 1 - TWO_OVER_SQRT_PI * sum;
        }
        if (z == Double.POSITIVE_INFINITY) {
            return 0;
        }
        double fraction = z;
        for (int k = 60; k >= 1; k--) {
            fraction = z + (k / 2.0) / fraction;
        }
        return Math.exp(-z * z) * INV_SQRT_PI / fraction;
    }
}
