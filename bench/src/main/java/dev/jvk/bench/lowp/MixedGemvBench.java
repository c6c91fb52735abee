package dev.jvk.bench.lowp;

import dev.jvk.bench.ceiling.ReadCeiling;
import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.LowPrecision;
import dev.jvk.kernels.PackedBf16Matrix;
import dev.jvk.kernels.Transpose;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory-bound batch-1 inference: two chained {@code size x size} layers (y1 = W1 x, y2 = W2 y1, the
 * hidden layers of the 4096-4096-4096 MLP) with float weights ({@code Gemm.sgemv}, 128 MiB at
 * 4096), bf16 weights (64 MiB; row-major through {@code LowPrecision.sgemvBf16} and packed once
 * through {@code PackedBf16Matrix.sgemv}, what a bf16 model runs) and int8 weights with per-row scales
 * (32 MiB), one thread. All three
 * are beyond the 32 MiB L3 but int8 is at its edge. The float baseline also runs on OpenBLAS
 * ({@code cblas_sgemv}, one thread, off-heap): the fastest float GEMV here, so that the ratios do
 * not flatter the low-precision kernels. Targets: bf16 >= 1.8x and int8 >= 3x float.
 *
 * <p>{@code readFloat32} reads the same bytes as the float GEMV (both float weight matrices) and only
 * sums them: the read bandwidth of one core in the same run, the ceiling every GEMV here is held
 * against (STREAM's copy and triad also write, so they measure another mix); {@code readBf16} does the
 * same with the bf16 bytes, loaded as the bf16 kernels load them (a vector of shorts read as ints).
 *
 * <p>Run: {@code OPENBLAS_CORETYPE=SkylakeX ... org.openjdk.jmh.Main 'lowp.MixedGemvBench'}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MixedGemvBench {
    @Param("4096")
    public int size;

    private float[][] w;
    private short[][] wBf16;
    private PackedBf16Matrix[] packedBf16;
    private byte[][] wInt8;
    private float[][] scales;
    private float[] x;
    private float[] h;
    private float[] y;
    private FloatPointer[] pw;
    private FloatPointer px;
    private FloatPointer ph;
    private FloatPointer py;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        w = new float[2][size * size];
        wBf16 = new short[2][size * size];
        packedBf16 = new PackedBf16Matrix[2];
        wInt8 = new byte[2][size * size];
        scales = new float[2][size];
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < size * size; i++) {
                w[l][i] = (float) (random.nextGaussian() / Math.sqrt(size));
            }
            LowPrecision.floatToBf16(w[l], 0, wBf16[l], 0, size * size);
            packedBf16[l] = new PackedBf16Matrix(size, size, wBf16[l], 0, size);
            LowPrecision.quantizeInt8Rows(w[l], 0, size, size, size, wInt8[l], 0, size, scales[l], 0);
        }
        x = new float[size];
        h = new float[size];
        y = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) random.nextGaussian();
        }
        pw = new FloatPointer[] {new FloatPointer(w[0]), new FloatPointer(w[1])};
        px = new FloatPointer(x);
        ph = new FloatPointer(h);
        py = new FloatPointer(y);
        openblas.blas_set_num_threads(1);
        Gemm.setThreads(1);
    }

    @TearDown
    public void tearDown() {
        pw[0].close();
        pw[1].close();
        px.close();
        ph.close();
        py.close();
    }

    @Benchmark
    public float readFloat32() {
        return ReadCeiling.sum(w[0]) + ReadCeiling.sum(w[1]);
    }

    @Benchmark
    public int readBf16() {
        return ReadCeiling.sum(wBf16[0]) + ReadCeiling.sum(wBf16[1]);
    }

    @Benchmark
    public FloatPointer float32OpenBlas() {
        openblas.cblas_sgemv(openblas.CblasRowMajor, openblas.CblasNoTrans, size, size, 1f, pw[0], size, px, 1, 0f, ph, 1);
        openblas.cblas_sgemv(openblas.CblasRowMajor, openblas.CblasNoTrans, size, size, 1f, pw[1], size, ph, 1, 0f, py, 1);
        return py;
    }

    @Benchmark
    public float[] float32() {
        Gemm.sgemv(Transpose.NO_TRANS, size, size, 1f, w[0], 0, size, x, 0, 0f, h, 0);
        Gemm.sgemv(Transpose.NO_TRANS, size, size, 1f, w[1], 0, size, h, 0, 0f, y, 0);
        return y;
    }

    @Benchmark
    public float[] bf16() {
        LowPrecision.sgemvBf16(size, size, wBf16[0], 0, size, x, 0, h, 0);
        LowPrecision.sgemvBf16(size, size, wBf16[1], 0, size, h, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] bf16Packed() {
        packedBf16[0].sgemv(x, 0, h, 0);
        packedBf16[1].sgemv(h, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] int8() {
        LowPrecision.sgemvInt8(size, size, wInt8[0], 0, size, scales[0], 0, x, 0, h, 0);
        LowPrecision.sgemvInt8(size, size, wInt8[1], 0, size, scales[1], 0, h, 0, y, 0);
        return y;
    }
}
