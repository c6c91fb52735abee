package dev.jvk.bench.mlp;

import static dev.jvk.kernels.Transpose.NO_TRANS;

import dev.jvk.bench.PairedRounds;
import dev.jvk.kernels.Activations;
import dev.jvk.kernels.PackedMatrix;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Vectors;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Mlp;

/**
 * Where one thread's {@code Mlp.predict} of 784-256-128-10 spends its time, measured in context: {@code predict}
 * itself beside the kernel calls it makes, replayed chunk by chunk on the same model and rows with pieces left out,
 * in rotating rounds in one JVM (each mode a block of about 0.1 s per round, the order rotating), each mode's time
 * divided by the same round's {@code predict} time (a slow second slows both). A piece's cost is the difference of two
 * modes that differ by it alone, each in the place {@code predict} runs it (its caches as {@code predict} leaves them),
 * where {@link MlpInferenceBreakdownBenchmark} times each piece alone. ONNX Runtime's run of the same model is one mode.
 * The replays read the benchmark's input array itself (until 2026-12-07 they read another array with the same pixels).
 *
 * <p>Modes: {@code predict}; {@code chain} the same calls (each layer's product on packed weights, its bias and ReLU
 * in one pass, the last layer's bias, the softmax, the scores copied out), the layers' outputs in batch-sized
 * buffers each chunk writing its own rows, as {@code predict} does; {@code local} the same with chunk-sized outputs
 * reused by every chunk; {@code nobias} {@code chain} without the bias passes; {@code products} the three
 * products alone; {@code layer1} the first product alone; {@code ort} ONNX Runtime.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" \
 *   dev.jvk.bench.mlp.PredictSplit BATCH CHUNK_ROWS [ROUNDS, default 20] [WARM_UP_SECONDS, default 4]
 * </pre>
 */
public final class PredictSplit {
    private static final String[] MODES = {"predict", "chain", "local", "nobias", "products", "layer1", "ort"};
    private static final int[] WIDTHS = {FashionShapedData.FEATURES, 256, 128, FashionShapedData.CLASSES};

    private final int batch;
    private final int chunk;
    private final MlpInferenceBenchmark jvk = new MlpInferenceBenchmark();
    private final OnnxRuntimeMlpInferenceBenchmark ort = new OnnxRuntimeMlpInferenceBenchmark();
    private final PackedMatrix[] packed = new PackedMatrix[3];
    private final float[][] bias = new float[3][];
    private final float[][] whole = new float[4][];
    private final float[][] local = new float[4][];
    private float[] x;
    private float[] scores;
    private Mlp mlp;

    private PredictSplit(int batch, int chunk) throws Exception {
        this.batch = batch;
        this.chunk = chunk;
        jvk.batch = batch;
        jvk.threads = 1;
        jvk.setUp();
        ort.batch = batch;
        ort.threads = 1;
        ort.setUp();
        FashionShapedData data = new FashionShapedData(batch, 2);
        // the array predict reads, not a copy of its pixels: the rows' placement against cache lines is the same
        x = jvk.x;
        scores = new float[batch * FashionShapedData.CLASSES];
        mlp = MlpInferenceBenchmark.model("none", data);
        int d = 0;
        for (var layer : mlp.layers()) {
            if (layer instanceof Dense dense) {
                packed[d] = new PackedMatrix(NO_TRANS, WIDTHS[d], WIDTHS[d + 1], dense.weights(), 0, WIDTHS[d + 1]);
                bias[d] = dense.bias();
                d++;
            }
        }
        for (int i = 1; i < 4; i++) {
            whole[i] = new float[batch * WIDTHS[i]];
            local[i] = new float[chunk * WIDTHS[i]];
        }
    }

    private void run(int mode) throws Exception {
        switch (mode) {
            case 0 -> jvk.predict();
            case 6 -> ort.predict();
            default -> {
                for (int from = 0; from < batch; from += chunk) {
                    chunk(mode, from, Math.min(chunk, batch - from));
                }
                if (mode == 1 || mode == 3) {
                    System.arraycopy(whole[3], 0, scores, 0, batch * WIDTHS[3]);
                }
            }
        }
    }

    private void chunk(int mode, int from, int n) {
        boolean inPlace = mode == 2;
        float[] in = x;
        int inRow = from;
        for (int l = 0; l < 3; l++) {
            if (mode == 5 && l > 0) {
                return;
            }
            int out = WIDTHS[l + 1];
            // the local mode's last layer writes the scores' rows, as the chunk-local outputs leave nothing else to copy
            float[] y = l == 2 && inPlace ? scores : inPlace ? local[l + 1] : whole[l + 1];
            int yRow = inPlace && l < 2 ? 0 : from;
            packed[l].sgemm(NO_TRANS, n, 1f, in, inRow * WIDTHS[l], WIDTHS[l], 0f, y, yRow * out, out);
            if (mode <= 2) {
                if (l < 2) {
                    Activations.addBiasRelu(bias[l], 0, y, yRow * out, n, out, out);
                } else {
                    Vectors.addBias(bias[l], 0, y, yRow * out, n, out, out);
                }
            }
            if (l == 2 && mode <= 3) {
                Softmax.softmax(y, yRow * out, n, out, out, y, yRow * out, out);
            }
            in = y;
            inRow = yRow;
        }
    }

    private long block(int mode, int calls) throws Exception {
        long start = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            run(mode);
        }
        return System.nanoTime() - start;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: PredictSplit BATCH CHUNK_ROWS [ROUNDS] [WARM_UP_SECONDS]");
            System.exit(2);
        }
        int batch = Math.min(1 << 14, PairedRounds.positive("BATCH", args[0]));
        int chunk = Math.min(batch, PairedRounds.positive("CHUNK_ROWS", args[1]));
        int rounds = Math.min(10_000, args.length > 2 ? PairedRounds.positive("ROUNDS", args[2]) : 20);
        int warmUp = Math.min(3600, args.length > 3 ? PairedRounds.positive("WARM_UP_SECONDS", args[3]) : 4);
        PredictSplit split = new PredictSplit(batch, chunk);
        try {
            int calls = Math.max(1, 20_000 / batch);
            for (long end = System.nanoTime() + warmUp * 1_000_000_000L; System.nanoTime() < end; ) {
                for (int m = 0; m < MODES.length; m++) {
                    split.block(m, calls);
                }
            }
            // the replays are predict's calls: their scores are predict's bits
            float[] predicted = split.jvk.predict().clone();
            for (int m : new int[] {1, 2}) {
                java.util.Arrays.fill(split.scores, Float.NaN);
                split.run(m);
                if (!java.util.Arrays.equals(predicted, split.scores)) {
                    throw new IllegalStateException(MODES[m] + "'s scores differ from predict's");
                }
            }
            double[][] micros = new double[rounds][MODES.length];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < MODES.length; i++) {
                    int m = (i + r) % MODES.length;
                    micros[r][m] = split.block(m, calls) / 1e3 / calls;
                }
            }
            System.out.printf("batch %d, chunks of %d rows, 1 thread, %d rounds of %d calls; each mode's time / predict's in the same round, median (quartiles)%n",
                    batch, chunk, rounds, calls);
            for (int m = 0; m < MODES.length; m++) {
                double[] us = PairedRounds.column(micros, 0, m, -1);
                double[] ratio = PairedRounds.column(micros, 0, m, 0);
                System.out.printf("  %-9s %9.1f us (%.1f-%.1f)  %.4f (%.4f-%.4f)%n", MODES[m], PairedRounds.quantile(us, 0.5),
                        PairedRounds.quantile(us, 0.25), PairedRounds.quantile(us, 0.75), PairedRounds.quantile(ratio, 0.5),
                        PairedRounds.quantile(ratio, 0.25), PairedRounds.quantile(ratio, 0.75));
            }
        } finally {
            split.ort.tearDown();
            for (PackedMatrix p : split.packed) {
                p.close();
            }
        }
    }
}
