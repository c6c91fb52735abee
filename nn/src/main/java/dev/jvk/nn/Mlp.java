package dev.jvk.nn;

import dev.jvk.kernels.Reductions;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A multi-layer perceptron: a stack of {@link Layer}s, a {@link Loss} on top, and the input
 * {@link FeatureScaling} it was trained with (applied to raw features by {@link #predict} and
 * {@link #evaluate}).
 *
 * <pre>{@code
 * Mlp mlp = Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 10, 42);
 * new Trainer(Trainer.Config.defaults()).fit(mlp, train, test);
 * float[] scores = mlp.predict(images, rows);   // rows x 10 class probabilities
 * mlp.save(Path.of("model.jvk"));
 * }</pre>
 *
 * <p>Not thread-safe: a model owns the buffers its passes use (allocated once per batch size,
 * so that a training step allocates nothing). Use one model per thread.
 */
public final class Mlp {
    /** Rows per pass when predicting or evaluating large inputs. */
    static final int INFERENCE_CHUNK = 256;

    private final List<Layer> layers;
    private final Loss loss;
    private final int inputs;
    private final int classes;
    private final Pass[] passes;        // the layers as forward and backward run them: alone, or a Dense fused with its activation
    private final int[] outputOf;       // passes[p] writes the output buffer of layer outputOf[p]
    private final int firstTrainable;   // passes before it have no parameters: backward stops there
    private FeatureScaling scaling;
    private Workspace inference;
    private Workspace training;

    /**
     * A model from layers whose sizes chain ({@code layers[i].outputSize() == layers[i+1].inputSize()}).
     *
     * @throws IllegalArgumentException when the sizes do not chain, there is no layer, or no layer has parameters
     */
    public Mlp(List<Layer> layers, Loss loss, FeatureScaling scaling) {
        this.layers = List.copyOf(layers);
        this.loss = Objects.requireNonNull(loss, "loss");
        if (this.layers.isEmpty()) {
            throw new IllegalArgumentException("an MLP needs at least one layer");
        }
        for (int i = 1; i < this.layers.size(); i++) {
            if (this.layers.get(i).inputSize() != this.layers.get(i - 1).outputSize()) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (" + this.layers.get(i) + ") takes "
                        + this.layers.get(i).inputSize() + " inputs but layer " + i + " (" + this.layers.get(i - 1)
                        + ") gives " + this.layers.get(i - 1).outputSize());
            }
        }
        this.inputs = this.layers.getFirst().inputSize();
        this.classes = this.layers.getLast().outputSize();
        int first = 0;
        while (first < this.layers.size() && this.layers.get(first).parameters().isEmpty()) {
            first++;
        }
        if (first == this.layers.size()) {
            throw new IllegalArgumentException("an MLP needs at least one layer with parameters");
        }
        List<Pass> steps = new ArrayList<>();
        List<Integer> outputs = new ArrayList<>();
        int trainable = -1;
        for (int i = 0; i < this.layers.size(); i++) {
            if (i == first) {
                trainable = steps.size();
            }
            if (i + 1 < this.layers.size() && this.layers.get(i) instanceof Dense dense
                    && this.layers.get(i + 1) instanceof ActivationLayer a && a.activation().fusesWithBias()) {
                steps.add(new DenseActivation(dense, a.activation()));
                i++;
            } else {
                steps.add(this.layers.get(i));
            }
            outputs.add(i);
        }
        this.passes = steps.toArray(Pass[]::new);
        this.outputOf = outputs.stream().mapToInt(Integer::intValue).toArray();
        this.firstTrainable = trainable;
        this.scaling = scaling == null ? FeatureScaling.none(inputs) : scaling;
        if (this.scaling.features() != inputs) {
            throw new IllegalArgumentException("scaling has " + this.scaling.features() + " features, the model takes " + inputs);
        }
    }

    /**
     * The usual classifier: {@code Dense -> activation} for each hidden size, then a {@code Dense}
     * to {@code classes} outputs, softmax cross-entropy. Weights: He for ReLU-like activations,
     * Xavier for tanh and sigmoid and for the output layer; biases zero; all from {@code seed}.
     */
    public static Mlp classifier(int inputs, int[] hidden, Activation activation, int classes, long seed) {
        return classifier(inputs, hidden, activation, 0f, classes, seed);
    }

    /** {@link #classifier(int, int[], Activation, int, long)} with dropout of {@code dropout} after each hidden activation (0 for none). */
    public static Mlp classifier(int inputs, int[] hidden, Activation activation, float dropout, int classes, long seed) {
        List<Layer> layers = new ArrayList<>();
        int width = inputs;
        for (int i = 0; i < hidden.length; i++) {
            Init init = activation.prefersHeInit() ? Init.HE : Init.XAVIER;
            layers.add(new Dense(width, hidden[i]).initialise(init, layerSeed(seed, i)));
            layers.add(new ActivationLayer(activation, hidden[i]));
            if (dropout > 0f) {
                layers.add(new Dropout(hidden[i], dropout, layerSeed(seed, 1000 + i)));
            }
            width = hidden[i];
        }
        layers.add(new Dense(width, classes).initialise(Init.XAVIER, layerSeed(seed, hidden.length)));
        return new Mlp(layers, new SoftmaxCrossEntropy(), null);
    }

    /** A seed per layer, so that adding a layer does not shift the others' weights. */
    static long layerSeed(long seed, int layer) {
        long z = seed + 0x9E3779B97F4A7C15L * (layer + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The layers, first to last (unmodifiable). */
    public List<Layer> layers() {
        return layers;
    }

    /** The loss the model is trained with. */
    public Loss loss() {
        return loss;
    }

    /** Features per input row. */
    public int inputs() {
        return inputs;
    }

    /** Number of outputs (classes). */
    public int classes() {
        return classes;
    }

    /** The scaling applied to raw features before the first layer. */
    public FeatureScaling scaling() {
        return scaling;
    }

    /** Sets the scaling applied to raw features (fitted on training data); it must have {@link #inputs()} features. */
    public void setScaling(FeatureScaling scaling) {
        if (scaling.features() != inputs) {
            throw new IllegalArgumentException("scaling has " + scaling.features() + " features, the model takes " + inputs);
        }
        this.scaling = scaling;
    }

    /** Every trainable parameter, first layer first. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }

    /** Total number of trainable values. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    /** The layer sizes as text, e.g. {@code 784-256-128-10 relu}. */
    public String describe() {
        StringBuilder s = new StringBuilder().append(inputs);
        String activation = "";
        for (Layer layer : layers) {
            if (layer instanceof Dense) {
                s.append('-').append(layer.outputSize());
            } else if (layer instanceof ActivationLayer a && activation.isEmpty()) {
                activation = " " + a.activation().cliName();
            }
        }
        return s + activation;
    }

    // ---- passes over a workspace (package-private: the Trainer's and the tests' way in) ----

    Workspace workspace(int capacity, boolean training) {
        return new Workspace(this, capacity, training);
    }

    /** Copies rows {@code order[from .. from+rows)} of {@code data} into the workspace, scaled, with their labels. */
    void loadBatch(Workspace ws, DataSet data, int[] order, int from, int rows) {
        int f = inputs;
        float[] x = data.features();
        for (int i = 0; i < rows; i++) {
            int r = order == null ? from + i : order[from + i];
            System.arraycopy(x, r * f, ws.input, i * f, f);
            ws.labels[i] = data.labels()[r];
        }
        scaling.apply(ws.input, rows);
    }

    /**
     * Forward through every pass: {@code outputs[outputOf[p]] = pass_p(outputs[outputOf[p-1]])}, the
     * first pass reading the input. A Dense layer fused with its activation ({@link DenseActivation})
     * writes the activation's buffer; the Dense layer's own buffer is then not used.
     */
    void forward(Workspace ws, int rows, boolean training) {
        float[] x = ws.input;
        for (int p = 0; p < passes.length; p++) {
            float[] y = ws.outputs[outputOf[p]];
            passes[p].forward(x, y, rows, training);
            x = y;
        }
    }

    /**
     * One training pass: forward, loss and its gradient, backward into every parameter's gradient.
     * Returns the mean loss; when it is not finite, backward is skipped (the caller stops).
     */
    float forwardBackward(Workspace ws, int rows) {
        forward(ws, rows, true);
        int last = layers.size() - 1;
        float meanLoss = loss.lossAndGradient(ws.outputs[last], ws.labels, rows, classes, ws.gradients[last]);
        if (!Float.isFinite(meanLoss)) {
            return meanLoss;
        }
        for (int p = passes.length - 1; p >= firstTrainable; p--) {
            float[] x = p == 0 ? ws.input : ws.outputs[outputOf[p - 1]];
            float[] dx = p == firstTrainable ? null : ws.gradients[outputOf[p - 1]];   // no gradient for the data
            passes[p].backward(x, ws.outputs[outputOf[p]], ws.gradients[outputOf[p]], dx, rows);
        }
        return meanLoss;
    }

    private Workspace inferenceWorkspace() {
        if (inference == null) {
            inference = workspace(INFERENCE_CHUNK, false);
        }
        return inference;
    }

    // ---- the user API ----

    /**
     * Class scores for {@code rows} raw samples: {@code x} holds {@code rows x inputs()} features
     * (row-major, before scaling); the result is {@code rows x classes()}, softmax probabilities for
     * a cross-entropy model, raw outputs for an MSE model.
     *
     * @throws IllegalArgumentException when {@code rows < 0} or {@code x} is shorter than {@code rows * inputs()}
     */
    public float[] predict(float[] x, int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        float[] scores = new float[Math.multiplyExact(rows, classes)];
        predict(x, rows, scores);
        return scores;
    }

    /** {@link #predict(float[], int)} into {@code scores} ({@code >= rows * classes()} long), allocating nothing. */
    public void predict(float[] x, int rows, float[] scores) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(scores, "scores");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if ((long) rows * inputs > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, " + rows + " rows of " + inputs + " features need " + (long) rows * inputs);
        }
        if ((long) rows * classes > scores.length) {
            throw new IllegalArgumentException("scores has " + scores.length + " values, " + rows + " rows of " + classes + " classes need " + (long) rows * classes);
        }
        Workspace ws = inferenceWorkspace();
        for (int from = 0; from < rows; from += ws.capacity) {
            int n = Math.min(ws.capacity, rows - from);
            System.arraycopy(x, from * inputs, ws.input, 0, n * inputs);
            scaling.apply(ws.input, n);
            forward(ws, n, false);
            loss.scores(ws.logits(), n, classes);
            System.arraycopy(ws.logits(), 0, scores, from * classes, n * classes);
        }
    }

    /**
     * One training step for a custom loop (the {@link Trainer} runs the same pass): forward, loss,
     * backward and one optimizer update on {@code rows} raw samples ({@code x}: {@code rows x inputs()},
     * the model's scaling applied; {@code labels}: one class per row). The buffers are allocated on the
     * first call (and again only for a larger batch); later steps allocate nothing.
     *
     * @param optimizer made by {@code OptimizerConfig.create(mlp.parameters())}
     * @return the batch's mean loss; when it is not finite the parameters are left unchanged
     * @throws IllegalArgumentException when the arrays are too short, {@code rows < 1}, or a label is outside {@code [0, classes())}
     */
    public float trainStep(float[] x, int[] labels, int rows, Optimizer optimizer, float learningRate) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(optimizer, "optimizer");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        if ((long) rows * inputs > x.length || rows > labels.length) {
            throw new IllegalArgumentException(rows + " rows need " + (long) rows * inputs + " features and " + rows
                    + " labels, got " + x.length + " and " + labels.length);
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException("labels[" + r + "] = " + labels[r] + " is not a class in [0, " + classes + ")");
            }
        }
        if (training == null || training.capacity < rows) {
            training = workspace(rows, true);
        }
        System.arraycopy(x, 0, training.input, 0, rows * inputs);
        System.arraycopy(labels, 0, training.labels, 0, rows);
        scaling.apply(training.input, rows);
        float meanLoss = forwardBackward(training, rows);
        if (Float.isFinite(meanLoss)) {
            optimizer.step(learningRate);
        }
        return meanLoss;
    }

    /**
     * Accuracy, mean loss and confusion matrix on a labelled set of raw samples.
     *
     * @throws DataException when the data's feature count differs from the model's inputs or a label is not one of its classes
     */
    public Evaluation evaluate(DataSet data) {
        if (data.featureCount() != inputs) {
            throw new DataException("the model takes " + inputs + " features, " + data.name() + " has " + data.featureCount());
        }
        if (data.classes() > classes) {
            for (int label : data.labels()) {
                if (label >= classes) {
                    throw new DataException(data.name() + " has label " + label + ", the model knows " + classes + " classes");
                }
            }
        }
        Workspace ws = inferenceWorkspace();
        int[][] confusion = new int[classes][classes];
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < data.rows(); from += ws.capacity) {
            int n = Math.min(ws.capacity, data.rows() - from);
            loadBatch(ws, data, null, from, n);
            forward(ws, n, false);
            float[] out = ws.logits();
            for (int r = 0; r < n; r++) {
                int predicted = Reductions.argmax(out, r * classes, classes);
                int label = ws.labels[r];
                if (predicted == label) {
                    correct++;
                }
                if (predicted >= 0) {
                    confusion[label][predicted]++;
                }
            }
            lossSum += (double) loss.loss(out, ws.labels, n, classes) * n;
        }
        int rows = data.rows();
        return new Evaluation(rows, rows == 0 ? 0 : (double) correct / rows, rows == 0 ? 0 : lossSum / rows, confusion);
    }

    /**
     * Writes the model (architecture, weights, scaling, loss) to {@code file} in the format of
     * {@code docs/model-format.md}. The file appears whole or not at all: it is written beside the
     * target and moved into place.
     */
    public void save(Path file) throws IOException {
        ModelFile.write(this, file);
    }

    /**
     * Reads a model written by {@link #save}.
     *
     * @throws ModelFileException when the file is not a jvk model, is of a newer version, is truncated,
     *                            fails its checksum, or describes an impossible architecture
     * @throws IOException        when it cannot be read
     */
    public static Mlp load(Path file) throws IOException {
        return ModelFile.read(file);
    }
}
