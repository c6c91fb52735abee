package dev.jvk.nn.onnx;

import dev.jvk.nn.Activation;
import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Huber;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.onnx.OnnxProto.Attribute;
import dev.jvk.nn.onnx.OnnxProto.Dim;
import dev.jvk.nn.onnx.OnnxProto.Graph;
import dev.jvk.nn.onnx.OnnxProto.Model;
import dev.jvk.nn.onnx.OnnxProto.Node;
import dev.jvk.nn.onnx.OnnxProto.Tensor;
import dev.jvk.nn.onnx.OnnxProto.ValueInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches an ONNX graph onto jvk's layers by walking from its one input to its scores: the
 * missing-value fill {@code Where(IsNaN(x), means, x)} by a constant (into {@link ModelMetadata#missingValueMeans()}),
 * input scaling ({@code Sub}/{@code Add} then {@code Mul}/{@code Div} by constants), then {@code Gemm} or
 * {@code MatMul} (+ {@code Add} folded into the bias) as {@link Dense}, element-wise activations as
 * {@link ActivationLayer}s (the erf-GELU, tanh-GELU and SiLU sub-graphs recognised as one), shape-only nodes
 * ({@code Flatten}, {@code Reshape} to 2-D, {@code Identity}, {@code Dropout}, {@code Cast} to float)
 * skipped, and a final {@code Softmax} or {@code LogSoftmax} as the classifier's output. jvk's own exports
 * of quantized layers (int8 and bf16 weights, the int8-dynamic sub-graph) come back as those
 * {@link QuantizedDense} layers, and its {@code jvk.*} metadata as the model's loss and task. A classifier's
 * outputs derived from its scores (an ArgMax label, through ArrayFeatureExtractor over constant class labels, and a
 * ZipMap of the probabilities, as skl2onnx writes them) are checked against the scores and give the class names;
 * skl2onnx's binary output {@code [1 - p, p]} of a sigmoid becomes a softmax over two units. Anything
 * else is an {@link OnnxFormatException} naming the node: jvk never runs a graph it would compute
 * differently.
 */
final class GraphMatcher {
    static final int MIN_OPSET = 9;
    static final int MAX_OPSET = 21;
    static final Set<String> OPS = new LinkedHashSet<>(List.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu",
            "LeakyRelu", "Tanh", "Sigmoid", "Gelu", "Erf", "Softmax", "LogSoftmax", "Flatten", "Reshape", "Identity",
            "Dropout", "Cast", "Constant", "DequantizeLinear", "IsNaN", "Where", "Abs", "ReduceMax", "Max", "Clip", "Round",
            "ArgMax", "Concat", "Pow"));
    /** The {@code ai.onnx.ml} operators jvk maps: skl2onnx's StandardScaler, and a classifier's label and probability map. */
    static final Set<String> ML_OPS = new LinkedHashSet<>(List.of("Scaler", "ArrayFeatureExtractor", "ZipMap"));
    /** Nodes that leave the values as they are at inference (Cast and Dropout checked where they are met), also after the last step. */
    private static final Set<String> SHAPE_ONLY = Set.of("Identity", "Dropout", "Cast");
    private static final double SQRT2 = Math.sqrt(2);
    /** The constants of GELU's tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI), GELU_CUBIC = 0.044715;
    /** What the tanh-GELU sub-graph is built of, and the most nodes it may take (the spellings in the tests take 8 to 11). */
    private static final Set<String> TANH_GELU_OPS = Set.of("Mul", "Add", "Sub", "Div", "Pow", "Tanh");
    private static final int TANH_GELU_NODES = 16;
    /** The domain of ONNX's classical-ML operators, where skl2onnx puts StandardScaler's {@code Scaler}. */
    static final String ML_DOMAIN = "ai.onnx.ml";

    /**
     * What the walk found: the model, the opset it was read at, whether the graph ends in LogSoftmax, and the class labels
     * the graph's label or probability-map outputs carry (empty when it has none), with the node that carries them.
     */
    record Matched(Mlp mlp, int opset, boolean logSoftmax, List<String> labels, String labelledBy) {}

    /**
     * A graph output computed from the model's scores rather than being them: a classifier's label ({@code ArgMax}, then
     * perhaps {@code ArrayFeatureExtractor}, {@code Reshape}, {@code Cast}, {@code Identity}) or its probability map
     * ({@code ZipMap}). {@code path} is the nodes after {@code head} in the order they run.
     */
    private record Derived(String output, Node head, List<Node> path) {}

    private final Model model;
    private final Graph graph;
    private final String file;
    private final TensorData data;
    /** The task the caller says the outputs are for ({@link OnnxModel#read(java.nio.file.Path, String)}), or null: as the file says. */
    private final String task;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    /** The consumers of every value, dead code included: where a label's ArgMax may read the logits before a softmax. */
    private final Map<String, List<Node>> allConsumers = new HashMap<>();
    private final List<Derived> derived = new ArrayList<>();
    private final Set<Node> used = new HashSet<>();
    /** The nodes the graph's outputs depend on; the others are dead code, which ONNX Runtime never runs either. */
    private final Set<Node> live = new HashSet<>();
    private final Map<String, Constant> constants = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();
    private int opset;

    // the walk's state
    private long batch;            // the static batch size, or -1 when it is symbolic
    private long[] featureDims;    // the dimensions after the batch
    private final List<Layer> layers = new ArrayList<>();
    private Dense open;            // the last Dense while an Add may still fold into its bias
    private float[] shift;
    private float[] scale;
    private float[] targetStd;     // y * std + mean after the last layer: a regressor's standardised targets mapped back
    private float[] targetMean;
    private float[] missingMeans;  // Where(IsNaN(x), means, x) on the input
    private long weightBytes;

    GraphMatcher(Model model, String file, TensorData data, String task) {
        this.model = model;
        this.graph = model.graph();
        this.file = file;
        this.data = data;
        this.task = task;
    }

    Matched match() throws IOException {
        opset = checkOpset();
        checkOperators();
        index();
        String output = mainOutput();
        keepLive(output);
        ValueInfo input = theInput();
        String v = input.name();
        Loss loss = Loss.named("mse");
        boolean logSoftmax = false;
        boolean ended = false;
        while (!v.equals(output)) {
            List<Node> next = consumers.getOrDefault(v, List.of());
            boolean passThrough = next.size() == 1 && SHAPE_ONLY.contains(next.getFirst().opType());
            if (ended && !passThrough) {
                throw error("the graph's output '" + output + "' does not come right after its Softmax; jvk applies "
                        + "softmax only as a classifier's last step");
            }
            if (next.isEmpty()) {
                throw error("value '" + v + "' leads nowhere: the graph's output '" + output + "' is not reached from its input");
            }
            if (targetStd != null && !passThrough && (next.size() > 1 || !(next.getFirst().opType().equals("Add") && targetMean == null
                    || is(next.getFirst(), "Softmax") || is(next.getFirst(), "LogSoftmax")))) {
                throw error(next.getFirst(), "follows the Mul (and Add) by constants after the last layer; jvk maps those only "
                        + "as the last step, y * std + mean of a regressor's standardised targets");
            }
            if (next.size() == 2) {
                String filled = missingFill(v, next);
                if (filled != null) {
                    v = filled;
                    continue;
                }
            }
            if (next.size() == 2 && (is(next.get(0), "Abs") || is(next.get(1), "Abs"))) {
                v = int8Dynamic(v, next);
                continue;
            }
            if (next.size() == 2 && (is(next.get(0), "Concat") || is(next.get(1), "Concat"))) {
                v = binaryProbabilities(v, next);
                loss = Loss.named("softmax-cross-entropy");
                ended = true;
                continue;
            }
            if (next.size() > 1) {
                v = activationPattern(v, next);
                continue;
            }
            Node node = next.getFirst();
            used.add(node);
            String out = onlyOutput(node);
            switch (node.opType()) {
                case "Identity" -> { }
                case "Dropout" -> dropout(node);
                case "Cast" -> {
                    if (attrInt(node, "to", 0) != OnnxProto.FLOAT) {
                        throw error(node, "casts to " + TensorData.typeName((int) attrInt(node, "to", 0))
                                + "; jvk computes in float and maps only Cast to FLOAT");
                    }
                }
                case "Flatten" -> flatten(node);
                case "Reshape" -> reshape(node, v);
                case "Gemm" -> gemm(node, v);
                case "MatMul" -> matMul(node, v);
                case "Add" -> add(node, v);
                case "Sub", "Mul", "Div" -> scaling(node, v);
                case "Scaler" -> scaler(node);
                case "Relu" -> activation(Activation.RELU);
                case "Tanh" -> activation(Activation.TANH);
                case "Sigmoid" -> activation(Activation.SIGMOID);
                case "LeakyRelu" -> {
                    float alpha = attrFloat(node, "alpha", 0.01f);
                    if (!Float.isFinite(alpha)) {
                        throw error(node, "has alpha " + alpha + "; jvk's leaky ReLU takes a finite slope");
                    }
                    addLayer(ActivationLayer.leakyRelu(alpha, (int) features()));
                }
                case "Gelu" -> {
                    String approximate = attribute(node, "approximate") == null ? "none" : attribute(node, "approximate").s();
                    switch (approximate) {
                        case "none" -> activation(Activation.GELU);
                        case "tanh" -> activation(Activation.GELU_TANH);
                        default -> throw error(node, "has approximate='" + approximate + "'; ONNX defines 'none' (erf) and 'tanh'");
                    }
                }
                case "IsNaN", "Where" -> throw error(node, "is not part of the missing-value fill Where(IsNaN(x), means, x) "
                        + "on the graph's input; jvk maps IsNaN and Where only there, before any scaling or layer");
                case "Abs", "ReduceMax", "Max", "Clip", "Round" -> throw error(node, "is not part of " + INT8_DYNAMIC
                        + "; jvk maps " + node.opType() + " only there");
                case "Erf" -> throw error(node, "is not part of the GELU pattern x * 0.5 * (1 + erf(x / sqrt(2))); "
                        + "jvk maps Erf only there");
                case "ArgMax", "ArrayFeatureExtractor", "ZipMap" -> throw error(node, "is on the way from the input to the "
                        + "scores '" + output + "'; jvk maps " + node.opType() + " only on a second output derived from the scores "
                        + "(a classifier's label or probability map)");
                case "Concat" -> throw error(node, "is not the [1 - p, p] of a binary classifier's sigmoid output; "
                        + "jvk maps Concat only there");
                case "Pow" -> throw error(node, "is not part of the tanh-GELU pattern " + TANH_GELU + "; jvk maps Pow only there");
                case "Softmax", "LogSoftmax" -> {
                    requireRows(node);
                    long axis = attrInt(node, "axis", opset >= 13 ? -1 : 1);
                    if (axis != 1 && axis != -1) {
                        throw error(node, "has axis " + axis + "; jvk applies softmax over the features (axis 1)");
                    }
                    if (targetStd != null) {
                        foldLogitScaling(node);
                    }
                    loss = Loss.named("softmax-cross-entropy");
                    logSoftmax = node.opType().equals("LogSoftmax");
                    ended = true;
                    open = null;
                }
                default -> throw error(node, "cannot follow the data here");   // Constant: it has no input
            }
            v = out;
        }
        for (Node node : graph.nodes()) {
            if (live.contains(node) && !used.contains(node) && !node.opType().equals("Constant")) {
                throw error(node, "is not on the path from the input to the output; jvk maps a chain of layers");
            }
        }
        boolean logits = !ended && ModelMetadata.CLASSIFICATION.equals(task);
        if (logits) {
            logitsChecks();
        }
        if (targetStd != null && (logits || layers.getLast() instanceof Dense && !standardisation())) {
            // y * s + m with a scale no standard deviation can be (negative, zero): not a target mapping jvk stores,
            // but the same outputs from the last layer with s and m folded in
            foldLogitScaling(null);
        }
        if (layers.stream().noneMatch(l -> l instanceof Dense || l instanceof QuantizedDense)) {
            throw error("the graph has no Gemm or MatMul: nothing for jvk's layers to hold");
        }
        for (ValueInfo declared : graph.outputs()) {
            if (declared.name().equals(output)) {
                checkDeclaredOutput(declared, layers.getLast().outputSize());
            }
        }
        List<String> labels = derivedLabels(output, layers.getLast().outputSize());
        FeatureScaling scaling = null;
        if (shift != null || scale != null) {
            int f = layers.getFirst().inputSize();
            float[] ones = new float[f];
            Arrays.fill(ones, 1f);
            scaling = new FeatureScaling(scalingKind(), shift == null ? new float[f] : shift, scale == null ? ones : scale);
        }
        if (logits) {
            // the outputs are a classifier's logits: predict gives their softmax, as after a Softmax node
            loss = Loss.named("softmax-cross-entropy");
        } else if (!ended) {
            loss = trainedWith();
        }
        String task = task(ended);
        ModelMetadata metadata = ModelMetadata.of(task);
        if (targetStd != null) {
            if (task.equals(ModelMetadata.CLASSIFICATION)) {
                throw error("the graph maps its outputs back as y * std + mean, as a regressor's, but "
                        + OnnxModel.TASK + " says classification");
            }
            int outputs = layers.getLast().outputSize();
            metadata = new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1,
                    targetMean == null ? new float[outputs] : targetMean, targetStd);
        }
        if (missingMeans != null) {
            if (missingMeans.length != layers.getFirst().inputSize()) {
                throw error("the missing-value fill has " + missingMeans.length + " means for "
                        + layers.getFirst().inputSize() + " input features");
            }
            metadata = metadata.withMissingValueMeans(missingMeans);
        }
        if (!derived.isEmpty() && !ModelMetadata.CLASSIFICATION.equals(metadata.task())) {
            throw error("output '" + derived.getFirst().output() + "' is a classifier's label or probability map ("
                    + derived.getFirst().head().label() + ") but " + (this.task != null ? "the task given" : OnnxModel.TASK) + " is regression");
        }
        Mlp mlp = new Mlp(layers, loss, scaling, metadata);
        // every constant was checked where it was read; a sum of finite ones (a bias and an Add, a weight and a
        // folded temperature) may still overflow
        String nonFinite = scaling == null ? null : scaling.nonFiniteValue();
        nonFinite = nonFinite != null ? nonFinite : mlp.nonFiniteParameter();
        if (nonFinite != null) {
            throw error("the imported model's " + nonFinite + " (finite constants that overflow float together); " + FINITE);
        }
        return new Matched(mlp, opset, logSoftmax, labels, labelledBy);
    }

    /**
     * The loss of a graph without a final softmax: the one {@code jvk.loss} names (with {@code jvk.huber_delta} jvk's
     * delta), else mean squared error. Only the loss of further training and of {@code evaluate} depends on it.
     */
    private Loss trainedWith() throws OnnxFormatException {
        String name = model.metadata().get(OnnxModel.LOSS);
        if (name == null || name.equals("softmax-cross-entropy")) {
            return Loss.named("mse");   // a softmax cross-entropy model exported without its softmax trains on as MSE
        }
        Loss loss;
        try {
            loss = Loss.named(name);
        } catch (IllegalArgumentException e) {
            throw error(OnnxModel.LOSS + " is '" + name + "', not a loss jvk knows (mse, huber, softmax-cross-entropy)");
        }
        String delta = model.metadata().get(OnnxModel.HUBER_DELTA);
        if (delta != null) {
            float d;
            try {
                d = Float.parseFloat(delta);
            } catch (NumberFormatException e) {
                d = Float.NaN;
            }
            if (!(loss instanceof Huber) || d != Huber.DELTA) {
                throw error(OnnxModel.HUBER_DELTA + " is '" + delta + "' with " + OnnxModel.LOSS + " '" + name
                        + "'; jvk's Huber loss has delta " + Huber.DELTA);
            }
        }
        return loss;
    }

    /**
     * {@code jvk.task} when the file says; else a regression for outputs mapped back from standardised targets or a
     * regression loss in {@code jvk.loss}, and a classifier otherwise (the raw scores of a graph without softmax).
     */
    private String task(boolean softmax) throws OnnxFormatException {
        if (this.task != null) {
            if (softmax && this.task.equals(ModelMetadata.REGRESSION)) {
                throw error("the graph ends in a softmax, a classifier's output; it cannot be imported as a regression");
            }
            return this.task;
        }
        String task = model.metadata().get(OnnxModel.TASK);
        if (task == null) {
            String loss = model.metadata().getOrDefault(OnnxModel.LOSS, "softmax-cross-entropy");
            return targetStd != null || !softmax && !loss.equals("softmax-cross-entropy")
                    ? ModelMetadata.REGRESSION : ModelMetadata.CLASSIFICATION;
        }
        if (!task.equals(ModelMetadata.CLASSIFICATION) && !task.equals(ModelMetadata.REGRESSION)) {
            throw error(OnnxModel.TASK + " is '" + task + "'; jvk knows " + ModelMetadata.CLASSIFICATION + " and " + ModelMetadata.REGRESSION);
        }
        if (softmax && task.equals(ModelMetadata.REGRESSION)) {
            throw error("the graph ends in a softmax, as a classifier's, but " + OnnxModel.TASK + " says regression");
        }
        return task;
    }

    /**
     * Refuses what cannot be a classifier's logits: one output (its softmax is 1 on every row) and a file jvk wrote as a
     * regressor. Before the scaling of the outputs is folded, so a regressor's {@code y * std + mean} is named as such.
     */
    private void logitsChecks() throws OnnxFormatException {
        int outputs = layers.isEmpty() ? 0 : layers.getLast().outputSize();
        if (outputs == 1) {
            throw error("the graph has 1 output; as a classifier's logits its softmax would be 1 for every row (a binary "
                    + "classifier with one logit needs a sigmoid, not a softmax): import it as it is");
        }
        String declared = model.metadata().get(OnnxModel.TASK);
        if (declared != null && !declared.equals(ModelMetadata.CLASSIFICATION)) {
            throw error(OnnxModel.TASK + " says '" + declared + "': the file's outputs are not a classifier's logits");
        }
    }

    // ---- checks before the walk ----

    private int checkOpset() throws OnnxFormatException {
        Long v = model.opsets().containsKey("") ? model.opsets().get("") : model.opsets().get("ai.onnx");
        if (v == null) {
            throw error("the model imports no ONNX operator set (opset_import has no entry for the default domain)");
        }
        if (v < MIN_OPSET || v > MAX_OPSET) {
            throw error("opset " + v + ": jvk imports opsets " + MIN_OPSET + " to " + MAX_OPSET);
        }
        return v.intValue();
    }

    private void checkOperators() throws OnnxFormatException {
        for (Node node : graph.nodes()) {
            if (node.domain().equals(ML_DOMAIN) && ML_OPS.contains(node.opType())) {
                continue;
            }
            if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
                throw error(node, "is in domain '" + node.domain() + "'; jvk imports the standard ONNX operators " + OPS
                        + " and " + ML_DOMAIN + "'s " + String.join(", ", ML_OPS));
            }
            if (!OPS.contains(node.opType())) {
                throw error(node, "is not an operator jvk imports (it maps " + String.join(", ", OPS) + ")");
            }
            if (node.opType().equals("Gelu") && opset < 20) {
                throw error(node, "needs opset 20, the model imports opset " + opset);
            }
        }
    }

    /** Producers and consumers of every value, and a topological order that proves the graph has no cycle. */
    private void index() throws OnnxFormatException {
        Set<String> inputs = new HashSet<>();
        for (ValueInfo in : graph.inputs()) {
            inputs.add(in.name());
        }
        // the initializers are looked up where they are: a copy of their names would cost the heap as much again
        java.util.function.Predicate<String> available = v -> inputs.contains(v) || graph.initializers().containsKey(v);
        for (Node node : graph.nodes()) {
            for (String out : node.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                Node before = producer.put(out, node);
                if (before != null || available.test(out)) {
                    throw error(node, "writes '" + out + "', which " + (before != null ? before.label() : "an input or initializer") + " already defines");
                }
            }
            for (String in : new LinkedHashSet<>(node.inputs())) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
        int[] pending = new int[graph.nodes().size()];   // by Node.index, the node's place in the list
        ArrayDeque<Node> ready = new ArrayDeque<>();
        for (Node node : graph.nodes()) {
            int n = 0;
            for (String in : new LinkedHashSet<>(node.inputs())) {
                if (!in.isEmpty() && !available.test(in)) {
                    if (!producer.containsKey(in)) {
                        throw error(node, "reads '" + in + "', which no node, input or initializer defines");
                    }
                    n++;
                }
            }
            pending[node.index()] = n;
            if (n == 0) {
                ready.add(node);
            }
        }
        int done = 0;
        while (!ready.isEmpty()) {
            Node node = ready.poll();
            done++;
            for (String out : node.outputs()) {
                for (Node c : consumers.getOrDefault(out, List.of())) {
                    if (--pending[c.index()] == 0) {
                        ready.add(c);
                    }
                }
            }
        }
        if (done < graph.nodes().size()) {
            for (Node node : graph.nodes()) {
                if (pending[node.index()] > 0) {
                    throw error(node, "is on a cycle: the graph is not a DAG");
                }
            }
        }
        consumers.forEach((value, nodes) -> allConsumers.put(value, List.copyOf(nodes)));
    }

    /**
     * Keeps the nodes the scores {@code output} depends on. Exporters leave dead code (a side branch nothing reads, nodes
     * after the declared output, such as an intermediate value exported as the output): it does not change the output,
     * so the walk does not see it; nor the label and probability-map outputs computed from the scores, checked apart.
     */
    private void keepLive(String output) {
        ArrayDeque<String> wanted = new ArrayDeque<>();
        wanted.add(output);
        while (!wanted.isEmpty()) {
            Node p = producer.get(wanted.poll());
            if (p != null && live.add(p)) {
                p.inputs().stream().filter(in -> !in.isEmpty()).forEach(wanted::add);
            }
        }
        consumers.values().forEach(c -> c.removeIf(node -> !live.contains(node)));
    }

    // ---- the outputs: the scores, and what is derived from them ----

    /**
     * The value the model's {@code predict} returns: the graph's one output that is not derived from another's scores.
     * Classifiers as converters write them have more: skl2onnx's {@code label} (ArgMax, ArrayFeatureExtractor over the
     * class labels, Reshape, Cast) and {@code probabilities} (or {@code output_probability}, a ZipMap of them), tf2onnx's
     * and PyTorch's ArgMax beside the probabilities or logits. Those are kept in {@link #derived} and checked after the
     * walk; with a ZipMap and no probabilities tensor among the outputs, the scores are what the ZipMap reads. Any other
     * output (a hidden layer exposed, a second head) is an error naming it.
     */
    private String mainOutput() throws OnnxFormatException {
        if (graph.outputs().size() > MAX_OUTPUTS) {
            // refused before the outputs are compared with one another, which costs outputs x nodes
            throw error("the graph has " + graph.outputs().size() + " outputs " + names(graph.outputs()) + "; jvk maps one "
                    + "output of scores, and beside it only outputs derived from them: " + DERIVED);
        }
        List<ValueInfo> tensors = new ArrayList<>();
        for (ValueInfo o : graph.outputs()) {
            Derived d = derivedFrom(o.name());
            if (d != null) {
                derived.add(d);
            } else {
                tensors.add(o);
            }
        }
        if (tensors.isEmpty()) {
            if (derived.isEmpty()) {
                throw error("the graph has no output");
            }
            Derived zipMap = derived.stream().filter(d -> is(d.head(), "ZipMap")).findFirst().orElse(derived.getFirst());
            return zipMap.head().input(0);   // the probabilities the map is made of (or the scores an ArgMax reads)
        }
        Map<String, Set<String>> ancestors = new HashMap<>();
        for (ValueInfo t : tensors) {
            ancestors.put(t.name(), ancestors(t.name()));
        }
        List<ValueInfo> last = new ArrayList<>();
        for (ValueInfo t : tensors) {
            ValueInfo later = tensors.stream().filter(o -> o != t && ancestors.get(o.name()).contains(t.name())).findFirst().orElse(null);
            if (later != null) {
                throw error("output '" + t.name() + "' is an intermediate value of the graph (output '" + later.name() + "' is computed "
                        + "from it); jvk's model returns its scores, and maps beside them only outputs derived from them: " + DERIVED);
            }
            last.add(t);
        }
        if (last.size() > 1) {
            throw error("the graph has " + last.size() + " outputs " + names(last) + " that are not derived from one another's "
                    + "scores; jvk maps one output of scores, and beside it only outputs derived from them: " + DERIVED);
        }
        return last.getFirst().name();
    }

    /** More outputs than the scores and every label and probability map derived from them that a converter writes. */
    static final int MAX_OUTPUTS = 16;

    private static final String DERIVED = "a label (ArgMax over the classes, then ArrayFeatureExtractor over constant class "
            + "labels, Reshape, Cast, Identity) or a ZipMap of the probabilities";

    /** The values {@code value} is computed from, itself included. */
    private Set<String> ancestors(String value) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(value));
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (seen.add(v) && producer.containsKey(v)) {
                producer.get(v).inputs().stream().filter(in -> !in.isEmpty()).forEach(todo::add);
            }
        }
        return seen;
    }

    /**
     * The output {@code output} as a label or probability map: walking back through Identity, Cast, Reshape and
     * ArrayFeatureExtractor (its indices) to an ArgMax or a ZipMap. Null when it is not one (checked as scores).
     */
    private Derived derivedFrom(String output) {
        List<Node> path = new ArrayList<>();
        String v = output;
        while (true) {
            Node p = producer.get(v);
            if (p == null) {
                return null;
            }
            switch (p.opType()) {
                case "ArgMax", "ZipMap" -> {
                    return new Derived(output, p, path.reversed());
                }
                case "ArrayFeatureExtractor" -> v = p.input(1);
                case "Identity", "Cast", "Reshape" -> v = p.input(0);
                default -> {
                    return null;
                }
            }
            path.add(p);
        }
    }

    /**
     * The values equal to the scores {@code scores} (through Identity, Dropout and Cast to float, either way), and with
     * {@code ranked} also those ranking the classes as they do: the logits before a Softmax or LogSoftmax over the classes.
     */
    private Set<String> sameAs(String scores, boolean ranked) throws OnnxFormatException {
        Set<String> same = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(scores));
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (!same.add(v)) {
                continue;
            }
            Node p = producer.get(v);
            if (p != null && keepsRanks(p, ranked)) {
                todo.add(p.input(0));
            }
            for (Node c : allConsumers.getOrDefault(v, List.of())) {
                if (c.input(0).equals(v) && keepsRanks(c, ranked) && !c.outputs().isEmpty()) {
                    todo.add(c.outputs().getFirst());
                }
            }
        }
        return same;
    }

    private boolean keepsRanks(Node node, boolean ranked) throws OnnxFormatException {
        return switch (node.opType()) {
            case "Identity" -> true;
            case "Dropout" -> node.input(2).isEmpty();
            case "Cast" -> attrInt(node, "to", 0) == OnnxProto.FLOAT;
            case "Softmax", "LogSoftmax" -> ranked && (attrInt(node, "axis", opset >= 13 ? -1 : 1) == 1
                    || attrInt(node, "axis", opset >= 13 ? -1 : 1) == -1);
            default -> false;
        };
    }

    /** Which derived output named the classes, for errors. */
    private String labelledBy = "";

    /**
     * Checks each label and probability-map output against the scores {@code scores} of {@code classes} columns, and
     * returns the class labels they carry (ArrayFeatureExtractor's constant, ZipMap's classlabels), the same in each, or
     * empty when none carries any (an ArgMax alone gives the class index).
     */
    private List<String> derivedLabels(String scores, int classes) throws IOException {
        List<String> names = List.of();
        if (derived.isEmpty()) {
            return names;
        }
        Set<String> same = sameAs(scores, false);
        Set<String> ranked = sameAs(scores, true);
        for (Derived d : derived) {
            Node head = d.head();
            Node namer = head;   // the node holding the labels: the ZipMap, or the ArrayFeatureExtractor after an ArgMax
            List<String> found = null;
            if (is(head, "ZipMap")) {
                if (!same.contains(head.input(0))) {
                    throw error(head, "of output '" + d.output() + "' maps '" + head.input(0) + "', not the scores '" + scores
                            + "' the model returns; jvk maps a ZipMap only of the probabilities (scores) themselves");
                }
                found = zipMapLabels(head, classes);
                for (Node n : d.path()) {
                    if (!is(n, "Identity")) {
                        throw error(n, "follows the ZipMap of output '" + d.output() + "'; jvk maps only Identity there");
                    }
                }
            } else {
                if (!ranked.contains(head.input(0))) {
                    throw error(head, "of output '" + d.output() + "' takes the argmax of '" + head.input(0) + "', which is not the "
                            + "scores '" + scores + "' the model returns (nor the logits before their softmax); jvk's label is the "
                            + "argmax of its scores");
                }
                long axis = attrInt(head, "axis", 0);
                if (axis != 1 && axis != -1) {
                    throw error(head, "of output '" + d.output() + "' has axis " + axis + "; a classifier's label is the argmax "
                            + "over the classes, axis 1 of [batch, " + classes + "]");
                }
                if (attrInt(head, "select_last_index", 0) != 0) {
                    throw error(head, "of output '" + d.output() + "' has select_last_index=1 (the last of equal maxima); jvk's "
                            + "label is the first, as ONNX's default and numpy's, PyTorch's and TensorFlow's argmax");
                }
                boolean text = false;
                String carried = onlyOutput(head);
                for (Node n : d.path()) {
                    switch (n.opType()) {
                        case "ArrayFeatureExtractor" -> {
                            if (found != null || !n.input(1).equals(carried)) {
                                throw error(n, "of output '" + d.output() + "' is not one ArrayFeatureExtractor(class labels, "
                                        + "argmax); jvk maps it only as the pick of the argmax's class label");
                            }
                            Constant c = constant(n.input(0), n);
                            if (c == null) {
                                throw error(n, "picks from the computed value '" + n.input(0) + "'; jvk reads class labels from a constant");
                            }
                            text = c.tensor != null && c.tensor.dataType() == OnnxProto.STRING;
                            found = classLabels(n, c, classes);
                            namer = n;
                        }
                        case "Reshape" -> {
                            Constant c = n.inputs().size() == 2 ? constant(n.input(1), n) : null;
                            long[] shape = c == null ? null : c.longs(n.label());
                            if (shape == null || !oneLabelPerRow(shape)) {
                                throw error(n, "of output '" + d.output() + "' reshapes the labels to "
                                        + (shape == null ? "a computed shape" : Arrays.toString(shape))
                                        + "; jvk maps [-1] (one label per row), or -1 with dimensions of 1");
                            }
                        }
                        case "Cast" -> {
                            long to = attrInt(n, "to", 0);
                            boolean ok = text ? to == OnnxProto.STRING : to == OnnxProto.INT64 || to == OnnxProto.INT32;
                            if (!ok) {
                                throw error(n, "of output '" + d.output() + "' casts the " + (text ? "string" : "integer")
                                        + " labels to " + TensorData.typeName((int) to) + "; jvk maps label casts to "
                                        + (text ? "STRING" : "INT64 or INT32") + " only");
                            }
                        }
                        default -> { }   // Identity
                    }
                    carried = onlyOutput(n);
                }
            }
            if (found != null) {
                if (!names.isEmpty() && !names.equals(found)) {
                    throw error(namer, "of output '" + d.output() + "' names the classes " + found + ", " + labelledBy + " names them "
                            + names);
                }
                names = found;
                labelledBy = namer.label() + " of output '" + d.output() + "'";
            }
        }
        return names;
    }

    /** A Reshape target that keeps the labels one per row, in order: one -1, the other dimensions 1. */
    private static boolean oneLabelPerRow(long[] shape) {
        int inferred = 0;
        for (long d : shape) {
            if (d == -1) {
                inferred++;
            } else if (d != 1) {
                return false;
            }
        }
        return inferred == 1;
    }

    /** ArrayFeatureExtractor's class labels: a constant of {@code classes} integers or strings, {@code [classes]} or {@code [1, classes]}. */
    private List<String> classLabels(Node node, Constant c, int classes) throws IOException {
        if (!perFeatureShape(c, classes)) {
            throw error(node, "picks from " + c.count() + " class labels " + Arrays.toString(c.dims()) + "; the scores have "
                    + classes + " classes");
        }
        List<String> labels = new ArrayList<>();
        if (c.tensor != null && c.tensor.dataType() == OnnxProto.STRING) {
            labels.addAll(List.of(data.strings(c.tensor, node.label())));
        } else if (c.tensor != null && c.tensor.dataType() != OnnxProto.INT64 && c.tensor.dataType() != OnnxProto.INT32) {
            throw error(node, "picks from class labels of type " + TensorData.typeName(c.tensor.dataType())
                    + "; jvk reads integer or string class labels");
        } else {
            for (long l : c.longs(node.label())) {
                labels.add(Long.toString(l));
            }
        }
        return distinct(node, labels);
    }

    /** ZipMap's keys: {@code classlabels_int64s} or {@code classlabels_strings} (one of them), one per class. */
    private List<String> zipMapLabels(Node node, int classes) throws OnnxFormatException {
        Attribute ints = attribute(node, "classlabels_int64s");
        Attribute strings = attribute(node, "classlabels_strings");
        List<String> labels = new ArrayList<>();
        if (ints != null && ints.ints().length > 0 && (strings == null || strings.strings().isEmpty())) {
            for (long l : ints.ints()) {
                labels.add(Long.toString(l));
            }
        } else if (strings != null && !strings.strings().isEmpty() && (ints == null || ints.ints().length == 0)) {
            labels.addAll(strings.strings());
        } else {
            throw error(node, "has " + (ints == null && strings == null ? "neither" : "both") + " classlabels_int64s "
                    + (ints == null && strings == null ? "nor" : "and") + " classlabels_strings; ZipMap takes exactly one");
        }
        if (labels.size() != classes) {
            throw error(node, "has " + labels.size() + " class labels; the scores it maps have " + classes + " classes");
        }
        return distinct(node, labels);
    }

    private List<String> distinct(Node node, List<String> labels) throws OnnxFormatException {
        Set<String> seen = new HashSet<>();
        for (String l : labels) {
            if (!seen.add(l)) {
                throw error(node, "lists the class label '" + l + "' twice");
            }
        }
        return labels;
    }

    /**
     * skl2onnx's binary classifier: {@code p = Sigmoid(x w + b)} of one unit, then {@code Concat([Sub(1, p), p], axis 1)}.
     * {@code [1 - p, p]} is the softmax of {@code [0, x w + b]}, so the last layer becomes two units, the first with
     * zero weights and bias, and the model a softmax classifier (the probabilities within the import's bound of the
     * graph's: its {@code 1 - p} rounds once more). Returns the value after the Concat.
     */
    private String binaryProbabilities(String v, List<Node> next) throws IOException {
        Node concat = is(next.get(0), "Concat") ? next.get(0) : next.get(1);
        Node sub = next.get(0) == concat ? next.get(1) : next.get(0);
        String what = "; jvk maps Sub and Concat after the last layer only as a binary classifier's [1 - p, p] of "
                + "p = Sigmoid(x w + b) of one unit (skl2onnx's logistic output): Concat([Sub(1, p), p], axis=1)";
        int n = layers.size();
        if (n < 2 || !(layers.getLast() instanceof ActivationLayer sigmoid) || sigmoid.activation() != Activation.SIGMOID
                || !(layers.get(n - 2) instanceof Dense last) || last.outputSize() != 1) {
            throw error(concat, "does not follow a Sigmoid of one unit after a dense layer" + what);
        }
        if (!is(sub, "Sub") || sub.inputs().size() != 2 || !sub.input(1).equals(v) || scalar(sub, v) != 1.0) {
            throw error(is(sub, "Sub") ? sub : concat, "is not Sub(1, p)" + what);
        }
        String negative = onlyOutput(sub);
        Attribute axis = attribute(concat, "axis");
        if (concat.inputs().size() != 2 || !concat.input(0).equals(negative) || !concat.input(1).equals(v) || sole(negative) != concat
                || axis == null || axis.i() != 1 && axis.i() != -1) {
            throw error(concat, "is not Concat([1 - p, p], axis=1)" + what);
        }
        int in = last.inputSize();
        Dense two = dense(concat, in, 2);
        float[] w = last.weights();
        float[] w2 = two.weights();
        for (int i = 0; i < in; i++) {
            w2[2 * i + 1] = w[i];   // the first unit stays 0: softmax([0, z]) = [1 - sigmoid(z), sigmoid(z)]
        }
        two.bias()[1] = last.bias()[0];
        layers.removeLast();
        layers.removeLast();
        addLayer(two);
        open = null;
        used.add(sub);
        used.add(concat);
        return onlyOutput(concat);
    }

    private ValueInfo theInput() throws OnnxFormatException {
        List<ValueInfo> inputs = graph.inputs().stream().filter(i -> !graph.initializers().containsKey(i.name())).toList();
        List<ValueInfo> read = inputs.stream().filter(i -> !consumers.getOrDefault(i.name(), List.of()).isEmpty()).toList();
        if (read.size() == 1) {
            inputs = read;   // ONNX Runtime runs a graph without the inputs nothing reads: so does jvk
        }
        if (inputs.size() != 1) {
            throw error("the graph has " + inputs.size() + " inputs " + names(inputs) + " besides its initializers; jvk maps one");
        }
        ValueInfo in = inputs.getFirst();
        // A double input cast to float first (as converters write for double data): jvk's float rows are what the graph
        // computes on after that Cast. Other types would round the data otherwise (float16) or compute in them.
        List<Node> readers = consumers.getOrDefault(in.name(), List.of());
        boolean castFirst = in.tensor() && in.elemType() == OnnxProto.DOUBLE && readers.size() == 1
                && is(readers.getFirst(), "Cast") && attrInt(readers.getFirst(), "to", 0) == OnnxProto.FLOAT;
        if (!in.tensor() || in.elemType() != OnnxProto.FLOAT && !castFirst) {
            throw error("input '" + in.name() + "' is " + (in.tensor() ? "a " + TensorData.typeName(in.elemType()) + " tensor" : "not a tensor")
                    + "; jvk takes a float tensor (or a double one whose only reader is a Cast to float)");
        }
        if (in.shape() == null || in.shape().size() < 2) {
            throw error("input '" + in.name() + "' has " + (in.shape() == null ? "no shape" : "rank " + in.shape().size())
                    + "; jvk needs [batch, features...] with fixed features");
        }
        List<Dim> dims = in.shape();
        featureDims = new long[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            Dim d = dims.get(i);
            if (d.value() <= 0) {
                throw error("input '" + in.name() + "' has a dynamic dimension " + (d.param().isEmpty() ? "" : "'" + d.param() + "' ")
                        + "at axis " + i + "; only the batch (axis 0) may be dynamic");
            }
            featureDims[i - 1] = d.value();
        }
        features();   // checks the product fits
        batch = dims.getFirst().value() > 0 ? dims.getFirst().value() : -1;
        return in;
    }

    /** The output's declared shape, when the file gives one, must be what the layers compute: [batch, outputs]. */
    private void checkDeclaredOutput(ValueInfo output, int outputs) throws OnnxFormatException {
        List<Dim> dims = output.shape();
        if (dims == null) {
            return;
        }
        long[] fixed = new long[dims.size()];
        String[] shown = new String[dims.size()];
        for (int i = 0; i < fixed.length; i++) {
            fixed[i] = dims.get(i).value();
            shown[i] = fixed[i] > 0 ? Long.toString(fixed[i]) : dims.get(i).param().isEmpty() ? "?" : dims.get(i).param();
        }
        if (fixed.length != 2 || fixed[1] > 0 && fixed[1] != outputs || fixed[0] > 0 && batch > 0 && fixed[0] != batch) {
            throw error("output '" + output.name() + "' is declared [" + String.join(", ", shown) + "] but the graph computes [batch, "
                    + outputs + "]");
        }
    }

    // ---- the nodes ----

    /** Dropout is the identity at inference: without a training_mode input, or with a constant false one. */
    private void dropout(Node node) throws IOException {
        if (node.input(2).isEmpty()) {
            return;
        }
        Constant mode = constant(node.input(2), node);
        if (mode == null || mode.count() != 1 || mode.floats(node.label())[0] != 0f) {
            throw error(node, "has training_mode " + (mode == null ? "computed at run time" : mode.count() != 1 ? "of " + mode.count() + " values" : "true")
                    + "; jvk imports inference graphs, where Dropout is the identity (training_mode absent or a constant false)");
        }
    }

    private void flatten(Node node) throws OnnxFormatException {
        long axis = attrInt(node, "axis", 1);
        int rank = featureDims.length + 1;
        if (axis < 0) {
            axis += rank;
        }
        if (axis != 1 && !(axis == 0 && batch == 1)) {   // at axis 0 a batch of 1 stays one row
            throw error(node, "has axis " + attrInt(node, "axis", 1) + " on a rank-" + rank + " value; jvk keeps one row per sample (axis 1)");
        }
        featureDims = new long[] {features()};
    }

    private void reshape(Node node, String v) throws IOException {
        if (!node.input(0).equals(v)) {
            throw error(node, "reshapes a constant by the data; jvk maps Reshape(data, constant shape)");
        }
        Constant c = constant(node.input(1), node);
        if (c == null) {
            throw error(node, "has a shape computed at run time ('" + node.input(1) + "'); jvk needs a constant shape");
        }
        long[] s = c.longs(node.label());
        boolean allowZero = attrInt(node, "allowzero", 0) != 0;
        long f = features();
        if (s.length == 2) {
            long rows = s[0] == 0 && !allowZero ? batch : s[0];
            long cols = s[1] == 0 && !allowZero ? featureDims[0] : s[1];
            boolean rowsOk = rows == -1 && (cols == f || (s[0] == 0 && !allowZero && cols == -1))
                    || rows == batch && rows > 0 && (cols == f || cols == -1)
                    || s[0] == 0 && !allowZero && (cols == f || cols == -1);
            if (rowsOk) {
                featureDims = new long[] {f};
                return;
            }
        }
        throw error(node, "reshapes [" + (batch < 0 ? "batch" : batch) + ", " + joined(featureDims) + "] to "
                + Arrays.toString(s) + "; jvk maps Reshape to [batch, " + f + "] only");
    }

    private void gemm(Node node, String v) throws IOException {
        requireRows(node);
        if (!node.input(0).equals(v) || attrInt(node, "transA", 0) != 0) {
            throw error(node, "takes the data as B or transposed (transA=1); jvk maps Gemm(x, W, b) with one sample per row");
        }
        boolean transB = attrInt(node, "transB", 0) != 0;
        float alpha = attrFloat(node, "alpha", 1f);
        float beta = attrFloat(node, "beta", 1f);
        QuantizedDense stored = transB && alpha == 1f ? storedQuantized(node, beta) : null;
        if (stored != null) {
            addLayer(stored);
            return;
        }
        Constant b = weight(node, node.input(1));
        long k = transB ? b.dims()[1] : b.dims()[0];
        long n = transB ? b.dims()[0] : b.dims()[1];
        checkInner(node, b, k, transB ? " (transB=1)" : "");
        b.checkCount(node.label());
        Dense dense = dense(node, (int) k, (int) n);
        float[] w = dense.weights();
        int in = (int) k;
        int out = (int) n;
        if (transB) {
            b.transposedInto(w, out, in, alpha, node.label());   // B is out x in (PyTorch's Linear.weight)
        } else {
            b.floatsInto(w, node.label());   // B is in x out, the layer's own layout: decoded in place
            if (alpha != 1f) {
                for (int i = 0; i < w.length; i++) {
                    w[i] *= alpha;
                }
            }
        }
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                long at = transB ? (long) (i % out) * in + i / out : i;   // the index in B as stored
                throw alpha == 1f ? nonFinite(node, b, at, w[i], "a weight")
                        : error(node, "makes " + b.what() + "[" + at + "] times alpha " + alpha + " a weight of " + w[i] + "; " + FINITE);
            }
        }
        if (!node.input(2).isEmpty()) {
            System.arraycopy(gemmBias(node, out, beta), 0, dense.bias(), 0, out);
        }
        addLayer(dense);
    }

    /** Gemm's {@code beta * C} as one bias per output (zeros without C). */
    private float[] gemmBias(Node node, int out, float beta) throws IOException {
        float[] bias = new float[out];
        if (node.input(2).isEmpty()) {
            return bias;
        }
        Constant c = constant(node.input(2), node);
        if (c == null) {
            throw error(node, "has a computed C ('" + node.input(2) + "'); jvk needs a constant bias");
        }
        requireFinite(node, c, "a bias");
        float[] values = perFeature(c, node, new long[] {out});
        for (int j = 0; j < out; j++) {
            bias[j] = beta * values[j];
            if (!Float.isFinite(bias[j])) {
                throw error(node, "has beta " + beta + ", which makes bias " + j + " " + bias[j] + "; " + FINITE);
            }
        }
        return bias;
    }

    /**
     * A {@code Gemm(x, W, C)} with {@code transB=1} and alpha 1 whose {@code W}, read by it alone, is weights stored as
     * jvk's quantized layers store them and its export writes them: int8 {@code [out, in]} through
     * {@code DequantizeLinear} (axis 0, one positive finite float scale per output unit, zero points 0), or bfloat16
     * through {@code Cast} to float. Becomes that {@link QuantizedDense}, holding the same bytes: the weights stay one or
     * two bytes each and the predictions are the quantized model's. Null for any other Gemm, whose weights are then
     * widened to float as ONNX defines.
     */
    private QuantizedDense storedQuantized(Node node, float beta) throws IOException {
        String w = node.input(1);
        Node p = producer.get(w);
        if (p == null || sole(w) != node) {
            return null;
        }
        Constant q = p.inputs().isEmpty() ? null : constant(p.input(0), p);
        if (q == null || q.tensor == null || q.dims().length != 2 || q.dims()[1] != features() || q.dims()[0] < 1) {
            return null;
        }
        q.checkCount(node.label());   // the claimed [out, in] fits an array and is backed by the file's bytes
        int out = (int) q.dims()[0];
        int in = (int) q.dims()[1];
        if (is(p, "DequantizeLinear") && q.tensor.dataType() == OnnxProto.INT8 && attrInt(p, "axis", 1) == 0
                && attrInt(p, "block_size", 0) == 0) {
            Constant s = constant(p.input(1), p);
            Constant z = p.input(2).isEmpty() ? null : constant(p.input(2), p);
            if (s == null || s.tensor == null || s.tensor.dataType() != OnnxProto.FLOAT || s.dims().length != 1 || s.count() != out
                    || !p.input(2).isEmpty() && (z == null || z.tensor == null || z.tensor.dataType() != OnnxProto.INT8
                    || z.count() != out)) {
                return null;
            }
            float[] scales = s.floats(p.label());
            float[] zeros = z == null ? new float[out] : z.floats(p.label());
            for (int j = 0; j < out; j++) {
                if (!(scales[j] > 0f && Float.isFinite(scales[j])) || zeros[j] != 0f) {
                    return null;
                }
            }
            float[] bias = gemmBias(node, out, beta);
            reserve(node, (long) in * out + 2L * Float.BYTES * out);
            used.add(p);
            return QuantizedDense.int8(in, out, data.int8s(q.tensor, p.label()), scales, bias);
        }
        if (isCast(p, OnnxProto.FLOAT) && q.tensor.dataType() == OnnxProto.BFLOAT16) {
            float[] bias = gemmBias(node, out, beta);
            reserve(node, 2L * in * out + (long) Float.BYTES * out);
            short[] weights = data.bfloat16s(q.tensor, p.label());
            for (int i = 0; i < weights.length; i++) {
                // bfloat16 keeps float's exponent: its infinities and NaNs are float's
                float value = Float.intBitsToFloat(weights[i] << 16);
                if (!Float.isFinite(value)) {
                    throw nonFinite(node, q, i, value, "a bf16 weight");
                }
            }
            used.add(p);
            return QuantizedDense.bf16(in, out, weights, bias);
        }
        return null;
    }

    private void matMul(Node node, String v) throws IOException {
        requireRows(node);
        if (!node.input(0).equals(v)) {
            throw error(node, "multiplies a constant by the data (W x); jvk maps MatMul(x, W) with one sample per row");
        }
        Constant b = weight(node, node.input(1));
        checkInner(node, b, b.dims()[0], "");
        b.checkCount(node.label());
        Dense dense = dense(node, (int) b.dims()[0], (int) b.dims()[1]);
        float[] w = dense.weights();
        b.floatsInto(w, node.label());   // [in, out], the layer's own layout
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw nonFinite(node, b, i, w[i], "a weight");
            }
        }
        addLayer(dense);
    }

    private void add(Node node, String v) throws IOException {
        Constant c = otherConstant(node, v);
        requireFinite(node, c, targetStd != null && targetMean == null ? "an output shift (a regressor's target mean)"
                : open != null ? "a bias" : "the input shift");
        if (targetStd != null && targetMean == null) {
            targetMean = perFeature(c, node, featureDims);
            return;
        }
        if (open != null) {
            float[] bias = perFeature(c, node, featureDims);
            float[] target = open.bias();
            for (int j = 0; j < target.length; j++) {
                target[j] += bias[j];
            }
            return;
        }
        if (!layers.isEmpty()) {
            throw error(node, "adds a constant after " + layers.getLast() + "; jvk maps Add as the bias right after a "
                    + "Gemm or MatMul, or as input scaling before the first layer");
        }
        if (scale != null) {
            throw error(node, "shifts the input after scaling it; jvk's input scaling is (x - shift) * scale");
        }
        float[] addend = perFeature(c, node, featureDims);
        shift = shift == null ? new float[addend.length] : shift;
        for (int i = 0; i < addend.length; i++) {
            shift[i] -= addend[i];
        }
    }

    private void scaling(Node node, String v) throws IOException {
        boolean dataFirst = node.input(0).equals(v);
        if (!layers.isEmpty() && (node.opType().equals("Mul") || node.opType().equals("Div") && dataFirst) && targetStd == null
                && (layers.getLast() instanceof Dense || layers.getLast() instanceof QuantizedDense)) {
            // the outputs of the last layer scaled, then perhaps shifted: jvk's mapping back of standardised targets, or
            // before a Softmax a temperature (logits / T), folded into the last layer there
            Constant c = otherConstant(node, v);
            requireFinite(node, c, "an output scale (a regressor's target deviation, or a temperature)");
            targetStd = perFeature(c, node, featureDims);
            if (node.opType().equals("Div")) {
                for (int j = 0; j < targetStd.length; j++) {
                    // y / d within half an ulp of y * (1 / d), as for the input scaling
                    targetStd[j] = reciprocal(node, c, targetStd, j, "the output scale");
                }
            }
            open = null;
            return;
        }
        if (!layers.isEmpty()) {
            throw error(node, "comes after " + layers.getLast() + "; jvk maps Sub, Mul and Div by constants only as "
                    + "input scaling before the first layer (and Div/Mul inside the GELU pattern)");
        }
        boolean sub = node.opType().equals("Sub");
        if ((sub || node.opType().equals("Div")) && !node.input(0).equals(v)) {
            throw error(node, "has the data as its second operand; jvk's input scaling is (x - shift) * scale");
        }
        Constant constant = otherConstant(node, v);
        requireFinite(node, constant, sub ? "the input shift" : "the input scale");
        float[] c = perFeature(constant, node, featureDims);
        if (sub) {
            if (scale != null) {
                throw error(node, "shifts the input after scaling it; jvk's input scaling is (x - shift) * scale");
            }
            shift = shift == null ? new float[c.length] : shift;
            for (int i = 0; i < c.length; i++) {
                shift[i] += c[i];
            }
            return;
        }
        if (scale != null) {
            throw error(node, "scales the input twice; jvk's input scaling is (x - shift) * scale");
        }
        scale = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            // x / d is within half an ulp of x * (1 / d); a Div-scaled graph is matched to that (Mul: bitwise)
            scale[i] = node.opType().equals("Div") ? reciprocal(node, constant, c, i, "the input scale") : c[i];
        }
    }

    /**
     * {@code Softmax(y * s + m)} after the last dense layer (a temperature, {@code logits / T}, or a calibration), or
     * {@code y * s + m} ending the graph with a scale that is no standard deviation (negative, zero): folded into that layer as weights {@code W s} and bias {@code b s + m}, which rounds each weight once where the
     * graph rounds each logit once: within the import's bound of ONNX Runtime's outputs.
     */
    private void foldLogitScaling(Node softmax) throws OnnxFormatException {
        if (!(layers.getLast() instanceof Dense dense)) {
            String why = "a Mul by constants after a quantized layer; jvk folds a scaling of the logits into float weights only";
            throw softmax == null ? error("the graph ends in " + why) : error(softmax, "follows " + why);
        }
        for (float f : targetStd) {
            if (!Float.isFinite(f)) {
                String what = "a Mul of the outputs by " + f + "; jvk folds only finite scales into the last layer";
                throw softmax == null ? error("the graph ends in " + what) : error(softmax, "follows " + what);
            }
        }
        float[] w = dense.weights();
        float[] b = dense.bias();
        int out = b.length;
        for (int i = 0; i < w.length; i++) {
            w[i] *= targetStd[i % out];
        }
        for (int j = 0; j < out; j++) {
            b[j] = b[j] * targetStd[j] + (targetMean == null ? 0f : targetMean[j]);
        }
        targetStd = null;
        targetMean = null;
    }

    /** Whether {@code y * targetStd + targetMean} is a standardisation jvk's model holds: positive finite scales, finite shifts. */
    private boolean standardisation() {
        for (int j = 0; j < targetStd.length; j++) {
            if (!(targetStd[j] > 0 && Float.isFinite(targetStd[j])) || targetMean != null && !Float.isFinite(targetMean[j])) {
                return false;
            }
        }
        return true;
    }

    /** {@code ai.onnx.ml.Scaler}: {@code (x - offset) * scale}, jvk's input scaling exactly; one value or one per feature. */
    private void scaler(Node node) throws OnnxFormatException {
        if (!layers.isEmpty() || shift != null || scale != null) {
            throw error(node, "is not the first step; jvk maps Scaler as the input scaling");
        }
        int f = (int) features();
        Attribute offset = attribute(node, "offset");
        Attribute factor = attribute(node, "scale");
        shift = spread(node, "offset", offset == null ? new float[] {0f} : offset.floats(), f);
        scale = spread(node, "scale", factor == null ? new float[] {1f} : factor.floats(), f);
    }

    private float[] spread(Node node, String name, float[] values, int f) throws OnnxFormatException {
        if (values.length != 1 && values.length != f) {
            throw error(node, "has " + values.length + " " + name + " values for " + f + " features (expected 1 or " + f + ")");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw error(node, "has " + name + "[" + i + "] = " + values[i] + "; " + FINITE);
            }
        }
        float[] out = new float[f];
        for (int i = 0; i < f; i++) {
            out[i] = values[values.length == 1 ? 0 : i];
        }
        return out;
    }

    private void activation(Activation a) throws OnnxFormatException {
        addLayer(new ActivationLayer(a, (int) features()));
    }

    /**
     * A value that feeds two nodes: the erf-GELU {@code x * 0.5 * (1 + erf(x / sqrt 2))} in the
     * orders exporters write it, or SiLU {@code x * sigmoid(x)}; or two or more: the tanh-GELU ({@link #geluTanh}).
     * Returns the value after it.
     */
    private String activationPattern(String v, List<Node> next) throws IOException {
        if (next.size() == 2) {
            for (int i = 0; i < 2; i++) {
                Node first = next.get(i);
                Node other = next.get(1 - i);
                String end = gelu(v, first, other);
                Activation found = Activation.GELU;
                if (end == null) {
                    end = silu(v, first, other);
                    found = Activation.SILU;
                }
                if (end != null) {
                    activation(found);
                    return end;
                }
            }
        }
        String end = geluTanh(v);
        if (end != null) {
            activation(Activation.GELU_TANH);
            return end;
        }
        String which = listed(next.stream().map(Node::label).toList());
        throw error("value '" + v + "' feeds " + next.size() + " nodes (" + which.substring(1, which.length() - 1) + "); jvk maps a chain of layers, "
                + "and the GELU (x * 0.5 * (1 + erf(x / sqrt 2))), tanh-GELU (" + TANH_GELU + ") and SiLU (x * sigmoid(x)) patterns");
    }

    /**
     * {@code Where(IsNaN(v), means, v)} with constant means on the graph's input: jvk's fill of missing values before
     * scaling, kept as the model's {@link ModelMetadata#missingValueMeans()}. Returns the filled value, or null when
     * {@code next} is not an IsNaN and a Where; any other use of the two is an error naming the Where.
     */
    private String missingFill(String v, List<Node> next) throws IOException {
        int i = is(next.get(0), "IsNaN") ? 0 : 1;
        Node isNan = next.get(i);
        Node where = next.get(1 - i);
        if (!is(isNan, "IsNaN") || !is(where, "Where")) {
            return null;
        }
        if (!layers.isEmpty() || shift != null || scale != null || missingMeans != null) {
            throw error(where, "fills NaNs after " + (layers.isEmpty() ? "the input scaling" : layers.getLast().toString())
                    + "; jvk fills missing values only on the graph's input, before scaling");
        }
        if (where.inputs().size() != 3 || !where.input(0).equals(onlyOutput(isNan)) || sole(onlyOutput(isNan)) != where
                || !where.input(2).equals(v) || where.input(1).equals(v)) {
            throw error(where, "is not Where(IsNaN(x), means, x); jvk maps IsNaN and Where only as that fill of missing values");
        }
        Constant c = constant(where.input(1), where);
        if (c == null) {
            throw error(where, "fills the NaNs of the input with the computed value '" + where.input(1)
                    + "'; jvk fills missing values with constant means");
        }
        float[] means = perFeature(c, where, featureDims);
        for (int j = 0; j < means.length; j++) {
            if (!Float.isFinite(means[j])) {
                throw error(where, "fills feature " + j + " with " + means[j] + "; a missing-value mean must be finite");
            }
        }
        used.add(isNan);
        used.add(where);
        missingMeans = means;
        return onlyOutput(where);
    }

    private String gelu(String v, Node first, Node other) throws IOException {
        boolean divided = is(first, "Div") && first.input(0).equals(v) && near(scalar(first, v), SQRT2);
        boolean multiplied = is(first, "Mul") && near(scalar(first, v), 1 / SQRT2);
        if (!divided && !multiplied) {
            return null;
        }
        Node erf = sole(onlyOutput(first));
        if (!is(erf, "Erf")) {
            return null;
        }
        Node plus = sole(onlyOutput(erf));
        if (!is(plus, "Add") || scalar(plus, onlyOutput(erf)) != 1.0) {
            return null;
        }
        String onePlus = onlyOutput(plus);
        List<Node> matched = new ArrayList<>(List.of(first, erf, plus, other));
        String end = null;
        if (is(other, "Mul") && takes(other, v, onePlus) && sole(onePlus) == other) {
            Node last = sole(onlyOutput(other));   // (x * (1 + erf)) * 0.5
            if (is(last, "Mul") && scalar(last, onlyOutput(other)) == 0.5) {
                matched.add(last);
                end = onlyOutput(last);
            }
        } else if (is(other, "Mul") && scalar(other, v) == 0.5) {
            Node last = sole(onlyOutput(other));   // (x * 0.5) * (1 + erf)
            if (is(last, "Mul") && takes(last, onlyOutput(other), onePlus) && sole(onePlus) == last) {
                matched.add(last);
                end = onlyOutput(last);
            }
        } else if (is(other, "Mul")) {
            Node half = sole(onePlus);             // x * ((1 + erf) * 0.5)
            if (is(half, "Mul") && scalar(half, onePlus) == 0.5 && takes(other, v, onlyOutput(half))
                    && sole(onlyOutput(half)) == other) {
                matched.add(half);
                end = onlyOutput(other);
            }
        }
        if (end != null) {
            used.addAll(matched);
        }
        return end;
    }

    private static final String TANH_GELU = "0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))";

    /**
     * GELU's tanh form as exporters spell it out: PyTorch before opset 20 ({@code x * (x * x)}, Mul by 0.044715, Add x,
     * Mul by sqrt(2/pi), Tanh, Add 1, Mul x, Mul 0.5), {@code Pow(x, 3)} (transformers' gelu_new, Keras through tf2onnx),
     * and every other order and association of the same steps. Rather than list the spellings, the nodes from
     * {@code v} on are evaluated symbolically, one whose inputs are all known at a time, as polynomials in x and
     * t = tanh(arg) ({@link GeluTanhTerms}), until the values read outside them narrow to one; that one must be
     * exactly {@code 0.5 x + 0.5 x t} with {@code arg = c x + c k x^3}, c = sqrt(2/pi) and k = 0.044715 as floats
     * hold them (within 1e-6 relative), every other coefficient exactly 0. Another constant (0.0447, 0.79788, 0.49) or
     * term is no tanh-GELU and nothing is matched. Returns the value after it, or null.
     */
    private String geluTanh(String v) throws IOException {
        Map<String, GeluTanhTerms> values = new LinkedHashMap<>();
        values.put(v, GeluTanhTerms.x());
        Set<Node> region = new LinkedHashSet<>();
        GeluTanhTerms argument = null;
        while (region.size() <= TANH_GELU_NODES) {
            List<String> open = new ArrayList<>();
            for (String value : values.keySet()) {
                boolean isOutput = graph.outputs().stream().anyMatch(o -> o.name().equals(value));
                if (isOutput || !region.containsAll(consumers.getOrDefault(value, List.of()))) {
                    open.add(value);
                }
            }
            if (open.size() == 1 && !open.getFirst().equals(v) && argument != null
                    && values.get(open.getFirst()).isGeluTanh() && argument.isGeluTanhArgument()) {
                used.addAll(region);
                return open.getFirst();
            }
            Node step = null;
            GeluTanhTerms result = null;
            for (int i = 0; i < open.size() && step == null; i++) {
                for (Node c : consumers.getOrDefault(open.get(i), List.of())) {
                    if (!region.contains(c) && TANH_GELU_OPS.contains(c.opType()) && c.outputs().size() == 1
                            && (result = evaluate(c, values)) != null) {
                        step = c;
                        break;
                    }
                }
            }
            if (step == null || (is(step, "Tanh") && argument != null)) {
                return null;
            }
            if (is(step, "Tanh")) {
                argument = values.get(step.input(0));
            }
            region.add(step);
            values.put(onlyOutput(step), result);
        }
        return null;
    }

    /** A tanh-GELU step's value from its inputs' (computed ones in {@code values}, others scalar constants), or null. */
    private GeluTanhTerms evaluate(Node node, Map<String, GeluTanhTerms> values) throws IOException {
        if (is(node, "Tanh")) {
            GeluTanhTerms a = node.inputs().size() == 1 ? values.get(node.input(0)) : null;
            return a == null || a.hasT() ? null : GeluTanhTerms.t();
        }
        if (node.inputs().size() != 2) {
            return null;
        }
        GeluTanhTerms a = values.get(node.input(0));
        GeluTanhTerms b = values.get(node.input(1));
        double ca = a == null ? scalarConstant(node.input(0), node) : Double.NaN;
        double cb = b == null ? scalarConstant(node.input(1), node) : Double.NaN;
        if (a == null && b == null || a == null && Double.isNaN(ca) || b == null && Double.isNaN(cb)) {
            return null;   // an input not computed yet, or neither a known value nor a scalar constant
        }
        GeluTanhTerms left = a != null ? a : GeluTanhTerms.constant(ca);
        GeluTanhTerms right = b != null ? b : GeluTanhTerms.constant(cb);
        return switch (node.opType()) {
            case "Add" -> left.plus(right, 1);
            case "Sub" -> left.plus(right, -1);
            case "Mul" -> left.times(right);
            case "Div" -> b == null && cb != 0 ? left.times(GeluTanhTerms.constant(1 / cb)) : null;
            case "Pow" -> b == null && (cb == 1 || cb == 2 || cb == 3) ? left.power((int) cb) : null;
            default -> null;
        };
    }

    /**
     * A value of the tanh-GELU sub-graph: {@code sum c[j][i] x^i t^j}, j at most 1 (t = the one Tanh's output), i below
     * {@link #DEGREES}; the coefficients in double from the graph's float constants.
     */
    private record GeluTanhTerms(double[][] c) {
        static final int DEGREES = 8;

        static GeluTanhTerms constant(double value) {
            double[][] c = new double[2][DEGREES];
            c[0][0] = value;
            return new GeluTanhTerms(c);
        }

        static GeluTanhTerms x() {
            double[][] c = new double[2][DEGREES];
            c[0][1] = 1;
            return new GeluTanhTerms(c);
        }

        static GeluTanhTerms t() {
            double[][] c = new double[2][DEGREES];
            c[1][0] = 1;
            return new GeluTanhTerms(c);
        }

        GeluTanhTerms plus(GeluTanhTerms o, double sign) {
            double[][] r = new double[2][DEGREES];
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < DEGREES; i++) {
                    r[j][i] = c[j][i] + sign * o.c[j][i];
                }
            }
            return new GeluTanhTerms(r);
        }

        /** The product, or null past t^1 or x^(DEGREES-1): no tanh-GELU computes such a term. */
        GeluTanhTerms times(GeluTanhTerms o) {
            double[][] r = new double[2][DEGREES];
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < DEGREES; i++) {
                    for (int k = 0; k < 2; k++) {
                        for (int l = 0; l < DEGREES; l++) {
                            if (c[j][i] != 0 && o.c[k][l] != 0) {
                                if (j + k > 1 || i + l >= DEGREES) {
                                    return null;
                                }
                                r[j + k][i + l] += c[j][i] * o.c[k][l];
                            }
                        }
                    }
                }
            }
            return new GeluTanhTerms(r);
        }

        /** {@code this^n}, n >= 1, or null as {@link #times}. */
        GeluTanhTerms power(int n) {
            GeluTanhTerms r = this;
            for (int i = 1; i < n && r != null; i++) {
                r = r.times(this);
            }
            return r;
        }

        boolean hasT() {
            for (double v : c[1]) {
                if (v != 0) {
                    return true;
                }
            }
            return false;
        }

        /** Exactly {@code 0.5 x + 0.5 x t}. */
        boolean isGeluTanh() {
            return only(new int[][] {{0, 1}, {1, 1}}, new double[] {0.5, 0.5});
        }

        /** Exactly {@code c x + c k x^3}. */
        boolean isGeluTanhArgument() {
            return only(new int[][] {{0, 1}, {0, 3}}, new double[] {SQRT_2_OVER_PI, SQRT_2_OVER_PI * GELU_CUBIC});
        }

        /** Whether the terms at {@code where} ({t degree, x degree}) are near {@code expected} and every other is 0. */
        private boolean only(int[][] where, double[] expected) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < DEGREES; i++) {
                    double want = 0;
                    for (int w = 0; w < where.length; w++) {
                        if (where[w][0] == j && where[w][1] == i) {
                            want = expected[w];
                        }
                    }
                    if (want == 0 ? c[j][i] != 0 : !near(c[j][i], want)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private static final String INT8_DYNAMIC = "jvk's int8-dynamic layer as its export writes it (Abs, ReduceMax over axis 1, "
            + "Div by 127, Max with the smallest float, Div of the input, Clip to [-127, 127], Round, Gemm with int8 weights "
            + "cast to float and transB=1, the sums and the row scale cast to double, Mul by double scales, Mul, Cast to float, "
            + "Add of the bias)";

    /**
     * jvk's int8-dynamic layer ({@code OnnxExport.dynamicLayer}): each input row quantized with its own scale
     * {@code t = max(max|x| / 127, MIN_VALUE)} to {@code rint(clamp(x / t, -127, 127))}, the integer sums with the int8
     * weights, {@code (float) (sum * (t * s_j))} in double, plus the bias. Matched back into a {@link QuantizedDense}
     * of format {@code INT8_DYNAMIC} holding the same bytes, scales and bias, so the import predicts bitwise what the
     * exported model did. Every node and constant must be the export's: a near miss (another divisor or clip bound, a
     * scale that is no float) quantizes otherwise, and is an error naming the node where the graph departs.
     * Returns the value after the bias.
     */
    private String int8Dynamic(String v, List<Node> next) throws IOException {
        Node abs = is(next.get(0), "Abs") ? next.get(0) : next.get(1);
        Node divide = next.get(0) == abs ? next.get(1) : next.get(0);
        requireRows(abs);
        List<Node> matched = new ArrayList<>(List.of(abs));
        Node reduce = follow(abs, "ReduceMax", matched);
        String absMax = onlyOutput(reduce);
        String axesInput = reduce.input(1);
        long[] axes = axesInput.isEmpty() ? (attribute(reduce, "axes") == null ? null : attribute(reduce, "axes").ints())
                : constant(axesInput, reduce) == null ? null : constant(axesInput, reduce).longs(reduce.label());
        if (axes == null || axes.length != 1 || (axes[0] != 1 && axes[0] != -1) || attrInt(reduce, "keepdims", 1) != 1) {
            throw departs(reduce, "the maximum over axis 1, keepdims=1");
        }
        Node quotient = follow(reduce, "Div", matched);
        if (!quotient.input(0).equals(absMax) || scalar(quotient, absMax) != 127) {
            throw departs(quotient, "Div by 127");
        }
        Node max = follow(quotient, "Max", matched);
        if (scalar(max, onlyOutput(quotient)) != Float.MIN_VALUE) {
            throw departs(max, "Max with the smallest float, 1.4e-45");
        }
        String t = onlyOutput(max);
        List<Node> rowScaleUsers = consumers.getOrDefault(t, List.of());
        Node rowScaleCast = rowScaleUsers.size() == 2 && rowScaleUsers.contains(divide)
                ? rowScaleUsers.get(rowScaleUsers.get(0) == divide ? 1 : 0) : null;
        if (!is(divide, "Div") || divide.inputs().size() != 2 || !divide.input(0).equals(v) || !divide.input(1).equals(t)
                || !isCast(rowScaleCast, OnnxProto.DOUBLE)) {
            throw departs(max, "its output read by Div(input, scale) and a Cast to double, nothing else");
        }
        matched.add(divide);
        matched.add(rowScaleCast);
        Node clip = follow(divide, "Clip", matched);
        if (clip.inputs().size() != 3 || !clip.input(0).equals(onlyOutput(divide)) || scalarConstant(clip.input(1), clip) != -127
                || scalarConstant(clip.input(2), clip) != 127) {
            throw departs(clip, "Clip to [-127, 127] by constant inputs");
        }
        Node round = follow(clip, "Round", matched);
        Node gemm = follow(round, "Gemm", matched);
        if (!gemm.input(0).equals(onlyOutput(round)) || gemm.inputs().size() > 3 || !gemm.input(2).isEmpty()
                || attrInt(gemm, "transA", 0) != 0 || attrInt(gemm, "transB", 0) != 1 || attrFloat(gemm, "alpha", 1f) != 1f) {
            throw departs(gemm, "Gemm(quantized input, weights) with transB=1, alpha 1 and no C");
        }
        Constant w = constant(gemm.input(1), gemm);
        if (w == null || w.tensor == null || w.tensor.dataType() != OnnxProto.INT8 || w.dims().length != 2 || w.dims()[0] < 1) {
            throw departs(gemm, "weights that are a 2-D int8 initializer cast to float");
        }
        int in = (int) features();
        checkInner(gemm, w, w.dims()[1], " (transB=1)");
        w.checkCount(gemm.label());   // the claimed [out, in] fits an array and is backed by the file's bytes
        int out = (int) w.dims()[0];
        Node sumsCast = follow(gemm, "Cast", matched);
        if (!isCast(sumsCast, OnnxProto.DOUBLE)) {
            throw departs(sumsCast, "Cast of the sums to double");
        }
        Node scales = follow(rowScaleCast, "Mul", matched);
        String rowScale = onlyOutput(rowScaleCast);
        Constant s = scales.inputs().size() == 2 && !scales.input(0).equals(scales.input(1))
                ? otherConstant(scales, rowScale) : null;
        if (s == null || s.tensor == null || s.tensor.dataType() != OnnxProto.DOUBLE || s.count() != out
                || !perFeatureShape(s, out)) {
            throw departs(scales, "Mul of the row scale by " + out + " double scales, one per output");
        }
        Node product = follow(sumsCast, "Mul", matched);
        if (!takes(product, onlyOutput(sumsCast), onlyOutput(scales)) || sole(onlyOutput(scales)) != product) {
            throw departs(product, "Mul of the sums by the scales");
        }
        Node toFloat = follow(product, "Cast", matched);
        if (!isCast(toFloat, OnnxProto.FLOAT)) {
            throw departs(toFloat, "Cast of the product to float");
        }
        Node addBias = follow(toFloat, "Add", matched);
        featureDims = new long[] {out};
        Constant biasConstant = otherConstant(addBias, onlyOutput(toFloat));
        requireFinite(addBias, biasConstant, "a bias");
        float[] bias = perFeature(biasConstant, addBias, featureDims);
        double[] scaleValues = data.doubles(s.tensor, scales.label());
        float[] unitScales = new float[out];
        for (int j = 0; j < out; j++) {
            unitScales[j] = (float) scaleValues[j];
            if (unitScales[j] != scaleValues[j] || !(unitScales[j] > 0f) || !Float.isFinite(unitScales[j])) {
                throw error(scales, "has scale " + scaleValues[j] + " for output " + j + "; jvk's int8 scales are positive "
                        + "finite floats (the double the export writes holds one exactly)");
            }
        }
        reserve(gemm, (long) in * out + 2L * Float.BYTES * out);
        byte[] q = data.int8s(w.tensor, gemm.label());
        for (int i = 0; i < q.length; i++) {
            if (q[i] == Byte.MIN_VALUE) {
                throw error(gemm, "has the int8 weight -128 at " + i + "; jvk's int8 weights are symmetric, in [-127, 127]");
            }
        }
        used.addAll(matched);
        addLayer(QuantizedDense.int8Dynamic(in, out, q, unitScales, bias));
        return onlyOutput(addBias);
    }

    /** The one node reading {@code from}'s output, which must be {@code op}; added to {@code matched}. */
    private Node follow(Node from, String op, List<Node> matched) throws OnnxFormatException {
        Node node = sole(onlyOutput(from));
        if (!is(node, op)) {
            throw departs(from, "its output read by one " + op + " and nothing else");
        }
        matched.add(node);
        return node;
    }

    private OnnxFormatException departs(Node node, String expected) {
        return error(node, "departs from " + INT8_DYNAMIC + ": expected " + expected + "; jvk maps Abs, ReduceMax, Max, Clip "
                + "and Round only as that layer");
    }

    private boolean isCast(Node node, int to) throws OnnxFormatException {
        return is(node, "Cast") && attrInt(node, "to", 0) == to;
    }

    /** The value of a one-element constant, or NaN when {@code name} is computed or holds more. */
    private double scalarConstant(String name, Node user) throws IOException {
        Constant c = name.isEmpty() ? null : constant(name, user);
        return c == null || c.count() != 1 ? Double.NaN : c.floats(user.label())[0];
    }

    /** Whether a constant of {@code count} values is shaped {@code [count]} or {@code [1, count]}: one per output. */
    private static boolean perFeatureShape(Constant c, int count) {
        long[] d = c.dims();
        return d.length == 1 && d[0] == count || d.length == 2 && d[0] == 1 && d[1] == count;
    }

    private String silu(String v, Node first, Node other) throws OnnxFormatException {
        if (is(first, "Sigmoid") && is(other, "Mul") && takes(other, v, onlyOutput(first)) && sole(onlyOutput(first)) == other) {
            used.add(first);
            used.add(other);
            return onlyOutput(other);
        }
        return null;
    }

    // ---- helpers ----

    /**
     * Refuses a NaN or infinity in {@code c} where it becomes {@code role}: a layer's weight or bias, the input scaling, the
     * mapping of the outputs. Such a model predicts NaN or infinity for every row and jvk refuses to save it, so it is
     * refused here, before it could be used. Constants that fold into a pattern or may be infinite (Clip's and the GELU's,
     * int8-dynamic's, the missing-value fill's IsNaN) are not read through this.
     */
    private void requireFinite(Node node, Constant c, String role) throws IOException {
        float[] values = c.floats(node.label());
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw nonFinite(node, c, i, values[i], role);
            }
        }
    }

    private OnnxFormatException nonFinite(Node node, Constant c, long index, float value, String role) {
        return error(node, "reads " + c.what() + "[" + index + "] = " + value + " as " + role + "; " + FINITE);
    }

    private static final String FINITE = "jvk imports finite weights, biases, scaling and output mappings only "
            + "(the model would predict NaN or infinity for every row)";

    /** The scale {@code 1 / c[i]} of a Div by {@code c}, refused when it is not finite (a divisor of 0 or a subnormal). */
    private float reciprocal(Node node, Constant c, float[] values, int i, String role) throws OnnxFormatException {
        float r = 1f / values[i];
        if (!Float.isFinite(r)) {
            throw error(node, "divides by " + c.what() + "[" + i + "] = " + values[i] + ", which makes " + role + " " + r + "; " + FINITE);
        }
        return r;
    }

    private void addLayer(Layer layer) {
        layers.add(layer);
        featureDims = new long[] {layer.outputSize()};
        open = layer instanceof Dense d ? d : null;
    }

    private Dense dense(Node node, int in, int out) throws OnnxFormatException {
        // an imported Dense holds its weights alone (gradients come with training)
        reserve(node, ((long) in * out + out) * Float.BYTES);
        return new Dense(in, out);
    }

    /** Counts a layer's {@code bytes} of weights against the heap before they are allocated. */
    private void reserve(Node node, long bytes) throws OnnxFormatException {
        weightBytes += bytes;
        long heap = Runtime.getRuntime().maxMemory();
        if (weightBytes > heap) {
            throw error(node, "brings the model to " + (weightBytes >> 20) + " MB of weights, "
                    + "more than the heap's " + (heap >> 20) + " MB (raise -Xmx)");
        }
    }

    private Constant weight(Node node, String name) throws IOException {
        Constant b = constant(name, node);
        if (b == null) {
            throw error(node, "multiplies by a computed value ('" + name + "'); jvk needs constant weights");
        }
        if (b.dims().length != 2 || b.dims()[0] < 1 || b.dims()[1] < 1) {
            throw error(node, "has weights of shape " + Arrays.toString(b.dims()) + "; jvk maps a 2-D weight matrix");
        }
        return b;
    }

    private void checkInner(Node node, Constant b, long k, String how) throws OnnxFormatException {
        if (k != features()) {
            throw error(node, "has weights " + Arrays.toString(b.dims()) + how + " for " + k + " inputs, the data has "
                    + features() + " features");
        }
    }

    private void requireRows(Node node) throws OnnxFormatException {
        if (featureDims.length != 1) {
            throw error(node, "gets a rank-" + (featureDims.length + 1) + " value [batch, " + joined(featureDims)
                    + "]; jvk's layers take [batch, features] (Flatten first)");
        }
    }

    private long features() throws OnnxFormatException {
        long f = 1;
        for (long d : featureDims) {
            f = Math.multiplyHigh(f, d) != 0 || f * d > TensorData.MAX_ELEMENTS ? Long.MAX_VALUE : f * d;
        }
        if (f > TensorData.MAX_ELEMENTS) {
            throw error("[" + joined(featureDims) + "] features per sample are more than a Java array holds");
        }
        return f;
    }

    /** The constant operand of a binary node whose other operand is {@code v}. */
    private Constant otherConstant(Node node, String v) throws IOException {
        if (node.inputs().size() != 2 || node.input(0).equals(node.input(1))) {
            throw error(node, "does not combine the data with one constant");
        }
        String other = node.input(0).equals(v) ? node.input(1) : node.input(0);
        Constant c = constant(other, node);
        if (c == null) {
            throw error(node, "combines two computed values ('" + node.input(0) + "', '" + node.input(1)
                    + "'); jvk maps element-wise ops with a constant operand");
        }
        return c;
    }

    /**
     * A constant broadcast (numpy rules) against {@code [batch, dims...]} and flattened to one value
     * per feature; it may not vary along the batch.
     */
    private float[] perFeature(Constant c, Node node, long[] dims) throws IOException {
        long[] cd = c.dims();
        int rank = dims.length + 1;
        boolean fits = cd.length <= rank;
        for (int i = 0; fits && i < cd.length; i++) {
            int axis = rank - cd.length + i;   // right-aligned
            long target = axis == 0 ? 1 : dims[axis - 1];
            fits = cd[i] == 1 || cd[i] == target;
        }
        if (!fits) {
            throw error(node, "has a constant of shape " + Arrays.toString(cd) + " that does not broadcast to one value per "
                    + "feature of [batch, " + joined(dims) + "]");
        }
        float[] values = c.floats(node.label());
        long f = 1;
        for (long d : dims) {
            f *= d;
        }
        float[] out = new float[(int) f];
        long[] strides = new long[dims.length];   // the constant's stride along each feature axis (0 when broadcast)
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            int ci = cd.length - (dims.length - i);
            if (ci >= 0 && cd[ci] != 1) {
                strides[i] = stride;
                stride *= cd[ci];
            } else if (ci >= 0) {
                strides[i] = 0;
            }
        }
        long[] index = new long[dims.length];
        for (int j = 0; j < out.length; j++) {
            long at = 0;
            for (int i = 0; i < dims.length; i++) {
                at += index[i] * strides[i];
            }
            out[j] = values[(int) at];
            for (int i = dims.length - 1; i >= 0 && ++index[i] == dims[i]; i--) {
                index[i] = 0;
            }
        }
        return out;
    }

    /** The scalar constant that {@code node} combines with {@code v}, or NaN when there is none. */
    private double scalar(Node node, String v) throws IOException {
        if (node.inputs().size() != 2 || !(node.input(0).equals(v) || node.input(1).equals(v))) {
            return Double.NaN;
        }
        String other = node.input(0).equals(v) ? node.input(1) : node.input(0);
        Constant c = constant(other, node);
        if (c == null || c.count() != 1) {
            return Double.NaN;
        }
        return c.floats(node.label())[0];
    }

    private static boolean near(double value, double expected) {
        return Math.abs(value - expected) <= 1e-6 * expected;
    }

    private static boolean is(Node node, String op) {
        return node != null && node.opType().equals(op);
    }

    private static boolean takes(Node node, String a, String b) {
        return node.inputs().size() == 2 && (node.input(0).equals(a) && node.input(1).equals(b)
                || node.input(0).equals(b) && node.input(1).equals(a));
    }

    /** The one node reading {@code value} when nothing else (no other node, not the graph's output) does. */
    private Node sole(String value) {
        List<Node> c = consumers.getOrDefault(value, List.of());
        boolean isOutput = graph.outputs().stream().anyMatch(o -> o.name().equals(value));
        return c.size() == 1 && !isOutput ? c.getFirst() : null;
    }

    private String onlyOutput(Node node) throws OnnxFormatException {
        if (node.outputs().isEmpty() || node.outputs().getFirst().isEmpty()) {
            throw error(node, "has no output");
        }
        for (int i = 1; i < node.outputs().size(); i++) {
            String extra = node.outputs().get(i);
            boolean isOutput = graph.outputs().stream().anyMatch(o -> o.name().equals(extra));
            if (!extra.isEmpty() && (!consumers.getOrDefault(extra, List.of()).isEmpty() || isOutput)) {
                throw error(node, "has its output '" + extra + "' used; jvk maps only the first output");
            }
        }
        return node.outputs().getFirst();
    }

    /** More nodes between a constant and its user than any exporter writes (PyTorch: Constant, then Cast or Identity). */
    static final int MAX_CONSTANT_STEPS = 64;

    /** The constant named {@code name} (initializer, Constant node, or Cast/Identity of one), or null for a computed value. */
    private Constant constant(String name, Node user) throws IOException {
        Constant known = constants.get(name);
        if (known != null) {
            return known;
        }
        Tensor t = graph.initializers().get(name);
        Constant c = null;
        if (t != null) {
            c = new Constant(t.dims(), t, null, null);
        } else {
            Node p = producer.get(name);
            if (p == null) {
                return null;
            }
            if (!resolving.add(name)) {
                throw error(p, "is on a cycle of constants");
            }
            if (resolving.size() > MAX_CONSTANT_STEPS) {
                // each step is a recursion: a file's chain of ten thousand Identity nodes would overflow the stack
                throw error(p, "is more than " + MAX_CONSTANT_STEPS + " nodes (Identity, Cast, DequantizeLinear) up the chain that "
                        + "computes a constant; jvk folds chains of up to " + MAX_CONSTANT_STEPS);
            }
            try {
                c = switch (p.opType()) {
                    case "Constant" -> constantNode(p);
                    case "Identity" -> constant(p.input(0), p);
                    case "Cast" -> attrInt(p, "to", 0) == OnnxProto.FLOAT || attrInt(p, "to", 0) == OnnxProto.INT64
                            ? constant(p.input(0), p) : null;
                    case "DequantizeLinear" -> dequantized(p);
                    default -> null;
                };
            } finally {
                resolving.remove(name);
            }
            if (c == null) {
                return null;
            }
            used.add(p);
        }
        if (c.name == null) {
            // Identity and Cast pass their input's constant on: it keeps the initializer's name
            c.name = name;
        }
        constants.put(name, c);
        return c;
    }

    /**
     * {@code DequantizeLinear} of constants, {@code (q - zero_point) * scale} with one scale for the tensor or
     * one per index along {@code axis}: weights stored in int8 or uint8 (as jvk exports its int8 layers),
     * widened to float once, in the float operations ONNX defines. Null when an operand is computed at run time.
     */
    private Constant dequantized(Node p) throws IOException {
        Constant q = constant(p.input(0), p);
        Constant s = constant(p.input(1), p);
        Constant z = p.input(2).isEmpty() ? null : constant(p.input(2), p);
        if (q == null || s == null || z == null && !p.input(2).isEmpty()) {
            return null;
        }
        if (attrInt(p, "block_size", 0) != 0) {
            throw error(p, "has block_size " + attrInt(p, "block_size", 0) + "; jvk reads one scale per tensor or per axis");
        }
        long[] dims = q.dims();
        int rank = dims.length;
        long axis = attrInt(p, "axis", 1);
        axis = axis < 0 ? axis + rank : axis;
        // a one-element 1-D scale ([1]) is per-tensor too: quantizers write it so, and ONNX Runtime runs it as such
        long groups = s.count() == 1 && s.dims().length <= 1 ? 1 : rank > 0 && axis >= 0 && axis < rank ? dims[(int) axis] : -1;
        if (s.count() != groups || z != null && z.count() != groups) {
            throw error(p, "has " + s.count() + " scales" + (z == null ? "" : " and " + z.count() + " zero points") + " for a "
                    + Arrays.toString(dims) + " tensor at axis " + attrInt(p, "axis", 1) + "; jvk reads one per tensor or one per index along the axis");
        }
        float[] values = q.tensor != null ? q.floats(p.label()) : q.floats(p.label()).clone();   // an attribute's list is shared
        float[] scale = s.floats(p.label());
        float[] zero = z == null ? new float[(int) groups] : z.floats(p.label());
        long inner = 1;
        for (int d = (int) axis + 1; groups > 1 && d < rank; d++) {
            inner *= dims[d];
        }
        for (int i = 0; i < values.length; i++) {
            int k = groups == 1 ? 0 : (int) ((i / inner) % groups);
            values[i] = (values[i] - zero[k]) * scale[k];
        }
        return new Constant(dims, null, values, null);
    }

    private Constant constantNode(Node p) throws OnnxFormatException {
        for (Attribute a : p.attributes().values()) {
            switch (a.name()) {
                case "value" -> {
                    if (a.t() == null) {
                        throw error(p, "has no tensor in its 'value'");
                    }
                    return new Constant(a.t().dims(), a.t(), null, null);
                }
                case "value_float" -> {
                    return new Constant(new long[0], null, new float[] {a.f()}, null);
                }
                case "value_floats" -> {
                    return new Constant(new long[] {a.floats().length}, null, a.floats(), null);
                }
                case "value_int" -> {
                    return new Constant(new long[0], null, null, new long[] {a.i()});
                }
                case "value_ints" -> {
                    return new Constant(new long[] {a.ints().length}, null, null, a.ints());
                }
                default -> { }
            }
        }
        throw error(p, "has none of value, value_float(s), value_int(s); jvk reads those");
    }

    /** A constant's shape and where its values are: a tensor (decoded when asked) or an attribute's list. */
    private final class Constant {
        private final long[] dims;
        private final Tensor tensor;
        private final float[] floats;
        private final long[] longs;
        private String name;   // the value it was first resolved as: an initializer's name, or a node's output

        Constant(long[] dims, Tensor tensor, float[] floats, long[] longs) {
            this.dims = dims;
            this.tensor = tensor;
            this.floats = floats;
            this.longs = longs;
        }

        long[] dims() {
            return dims;
        }

        /** How an error names it: {@code initializer 'fc1.weight'}, or {@code constant 'x'} for a node's output. */
        String what() {
            return (graph.initializers().containsKey(name) ? "initializer '" : "constant '") + name + "'";
        }

        long count() {
            long n = 1;
            for (long d : dims) {
                n = d == 0 ? 0 : (Long.MAX_VALUE / d < n ? Long.MAX_VALUE : n * d);
            }
            return n;
        }

        /** Checks the claimed element count against the bytes, the largest array and the heap, before a layer is allocated for it. */
        void checkCount(String user) throws IOException {
            if (tensor != null) {
                data.backed(tensor, user);
            }
        }

        void floatsInto(float[] into, String user) throws IOException {
            if (tensor != null) {
                data.floats(tensor, user, into);
            } else {
                float[] f = floats(user);
                System.arraycopy(f, 0, into, 0, into.length);
            }
        }

        /** The {@code rows x cols} constant transposed into {@code into}, times {@code alpha}. */
        void transposedInto(float[] into, int rows, int cols, float alpha, String user) throws IOException {
            if (tensor != null) {
                data.floatsTransposed(tensor, user, into, rows, cols, alpha);
            } else {
                TensorData.transpose(FloatBuffer.wrap(floats(user)), into, rows, cols, alpha);
            }
        }

        float[] floats(String user) throws IOException {
            if (tensor != null) {
                return data.floats(tensor, user);
            }
            if (floats != null) {
                return floats;
            }
            float[] f = new float[longs.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = longs[i];
            }
            return f;
        }

        long[] longs(String user) throws IOException {
            if (tensor != null) {
                return data.longs(tensor, user);
            }
            if (longs == null) {
                throw new OnnxFormatException(file + ": " + user + " needs integers, the constant holds floats");
            }
            return longs;
        }
    }

    private FeatureScaling.Kind scalingKind() {
        String kind = model.metadata().getOrDefault("jvk.scaling", "");
        for (FeatureScaling.Kind k : FeatureScaling.Kind.values()) {
            if (k != FeatureScaling.Kind.NONE && k.cliName().equals(kind)) {
                return k;
            }
        }
        return FeatureScaling.Kind.STANDARD;
    }

    private static Attribute attribute(Node node, String name) {
        return node.attributes().get(name);
    }

    private long attrInt(Node node, String name, long otherwise) throws OnnxFormatException {
        Attribute a = attribute(node, name);
        if (a == null) {
            return otherwise;
        }
        if (a.type() != OnnxProto.ATTR_INT && a.type() != 0) {
            throw error(node, "has attribute " + name + " of type " + a.type() + ", expected an int");
        }
        return a.i();
    }

    private float attrFloat(Node node, String name, float otherwise) throws OnnxFormatException {
        Attribute a = attribute(node, name);
        if (a == null) {
            return otherwise;
        }
        if (a.type() != OnnxProto.ATTR_FLOAT && a.type() != 0) {
            throw error(node, "has attribute " + name + " of type " + a.type() + ", expected a float");
        }
        return a.f();
    }

    private static String names(List<ValueInfo> values) {
        return listed(values.stream().map(v -> "'" + v.name() + "'").toList());
    }

    /** {@code [a, b, ...]} of at most 8 items, then how many there are in all: a file's lists are as long as it likes. */
    private static String listed(List<String> items) {
        int shown = 8;
        if (items.size() <= shown) {
            return items.toString();
        }
        String head = items.subList(0, shown).toString();
        return head.substring(0, head.length() - 1) + ", ... (" + items.size() + " in all)]";
    }

    private static String joined(long[] dims) {
        StringBuilder s = new StringBuilder();
        for (long d : dims) {
            s.append(s.isEmpty() ? "" : ", ").append(d);
        }
        return s.toString();
    }

    private OnnxFormatException error(Node node, String what) {
        return error(node.label() + " " + what);
    }

    private OnnxFormatException error(String what) {
        return new OnnxFormatException(file + ": " + what);
    }
}
