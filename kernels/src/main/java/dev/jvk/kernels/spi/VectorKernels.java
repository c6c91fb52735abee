package dev.jvk.kernels.spi;

/**
 * BLAS-1 and elementwise arithmetic, bias and column sums: the kernels behind {@code dev.jvk.kernels.Vectors}. Arguments are
 * checked by the public class before a call gets here: implementations may assume them valid.
 * Implemented by the Vector API code and by the scalar reference; the contract of each method is
 * on the public method of the same name.
 */
public interface VectorKernels {
    void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n);
    void scal(float alpha, float[] x, int offset, int n);
    void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n);
    void sub(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n);
    void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n);
    void copy(float[] x, int xOffset, float[] y, int yOffset, int n);
    void fill(float value, float[] x, int offset, int n);
    void addBias(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld);
    void columnSums(float[] x, int xOffset, int rows, int cols, int ld, float[] out, int outOffset);
    void axpy(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n);
    void scal(double alpha, double[] x, int offset, int n);
    void add(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n);
    void sub(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n);
    void mul(double[] x, int xOffset, double[] y, int yOffset, double[] z, int zOffset, int n);
    void copy(double[] x, int xOffset, double[] y, int yOffset, int n);
    void fill(double value, double[] x, int offset, int n);
    void addBias(double[] bias, int biasOffset, double[] x, int xOffset, int rows, int cols, int ld);
    void columnSums(double[] x, int xOffset, int rows, int cols, int ld, double[] out, int outOffset);
}
