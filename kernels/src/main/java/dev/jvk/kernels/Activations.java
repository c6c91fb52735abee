package dev.jvk.kernels;

import dev.jvk.kernels.spi.ActivationKernels;

/**
 * Elementwise activations of neural networks, their backward forms, and the fused bias + activation
 * of a dense layer. Float only.
 *
 * <p><b>Shapes.</b> Forward: {@code op(x, xOffset, y, yOffset, n)} writes {@code y[yOffset + i] = f(x[xOffset + i])}
 * for {@code i < n}. Backward: {@code op(xOrY, offset, dy, dyOffset, dx, dxOffset, n)} writes
 * {@code dx = dy * f'(.)}, where {@code f'} is taken at the forward input x (relu, leakyRelu, silu,
 * softplus, both gelu forms) or, where that is cheaper and exact, written in terms of the forward
 * output y (sigmoid, tanh).
 *
 * <p><b>Aliasing.</b> An output may be an input at the same offset (in place: {@code y == x},
 * {@code dx == dy} or {@code dx == x}); any other intersection of an output's index range with an input's
 * in the same array is an {@link IllegalArgumentException}. Inputs may overlap each other freely.
 *
 * <p><b>Errors.</b> A null array: {@link NullPointerException} naming it. A negative {@code n} or offset:
 * {@link IllegalArgumentException} naming it. An array too short for its offset and {@code n}:
 * {@link IndexOutOfBoundsException} naming it. All checks run before anything is written.
 *
 * <p><b>Numbers.</b> relu, leakyRelu, their backward forms, sigmoidBackward, tanhBackward and the fused
 * bias forms are exact: bitwise equal to the plain float expression given in each method, on every
 * implementation. Transcendentals are within the bound stated on each method, measured against the
 * correctly rounded result, on every implementation and vector width; they use jvk's own range
 * reduction and polynomials, never the Vector API's lanewise transcendentals (whose results change
 * with the JIT tier). NaN in gives NaN out. Infinite inputs give the limits of the function.
 * Results are deterministic: the same inputs give bitwise the same outputs at every JIT tier.
 *
 * <p><b>Backward bounds.</b> A derivative such as silu' = s + x s (1 - s) is a sum of terms that cancel
 * near its zeros, where no float evaluation keeps a relative error. The transcendental backward forms
 * (silu, softplus, both GELU forms) therefore promise
 * {@code |dx - dy f'(x)| <= 16u |dy| T(x) + |dy| 2^-120 + 2^-149}, {@code u = 2^-24}, where {@code T(x)}
 * is the sum of the magnitudes of f''s terms (given on each method): a relative bound wherever the
 * terms do not cancel, an absolute one near f''s zeros, plus the spacing of floats below the normal
 * range for gradients that underflow. Measured worst cases are 3 to 6.2 u T.
 */
public final class Activations {
    private static final ActivationKernels IMPL = Dispatch.CHOSEN.activations();

    private Activations() {}

    // ================================================================ forward, exact

    /**
     * {@code y = Math.max(0f, x)}: NaN stays NaN, -0 gives +0. Exact (bitwise as
     * {@link dev.jvk.kernels.reference.ReferenceActivations#relu}).
     */
    public static void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.relu(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y = x > 0 ? x : alpha * x}: NaN stays NaN. Exact (bitwise as {@link dev.jvk.kernels.reference.ReferenceActivations#leakyRelu}).
     */
    public static void leakyRelu(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.leakyRelu(alpha, x, xOffset, y, yOffset, n);
    }

    // ================================================================ forward, transcendental

    /**
     * {@code y = e^x}, within 2 ulp of the correctly rounded result, subnormal results included.
     * {@code exp(x) = +Inf} for {@code x > 88.72284} (so {@code exp(89) = +Inf}), {@code exp(-Inf) = 0},
     * {@code exp(NaN) = NaN}.
     */
    public static void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.exp(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y = ln x}, within 2 ulp of the correctly rounded result, subnormal inputs included.
     * As {@link Math#log}: {@code log(±0) = -Inf}, {@code log(x < 0) = NaN}, {@code log(+Inf) = +Inf}.
     */
    public static void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.log(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y = 1 / (1 + e^-x)}, within 4 ulp of the correctly rounded result, subnormal results
     * included. Saturates to exactly 0 (below about x = -103.97) and exactly 1 (above about x = 17.33),
     * never NaN for a number.
     */
    public static void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.sigmoid(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y = tanh x}, within 4 ulp of the correctly rounded result; exactly ±1 from about |x| = 9.01;
     * odd: {@code tanh(-0) = -0}.
     */
    public static void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.tanh(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y = x * sigmoid(x)} (swish), within 4 ulp of the correctly rounded result, subnormal
     * results included; {@code silu(-Inf) = -0}, {@code silu(+Inf) = +Inf}.
     */
    public static void silu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.silu(x, xOffset, y, yOffset, n);
    }

    /**
     * {@code y = ln(1 + e^x)}, within 4 ulp of the correctly rounded result, subnormal results
     * included; never overflows on the way ({@code softplus(x) = x} for large x), {@code softplus(-Inf) = 0}.
     */
    public static void softplus(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.softplus(x, xOffset, y, yOffset, n);
    }

    /**
     * GELU, tanh form: {@code y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, computed as
     * {@code x * sigmoid(2u)} so that {@code 1 + tanh(u)} never cancels. Within 4 ulp of the correctly
     * rounded result, or 1e-7 absolute where the result is below 1e-3 in magnitude;
     * {@code geluTanh(-Inf) = -0}, {@code geluTanh(+Inf) = +Inf}.
     */
    public static void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.geluTanh(x, xOffset, y, yOffset, n);
    }

    /**
     * GELU, erf form: {@code y = 0.5 x (1 + erf(x / sqrt 2))}, computed through erfc so that the
     * {@code x < 0} tail keeps its relative accuracy. Within 4 ulp of the correctly rounded result, or
     * 1e-7 absolute where the result is below 1e-3 in magnitude; {@code geluErf(-Inf) = -0},
     * {@code geluErf(+Inf) = +Inf}.
     */
    public static void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n) {
        unary(x, xOffset, y, yOffset, n);
        IMPL.geluErf(x, xOffset, y, yOffset, n);
    }

    // ================================================================ backward, from the forward input x

    /**
     * {@code dx = x > 0 ? dy : 0}: a selection, not a product (x &lt;= 0 or NaN gives +0 whatever dy
     * is, as PyTorch's threshold backward). Exact.
     */
    public static void reluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(x, xOffset, "x", dy, dyOffset, dx, dxOffset, n);
        IMPL.reluBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }

    /** {@code dx = x > 0 ? dy : alpha * dy}. Exact. */
    public static void leakyReluBackward(float alpha, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(x, xOffset, "x", dy, dyOffset, dx, dxOffset, n);
        IMPL.leakyReluBackward(alpha, x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }

    /**
     * {@code dx = dy * silu'(x)}, {@code silu'(x) = s + x s (1 - s)}, {@code s = sigmoid(x)}. Error: see
     * the class on backward bounds, with {@code T(x) = s + |x| s (1 - s)} (silu' crosses zero at
     * x = -1.278..., where the bound is absolute).
     */
    public static void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(x, xOffset, "x", dy, dyOffset, dx, dxOffset, n);
        IMPL.siluBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }

    /** {@code dx = dy * sigmoid(x)}. Error: see the class on backward bounds, with {@code T(x) = sigmoid(x)} (relative). */
    public static void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(x, xOffset, "x", dy, dyOffset, dx, dxOffset, n);
        IMPL.softplusBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }

    /**
     * {@code dx = dy * geluTanh'(x)}; with {@code s = sigmoid(2u)}, {@code geluTanh'(x) = s + 2 x s (1 - s) u'},
     * {@code u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2)}. Error: see the class on backward bounds, with
     * {@code T(x) = s + 2 |x| s (1 - s) u'}.
     */
    public static void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(x, xOffset, "x", dy, dyOffset, dx, dxOffset, n);
        IMPL.geluTanhBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }

    /**
     * {@code dx = dy * geluErf'(x)}, {@code geluErf'(x) = Phi(x) + x phi(x)} (normal distribution function
     * and density). Error: see the class on backward bounds, with {@code T(x) = Phi(x) + |x| phi(x)}.
     */
    public static void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(x, xOffset, "x", dy, dyOffset, dx, dxOffset, n);
        IMPL.geluErfBackward(x, xOffset, dy, dyOffset, dx, dxOffset, n);
    }

    // ================================================================ backward, from the forward output y

    /**
     * {@code dx = dy * (y - y*y)} with {@code y - y*y} rounded once ({@code Math.fma(-y, y, y)}), where y
     * is the output of {@link #sigmoid}. Exact as written (bitwise as the reference): two roundings, so
     * within 1.5 ulp of the exact {@code dy * y * (1 - y)} unless the result or {@code y - y*y} is
     * subnormal: rounding {@code y - y*y} moves the product by up to u of itself (just under 1 ulp near the
     * top of a binade), rounding the product by half an ulp (measured: 1.49 ulp, e.g. y = 0.06713043,
     * dy = 1.99456).
     */
    public static void sigmoidBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(y, yOffset, "y", dy, dyOffset, dx, dxOffset, n);
        IMPL.sigmoidBackward(y, yOffset, dy, dyOffset, dx, dxOffset, n);
    }

    /**
     * {@code dx = dy * (1 - y*y)} with {@code 1 - y*y} rounded once ({@code Math.fma(-y, y, 1f)}), where y
     * is the output of {@link #tanh}. Exact as written (bitwise as the reference): two roundings, so
     * within 1.5 ulp of the exact {@code dy * (1 - y^2)} unless the result is subnormal, as
     * {@link #sigmoidBackward} (measured: 1.48 ulp).
     */
    public static void tanhBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        binary(y, yOffset, "y", dy, dyOffset, dx, dxOffset, n);
        IMPL.tanhBackward(y, yOffset, dy, dyOffset, dx, dxOffset, n);
    }

    // ================================================================ fused bias + activation (dense layer forward)

    /**
     * In place over a rows x cols block with leading dimension {@code ld}:
     * {@code x[r][c] = Math.max(0f, x[r][c] + bias[c])}, the float sum rounded once, then relu. Exact:
     * bitwise as {@code Vectors.addBias} followed by {@link #relu}, in one pass over x.
     *
     * @throws IllegalArgumentException for negative rows, cols or offsets, {@code ld < max(1, cols)}, or
     *         bias inside the block of x in the same array
     * @throws IndexOutOfBoundsException if bias has fewer than cols elements from biasOffset, or x is too
     *         short for the block
     */
    public static void addBiasRelu(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        biasBlock(bias, biasOffset, x, xOffset, rows, cols, ld);
        IMPL.addBiasRelu(bias, biasOffset, x, xOffset, rows, cols, ld);
    }

    /**
     * In place over a rows x cols block with leading dimension {@code ld}: {@code v = x[r][c] + bias[c]}
     * (rounded once), then {@code x[r][c] = v > 0 ? v : alpha * v}. Exact. Arguments and exceptions as
     * {@link #addBiasRelu}.
     */
    public static void addBiasLeakyRelu(float alpha, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        biasBlock(bias, biasOffset, x, xOffset, rows, cols, ld);
        IMPL.addBiasLeakyRelu(alpha, bias, biasOffset, x, xOffset, rows, cols, ld);
    }

    // ================================================================ argument checks

    private static void unary(float[] x, int xOffset, float[] y, int yOffset, int n) {
        Checks.size(n, "n");
        Checks.vector(x, xOffset, n, "x");
        Checks.vector(y, yOffset, n, "y");
        Checks.inPlaceOrDisjoint(x, xOffset, "x", y, yOffset, "y", n);
    }

    private static void binary(float[] in, int inOffset, String inName, float[] dy, int dyOffset, float[] dx, int dxOffset, int n) {
        Checks.size(n, "n");
        Checks.vector(in, inOffset, n, inName);
        Checks.vector(dy, dyOffset, n, "dy");
        Checks.vector(dx, dxOffset, n, "dx");
        Checks.inPlaceOrDisjoint(in, inOffset, inName, dx, dxOffset, "dx", n);
        Checks.inPlaceOrDisjoint(dy, dyOffset, "dy", dx, dxOffset, "dx", n);
    }

    private static void biasBlock(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        Checks.size(rows, "rows");
        Checks.size(cols, "cols");
        Checks.vector(bias, biasOffset, cols, "bias");
        Checks.notNull(x, "x");
        Checks.offset(xOffset, "xOffset");
        Checks.leadingDimension(ld, cols, "ld");
        long extent = Checks.extent(rows, cols, ld);
        Checks.fits(x.length, xOffset, extent, "x");
        Checks.disjoint(bias, biasOffset, rows == 0 ? 0 : cols, "bias", x, xOffset, extent, "x");
    }
}
