package dev.jvk.kernels.gemm;

import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.platform.Platform.Species;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float micro-kernels: the one contract the whole GEMM hangs on (as in BLIS),
 * {@code C_tile = alpha * A_panel * B_panel + beta * C_tile} for an MR x kc panel of op(A) and a
 * kc x (2 or 1 vectors) panel of op(B), packed row by row ({@code b[bi + p * NR + j]}). The A
 * panel is packed k-major ({@code a[ai + p * MR + r]}: the {@code packed} kernels), or read where
 * it is stored, row r from {@code a[ai + r * lda]} (the {@code rows} kernels of the direct path,
 * which spares small and narrow products the packing of A).
 *
 * <p>Rules, as BLIS writes them down:
 * <ul>
 *   <li>The MR x NR accumulators are locals (FloatVectors in registers); each k step broadcasts MR
 *       values of A and multiplies them into the B vectors with fused multiply-adds. No loop over
 *       MR or NR inside, so every accumulator is its own register.</li>
 *   <li>k is not unrolled by hand: C2 then hoists every load of the unrolled body and runs out of
 *       registers (measured: 52 spill stores per iteration and a 3x slowdown).</li>
 *   <li>Indexes move by constants (or by p itself), so C2 hoists every bounds check out of the
 *       loop: one kernel for all layouts, with the steps as arguments, ran at 60% of this speed.</li>
 *   <li>C is never read when {@code beta == 0}, so a NaN there does not survive.</li>
 *   <li>Every element is {@code s = fma(a[p], b[p], s)} for p in order from 0, then
 *       {@code C = fma(alpha, s, beta * C)} (or {@code alpha * s} when beta is 0). Every kernel
 *       computes exactly this, which makes results independent of the path and of how C is split
 *       between threads.</li>
 *   <li>The C update is written out in each kernel, not called: C2 would not inline a helper
 *       into a method this large, and every vector passed to it would be boxed.</li>
 * </ul>
 * When {@code c} is null a kernel stores the raw accumulators into {@code tile} (row r, column j
 * at {@code tile[r * NR + j]}) and {@link #update} applies them to C: the path for edge tiles and
 * for C off-heap. The kernel bodies are regular by design; kernels of other heights are written
 * the same way.
 *
 * <p>The narrow kernels (one vector wide) always store into {@code tile}: with the three C
 * updates written out as well, they grew past what C1 can compile ("out of virtual registers in
 * LIR generator"), and a method C1 gives up on can stay in the interpreter or at tier 2: a JMH
 * fork ran the 128x10x128 product at 0.7 GFLOP/s for all its 13 seconds. Their tiles are 8 to 16
 * vectors, so the extra pass through {@code tile} costs little.
 */
final class SgemmKernels {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();
    /** Tile width in floats: two vectors. */
    static final int NR = Platform.NR_VECTORS * L; // the kernels below are written for 2 vectors

    private SgemmKernels() {}

    /** C tile from a packed A panel and a packed B panel, MR x 2 vectors (the packed path). */
    static void packed(int kc, float[] a, int ai, float[] b, int bi,
                       float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        if (Platform.MR == 8) {
            packed8x2(kc, a, ai, b, bi, c, ci, ldc, alpha, beta, tile);
        } else {
            packed6x2(kc, a, ai, b, bi, c, ci, ldc, alpha, beta, tile);
        }
    }

    /** C tile from a packed A panel, MR x 1 vector: for C no wider than one vector. */
    static void packedNarrow(int kc, float[] a, int ai, float[] b, int bi,
                             float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        if (Platform.MR == 8) {
            packed8x1(kc, a, ai, b, bi, c, ci, ldc, alpha, beta, tile);
        } else {
            packed6x1(kc, a, ai, b, bi, c, ci, ldc, alpha, beta, tile);
        }
    }

    /** C tile from MR rows of A as stored (row r from {@code a[ai + r * lda]}) and a packed B panel, MR x 2 vectors. */
    static void rows(int kc, float[] a, int ai, int lda, float[] b, int bi,
                     float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        if (Platform.MR == 8) {
            rows8x2(kc, a, ai, lda, b, bi, c, ci, ldc, alpha, beta, tile);
        } else {
            rows6x2(kc, a, ai, lda, b, bi, c, ci, ldc, alpha, beta, tile);
        }
    }

    /** The narrow TN kernel of the configured height (2 MR rows). */
    static void narrowCols(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] tile) {
        if (Platform.MR == 8) {
            narrowCols16(kc, a, ai, lda, b, bi, tile);
        } else {
            narrowCols12(kc, a, ai, lda, b, bi, tile);
        }
    }

    /** 8 rows by 2 vectors from a packed A panel: 16 accumulators, 8 broadcasts and 2 loads per k step. */
    static void packed8x2(int kc, float[] a, int ai, float[] b, int bi,
            float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector ar = FloatVector.broadcast(S, a[ai]);
            c00 = ar.fma(b0, c00);
            c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(S, a[ai + 1]);
            c10 = ar.fma(b0, c10);
            c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(S, a[ai + 2]);
            c20 = ar.fma(b0, c20);
            c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(S, a[ai + 3]);
            c30 = ar.fma(b0, c30);
            c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(S, a[ai + 4]);
            c40 = ar.fma(b0, c40);
            c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(S, a[ai + 5]);
            c50 = ar.fma(b0, c50);
            c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(S, a[ai + 6]);
            c60 = ar.fma(b0, c60);
            c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(S, a[ai + 7]);
            c70 = ar.fma(b0, c70);
            c71 = ar.fma(b1, c71);
            ai += 8;
            bi += NR;
        }
        if (c == null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR);
            c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR);
            c51.intoArray(tile, 5 * NR + L);
            c60.intoArray(tile, 6 * NR);
            c61.intoArray(tile, 6 * NR + L);
            c70.intoArray(tile, 7 * NR);
            c71.intoArray(tile, 7 * NR + L);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(va).intoArray(c, ci);
            c01.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c10.mul(va).intoArray(c, ci);
            c11.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c20.mul(va).intoArray(c, ci);
            c21.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c30.mul(va).intoArray(c, ci);
            c31.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c40.mul(va).intoArray(c, ci);
            c41.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c50.mul(va).intoArray(c, ci);
            c51.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c60.mul(va).intoArray(c, ci);
            c61.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c70.mul(va).intoArray(c, ci);
            c71.mul(va).intoArray(c, ci + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c41.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c51.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c60.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c61.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c70.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c71.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        }
    }

    /** 6 rows by 2 vectors from a packed A panel: 12 accumulators, for machines with 16 vector registers (AVX2). */
    static void packed6x2(int kc, float[] a, int ai, float[] b, int bi,
            float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector ar = FloatVector.broadcast(S, a[ai]);
            c00 = ar.fma(b0, c00);
            c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(S, a[ai + 1]);
            c10 = ar.fma(b0, c10);
            c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(S, a[ai + 2]);
            c20 = ar.fma(b0, c20);
            c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(S, a[ai + 3]);
            c30 = ar.fma(b0, c30);
            c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(S, a[ai + 4]);
            c40 = ar.fma(b0, c40);
            c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(S, a[ai + 5]);
            c50 = ar.fma(b0, c50);
            c51 = ar.fma(b1, c51);
            ai += 6;
            bi += NR;
        }
        if (c == null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR);
            c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR);
            c51.intoArray(tile, 5 * NR + L);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(va).intoArray(c, ci);
            c01.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c10.mul(va).intoArray(c, ci);
            c11.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c20.mul(va).intoArray(c, ci);
            c21.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c30.mul(va).intoArray(c, ci);
            c31.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c40.mul(va).intoArray(c, ci);
            c41.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c50.mul(va).intoArray(c, ci);
            c51.mul(va).intoArray(c, ci + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c41.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c51.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        }
    }

    /** 8 rows by 1 vector from a packed A panel, for C no wider than a vector. */
    static void packed8x1(int kc, float[] a, int ai, float[] b, int bi,
            float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c10 = zero, c20 = zero, c30 = zero, c40 = zero, c50 = zero, c60 = zero, c70 = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector ar = FloatVector.broadcast(S, a[ai]);
            c00 = ar.fma(b0, c00);
            ar = FloatVector.broadcast(S, a[ai + 1]);
            c10 = ar.fma(b0, c10);
            ar = FloatVector.broadcast(S, a[ai + 2]);
            c20 = ar.fma(b0, c20);
            ar = FloatVector.broadcast(S, a[ai + 3]);
            c30 = ar.fma(b0, c30);
            ar = FloatVector.broadcast(S, a[ai + 4]);
            c40 = ar.fma(b0, c40);
            ar = FloatVector.broadcast(S, a[ai + 5]);
            c50 = ar.fma(b0, c50);
            ar = FloatVector.broadcast(S, a[ai + 6]);
            c60 = ar.fma(b0, c60);
            ar = FloatVector.broadcast(S, a[ai + 7]);
            c70 = ar.fma(b0, c70);
            ai += 8;
            bi += NR;
        }
        if (c == null) {
            c00.intoArray(tile, 0);
            c10.intoArray(tile, NR);
            c20.intoArray(tile, 2 * NR);
            c30.intoArray(tile, 3 * NR);
            c40.intoArray(tile, 4 * NR);
            c50.intoArray(tile, 5 * NR);
            c60.intoArray(tile, 6 * NR);
            c70.intoArray(tile, 7 * NR);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(va).intoArray(c, ci);
            ci += ldc;
            c10.mul(va).intoArray(c, ci);
            ci += ldc;
            c20.mul(va).intoArray(c, ci);
            ci += ldc;
            c30.mul(va).intoArray(c, ci);
            ci += ldc;
            c40.mul(va).intoArray(c, ci);
            ci += ldc;
            c50.mul(va).intoArray(c, ci);
            ci += ldc;
            c60.mul(va).intoArray(c, ci);
            ci += ldc;
            c70.mul(va).intoArray(c, ci);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c60.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c70.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
        }
    }

    /** 6 rows by 1 vector from a packed A panel, for C no wider than a vector. */
    static void packed6x1(int kc, float[] a, int ai, float[] b, int bi,
            float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c10 = zero, c20 = zero, c30 = zero, c40 = zero, c50 = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector ar = FloatVector.broadcast(S, a[ai]);
            c00 = ar.fma(b0, c00);
            ar = FloatVector.broadcast(S, a[ai + 1]);
            c10 = ar.fma(b0, c10);
            ar = FloatVector.broadcast(S, a[ai + 2]);
            c20 = ar.fma(b0, c20);
            ar = FloatVector.broadcast(S, a[ai + 3]);
            c30 = ar.fma(b0, c30);
            ar = FloatVector.broadcast(S, a[ai + 4]);
            c40 = ar.fma(b0, c40);
            ar = FloatVector.broadcast(S, a[ai + 5]);
            c50 = ar.fma(b0, c50);
            ai += 6;
            bi += NR;
        }
        if (c == null) {
            c00.intoArray(tile, 0);
            c10.intoArray(tile, NR);
            c20.intoArray(tile, 2 * NR);
            c30.intoArray(tile, 3 * NR);
            c40.intoArray(tile, 4 * NR);
            c50.intoArray(tile, 5 * NR);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(va).intoArray(c, ci);
            ci += ldc;
            c10.mul(va).intoArray(c, ci);
            ci += ldc;
            c20.mul(va).intoArray(c, ci);
            ci += ldc;
            c30.mul(va).intoArray(c, ci);
            ci += ldc;
            c40.mul(va).intoArray(c, ci);
            ci += ldc;
            c50.mul(va).intoArray(c, ci);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
        }
    }

    /** 8 rows by 2 vectors, A read in place, row by row. */
    static void rows8x2(int kc, float[] a, int ai, int lda, float[] b, int bi,
            float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero;
        int a0 = ai;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector ar = FloatVector.broadcast(S, a[a0 + p]);
            c00 = ar.fma(b0, c00);
            c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(S, a[a1 + p]);
            c10 = ar.fma(b0, c10);
            c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(S, a[a2 + p]);
            c20 = ar.fma(b0, c20);
            c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(S, a[a3 + p]);
            c30 = ar.fma(b0, c30);
            c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(S, a[a4 + p]);
            c40 = ar.fma(b0, c40);
            c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(S, a[a5 + p]);
            c50 = ar.fma(b0, c50);
            c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(S, a[a6 + p]);
            c60 = ar.fma(b0, c60);
            c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(S, a[a7 + p]);
            c70 = ar.fma(b0, c70);
            c71 = ar.fma(b1, c71);
            bi += NR;
        }
        if (c == null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR);
            c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR);
            c51.intoArray(tile, 5 * NR + L);
            c60.intoArray(tile, 6 * NR);
            c61.intoArray(tile, 6 * NR + L);
            c70.intoArray(tile, 7 * NR);
            c71.intoArray(tile, 7 * NR + L);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(va).intoArray(c, ci);
            c01.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c10.mul(va).intoArray(c, ci);
            c11.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c20.mul(va).intoArray(c, ci);
            c21.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c30.mul(va).intoArray(c, ci);
            c31.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c40.mul(va).intoArray(c, ci);
            c41.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c50.mul(va).intoArray(c, ci);
            c51.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c60.mul(va).intoArray(c, ci);
            c61.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c70.mul(va).intoArray(c, ci);
            c71.mul(va).intoArray(c, ci + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c41.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c51.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c60.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c61.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c70.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c71.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        }
    }

    /** 6 rows by 2 vectors, A read in place, row by row. */
    static void rows6x2(int kc, float[] a, int ai, int lda, float[] b, int bi,
            float[] c, int ci, int ldc, float alpha, float beta, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        int a0 = ai;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector ar = FloatVector.broadcast(S, a[a0 + p]);
            c00 = ar.fma(b0, c00);
            c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(S, a[a1 + p]);
            c10 = ar.fma(b0, c10);
            c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(S, a[a2 + p]);
            c20 = ar.fma(b0, c20);
            c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(S, a[a3 + p]);
            c30 = ar.fma(b0, c30);
            c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(S, a[a4 + p]);
            c40 = ar.fma(b0, c40);
            c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(S, a[a5 + p]);
            c50 = ar.fma(b0, c50);
            c51 = ar.fma(b1, c51);
            bi += NR;
        }
        if (c == null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR);
            c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR);
            c51.intoArray(tile, 5 * NR + L);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(va).intoArray(c, ci);
            c01.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c10.mul(va).intoArray(c, ci);
            c11.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c20.mul(va).intoArray(c, ci);
            c21.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c30.mul(va).intoArray(c, ci);
            c31.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c40.mul(va).intoArray(c, ci);
            c41.mul(va).intoArray(c, ci + L);
            ci += ldc;
            c50.mul(va).intoArray(c, ci);
            c51.mul(va).intoArray(c, ci + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c41.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
            ci += ldc;
            c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);
            c51.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        }
    }

    /** 8 rows of A as stored (row r from {@code a[ai + r * lda]}) by 1 vector into {@code tile}: the narrow NN product. */
    static void narrowRows8(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero, c7 = zero;
        int a0 = ai;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[a6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[a7 + p]).fma(bv, c7);
            bi += L;
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
    }

    /** 16 rows of A stored transposed (the 16 values of one k step contiguous, {@code a[ai + p * lda + r]}) by 1 vector into {@code tile}: the narrow TN product, and packed edge rows ({@code lda = 16}). */
    static void narrowCols16(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero, c7 = zero;
        FloatVector c8 = zero, c9 = zero, c10 = zero, c11 = zero, c12 = zero, c13 = zero, c14 = zero, c15 = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ai + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7]).fma(bv, c7);
            c8 = FloatVector.broadcast(S, a[ai + 8]).fma(bv, c8);
            c9 = FloatVector.broadcast(S, a[ai + 9]).fma(bv, c9);
            c10 = FloatVector.broadcast(S, a[ai + 10]).fma(bv, c10);
            c11 = FloatVector.broadcast(S, a[ai + 11]).fma(bv, c11);
            c12 = FloatVector.broadcast(S, a[ai + 12]).fma(bv, c12);
            c13 = FloatVector.broadcast(S, a[ai + 13]).fma(bv, c13);
            c14 = FloatVector.broadcast(S, a[ai + 14]).fma(bv, c14);
            c15 = FloatVector.broadcast(S, a[ai + 15]).fma(bv, c15);
            ai += lda;
            bi += L;
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        c8.intoArray(tile, 8 * NR);
        c9.intoArray(tile, 9 * NR);
        c10.intoArray(tile, 10 * NR);
        c11.intoArray(tile, 11 * NR);
        c12.intoArray(tile, 12 * NR);
        c13.intoArray(tile, 13 * NR);
        c14.intoArray(tile, 14 * NR);
        c15.intoArray(tile, 15 * NR);
    }

    /** As {@link #narrowCols16} with 12 rows, for machines with 16 vector registers. */
    static void narrowCols12(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero, c7 = zero;
        FloatVector c8 = zero, c9 = zero, c10 = zero, c11 = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ai + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7]).fma(bv, c7);
            c8 = FloatVector.broadcast(S, a[ai + 8]).fma(bv, c8);
            c9 = FloatVector.broadcast(S, a[ai + 9]).fma(bv, c9);
            c10 = FloatVector.broadcast(S, a[ai + 10]).fma(bv, c10);
            c11 = FloatVector.broadcast(S, a[ai + 11]).fma(bv, c11);
            ai += lda;
            bi += L;
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        c8.intoArray(tile, 8 * NR);
        c9.intoArray(tile, 9 * NR);
        c10.intoArray(tile, 10 * NR);
        c11.intoArray(tile, 11 * NR);
    }

    /**
     * Applies a tile of raw accumulators (row r at {@code tile[r * NR]}) to the top-left
     * {@code rows x cols} corner of a C tile: {@code C = alpha * s + beta * C}, as {@link #store}.
     */
    static void update(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        for (int r = 0; r < rows; r++, ci += ldc) {
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> in = S.indexInRange(j, cols);
                FloatVector s = FloatVector.fromArray(S, tile, r * NR + j);
                FloatVector v = beta != 0
                        ? s.fma(va, FloatVector.fromArray(S, c, ci + j, in).mul(vb))
                        : s.mul(va);
                v.intoArray(c, ci + j, in);
            }
        }
    }

    /** As {@link #update} for C off-heap; {@code ci} counts floats. */
    static void update(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        ByteOrder order = ByteOrder.nativeOrder();
        for (int r = 0; r < rows; r++, ci += ldc) {
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> in = S.indexInRange(j, cols);
                long at = (ci + j) * Float.BYTES;
                FloatVector s = FloatVector.fromArray(S, tile, r * NR + j);
                FloatVector v = beta != 0
                        ? s.fma(va, FloatVector.fromMemorySegment(S, c, at, order, in).mul(vb))
                        : s.mul(va);
                v.intoMemorySegment(c, at, order, in);
            }
        }
    }
}
