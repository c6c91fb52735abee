package dev.jvk.kernels.gemm;

import dev.jvk.kernels.spi.GemmKernels;
import dev.jvk.kernels.spi.LowPrecisionKernels;
import java.util.Arrays;

/**
 * Products with low-precision operands on the float GEMM, for the vector implementation of
 * {@code LowPrecision}'s GEMMs: the operands are widened to float a block at a time, by the
 * low-precision kernels' own conversions, into buffers of the calling thread's {@link Workspace}, so a
 * call allocates nothing once they have grown to its shape. The float GEMM they are handed to keeps
 * its own buffers apart.
 */
public final class WidenedGemm {
    private WidenedGemm() {}

    /*
     * The int8 GEMM. Every int8 product is an integer of magnitude at most 2^14, so any sum of at most
     * FLOAT_EXACT_TERMS = 1024 of them, and every partial sum on the way in any order, is an integer of
     * magnitude at most 2^24, which a float holds exactly: the float GEMM of the bytes widened to floats,
     * over a stretch of at most 1024 of k, is the exact int sum, whatever its blocking, vector width or
     * thread count. The stretches are added in int (wrapping, as the reference does). So the int8 GEMM
     * runs at the float GEMM's rate, less the widening of A and B and the int update of C, which are
     * O((m + n) k) and O(m n) against its O(m n k). It cannot beat float this way: without an int8
     * multiply-add instruction (VPDPBUSD or VPMADDWD, which the Vector API does not expose) a 512-bit
     * step does 16 products as float, and the exact integer pattern (SimdLowPrecision.dotInt8's pair
     * sums) needs about 7 instructions per 64 products, under half float's rate.
     */

    /** The most int8 products whose sum, and each partial sum, is exact in float: 2^24 / 2^14. */
    private static final int FLOAT_EXACT_TERMS = 1024;
    /** Floats in each widened block of A or B and in the float block of C: 4 MB each at most. */
    private static final int BLOCK_FLOATS = 1 << 20;

    /**
     * C (int, m x n) = A (int8, m x k) * B^T (B int8, n x k), exactly; {@code widen} converts the bytes
     * ({@code dequantizeInt8} with scale 1, exact), {@code gemm} multiplies them. m, n > 0.
     */
    public static void gemmInt8(GemmKernels gemm, LowPrecisionKernels widen, int m, int n, int k,
                                byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb, int[] c, int cOffset, int ldc) {
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0);
            }
            return;
        }
        int kc = Math.min(k, FLOAT_EXACT_TERMS);
        int mc = Math.min(m, BLOCK_FLOATS / kc);
        int nc = Math.min(n, Math.max(1, BLOCK_FLOATS / Math.max(kc, mc)));
        Workspace workspace = Workspace.acquire();
        try {
            float[] af = workspace.widenedA(mc * kc);
            float[] bf = workspace.widenedB(nc * kc);
            float[] cf = workspace.widenedC(mc * nc);
            for (int p = 0; p < k; p += kc) {
                int kb = Math.min(kc, k - p);
                for (int i = 0; i < m; i += mc) {
                    int mb = Math.min(mc, m - i);
                    for (int r = 0; r < mb; r++) {
                        widen.dequantizeInt8(1f, a, aOffset + (i + r) * lda + p, af, r * kb, kb);
                    }
                    for (int j = 0; j < n; j += nc) {
                        int nb = Math.min(nc, n - j);
                        for (int r = 0; r < nb; r++) {
                            widen.dequantizeInt8(1f, b, bOffset + (j + r) * ldb + p, bf, r * kb, kb);
                        }
                        gemm.sgemm(false, true, mb, nb, kb, 1f, af, 0, kb, bf, 0, kb, 0f, cf, 0, nb);
                        addExactInts(cf, mb, nb, c, cOffset + i * ldc + j, ldc, p == 0);
                    }
                }
            }
        } finally {
            Workspace.release(workspace);
        }
    }

    /** C (rows x cols at cOffset, ldc) = (first ? 0 : C) + f, f holding integers of magnitude <= 2^24 (row-major, cols wide). */
    private static void addExactInts(float[] f, int rows, int cols, int[] c, int cOffset, int ldc, boolean first) {
        for (int r = 0; r < rows; r++) {
            int row = cOffset + r * ldc;
            for (int j = 0; j < cols; j++) {
                int v = (int) f[r * cols + j];
                c[row + j] = first ? v : c[row + j] + v;
            }
        }
    }

    /** Weight rows per dequantized panel: a float panel of at most this many bytes stays in L2. */
    private static final int PANEL_BYTES = 256 * 1024;

    /**
     * C (m x n) = A (float, m x k) * W^T, W (n x k) int8 with a scale per row ({@code int8} and
     * {@code scales}) or bf16 ({@code bf16}; the other arrays null): a panel of W's rows at a time (at
     * least 16 rows, at most PANEL_BYTES of floats, so it stays in L2) is widened by {@code widen} and
     * multiplied by {@code gemm}, so each weight is widened once per call and the GEMM's packing and
     * blocking do the rest. m, n > 0.
     */
    public static void sgemmPanels(GemmKernels gemm, LowPrecisionKernels widen, int m, int n, int k,
                                   float[] a, int aOffset, int lda, byte[] int8, float[] scales, int scalesOffset,
                                   short[] bf16, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
        int rows = Math.min(n, Math.max(16, PANEL_BYTES / (Float.BYTES * k)));
        Workspace workspace = Workspace.acquire();
        try {
            float[] panel = workspace.widenedB(rows * k);
            for (int j = 0; j < n; j += rows) {
                int panelRows = Math.min(rows, n - j);
                for (int r = 0; r < panelRows; r++) {
                    int row = bOffset + (j + r) * ldb;
                    if (int8 != null) {
                        widen.dequantizeInt8(scales[scalesOffset + j + r], int8, row, panel, r * k, k);
                    } else {
                        widen.bf16ToFloat(bf16, row, panel, r * k, k);
                    }
                }
                gemm.sgemm(false, true, m, panelRows, k, 1f, a, aOffset, lda, panel, 0, k, 0f, c, cOffset + j, ldc);
            }
        } finally {
            Workspace.release(workspace);
        }
    }

    /**
     * C (m x n) = A (float, m x k) * B^T with B bf16 packed ({@code LowPrecisionKernels.bf16PackedIndex}): a group
     * of 32 rows of B is contiguous, k x 32 shorts, so {@code widen}'s bf16 conversion makes it a k x 32 float
     * block whose column 2t is row t of the group and column 2t + 1 row 16 + t; {@code gemm} multiplies A by it
     * (NN) into a float block of C's rows, whose columns go to their places in C. The last n % 32 rows, k x
     * (n % 32) in order, widen into a block whose product goes straight into C. Each weight is widened once per
     * call. m, n > 0.
     */
    public static void sgemmBf16Packed(GemmKernels gemm, LowPrecisionKernels widen, int m, int n, int k,
                                       float[] a, int aOffset, int lda, short[] packed, float[] c, int cOffset, int ldc) {
        int group = LowPrecisionKernels.BF16_GROUP;
        int half = group / 2;
        int full = n - n % group;
        int mc = Math.min(m, Math.max(1, BLOCK_FLOATS / group));
        Workspace workspace = Workspace.acquire();
        try {
            float[] panel = workspace.widenedB(group * k);
            float[] block = workspace.widenedC(mc * group);
            for (int j0 = 0; j0 < full; j0 += group) {
                widen.bf16ToFloat(packed, j0 * k, panel, 0, group * k);
                for (int i = 0; i < m; i += mc) {
                    int mb = Math.min(mc, m - i);
                    gemm.sgemm(false, false, mb, group, k, 1f, a, aOffset + i * lda, lda, panel, 0, group, 0f, block, 0, group);
                    for (int r = 0; r < mb; r++) {
                        int row = cOffset + (i + r) * ldc + j0;
                        for (int t = 0; t < half; t++) {
                            c[row + t] = block[r * group + 2 * t];
                            c[row + half + t] = block[r * group + 2 * t + 1];
                        }
                    }
                }
            }
            if (full < n) {
                int tail = n - full;
                widen.bf16ToFloat(packed, full * k, panel, 0, tail * k);
                gemm.sgemm(false, false, m, tail, k, 1f, a, aOffset, lda, panel, 0, tail, 0f, c, cOffset + full, ldc);
            }
        } finally {
            Workspace.release(workspace);
        }
    }
}
