package dev.jvk.kernels.gemm;

import dev.jvk.kernels.Kernels;
import java.lang.System.Logger.Level;

/**
 * Every per-width choice of the GEMM engine in one place: the register tile (MR rows by NR
 * columns, NR counted in vectors) and the cache blocks MC, KC, NC (in elements), for the vector
 * width {@link Kernels#vectorBits()} selects. The same numbers serve float and double: a double
 * vector holds half as many lanes, so a double tile has half the columns and the same bytes.
 *
 * <p>Why these numbers (measured on a Zen 5 core, 32 vector registers of 512 bits, 48 KB L1d,
 * 1 MB L2; see bench/RESULTS-gemm.md):
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
 *
 * <p>System properties (read once; for sweeps): {@code -Djvk.gemm.mc}, {@code -Djvk.gemm.kc},
 * {@code -Djvk.gemm.nc}, and {@code -Djvk.gemm.direct=s}: products up to {@code s^3} multiply-adds
 * take the direct path. MC is rounded up to a multiple of MR and NC to a multiple of NR by the
 * engine. KC changes the order in which each dot product is summed, so results depend on it
 * (never on MC, NC, the path or the thread count).
 */
public final class GemmConfig {
    private static final System.Logger LOG = System.getLogger("dev.jvk.kernels");

    /** Rows of the register tile: values of A broadcast per k step. */
    public static final int MR;
    /** Columns of the register tile, in vectors (B vectors loaded per k step). */
    public static final int NR_VECTORS = 2;
    /** Rows of C per packed block of A (L2). */
    public static final int MC;
    /** Depth of a packed block: terms of each dot product summed per pass over C (L1 panel of B). */
    public static final int KC;
    /** Columns of C per packed block of B (L3). */
    public static final int NC;
    /**
     * Products of at most this many multiply-adds ({@code m * n * k}, in long) take the direct path,
     * which packs nothing it can read in place; larger ones are packed. A limit of 48^3, 80^3 or
     * 128^3 measured the same at 64-128^3 (bench/RESULTS-gemm.md, the sweep).
     */
    public static final long DIRECT_MAX;
    /** Flops each thread should get at least: below that, waking a thread and packing B or A twice costs more than it saves. */
    public static final long MIN_FLOPS_PER_THREAD = 4L << 20;

    static {
        int bits = Kernels.vectorBits();
        MR = bits == 256 ? 6 : 8;
        MC = property("jvk.gemm.mc", 192);
        KC = property("jvk.gemm.kc", 256);
        NC = property("jvk.gemm.nc", 512);
        long direct = property("jvk.gemm.direct", 80);
        DIRECT_MAX = direct * direct * direct;
    }

    private GemmConfig() {}

    /** Rounds {@code value} up to a multiple of {@code unit}. */
    static int roundUp(int value, int unit) {
        return (value + unit - 1) / unit * unit;
    }

    private static int property(String name, int fallback) {
        String text = System.getProperty(name, "").trim();
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= 1 << 20) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the warning
        }
        LOG.log(Level.WARNING, "jvk: ignoring -D" + name + "=" + text + " (expected an integer in 1.." + (1 << 20) + ")");
        return fallback;
    }
}
