package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What GEMM's threads may cost: a thread count beyond 4 x the processors is refused, and a call
 * from a virtual thread does not leave its packing buffers with that thread.
 */
class GemmThreadsTest {

    @Test
    void setThreadsAboveFourTimesTheProcessorsIsRefusedNamingTheValueAndTheCap() {
        int before = Gemm.threads();
        int cap = 4 * Runtime.getRuntime().availableProcessors();
        for (int bad : new int[] {cap + 1, 1_000_000, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> Gemm.setThreads(bad)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("threads ").hasMessageContaining(String.valueOf(bad))
                    .hasMessageContaining(String.valueOf(cap));
            assertThat(Gemm.threads()).isEqualTo(before);
        }
        try {
            Gemm.setThreads(cap);
            assertThat(Gemm.threads()).isEqualTo(cap);
        } finally {
            Gemm.setThreads(before);
        }
    }

    /**
     * 1000 virtual threads, alive at once, each after one 8 x 128 x 128 SGEMM (64 KB of packed B):
     * kept per thread that is 64 MB, more than the child's 64 MB heap can hold beside the rest.
     */
    @Test
    @Tag("child-jvm")
    void virtualThreadsDoNotEachKeepPackingBuffers() throws Exception {
        String output = ChildJvm.run(ManyVirtualThreads.class, 300, List.of("-Xmx64m", "-XX:+UseSerialGC"));
        assertThat(output).contains("ALIVE 1000").doesNotContain("OutOfMemoryError").doesNotContain("WRONG");
    }

    /**
     * The thread decision's tuning properties set to 0 (as one might to mean "no minimum") are ignored with a
     * warning, as the block sizes' are, and the products they decide on come out right: not an
     * ArithmeticException from every product large enough to split.
     */
    @Test
    @Tag("child-jvm")
    void threadTuningPropertiesOfZeroAreIgnoredWithAWarning() throws Exception {
        String output = ChildJvm.run(ZeroTuning.class, 120, List.of("-Xmx256m", "-Djvk.threads=2", "-Djvk.gemm.processors=2",
                "-Djvk.gemm.minNanosPerThread=0", "-Djvk.gemm.flopsPerNano=0", "-Djvk.gemm.blocksPerPart=0"));
        assertThat(output).contains("PRODUCTS RIGHT 2").doesNotContain("ArithmeticException")
                .contains("ignoring -Djvk.gemm.minNanosPerThread=0", "ignoring -Djvk.gemm.flopsPerNano=0",
                        "ignoring -Djvk.gemm.blocksPerPart=0");
    }

    /** The child: a float and a double product of ones large enough to split, each element checked against k. */
    public static final class ZeroTuning {
        private ZeroTuning() {}

        public static void main(String[] args) {
            int n = 400;
            float[] a = new float[n * n];
            java.util.Arrays.fill(a, 1f);
            float[] c = new float[n * n];
            Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, a, 0f, c);
            double[] ad = new double[n * n];
            java.util.Arrays.fill(ad, 1);
            double[] cd = new double[n * n];
            Gemm.dgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1, ad, 0, n, ad, 0, n, 0, cd, 0, n);
            int right = 0;
            if (java.util.stream.IntStream.range(0, n * n).allMatch(i -> c[i] == n)) {
                right++;
            }
            if (java.util.stream.IntStream.range(0, n * n).allMatch(i -> cd[i] == n)) {
                right++;
            }
            System.out.println("PRODUCTS RIGHT " + right);
        }
    }

    /** The child: 1000 virtual threads multiply, then all wait together before they end. */
    public static final class ManyVirtualThreads {
        private ManyVirtualThreads() {}

        public static void main(String[] args) throws Exception {
            Gemm.setThreads(1);
            int threads = 1000;
            int m = 8;
            int n = 128;
            float[] a = new float[m * n];
            float[] b = new float[n * n];
            java.util.Arrays.fill(a, 1f);
            java.util.Arrays.fill(b, 1f);
            CountDownLatch multiplied = new CountDownLatch(threads);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                started.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (!multiplyOnce(a, b, m, n)) {
                            System.out.println("WRONG");
                        }
                    } finally {
                        multiplied.countDown();   // a thread that failed must not leave main waiting
                    }
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            multiplied.await();
            System.gc();
            System.out.println("ALIVE " + started.stream().filter(Thread::isAlive).count());
            release.countDown();
            for (Thread t : started) {
                t.join();
            }
        }
    }

    /**
     * C = A B, m x n x n: B is packed whole (64 KB at n = 128) while C is only m x n. In a frame of its
     * own, so that C is garbage once this returns and what a waiting thread still holds is GEMM's
     * doing, not the test's (an interpreted lambda would keep its locals alive across the wait).
     */
    static boolean multiplyOnce(float[] a, float[] b, int m, int n) {
        float[] c = new float[m * n];
        Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, m, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c[m * n - 1] == n;
    }
}
