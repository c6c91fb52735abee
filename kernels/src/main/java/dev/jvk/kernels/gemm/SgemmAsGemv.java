package dev.jvk.kernels.gemm;

import dev.jvk.kernels.gemm.Sgemm.Matrix;
import dev.jvk.kernels.gemm.Sgemm.Problem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A float GEMM with one row or one column of C ({@link Sgemm.Path#GEMV}) is a matrix-vector
 * product, bound by reading the matrix once: {@link Sgemv} streams it in its storage order, where
 * the GEMM nest would pack it and run tiles that are 1/MR or 1/NR full.
 * <ul>
 *   <li>m == 1: {@code c^T = alpha * a^T op(B) + beta * c^T}, x the row of op(A), y the row of C;
 *       B stored k x n is read as GEMV's transposed form, B stored n x k (op(B) = B^T) as its plain
 *       form.</li>
 *   <li>n == 1: {@code c = alpha * op(A) b + beta * c}, x the column of op(B), y the column of C.</li>
 * </ul>
 * A vector stored with a stride (a column of a row-major matrix) is gathered into a contiguous
 * one first, and C's column scattered back; C is gathered only when beta is not 0, so beta == 0
 * never reads it. Each y is a fixed-order sum in one thread: the same bits for every thread count.
 * Segments are read into arrays, so that they get the bits arrays get.
 */
final class SgemmAsGemv {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private SgemmAsGemv() {}

    /** Runs {@code p}, {@code p.m() == 1 || p.n() == 1}, alpha != 0, k > 0, gathering strided vectors into the caller's {@code workspace}. */
    static void run(Problem p, Workspace workspace) {
        if (p.c().array() == null) {
            runSegments(p, workspace);
            return;
        }
        int k = p.k();
        float[] c = p.c().array();
        int co = (int) p.c().offset();
        if (p.m() == 1) {
            float[] x = vector(p.a(), k, p.transA(), workspace, 1);
            int xo = x == p.a().array() ? (int) p.a().offset() : 0;
            Matrix b = p.b();
            if (p.transB()) {
                Sgemv.gemv(false, p.n(), k, p.alpha(), b.array(), (int) b.offset(), b.ld(), x, xo, p.beta(), c, co);
            } else {
                Sgemv.gemv(true, k, p.n(), p.alpha(), b.array(), (int) b.offset(), b.ld(), x, xo, p.beta(), c, co);
            }
            return;
        }
        int m = p.m();
        int ldc = p.c().ld();
        float[] x = vector(p.b(), k, !p.transB(), workspace, m);
        int xo = x == p.b().array() ? (int) p.b().offset() : 0;
        boolean strided = ldc != 1;
        float[] y = strided ? workspace.floatGathered(k + m) : c; // y at [k, k + m), after a gathered x
        int yo = strided ? k : co;
        if (strided && p.beta() != 0) {
            for (int i = 0; i < m; i++) {
                y[k + i] = c[co + i * ldc];
            }
        }
        Matrix a = p.a();
        if (p.transA()) {
            Sgemv.gemv(true, k, m, p.alpha(), a.array(), (int) a.offset(), a.ld(), x, xo, p.beta(), y, yo);
        } else {
            Sgemv.gemv(false, m, k, p.alpha(), a.array(), (int) a.offset(), a.ld(), x, xo, p.beta(), y, yo);
        }
        if (strided) {
            for (int i = 0; i < m; i++) {
                c[co + i * ldc] = y[k + i];
            }
        }
    }

    /**
     * The k values of a vector operand (one row of op(A) or one column of op(B)), stored as a
     * column ({@code strided}: element p at p * ld) or as a row: the array itself when contiguous,
     * else the workspace's gathered buffer (of {@code k + m}: room for a gathered y after x), holding
     * a copy at [0, k).
     */
    private static float[] vector(Matrix v, int k, boolean strided, Workspace workspace, int m) {
        if (!strided || v.ld() == 1 || k == 1) {
            return v.array();
        }
        float[] x = workspace.floatGathered(k + m);
        int at = (int) v.offset();
        for (int i = 0; i < k; i++) {
            x[i] = v.array()[at + i * v.ld()];
        }
        return x;
    }

    /** Segments: A, B and C's span read into arrays, the product run there, and only C's elements written back. */
    private static void runSegments(Problem p, Workspace workspace) {
        Matrix c = p.c();
        int cRows = p.m();
        int cCols = p.n();
        Problem onArrays = new Problem().set(p.transA(), p.transB(), p.m(), p.n(), p.k(), p.alpha(), p.beta());
        copy(p.a(), p.transA() ? p.k() : p.m(), p.transA() ? p.m() : p.k(), onArrays.a());
        copy(p.b(), p.transB() ? p.n() : p.k(), p.transB() ? p.k() : p.n(), onArrays.b());
        copy(c, cRows, cCols, onArrays.c());
        run(onArrays, workspace);
        float[] result = onArrays.c().array();
        for (int i = 0; i < cRows; i++) {
            MemorySegment.copy(result, i * cCols, c.segment(), F, (c.offset() + (long) i * c.ld()) * Float.BYTES, cCols);
        }
    }

    /**
     * The elements of a rows x cols matrix in a segment, set into {@code to} as a dense array (ld = cols): not the
     * span between them, which a long ld makes far larger than an array (Sgemm sends here only matrices an
     * array holds). Sgemv's order of sums does not depend on ld, so the bits are those of the strided original.
     */
    private static void copy(Matrix s, int rows, int cols, Matrix to) {
        float[] array = new float[rows * cols];
        if (s.ld() == cols) { // dense: one copy, not one per row (a column of one element each)
            MemorySegment.copy(s.segment(), F, s.offset() * Float.BYTES, array, 0, array.length);
        } else {
            SgemmPacking.stage(s.segment(), s.offset(), s.ld(), rows, cols, array);
        }
        to.set(array, null, 0, cols);
    }
}
