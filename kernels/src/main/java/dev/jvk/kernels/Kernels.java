package dev.jvk.kernels;

import dev.jvk.kernels.platform.Platform;

/**
 * Says which implementation every kernel runs on in this JVM, chosen once at class initialisation.
 *
 * <p>The Vector API implementation is chosen when the module {@code jdk.incubator.vector} is
 * resolved, the JIT can intrinsify it (C2 is on) and the preferred species is at least 128 bits
 * wide. Otherwise the scalar reference runs, and one log line (through {@link System.Logger})
 * says why and how to enable the fast path.
 *
 * <p>System properties, read once at class initialisation:
 * <ul>
 *   <li>{@code -Djvk.kernels=scalar|vector} forces a choice ({@code vector} where it cannot run:
 *       a warning, then scalar);</li>
 *   <li>{@code -Djvk.vectorBits=128|256|512} caps the species width, so one wide machine can run
 *       the code paths of narrower ones.</li>
 * </ul>
 */
public final class Kernels {
    private Kernels() {}

    /** The implementation in use, its vector width, the GEMM thread count, the JDK and, when the fast path is off, why. */
    public static KernelInfo info() {
        return new KernelInfo(Platform.VECTOR ? "vector" : "scalar", Platform.VECTOR_BITS, Platform.threads(),
                Runtime.version() + " (" + System.getProperty("java.vm.name") + ")", Platform.REASON);
    }

    /** The vector width the kernels use, in bits: 0 for the scalar reference. */
    public static int vectorBits() {
        return Platform.VECTOR_BITS;
    }
}
