package dev.jvk.kernels.spi;

/**
 * Reductions of one or two arrays to a number: the kernels behind {@code dev.jvk.kernels.Reductions}. Arguments are
 * checked by the public class before a call gets here: implementations may assume them valid.
 * Implemented by the Vector API code and by the scalar reference; the contract of each method is
 * on the public method of the same name.
 */
public interface ReductionKernels {
    float sum(float[] x, int offset, int n);
    float asum(float[] x, int offset, int n);
    float dot(float[] x, int xOffset, float[] y, int yOffset, int n);
    float mean(float[] x, int offset, int n);
    float variance(float[] x, int offset, int n);
    float nrm2(float[] x, int offset, int n);
    float logSumExp(float[] x, int offset, int n);
    float max(float[] x, int offset, int n);
    float min(float[] x, int offset, int n);
    int argmax(float[] x, int offset, int n);
    double sum(double[] x, int offset, int n);
    double asum(double[] x, int offset, int n);
    double dot(double[] x, int xOffset, double[] y, int yOffset, int n);
    double mean(double[] x, int offset, int n);
    double variance(double[] x, int offset, int n);
    double nrm2(double[] x, int offset, int n);
    double logSumExp(double[] x, int offset, int n);
    double max(double[] x, int offset, int n);
    double min(double[] x, int offset, int n);
    int argmax(double[] x, int offset, int n);
}
