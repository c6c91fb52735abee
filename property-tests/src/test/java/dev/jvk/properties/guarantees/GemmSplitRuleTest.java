package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Which split SGEMM's packed path takes on 2 threads (a child JVM told it has 2 processors): each part packing its own
 * operand for a fixed range of C up to 2^24 multiply-adds per thread (256^3 and the MLP shapes: faster so on the AMD
 * Zen 4 host, bench/RESULTS-threads.md), one shared packed block with dealt blocks from 2^25 (512^3 and up).
 */
class GemmSplitRuleTest {

    @Test
    @Tag("child-jvm")
    void smallProductsPackTheirOwnOperandAndLargeOnesShareOne() throws Exception {
        String output = ChildJvm.run(Splits.class, 120, List.of("-Xmx256m", "-Djvk.gemm.processors=2", "-Djvk.threads=2"));
        assertThat(output).contains(
                "NN 256x256x256 ROWS 2",
                "NN 128x256x784 COLUMNS 2",
                "TN 784x256x128 ROWS 2",
                "NT 128x784x256 COLUMNS 2",
                "NN 512x512x512 SHARED_B 2",
                "NN 1024x1024x1024 SHARED_B 2",
                "NN 256x2048x1024 SHARED_A 2");
    }

    /** The child: the plan's split and parts for each shape on 2 threads, through the engine's own {@code Plan.split}. */
    public static final class Splits {
        private Splits() {}

        public static void main(String[] args) throws Exception {
            Class<?> workspaceClass = Class.forName("dev.jvk.kernels.gemm.Workspace");
            Object workspace = accessible(workspaceClass.getDeclaredMethod("acquire")).invoke(null);
            Object plan = accessible(workspaceClass.getDeclaredMethod("floatPlan")).invoke(workspace);
            Class<?> planClass = plan.getClass();
            Object problem = accessible(planClass.getDeclaredMethod("problem")).invoke(plan);
            Method set = accessible(problem.getClass().getDeclaredMethod("set", boolean.class, boolean.class, int.class, int.class, int.class,
                    float.class, float.class));
            Class<?> pathClass = Class.forName("dev.jvk.kernels.gemm.Sgemm$Path");
            Object packed = pathClass.getEnumConstants()[0];
            Method split = accessible(planClass.getDeclaredMethod("split", pathClass, int.class, workspaceClass));
            Field kind = accessible(planClass.getDeclaredField("split"));
            Field parts = accessible(planClass.getDeclaredField("parts"));
            int[][] shapes = {{0, 256, 256, 256}, {0, 128, 256, 784}, {2, 784, 256, 128}, {1, 128, 784, 256}, {0, 512, 512, 512},
                {0, 1024, 1024, 1024}, {0, 256, 2048, 1024}};
            for (int[] s : shapes) {
                boolean transA = s[0] == 2;
                boolean transB = s[0] == 1;
                set.invoke(problem, transA, transB, s[1], s[2], s[3], 1f, 0f);
                split.invoke(plan, packed, 2, workspace);
                System.out.println((transA ? "T" : "N") + (transB ? "T" : "N") + " " + s[1] + "x" + s[2] + "x" + s[3] + " " + kind.get(plan) + " "
                        + parts.get(plan));
            }
        }

        private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
            member.setAccessible(true);
            return member;
        }
    }
}
