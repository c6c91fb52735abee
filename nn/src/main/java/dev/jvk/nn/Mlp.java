package dev.jvk.nn;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Parallel;
import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Vectors;
import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.ElementwiseOptimizer;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
 * so that a training step allocates nothing). Use one model per thread, or hand a model from one thread
 * to the next. A call of {@link #predict}, {@link #predictClasses}, {@link #evaluate}, {@link #trainStep},
 * {@link #save} or {@link Trainer#fit} that begins while another thread is inside one of them on the same model
 * throws {@link java.util.ConcurrentModificationException} instead of giving either thread wrong scores
 * (the passes would share those buffers); calls on one thread may nest (a {@link Trainer.Listener} may predict).
 */
public final class Mlp {
    /**
     * Rows per pass when predicting or evaluating large inputs: a batch of up to this many is one pass, its chunks
     * handed to the threads at once, and its input rows read where the caller put them when unscaled.
     */
    static final int INFERENCE_CHUNK = 1024;
    /**
     * The fewest rows a chunk of a pass gets (see {@link #chunkRows}): measured on one thread, the forward
     * product of 784-256 over 128 rows took 1.29x as long in chunks of 16 rows, 1.12x in 32, 1.03x in 64
     * (bench/RESULTS-threads.md). A batch smaller than two chunks runs as one, its products split by GEMM's
     * threads instead. {@code -Djvk.nn.minChunkRows} for sweeps and tests.
     */
    static final int MIN_CHUNK_ROWS = chunkProperty("jvk.nn.minChunkRows", 64);
    /**
     * The fewest rows a chunk of the passes after the first gets when a batch is too small to cut into chunks of
     * {@link #MIN_CHUNK_ROWS} (see {@link #cutsAfterFirstPass}). {@code -Djvk.nn.smallChunkRows} for sweeps and tests.
     */
    static final int SMALL_CHUNK_ROWS = chunkProperty("jvk.nn.smallChunkRows", 16);
    /** The most chunks a pass is cut into (see {@link #chunkRows}): enough to balance up to 8 threads. */
    static final int MAX_CHUNKS = chunkProperty("jvk.nn.maxChunks", 8);
    /**
     * The fewest rows a chunk of {@link #predict} gets (see {@link #predictChunkRows}): one register tile of
     * GEMM. Its products read weights packed once ({@link Dense#packWeights}), so a small chunk no longer
     * packs them again, and a batch of 16 runs as two chunks, one per thread. {@code -Djvk.nn.minPredictChunkRows}
     * for sweeps.
     */
    static final int MIN_PREDICT_CHUNK_ROWS = chunkProperty("jvk.nn.minPredictChunkRows", 8);
    /**
     * The most rows a chunk of {@link #predict} gets on more than one thread (see {@link #predictChunkRows}): past
     * {@link #MAX_CHUNKS} chunks if need be. A chunk's first product packs its rows whole (784 features: 3 KB a row)
     * beside the first layer's weights (784x256: 800 KB): 32 rows (100 KB, and their 32 KB of outputs) leave the
     * weights room in a 1 MB L2 (Zen 4), 64 rows do not, and the smaller chunks balance the threads finer. Zen 4, two
     * threads, batch 1024, five rounds of {@code OnnxRuntimeMlpInferencePairs} (bench/RESULTS-onnx.md): 32 chunks of 32
     * rows took 0.97-1.07 of ONNX Runtime's time (median of the rounds' medians 1.044), 16 of 64 1.05-1.15 (1.115),
     * behind 32 in every round; chunks of 16 level with 32 (0.96-1.06), 8 of 128 1.12-1.13. One thread cuts by
     * {@link #MAX_ONE_THREAD_PREDICT_CHUNK_ROWS}. {@code -Djvk.nn.maxPredictChunkRows} for sweeps.
     */
    static final int MAX_PREDICT_CHUNK_ROWS = chunkProperty("jvk.nn.maxPredictChunkRows", 32);
    /**
     * The most rows a chunk of {@link #predict} gets on one thread (see {@link #predictChunkRows(int, int)}), where
     * chunks balance nothing and each one streams the first layer's weights through the core once. Zen 4, one thread
     * (bench/RESULTS-onnx.md): at batch 1024 chunks of 32, 64, 128 and 192 rows measured level (0.94-1.07 of ONNX Runtime's
     * time, their order changing from round to round), at 128 one chunk level with two of 64.
     * {@code -Djvk.nn.maxOneThreadPredictChunkRows} for sweeps.
     */
    static final int MAX_ONE_THREAD_PREDICT_CHUNK_ROWS = chunkProperty("jvk.nn.maxOneThreadPredictChunkRows", 64);
    /**
     * Whether a chunk of {@link #predict} writes its hidden layers' outputs into chunk-sized buffers of its thread's
     * ({@link #reserveChunkOutputs}) rather than into its rows of the batch-sized ones. {@code -Djvk.nn.predictChunkOutputs=false}
     * for sweeps.
     */
    static final boolean CHUNK_OUTPUTS = !"false".equals(System.getProperty("jvk.nn.predictChunkOutputs"));

    /** A chunk size or count for sweeps: at least 1 whatever is set (a 0 would divide by zero in every pass). */
    private static int chunkProperty(String name, int fallback) {
        return Math.max(1, Integer.getInteger(name, fallback));
    }

    private final List<Layer> layers;
    private final Loss loss;
    private final int inputs;
    private final int classes;
    private final Pass[] passes;        // the layers as forward and backward run them: alone, or a Dense fused with its activation
    private final int[] outputOf;       // passes[p] writes the output buffer of layer outputOf[p]
    private final int firstTrainable;   // passes before it have no parameters: backward stops there
    private FeatureScaling scaling;
    /** The scaling's shifts and scales, copied once for the first product that maps the input as it packs it ({@link #mapsInFirstProduct}). */
    private float[] scalingShift, scalingScale;
    private ModelMetadata metadata;
    private final boolean drawsMasks;   // a dropout layer draws a mask over the whole batch in training
    private final long flopsPerRow;     // multiply-adds of one row's forward pass, twice
    private final long backwardFlopsPerRow;   // the same for the row side of backward: every dense layer's but the first's
    private final long weightBytes;           // the dense layers' weights: what every chunk of a forward pass reads
    /** The first pass's dense layer when a training pass splits its product by inputs ({@link #splitsFirstProduct}), else null. */
    private final Dense splitDense;
    /** The first input of the second half of that split ({@link Dense#inputSplit}). */
    private final int firstSplit;
    /**
     * The second pass's dense layer when a training pass over a small batch splits its product by inputs too
     * ({@link #splitsSecondProduct}), else null.
     */
    private final Dense secondDense;
    /** The first input of the second half of that split ({@link Dense#inputSplit}): a boundary of its gradient's slices. */
    private final int secondSplit;
    /**
     * Which half of the second split task 0 of its passes takes: that of the second pass's gradient slice the parameter
     * phase gives to the same thread ({@link Parallel#forTasks} runs tasks {@code i, i + 2, ...} on thread {@code i} of
     * two), so that each core multiplies with, differentiates through and updates the same rows of {@code W}.
     */
    private final int secondParity;
    /** Whether the running training pass splits the second product ({@link #splitsSecondProduct}); set by {@link #forwardBackward}. */
    private boolean secondSplitRunning;
    /** The column blocks each half of that split is cut into in the running training pass ({@link Dense#columnBlocks}): 1 on up to two threads. */
    private int firstBlocks = 1;
    /**
     * Whether the running training pass takes each chunk from its forward pass through its loss to the row side of its
     * backward in one task ({@link #lossInChunks}); set by {@link #forwardBackward} around its forward pass.
     */
    private boolean rowSideInChunks;
    /** Each chunk's mean loss in such a pass, chunk by chunk. */
    private final double[] chunkLoss = new double[MAX_CHUNKS];
    private Workspace inference;
    private Workspace training;
    /** The pass the chunk tasks below work on: set before they run (a model is used by one thread at a time). */
    private Workspace chunked;
    private int chunkedRows;
    private int rowsPerChunk;
    /** Made once: a pass allocates nothing. */
    private final Parallel.Task forwardChunk = this::forwardChunk;
    private final Parallel.Task forwardAfterFirstChunk = this::forwardAfterFirstChunk;
    private final Parallel.Task backwardChunk = this::backwardChunk;
    private final Parallel.Task scoreChunk = this::scoreChunk;
    /**
     * The outputs of every pass but the last for one chunk of a {@link #predict} pass ({@link #scoreChunk}): a set per
     * thread that may run a chunk at the same time, {@code [set][pass]}, each {@link #chunkOutputRows} rows; sets in
     * use are the bits of {@link #chunkOutputsInUse}.
     */
    private float[][][] chunkOutputs = new float[0][][];
    private int chunkOutputRows;
    private final AtomicInteger chunkOutputsInUse = new AtomicInteger();
    private final Parallel.Task firstProductHalf = this::firstProductHalf;
    private final Parallel.Task firstProductBlock = this::firstProductBlock;
    private final Parallel.Task forwardAfterSplitChunk = this::forwardAfterSplitChunk;
    private final Parallel.Task secondProductHalf = this::secondProductHalf;
    private final Parallel.Task forwardAfterSecondSplitChunk = this::forwardAfterSecondSplitChunk;
    private final Parallel.Task secondBackwardHalf = this::secondBackwardHalf;
    private final Parallel.Task parameterPart = this::parameterPart;
    /** The parts of the parameter gradients, largest layers first: part {@code partIndex[t]} of pass {@code partPass[t]}. */
    private final int[] partPass;
    private final int[] partIndex;
    /** Each pass's {@link Pass.GradientReady}: updates the elements just computed when a step runs the optimizer in parts. */
    private final Pass.GradientReady[] readyOf;
    /** The optimizer the running step updates with as the gradient parts come ({@code null}: gradients only). */
    private ElementwiseOptimizer updating;
    /** The index in {@link #parameters()} of each pass's first parameter; set with {@link #checkedOptimizer}. */
    private int[] parameterBase;
    /** The last optimizer {@link #inParts} was asked about, and its answer. */
    private Optimizer checkedOptimizer;
    private ElementwiseOptimizer checkedInParts;

    /** The thread inside one of the model's calls ({@link #enter}), or null. */
    private final AtomicReference<Thread> user = new AtomicReference<>();

    /** What {@link #predictClasses} gives a row whose scores are NaN: no class. */
    public static final int NO_CLASS = -1;

    /**
     * A model from layers whose sizes chain ({@code layers[i].outputSize() == layers[i+1].inputSize()}),
     * with the metadata of a classifier of which nothing else is known ({@code ModelMetadata.of("classification")}).
     *
     * @throws IllegalArgumentException when the sizes do not chain, there is no layer, no layer has parameters, or a
     *                                  layer other than an {@link ActivationLayer} appears twice
     */
    public Mlp(List<Layer> layers, Loss loss, FeatureScaling scaling) {
        this(layers, loss, scaling, ModelMetadata.of(ModelMetadata.CLASSIFICATION));
    }

    /**
     * A model from layers whose sizes chain, with what it is for ({@code metadata}, stored in its model file).
     *
     * @throws IllegalArgumentException when the sizes do not chain, there is no layer, no layer has parameters, a layer
     *                                  other than an {@link ActivationLayer} appears twice (the same object), or the
     *                                  metadata's names or target standardisation do not fit the model's inputs and outputs
     */
    public Mlp(List<Layer> layers, Loss loss, FeatureScaling scaling, ModelMetadata metadata) {
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
        // a layer's gradients and dropout mask belong to one place in the stack: a second use would overwrite the first's
        // gradient (or mask) and put its parameters twice in parameters(), each updated twice per step; an activation
        // layer holds nothing and may be used again
        java.util.Map<Layer, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < this.layers.size(); i++) {
            Integer first = this.layers.get(i) instanceof ActivationLayer ? null : seen.putIfAbsent(this.layers.get(i), i);
            if (first != null) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (" + this.layers.get(i) + ") is layer " + (first + 1)
                        + " again: a layer with weights or a dropout mask takes one place in a model (make another for weights of its own)");
            }
        }
        this.inputs = this.layers.getFirst().inputSize();
        this.classes = this.layers.getLast().outputSize();
        int first = 0;
        while (first < this.layers.size() && !hasWeights(this.layers.get(first))) {
            first++;
        }
        if (first == this.layers.size()) {
            throw new IllegalArgumentException("an MLP needs at least one layer with weights");
        }
        List<Pass> steps = new ArrayList<>();
        List<Integer> outputs = new ArrayList<>();
        int trainable = -1;
        for (int i = 0; i < this.layers.size(); i++) {
            if (i == first) {
                trainable = steps.size();
            }
            if (i + 1 < this.layers.size() && this.layers.get(i) instanceof Dense dense
                    && this.layers.get(i + 1) instanceof ActivationLayer a && a.fusesWithBias()) {
                steps.add(new DenseActivation(dense, a));
                i++;
            } else {
                steps.add(this.layers.get(i));
            }
            outputs.add(i);
        }
        this.passes = steps.toArray(Pass[]::new);
        this.outputOf = outputs.stream().mapToInt(Integer::intValue).toArray();
        this.firstTrainable = trainable;
        int parts = 0;
        for (int p = trainable; p < passes.length; p++) {
            parts += passes[p].parameterParts();
        }
        this.partPass = new int[parts];
        this.partIndex = new int[parts];
        this.readyOf = new Pass.GradientReady[passes.length];
        for (int p = trainable, t = 0; p < passes.length; p++) {
            for (int part = 0; part < passes[p].parameterParts(); part++, t++) {
                partPass[t] = p;
                partIndex[t] = part;
            }
            int pass = p;
            readyOf[p] = (parameter, from, to) -> {
                ElementwiseOptimizer optimizer = updating;
                if (optimizer != null) {
                    optimizer.update(parameterBase[pass] + parameter, from, to);
                }
            };
        }
        this.drawsMasks = this.layers.stream().anyMatch(l -> l instanceof Dropout d && d.rate() > 0f);
        Dense firstPassDense = trainable != 0 ? null
                : passes[0] instanceof Dense d ? d : passes[0] instanceof DenseActivation da ? da.dense() : null;
        this.firstSplit = firstPassDense == null ? 0 : firstPassDense.inputSplit();
        this.splitDense = firstSplit > 0 ? firstPassDense : null;
        Dense secondPassDense = splitDense == null || passes.length < 2 || !(passes[0] instanceof DenseActivation) ? null
                : passes[1] instanceof Dense d ? d : passes[1] instanceof DenseActivation da ? da.dense() : null;
        this.secondSplit = secondPassDense == null ? 0 : secondPassDense.inputSplit();
        this.secondDense = secondSplit > 0 ? secondPassDense : null;
        this.secondParity = passes[0].parameterParts() % 2;   // the second pass's first part follows the first pass's parts
        long flops = 0;
        long firstDense = -1;
        long bytes = 0;
        for (Layer layer : this.layers) {
            if (layer instanceof Dense) {
                long layerFlops = 2L * layer.inputSize() * layer.outputSize();
                firstDense = firstDense < 0 ? layerFlops : firstDense;
                flops += layerFlops;
                bytes += 4L * layer.inputSize() * layer.outputSize();
            }
        }
        this.weightBytes = bytes;
        this.flopsPerRow = flops;
        this.backwardFlopsPerRow = flops - Math.max(0, firstDense);
        useScaling(scaling == null ? FeatureScaling.none(inputs) : scaling);
        if (this.scaling.features() != inputs) {
            throw new IllegalArgumentException("scaling has " + this.scaling.features() + " features, the model takes " + inputs);
        }
        setMetadata(metadata);
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
        return new Mlp(stack(inputs, hidden, activation, dropout, classes, seed), new SoftmaxCrossEntropy(), null);
    }

    /**
     * A regressor: the same stack as {@link #classifier} with {@code outputs} linear outputs, trained with
     * {@code loss} ({@link MeanSquaredError} or {@link Huber}) on targets the metadata standardises
     * ({@link ModelMetadata#targetMean()}, {@link ModelMetadata#targetStd()}): {@link #predict} gives values in
     * the targets' own units.
     *
     * @throws IllegalArgumentException when {@code loss} is not a regression loss
     */
    public static Mlp regressor(int inputs, int[] hidden, Activation activation, float dropout, int outputs, Loss loss, long seed) {
        if (!Objects.requireNonNull(loss, "loss").forRegression()) {
            throw new IllegalArgumentException(loss.name() + " is not a regression loss (mse or huber)");
        }
        return new Mlp(stack(inputs, hidden, activation, dropout, outputs, seed), loss, null, ModelMetadata.of(ModelMetadata.REGRESSION));
    }

    private static List<Layer> stack(int inputs, int[] hidden, Activation activation, float dropout, int outputs, long seed) {
        Objects.requireNonNull(hidden, "hidden");
        Objects.requireNonNull(activation, "activation");
        // only a rate above 0 adds Dropout layers, whose constructor checks it: a NaN or negative rate would pass unseen
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + dropout);
        }
        planParameters(inputs, hidden, outputs);
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
        layers.add(new Dense(width, outputs).initialise(Init.XAVIER, layerSeed(seed, hidden.length)));
        return layers;
    }

    /**
     * Compares the weights and gradients of the dense layers {@code inputs -> hidden... -> classes}
     * (two floats per parameter, summed in {@code long}) with the heap before any is allocated.
     * Sizes that are not positive are left to {@link Dense}'s own message.
     */
    private static void planParameters(int inputs, int[] hidden, int classes) {
        long values = 0;
        long width = inputs;
        StringBuilder shape = new StringBuilder().append(inputs);
        for (int h : hidden) {
            values += width * h + h;
            width = h;
            shape.append('-').append(h);
        }
        values += width * classes + classes;
        shape.append('-').append(classes);
        if (inputs > 0 && classes > 0 && Arrays.stream(hidden).allMatch(h -> h > 0)) {
            MemoryPlan.require(8 * values, "the model " + shape + " (" + values + " weights and biases, and their gradients)");
        }
    }

    private static boolean hasWeights(Layer layer) {
        return layer instanceof QuantizedDense || layer.parameterCount() > 0;
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

    private void useScaling(FeatureScaling scaling) {
        this.scaling = scaling;
        this.scalingShift = scaling.shift();
        this.scalingScale = scaling.scale();
    }

    /** The scaling applied to raw features before the first layer. */
    public FeatureScaling scaling() {
        return scaling;
    }

    /** Sets the scaling applied to raw features (fitted on training data); it must have {@link #inputs()} features. */
    public void setScaling(FeatureScaling scaling) {
        if (Objects.requireNonNull(scaling, "scaling").features() != inputs) {
            throw new IllegalArgumentException("scaling has " + scaling.features() + " features, the model takes " + inputs);
        }
        useScaling(scaling);
    }

    /** What the model is for: task, class, feature and target names, the label column, target standardisation. */
    public ModelMetadata metadata() {
        return metadata;
    }

    /**
     * Attaches what the model is for; {@link #save} stores it.
     *
     * @throws IllegalArgumentException when a non-empty list of names, or the target standardisation, does not
     *                                  have one entry per feature (feature names) or per output (class names, target names, mean, std)
     */
    public void setMetadata(ModelMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata").checkFits(inputs, classes);
        this.metadata = metadata;
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
        for (Layer layer : layers) {
            n += layer.parameterCount();
        }
        return n;
    }

    /** The layer sizes as text, e.g. {@code 784-256-128-10 relu}. */
    public String describe() {
        StringBuilder s = new StringBuilder().append(inputs);
        String activation = "";
        for (Layer layer : layers) {
            if (layer instanceof Dense || layer instanceof QuantizedDense) {
                s.append('-').append(layer.outputSize());
            } else if (layer instanceof ActivationLayer a && activation.isEmpty()) {
                activation = " " + a.activation().cliName();
            }
        }
        return s + activation;
    }

    /**
     * The model as a table, one line per layer with its output shape and parameter count, then the totals
     * (as Keras's {@code model.summary()}).
     */
    public String summary() {
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "%-4s %-28s %-12s %12s%n", "#", "layer", "output", "parameters"));
        s.append(String.format(java.util.Locale.ROOT, "%-4s %-28s %-12s %12s%n", "", "input" + (scaling.kind() == FeatureScaling.Kind.NONE ? "" : " (" + scaling.kind().cliName() + " scaling)"),
                "(B, " + inputs + ")", ""));
        long total = 0;
        long bytes = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            long count = layer.parameterCount();
            bytes += 4 * count;
            if (layer instanceof QuantizedDense q) {
                // int8: a byte per weight, a float bias and scale per unit; bf16: two bytes per weight, a float bias per unit
                count = q.weightCount() + q.outputSize();
                bytes += q.weightCount() * q.format().bytesPerWeight() + 4L * q.outputSize() * (q.format().int8Weights() ? 2 : 1);
            }
            total += count;
            s.append(String.format(java.util.Locale.ROOT, "%-4d %-28s %-12s %,12d%n", i + 1, layer.toString(), "(B, " + layer.outputSize() + ")", count));
        }
        s.append(String.format(java.util.Locale.ROOT, "loss %s, %s, %,d parameters (%,d bytes as stored)%n", loss.name(), metadata.task(),
                total, bytes));
        return s.toString();
    }

    // ---- passes over a workspace (package-private: the Trainer's and the tests' way in) ----

    /**
     * Buffers for passes of up to {@code capacity} rows.
     *
     * @throws UnsupportedOperationException for training buffers when a layer is quantized (inference only)
     */
    Workspace workspace(int capacity, boolean training) {
        if (training) {
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof QuantizedDense q) {
                    throw new UnsupportedOperationException("layer " + (i + 1) + " (" + q + ") is quantized, for inference only: "
                            + "train the float model, then quantize it");
                }
            }
            parameters();   // the gradient arrays, made here: never by parts of a pass running at once
        }
        return new Workspace(this, capacity, training);
    }

    /**
     * Loads rows {@code order[from .. from+rows)} of {@code data} into the workspace: their labels, or for a
     * regressor their targets standardised as the metadata says, now; their features during {@link #forward},
     * which copies and scales each chunk's rows on the thread that runs it.
     */
    void loadBatch(Workspace ws, DataSet data, int[] order, int from, int rows) {
        for (int i = 0; i < rows; i++) {
            int r = order == null ? from + i : order[from + i];
            ws.labels[i] = data.labels()[r];
            if (data.isRegression()) {
                System.arraycopy(data.targets(), r * classes, ws.targets, i * classes, classes);
            }
        }
        ws.source = data.features();
        ws.sourceOrder = order;
        ws.sourceFrom = from;
        if (data.isRegression()) {
            standardiseTargets(ws, rows);
        }
    }

    /** Standardises the first {@code rows} rows of the workspace's targets as the metadata says (nothing when it has no standardisation). */
    private void standardiseTargets(Workspace ws, int rows) {
        float[] mean = metadata.targetMean();
        float[] std = metadata.targetStd();
        if (mean.length == classes) {
            for (int i = 0; i < rows * classes; i++) {
                ws.targets[i] = (ws.targets[i] - mean[i % classes]) / std[i % classes];
            }
        }
    }

    /**
     * The loss of the last pass and its gradient into {@code dOut}: against the labels, or a regressor's targets.
     * With class weights {@code w} (training only) the mean becomes PyTorch's weighted one,
     * {@code sum_r w[y_r] loss_r / sum_r w[y_r]}, and each row's gradient is scaled to match.
     */
    private float lossAndGradient(Workspace ws, int rows, float[] dOut) {
        float[] out = ws.logits();
        if (!metadata.isClassification()) {
            return loss.lossAndGradient(out, ws.targets, rows, classes, dOut);
        }
        if (ws.softTargets) {
            return softTargetLossAndGradient(out, ws.targets, rows, dOut);
        }
        float[] w = ws.classWeights;
        if (w == null) {
            return loss.lossAndGradient(out, ws.labels, rows, classes, dOut);
        }
        if (!(loss instanceof SoftmaxCrossEntropy)) {
            throw new IllegalStateException("class weights need the softmax cross-entropy loss, not " + loss.name());
        }
        // each row's cross-entropy, logsumexp(z) - z[y], from the logits (the kernel below gives only the mean)
        double weighted = 0;
        double weightSum = 0;
        for (int r = 0; r < rows; r++) {
            float rowLoss = Reductions.logSumExp(out, r * classes, classes) - out[r * classes + ws.labels[r]];
            weighted += (double) w[ws.labels[r]] * rowLoss;
            weightSum += w[ws.labels[r]];
        }
        float mean = loss.lossAndGradient(out, ws.labels, rows, classes, dOut);
        // dOut rows are (softmax - onehot) / rows; the weighted mean wants w[y_r] (softmax - onehot) / sum w
        for (int r = 0; r < rows; r++) {
            float scale = (float) (w[ws.labels[r]] * rows / weightSum);
            Vectors.scal(scale, dOut, r * classes, classes);
        }
        return Float.isFinite(mean) ? (float) (weighted / weightSum) : mean;
    }

    /**
     * Cross-entropy against a distribution t per row (distillation's soft targets):
     * loss = mean_r( logsumexp(z_r) - sum_c t_rc z_rc ), dz = (softmax(z) - t) / rows; with a one-hot t it is
     * the labels' loss. Each row's loss in float, their mean in double.
     */
    private float softTargetLossAndGradient(float[] out, float[] t, int rows, float[] dOut) {
        if (!(loss instanceof SoftmaxCrossEntropy)) {
            throw new IllegalStateException("soft targets need the softmax cross-entropy loss, not " + loss.name());
        }
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += (double) Reductions.logSumExp(out, r * classes, classes) - Reductions.dot(t, r * classes, out, r * classes, classes);
        }
        Softmax.softmax(out, 0, rows, classes, classes, dOut, 0, classes);
        Vectors.sub(dOut, 0, t, 0, dOut, 0, rows * classes);
        Vectors.scal(1f / rows, dOut, 0, rows * classes);
        return (float) (total / rows);
    }

    /**
     * How many rows each chunk of a pass over {@code rows} rows gets: the rows cut into as many chunks of at
     * least {@code MIN_CHUNK_ROWS} as fit, at most {@code MAX_CHUNKS}, each rounded up to whole 8-row tiles of
     * GEMM (the last takes the rest). It depends on {@code rows} alone, never on the threads: the chunks are the
     * same whatever runs them, so the bits are too.
     */
    static int chunkRows(int rows) {
        return chunkRows(rows, MIN_CHUNK_ROWS);
    }

    /** {@link #chunkRows} with chunks of at least {@code minRows} rows. */
    static int chunkRows(int rows, int minRows) {
        int chunks = Math.max(1, Math.min(MAX_CHUNKS, rows / minRows));
        int share = (rows + chunks - 1) / chunks;
        return Math.max(1, Math.min(rows, (share + 7) / 8 * 8));
    }

    /**
     * Forward through every pass: the input features scaled in place, then
     * {@code outputs[outputOf[p]] = pass_p(outputs[outputOf[p-1]])}, the first pass reading the input. A Dense
     * layer fused with its activation ({@link DenseActivation}) writes the activation's buffer; the Dense layer's
     * own buffer is then not used. Rows are independent here, so the batch runs in chunks of
     * {@link #chunkRows} rows, each chunk's whole forward pass on one thread and the chunks on as many as
     * pay; a batch too small for two such chunks runs its first pass whole and the rest in smaller chunks
     * ({@link #cutsAfterFirstPass}); a training pass with dropout runs the whole batch at once, each product on
     * GEMM's threads, since the masks are drawn in order over the batch.
     */
    void forward(Workspace ws, int rows, boolean training) {
        if (training) {
            // a training pass sums as it always has, whether or not a predict packed the weights before it
            // (one row takes GEMV's order on the live weights, and on packed ones the tiles')
            dropPackedWeights();
        }
        if (training && drawsMasks) {
            float[] x = loadInput(ws, 0, rows);
            for (int p = 0; p < passes.length; p++) {
                float[] y = ws.outputs[outputOf[p]];
                passes[p].forward(x, y, rows, true);
                x = y;
            }
        } else if (training && splitsFirstProduct()) {
            chunked = ws;
            chunkedRows = rows;
            long flops = 2L * inputs * splitDense.outputSize() * rows;
            // one row is GEMV's sum, whose order the columns around an element may change: its halves stay whole
            firstBlocks = rows < 2 ? 1 : splitDense.columnBlocks(Parallel.threadsFor(flops));
            // two halves of the inputs, each loaded (and multiplied by its rows of W, when whole) on its own thread
            Parallel.forTasks(2, flops, firstProductHalf);
            if (firstBlocks > 1) {
                // then the halves' column blocks, block b of half h as task 2 b + h
                Parallel.forTasks(2 * firstBlocks, flops, firstProductBlock);
            }
            int rowsPerChunk = cutsAfterFirstPass(rows) ? chunkRows(rows, SMALL_CHUNK_ROWS) : chunkRows(rows);
            // the passes after the halves follow them straight away, the workers still spinning: counted as the whole pass's work
            if (secondSplitRunning) {
                Parallel.forTasks(2, flopsPerRow * rows, secondProductHalf);
                runChunks(ws, rows, rowsPerChunk, forwardAfterSecondSplitChunk, flopsPerRow * rows);
            } else {
                runChunks(ws, rows, rowsPerChunk, forwardAfterSplitChunk, flopsPerRow * rows);
            }
        } else if (cutsAfterFirstPass(rows)) {
            float[] x = loadInput(ws, 0, rows);
            passes[0].forwardRows(x, ws.outputs[outputOf[0]], 0, rows);
            // the chunks follow the first pass's product straight away, its workers still spinning: counted as the
            // whole pass's work, since their own (~20 us at 32 rows) is under what the rule gives a thread from cold
            runChunks(ws, rows, chunkRows(rows, SMALL_CHUNK_ROWS), forwardAfterFirstChunk, flopsPerRow * rows);
        } else {
            runChunks(ws, rows, chunkRows(rows), forwardChunk, flopsPerRow * rows);
        }
        ws.source = null;
    }

    /**
     * Whether a pass over {@code rows} rows runs its first pass over the whole batch and the passes after it in
     * chunks of at least {@link #SMALL_CHUNK_ROWS} rows ({@link #chunkRows(int, int)}): when the batch is a single
     * chunk of {@link #chunkRows} (under twice {@link #MIN_CHUNK_ROWS}) but holds two small chunks or more. The first pass's product is the large one (784x256
     * weights in a 784-256-128-10 model), which GEMM splits between its threads over the whole batch, where 16-row
     * chunks would pack its weights once per chunk (1.29x the work, bench/RESULTS-threads.md); the later passes
     * have small weights to pack again, and products too small for GEMM to split (32x128x256: ~20 us), so they and
     * the row side of backward run as chunks on the threads, which are still spinning from the first product. The
     * choice depends on the rows and the model alone: the same bits for every thread count.
     */
    boolean cutsAfterFirstPass(int rows) {
        return firstTrainable == 0 && passes.length > 1 && chunkRows(rows) >= rows && rows >= 2 * SMALL_CHUNK_ROWS;
    }

    /**
     * Whether a training pass splits the first pass's product by inputs, in two halves at {@link Dense#inputSplit}: when
     * the first pass multiplies the data by a weight matrix whose gradient is cut into two slices or more. Each half
     * loads its columns of the input, multiplies them by its rows of {@code W} into a partial sum of its own (the
     * second half's in the first output's gradient buffer, free until backward), and the passes after it add the two
     * in one order. With two threads each half runs on its own, and so do the slices of {@code W}'s gradient and update
     * that belong to it ({@link Dense#parameterGradientPart}): each core reads, differentiates and writes only its
     * rows of {@code W} (the first layer's weights, most of the model), and only its columns of the input, step
     * after step, where a split by rows or by output columns has both cores read all of {@code W} or half of every
     * row, the update then writing lines the other core holds. The halves are fixed by the shape: the same bits for
     * every thread count.
     */
    boolean splitsFirstProduct() {
        return splitDense != null && !drawsMasks;
    }

    /**
     * Half {@code h} of the first pass's product ({@link #splitsFirstProduct}): its columns of the input loaded, and
     * multiplied when the half is one block.
     */
    private void firstProductHalf(int h) {
        Workspace ws = chunked;
        loadInput(ws, 0, chunkedRows, halfStart(h), halfStart(h + 1));
        if (firstBlocks == 1) {
            firstProductBlock(h);
        }
    }

    /** Task {@code t} of the first pass's product: column block {@code t / 2} of half {@code t % 2}, into that half's partial sum. */
    private void firstProductBlock(int t) {
        Workspace ws = chunked;
        int h = t % 2;
        float[] partial = h == 0 ? ws.outputs[outputOf[0]] : ws.gradients[outputOf[0]];
        splitDense.forwardInputs(ws.input, partial, chunkedRows, halfStart(h), halfStart(h + 1),
                splitDense.blockStart(t / 2, firstBlocks), splitDense.blockStart(t / 2 + 1, firstBlocks));
    }

    /**
     * Whether a training pass over {@code rows} rows splits the second pass's product by inputs as well, in two halves at
     * its {@link Dense#inputSplit}: when it splits the first ({@link #splitsFirstProduct}), the first pass is a dense layer
     * fused with its activation, the second a dense layer whose gradient is cut into two slices or more, and the batch is
     * small enough to be cut after its first pass ({@link #cutsAfterFirstPass}). Half {@code h} then adds the first
     * product's partial sums, bias and activation on columns {@code h} of the first output (the second layer's inputs
     * of half {@code h}) and multiplies them by its rows of the second layer's {@code W} into a partial sum of its own;
     * the chunks add the two; after the row side of backward, half {@code h} computes the first output's gradient on
     * its columns from its rows of {@code W}. Each core then reads and writes only its rows of the second {@code W} too:
     * in row chunks both read all of it, the other core's update having written half of its lines (at batch 32 on two
     * threads, its update 3.6x its one-thread CPU, bench/RESULTS-threads.md). Fixed by the shape and the rows: the same
     * bits for every thread count.
     */
    boolean splitsSecondProduct(int rows) {
        return secondDense != null && splitsFirstProduct() && cutsAfterFirstPass(rows);
    }

    /** The first input of half {@code h} of the second pass's product: {@code [secondInput(h), secondInput(h + 1))}. */
    private int secondInput(int h) {
        return h == 0 ? 0 : h == 1 ? secondSplit : secondDense.inputSize();
    }

    /**
     * Task {@code t} of the second product's halves ({@link #splitsSecondProduct}): the first pass's output on the half's
     * columns (the two partial sums added, then bias and activation), multiplied by the half's rows of the second
     * {@code W} into the half's partial sum (the second half's in the second output's gradient buffer, free until backward).
     */
    private void secondProductHalf(int t) {
        Workspace ws = chunked;
        int h = (t + secondParity) % 2;
        int c0 = secondInput(h);
        int c1 = secondInput(h + 1);
        int out = splitDense.outputSize();
        float[] y = ws.outputs[outputOf[0]];
        float[] partial = ws.gradients[outputOf[0]];
        for (int r = 0; r < chunkedRows; r++) {
            Vectors.add(y, r * out + c0, partial, r * out + c0, y, r * out + c0, c1 - c0);
        }
        ((DenseActivation) passes[0]).forwardAfterProductColumns(y, chunkedRows, c0, c1);
        float[] sum = h == 0 ? ws.outputs[outputOf[1]] : ws.gradients[outputOf[1]];
        secondDense.forwardInputs(y, sum, chunkedRows, c0, c1, 0, secondDense.outputSize());
    }

    /**
     * Task {@code t} of the second product's halves in backward: the first output's gradient on the half's columns from
     * the half's rows of the second {@code W}, then through the first pass's activation on those columns.
     */
    private void secondBackwardHalf(int t) {
        Workspace ws = chunked;
        int h = (t + secondParity) % 2;
        int c0 = secondInput(h);
        int c1 = secondInput(h + 1);
        float[] dx = ws.gradients[outputOf[0]];
        secondDense.backwardInputs(ws.gradients[outputOf[1]], dx, chunkedRows, c0, c1);
        ((DenseActivation) passes[0]).activationBackwardColumns(ws.outputs[outputOf[0]], dx, chunkedRows, c0, c1);
    }

    /** The first input of half {@code h} of the first pass's product ({@code inputs} for {@code h == 2}). */
    private int halfStart(int h) {
        return h == 0 ? 0 : h == 1 ? firstSplit : inputs;
    }

    private void forwardAfterSplitChunk(int c) {
        forwardAfterHalvesChunk(c, 0, splitDense);
    }

    private void forwardAfterSecondSplitChunk(int c) {
        forwardAfterHalvesChunk(c, 1, secondDense);
    }

    /**
     * The forward pass of chunk {@code c} after the halves of pass {@code pass}'s product (the first pass's, or the
     * second's too): the halves' sum (the second half's partial product waits in that output's gradient buffer), the
     * pass's bias and activation, then every pass after it.
     */
    private void forwardAfterHalvesChunk(int c, int pass, Dense dense) {
        Workspace ws = chunked;
        int from = c * rowsPerChunk;
        int n = Math.min(rowsPerChunk, chunkedRows - from);
        float[] y = ws.outputs[outputOf[pass]];
        int out = dense.outputSize();
        Vectors.add(y, from * out, ws.gradients[outputOf[pass]], from * out, y, from * out, n * out);
        passes[pass].forwardAfterProduct(y, from, n);
        forwardPasses(ws, pass + 1, y, from, n);
        rowSideAfterForward(c);
    }

    /** Rows per chunk of the row side of backward over {@code rows} rows: the forward pass's chunks after its first pass. */
    private int backwardChunkRows(int rows) {
        return chunkRows(rows, cutsAfterFirstPass(rows) ? SMALL_CHUNK_ROWS : MIN_CHUNK_ROWS);
    }

    /**
     * Rows {@code [from, from + n)} of the input: copied from the rows {@link #loadBatch} named, if any, then scaled in
     * place. Returns the array the first pass reads them from: the source itself for an inference pass that would
     * copy its rows unchanged to where they already are (the rows from the first on, no scaling), else the input buffer.
     */
    private float[] loadInput(Workspace ws, int from, int n) {
        float[] source = ws.source;
        if (source != null && !ws.training && ws.sourceOrder == null && ws.sourceFrom == 0 && scaling.kind() == FeatureScaling.Kind.NONE) {
            return source;
        }
        loadInput(ws, from, n, 0, inputs);
        return ws.input;
    }

    /**
     * Columns {@code [k0, k1)} of input rows {@code [from, from + n)}: copied from the rows {@link #loadBatch} named and
     * scaled on the way, or, with no rows named, scaled in place. Columns from the first on go row after row, others
     * (the second half of a split first product, loaded at once beside the first) from the last row up, so that the two
     * threads meet at the cache line a row's halves share in one row instead of in every row. Each half's load at batch
     * 32 took 3.5 us on one thread and 8-10 on two; copied scaled and in these orders 2.8 and 5-6
     * (bench/RESULTS-threads.md, ninth session).
     */
    private void loadInput(Workspace ws, int from, int n, int k0, int k1) {
        float[] source = ws.source;
        if (source == null && scaling.kind() == FeatureScaling.Kind.NONE) {
            return;
        }
        for (int j = 0; j < n; j++) {
            int i = k0 == 0 ? from + j : from + n - 1 - j;
            int r = source == null ? i : ws.sourceOrder == null ? ws.sourceFrom + i : ws.sourceOrder[ws.sourceFrom + i];
            scaling.copyScaled(source == null ? ws.input : source, r * inputs + k0, ws.input, i * inputs + k0, k0, k1 - k0);
        }
    }

    /**
     * How many rows each chunk of a {@link #predict} pass over {@code rows} rows gets: as {@link #chunkRows}, with
     * chunks of at least {@link #MIN_PREDICT_CHUNK_ROWS} and, in more than {@link #MAX_CHUNKS} chunks where need be, of
     * about {@link #MAX_PREDICT_CHUNK_ROWS} at most; never a chunk of one row among larger ones: the same rows always give
     * the same chunks. Each row's scores are the same bits however the rows are cut. This is the cut for a pass on
     * more than one thread; {@link #predictChunkRows(int, int)} gives one thread's.
     */
    static int predictChunkRows(int rows) {
        return predictChunkRows(rows, 2);
    }

    /**
     * {@link #predictChunkRows(int)} for a pass on {@code threads} threads. On one thread, where chunks balance nothing,
     * as few chunks as {@link #MAX_ONE_THREAD_PREDICT_CHUNK_ROWS} allows: each chunk streams the first layer's packed weights
     * (784x256: 800 KB, past a 1 MB L2 beside everything else) through the core once, and each of their panels serves
     * every row tile of the chunk. Zen 4, one thread, the calls of predict replayed in one JVM (bench/RESULTS-onnx.md):
     * batch 16 in one chunk 0.975 of the time of two chunks of 8, batch 128 in two chunks of 64 0.99 of eight of 16;
     * against ONNX Runtime 1.008 to 0.987 of its time at 16, 1.039 to 1.031 at 128.
     * Each row's scores are the same bits however the rows are cut, so the thread count still changes no bit.
     */
    static int predictChunkRows(int rows, int threads) {
        int least = threads <= 1 ? 1 : MAX_CHUNKS;
        int most = threads <= 1 ? MAX_ONE_THREAD_PREDICT_CHUNK_ROWS : MAX_PREDICT_CHUNK_ROWS;
        int chunks = Math.max(1, Math.min(Math.max(least, (rows + most - 1) / most), rows / MIN_PREDICT_CHUNK_ROWS));
        int share = (rows + chunks - 1) / chunks;
        int tiles = Math.max(1, Math.min(rows, (share + 7) / 8 * 8));
        return rows % tiles == 1 ? share : tiles;
    }

    /**
     * Runs {@code task} once per chunk of {@code rowsPerChunk} rows of the {@code rows} rows in {@code ws}: the chunks
     * at once on as many threads as {@code work} (the flops of all of them) pays for, when there are at least as
     * many chunks as threads; otherwise one after the other, each chunk's products split by GEMM's threads (fewer
     * chunks than threads would leave threads idle). Either way each chunk gets the same bits.
     */
    private void runChunks(Workspace ws, int rows, int rowsPerChunk, Parallel.Task task, long work) {
        chunked = ws;
        chunkedRows = rows;
        this.rowsPerChunk = rowsPerChunk;
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        if (chunks < Math.min(Gemm.threads(), Runtime.getRuntime().availableProcessors())) {
            for (int c = 0; c < chunks; c++) {
                task.run(c);
            }
            return;
        }
        Parallel.forTasks(chunks, work, task);
    }

    /**
     * The forward pass of chunk {@code c}: its input rows loaded and scaled, then every pass on them; or, where the
     * first pass can ({@link #mapsInFirstProduct}), the first pass reading the caller's rows and scaling them as its
     * product packs them, then the passes after it.
     */
    private void forwardChunk(int c) {
        Workspace ws = chunked;
        int from = c * rowsPerChunk;
        int n = Math.min(rowsPerChunk, chunkedRows - from);
        float[] y = ws.outputs[outputOf[0]];
        if (mapsInFirstProduct(ws) && passes[0].forwardRowsMapped(ws.source, ws.sourceFrom + from, scalingShift, scalingScale, y, from, n)) {
            forwardPasses(ws, 1, y, from, n);
        } else {
            forwardPasses(ws, 0, loadInput(ws, from, n), from, n);
        }
        rowSideAfterForward(c);
    }

    /**
     * Whether an inference pass over consecutive rows of the caller's features that the model scales hands the
     * scaling to its first pass ({@link Pass#forwardRowsMapped}): a dense product on packed weights then scales
     * each row as it packs it (the same float operations as {@link FeatureScaling#copyScaled}, so the same bits),
     * where the rows would otherwise be copied scaled into the input buffer and packed from there, one more pass
     * over them (at batch 128 of 784 features 7-8% of predict's time, bench/RESULTS-onnx.md). Unscaled rows are
     * read in place by {@link #loadInput} already.
     */
    private boolean mapsInFirstProduct(Workspace ws) {
        return ws.source != null && !ws.training && ws.sourceOrder == null && scaling.kind() != FeatureScaling.Kind.NONE;
    }

    /** Passes {@code first} to the last over rows {@code [from, from + n)}, pass {@code first} reading {@code x}. */
    private void forwardPasses(Workspace ws, int first, float[] x, int from, int n) {
        for (int p = first; p < passes.length; p++) {
            float[] y = ws.outputs[outputOf[p]];
            passes[p].forwardRows(x, y, from, n);
            x = y;
        }
    }

    /** The forward pass of chunk {@code c} after the first pass, which ran over the whole batch ({@link #cutsAfterFirstPass}). */
    private void forwardAfterFirstChunk(int c) {
        Workspace ws = chunked;
        int from = c * rowsPerChunk;
        forwardPasses(ws, 1, ws.outputs[outputOf[0]], from, Math.min(rowsPerChunk, chunkedRows - from));
        rowSideAfterForward(c);
    }

    /**
     * In a training pass whose loss runs in the chunks ({@link #rowSideInChunks}), what follows chunk {@code c}'s forward
     * pass on the same thread: its rows' loss and gradient, then the row side of its backward. Nothing otherwise.
     */
    private void rowSideAfterForward(int c) {
        if (!rowSideInChunks) {
            return;
        }
        Workspace ws = chunked;
        int from = c * rowsPerChunk;
        int n = Math.min(rowsPerChunk, chunkedRows - from);
        chunkLoss[c] = ((SoftmaxCrossEntropy) loss).lossAndGradientRows(ws.logits(), ws.labels, from, n, chunkedRows, classes,
                ws.gradients[layers.size() - 1]);
        backwardChunk(c);
    }

    /** The forward pass of chunk {@code c}, then its outputs turned into the scores {@link #predict} returns. */
    private void scoreChunk(int c) {
        Workspace ws = chunked;
        int from = c * rowsPerChunk;
        int n = Math.min(rowsPerChunk, chunkedRows - from);
        int set = claimChunkOutputs(n);
        try {
            int last = passes.length - 1;
            float[] y = set < 0 || last == 0 ? ws.outputs[outputOf[0]] : chunkOutputs[set][0];
            int yFrom = set < 0 || last == 0 ? from : 0;
            float[] x;
            int xFrom;
            int first;
            if (mapsInFirstProduct(ws) && passes[0].forwardRowsMapped(ws.source, ws.sourceFrom + from, scalingShift, scalingScale, y, yFrom, n)) {
                x = y;
                xFrom = yFrom;
                first = 1;
            } else {
                x = loadInput(ws, from, n);
                xFrom = from;
                first = 0;
            }
            for (int p = first; p <= last; p++) {
                boolean own = set >= 0 && p < last;
                y = own ? chunkOutputs[set][p] : ws.outputs[outputOf[p]];
                yFrom = own ? 0 : from;
                passes[p].forwardRows(x, xFrom, y, yFrom, n);
                x = y;
                xFrom = yFrom;
            }
        } finally {
            releaseChunkOutputs(set);
        }
        loss.scores(ws.logits(), from, n, classes);
    }

    /**
     * Makes {@code sets} sets of {@link #chunkOutputs} of at least {@code rows} rows each, unless there are: before a
     * {@link #predict} pass's chunks run. Why: a chunk's outputs written into the batch-sized buffers land in fresh
     * lines chunk after chunk (at batch 1024 of 784-256-128-10, 1.5 MB of them a call), which push the first layer's
     * packed weights out of a core's L2; a chunk-sized set is written again by every chunk the thread runs. Zen 4 (1 MB
     * L2), one thread, batch 1024: predict's calls replayed with chunk-sized outputs took 0.966 of the time with the
     * batch's (4603 against 4764 us), predict against ONNX Runtime 1.085 to 1.038 of its time (bench/RESULTS-onnx.md;
     * the Intel host's 2 MB L2 had measured it level).
     */
    private void reserveChunkOutputs(int sets, int rows) {
        if (!CHUNK_OUTPUTS || passes.length < 2) {
            return;
        }
        sets = Math.min(sets, Integer.SIZE);
        if (chunkOutputs.length >= sets && chunkOutputRows >= rows) {
            return;
        }
        rows = Math.max(rows, chunkOutputRows);
        float[][][] grown = new float[Math.max(sets, chunkOutputs.length)][passes.length - 1][];
        for (float[][] set : grown) {
            for (int p = 0; p < passes.length - 1; p++) {
                set[p] = new float[rows * layers.get(outputOf[p]).outputSize()];
            }
        }
        chunkOutputs = grown;
        chunkOutputRows = rows;
    }

    /** A free set of {@link #chunkOutputs} of at least {@code rows} rows, now this thread's; -1 when none is (the chunk then writes the batch's buffers). */
    private int claimChunkOutputs(int rows) {
        if (rows > chunkOutputRows) {
            return -1;
        }
        int sets = chunkOutputs.length;
        while (true) {
            int used = chunkOutputsInUse.get();
            int set = Integer.numberOfTrailingZeros(~used);
            if (set >= sets) {
                return -1;
            }
            if (chunkOutputsInUse.compareAndSet(used, used | 1 << set)) {
                return set;
            }
        }
    }

    private void releaseChunkOutputs(int set) {
        if (set < 0) {
            return;
        }
        int used;
        do {
            used = chunkOutputsInUse.get();
        } while (!chunkOutputsInUse.compareAndSet(used, used & ~(1 << set)));
    }

    /** The row side of backward for chunk {@code c}, last pass first: each output's gradient, and each input's but the data's. */
    private void backwardChunk(int c) {
        Workspace ws = chunked;
        int from = c * rowsPerChunk;
        int n = Math.min(rowsPerChunk, chunkedRows - from);
        // with the second product split, the chunk stops at the second pass's activation: its input gradient goes by halves
        int last = secondSplitRunning ? 1 : firstTrainable;
        for (int p = passes.length - 1; p >= last; p--) {
            float[] x = p == 0 ? ws.input : ws.outputs[outputOf[p - 1]];
            float[] dx = p == last ? null : ws.gradients[outputOf[p - 1]];   // no gradient for the data
            passes[p].backwardRows(x, ws.outputs[outputOf[p]], ws.gradients[outputOf[p]], dx, from, n);
        }
    }

    /**
     * One training pass: forward, loss and its gradient, backward into every parameter's gradient.
     * Returns the mean loss; when it is not finite, no parameter gradient is computed (the caller stops).
     */
    float forwardBackward(Workspace ws, int rows) {
        return forwardBackward(ws, rows, null, 0f);
    }

    /**
     * One training step: {@link #forwardBackward}, and when the loss is finite one update by {@code optimizer}
     * at {@code learningRate}. Returns the mean loss; when it is not finite the parameters are left unchanged.
     */
    float trainStep(Workspace ws, int rows, Optimizer optimizer, float learningRate) {
        ElementwiseOptimizer inParts = inParts(optimizer);
        if (inParts != null) {
            return forwardBackward(ws, rows, inParts, learningRate);
        }
        float meanLoss = forwardBackward(ws, rows);
        if (Float.isFinite(meanLoss)) {
            optimizer.step(learningRate);
        }
        return meanLoss;
    }

    /**
     * {@code optimizer} as one that updates element by element, when it updates exactly this model's
     * parameters in their order (as {@code create(mlp.parameters())} makes it), else null: asked once per optimizer.
     */
    private ElementwiseOptimizer inParts(Optimizer optimizer) {
        if (optimizer != checkedOptimizer) {
            List<Parameter> mine = parameters();
            if (optimizer instanceof ElementwiseOptimizer e) {
                // another model's optimizer would step that model's weights with its stale gradients, and this model
                // would never learn: refused, while one made for a part of this model (fine-tuning a layer) is not
                Set<float[]> own = Collections.newSetFromMap(new IdentityHashMap<>());
                mine.forEach(p -> own.add(p.value()));
                for (Parameter theirs : e.parameters()) {
                    if (!own.contains(theirs.value())) {
                        throw new IllegalArgumentException("the optimizer updates a parameter (" + theirs.name()
                                + ") that is not this model's: make it with create(mlp.parameters()) of the model it trains");
                    }
                }
            }
            boolean same = optimizer instanceof ElementwiseOptimizer e && e.parameters().size() == mine.size();
            for (int i = 0; same && i < mine.size(); i++) {
                Parameter theirs = ((ElementwiseOptimizer) optimizer).parameters().get(i);
                same = theirs.value() == mine.get(i).value() && theirs.grad() == mine.get(i).grad();
            }
            int[] base = new int[passes.length];
            for (int p = 0, l = 0, index = 0; p < passes.length; p++) {
                base[p] = index;
                for (; l <= outputOf[p]; l++) {
                    index += layers.get(l).parameters().size();
                }
            }
            parameterBase = base;
            checkedInParts = same ? (ElementwiseOptimizer) optimizer : null;
            checkedOptimizer = optimizer;
        }
        return checkedInParts;
    }

    /**
     * Whether a training pass over the batch in {@code ws} computes its loss in the forward pass's chunks
     * ({@link SoftmaxCrossEntropy#lossAndGradientRows}), each chunk going on, on the same thread, to the row side of its
     * backward: one hand-over instead of two, and no loss on this thread alone between them (at batch 128 on two
     * threads, 13 us of a step: bench/RESULTS-threads.md, ninth session). Every row's gradient is its own, so only the
     * mean needs all the rows: the chunks' means are added in chunk order. For labels against softmax cross-entropy,
     * unweighted, and a forward pass in chunks (no dropout); other losses run over the whole batch between the passes.
     */
    private boolean lossInChunks(Workspace ws) {
        return !drawsMasks && loss instanceof SoftmaxCrossEntropy && metadata.isClassification() && !ws.softTargets && ws.classWeights == null;
    }

    /**
     * The training pass, in three parts on the threads: the rows' side of forward and backward in the
     * forward pass's chunks (each output's and input's gradient), the loss between them on this thread or, for most
     * classifiers, in each chunk ({@link #lossInChunks});
     * then the parameter gradients, each a sum over all rows, in the fixed parts of
     * {@link Pass#parameterGradientPart} (row slices of each weight gradient, one product each, and the
     * bias sums), taken by whichever thread is free. With an optimizer, each part's elements are updated
     * as soon as they are computed, by the thread that computed them. Every chunk and every part is the
     * same whoever runs it, and no sum is split: the same bits for every thread count.
     */
    private float forwardBackward(Workspace ws, int rows, ElementwiseOptimizer optimizer, float learningRate) {
        secondSplitRunning = splitsSecondProduct(rows);
        try {
            return forwardBackwardPasses(ws, rows, optimizer, learningRate);
        } finally {
            secondSplitRunning = false;
        }
    }

    private float forwardBackwardPasses(Workspace ws, int rows, ElementwiseOptimizer optimizer, float learningRate) {
        boolean inChunks = lossInChunks(ws);
        rowSideInChunks = inChunks;
        try {
            forward(ws, rows, true);
        } finally {
            rowSideInChunks = false;
        }
        float meanLoss;
        if (inChunks) {
            // the chunks' means, weighted by their rows, in chunk order (one chunk: its mean, exactly)
            double total = 0;
            for (int from = 0, c = 0; from < rows; from += rowsPerChunk, c++) {
                total += chunkLoss[c] * Math.min(rowsPerChunk, rows - from);
            }
            meanLoss = (float) (total / rows);
        } else {
            meanLoss = lossAndGradient(ws, rows, ws.gradients[layers.size() - 1]);
            if (Float.isFinite(meanLoss)) {
                // a batch cut after its first pass: the chunks come straight after the forward pass's, with the workers
                // still spinning, and are counted as that pass's work (their own is too small for the rule alone)
                runChunks(ws, rows, backwardChunkRows(rows), backwardChunk, (cutsAfterFirstPass(rows) ? flopsPerRow : backwardFlopsPerRow) * rows);
            }
        }
        if (!Float.isFinite(meanLoss)) {
            return meanLoss;
        }
        if (secondSplitRunning) {
            Parallel.forTasks(2, flopsPerRow * rows, secondBackwardHalf);
        }
        if (optimizer != null) {
            optimizer.startStep(learningRate);
        }
        chunked = ws;
        chunkedRows = rows;
        updating = optimizer;
        try {
            Parallel.forTasks(partPass.length, flopsPerRow * rows, parameterPart);   // dW has the forward product's flops
        } finally {
            updating = null;
        }
        return meanLoss;
    }

    /** Parameter gradient part {@code t} of the pass over the rows in {@link #chunked}, then its update if a step runs one. */
    private void parameterPart(int t) {
        Workspace ws = chunked;
        int p = partPass[t];
        float[] x = p == 0 ? ws.input : ws.outputs[outputOf[p - 1]];
        passes[p].parameterGradientPart(x, ws.gradients[outputOf[p]], chunkedRows, partIndex[t], readyOf[p]);
    }

    /** Where the scaled input of the batch in {@code ws} is not finite ("row R, feature F"), or null when all of it is. */
    String nonFiniteInput(Workspace ws, int rows) {
        for (int i = 0; i < rows * inputs; i++) {
            if (!Float.isFinite(ws.input[i])) {
                return "row " + (i / inputs + 1) + ", feature " + (i % inputs);
            }
        }
        return null;
    }

    /**
     * Drops every dense layer's packed copy of its weights ({@link Dense#dropPackedWeights}): for a caller that wrote
     * the weights through arrays it held from before the last prediction (as early stopping restores the best epoch's).
     */
    void dropPackedWeights() {
        for (Layer layer : layers) {
            if (layer instanceof Dense dense) {
                dense.dropPackedWeights();
            }
        }
    }

    /** The generator state of each dropout layer, in order: what a checkpoint keeps so that a resumed run draws the same masks. */
    long[] randomStates() {
        return layers.stream().filter(l -> l instanceof Dropout).mapToLong(l -> ((Dropout) l).randomState()).toArray();
    }

    /**
     * Restores the dropout layers' generators from {@link #randomStates()} of the same architecture.
     *
     * @throws IllegalArgumentException when the count differs from this model's dropout layers
     */
    void restoreRandomStates(long[] states) {
        List<Dropout> dropouts = layers.stream().filter(l -> l instanceof Dropout).map(l -> (Dropout) l).toList();
        if (states.length != dropouts.size()) {
            throw new IllegalArgumentException(states.length + " dropout generator states for a model of " + dropouts.size() + " dropout layers");
        }
        for (int i = 0; i < states.length; i++) {
            dropouts.get(i).restoreRandomState(states[i]);
        }
    }

    /**
     * The first parameter a prediction reads that is not finite, named as in {@code "layer 2's weights[5] = NaN"}
     * (layers counted from 1): a dense layer's weight or bias, a quantized layer's bf16 weight, int8 scale or bias.
     * Null when all are: such a model came from diverged training (or a damaged file), and is neither saved, quantized
     * nor loaded.
     */
    public String nonFiniteParameter() {
        for (int i = 0; i < layers.size(); i++) {
            String layer = "layer " + (i + 1);
            String found = null;
            // the values straight from the layer: saving a model that never trained allocates no gradients
            if (layers.get(i) instanceof Dense d) {
                found = nonFinite(d.weights(), layer + "'s weights");
                found = found != null ? found : nonFinite(d.bias(), layer + "'s bias");
            } else if (layers.get(i) instanceof QuantizedDense q) {
                // the scales' array is live, so its construction-time check does not cover a later write;
                // bf16 keeps float's exponent, so its infinities and NaNs survive into every product
                found = q.format() == QuantizedDense.Format.BF16 ? nonFiniteBf16(q.bf16Weights(), layer + "'s bf16 weights")
                        : nonFinite(q.scales(), layer + "'s scales");
                found = found != null ? found : nonFinite(q.bias(), layer + "'s bias");
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String nonFiniteBf16(short[] bits, String what) {
        for (int j = 0; j < bits.length; j++) {
            float v = Float.intBitsToFloat(bits[j] << 16);
            if (!Float.isFinite(v)) {
                return what + "[" + j + "] = " + v;
            }
        }
        return null;
    }

    private static String nonFinite(float[] v, String what) {
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) {
                return what + "[" + j + "] = " + v[j];
            }
        }
        return null;
    }

    /**
     * The inference buffers for passes of up to {@code rows} rows: {@code min(rows, INFERENCE_CHUNK)}
     * rows, fewer when the widest layer would not fit one array, grown only when a later call needs more.
     */
    private Workspace inferenceWorkspace(int rows) {
        // the products read the weights packed once, not packed again by every call; a single row streams them
        for (Layer layer : layers) {
            if (layer instanceof Dense dense) {
                dense.packWeights();
            }
        }
        int capacity = (int) Math.min(Math.min(Math.max(rows, 1), INFERENCE_CHUNK), Workspace.maxRows(this));
        if (inference == null || inference.capacity < capacity) {
            inference = workspace(capacity, false);
        }
        return inference;
    }

    /**
     * Marks the model in use by this thread for a call that runs passes or reads the weights: true when this call took
     * it (pass it to {@link #exit}), false when this thread holds it already (a call inside another, such as a
     * listener's predict inside {@link Trainer#fit}).
     *
     * @throws java.util.ConcurrentModificationException when another thread is inside a call on this model
     */
    boolean enter() {
        Thread me = Thread.currentThread();
        Thread other = user.compareAndExchange(null, me);
        if (other != null && other != me) {
            throw new java.util.ConcurrentModificationException("this model is in use by thread '" + other.getName()
                    + "': a model runs one call at a time (its passes share its buffers); use one model per thread");
        }
        return other == null;
    }

    /** Ends the call {@link #enter} began when it returned true. */
    void exit(boolean entered) {
        if (entered) {
            user.set(null);
        }
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
        Objects.requireNonNull(x, "x");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        // before the scores are sized, whose rows x classes may pass the int range
        if ((long) rows * inputs > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, " + rows + " rows of " + inputs + " features need " + (long) rows * inputs);
        }
        if ((long) rows * classes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(rows + " rows of " + classes + " scores are more than a float[] holds: predict them into a scores array in parts");
        }
        float[] scores = new float[rows * classes];
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
        boolean entered = enter();
        try {
            predictInto(x, rows, scores);
        } finally {
            exit(entered);
        }
    }

    /**
     * The work of a {@link #predict} pass over {@code rows} rows in chunks of {@code perChunk}: each chunk reads every weight
     * matrix, counted as GEMM's thread rule counts an operand it reads (bytes at 10 per nanosecond against 200 flops: 20
     * flops a byte).
     */
    private long predictWork(int rows, int perChunk) {
        return flopsPerRow * rows + Math.ceilDiv(rows, perChunk) * weightBytes * 20;
    }

    private void predictInto(float[] x, int rows, float[] scores) {
        Workspace ws = inferenceWorkspace(rows);
        for (int from = 0; from < rows; from += ws.capacity) {
            int n = Math.min(ws.capacity, rows - from);
            // each chunk copies its rows of x in, scales them and runs them through
            ws.source = x;
            ws.sourceOrder = null;
            ws.sourceFrom = from;
            // the threads the many-thread cut pays for decide the cut: one thread's chunks are larger
            int most = predictChunkRows(n);
            int threads = Math.min(Math.ceilDiv(n, most), Parallel.threadsFor(predictWork(n, most)));
            int perChunk = predictChunkRows(n, threads);
            long work = predictWork(n, perChunk);
            reserveChunkOutputs(Math.min(Math.ceilDiv(n, perChunk), Parallel.threadsFor(work)), perChunk);
            runChunks(ws, n, perChunk, scoreChunk, work);
            ws.source = null;
            System.arraycopy(ws.logits(), 0, scores, from * classes, n * classes);
        }
        float[] mean = metadata.targetMean();
        if (mean.length == classes) {
            float[] std = metadata.targetStd();
            for (int i = 0; i < rows * classes; i++) {
                scores[i] = scores[i] * std[i % classes] + mean[i % classes];
            }
        }
    }

    /**
     * The predicted class of each of {@code rows} raw samples: the index of the highest score (the first of
     * equal ones), or {@link #NO_CLASS} (-1) for a row whose scores are NaN (a NaN feature, or features far
     * outside the training range that overflow the model): no class was chosen, as {@link #evaluate} counts such a
     * row and {@code ./jvk predict} leaves its prediction empty. Class names, when the model has them, are
     * {@code metadata().classNames().get(class)}.
     *
     * @throws IllegalArgumentException as {@link #predict(float[], int)}, or for a regression model
     */
    public int[] predictClasses(float[] x, int rows) {
        if (!metadata.isClassification()) {
            throw new IllegalArgumentException("a regression model predicts values, not classes: use predict");
        }
        float[] scores = predict(x, rows);
        int[] classesOut = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = Reductions.argmax(scores, r * classes, classes);
            // argmax names a row's first NaN, a class nothing chose: 0 would be a silent wrong answer
            classesOut[r] = Float.isNaN(scores[r * classes + best]) ? NO_CLASS : best;
        }
        return classesOut;
    }

    /**
     * One training step for a custom loop (the {@link Trainer} runs the same pass): forward, loss,
     * backward and one optimizer update on {@code rows} raw samples ({@code x}: {@code rows x inputs()},
     * the model's scaling applied; {@code labels}: one class per row). The buffers are allocated on the
     * first call (and again only for a larger batch); later steps allocate nothing.
     *
     * @param optimizer made by {@code OptimizerConfig.create(mlp.parameters())}
     * @return the batch's mean loss; when it is not finite the parameters are left unchanged
     * @throws IllegalArgumentException when the arrays are too short, {@code rows < 1}, a label is outside {@code [0, classes())},
     *                                  {@code learningRate} is negative, infinite or NaN, or {@code optimizer} updates
     *                                  a parameter of another model
     */
    public float trainStep(float[] x, int[] labels, int rows, Optimizer optimizer, float learningRate) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(optimizer, "optimizer");
        if (!metadata.isClassification()) {
            throw new IllegalArgumentException("a regression model trains on targets: use trainStep(x, float[] targets, ...)");
        }
        learningRate(learningRate);
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
        boolean entered = enter();
        try {
            Workspace ws = trainingWorkspace(x, rows);
            System.arraycopy(labels, 0, ws.labels, 0, rows);
            return trainStep(ws, rows, optimizer, learningRate);
        } finally {
            exit(entered);
        }
    }

    /**
     * {@link #trainStep(float[], int[], int, Optimizer, float)} for a regressor ({@link #regressor}): the same
     * pass against {@code targets}, {@code rows x classes()} values in the targets' own units, standardised as the
     * metadata says ({@link ModelMetadata#targetMean()}, {@link ModelMetadata#targetStd()}) exactly as the
     * {@link Trainer} does.
     *
     * @return the batch's mean loss on the standardised targets; when it is not finite the parameters are left unchanged
     * @throws IllegalArgumentException when the model is a classifier, the arrays are too short, {@code rows < 1},
     *                                  a target is not finite, {@code learningRate} is negative, infinite or NaN, or
     *                                  {@code optimizer} updates a parameter of another model
     */
    public float trainStep(float[] x, float[] targets, int rows, Optimizer optimizer, float learningRate) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(optimizer, "optimizer");
        if (metadata.isClassification()) {
            throw new IllegalArgumentException("a classifier trains on labels: use trainStep(x, int[] labels, ...)");
        }
        learningRate(learningRate);
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        if ((long) rows * inputs > x.length || (long) rows * classes > targets.length) {
            throw new IllegalArgumentException(rows + " rows need " + (long) rows * inputs + " features and " + (long) rows * classes
                    + " targets, got " + x.length + " and " + targets.length);
        }
        for (int i = 0; i < rows * classes; i++) {
            if (!Float.isFinite(targets[i])) {
                throw new IllegalArgumentException("targets[" + i + "] = " + targets[i] + " is not finite");
            }
        }
        boolean entered = enter();
        try {
            Workspace ws = trainingWorkspace(x, rows);
            System.arraycopy(targets, 0, ws.targets, 0, rows * classes);
            standardiseTargets(ws, rows);
            return trainStep(ws, rows, optimizer, learningRate);
        } finally {
            exit(entered);
        }
    }

    /**
     * A NaN or infinite rate makes every weight NaN in one update, and a negative one climbs the loss: refused before
     * the step, as the loss's own NaN is (a schedule may end at 0, which changes nothing).
     */
    private static void learningRate(float learningRate) {
        if (!(learningRate >= 0f && learningRate < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("learningRate must be finite and >= 0, got " + learningRate);
        }
    }

    /** The training buffers for {@code rows} rows (grown only for a larger batch), reading their input from {@code x}. */
    private Workspace trainingWorkspace(float[] x, int rows) {
        if (training == null || training.capacity < rows) {
            training = workspace(rows, true);
        }
        training.source = x;   // each chunk of the forward pass copies its rows in and scales them
        training.sourceOrder = null;
        training.sourceFrom = 0;
        return training;
    }

    /**
     * Accuracy, top-k accuracy, mean loss and confusion matrix on a labelled set of raw samples; for a
     * regressor (a data set with targets) RMSE, MAE and R^2 in the targets' units and the loss on the
     * standardised targets.
     *
     * @throws DataException when the data's feature count differs from the model's inputs, a label is not one of
     *                       its classes, the data has no rows, or its kind (labels or targets) does not fit the model
     */
    public Evaluation evaluate(DataSet data) {
        if (Objects.requireNonNull(data, "data").featureCount() != inputs) {
            throw new DataException("the model takes " + inputs + " features, " + data.name() + " has " + data.featureCount());
        }
        if (data.rows() == 0) {
            throw new DataException(data.name() + ": no rows to evaluate on");
        }
        if (data.isRegression() == metadata.isClassification() || (data.isRegression() && data.targetCount() != classes)) {
            throw new DataException(data.name() + (data.isRegression() ? " has " + data.targetCount() + " regression targets" : " has class labels")
                    + ", the model " + (metadata.isClassification() ? "predicts classes" : "predicts " + classes + " values"));
        }
        boolean entered = enter();
        try {
            return data.isRegression() ? evaluateRegression(data) : evaluateClassification(data);
        } finally {
            exit(entered);
        }
    }

    private Evaluation evaluateClassification(DataSet data) {
        if (data.classes() > classes) {
            for (int label : data.labels()) {
                if (label >= classes) {
                    throw new DataException(data.name() + " has label " + label + ", the model knows " + classes + " classes");
                }
            }
        }
        Workspace ws = inferenceWorkspace(data.rows());
        int[][] confusion = classes <= Evaluation.MAX_CONFUSION_CLASSES ? new int[classes][classes] : new int[0][];
        int topK = Math.min(5, classes);
        long[] inTopK = new long[topK];
        int[] unpredicted = new int[classes];
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
                if (Float.isNaN(out[r * classes + predicted])) {
                    // argmax names a row's first NaN: no class was chosen, so none is credited or blamed (predict leaves it empty)
                    unpredicted[label]++;
                    predicted = -1;
                }
                if (predicted == label) {
                    correct++;
                }
                if (predicted >= 0 && confusion.length > 0) {
                    confusion[label][predicted]++;
                }
                // the label's rank: how many scores beat it (ties go to the lower class, as argmax does)
                float own = out[r * classes + label];
                int rank = 0;
                for (int c = 0; c < classes && rank < topK; c++) {
                    float v = out[r * classes + c];
                    if (v > own || (v == own && c < label) || Float.isNaN(v)) {
                        rank++;
                    }
                }
                for (int k = rank; k < topK; k++) {
                    inTopK[k]++;
                }
            }
            lossSum += (double) loss.loss(out, ws.labels, n, classes) * n;
        }
        int rows = data.rows();
        double[] topKAccuracy = new double[topK];
        for (int k = 0; k < topK; k++) {
            topKAccuracy[k] = (double) inTopK[k] / rows;
        }
        return new Evaluation(rows, (double) correct / rows, lossSum / rows, confusion, topKAccuracy, Double.NaN, Double.NaN, Double.NaN,
                new double[0], new double[0], new double[0], unpredicted);
    }

    private Evaluation evaluateRegression(DataSet data) {
        int k = classes;
        int rows = data.rows();
        float[] t = data.targets();
        double[] mean = new double[k];
        for (int i = 0; i < rows * k; i++) {
            mean[i % k] += t[i];
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= rows;
        }
        Workspace ws = inferenceWorkspace(rows);
        float[] targetMean = metadata.targetMean();
        float[] targetStd = metadata.targetStd();
        boolean standardised = targetMean.length == k;
        double[] residual = new double[k];
        double[] total = new double[k];
        double[] absolute = new double[k];
        double lossSum = 0;
        for (int from = 0; from < rows; from += ws.capacity) {
            int n = Math.min(ws.capacity, rows - from);
            loadBatch(ws, data, null, from, n);
            forward(ws, n, false);
            float[] out = ws.logits();
            for (int i = 0; i < n * k; i++) {
                double y = standardised ? out[i] * targetStd[i % k] + targetMean[i % k] : out[i];
                double d = (float) y - (double) t[from * k + i];
                double c = t[from * k + i] - mean[i % k];
                residual[i % k] += d * d;
                total[i % k] += c * c;
                absolute[i % k] += Math.abs(d);
            }
            lossSum += (double) lossAndGradient(ws, n, ws.gradients[layers.size() - 1]) * n;
        }
        return Evaluation.regression(rows, lossSum / rows, residual, absolute, total);
    }

    /**
     * Writes the model (architecture, weights, scaling, loss) to {@code file} in the format of
     * {@code docs/model-format.md}. The file appears whole or not at all: it is written beside the
     * target and moved into place.
     */
    public void save(Path file) throws IOException {
        boolean entered = enter();
        try {
            ModelFile.write(this, file);
        } finally {
            exit(entered);
        }
    }

    /**
     * Reads a model written by {@link #save}.
     *
     * @throws ModelFileException when the file is not a jvk model, is of a newer version, is truncated,
     *                            fails its checksum, or describes an impossible architecture
     * @throws IOException        when it cannot be read
     */
    public static Mlp load(Path file) throws IOException {
        return ModelFile.read(Objects.requireNonNull(file, "file"));
    }

    /**
     * Whether {@code file} is a regular file that begins with the magic number {@link #save} writes: a program that
     * takes models of several formats (jvk's, ONNX) chooses the reader by it, since a file's name can say otherwise.
     *
     * @throws IOException when the file exists but cannot be read
     */
    public static boolean isModelFile(Path file) throws IOException {
        if (!Files.isRegularFile(Objects.requireNonNull(file, "file"))) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(ModelFile.MAGIC.length), ModelFile.MAGIC);
        }
    }
}
