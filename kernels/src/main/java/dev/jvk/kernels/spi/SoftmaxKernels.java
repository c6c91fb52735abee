package dev.jvk.kernels.spi;

/**
 * Row-wise softmax, log-softmax and the fused softmax cross-entropy: the kernels behind {@code dev.jvk.kernels.Softmax}. Arguments are
 * checked by the public class before a call gets here: implementations may assume them valid.
 * Implemented by the Vector API code and by the scalar reference; the contract of each method is
 * on the public method of the same name.
 */
public interface SoftmaxKernels {
    void softmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy);
    void logSoftmax(float[] x, int xOffset, int rows, int cols, int ldx, float[] y, int yOffset, int ldy);
    float crossEntropy(float[] logits, int offset, int rows, int cols, int ld, int[] labels, int labelsOffset, float[] dLogits, int dOffset, int ldd);
}
