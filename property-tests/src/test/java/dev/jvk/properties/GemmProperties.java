package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.ReferenceBlas;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge;
import dev.jvk.properties.support.GemmJudge.DgemmKernel;
import dev.jvk.properties.support.GemmJudge.SgemmKernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * GEMM against an independent oracle, judged as sblat3/dblat3 judge it (ratio under 16), for the
 * public entry point (vector kernels, or the reference when jvk runs scalar) and the reference
 * alike; the BLAS quick returns with NaN sentinels; bitwise the same result for every thread count.
 * The checks take the kernel as an argument: {@code GemmJudgeProperties} feeds them wrong kernels.
 */
class GemmProperties {

    @Provide
    Arbitrary<GemmCase> cases() {
        return GemmCase.cases();
    }

    /**
     * Large enough that the call is split between 2 or 3 threads (at least ~13 million flops; jvk
     * keeps smaller calls on the caller's thread), tall, wide or square, so that rows or columns
     * are split.
     */
    @Provide
    Arbitrary<GemmCase> largeCases() {
        Arbitrary<Integer> side = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(1, 64).withDistribution(RandomDistribution.uniform())),
                Tuple.of(3, Arbitraries.integers().between(200, 420).withDistribution(RandomDistribution.uniform())));
        return GemmCase.cases(side).filter(g -> g.k() >= 100 && 2L * g.m() * g.n() * g.k() >= 13_000_000L);
    }

    @Property
    void sgemmWithinSblat3Bound(@ForAll("cases") GemmCase g) {
        GemmJudge.checkSgemm(Gemm::sgemm, g);
        GemmJudge.checkSgemm(ReferenceBlas::sgemm, g);
    }

    @Property
    void dgemmWithinDblat3Bound(@ForAll("cases") GemmCase g) {
        GemmJudge.checkDgemm(Gemm::dgemm, g);
        GemmJudge.checkDgemm(ReferenceBlas::dgemm, g);
    }

    @Property
    void sgemmQuickReturns(@ForAll("cases") GemmCase g) {
        sgemmQuickReturns(Gemm::sgemm, g);
        sgemmQuickReturns(ReferenceBlas::sgemm, g);
    }

    @Property
    void dgemmQuickReturns(@ForAll("cases") GemmCase g) {
        dgemmQuickReturns(Gemm::dgemm, g);
        dgemmQuickReturns(ReferenceBlas::dgemm, g);
    }

    @Property(tries = 25)
    void sgemmSameBitsForEveryThreadCount(@ForAll("largeCases") GemmCase g) {
        sgemmSameBits(g, Gemm::sgemm);
    }

    @Property(tries = 15)
    void dgemmSameBitsForEveryThreadCount(@ForAll("largeCases") GemmCase g) {
        dgemmSameBits(g, Gemm::dgemm);
    }

    /**
     * Three threads multiplying at once (large calls that want the workers, small ones that do not)
     * each get bitwise the result they get alone: every call has its own packing buffers.
     */
    @Property(tries = 10)
    void concurrentCallersGetTheirOwnResults(@ForAll("largeCases") GemmCase large, @ForAll("cases") GemmCase small) throws Exception {
        GemmCase[] cases = {large, small, large.with(Transpose.TRANS, Transpose.NO_TRANS, 1, 0)};
        float[][] alone = new float[cases.length][];
        for (int i = 0; i < cases.length; i++) {
            alone[i] = GemmJudge.runSgemm(Gemm::sgemm, cases[i], cases[i].floatA(), cases[i].floatB(), cases[i].floatC());
        }
        ExecutorService callers = Executors.newFixedThreadPool(cases.length);
        try {
            List<Future<Boolean>> same = new ArrayList<>();
            for (int i = 0; i < cases.length; i++) {
                GemmCase g = cases[i];
                float[] expected = alone[i];
                same.add(callers.submit(() -> {
                    boolean all = true;
                    for (int round = 0; round < 4; round++) {
                        all &= Arrays.equals(GemmJudge.runSgemm(Gemm::sgemm, g, g.floatA(), g.floatB(), g.floatC()), expected);
                    }
                    return all;
                }));
            }
            for (int i = 0; i < cases.length; i++) {
                assertThat(same.get(i).get()).as("concurrent result of %s", cases[i]).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** After a large call on 2 threads, jvk's worker thread exists: the split path really ran. */
    @Example
    void largeCallsUseTheWorkers() {
        if (!Kernels.info().implementation().equals("vector")) {
            return; // the scalar reference runs on the caller's thread only
        }
        int saved = Gemm.threads();
        try {
            Gemm.setThreads(2);
            int n = 256;
            Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, new float[n * n], new float[n * n], 0f, new float[n * n]);
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("jvk-gemm-") && t.isDaemon());
        } finally {
            Gemm.setThreads(saved);
        }
    }

    /** Results of 1, 2 and 3 threads are bitwise equal. */
    static void sgemmSameBits(GemmCase g, SgemmKernel kernel) {
        int saved = Gemm.threads();
        try {
            float[] a = g.floatA();
            float[] b = g.floatB();
            float[] c = g.floatC();
            Gemm.setThreads(1);
            float[] one = GemmJudge.runSgemm(kernel, g, a, b, c);
            for (int threads = 2; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                if (!Arrays.equals(GemmJudge.runSgemm(kernel, g, a, b, c), one)) {
                    throw new AssertionError(g + ": " + threads + " threads differ from 1 thread");
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    static void dgemmSameBits(GemmCase g, DgemmKernel kernel) {
        int saved = Gemm.threads();
        try {
            double[] a = g.doubleA();
            double[] b = g.doubleB();
            double[] c = g.doubleC();
            Gemm.setThreads(1);
            double[] one = GemmJudge.runDgemm(kernel, g, a, b, c);
            for (int threads = 2; threads <= 3; threads++) {
                Gemm.setThreads(threads);
                if (!Arrays.equals(GemmJudge.runDgemm(kernel, g, a, b, c), one)) {
                    throw new AssertionError(g + ": " + threads + " threads differ from 1 thread");
                }
            }
        } finally {
            Gemm.setThreads(saved);
        }
    }

    /**
     * BLAS quick returns, with NaN sentinels: m or n = 0 touches nothing; alpha = 0 or k = 0 gives
     * exactly beta * C without reading A or B (all NaN here); beta = 0 gives the same bits whatever
     * C held (NaN here), because C is not read.
     */
    static void sgemmQuickReturns(SgemmKernel kernel, GemmCase g) {
        float[] a = g.floatA();
        float[] b = g.floatB();
        float[] c0 = g.floatC();
        float[] nanA = a.clone();
        float[] nanB = b.clone();
        Arrays.fill(nanA, Float.NaN);
        Arrays.fill(nanB, Float.NaN);
        if (g.m() == 0 || g.n() == 0) {
            float[] nanC = c0.clone();
            Arrays.fill(nanC, Float.NaN);
            if (!Arrays.equals(GemmJudge.runSgemm(kernel, g, nanA, nanB, nanC), nanC)) {
                throw new AssertionError(g + ": m or n is 0, yet C changed");
            }
        }
        GemmCase noProduct = g.with(g.transA(), g.transB(), 0, g.beta());
        float[] scaled = GemmJudge.runSgemm(kernel, noProduct, nanA, nanB, c0);
        for (int index = 0; index < c0.length; index++) {
            float expected = !g.insideC(index) ? c0[index] : g.betaF() == 0 ? 0f : g.betaF() * c0[index];
            if (Float.floatToRawIntBits(scaled[index]) != Float.floatToRawIntBits(expected)) {
                throw new AssertionError(noProduct + ": alpha = 0 must give C = beta * C bitwise at " + index
                        + " (expected " + expected + ", got " + scaled[index] + ")");
            }
        }
        if (g.k() == 0) {
            float[] kZero = GemmJudge.runSgemm(kernel, g, nanA, nanB, c0);
            for (int index = 0; index < c0.length; index++) {
                float expected = !g.insideC(index) ? c0[index] : g.betaF() == 0 ? 0f : g.betaF() * c0[index];
                if (Float.floatToRawIntBits(kZero[index]) != Float.floatToRawIntBits(expected)) {
                    throw new AssertionError(g + ": k = 0 must give C = beta * C bitwise at " + index);
                }
            }
        }
        GemmCase overwrite = g.with(g.transA(), g.transB(), g.alpha(), 0);
        float[] nanC = c0.clone();
        for (int index = 0; index < nanC.length; index++) {
            if (g.insideC(index)) {
                nanC[index] = Float.NaN;
            }
        }
        float[] fromNaN = GemmJudge.runSgemm(kernel, overwrite, a, b, nanC);
        float[] fromValues = GemmJudge.runSgemm(kernel, overwrite, a, b, c0);
        for (int index = 0; index < c0.length; index++) {
            if (g.insideC(index) && Float.floatToRawIntBits(fromNaN[index]) != Float.floatToRawIntBits(fromValues[index])) {
                throw new AssertionError(overwrite + ": beta = 0 must not read C, but C's old value shows at " + index
                        + " (" + fromNaN[index] + " vs " + fromValues[index] + ")");
            }
        }
    }

    /** As the float form, for double kernels. */
    static void dgemmQuickReturns(DgemmKernel kernel, GemmCase g) {
        double[] a = g.doubleA();
        double[] b = g.doubleB();
        double[] c0 = g.doubleC();
        double[] nanA = a.clone();
        double[] nanB = b.clone();
        Arrays.fill(nanA, Double.NaN);
        Arrays.fill(nanB, Double.NaN);
        if (g.m() == 0 || g.n() == 0) {
            double[] nanC = c0.clone();
            Arrays.fill(nanC, Double.NaN);
            if (!Arrays.equals(GemmJudge.runDgemm(kernel, g, nanA, nanB, nanC), nanC)) {
                throw new AssertionError(g + ": m or n is 0, yet C changed");
            }
        }
        GemmCase noProduct = g.with(g.transA(), g.transB(), 0, g.beta());
        double[] scaled = GemmJudge.runDgemm(kernel, noProduct, nanA, nanB, c0);
        for (int index = 0; index < c0.length; index++) {
            double expected = !g.insideC(index) ? c0[index] : g.beta() == 0 ? 0d : g.beta() * c0[index];
            if (Double.doubleToRawLongBits(scaled[index]) != Double.doubleToRawLongBits(expected)) {
                throw new AssertionError(noProduct + ": alpha = 0 must give C = beta * C bitwise at " + index);
            }
        }
        if (g.k() == 0) {
            double[] kZero = GemmJudge.runDgemm(kernel, g, nanA, nanB, c0);
            for (int index = 0; index < c0.length; index++) {
                double expected = !g.insideC(index) ? c0[index] : g.beta() == 0 ? 0d : g.beta() * c0[index];
                if (Double.doubleToRawLongBits(kZero[index]) != Double.doubleToRawLongBits(expected)) {
                    throw new AssertionError(g + ": k = 0 must give C = beta * C bitwise at " + index);
                }
            }
        }
        GemmCase overwrite = g.with(g.transA(), g.transB(), g.alpha(), 0);
        double[] nanC = c0.clone();
        for (int index = 0; index < nanC.length; index++) {
            if (g.insideC(index)) {
                nanC[index] = Double.NaN;
            }
        }
        double[] fromNaN = GemmJudge.runDgemm(kernel, overwrite, a, b, nanC);
        double[] fromValues = GemmJudge.runDgemm(kernel, overwrite, a, b, c0);
        for (int index = 0; index < c0.length; index++) {
            if (g.insideC(index) && Double.doubleToRawLongBits(fromNaN[index]) != Double.doubleToRawLongBits(fromValues[index])) {
                throw new AssertionError(overwrite + ": beta = 0 must not read C, but C's old value shows at " + index);
            }
        }
    }
}
