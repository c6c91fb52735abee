package dev.jvk.nn;

import dev.jvk.kernels.Activations;
import java.util.Arrays;
import java.util.Locale;

/**
 * The element-wise non-linearities an {@link ActivationLayer} applies, each a forward kernel and
 * its backward kernel. Backward gets both the forward input {@code x} and output {@code y} and
 * passes the one its kernel is defined on (sigmoid and tanh use {@code y}, the rest {@code x}).
 */
public enum Activation {
    /** {@code max(0, x)}. */
    RELU("relu"),
    /** {@code x > 0 ? x : slope x}, the slope 0.01 unless the layer says otherwise ({@link ActivationLayer#leakyRelu}). */
    LEAKY_RELU("leaky-relu"),
    /** {@code tanh(x)}. */
    TANH("tanh"),
    /** {@code 1 / (1 + exp(-x))}. */
    SIGMOID("sigmoid"),
    /** The exact (erf) GELU {@code x * Phi(x)}, as PyTorch's default {@code nn.GELU}. */
    GELU("gelu"),
    /** {@code x * sigmoid(x)} (also called swish). */
    SILU("silu"),
    /**
     * GELU's tanh approximation {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, as PyTorch's
     * {@code nn.GELU(approximate='tanh')} and Keras's {@code gelu(approximate=True)}: within 1e-3 of {@link #GELU}, not equal to it.
     * Last, so that the model file's activation codes of the others stay as they were.
     */
    GELU_TANH("gelu-tanh");

    /** The negative slope of {@link #LEAKY_RELU} unless a layer is given another, as PyTorch's default. */
    public static final float LEAKY_SLOPE = 0.01f;

    private final String cliName;

    Activation(String cliName) {
        this.cliName = cliName;
    }

    /** The command-line spelling: relu, leaky-relu, tanh, sigmoid, gelu, silu, gelu-tanh. */
    public String cliName() {
        return cliName;
    }

    /** The activation for a command-line name (case-insensitive), or an exception listing the names. */
    public static Activation fromCliName(String name) {
        for (Activation a : values()) {
            if (a.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "' (expected one of "
                + String.join(", ", Arrays.stream(values()).map(Activation::cliName).toList()) + ")");
    }

    /** Whether He initialisation suits the layer before it (ReLU-like), rather than Xavier. */
    public boolean prefersHeInit() {
        return this != TANH && this != SIGMOID;
    }

    /**
     * Whether a kernel fuses this activation with the preceding bias add ({@code y = f(z + b)} in one
     * pass, in place) and its backward can work from the output alone. True for ReLU and leaky ReLU:
     * {@code y > 0} exactly when {@code z > 0}, so {@code f'} read from {@code y} is bitwise
     * {@code f'} read from {@code z}, and the pre-activation need not be kept. Not for a leaky ReLU
     * of negative slope, which turns negative inputs positive ({@link ActivationLayer#fusesWithBias()}).
     */
    boolean fusesWithBias() {
        return this == RELU || this == LEAKY_RELU;
    }

    /** {@code y[B x cols] = f(y + b)} in place, one pass, on the rows of {@code y} from element {@code offset}; only when {@link #fusesWithBias()}. {@code slope}: leaky ReLU's. */
    void addBiasAndApply(float slope, float[] bias, float[] y, int offset, int rows, int cols) {
        addBiasAndApply(slope, bias, 0, y, offset, rows, cols, cols);
    }

    /** {@code y[B x cols] = f(y + b[biasOffset..])} in place on a block of rows {@code ld} apart; only when {@link #fusesWithBias()}. */
    void addBiasAndApply(float slope, float[] bias, int biasOffset, float[] y, int offset, int rows, int cols, int ld) {
        switch (this) {
            case RELU -> Activations.addBiasRelu(bias, biasOffset, y, offset, rows, cols, ld);
            case LEAKY_RELU -> Activations.addBiasLeakyRelu(slope, bias, biasOffset, y, offset, rows, cols, ld);
            default -> throw new IllegalStateException(this + " has no fused bias kernel");
        }
    }

    /** {@code y[offset..offset+n) = f(x[offset..offset+n))}; {@code slope} is leaky ReLU's (the others ignore it). */
    void forward(float slope, float[] x, float[] y, int offset, int n) {
        forward(slope, x, offset, y, offset, n);
    }

    /** {@code y[yOffset..yOffset+n) = f(x[xOffset..xOffset+n))}. */
    void forward(float slope, float[] x, int xOffset, float[] y, int yOffset, int n) {
        switch (this) {
            case RELU -> Activations.relu(x, xOffset, y, yOffset, n);
            case LEAKY_RELU -> Activations.leakyRelu(slope, x, xOffset, y, yOffset, n);
            case TANH -> Activations.tanh(x, xOffset, y, yOffset, n);
            case SIGMOID -> Activations.sigmoid(x, xOffset, y, yOffset, n);
            case GELU -> Activations.geluErf(x, xOffset, y, yOffset, n);
            case SILU -> Activations.silu(x, xOffset, y, yOffset, n);
            case GELU_TANH -> Activations.geluTanh(x, xOffset, y, yOffset, n);
        }
    }

    /**
     * {@code dx = dy * f'(x)} on elements {@code [offset, offset+n)} of each array, where {@code y = f(x)} is the
     * forward output. For the fused activations ({@link #fusesWithBias()}) {@code x} may be {@code y}: their
     * {@code f'} reads the same from both.
     */
    void backward(float slope, float[] x, float[] y, float[] dy, float[] dx, int offset, int n) {
        switch (this) {
            case RELU -> Activations.reluBackward(x, offset, dy, offset, dx, offset, n);
            case LEAKY_RELU -> Activations.leakyReluBackward(slope, x, offset, dy, offset, dx, offset, n);
            case TANH -> Activations.tanhBackward(y, offset, dy, offset, dx, offset, n);
            case SIGMOID -> Activations.sigmoidBackward(y, offset, dy, offset, dx, offset, n);
            case GELU -> Activations.geluErfBackward(x, offset, dy, offset, dx, offset, n);
            case SILU -> Activations.siluBackward(x, offset, dy, offset, dx, offset, n);
            case GELU_TANH -> Activations.geluTanhBackward(x, offset, dy, offset, dx, offset, n);
        }
    }
}
