package dev.jvk.kernels.simd;

import dev.jvk.kernels.spi.VectorKernels;
import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API BLAS-1 and elementwise operations behind {@link dev.jvk.kernels.Vectors}; arguments are
 * checked there. Each element gets exactly the one rounded operation of the reference (fma for axpy),
 * so results are bitwise those of {@link dev.jvk.kernels.reference.ReferenceVectors}. Loops take one
 * full vector per step and finish with one masked vector; in place (output == input at the same
 * offset) is safe because every vector is loaded before the store to the same lanes.
 */
public final class SimdVectors implements VectorKernels {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Double> D = Species.DOUBLE;
    private static final int FL = F.length();
    private static final int DL = D.length();

    /** columnSums keeps this many vectors of column sums in registers while it walks down the rows. */
    private static final int COLUMN_BLOCK_VECTORS = 4;

    public SimdVectors() {}

    // ================================================================ float

    @Override
    public void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector a = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            FloatVector.fromArray(F, x, xOffset + i).fma(a, FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).fma(a, FloatVector.fromArray(F, y, yOffset + i, m))
                    .intoArray(y, yOffset + i, m);
        }
    }

    @Override
    public void scal(float alpha, float[] x, int offset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            FloatVector.fromArray(F, x, offset + i).mul(alpha).intoArray(x, offset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, offset + i, m).mul(alpha).intoArray(x, offset + i, m);
        }
    }

    @Override
    public void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            FloatVector.fromArray(F, x, xOffset + i).add(FloatVector.fromArray(F, y, yOffset + i)).intoArray(z, zOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).add(FloatVector.fromArray(F, y, yOffset + i, m)).intoArray(z, zOffset + i, m);
        }
    }

    @Override
    public void sub(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            FloatVector.fromArray(F, x, xOffset + i).sub(FloatVector.fromArray(F, y, yOffset + i)).intoArray(z, zOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).sub(FloatVector.fromArray(F, y, yOffset + i, m)).intoArray(z, zOffset + i, m);
        }
    }

    @Override
    public void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            FloatVector.fromArray(F, x, xOffset + i).mul(FloatVector.fromArray(F, y, yOffset + i)).intoArray(z, zOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).mul(FloatVector.fromArray(F, y, yOffset + i, m)).intoArray(z, zOffset + i, m);
        }
    }

    @Override
    public void copy(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            FloatVector.fromArray(F, x, xOffset + i).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, m).intoArray(y, yOffset + i, m);
        }
    }

    @Override
    public void fill(float value, float[] x, int offset, int n) {
        FloatVector v = FloatVector.broadcast(F, value);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            v.intoArray(x, offset + i);
        }
        if (i < n) {
            v.intoArray(x, offset + i, F.indexInRange(i, n));
        }
    }

    /**
     * Row by row: the row's cols elements plus the bias vector, x + bias rounded once, as {@link #add}.
     * The last vector of a row whose window would run past the end of x or bias (the last row of a
     * block that ends its array, when cols is not a multiple of the lanes) is moved back to end inside
     * both arrays, with its mask keeping only the row's remaining columns: a masked access past an
     * array's end takes the Vector API's slow path, which allocated per call (see SimdActivations).
     */
    @Override
    public void addBias(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            int c = 0;
            for (int upper = F.loopBound(cols); c < upper; c += FL) {
                FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, bias, biasOffset + c)).intoArray(x, row + c);
            }
            if (c < cols) {
                int room = Math.min(x.length - row, bias.length - biasOffset);
                int at = c + FL <= room ? c : Math.max(room - FL, -Math.min(row, biasOffset));
                VectorMask<Float> m = F.indexInRange(at, cols).andNot(F.indexInRange(0, c - at));
                FloatVector.fromArray(F, x, row + at, m).add(FloatVector.fromArray(F, bias, biasOffset + at, m)).intoArray(x, row + at, m);
            }
        }
    }

    /**
     * Column sums, COLUMN_BLOCK_VECTORS vectors of columns at a time held in registers while the
     * rows stream past: every column is summed from row 0 down, the reference's order, so the result
     * is bitwise the reference's.
     */
    @Override
    public void columnSums(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset) {
        int c = 0;
        for (; c <= cols - COLUMN_BLOCK_VECTORS * FL; c += COLUMN_BLOCK_VECTORS * FL) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, at = xOffset + c; r < rows; r++, at += ld) {
                s0 = s0.add(FloatVector.fromArray(F, x, at));
                s1 = s1.add(FloatVector.fromArray(F, x, at + FL));
                s2 = s2.add(FloatVector.fromArray(F, x, at + 2 * FL));
                s3 = s3.add(FloatVector.fromArray(F, x, at + 3 * FL));
            }
            s0.intoArray(out, outOffset + c);
            s1.intoArray(out, outOffset + c + FL);
            s2.intoArray(out, outOffset + c + 2 * FL);
            s3.intoArray(out, outOffset + c + 3 * FL);
        }
        for (; c < cols; c += FL) {
            VectorMask<Float> m = F.indexInRange(c, cols);
            FloatVector s = FloatVector.zero(F);
            for (int r = 0, at = xOffset + c; r < rows; r++, at += ld) {
                s = s.add(FloatVector.fromArray(F, x, at, m));
            }
            s.intoArray(out, outOffset + c, m);
        }
    }

    // ================================================================ double

    @Override
    public void axpy(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n) {
        DoubleVector a = DoubleVector.broadcast(D, alpha);
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            DoubleVector.fromArray(D, x, xOffset + i).fma(a, DoubleVector.fromArray(D, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, xOffset + i, m).fma(a, DoubleVector.fromArray(D, y, yOffset + i, m))
                    .intoArray(y, yOffset + i, m);
        }
    }

    @Override
    public void scal(double alpha, double[] x, int offset, int n) {
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            DoubleVector.fromArray(D, x, offset + i).mul(alpha).intoArray(x, offset + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, offset + i, m).mul(alpha).intoArray(x, offset + i, m);
        }
    }

    @Override
    public void add(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            DoubleVector.fromArray(D, x, xOffset + i).add(DoubleVector.fromArray(D, y, yOffset + i)).intoArray(z, zOffset + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, xOffset + i, m).add(DoubleVector.fromArray(D, y, yOffset + i, m)).intoArray(z, zOffset + i, m);
        }
    }

    @Override
    public void sub(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            DoubleVector.fromArray(D, x, xOffset + i).sub(DoubleVector.fromArray(D, y, yOffset + i)).intoArray(z, zOffset + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, xOffset + i, m).sub(DoubleVector.fromArray(D, y, yOffset + i, m)).intoArray(z, zOffset + i, m);
        }
    }

    @Override
    public void mul(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n) {
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            DoubleVector.fromArray(D, x, xOffset + i).mul(DoubleVector.fromArray(D, y, yOffset + i)).intoArray(z, zOffset + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, xOffset + i, m).mul(DoubleVector.fromArray(D, y, yOffset + i, m)).intoArray(z, zOffset + i, m);
        }
    }

    @Override
    public void copy(double[] x, int xOffset, double[] y, int yOffset, int n) {
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            DoubleVector.fromArray(D, x, xOffset + i).intoArray(y, yOffset + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, x, xOffset + i, m).intoArray(y, yOffset + i, m);
        }
    }

    @Override
    public void fill(double value, double[] x, int offset, int n) {
        DoubleVector v = DoubleVector.broadcast(D, value);
        int i = 0;
        for (int upper = D.loopBound(n); i < upper; i += DL) {
            v.intoArray(x, offset + i);
        }
        if (i < n) {
            v.intoArray(x, offset + i, D.indexInRange(i, n));
        }
    }

    @Override
    public void addBias(double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int row = xOffset + r * ld;
            add(x, row, bias, biasOffset, x, row, cols);
        }
    }

    @Override
    public void columnSums(double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset) {
        int c = 0;
        for (; c <= cols - COLUMN_BLOCK_VECTORS * DL; c += COLUMN_BLOCK_VECTORS * DL) {
            DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, at = xOffset + c; r < rows; r++, at += ld) {
                s0 = s0.add(DoubleVector.fromArray(D, x, at));
                s1 = s1.add(DoubleVector.fromArray(D, x, at + DL));
                s2 = s2.add(DoubleVector.fromArray(D, x, at + 2 * DL));
                s3 = s3.add(DoubleVector.fromArray(D, x, at + 3 * DL));
            }
            s0.intoArray(out, outOffset + c);
            s1.intoArray(out, outOffset + c + DL);
            s2.intoArray(out, outOffset + c + 2 * DL);
            s3.intoArray(out, outOffset + c + 3 * DL);
        }
        for (; c < cols; c += DL) {
            VectorMask<Double> m = D.indexInRange(c, cols);
            DoubleVector s = DoubleVector.zero(D);
            for (int r = 0, at = xOffset + c; r < rows; r++, at += ld) {
                s = s.add(DoubleVector.fromArray(D, x, at, m));
            }
            s.intoArray(out, outOffset + c, m);
        }
    }
}
