package dev.jvk.properties.support;

/**
 * Independent oracles for the activations and their derivatives: StrictMath (fdlibm) in double, and
 * {@link ErfOracle}'s series for erf. Each is the exact function to far better than a float ulp (the
 * double results carry errors of a few 1e-16), evaluated without the kernels' formulas where a
 * different one exists. Infinite inputs give the functions' limits.
 */
public final class ActivationOracles {
    private static final double C = Math.sqrt(2 / Math.PI);
    private static final double K = 0.044715;

    private ActivationOracles() {}

    public static double exp(double x) {
        return StrictMath.exp(x);
    }

    public static double log(double x) {
        return StrictMath.log(x);
    }

    /** 1 / (1 + e^-x), and e^x / (1 + e^x) below 0 (where e^-x could overflow in double). */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1 + e);
    }

    public static double tanh(double x) {
        return StrictMath.tanh(x);
    }

    public static double silu(double x) {
        if (x == Double.NEGATIVE_INFINITY) {
            return -0.0;
        }
        return x * sigmoid(x);
    }

    /** log(1 + e^x) = x + log1p(e^-x) for x > 0, log1p(e^x) otherwise. */
    public static double softplus(double x) {
        return x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x));
    }

    /** 0.5 x (1 + tanh u) written as x sigmoid(2u) (the identity 1 + tanh u = 2 sigmoid(2u)). */
    public static double geluTanh(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? x : -0.0;
        }
        return x * sigmoid(2 * C * (x + K * x * x * x));
    }

    /** x Phi(x), Phi from the double-double erf series. */
    public static double geluErf(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? x : -0.0;
        }
        return x * ErfOracle.normalCdf(x);
    }

    // ------------------------------------------------------------------ derivatives

    public static double siluDerivative(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        double s = sigmoid(x);
        return s + x * s * sigmoid(-x);
    }

    public static double softplusDerivative(double x) {
        return sigmoid(x);
    }

    public static double geluTanhDerivative(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        double u = C * (x + K * x * x * x);
        double du = C * (1 + 3 * K * x * x);
        // d/dx [0.5 x (1 + tanh u)] = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) u', with 1 + tanh u = 2 sigmoid(2u)
        // and 1 - tanh^2 u = 4 sigmoid(2u) sigmoid(-2u).
        double s = sigmoid(2 * u);
        return s + 2 * x * s * sigmoid(-2 * u) * du;
    }

    public static double geluErfDerivative(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        return ErfOracle.normalCdf(x) + x * ErfOracle.normalDensity(x);
    }

    // ------------------------------------------------------------------ magnitudes of the derivatives' terms, T(x)

    /** silu' = s + x s (1 - s): T = s + |x| s (1 - s). */
    public static double siluTerms(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        double s = sigmoid(x);
        return s + Math.abs(x) * s * sigmoid(-x);
    }

    public static double softplusTerms(double x) {
        return sigmoid(x);
    }

    /** geluTanh' = s + 2 x s (1 - s) u': T = s + 2 |x| s (1 - s) u'. */
    public static double geluTanhTerms(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        double u = C * (x + K * x * x * x);
        double du = C * (1 + 3 * K * x * x);
        double s = sigmoid(2 * u);
        return s + 2 * Math.abs(x) * s * sigmoid(-2 * u) * du;
    }

    /** geluErf' = Phi + x phi: T = Phi + |x| phi. */
    public static double geluErfTerms(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        return ErfOracle.normalCdf(x) + Math.abs(x) * ErfOracle.normalDensity(x);
    }

    /** sigmoid'(x) in terms of y = sigmoid(x): y (1 - y); the oracle takes y. */
    public static double sigmoidDerivativeFromOutput(double y) {
        return y * (1 - y);
    }

    public static double tanhDerivativeFromOutput(double y) {
        return 1 - y * y;
    }
}
