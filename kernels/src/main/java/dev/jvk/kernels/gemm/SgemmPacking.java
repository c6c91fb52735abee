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
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int dst = ir * kc;
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
                    transposeToA(a, src, lda, done, ap, dst);
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

    /** Packs {@code kc x nc} of op(B) from (p0, j0) into panels of NR columns. */
    static void packB(float[] b, int bo, int ldb, boolean trans, int p0, int j0, int kc, int nc, float[] bp) {
        if (trans) {
            // op(B)[p][j] = b[bo + j * ldb + p]: column j of op(B) is contiguous; transpose 8 columns at a time.
            int full = TRANSPOSE8 ? kc - kc % L : 0;
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int dst = jr * kc;
                int src = bo + (j0 + jr) * ldb + p0;
                int j = 0;
                if (full > 0 && L == 16) {
                    for (; j + 16 <= cols; j += 16) {
                        transposeToB16(b, src + j * ldb, ldb, full, bp, dst + j);
                    }
                }
                if (full > 0 && L == 8) {
                    for (; j + 8 <= cols; j += 8) {
                        transposeToB(b, src + j * ldb, ldb, full, bp, dst + j);
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
                int dst = p * NR;
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
     * Packs {@code kc x n} of op(B) from (p0, 0), n no wider than one vector, into rows of one
     * vector, zero-padded: element (p, j) at {@code bp[p * L + j]}. The panel of the narrow kernels.
     */
    static void packBNarrow(float[] b, int bo, int ldb, boolean trans, int p0, int kc, int n, float[] bp) {
        if (trans) {
            // op(B)[p][j] = b[bo + j * ldb + p]: n short contiguous columns, written with stride L
            FloatVector zero = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                zero.intoArray(bp, p * L);
            }
            for (int j = 0; j < n; j++) {
                int src = bo + j * ldb + p0;
                for (int p = 0; p < kc; p++) {
                    bp[p * L + j] = b[src + p];
                }
            }
        } else {
            VectorMask<Float> in = S.indexInRange(0, n);
            for (int p = 0; p < kc; p++) {
                FloatVector.fromArray(S, b, bo + (p0 + p) * ldb, in).intoArray(bp, p * L);
            }
        }
    }

    /**
     * Index vectors of the 8-row transposition, three rounds of two per round (see
     * {@link #transposeToA}), or null when the vector width does not allow it (it needs 8 or 16 lanes).
     */
    private static final float[] ROUNDS = transposeRounds();
    private static final boolean TRANSPOSE8 = ROUNDS != null;
    /** Lane selections joining two vectors' lower halves (first L) and upper halves (next L). */
    private static final float[] HALVES = halves();

    /*
     * The 8-row transposition. An 8 x L block (8 rows of a row-major source, L consecutive columns
     * each) is loaded as 8 vectors and transposed in registers in three rounds: in round s,
     * vectors whose row index differs in bit s are paired, and two-source lane selections (one
     * instruction each, vpermt2ps on AVX-512) swap that bit of the row index with a bit of the
     * column index. After the third round vector q holds columns q*L/8 .. q*L/8 + L/8 - 1, 8 rows
     * each. Two copies of the rounds, one per destination layout: one method holding both was too
     * large for C1, which gave up on it, leaving it to the interpreter until C2 compiled it.
     */

    /**
     * Copies the 8 x count block {@code src[s0 + r * ld + p]} (r < 8, count a multiple of L) into
     * a packed A panel: element (r, p) to {@code dst[d0 + p * 8 + r]}, whole vectors.
     */
    private static void transposeToA(float[] src, int s0, int ld, int count, float[] dst, int d0) {
        FloatVector lo0 = FloatVector.fromArray(S, ROUNDS, 0);
        FloatVector hi0 = FloatVector.fromArray(S, ROUNDS, L);
        FloatVector lo1 = FloatVector.fromArray(S, ROUNDS, 2 * L);
        FloatVector hi1 = FloatVector.fromArray(S, ROUNDS, 3 * L);
        FloatVector lo2 = FloatVector.fromArray(S, ROUNDS, 4 * L);
        FloatVector hi2 = FloatVector.fromArray(S, ROUNDS, 5 * L);
        for (int p = 0; p < count; p += L) {
            int at = s0 + p;
            FloatVector x0 = FloatVector.fromArray(S, src, at);
            FloatVector x1 = FloatVector.fromArray(S, src, at + ld);
            FloatVector x2 = FloatVector.fromArray(S, src, at + 2 * ld);
            FloatVector x3 = FloatVector.fromArray(S, src, at + 3 * ld);
            FloatVector x4 = FloatVector.fromArray(S, src, at + 4 * ld);
            FloatVector x5 = FloatVector.fromArray(S, src, at + 5 * ld);
            FloatVector x6 = FloatVector.fromArray(S, src, at + 6 * ld);
            FloatVector x7 = FloatVector.fromArray(S, src, at + 7 * ld);
            // round 0: rows 2i and 2i+1
            FloatVector y0 = lo0.selectFrom(x0, x1);
            FloatVector y1 = hi0.selectFrom(x0, x1);
            FloatVector y2 = lo0.selectFrom(x2, x3);
            FloatVector y3 = hi0.selectFrom(x2, x3);
            FloatVector y4 = lo0.selectFrom(x4, x5);
            FloatVector y5 = hi0.selectFrom(x4, x5);
            FloatVector y6 = lo0.selectFrom(x6, x7);
            FloatVector y7 = hi0.selectFrom(x6, x7);
            // round 1: vectors 4i + j and 4i + j + 2
            FloatVector z0 = lo1.selectFrom(y0, y2);
            FloatVector z2 = hi1.selectFrom(y0, y2);
            FloatVector z1 = lo1.selectFrom(y1, y3);
            FloatVector z3 = hi1.selectFrom(y1, y3);
            FloatVector z4 = lo1.selectFrom(y4, y6);
            FloatVector z6 = hi1.selectFrom(y4, y6);
            FloatVector z5 = lo1.selectFrom(y5, y7);
            FloatVector z7 = hi1.selectFrom(y5, y7);
            // round 2: vectors j and j + 4
            FloatVector w0 = lo2.selectFrom(z0, z4);
            FloatVector w4 = hi2.selectFrom(z0, z4);
            FloatVector w1 = lo2.selectFrom(z1, z5);
            FloatVector w5 = hi2.selectFrom(z1, z5);
            FloatVector w2 = lo2.selectFrom(z2, z6);
            FloatVector w6 = hi2.selectFrom(z2, z6);
            FloatVector w3 = lo2.selectFrom(z3, z7);
            FloatVector w7 = hi2.selectFrom(z3, z7);
            int d = d0 + p * 8;
            w0.intoArray(dst, d);
            w1.intoArray(dst, d + L);
            w2.intoArray(dst, d + 2 * L);
            w3.intoArray(dst, d + 3 * L);
            w4.intoArray(dst, d + 4 * L);
            w5.intoArray(dst, d + 5 * L);
            w6.intoArray(dst, d + 6 * L);
            w7.intoArray(dst, d + 7 * L);
        }
    }

    /**
     * Copies the 8 x count block {@code src[s0 + r * ld + p]} (r < 8, count a multiple of L) into
     * a packed B panel: element (r, p) to {@code dst[d0 + p * NR + r]}, for vectors of 8 lanes
     * (one column of the block per vector).
     */
    private static void transposeToB(float[] src, int s0, int ld, int count, float[] dst, int d0) {
        FloatVector lo0 = FloatVector.fromArray(S, ROUNDS, 0);
        FloatVector hi0 = FloatVector.fromArray(S, ROUNDS, L);
        FloatVector lo1 = FloatVector.fromArray(S, ROUNDS, 2 * L);
        FloatVector hi1 = FloatVector.fromArray(S, ROUNDS, 3 * L);
        FloatVector lo2 = FloatVector.fromArray(S, ROUNDS, 4 * L);
        FloatVector hi2 = FloatVector.fromArray(S, ROUNDS, 5 * L);
        for (int p = 0; p < count; p += L) {
            int at = s0 + p;
            FloatVector x0 = FloatVector.fromArray(S, src, at);
            FloatVector x1 = FloatVector.fromArray(S, src, at + ld);
            FloatVector x2 = FloatVector.fromArray(S, src, at + 2 * ld);
            FloatVector x3 = FloatVector.fromArray(S, src, at + 3 * ld);
            FloatVector x4 = FloatVector.fromArray(S, src, at + 4 * ld);
            FloatVector x5 = FloatVector.fromArray(S, src, at + 5 * ld);
            FloatVector x6 = FloatVector.fromArray(S, src, at + 6 * ld);
            FloatVector x7 = FloatVector.fromArray(S, src, at + 7 * ld);
            // round 0: rows 2i and 2i+1
            FloatVector y0 = lo0.selectFrom(x0, x1);
            FloatVector y1 = hi0.selectFrom(x0, x1);
            FloatVector y2 = lo0.selectFrom(x2, x3);
            FloatVector y3 = hi0.selectFrom(x2, x3);
            FloatVector y4 = lo0.selectFrom(x4, x5);
            FloatVector y5 = hi0.selectFrom(x4, x5);
            FloatVector y6 = lo0.selectFrom(x6, x7);
            FloatVector y7 = hi0.selectFrom(x6, x7);
            // round 1: vectors 4i + j and 4i + j + 2
            FloatVector z0 = lo1.selectFrom(y0, y2);
            FloatVector z2 = hi1.selectFrom(y0, y2);
            FloatVector z1 = lo1.selectFrom(y1, y3);
            FloatVector z3 = hi1.selectFrom(y1, y3);
            FloatVector z4 = lo1.selectFrom(y4, y6);
            FloatVector z6 = hi1.selectFrom(y4, y6);
            FloatVector z5 = lo1.selectFrom(y5, y7);
            FloatVector z7 = hi1.selectFrom(y5, y7);
            // round 2: vectors j and j + 4
            FloatVector w0 = lo2.selectFrom(z0, z4);
            FloatVector w4 = hi2.selectFrom(z0, z4);
            FloatVector w1 = lo2.selectFrom(z1, z5);
            FloatVector w5 = hi2.selectFrom(z1, z5);
            FloatVector w2 = lo2.selectFrom(z2, z6);
            FloatVector w6 = hi2.selectFrom(z2, z6);
            FloatVector w3 = lo2.selectFrom(z3, z7);
            FloatVector w7 = hi2.selectFrom(z3, z7);
            int d = d0 + p * NR;
            w0.intoArray(dst, d);
            w1.intoArray(dst, d + NR);
            w2.intoArray(dst, d + 2 * NR);
            w3.intoArray(dst, d + 3 * NR);
            w4.intoArray(dst, d + 4 * NR);
            w5.intoArray(dst, d + 5 * NR);
            w6.intoArray(dst, d + 6 * NR);
            w7.intoArray(dst, d + 7 * NR);
        }
    }

    /**
     * As {@link #transposeToB} for vectors of 16 lanes, 16 columns of op(B) at once: two 8-row
     * transpositions, then one more selection per destination row joins their halves (lanes 0-7
     * of each for row 2q, lanes 8-15 for row 2q + 1) into a whole vector, so every store is a
     * whole vector.
     */
    private static void transposeToB16(float[] src, int s0, int ld, int count, float[] dst, int d0) {
        FloatVector lo0 = FloatVector.fromArray(S, ROUNDS, 0);
        FloatVector hi0 = FloatVector.fromArray(S, ROUNDS, L);
        FloatVector lo1 = FloatVector.fromArray(S, ROUNDS, 2 * L);
        FloatVector hi1 = FloatVector.fromArray(S, ROUNDS, 3 * L);
        FloatVector lo2 = FloatVector.fromArray(S, ROUNDS, 4 * L);
        FloatVector hi2 = FloatVector.fromArray(S, ROUNDS, 5 * L);
        FloatVector low = FloatVector.fromArray(S, HALVES, 0);
        FloatVector high = FloatVector.fromArray(S, HALVES, L);
        for (int p = 0; p < count; p += L) {
            int at = s0 + p;
            FloatVector ux0 = FloatVector.fromArray(S, src, at);
            FloatVector ux1 = FloatVector.fromArray(S, src, at + ld);
            FloatVector ux2 = FloatVector.fromArray(S, src, at + 2 * ld);
            FloatVector ux3 = FloatVector.fromArray(S, src, at + 3 * ld);
            FloatVector ux4 = FloatVector.fromArray(S, src, at + 4 * ld);
            FloatVector ux5 = FloatVector.fromArray(S, src, at + 5 * ld);
            FloatVector ux6 = FloatVector.fromArray(S, src, at + 6 * ld);
            FloatVector ux7 = FloatVector.fromArray(S, src, at + 7 * ld);
            // columns 0-7, round 0: rows 2i and 2i+1
            FloatVector uy0 = lo0.selectFrom(ux0, ux1);
            FloatVector uy1 = hi0.selectFrom(ux0, ux1);
            FloatVector uy2 = lo0.selectFrom(ux2, ux3);
            FloatVector uy3 = hi0.selectFrom(ux2, ux3);
            FloatVector uy4 = lo0.selectFrom(ux4, ux5);
            FloatVector uy5 = hi0.selectFrom(ux4, ux5);
            FloatVector uy6 = lo0.selectFrom(ux6, ux7);
            FloatVector uy7 = hi0.selectFrom(ux6, ux7);
            // columns 0-7, round 1: vectors 4i + j and 4i + j + 2
            FloatVector uz0 = lo1.selectFrom(uy0, uy2);
            FloatVector uz2 = hi1.selectFrom(uy0, uy2);
            FloatVector uz1 = lo1.selectFrom(uy1, uy3);
            FloatVector uz3 = hi1.selectFrom(uy1, uy3);
            FloatVector uz4 = lo1.selectFrom(uy4, uy6);
            FloatVector uz6 = hi1.selectFrom(uy4, uy6);
            FloatVector uz5 = lo1.selectFrom(uy5, uy7);
            FloatVector uz7 = hi1.selectFrom(uy5, uy7);
            // columns 0-7, round 2: vectors j and j + 4
            FloatVector uw0 = lo2.selectFrom(uz0, uz4);
            FloatVector uw4 = hi2.selectFrom(uz0, uz4);
            FloatVector uw1 = lo2.selectFrom(uz1, uz5);
            FloatVector uw5 = hi2.selectFrom(uz1, uz5);
            FloatVector uw2 = lo2.selectFrom(uz2, uz6);
            FloatVector uw6 = hi2.selectFrom(uz2, uz6);
            FloatVector uw3 = lo2.selectFrom(uz3, uz7);
            FloatVector uw7 = hi2.selectFrom(uz3, uz7);
            FloatVector vx0 = FloatVector.fromArray(S, src, at + 8 * ld);
            FloatVector vx1 = FloatVector.fromArray(S, src, at + 9 * ld);
            FloatVector vx2 = FloatVector.fromArray(S, src, at + 10 * ld);
            FloatVector vx3 = FloatVector.fromArray(S, src, at + 11 * ld);
            FloatVector vx4 = FloatVector.fromArray(S, src, at + 12 * ld);
            FloatVector vx5 = FloatVector.fromArray(S, src, at + 13 * ld);
            FloatVector vx6 = FloatVector.fromArray(S, src, at + 14 * ld);
            FloatVector vx7 = FloatVector.fromArray(S, src, at + 15 * ld);
            // columns 8-15, round 0: rows 2i and 2i+1
            FloatVector vy0 = lo0.selectFrom(vx0, vx1);
            FloatVector vy1 = hi0.selectFrom(vx0, vx1);
            FloatVector vy2 = lo0.selectFrom(vx2, vx3);
            FloatVector vy3 = hi0.selectFrom(vx2, vx3);
            FloatVector vy4 = lo0.selectFrom(vx4, vx5);
            FloatVector vy5 = hi0.selectFrom(vx4, vx5);
            FloatVector vy6 = lo0.selectFrom(vx6, vx7);
            FloatVector vy7 = hi0.selectFrom(vx6, vx7);
            // columns 8-15, round 1: vectors 4i + j and 4i + j + 2
            FloatVector vz0 = lo1.selectFrom(vy0, vy2);
            FloatVector vz2 = hi1.selectFrom(vy0, vy2);
            FloatVector vz1 = lo1.selectFrom(vy1, vy3);
            FloatVector vz3 = hi1.selectFrom(vy1, vy3);
            FloatVector vz4 = lo1.selectFrom(vy4, vy6);
            FloatVector vz6 = hi1.selectFrom(vy4, vy6);
            FloatVector vz5 = lo1.selectFrom(vy5, vy7);
            FloatVector vz7 = hi1.selectFrom(vy5, vy7);
            // columns 8-15, round 2: vectors j and j + 4
            FloatVector vw0 = lo2.selectFrom(vz0, vz4);
            FloatVector vw4 = hi2.selectFrom(vz0, vz4);
            FloatVector vw1 = lo2.selectFrom(vz1, vz5);
            FloatVector vw5 = hi2.selectFrom(vz1, vz5);
            FloatVector vw2 = lo2.selectFrom(vz2, vz6);
            FloatVector vw6 = hi2.selectFrom(vz2, vz6);
            FloatVector vw3 = lo2.selectFrom(vz3, vz7);
            FloatVector vw7 = hi2.selectFrom(vz3, vz7);
            int d = d0 + p * NR;
            low.selectFrom(uw0, vw0).intoArray(dst, d);
            high.selectFrom(uw0, vw0).intoArray(dst, d + 1 * NR);
            low.selectFrom(uw1, vw1).intoArray(dst, d + 2 * NR);
            high.selectFrom(uw1, vw1).intoArray(dst, d + 3 * NR);
            low.selectFrom(uw2, vw2).intoArray(dst, d + 4 * NR);
            high.selectFrom(uw2, vw2).intoArray(dst, d + 5 * NR);
            low.selectFrom(uw3, vw3).intoArray(dst, d + 6 * NR);
            high.selectFrom(uw3, vw3).intoArray(dst, d + 7 * NR);
            low.selectFrom(uw4, vw4).intoArray(dst, d + 8 * NR);
            high.selectFrom(uw4, vw4).intoArray(dst, d + 9 * NR);
            low.selectFrom(uw5, vw5).intoArray(dst, d + 10 * NR);
            high.selectFrom(uw5, vw5).intoArray(dst, d + 11 * NR);
            low.selectFrom(uw6, vw6).intoArray(dst, d + 12 * NR);
            high.selectFrom(uw6, vw6).intoArray(dst, d + 13 * NR);
            low.selectFrom(uw7, vw7).intoArray(dst, d + 14 * NR);
            high.selectFrom(uw7, vw7).intoArray(dst, d + 15 * NR);
        }
    }

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
     * Works out the lane selections of the 8-row transposition by following every element through the
     * three rounds, and checks that they deliver each one to its place and that one pair of index
     * vectors serves every pair of a round. Element (r, p) of the 8 x L block must end in vector
     * {@code p / (L/8)}, lane {@code (p % (L/8)) * 8 + r}. In round s an element moves to the vector
     * whose bit s is bit s of its final vector; within a vector elements are kept in the order of
     * (final lane, final vector), which is the final order after the last round.
     */
    private static float[] transposeRounds() {
        if (L != 8 && L != 16) {
            return null;
        }
        int group = L / 8;
        int[][] holds = new int[8][L]; // element r * L + p
        for (int r = 0; r < 8; r++) {
            for (int p = 0; p < L; p++) {
                holds[r][p] = r * L + p;
            }
        }
        float[] rounds = new float[6 * L];
        for (int s = 0; s < 3; s++) {
            int[][] next = new int[8][];
            for (int v0 = 0; v0 < 8; v0++) {
                if ((v0 >> s & 1) != 0) {
                    continue;
                }
                int v1 = v0 | 1 << s;
                for (int half = 0; half < 2; half++) {
                    int[] picked = new int[L];
                    long[] keyed = new long[2 * L];
                    int count = 0;
                    for (int from = 0; from < 2 * L; from++) {
                        int element = from < L ? holds[v0][from] : holds[v1][from - L];
                        int r = element / L;
                        int p = element % L;
                        int finalVector = p / group;
                        int finalLane = (p % group) * 8 + r;
                        if ((finalVector >> s & 1) == half) {
                            keyed[count++] = ((long) finalLane << 40) | ((long) finalVector << 20) | from;
                        }
                    }
                    if (count != L) {
                        return null;
                    }
                    java.util.Arrays.sort(keyed, 0, count);
                    for (int t = 0; t < L; t++) {
                        int from = (int) (keyed[t] & 0xFFFFF);
                        int at = (2 * s + half) * L + t;
                        if (v0 == 0) {
                            rounds[at] = from;
                        } else if (rounds[at] != from) {
                            return null; // this pair would need its own indexes
                        }
                        picked[t] = from < L ? holds[v0][from] : holds[v1][from - L];
                    }
                    next[half == 0 ? v0 : v1] = picked;
                }
            }
            holds = next;
        }
        for (int q = 0; q < 8; q++) {
            for (int t = 0; t < L; t++) {
                int element = holds[q][t];
                int r = element / L;
                int p = element % L;
                if (p / group != q || (p % group) * 8 + r != t) {
                    return null;
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
        // Stored rows i0..i0+mc, columns p0..p0+kc (as is), or rows p0..p0+kc, columns i0..i0+mc (transposed).
        int rows = trans ? kc : mc;
        int cols = trans ? mc : kc;
        long first = trans ? ao + (long) p0 * lda + i0 : ao + (long) i0 * lda + p0;
        stage(a, first, lda, rows, cols, stage);
        packA(stage, 0, cols, trans, 0, 0, mc, kc, mr, ap);
    }

    /** Packs {@code kc x nc} of op(B) from a segment ({@code bo} counts floats), through {@code stage} as {@link #packA}. */
    static void packB(MemorySegment b, long bo, int ldb, boolean trans, int p0, int j0, int kc, int nc,
                      float[] bp, float[] stage) {
        int rows = trans ? nc : kc;
        int cols = trans ? kc : nc;
        long first = trans ? bo + (long) j0 * ldb + p0 : bo + (long) p0 * ldb + j0;
        stage(b, first, ldb, rows, cols, stage);
        packB(stage, 0, cols, trans, 0, 0, kc, nc, bp);
    }

    /** Copies rows x cols floats of a segment, row r from element {@code first + r * ld}, into {@code stage} (ld = cols). */
    private static void stage(MemorySegment x, long first, int ld, int rows, int cols, float[] stage) {
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(x, ELEMENT, (first + (long) r * ld) * Float.BYTES, stage, r * cols, cols);
        }
    }
}
