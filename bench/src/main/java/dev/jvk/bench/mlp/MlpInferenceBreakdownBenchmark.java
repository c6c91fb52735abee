package dev.jvk.bench.mlp;

import static dev.jvk.kernels.Transpose.NO_TRANS;
import static dev.jvk.kernels.Transpose.TRANS;

import dev.jvk.kernels.Activations;
import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.PackedMatrix;
import dev.jvk.kernels.Softmax;
import dev.jvk.kernels.Vectors;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Mlp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where {@link Mlp#predict(float[], int, float[])} of 784-256-128-10 spends its time, one piece at a
 * time: each piece is the kernel calls {@code predict} makes for it, on the same shapes and in the
 * same chunks of rows (the rows one forward pass of a chunk takes: 8 at batch 16, 16 at 128, 32 at
 * 1024; {@code -p chunkRows=64} for the 64-row chunks of a training pass), so the pieces add up to
 * about {@code predict} minus its bookkeeping. {@code gemm1} ... {@code gemm3}
 * are the layers' products ({@code x W}, batch 1: the GEMV with the bias) as {@link Gemm#sgemm} computes them,
 * packing W on every call; {@code packed1} ... {@code packed3} the same products on W packed once
 * ({@link PackedMatrix}, what {@code predict} runs from two rows on), {@code packed1FromInput} the first
 * of them reading each chunk's rows from the whole batch as {@code predict} does (the chunk buffer of
 * {@code packed1} stays in L2; the batch of 1024 rows, 3.2 MB, does not); {@code bias1} ... {@code bias3}
 * the bias and activation after them, {@code softmax} the scores, {@code copies} the input rows copied
 * into the model's buffer and the scores out of it. One thread unless {@code -p threads=2}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
 *   MlpInferenceBreakdown -p batch=1,16,128,1024 -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpInferenceBreakdownBenchmark {
    private static final int[] WIDTHS = {FashionShapedData.FEATURES, 256, 128, FashionShapedData.CLASSES};

    @Param({"1", "16", "128", "1024"})
    int batch;

    @Param({"1"})
    int threads;

    /** Rows per chunk; 0: as {@code predict} cuts a batch (blocks of 256 rows in up to 8 chunks of at least 8). */
    @Param({"0"})
    int chunkRows;

    private Mlp mlp;
    private float[] x;
    private float[] scores;
    private float[][] weights;
    private PackedMatrix[] packed;
    private float[][] biases;
    private float[][] buffers;   // the input chunk, then each layer's output chunk
    private int chunk;

    @Setup(Level.Trial)
    public void setUp() {
        Gemm.setThreads(threads);
        mlp = Mlp.classifier(FashionShapedData.FEATURES, new int[] {256, 128}, Activation.RELU, FashionShapedData.CLASSES, 42);
        x = new FashionShapedData(batch, 2).pixels;
        scores = new float[batch * FashionShapedData.CLASSES];
        weights = new float[3][];
        biases = new float[3][];
        int d = 0;
        for (var layer : mlp.layers()) {
            if (layer instanceof Dense dense) {
                weights[d] = dense.weights();
                biases[d] = dense.bias();
                d++;
            }
        }
        packed = new PackedMatrix[3];
        for (int i = 0; i < 3; i++) {
            packed[i] = new PackedMatrix(NO_TRANS, WIDTHS[i], WIDTHS[i + 1], weights[i], 0, WIDTHS[i + 1]);
        }
        int block = Math.min(batch, 256);
        chunk = chunkRows > 0 ? Math.min(chunkRows, batch) : block < 16 ? block : Math.max(8, block / 8);
        buffers = new float[4][];
        for (int i = 0; i < 4; i++) {
            buffers[i] = new float[chunk * WIDTHS[i]];
        }
    }

    /** The whole call, for the sum of the pieces to be held against. */
    @Benchmark
    public float[] predict() {
        mlp.predict(x, batch, scores);
        return scores;
    }

    @Benchmark
    public float[] gemm1() {
        return product(0);
    }

    @Benchmark
    public float[] gemm2() {
        return product(1);
    }

    @Benchmark
    public float[] gemm3() {
        return product(2);
    }

    @Benchmark
    public float[] packed1() {
        return packedProduct(0);
    }

    /** {@code packed1} reading each chunk's rows where {@code predict} reads them, in the caller's whole batch (beyond L2 from batch 1024). */
    @Benchmark
    public float[] packed1FromInput() {
        float[] c = buffers[1];
        for (int from = 0; from < batch; from += chunk) {
            packed[0].sgemm(NO_TRANS, chunk, 1f, x, from * WIDTHS[0], WIDTHS[0], 0f, c, 0, WIDTHS[1]);
        }
        return c;
    }

    @Benchmark
    public float[] packed2() {
        return packedProduct(1);
    }

    @Benchmark
    public float[] packed3() {
        return packedProduct(2);
    }

    @Benchmark
    public float[] bias1() {
        return biasAndActivation(0);
    }

    @Benchmark
    public float[] bias2() {
        return biasAndActivation(1);
    }

    @Benchmark
    public float[] bias3() {
        return biasAndActivation(2);
    }

    @Benchmark
    public float[] softmax() {
        float[] out = buffers[3];
        for (int from = 0; from < batch; from += chunk) {
            Softmax.softmax(out, 0, chunk, WIDTHS[3], WIDTHS[3], out, 0, WIDTHS[3]);
        }
        return out;
    }

    @Benchmark
    public float[] copies() {
        for (int from = 0; from < batch; from += chunk) {
            System.arraycopy(x, from * WIDTHS[0], buffers[0], 0, chunk * WIDTHS[0]);
            System.arraycopy(buffers[3], 0, scores, from * WIDTHS[3], chunk * WIDTHS[3]);
        }
        return scores;
    }

    private float[] product(int layer) {
        int in = WIDTHS[layer];
        int out = WIDTHS[layer + 1];
        float[] a = buffers[layer];
        float[] c = buffers[layer + 1];
        for (int from = 0; from < batch; from += chunk) {
            if (chunk == 1) {
                Vectors.copy(biases[layer], 0, c, 0, out);
                Gemm.sgemv(TRANS, in, out, 1f, weights[layer], 0, out, a, 0, 1f, c, 0);
            } else {
                Gemm.sgemm(NO_TRANS, NO_TRANS, chunk, out, in, 1f, a, 0, in, weights[layer], 0, out, 0f, c, 0, out);
            }
        }
        return c;
    }

    private float[] packedProduct(int layer) {
        int in = WIDTHS[layer];
        int out = WIDTHS[layer + 1];
        float[] c = buffers[layer + 1];
        for (int from = 0; from < batch; from += chunk) {
            packed[layer].sgemm(NO_TRANS, chunk, 1f, buffers[layer], 0, in, 0f, c, 0, out);
        }
        return c;
    }

    private float[] biasAndActivation(int layer) {
        int out = WIDTHS[layer + 1];
        float[] c = buffers[layer + 1];
        for (int from = 0; from < batch; from += chunk) {
            if (layer == 2) {
                if (chunk > 1) {
                    Vectors.addBias(biases[layer], 0, c, 0, chunk, out, out);
                }
            } else if (chunk == 1) {
                Activations.relu(c, 0, c, 0, out);
            } else {
                Activations.addBiasRelu(biases[layer], 0, c, 0, chunk, out, out);
            }
        }
        return c;
    }
}
