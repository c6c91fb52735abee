package dev.jvk.kernels.platform;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The facts every kernel is built from, fixed once per JVM: whether the Vector API runs and how
 * wide, the species, GEMM's threads and GEMM's register tile and cache blocks. The bottom layer:
 * it reads system properties and the JVM, and nothing else in jvk. The public classes, {@code simd},
 * {@code gemm} and {@code reference} read it; it reads none of them.
 *
 * <h2>Vector or scalar</h2>
 * The Vector API runs when the module {@code jdk.incubator.vector} is resolved, the JIT can
 * intrinsify it (C2 is on) and the preferred species is at least 128 bits wide. Otherwise the
 * scalar reference runs, and one log line (through {@link System.Logger}) says why and how to
 * enable the fast path. {@code -Djvk.kernels=scalar|vector} forces a choice ({@code vector} where it
 * cannot run: a warning, then scalar); {@code -Djvk.vectorBits=128|256|512} caps the width, so one
 * wide machine can run the code paths of narrower ones.
 *
 * <h2>GEMM blocks</h2>
 * The register tile (MR rows by NR columns, NR counted in vectors) and the cache blocks MC, KC,
 * NC (in elements) for the chosen width. The same numbers serve float and double: a double vector
 * holds half as many lanes, so a double tile has half the columns and the same bytes. Why these
 * numbers (measured on a Zen 5 core, 32 vector registers of 512 bits, 48 KB L1d, 1 MB L2; see
 * bench/RESULTS-gemm.md):
 * <ul>
 *   <li>512 bits: 8 x 2 vectors (8 x 32 floats). 16 accumulators, 2 B vectors and a broadcast fit
 *       the 32 registers with room; 8 broadcasts and 2 loads feed 16 FMAs per k step, and the loop
 *       has no spill. Taller tiles (12 x 2) or wider ones (6 x 4) spill or overflow L1.</li>
 *   <li>256 bits: 6 x 2 vectors (6 x 16 floats), the classic AVX2 tile: 12 accumulators, 2 B
 *       vectors and a broadcast fit the 16 registers AVX2 machines have.</li>
 *   <li>128 bits: 8 x 2 vectors (8 x 8 floats) for NEON's 32 registers.</li>
 *   <li>KC: the packed B panel ({@code KC x NR}) stays in L1 while A panels stream from L2;
 *       KC = 256 makes it 32 KB. MC: the packed A block ({@code MC x KC}) stays in L2.
 *       NC: the packed B block ({@code KC x NC}): 512 makes it 512 KB, so it stays in L2 beside
 *       the A block. One thread does not care (flat over NC 512-16384, and KC 128-512, MC
 *       96-2048), but two do: with NC 2048 each thread streamed its 2 MB B block from L3, and 2
 *       threads reached 1.52x one thread at 2048^3; with NC 512, 1.94x.</li>
 * </ul>
 * System properties (read once; for sweeps): {@code -Djvk.gemm.mc}, {@code -Djvk.gemm.kc},
 * {@code -Djvk.gemm.packedKc} (the K blocks of prepacked B, 1024), {@code -Djvk.gemm.nc}, and {@code -Djvk.gemm.direct=s}: products up to {@code s^3} multiply-adds
 * take the direct path. MC is rounded up to a multiple of MR and NC to a multiple of NR by the
 * engine. KC and PACKED_KC change the order in which each dot product is summed, so results depend
 * on them (never on MC, NC, the path or the thread count).
 *
 * <h2>Threads</h2>
 * GEMM's thread count, the caller's thread included: {@code -Djvk.threads}, else the available
 * processors, at most {@link #MAX_THREADS}. How many of them a product uses is decided from its
 * work by {@code gemm.GemmThreads}.
 */
public final class Platform {
    private static final System.Logger LOG = System.getLogger("dev.jvk.kernels");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Width in bits of the vector species, or 0 when the scalar reference runs. */
    public static final int VECTOR_BITS;
    /** Why the fast path is off; "" when on. */
    public static final String REASON;
    /** True when the Vector API kernels run. */
    public static final boolean VECTOR;

    /**
     * The most GEMM threads a call may use: 4 per available processor. More only adds idle
     * threads, each with its own packing buffers (up to ~1 MB), so a larger request is a mistake.
     */
    public static final int MAX_THREADS = 4 * Runtime.getRuntime().availableProcessors();

    /** Rows of the register tile: values of A broadcast per k step. */
    public static final int MR;
    /** Columns of the register tile, in vectors (B vectors loaded per k step). */
    public static final int NR_VECTORS = 2;
    /** Rows of C per packed block of A (L2). */
    public static final int MC;
    /** Depth of a packed block: terms of each dot product summed per pass over C (L1 panel of B). */
    public static final int KC;
    /**
     * Depth of a K block of a B packed once and kept ({@code PackedMatrix}): no call packs it, so one deep block
     * saves passes over C (784 inputs: one block of 784, not four of 196). A constant like KC, never fitted to a cache.
     */
    public static final int PACKED_KC;
    /** Columns of C per packed block of B (L2). */
    public static final int NC;
    /**
     * Products of at most this many multiply-adds ({@code m * n * k}, in long) take the direct path,
     * which packs nothing it can read in place; larger ones are packed. A limit of 48^3, 80^3 or
     * 128^3 measured the same at 64-128^3 (bench/RESULTS-gemm.md, the sweep).
     */
    public static final long DIRECT_MAX;

    private static volatile int threads;

    static {
        Choice choice = choose();
        VECTOR_BITS = choice.bits;
        REASON = choice.reason;
        VECTOR = choice.bits > 0;
        MR = VECTOR_BITS == 256 ? 6 : 8;
        MC = property("jvk.gemm.mc", 192, 1 << 20);
        KC = property("jvk.gemm.kc", 256, 1 << 20);
        PACKED_KC = property("jvk.gemm.packedKc", 1024, 1 << 20);
        NC = property("jvk.gemm.nc", 512, 1 << 20);
        long direct = property("jvk.gemm.direct", 80, 1 << 20);
        DIRECT_MAX = direct * direct * direct;
        threads = property("jvk.threads", Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    private Platform() {}

    /** GEMM's thread count, the caller's included. */
    public static int threads() {
        return threads;
    }

    /** Sets GEMM's thread count; the caller has checked {@code 1 <= threads <= MAX_THREADS}. */
    public static void setThreads(int count) {
        threads = count;
    }

    /** Rounds {@code value} up to a multiple of {@code unit}. */
    public static int roundUp(int value, int unit) {
        return (value + unit - 1) / unit * unit;
    }

    /**
     * The species every vector kernel uses, fixed from {@link #VECTOR_BITS}. Static finals, so C2
     * treats them as constants. A class of its own so that nothing touches the Vector API before
     * the vector implementation is chosen.
     */
    public static final class Species {
        private static final VectorShape SHAPE = VECTOR_BITS > 0
                ? VectorShape.forBitSize(VECTOR_BITS)
                : VectorShape.preferredShape();

        public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.withShape(SHAPE);
        public static final VectorSpecies<Double> DOUBLE = DoubleVector.SPECIES_PREFERRED.withShape(SHAPE);
        public static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED.withShape(SHAPE);
        public static final VectorSpecies<Long> LONG = LongVector.SPECIES_PREFERRED.withShape(SHAPE);

        private Species() {}
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
        if (!Platform.class.getModule().canRead(vector.get())) {
            Platform.class.getModule().addReads(vector.get());
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return "the JVM runs interpreted (-Xint), so the Vector API cannot be compiled";
        }
        return c2Missing();
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

    /**
     * An integer {@code -D} property in 1..max, else (unset) the fallback, or (anything else) the fallback with a
     * warning: the block sizes and GEMM's thread-decision properties are read here, so that none can make a size or
     * divisor zero.
     */
    public static int property(String name, int fallback, int max) {
        String text = System.getProperty(name, "").trim();
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the warning
        }
        LOG.log(Level.WARNING, "jvk: ignoring -D" + name + "=" + text + " (expected an integer in 1.." + max + ")");
        return fallback;
    }

    /** Touches the Vector API only after the module is known to be there. */
    private static final class PreferredWidth {
        static int bits() {
            return FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
