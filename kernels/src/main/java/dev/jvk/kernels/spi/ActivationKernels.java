package dev.jvk.kernels.spi;

/**
 * Elementwise activations, their backward forms and the fused bias + activation: the kernels behind {@code dev.jvk.kernels.Activations}. Arguments are
 * checked by the public class before a call gets here: implementations may assume them valid.
 * Implemented by the Vector API code and by the scalar reference; the contract of each method is
 * on the public method of the same name.
 */
public interface ActivationKernels {
    void relu(float[] x, int xOffset, float[] y, int yOffset, int n);
    void leakyRelu(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n);
    void exp(float[] x, int xOffset, float[] y, int yOffset, int n);
    void log(float[] x, int xOffset, float[] y, int yOffset, int n);
    void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n);
    void tanh(float[] x, int xOffset, float[] y, int yOffset, int n);
    void silu(float[] x, int xOffset, float[] y, int yOffset, int n);
    void softplus(float[] x, int xOffset, float[] y, int yOffset, int n);
    void geluTanh(float[] x, int xOffset, float[] y, int yOffset, int n);
    void geluErf(float[] x, int xOffset, float[] y, int yOffset, int n);
    void siluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void geluTanhBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void geluErfBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void reluBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void leakyReluBackward(float alpha, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void sigmoidBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void tanhBackward(float[] y, int yOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void softplusBackward(float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset, int n);
    void addBiasRelu(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld);
    void addBiasLeakyRelu(float alpha, float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols, int ld);
}
