package dev.jvk.nn.onnx;

import dev.jvk.nn.AtomicFiles;
import dev.jvk.nn.Huber;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.data.DataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An MLP read from an ONNX file, with what the file says about it; and the way to write one.
 *
 * <pre>{@code
 * Mlp mlp = OnnxModel.importMlp(Path.of("model.onnx"));     // from PyTorch, Keras (tf2onnx), skl2onnx
 * float[] scores = mlp.predict(x, rows);
 * OnnxModel.export(mlp, Path.of("jvk.onnx"));                 // runs in ONNX Runtime, opset 17
 * }</pre>
 *
 * <p>What imports, and the errors for the rest: {@code docs/onnx.md}.
 *
 * @param mlp              the model, ready to predict
 * @param classNames       the class names: the labels of the graph's label or probability-map output (skl2onnx's
 *                         ArrayFeatureExtractor constant, ZipMap's {@code classlabels_*}), else the {@code class_names}
 *                         metadata entry (a JSON array of strings, as {@link #export} writes it), or empty when the file
 *                         has neither; when both exist they must agree
 * @param metadata         the model's {@code metadata_props}
 * @param producer         the tool that wrote the file, with its version
 * @param opset            the default-domain operator set the graph was read at
 * @param logProbabilities whether the graph ends in {@code LogSoftmax}: {@link Mlp#predict} then gives
 *                         the probabilities, the exponentials of the graph's outputs
 */
public record OnnxModel(Mlp mlp, List<String> classNames, Map<String, String> metadata, String producer, int opset,
                        boolean logProbabilities) {
    /** The metadata key under which class names are stored, as a JSON array of strings. */
    public static final String CLASS_NAMES = "class_names";
    // what else a jvk model file holds, so that an exported model imports back as the model it was
    static final String LOSS = "jvk.loss";
    static final String HUBER_DELTA = "jvk.huber_delta";
    static final String TASK = "jvk.task";
    static final String SCALING = "jvk.scaling";
    static final String FEATURE_NAMES = "jvk.feature_names";
    static final String TARGET_NAMES = "jvk.target_names";
    static final String LABEL_COLUMN = "jvk.label_column";

    private static final byte[] JVK_MAGIC = {(byte) 0x89, 'J', 'V', 'K', 'M', 'L', 'P', '\n'};

    /** The record's lists and map are copied and unmodifiable. */
    public OnnxModel {
        Objects.requireNonNull(mlp, "mlp");
        classNames = List.copyOf(classNames);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Reads an ONNX model file and matches its graph onto jvk's layers. The file is mapped, not
     * copied; each weight is decoded once into its layer, after its length has been checked against
     * the bytes that carry it. External data is read only from files in the model's folder.
     *
     * @throws OnnxFormatException when the file is not a well-formed ONNX model, claims more than its
     *                             bytes hold, or has a graph jvk does not map (the message names the node and operator)
     * @throws IOException         when the file cannot be read
     */
    public static OnnxModel read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * {@link #read(Path)}, with the task the graph's outputs are for when the file does not say it by a final softmax.
     * Most PyTorch classifiers are exported without their softmax ({@code CrossEntropyLoss} takes the logits): with
     * {@code task} {@link ModelMetadata#CLASSIFICATION} such a graph imports as a classifier whose {@link Mlp#predict}
     * gives the softmax of the graph's outputs (jvk's softmax kernel, as after a {@code Softmax} node; the argmax is the
     * logits'), with the {@code class_names} of the file, if any. A graph that already ends in {@code Softmax} or
     * {@code LogSoftmax} is a classifier as it is: the task changes nothing there. With {@link ModelMetadata#REGRESSION}
     * the outputs are values (the loss {@code jvk.loss} names, else MSE).
     *
     * @param task {@code "classification"}, {@code "regression"}, or null for what the file says ({@link #read(Path)})
     * @throws IllegalArgumentException when {@code task} is another string
     * @throws OnnxFormatException      as {@link #read(Path)}; also for classification when the graph has one output
     *                                  (its softmax would be 1 on every row) or the file's {@code jvk.task} says regression,
     *                                  and for regression when the graph ends in a softmax
     */
    public static OnnxModel read(Path file, String task) throws IOException {
        Objects.requireNonNull(file, "file");
        if (task != null && !task.equals(ModelMetadata.CLASSIFICATION) && !task.equals(ModelMetadata.REGRESSION)) {
            throw new IllegalArgumentException("task must be " + ModelMetadata.CLASSIFICATION + ", " + ModelMetadata.REGRESSION
                    + " or null, got '" + task + "'");
        }
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new java.nio.file.NoSuchFileException(name);
            }
            throw new OnnxFormatException(name + ": not a regular file");
        }
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE) {
            throw new OnnxFormatException(name + ": " + size + " bytes; an ONNX file holds at most 2 GB (protobuf's limit), "
                    + "larger weights go in external data");
        }
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        return read(bytes, file, task);
    }

    /**
     * {@link #read(Path, String)} of the file's bytes as mapped. A mapped file that another program truncates while it is
     * read faults on the pages past its new end: the JVM throws an {@link InternalError} from the read (SIGBUS), which is
     * turned here into the reader's error naming the file that shrank (the model or its external data).
     */
    static OnnxModel read(ByteBuffer bytes, Path file, String task) throws IOException {
        String name = file.toString();
        TensorData tensors = new TensorData(file.toAbsolutePath().getParent(), name);
        try {
            return decode(bytes, file, name, task, tensors);
        } catch (InternalError e) {
            String shrunk = shrunk(file, bytes.capacity());
            if (shrunk != null) {
                shrunk = name + ": the file " + shrunk;
            } else if (tensors.shrunk() != null) {
                shrunk = name + ": its external data " + tensors.shrunk();
            }
            if (shrunk == null) {
                throw e;   // not a mapped file cut short: a fault of the JVM's own, kept as it is
            }
            OnnxFormatException error = new OnnxFormatException(shrunk + " while jvk read it (truncated or rewritten by "
                    + "another program?); read it again once it is written whole");
            error.initCause(e);
            throw error;
        }
    }

    /** "shrank from N to M bytes" when {@code file} holds fewer than the {@code mapped} bytes mapped from it, else null. */
    static String shrunk(Path file, long mapped) {
        long now;
        try {
            now = Files.size(file);
        } catch (IOException e) {
            return "was removed";
        }
        return now < mapped ? "shrank from " + mapped + " to " + now + " bytes" : null;
    }

    private static OnnxModel decode(ByteBuffer bytes, Path file, String name, String task, TensorData tensors) throws IOException {
        long size = bytes.capacity();
        if (size >= JVK_MAGIC.length && bytes.slice(0, JVK_MAGIC.length).equals(ByteBuffer.wrap(JVK_MAGIC))) {
            throw new OnnxFormatException(name + ": a jvk model file, not ONNX (load it with Mlp.load)");
        }
        OnnxProto.Model model = OnnxProto.model(bytes, name);
        GraphMatcher.Matched matched;
        try {
            matched = new GraphMatcher(model, name, tensors, task).match();
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(name + ": " + e.getMessage());
        }
        Mlp mlp = matched.mlp();
        List<String> classes = names(model, CLASS_NAMES, mlp.classes(), "outputs", name);
        if (!matched.labels().isEmpty()) {
            // a classifier's label or probability-map output names its classes (skl2onnx's ArrayFeatureExtractor, ZipMap)
            if (!classes.isEmpty() && !classes.equals(matched.labels())) {
                throw new OnnxFormatException(name + ": " + CLASS_NAMES + " " + classes + " disagrees with the class labels "
                        + matched.labels() + " of " + matched.labelledBy());
            }
            classes = matched.labels();
        }
        ModelMetadata graphs = mlp.metadata();
        List<String> numbered = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            numbered.add(Integer.toString(c));
        }
        try {
            // "0", "1", ... are what the export writes for a model without names: the model gets none, as it had
            mlp.setMetadata(new ModelMetadata(graphs.task(), graphs.isClassification() && !classes.equals(numbered) ? classes : List.of(),
                    names(model, FEATURE_NAMES, mlp.inputs(), "inputs", name),
                    names(model, TARGET_NAMES, graphs.isClassification() ? -1 : mlp.classes(), "outputs", name),
                    labelColumn(model, name), graphs.targetMean(), graphs.targetStd(), graphs.missingValueMeans()));
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(name + ": " + e.getMessage());
        }
        String producer = (model.producer() + " " + model.producerVersion()).strip();
        return new OnnxModel(mlp, classes, model.metadata(), producer, matched.opset(), matched.logSoftmax());
    }

    /** The names in the metadata entry {@code key}, one per {@code what} ({@code count}; -1: any number), or empty when there is none. */
    private static List<String> names(OnnxProto.Model model, String key, int count, String what, String file) throws OnnxFormatException {
        String json = model.metadata().get(key);
        if (json == null) {
            return List.of();
        }
        List<String> names = ClassNames.parse(json, file, key);
        if (count >= 0 && names.size() != count) {
            throw new OnnxFormatException(file + ": " + key + " lists " + names.size() + " names, the graph has " + count + " " + what);
        }
        return names;
    }

    private static int labelColumn(OnnxProto.Model model, String file) throws OnnxFormatException {
        String column = model.metadata().get(LABEL_COLUMN);
        if (column == null) {
            return -1;
        }
        try {
            int c = Integer.parseInt(column);
            if (c >= 0) {
                return c;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new OnnxFormatException(file + ": " + LABEL_COLUMN + " is '" + column + "'; expected a 0-based column number");
    }

    /** {@link #read}'s model alone. */
    public static Mlp importMlp(Path file) throws IOException {
        return read(file).mlp();
    }

    /** {@link #export(Mlp, Path, List, int)} at opset 17 with the model's own class names (or "0", "1", ...). */
    public static void export(Mlp mlp, Path file) throws IOException {
        export(mlp, file, List.of(), OnnxExport.DEFAULT_OPSET);
    }

    /**
     * Writes {@code mlp} as an ONNX model (input {@code input}: {@code [batch, inputs]} float; output
     * {@code probabilities} after a Softmax for a classifier, else {@code output}). Class names, the
     * loss and the scaling's kind go in {@code metadata_props}. The file appears whole or not at all, with the
     * mode of the file it replaces, through a symbolic link ({@link AtomicFiles#write}).
     *
     * @param classNames one per class, or empty for the model's own ({@code mlp.metadata().classNames()}), else "0", "1", ...
     *                   (classifiers only)
     * @param opset      13 to 21; {@code Gelu} is written as one node from opset 20 (with {@code approximate="tanh"} for
     *                   {@code GELU_TANH}), else as the erf or the tanh sub-graph
     * @throws IllegalArgumentException when the opset is out of range, or class names are given for a regression model,
     *                                  not one per class or not distinct, or a weight or the feature scaling is NaN or
     *                                  infinite (nothing is written)
     * @throws NullPointerException     when a class name is null (nothing is written)
     */
    public static void export(Mlp mlp, Path file, List<String> classNames, int opset) throws IOException {
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(classNames, "classNames");
        if (opset < OnnxExport.MIN_OPSET || opset > GraphMatcher.MAX_OPSET) {
            throw new IllegalArgumentException("opset must be in [" + OnnxExport.MIN_OPSET + ", " + GraphMatcher.MAX_OPSET + "], got " + opset);
        }
        ModelMetadata m = mlp.metadata();
        if (!classNames.isEmpty() && !m.isClassification()) {
            throw new IllegalArgumentException(classNames.size() + " class names for a regression model");
        }
        if (!classNames.isEmpty() && classNames.size() != mlp.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for a model with " + mlp.classes() + " classes");
        }
        // a name given twice made a file that read() (and ModelMetadata) then refused; null failed deep in the encoding
        Map<String, Integer> named = new java.util.HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            Integer first = named.putIfAbsent(Objects.requireNonNull(classNames.get(c), "classNames[" + c + "]"), c);
            if (first != null) {
                throw new IllegalArgumentException("class names must be distinct: " + DataException.printable(classNames.get(c)) + " names classes " + first + " and " + c);
            }
        }
        String nonFinite = mlp.scaling().nonFiniteValue();
        nonFinite = nonFinite != null ? nonFinite : mlp.nonFiniteParameter();
        if (nonFinite != null) {
            // as Mlp.save: such a model predicts nothing, and jvk's import (like its model-file reader) refuses it
            throw new IllegalArgumentException(file + ": not written: " + nonFinite + "; an exported model holds finite values only");
        }
        if (classNames.isEmpty()) {
            classNames = m.classNames();   // the names the model was trained with, if any
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(LOSS, mlp.loss().name());
        if (mlp.loss() instanceof Huber) {
            metadata.put(HUBER_DELTA, Float.toString(Huber.DELTA));
        }
        metadata.put(TASK, m.task());
        metadata.put(SCALING, mlp.scaling().kind().cliName());
        if (m.isClassification()) {
            List<String> names = new ArrayList<>(classNames);
            for (int i = names.size(); i < mlp.classes(); i++) {
                names.add(Integer.toString(i));
            }
            metadata.put(CLASS_NAMES, ClassNames.json(names));
        }
        if (!m.featureNames().isEmpty()) {
            metadata.put(FEATURE_NAMES, ClassNames.json(m.featureNames()));
        }
        if (!m.targetNames().isEmpty()) {
            metadata.put(TARGET_NAMES, ClassNames.json(m.targetNames()));
        }
        if (m.labelColumn() >= 0) {
            metadata.put(LABEL_COLUMN, Integer.toString(m.labelColumn()));
        }
        byte[] bytes = OnnxExport.encode(mlp, metadata, opset);
        AtomicFiles.write(file, bytes);
    }
}
