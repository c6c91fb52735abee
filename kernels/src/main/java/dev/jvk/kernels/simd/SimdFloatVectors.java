package dev.jvk.kernels.simd;

import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The BLAS-1 and elementwise operations of {@link SimdVectors} in one precision. The
 * single-precision file is written by hand and extends the double-precision one, which is generated
 * from it (its first line names the generator); a property test fails when the two drift apart, so
 * what is said here holds for both. Each element gets exactly the one rounded operation of the
 * reference (fma for axpy), so results are bitwise those of
 * {@link dev.jvk.kernels.reference.ReferenceVectors}. Loops take one full vector per step and
 * finish with one masked vector; in place (output == input at the same offset) is safe because
 * every vector is loaded before the store to the same lanes. The loops are written by
 * {@code kernels/gen/Elementwise.java} (the regions it marks), as SimdActivations' are.
 *
 * <p><b>The last vector.</b> A masked access whose window runs past the end of its array takes the
 * Vector API's slow path, which allocates; where the last vector's window would, it is moved back to
 * end inside every array, its mask keeping only the elements left (as in SimdActivations).
 */
abstract class SimdFloatVectors extends SimdDoubleVectors {
    private static final VectorSpecies<Float> S = Species.FLOAT;
    private static final int L = S.length();

    /** columnSums keeps this many vectors of column sums in registers while it walks down the rows. */
    private static final int COLUMN_BLOCK_VECTORS = 4;

    /** {@code y = fma(alpha, x, y)}. */
    public void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        // GENERATED exact loop v = x, w = y -> y: v.fma(a, w) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + i);
            v.fma(a, w).intoArray(y, yOffset + i);
        }
        if (i < n) {
            int room = Math.min(x.length - xOffset, y.length - yOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = S.indexInRange(at, n).andNot(S.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(S, x, xOffset + at, m);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + at, m);
            v.fma(a, w).intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /** {@code x = alpha * x}. */
    public void scal(float alpha, float[] x, int xOffset, int n) {
        // GENERATED exact loop v = x -> x: v.mul(alpha) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            v.mul(alpha).intoArray(x, xOffset + i);
        }
        if (i < n) {
            int room = x.length - xOffset;
            int at = i + L <= room ? i : Math.max(room - L, -xOffset); // see the class comment on the last vector
            VectorMask<Float> m = S.indexInRange(at, n).andNot(S.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(S, x, xOffset + at, m);
            v.mul(alpha).intoArray(x, xOffset + at, m);
        }
        // END loop
    }

    /** {@code z = x + y}. */
    public void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        // GENERATED exact loop v = x, w = y -> z: v.add(w) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + i);
            v.add(w).intoArray(z, zOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(x.length - xOffset, y.length - yOffset), z.length - zOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(xOffset, yOffset), zOffset)); // see the class comment on the last vector
            VectorMask<Float> m = S.indexInRange(at, n).andNot(S.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(S, x, xOffset + at, m);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + at, m);
            v.add(w).intoArray(z, zOffset + at, m);
        }
        // END loop
    }

    /** {@code z = x - y}. */
    public void sub(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        // GENERATED exact loop v = x, w = y -> z: v.sub(w) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + i);
            v.sub(w).intoArray(z, zOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(x.length - xOffset, y.length - yOffset), z.length - zOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(xOffset, yOffset), zOffset)); // see the class comment on the last vector
            VectorMask<Float> m = S.indexInRange(at, n).andNot(S.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(S, x, xOffset + at, m);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + at, m);
            v.sub(w).intoArray(z, zOffset + at, m);
        }
        // END loop
    }

    /** {@code z = x * y}. */
    public void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        // GENERATED exact loop v = x, w = y -> z: v.mul(w) by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + i);
            v.mul(w).intoArray(z, zOffset + i);
        }
        if (i < n) {
            int room = Math.min(Math.min(x.length - xOffset, y.length - yOffset), z.length - zOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(Math.min(xOffset, yOffset), zOffset)); // see the class comment on the last vector
            VectorMask<Float> m = S.indexInRange(at, n).andNot(S.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(S, x, xOffset + at, m);
            FloatVector w = FloatVector.fromArray(S, y, yOffset + at, m);
            v.mul(w).intoArray(z, zOffset + at, m);
        }
        // END loop
    }

    /** {@code y = x}. */
    public void copy(float[] x, int xOffset, float[] y, int yOffset, int n) {
        // GENERATED exact loop v = x -> y: v by kernels/gen/Elementwise.java: do not edit up to END
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            v.intoArray(y, yOffset + i);
        }
        if (i < n) {
            int room = Math.min(x.length - xOffset, y.length - yOffset);
            int at = i + L <= room ? i : Math.max(room - L, -Math.min(xOffset, yOffset)); // see the class comment on the last vector
            VectorMask<Float> m = S.indexInRange(at, n).andNot(S.indexInRange(0, i - at));
            FloatVector v = FloatVector.fromArray(S, x, xOffset + at, m);
            v.intoArray(y, yOffset + at, m);
        }
        // END loop
    }

    /** {@code x = value}. */
    public void fill(float value, float[] x, int offset, int n) {
        FloatVector v = FloatVector.broadcast(S, value);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            v.intoArray(x, offset + i);
        }
        if (i < n) {
            v.intoArray(x, offset + i, S.indexInRange(i, n));
        }
    }

    /**
     * Row by row: the row's cols elements plus the bias vector, x + bias rounded once, as {@link #add}.
     * The last vector of a row whose window would run past the end of x or bias (the last row of a
     * block that ends its array, when cols is not a multiple of the lanes) is moved back to end inside
     * both arrays, with its mask keeping only the row's remaining columns: a masked access past an
     * array's end takes the Vector API's slow path, which allocated per call (see SimdActivations).
     */
    public void addBias(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        // GENERATED exact rows v = x + bias -> x: v by kernels/gen/Elementwise.java: do not edit up to END
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromArray(S, x, row + c).add(FloatVector.fromArray(S, bias, biasOffset + c));
                v.intoArray(x, row + c);
            }
            if (c < cols) {
                int room = Math.min(x.length - row, bias.length - biasOffset);
                int at = c + L <= room ? c : Math.max(room - L, -Math.min(row, biasOffset)); // see the class comment on the last vector
                VectorMask<Float> m = S.indexInRange(at, cols).andNot(S.indexInRange(0, c - at));
                FloatVector v = FloatVector.fromArray(S, x, row + at, m).add(FloatVector.fromArray(S, bias, biasOffset + at, m));
                v.intoArray(x, row + at, m);
            }
        }
        // END rows
    }

    /**
     * Column sums, COLUMN_BLOCK_VECTORS vectors of columns at a time held in registers while the
     * rows stream past: every column is summed from row 0 down, the reference's order, so the result
     * is bitwise the reference's.
     */
    public void columnSums(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset) {
        int c = 0;
        for (; c <= cols - COLUMN_BLOCK_VECTORS * L; c += COLUMN_BLOCK_VECTORS * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, at = xOffset + c; r < rows; r++, at += ld) {
                s0 = s0.add(FloatVector.fromArray(S, x, at));
                s1 = s1.add(FloatVector.fromArray(S, x, at + L));
                s2 = s2.add(FloatVector.fromArray(S, x, at + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, x, at + 3 * L));
            }
            s0.intoArray(out, outOffset + c);
            s1.intoArray(out, outOffset + c + L);
            s2.intoArray(out, outOffset + c + 2 * L);
            s3.intoArray(out, outOffset + c + 3 * L);
        }
        for (; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector s = FloatVector.zero(S);
            for (int r = 0, at = xOffset + c; r < rows; r++, at += ld) {
                s = s.add(FloatVector.fromArray(S, x, at, m));
            }
            s.intoArray(out, outOffset + c, m);
        }
    }
}
