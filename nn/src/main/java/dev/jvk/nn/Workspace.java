package dev.jvk.nn;

/**
 * The buffers one forward (and backward) pass of an {@link Mlp} uses for batches of up to
 * {@code capacity} rows, allocated once: the input batch, every layer's output, and, for training,
 * the gradient with respect to every layer's output. A pass over fewer rows uses the front of
 * each buffer.
 */
final class Workspace {
    final int capacity;
    final boolean training;
    final float[] input;          // [capacity x inputs]
    final int[] labels;           // [capacity]
    final float[] targets;        // [capacity x outputs]: regression targets, standardised
    final float[][] outputs;      // outputs[i]: [capacity x layer i's outputSize]
    final float[][] gradients;    // gradients[i] = dLoss/d outputs[i]; for inference only the last one (for the loss)

    Workspace(Mlp mlp, int capacity, boolean training) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.training = training;
        this.input = new float[capacity * mlp.inputs()];
        this.labels = new int[capacity];
        this.targets = new float[capacity * mlp.classes()];
        int n = mlp.layers().size();
        this.outputs = new float[n][];
        this.gradients = new float[n][];
        for (int i = 0; i < n; i++) {
            Layer layer = mlp.layers().get(i);
            outputs[i] = new float[capacity * layer.outputSize()];
            if (training || i == n - 1) {
                gradients[i] = new float[capacity * layer.outputSize()];
            }
            layer.reserve(capacity);
        }
    }

    /** The network's output for the rows of the last pass. */
    float[] logits() {
        return outputs[outputs.length - 1];
    }
}
