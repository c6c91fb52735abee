package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every way GEMM splits a product between threads gives the bits one thread gives, for 1, 2, 3
 * and 4 threads. On a small machine the thread decision would keep most products on one or two
 * threads, so the check runs in a child JVM told to split as a 4-processor machine would, and
 * every product with at least one panel per thread: {@code -Djvk.gemm.processors=4
 * -Djvk.gemm.minNanosPerThread=1}. The shapes take every split: one shared packed B block (several
 * MC, KC and NC blocks among them), column ranges (fewer row panels than threads), and row ranges
 * on the direct and narrow paths; float and double, arrays and shared segments, every transpose.
 */
class GemmThreadSplitsTest {
    /**
     * m, n, k: rows, each part packing its own B; shared A past KC (n > m); shared B past MC, KC and NC (m > n); columns (m of
     * 9 and of 1); direct; narrow; narrow and deep (dot products).
     */
    static final int[][] SHAPES = {{200, 210, 100}, {300, 1100, 600}, {1100, 600, 300}, {9, 2100, 33}, {1, 784, 256}, {60, 70, 50}, {300, 10, 200},
        {300, 10, 600}};
    static final int THREADS = 4;

    @Test
    @Tag("child-jvm")
    void everySplitForOneToFourThreadsGivesTheBitsOfOneThread() throws Exception {
        String output = ChildJvm.run(Splits.class, 300, List.of("-Xmx1g", "-Djvk.gemm.processors=4", "-Djvk.gemm.minNanosPerThread=1"));
        assertThat(output).doesNotContain("DIFFER");
        // shapes x 4 transposes x 2 precisions x (arrays, segments) x threads 2..4
        assertThat(output).contains("COMPARED " + SHAPES.length * 4 * 2 * 2 * (THREADS - 1));
        // the split threads ran: the pool grew to 3 workers
        assertThat(output).contains("WORKERS 3");
    }

    /** The child: each product on 1 thread, then on 2, 3 and 4, compared bitwise. */
    public static final class Splits {
        private Splits() {}

        public static void main(String[] args) {
            int compared = 0;
            long seed = 1;
            for (int[] shape : SHAPES) {
                for (Transpose ta : Transpose.values()) {
                    for (Transpose tb : Transpose.values()) {
                        var p = new GemmPathsProperties.Problem(shape, ta, tb, seed++);
                        Gemm.setThreads(1);
                        float[] fa = p.sgemmArrays(0.7f, -0.5f);
                        float[] fs = p.sgemmSegments(0.7f, -0.5f);
                        double[] da = p.dgemmArrays(0.7, -0.5);
                        double[] ds = p.dgemmSegments(0.7, -0.5);
                        for (int threads = 2; threads <= THREADS; threads++) {
                            Gemm.setThreads(threads);
                            String at = Arrays.toString(shape) + " " + ta + " " + tb + ", " + threads + " threads";
                            compared += same(Arrays.equals(p.sgemmArrays(0.7f, -0.5f), fa), "sgemm arrays " + at);
                            compared += same(Arrays.equals(p.sgemmSegments(0.7f, -0.5f), fs), "sgemm segments " + at);
                            compared += same(Arrays.equals(p.dgemmArrays(0.7, -0.5), da), "dgemm arrays " + at);
                            compared += same(Arrays.equals(p.dgemmSegments(0.7, -0.5), ds), "dgemm segments " + at);
                        }
                    }
                }
            }
            System.out.println("COMPARED " + compared);
            System.out.println("WORKERS " + Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("jvk-gemm-") && t.isDaemon()).count());
        }

        private static int same(boolean equal, String what) {
            if (!equal) {
                System.out.println("DIFFER " + what);
            }
            return 1;
        }
    }
}
