package dev.jvk.bench.mlp;

import java.util.SplittableRandom;

/**
 * Data of Fashion-MNIST's shape without the data set: 784 pixel values in 0..255 and 10 classes.
 * Speed does not depend on the values (no data-dependent branches in the kernels), so random pixels
 * measure what the real set would; a fixed pool of batches keeps it in memory as the real one is.
 */
final class FashionShapedData {
    static final int FEATURES = 784;
    static final int CLASSES = 10;

    final float[] pixels;
    final int[] labels;
    final int rows;

    FashionShapedData(int rows, long seed) {
        this.rows = rows;
        SplittableRandom random = new SplittableRandom(seed);
        pixels = new float[rows * FEATURES];
        labels = new int[rows];
        for (int i = 0; i < pixels.length; i++) {
            // mostly dark with bright strokes, as clothing images are
            pixels[i] = random.nextInt(3) == 0 ? random.nextInt(256) : 0;
        }
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(CLASSES);
        }
    }

    /**
     * The pool cut into {@code rows / batch} batches of consecutive rows, each in arrays of its own: what a training
     * step is handed as {@code ./jvk train}'s steps are, rows no thread has touched since the last pass over the pool,
     * which each thread of the step copies (and scales) itself. A step on rows copied into one buffer on the caller's
     * thread just before would find them in the caller's cache, a copy the trainer never makes.
     */
    float[][] batchFeatures(int batch) {
        float[][] x = new float[rows / batch][];
        for (int b = 0; b < x.length; b++) {
            x[b] = java.util.Arrays.copyOfRange(pixels, b * batch * FEATURES, (b + 1) * batch * FEATURES);
        }
        return x;
    }

    /** The labels of {@link #batchFeatures}' batches. */
    int[][] batchLabels(int batch) {
        int[][] y = new int[rows / batch][];
        for (int b = 0; b < y.length; b++) {
            y[b] = java.util.Arrays.copyOfRange(labels, b * batch, (b + 1) * batch);
        }
        return y;
    }
}
