package dev.jvk.bench.gemm;

import dev.jvk.bench.PairedRounds;
import dev.jvk.kernels.Gemm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * A development tool, not the report: jvk's sgemm and OpenBLAS's in alternating short bursts, so
 * that both see the same load on a shared machine, reporting the best and median burst of each
 * and their ratio. Bursts are timed in this thread's CPU time, not wall time, so that time spent
 * preempted by other processes on an oversubscribed machine does not count (single thread only:
 * with more threads the workers' time is not seen). Use it to compare variants quickly; quote JMH
 * (SgemmBench) in the results.
 *
 * <p>{@code OPENBLAS_CORETYPE=SkylakeX java --add-modules jdk.incubator.vector
 * -cp "bench/target/classes:bench/target/lib/*" dev.jvk.bench.gemm.GemmRace 1 NN:1024x1024x1024 NN:128x256x784}
 * (first argument: threads).
 */
public final class GemmRace {
    private static final long BURST_NANOS = 50_000_000L;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 20;
    /** Long enough for C2 to compile every kernel and packing routine on a loaded machine. */
    private static final long WARMUP_NANOS = Long.getLong("race.warmupSeconds", 8) * 1_000_000_000L;

    private GemmRace() {}

    public static void main(String[] args) {
        int threads;
        List<Shape> shapes = new ArrayList<>();
        try {
            if (args.length < 2) {
                throw new IllegalArgumentException("no shape given");
            }
            threads = PairedRounds.positive("THREADS", args[0]);
            for (int i = 1; i < args.length; i++) {
                shapes.add(Shape.parse(args[i]));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("GemmRace: " + e.getMessage() + "; usage: GemmRace THREADS SHAPE... (e.g. 1 NN:1024x1024x1024)");
            System.exit(2);
            return;
        }
        Gemm.setThreads(threads);
        OpenBlas.load();
        openblas.blas_set_num_threads(threads);
        shapes.forEach(GemmRace::race);
    }

    private static void race(Shape s) {
        SplittableRandom random = new SplittableRandom(42);
        float[] a = new float[s.m() * s.k()];
        float[] b = new float[s.k() * s.n()];
        float[] c = new float[s.m() * s.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        try (FloatPointer pa = new FloatPointer(a); FloatPointer pb = new FloatPointer(b); FloatPointer pc = new FloatPointer(c)) {
            Runnable jvk = () -> Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
            Runnable blas = () -> openblas.cblas_sgemm(openblas.CblasRowMajor, s.aTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans,
                    s.bTransposed() ? openblas.CblasTrans : openblas.CblasNoTrans, s.m(), s.n(), s.k(), 1f, pa, s.lda(), pb, s.ldb(), 0f, pc, s.ldc());
            long warm = System.nanoTime() + WARMUP_NANOS;
            while (System.nanoTime() < warm) {
                burst(jvk, s.flops());
                burst(blas, s.flops());
            }
            double[] jt = new double[ROUNDS];
            double[] bt = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                jt[r] = burst(jvk, s.flops());
                bt[r] = burst(blas, s.flops());
            }
            Arrays.sort(jt);
            Arrays.sort(bt);
            double gf = s.flops() / 1e9;
            System.out.printf("%-22s jvk best %7.1f med %7.1f | openblas best %7.1f med %7.1f GFLOP/s | ratio best %.2f med %.2f%n",
                    s.transA().name().charAt(0) + "" + s.transB().name().charAt(0) + ":" + s.m() + "x" + s.n() + "x" + s.k(),
                    gf / jt[0], gf / jt[ROUNDS / 2], gf / bt[0], gf / bt[ROUNDS / 2], bt[0] / jt[0], bt[ROUNDS / 2] / jt[ROUNDS / 2]);
        }
    }

    /**
     * Seconds of this thread's CPU time per call over one burst. Calls go in batches of at least
     * ~2 million flops between clock reads: reading the thread's CPU time costs about a microsecond.
     */
    private static double burst(Runnable call, long flops) {
        int batch = (int) Math.max(1, 2_000_000 / flops);
        long start = CPU.getCurrentThreadCpuTime();
        long end = start + BURST_NANOS;
        long calls = 0;
        long now;
        do {
            for (int i = 0; i < batch; i++) {
                call.run();
            }
            calls += batch;
            now = CPU.getCurrentThreadCpuTime();
        } while (now < end);
        return (now - start) / 1e9 / calls;
    }
}
