package dev.jvk.nn.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** skl2onnx's MLPClassifier files ({@link SklearnGraphs}) for other modules' tests (the CLI's), with the graph's own probabilities. */
public final class SklearnFiles {
    private SklearnFiles() {}

    /** The features per row of {@link #classifier}'s files. */
    public static final int FEATURES = SklearnGraphs.FEATURES;

    /**
     * A written file, its class labels in order, and the probabilities of its graph for the rows given, evaluated in
     * double by the test oracle ({@code rows x classes}).
     */
    public record Written(Path path, List<String> classNames, double[] probabilities) {}

    /** An MLPClassifier of {@code classes} classes (2: the logistic output) as skl2onnx converts it, seeded {@code seed}. */
    public static Written classifier(Path path, long seed, int classes, boolean zipMap, boolean stringLabels, float[] x, int rows)
            throws IOException {
        SklearnGraphs.Options o = new SklearnGraphs.Options(classes, zipMap, stringLabels, true);
        TestGraph g = new SklearnGraphs(seed).classifier(o);
        g.write(path);
        return new Written(path, SklearnGraphs.labels(classes, stringLabels), g.evaluate(x, rows, SklearnGraphs.probabilities(o)));
    }
}
