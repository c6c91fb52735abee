package dev.jvk.nn;

import static dev.jvk.kernels.Transpose.NO_TRANS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.PackedMatrix;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Vectors;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packed weights inference uses ({@link Dense#packWeights}): the same bits as the products on the
 * live weights where both sum a layer's inputs in one K block (up to 256 inputs; deeper, packed weights sum in
 * blocks of up to 1024, the live ones of up to 256), a single row as that row in a batch, and never stale: a model predicts what a model that never
 * packed predicts after its weights are written through {@link Dense#weights()}, after training steps and
 * after re-initialisation.
 */
class PackedWeightsTest {
    private static final int ROWS = 37; // ragged tiles, and more than one chunk at the smallest chunk size

    @Test
    void aLargeBatchIsCutIntoChunksSmallEnoughForTheirPackedRowsAndTheFirstWeightsToShareACoresL2() {
        // 1024 rows of 784 features in 8 chunks of 128 (400 KB packed beside 800 KB of weights) overflowed a 1 MB L2;
        // on two threads 32 chunks of 32 (100 KB) ran ahead of 16 of 64 (200 KB) in every round measured
        assertThat(Mlp.predictChunkRows(1024)).isEqualTo(32);
        assertThat(Mlp.predictChunkRows(1000)).as("32 chunks in whole 8-row tiles").isEqualTo(32);
        assertThat(Mlp.predictChunkRows(512)).isEqualTo(32);
        assertThat(Mlp.predictChunkRows(256)).as("8 chunks, as before").isEqualTo(32);
        assertThat(Mlp.predictChunkRows(128)).as("8 chunks, as before").isEqualTo(16);
        assertThat(Mlp.predictChunkRows(16)).isEqualTo(8);
        assertThat(Mlp.predictChunkRows(9)).as("no chunk of one row").isEqualTo(9);
        for (int rows : new int[] {9, 16, 65, 128, 1000, 1024}) {
            assertThat(Mlp.predictChunkRows(rows, 2)).as("%d rows on two threads: as before", rows).isEqualTo(Mlp.predictChunkRows(rows));
        }
    }

    @Test
    void onOneThreadABatchIsCutIntoAsFewChunksAsTheLargestChunkAllows() {
        // each chunk streams the first layer's packed weights through the core once; on one thread chunks balance nothing
        assertThat(Mlp.predictChunkRows(16, 1)).as("one chunk, not two of 8").isEqualTo(16);
        assertThat(Mlp.predictChunkRows(128, 1)).as("two chunks of 64, not eight of 16").isEqualTo(64);
        assertThat(Mlp.predictChunkRows(1024, 1)).isEqualTo(64);
        assertThat(Mlp.predictChunkRows(65, 1)).as("two chunks in whole 8-row tiles").isEqualTo(40);
        assertThat(Mlp.predictChunkRows(9, 1)).isEqualTo(9);
        assertThat(Mlp.predictChunkRows(1, 1)).isEqualTo(1);
    }

    @Test
    void aChunksHiddenOutputsStayInItsThreadsBuffersWithTheBitsOfTheUnpackedForwardPass() throws ReflectiveOperationException {
        // written into the batch-sized buffers, 1024 rows' hidden outputs of 784-256-128-10 (1.5 MB) pushed the first
        // layer's weights out of a 1 MB L2; a chunk's own buffers are written again by the next chunk on its thread
        int saved = Gemm.threads();
        try {
            for (Activation activation : new Activation[] {Activation.RELU, Activation.TANH}) {
                Mlp mlp = Mlp.classifier(40, new int[] {33, 17}, activation, 5, 6);
                for (int rows : new int[] {ROWS, 1024}) {
                    float[] x = inputs(rows, mlp.inputs(), rows);
                    float[] expected = unpackedForward(mlp, x, rows, activation);
                    for (int threads = 1; threads <= 3; threads++) {
                        Gemm.setThreads(threads);
                        List<float[]> hidden = poisonedHiddenOutputs(mlp, rows);
                        assertThat(mlp.predict(x, rows)).as("%s, %d rows on %d threads", activation, rows, threads).isEqualTo(expected);
                        for (float[] buffer : hidden) {
                            assertThat(buffer).as("%s, %d rows on %d threads: a batch-sized hidden buffer, never written", activation, rows, threads)
                                    .containsOnly(Float.NaN);
                        }
                    }
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Test
    void predictionsOfMoreChunksThanTheMostForThreadsAreBitwiseTheUnpackedForwardPass() {
        // 1024 and 1000 rows: 32 chunks on two and three threads, 16 on one; 1030: a pass of 1024 and one of 6 rows; 128, 65 and 16: fewer chunks on one
        // thread than on two
        Mlp mlp = model(5);
        int saved = Gemm.threads();
        try {
            for (int rows : new int[] {1024, 1000, 1030, 128, 65, 16}) {
                float[] x = inputs(rows, mlp.inputs(), rows);
                float[] expected = unpackedForward(mlp, x, rows);
                for (int threads = 1; threads <= 3; threads++) {
                    Gemm.setThreads(threads);
                    assertThat(mlp.predict(x, rows)).as("%d rows on %d threads", rows, threads).isEqualTo(expected);
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Test
    void predictionsAreBitwiseTheUnpackedForwardPass() {
        Mlp mlp = model(3);
        float[] x = inputs(ROWS, mlp.inputs(), 5);
        float[] predicted = mlp.predict(x, ROWS);
        assertThat(denses(mlp)).allMatch(Dense::holdsPackedWeights);
        assertThat(predicted).isEqualTo(unpackedForward(mlp, x, ROWS));
    }

    @Test
    void predictionsThroughAnActivationOfItsOwnAreBitwiseTheUnpackedForwardPass() {
        // tanh is a pass of its own (not fused with the bias): each chunk's hidden rows go through it from one of the
        // chunk's buffers to the next, at other rows than the batch's
        Mlp mlp = Mlp.classifier(40, new int[] {33, 17}, Activation.TANH, 5, 11);
        float[] x = inputs(ROWS, mlp.inputs(), 12);
        float[] expected = unpackedForward(mlp, x, ROWS, Activation.TANH);
        int saved = Gemm.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                Gemm.setThreads(threads);
                assertThat(mlp.predict(x, ROWS)).as("%d threads", threads).isEqualTo(expected);
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Test
    void oneRowIsBitwiseThatRowInABatchOnOneAndTwoThreads() {
        // 784 x 256 weights are enough for the single row's product to be split between two threads
        // (784 inputs are one K block on packed weights and four of 196 in the training pass's product: the batch of
        // two is predicted, not computed on the live weights)
        Mlp mlp = Mlp.classifier(784, new int[] {256}, Activation.RELU, 10, 7);
        float[] x = inputs(2, mlp.inputs(), 8);
        float[] expected = Arrays.copyOf(mlp.predict(x, 2), mlp.classes());
        int saved = Gemm.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                Gemm.setThreads(threads);
                assertThat(mlp.predict(x, 1)).as("%d threads", threads).isEqualTo(expected);
                assertThat(denses(mlp)).allMatch(Dense::holdsPackedWeights);
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    @Test
    void rowsGetTheSameScoresInAnyBatchAndTheInputIsLeftAsItWas() {
        // 1030 rows: the first pass reads the caller's rows in place (the model scales nothing), the second
        // (rows 1024 on) copies them; each row's scores are those it gets alone or with a few others
        Mlp mlp = model(5);
        int rows = Mlp.INFERENCE_CHUNK + 6;
        int f = mlp.inputs();
        float[] x = inputs(rows, f, 9);
        float[] original = x.clone();
        float[] all = mlp.predict(x, rows);
        assertThat(x).isEqualTo(original);
        int c = mlp.classes();
        for (int from : new int[] {0, 17, rows - 6, rows - 1}) {
            int n = Math.min(3, rows - from);
            float[] some = mlp.predict(Arrays.copyOfRange(x, from * f, (from + n) * f), n);
            assertThat(some).as("rows from %d", from).isEqualTo(Arrays.copyOfRange(all, from * c, (from + n) * c));
            float[] one = mlp.predict(Arrays.copyOfRange(x, from * f, (from + 1) * f), 1);
            assertThat(one).as("row %d alone", from).isEqualTo(Arrays.copyOfRange(all, from * c, (from + 1) * c));
        }
    }

    /**
     * Unscaled rows (up to {@link Mlp#INFERENCE_CHUNK}) are read where the caller put them: the input buffer is never
     * written, and each row gets the bits of the unpacked forward pass on those rows.
     */
    @Test
    void unscaledRowsAreReadInPlace() throws ReflectiveOperationException {
        Mlp mlp = model(3);
        float[] x = inputs(ROWS, mlp.inputs(), 5);
        float[] expected = unpackedForward(mlp, x, ROWS);
        float[] input = poisonedInput(mlp, ROWS);
        assertThat(mlp.predict(x, ROWS)).isEqualTo(expected);
        assertThat(input).as("the input buffer, never written").containsOnly(Float.NaN);
    }

    /**
     * Scaled rows go to the first product as they are, which scales them as it packs them (the input buffer is never
     * written) with the bits of the rows scaled by {@link FeatureScaling#apply} and multiplied unpacked: on 1 and 2
     * threads, in every path of the product (8-row tiles and their edges, one row, a first layer no wider than one
     * vector, whose product reads its input in place from a scaled copy), and past {@link Mlp#INFERENCE_CHUNK} rows,
     * where the second pass starts mid-array.
     */
    @Test
    void scaledRowsAreScaledAsTheFirstProductPacksThemWithTheBitsOfAScaledCopy() throws ReflectiveOperationException {
        int saved = Gemm.threads();
        try {
            for (int[] shape : new int[][] {{40, 33, ROWS}, {40, 33, 1}, {40, 33, 2}, {6, 10, ROWS}, {6, 10, 1}, {40, 33, Mlp.INFERENCE_CHUNK + 6}}) {
                Mlp mlp = Mlp.classifier(shape[0], new int[] {shape[1], 17}, Activation.RELU, 5, 3);
                FeatureScaling scaling = scaling(mlp.inputs(), 13);
                mlp.setScaling(scaling);
                int rows = shape[2];
                float[] x = inputs(rows, mlp.inputs(), 5);
                for (int i = 0; i < x.length; i++) {
                    x[i] = x[i] * 300 + 20; // raw features of their own scale: every rounding of the map shows
                }
                float[] original = x.clone();
                // one row is summed as a row of a larger product: as the first of two
                int batch = Math.max(rows, 2);
                float[] scaled = Arrays.copyOf(x, batch * mlp.inputs());
                scaling.apply(scaled, batch);
                float[] expected = Arrays.copyOf(unpackedForward(mlp, scaled, batch), rows * mlp.classes());
                for (int threads = 1; threads <= 2; threads++) {
                    Gemm.setThreads(threads);
                    float[] input = poisonedInput(mlp, rows);
                    assertThat(mlp.predict(x, rows)).as("%s, %d threads", Arrays.toString(shape), threads).isEqualTo(expected);
                    assertThat(input).as("%s: the input buffer, never written", Arrays.toString(shape)).containsOnly(Float.NaN);
                    assertThat(x).isEqualTo(original);
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    /** A standardisation of {@code features} features: shifts and scales that no power of two gives. */
    private static FeatureScaling scaling(int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] shift = new float[features];
        float[] scale = new float[features];
        for (int j = 0; j < features; j++) {
            shift[j] = (float) random.nextDouble(-50, 80);
            scale[j] = (float) (1 / random.nextDouble(30, 200));
        }
        return new FeatureScaling(FeatureScaling.Kind.STANDARD, shift, scale);
    }

    /**
     * The batch-sized output buffers of {@code mlp}'s inference workspace for {@code rows} rows but the last layer's (the
     * scores), made by a predict, then filled with NaN.
     */
    private static List<float[]> poisonedHiddenOutputs(Mlp mlp, int rows) throws ReflectiveOperationException {
        mlp.predict(new float[rows * mlp.inputs()], rows);
        Field field = Mlp.class.getDeclaredField("inference");
        field.setAccessible(true);
        float[][] outputs = ((Workspace) field.get(mlp)).outputs;
        List<float[]> hidden = Arrays.asList(outputs).subList(0, outputs.length - 1);
        for (float[] buffer : hidden) {
            Arrays.fill(buffer, Float.NaN);
        }
        return hidden;
    }

    /** The input buffer of {@code mlp}'s inference workspace for {@code rows} rows, made by a predict, then filled with NaN. */
    private static float[] poisonedInput(Mlp mlp, int rows) throws ReflectiveOperationException {
        mlp.predict(new float[rows * mlp.inputs()], rows);
        Field field = Mlp.class.getDeclaredField("inference");
        field.setAccessible(true);
        float[] input = ((Workspace) field.get(mlp)).input;
        Arrays.fill(input, Float.NaN);
        return input;
    }

    @Test
    void evaluateScoresTheRowsPredictScores() {
        // 40 unscaled rows: one chunk, whose first pass may read the caller's rows in place while the passes
        // after it run in smaller chunks; every row must be scored on its own features, not on a stale buffer
        Mlp mlp = model(6);
        int rows = 40;
        float[] x = inputs(rows, mlp.inputs(), 10);
        float[] scores = mlp.predict(x, rows);
        int c = mlp.classes();
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 1; j < c; j++) {
                if (scores[r * c + j] > scores[r * c + labels[r]]) {
                    labels[r] = j;
                }
            }
        }
        assertThat(Arrays.stream(labels).distinct().count()).as("the rows' predicted classes differ").isGreaterThan(1);
        Evaluation evaluation = mlp.evaluate(DataSet.of(x, labels, rows, mlp.inputs(), c, "rows"));
        assertThat(evaluation.accuracy()).isEqualTo(1.0);
    }

    @Test
    void aTrainingPassOfOneRowReadsTheLiveWeights() {
        // one row on the live weights is a GEMV; the pass must not depend on whether a predict packed them before
        Mlp predictedFirst = model(4);
        Mlp never = model(4);
        float[] x = inputs(1, predictedFirst.inputs(), 6);
        int[] labels = {2};
        predictedFirst.predict(x, 1);
        Optimizer a = OptimizerConfig.sgd().create(predictedFirst.parameters());
        Optimizer b = OptimizerConfig.sgd().create(never.parameters());
        predictedFirst.predict(x, 1);
        assertThat(predictedFirst.trainStep(x, labels, 1, a, 0.1f)).isEqualTo(never.trainStep(x, labels, 1, b, 0.1f));
        assertThat(denses(predictedFirst).getFirst().weights()).isEqualTo(denses(never).getFirst().weights());
    }

    @Test
    void weightsWrittenAfterPredictingAreSeen() {
        Mlp mlp = model(3);
        float[] x = inputs(ROWS, mlp.inputs(), 5);
        mlp.predict(x, ROWS);
        float[] w = denses(mlp).getFirst().weights();
        for (int i = 0; i < w.length; i += 3) {
            w[i] = -w[i];
        }
        Mlp fresh = model(3);
        float[] wFresh = denses(fresh).getFirst().weights();
        System.arraycopy(w, 0, wFresh, 0, w.length);
        assertThat(mlp.predict(x, ROWS)).isEqualTo(fresh.predict(x, ROWS)).isNotEqualTo(model(3).predict(x, ROWS));
    }

    @Test
    void trainingStepsAfterPredictingAreSeen() {
        Mlp predictedFirst = model(4);
        Mlp never = model(4);
        float[] x = inputs(ROWS, predictedFirst.inputs(), 6);
        int[] labels = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            labels[r] = r % predictedFirst.classes();
        }
        predictedFirst.predict(x, ROWS);
        Optimizer a = OptimizerConfig.adam().create(predictedFirst.parameters());
        Optimizer b = OptimizerConfig.adam().create(never.parameters());
        for (int step = 0; step < 3; step++) {
            predictedFirst.predict(x, ROWS); // packs again between the steps
            assertThat(predictedFirst.trainStep(x, labels, ROWS, a, 0.01f)).isEqualTo(never.trainStep(x, labels, ROWS, b, 0.01f));
        }
        assertThat(predictedFirst.predict(x, ROWS)).isEqualTo(never.predict(x, ROWS));
        assertThat(predictedFirst.predict(x, ROWS)).isNotEqualTo(model(4).predict(x, ROWS));
    }

    @Test
    void reinitialisedWeightsAreSeen() {
        Mlp mlp = model(3);
        float[] x = inputs(ROWS, mlp.inputs(), 5);
        float[] before = mlp.predict(x, ROWS);
        denses(mlp).getFirst().initialise(Init.HE, 99);
        Mlp fresh = model(3);
        denses(fresh).getFirst().initialise(Init.HE, 99);
        assertThat(mlp.predict(x, ROWS)).isEqualTo(fresh.predict(x, ROWS)).isNotEqualTo(before);
    }

    /**
     * A layer whose weights change frees their packed copy at once (it lies outside the heap, where copies packed after
     * every evaluation of a long training would pile up until a collection): a product on the dropped copy is refused.
     */
    @Test
    void droppedPackedWeightsAreFreedAtOnce() throws ReflectiveOperationException {
        Mlp mlp = model(3);
        float[] x = inputs(ROWS, mlp.inputs(), 5);
        int[] labels = new int[ROWS];
        Optimizer sgd = OptimizerConfig.sgd().create(mlp.parameters());
        List<Runnable> drops = List.of(
                () -> denses(mlp).getFirst().weights(),
                () -> mlp.trainStep(x, labels, ROWS, sgd, 0.01f),
                () -> denses(mlp).getFirst().initialise(Init.HE, 7),
                () -> denses(mlp).getFirst().parameters());
        Field packedField = Dense.class.getDeclaredField("packed");
        packedField.setAccessible(true);
        for (int i = 0; i < drops.size(); i++) {
            mlp.predict(x, ROWS);
            PackedMatrix packed = (PackedMatrix) packedField.get(denses(mlp).getFirst());
            packed.sgemm(NO_TRANS, 1, 1f, x, 0, mlp.inputs(), 0f, new float[packed.n()], 0, packed.n()); // open
            drops.get(i).run();
            assertThat(denses(mlp).getFirst().holdsPackedWeights()).as("drop %d", i).isFalse();
            assertThatThrownBy(() -> packed.sgemm(NO_TRANS, 1, 1f, x, 0, mlp.inputs(), 0f, new float[packed.n()], 0, packed.n()))
                    .as("drop %d", i).isInstanceOf(IllegalStateException.class);
        }
    }

    private static Mlp model(long seed) {
        return Mlp.classifier(40, new int[] {33, 17}, Activation.RELU, 5, seed);
    }

    private static List<Dense> denses(Mlp mlp) {
        return mlp.layers().stream().filter(l -> l instanceof Dense).map(l -> (Dense) l).toList();
    }

    private static float[] inputs(int rows, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    /** The forward pass from the public kernels on the live weights: dense, bias and ReLU, then the softmax. */
    private static float[] unpackedForward(Mlp mlp, float[] x, int rows) {
        return unpackedForward(mlp, x, rows, Activation.RELU);
    }

    /** {@link #unpackedForward(Mlp, float[], int)} with ReLU or tanh between the dense layers. */
    private static float[] unpackedForward(Mlp mlp, float[] x, int rows, Activation activation) {
        float[] in = x;
        List<Dense> denses = denses(mlp);
        for (int d = 0; d < denses.size(); d++) {
            Dense dense = denses.get(d);
            int n = dense.outputSize();
            float[] out = new float[rows * n];
            Gemm.sgemm(NO_TRANS, NO_TRANS, rows, n, dense.inputSize(), 1f, in, 0, dense.inputSize(), dense.weights(), 0, n, 0f, out, 0, n);
            if (d < denses.size() - 1 && activation == Activation.RELU) {
                Activations.addBiasRelu(dense.bias(), 0, out, 0, rows, n, n);
            } else if (d < denses.size() - 1) {
                Vectors.addBias(dense.bias(), 0, out, 0, rows, n, n);
                Activations.tanh(out, 0, out, 0, rows * n);
            } else {
                Vectors.addBias(dense.bias(), 0, out, 0, rows, n, n);
                Softmax.softmax(out, 0, rows, n, n, out, 0, n);
            }
            in = out;
        }
        return in;
    }
}
