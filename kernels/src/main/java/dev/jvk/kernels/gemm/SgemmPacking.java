package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
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

    /** A species of exactly MR lanes, no wider than S (a column of a packed A panel), or null. */
    private static final VectorSpecies<Float> A_COLUMN = speciesOf(Platform.MR);

    private SgemmPacking() {}

    private static VectorSpecies<Float> speciesOf(int lanes) {
        int bits = lanes * Float.SIZE;
        if (Integer.bitCount(bits) != 1 || bits < 64 || bits > S.vectorBitSize()) {
            return null;
        }
        return S.withShape(VectorShape.forBitSize(bits));
    }

    /** Packs {@code mc x kc} of op(A) from (i0, p0) into panels of {@code mr} rows. */
    static void packA(float[] a, int ao, int lda, boolean trans, int i0, int p0, int mc, int kc, int mr, float[] ap) {
        packA(a, ao, lda, trans, i0, p0, mc, kc, mr, ap, 0);
    }

    /** {@link #packA(float[], int, int, boolean, int, int, int, int, int, float[])} into {@code ap} from {@code apo}. */
    static void packA(float[] a, int ao, int lda, boolean trans, int i0, int p0, int mc, int kc, int mr, float[] ap, int apo) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int dst = apo + ir * kc;
            if (trans) {
                // op(A)[i][p] = a[ao + p * lda + i]: the mr values of one p are contiguous, one
                // vector of mr lanes where there is such a species.
                int src = ao + p0 * lda + i0 + ir;
                if (A_COLUMN != null && mr == A_COLUMN.length() && rows == mr) {
                    for (int p = 0; p < kc; p++, src += lda, dst += mr) {
                        FloatVector.fromArray(A_COLUMN, a, src).intoArray(ap, dst);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += lda, dst += mr) {
                        int r = 0;
                        for (; r < rows; r++) {
                            ap[dst + r] = a[src + r];
                        }
                        for (; r < mr; r++) {
                            ap[dst + r] = 0;
                        }
                    }
                }
            } else {
                // op(A)[i][p] = a[ao + i * lda + p]: rows are contiguous; transpose 8 rows at a time.
                int src = ao + (i0 + ir) * lda + p0;
                int done = 0;
                if (TRANSPOSE8 && mr == 8 && rows == 8) {
                    done = kc - kc % L;
                    SgemmUnrolled.transposeToA(a, src, lda, done, ap, dst);
                }
                for (int p = done; p < kc; p++) {
                    int r = 0;
                    for (; r < rows; r++) {
                        ap[dst + p * mr + r] = a[src + r * lda + p];
                    }
                    for (; r < mr; r++) {
                        ap[dst + p * mr + r] = 0;
                    }
                }
            }
        }
    }

    /**
     * Packs {@code kc x nc} of op(B) from (p0, j0) into panels of NR columns, from {@code bp[bpo]}:
     * threads sharing one packed block each pack a slice of whole panels at its place.
     */
    static void packB(float[] b, int bo, int ldb, boolean trans, int p0, int j0, int kc, int nc, float[] bp, int bpo) {
        if (trans) {
            // op(B)[p][j] = b[bo + j * ldb + p]: column j of op(B) is contiguous; transpose 8 columns at a time.
            int full = TRANSPOSE8 ? kc - kc % L : 0;
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int dst = bpo + jr * kc;
                int src = bo + (j0 + jr) * ldb + p0;
                int j = 0;
                if (full > 0 && L == 16) {
                    for (; j + 16 <= cols; j += 16) {
                        SgemmUnrolled.transposeToB16(b, src + j * ldb, ldb, full, bp, dst + j);
                    }
                }
                if (full > 0 && L == 8) {
                    for (; j + 8 <= cols; j += 8) {
                        SgemmUnrolled.transposeToB(b, src + j * ldb, ldb, full, bp, dst + j);
                    }
                }
                // With 16 lanes, a last group of 8-15 columns is copied by the loop below: a
                // vector transposition of 8 columns into 16-lane rows took so many masked stores
                // that C1 gave up on the method (out of virtual registers), which can leave it
                // uncompiled for seconds.
                for (int p = 0; p < kc; p++) {
                    for (int jj = p < full ? j : 0; jj < cols; jj++) {
                        bp[dst + p * NR + jj] = b[src + jj * ldb + p];
                    }
                    for (int jj = cols; jj < NR; jj++) {
                        bp[dst + p * NR + jj] = 0;
                    }
                }
            }
        } else {
            // op(B)[p][j] = b[bo + p * ldb + j]: row by row, whole vectors, masked at the right edge
            // (the masks made once: made per row they cost as much as the copy).
            int whole = nc - nc % NR;
            VectorMask<Float> first = S.indexInRange(whole, nc);
            VectorMask<Float> second = S.indexInRange(whole + L, nc);
            boolean two = nc - whole > L;
            FloatVector zero = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int src = bo + (p0 + p) * ldb + j0;
                int dst = bpo + p * NR;
                for (int jr = 0; jr < whole; jr += NR) {
                    FloatVector.fromArray(S, b, src + jr).intoArray(bp, dst + jr * kc);
                    FloatVector.fromArray(S, b, src + jr + L).intoArray(bp, dst + jr * kc + L);
                }
                if (whole < nc) {
                    int edge = dst + whole * kc;
                    FloatVector.fromArray(S, b, src + whole, first).intoArray(bp, edge);
                    (two ? FloatVector.fromArray(S, b, src + whole + L, second) : zero).intoArray(bp, edge + L);
                }
            }
        }
    }

    /**
     * Packs {@code kc x n} of op(B) from (p0, 0) into rows of {@link #narrowWidth}(n) floats,
     * zero-padded: element (p, j) at {@code bp[p * narrowWidth(n) + j]}. n is no wider than one
     * vector, or two when B is stored transposed. The panel of the narrow kernels.
     */
    static void packBNarrow(float[] b, int bo, int ldb, boolean trans, int p0, int kc, int n, float[] bp) {
        FloatVector zero = FloatVector.zero(S);
        if (trans) {
            // op(B)[p][j] = b[bo + j * ldb + p]: n short contiguous columns, written with stride w
            int w = narrowWidth(n);
            for (int i = 0; i < kc * w; i += L) {
                zero.intoArray(bp, i);
            }
            for (int j = 0; j < n; j++) {
                int src = bo + j * ldb + p0;
                for (int p = 0; p < kc; p++) {
                    bp[p * w + j] = b[src + p];
                }
            }
        } else {
            // a row whose vector would pass the end of b is copied element by element: a masked load
            // there takes the Vector API's slow path (SgemmKernels.update)
            VectorMask<Float> in = S.indexInRange(0, n);
            for (int p = 0; p < kc; p++) {
                int src = bo + (p0 + p) * ldb;
                if (src + L <= b.length) {
                    FloatVector.fromArray(S, b, src, in).intoArray(bp, p * L);
                } else {
                    zero.intoArray(bp, p * L);
                    for (int j = 0; j < n; j++) { // n may be 0 with src past the end (a packed empty B)
                        bp[p * L + j] = b[src + j];
                    }
                }
            }
        }
    }

    /** The row of {@link #packBNarrow}'s panel: one vector for n up to one, else two. */
    static int narrowWidth(int n) {
        return n <= L ? L : 2 * L;
    }

    /**
     * Index vectors of the 8-row transposition ({@link SgemmUnrolled#transposeToA} and its B forms),
     * three rounds of two per round (see {@link #transposeRounds}), or null when the vector width
     * does not allow it (it needs 8 or 16 lanes).
     */
    static final float[] ROUNDS = transposeRounds(L);
    private static final boolean TRANSPOSE8 = ROUNDS != null;
    /** Lane selections joining two vectors' lower halves (first L) and upper halves (next L). */
    static final float[] HALVES = halves();

    private static float[] halves() {
        float[] h = new float[2 * L];
        for (int t = 0; t < L; t++) {
            int half = L / 2;
            h[t] = t < half ? t : L + t - half;               // lower halves: a[0..half), b[0..half)
            h[L + t] = t < half ? half + t : L + t;           // upper halves: a[half..L), b[half..L)
        }
        return h;
    }

    /**
     * The lane selections of the 8-row transposition for vectors of {@code lanes} lanes: for each round
     * s, {@code lo} then {@code hi} ({@code lanes} indexes each, into the 2 x lanes lanes of the pair,
     * the lower-numbered vector's first). Null for widths other than 8 and 16, which pack without
     * the transposition. Element (r, p) of the 8 x lanes block ends in vector {@code p / (lanes/8)},
     * lane {@code (p % (lanes/8)) * 8 + r} (a test follows every element through the rounds).
     * <ul>
     *   <li>8 lanes (each final vector one column): every round is the perfect unshuffle, {@code lo}
     *       the even lanes of the pair, {@code hi} the odd ones: lane t takes {@code 2t + h}
     *       ({@code h} 0 for lo, 1 for hi).</li>
     *   <li>16 lanes (each final vector two columns of 8 rows): round 0 takes the lanes congruent to
     *       {@code 2h} mod 4, then those congruent to {@code 2h + 1}: lane {@code t = 8g + u} takes
     *       {@code 4u + g + 2h}. Rounds 1 and 2 take the lanes of parity h in quarters: the first
     *       vector's lower half, the second's lower half, the first's upper half, the second's upper
     *       half: lane {@code t = 4q + u} takes {@code 2u + h + 16 (q & 1) + 8 (q >> 1)}.</li>
     * </ul>
     */
    static float[] transposeRounds(int lanes) {
        if (lanes != 8 && lanes != 16) {
            return null;
        }
        float[] rounds = new float[6 * lanes];
        for (int s = 0; s < 3; s++) {
            for (int h = 0; h < 2; h++) {
                for (int t = 0; t < lanes; t++) {
                    int q = t / 4;
                    int index = lanes == 8 ? 2 * t + h
                            : s == 0 ? 4 * (t % 8) + t / 8 + 2 * h
                            : 2 * (t % 4) + h + 16 * (q & 1) + 8 * (q >> 1);
                    rounds[(2 * s + h) * lanes + t] = index;
                }
            }
        }
        return rounds;
    }

    /**
     * Packs {@code mc x kc} of op(A) from a segment ({@code ao} counts floats): the rows it needs
     * are copied in bulk into {@code stage} (native byte order, any alignment), and packed from
     * there by the array routine, so segments get the same packing and the same bits.
     */
    static void packA(MemorySegment a, long ao, int lda, boolean trans, int i0, int p0, int mc, int kc, int mr,
                      float[] ap, float[] stage) {
        packA(a, ao, lda, trans, i0, p0, mc, kc, mr, ap, 0, stage);
    }

    /** {@link #packA(MemorySegment, long, int, boolean, int, int, int, int, int, float[], float[])} into {@code ap} from {@code apo}. */
    static void packA(MemorySegment a, long ao, int lda, boolean trans, int i0, int p0, int mc, int kc, int mr,
                      float[] ap, int apo, float[] stage) {
        // Stored rows i0..i0+mc, columns p0..p0+kc (as is), or rows p0..p0+kc, columns i0..i0+mc (transposed).
        int rows = trans ? kc : mc;
        int cols = trans ? mc : kc;
        long first = trans ? ao + (long) p0 * lda + i0 : ao + (long) i0 * lda + p0;
        stage(a, first, lda, rows, cols, stage);
        packA(stage, 0, cols, trans, 0, 0, mc, kc, mr, ap, apo);
    }

    /** Packs {@code kc x nc} of op(B) from a segment ({@code bo} counts floats), through {@code stage} as {@link #packA}. */
    static void packB(MemorySegment b, long bo, int ldb, boolean trans, int p0, int j0, int kc, int nc,
                      float[] bp, int bpo, float[] stage) {
        int rows = trans ? nc : kc;
        int cols = trans ? kc : nc;
        long first = trans ? bo + (long) j0 * ldb + p0 : bo + (long) p0 * ldb + j0;
        stage(b, first, ldb, rows, cols, stage);
        packB(stage, 0, cols, trans, 0, 0, kc, nc, bp, bpo);
    }

    /** Copies rows x cols floats of a segment, row r from element {@code first + r * ld}, into {@code stage} (ld = cols). */
    static void stage(MemorySegment x, long first, int ld, int rows, int cols, float[] stage) {
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(x, ELEMENT, (first + (long) r * ld) * Float.BYTES, stage, r * cols, cols);
        }
    }
}
