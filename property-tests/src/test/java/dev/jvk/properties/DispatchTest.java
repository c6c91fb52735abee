package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.KernelInfo;
import dev.jvk.kernels.Kernels;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The dispatch honours the switches CI runs the suite with ({@code -Djvk.kernels}, {@code -Djvk.vectorBits}),
 * so each CI run really exercises the path it claims to.
 */
class DispatchTest {

    @Test
    void implementationFollowsTheSystemProperties() {
        KernelInfo info = Kernels.info();
        String forced = System.getProperty("jvk.kernels", "");
        if (forced.equals("scalar")) {
            assertThat(info.implementation()).isEqualTo("scalar");
            assertThat(info.vectorBits()).isZero();
            assertThat(info.reason()).contains("jvk.kernels=scalar");
            return;
        }
        if (c2Off()) { // CI's run with -XX:TieredStopAtLevel=1: the Vector API would not be intrinsified
            assertThat(info.implementation()).isEqualTo("scalar");
            assertThat(info.vectorBits()).isZero();
            assertThat(info.reason()).contains("C2 is off");
            return;
        }
        // Tests run with --add-modules jdk.incubator.vector and C2 on: the vector path must be chosen.
        assertThat(info.implementation()).isEqualTo("vector");
        assertThat(info.reason()).isEmpty();
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String cap = System.getProperty("jvk.vectorBits", "");
        int expected = cap.isEmpty() ? preferred : Math.min(preferred, Integer.parseInt(cap));
        assertThat(info.vectorBits()).isEqualTo(expected);
        assertThat(Kernels.vectorBits()).isEqualTo(expected);
    }

    private static boolean c2Off() {
        var diagnostics = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        return Integer.parseInt(diagnostics.getVMOption("TieredStopAtLevel").getValue()) < 4;
    }

    @Test
    void infoIsOneLineForPeople() {
        String line = Kernels.info().toString();
        assertThat(line).doesNotContain("\n").startsWith("jvk ").contains("JDK " + Runtime.version());
        assertThat(Kernels.info().gemmThreads()).isEqualTo(Gemm.threads()).isPositive();
    }

    @Test
    void setThreadsRejectsLessThanOne() {
        int before = Gemm.threads();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gemm.setThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads").hasMessageContaining("0");
        assertThat(Gemm.threads()).isEqualTo(before);
    }
}
