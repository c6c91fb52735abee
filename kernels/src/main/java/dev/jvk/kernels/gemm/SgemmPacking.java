package dev.jvk.kernels.gemm;

import dev.jvk.kernels.simd.Species;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing: copies a block of op(A) or op(B) into the contiguous panels the micro-kernels read,
 * zero-padded to whole panels, so that every transpose form reaches the kernels in the same layout
 * and runs at the same speed.
 *
 * <ul>
 *   <li>A block ({@code mc x kc} of op(A) from row i0, column p0): panels of {@code mr} rows;
 *       panel q holds element (q*mr + r, p) at {@code ap[q * mr * kc + p * mr + r]}.</li>
 *   <li>B block ({@code kc x nc} of op(B) from row p0, column j0): panels of NR columns;
 *       panel q holds element (p, q*NR + j) at {@code bp[q * NR * kc + p * NR + j]}.</li>
 * </ul>
 * op(X) is X as stored (row-major) or its transpose: a row of op(X) is contiguous in memory when X
 * is not transposed, a column when it is.
 */
final class SgemmPacking {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    private static final int NR = SgemmKernels.NR;
    private static final ValueLayout.OfFloat ELEMENT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private SgemmPacking() {}

    /** Packs {@code mc x kc} of op(A) from (i0, p0) into panels of {@code mr} rows. */
    static void packA(float[] a, int ao, int lda, boolean trans, int i0, int p0, int mc, int kc, int mr, float[] ap) {
        int rowStep = trans ? 1 : lda;   // op(A)[i][p] = a[ao + i * rowStep + p * colStep]
        int colStep = trans ? lda : 1;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int dst = ir * kc;
            int src = ao + (i0 + ir) * rowStep + p0 * colStep;
            for (int p = 0; p < kc; p++, dst += mr, src += colStep) {
                int r = 0;
                for (; r < rows; r++) {
                    ap[dst + r] = a[src + r * rowStep];
                }
                for (; r < mr; r++) {
                    ap[dst + r] = 0;
                }
            }
        }
    }

    /** Packs {@code kc x nc} of op(B) from (p0, j0) into panels of NR columns. */
    static void packB(float[] b, int bo, int ldb, boolean trans, int p0, int j0, int kc, int nc, float[] bp) {
        if (trans) {
            // op(B)[p][j] = b[bo + j * ldb + p]: column j of op(B) is contiguous.
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int dst = jr * kc;
                for (int p = 0; p < kc; p++, dst += NR) {
                    int src = bo + (j0 + jr) * ldb + p0 + p;
                    int j = 0;
                    for (; j < cols; j++) {
                        bp[dst + j] = b[src + j * ldb];
                    }
                    for (; j < NR; j++) {
                        bp[dst + j] = 0;
                    }
                }
            }
        } else {
            // op(B)[p][j] = b[bo + p * ldb + j]: row by row, whole vectors, masked at the right edge.
            for (int p = 0; p < kc; p++) {
                int src = bo + (p0 + p) * ldb + j0;
                for (int jr = 0; jr < nc; jr += NR) {
                    int dst = jr * kc + p * NR;
                    for (int j = 0; j < NR; j += L) {
                        VectorMask<Float> in = S.indexInRange(jr + j, nc);
                        FloatVector.fromArray(S, b, src + jr + j, in).intoArray(bp, dst + j);
                    }
                }
            }
        }
    }

    /** Packs {@code mc x kc} of op(A) off-heap ({@code ao} counts floats) into panels of {@code mr} rows. */
    static void packA(MemorySegment a, long ao, int lda, boolean trans, int i0, int p0, int mc, int kc, int mr, float[] ap) {
        long rowStep = trans ? 1 : lda;
        long colStep = trans ? lda : 1;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int dst = ir * kc;
            long src = ao + (i0 + ir) * rowStep + p0 * colStep;
            for (int p = 0; p < kc; p++, dst += mr, src += colStep) {
                int r = 0;
                for (; r < rows; r++) {
                    ap[dst + r] = a.getAtIndex(ELEMENT, src + r * rowStep);
                }
                for (; r < mr; r++) {
                    ap[dst + r] = 0;
                }
            }
        }
    }

    /** Packs {@code kc x nc} of op(B) off-heap ({@code bo} counts floats) into panels of NR columns. */
    static void packB(MemorySegment b, long bo, int ldb, boolean trans, int p0, int j0, int kc, int nc, float[] bp) {
        if (trans) {
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int dst = jr * kc;
                for (int p = 0; p < kc; p++, dst += NR) {
                    long src = bo + (long) (j0 + jr) * ldb + p0 + p;
                    int j = 0;
                    for (; j < cols; j++) {
                        bp[dst + j] = b.getAtIndex(ELEMENT, src + (long) j * ldb);
                    }
                    for (; j < NR; j++) {
                        bp[dst + j] = 0;
                    }
                }
            }
        } else {
            ByteOrder order = ByteOrder.nativeOrder();
            for (int p = 0; p < kc; p++) {
                long src = bo + (long) (p0 + p) * ldb + j0;
                for (int jr = 0; jr < nc; jr += NR) {
                    int dst = jr * kc + p * NR;
                    for (int j = 0; j < NR; j += L) {
                        VectorMask<Float> in = S.indexInRange(jr + j, nc);
                        FloatVector.fromMemorySegment(S, b, (src + jr + j) * Float.BYTES, order, in).intoArray(bp, dst + j);
                    }
                }
            }
        }
    }
}
