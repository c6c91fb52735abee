package dev.jvk.kernels;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Chooses, once per JVM, which implementation every kernel runs on, and says which.
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
    private static final System.Logger LOG = System.getLogger("dev.jvk.kernels");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Width in bits of the vector species, or 0 when the scalar reference runs. */
    static final int VECTOR_BITS;
    /** Why the fast path is off; "" when on. */
    static final String REASON;
    /** True when the Vector API kernels run: a constant, so the JIT folds every dispatch. */
    static final boolean VECTOR;

    static {
        Choice choice = choose();
        VECTOR_BITS = choice.bits;
        REASON = choice.reason;
        VECTOR = choice.bits > 0;
    }

    private Kernels() {}

    /** The implementation in use, its vector width, the GEMM thread count, the JDK and, when the fast path is off, why. */
    public static KernelInfo info() {
        return new KernelInfo(VECTOR ? "vector" : "scalar", VECTOR_BITS, Gemm.threads(),
                Runtime.version() + " (" + System.getProperty("java.vm.name") + ")", REASON);
    }

    /**
     * The vector width the kernels use, in bits: 0 for the scalar reference. Internal code in
     * {@code dev.jvk.kernels.simd} builds its species from this one number.
     */
    public static int vectorBits() {
        return VECTOR_BITS;
    }

    private record Choice(int bits, String reason) {}

    private static Choice choose() {
        String forced = System.getProperty("jvk.kernels", "").trim();
        if (!forced.isEmpty() && !forced.equals("scalar") && !forced.equals("vector")) {
            LOG.log(Level.WARNING, "jvk: ignoring -Djvk.kernels=" + forced + " (expected scalar or vector)");
            forced = "";
        }
        if (forced.equals("scalar")) {
            return new Choice(0, "scalar forced by -Djvk.kernels=scalar");
        }
        String unavailable = whyVectorUnavailable();
        if (unavailable != null) {
            String how = unavailable.startsWith("module") ? "; add --add-modules " + VECTOR_MODULE + " to the java command for the SIMD fast path" : "";
            unavailable += how;
            if (forced.equals("vector")) {
                LOG.log(Level.WARNING, "jvk: -Djvk.kernels=vector cannot run here: " + unavailable + "; using the scalar reference kernels");
            } else {
                LOG.log(Level.INFO, "jvk: using the scalar reference kernels: " + unavailable);
            }
            return new Choice(0, unavailable);
        }
        int preferred = PreferredWidth.bits();
        int bits = Math.min(preferred, widthCap());
        if (bits < 128) {
            String reason = "the preferred vector species is " + preferred + " bits (at least 128 needed)";
            LOG.log(Level.INFO, "jvk: using the scalar reference kernels: " + reason);
            return new Choice(0, reason);
        }
        return new Choice(bits, "");
    }

    /** Null when the Vector API can run fast here, else the reason it cannot. */
    private static String whyVectorUnavailable() {
        Optional<Module> vector = ModuleLayer.boot().findModule(VECTOR_MODULE);
        if (vector.isEmpty()) {
            return "module " + VECTOR_MODULE + " is not resolved";
        }
        if (!Kernels.class.getModule().canRead(vector.get())) {
            Kernels.class.getModule().addReads(vector.get());
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return "the JVM runs interpreted (-Xint), so the Vector API cannot be compiled";
        }
        String c2 = c2Missing();
        return c2;
    }

    /** Null when C2 compiles hot code, else why not; unknown answers count as "C2 on". */
    private static String c2Missing() {
        try {
            var diagnostics = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (diagnostics == null) {
                return null;
            }
            if (Boolean.parseBoolean(diagnostics.getVMOption("UseCompiler").getValue())
                    && Integer.parseInt(diagnostics.getVMOption("TieredStopAtLevel").getValue()) < 4
                    && Boolean.parseBoolean(diagnostics.getVMOption("TieredCompilation").getValue())) {
                return "C2 is off (-XX:TieredStopAtLevel < 4), so the Vector API would not be intrinsified";
            }
            if (!Boolean.parseBoolean(diagnostics.getVMOption("UseCompiler").getValue())) {
                return "the JIT is off, so the Vector API cannot be compiled";
            }
            return null;
        } catch (LinkageError | RuntimeException notHotSpot) {
            return null;
        }
    }

    private static int widthCap() {
        String cap = System.getProperty("jvk.vectorBits", "").trim();
        if (cap.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        switch (cap) {
            case "128": return 128;
            case "256": return 256;
            case "512": return 512;
            default:
                LOG.log(Level.WARNING, "jvk: ignoring -Djvk.vectorBits=" + cap + " (expected 128, 256 or 512)");
                return Integer.MAX_VALUE;
        }
    }

    /** Touches the Vector API only after the module is known to be there. */
    private static final class PreferredWidth {
        static int bits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
