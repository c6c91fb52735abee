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
    float[] classWeights;         // training only: the loss weight of each class, or null for an unweighted mean
    boolean softTargets;          // training only: a classifier learns targets (a distribution per row, Trainer.distillFrom), not labels
    float[] source;               // features the next forward pass copies its input rows from (Mlp.loadBatch), or null: input is loaded
    int[] sourceOrder;            // the rows of source, from sourceFrom on, or null: consecutive rows
    int sourceFrom;

    /** The most values one Java array holds. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Checks the plan, then allocates.
     *
     * @throws IllegalArgumentException     when {@code capacity < 1}, or {@code capacity} rows of the widest layer do not fit one array
     * @throws InsufficientMemoryException  when the buffers would not fit in the heap
     */
    Workspace(Mlp mlp, int capacity, boolean training) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
        }
        if (capacity > maxRows(mlp)) {
            throw new IllegalArgumentException("a batch of " + capacity + " rows of the model " + mlp.describe() + " needs more than one Java array "
                    + "holds for its widest layer (" + widest(mlp) + " values per row); use a batch of at most " + maxRows(mlp));
        }
        MemoryPlan.require(bytes(mlp, capacity, training), (training ? "training" : "inference") + " buffers for " + capacity
                + " rows of the model " + mlp.describe());
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

    /** The most rows whose buffers each fit one array: {@code MAX_ARRAY / widest}, in {@code long} so that it cannot wrap. */
    static long maxRows(Mlp mlp) {
        return MAX_ARRAY / widest(mlp);
    }

    private static long widest(Mlp mlp) {
        long widest = mlp.inputs();
        for (Layer layer : mlp.layers()) {
            widest = Math.max(widest, layer.outputSize());
        }
        return widest;
    }

    /** The bytes this constructor allocates: the input, every output, the gradients, dropout masks (int labels counted as 4 bytes). */
    static long bytes(Mlp mlp, long capacity, boolean training) {
        long floats = capacity * mlp.inputs() + capacity;
        int n = mlp.layers().size();
        for (int i = 0; i < n; i++) {
            Layer layer = mlp.layers().get(i);
            long buffers = 1 + (training || i == n - 1 ? 1 : 0) + (layer instanceof Dropout ? 1 : 0);
            floats += buffers * capacity * layer.outputSize();
        }
        return 4 * floats;
    }

    /** The network's output for the rows of the last pass. */
    float[] logits() {
        return outputs[outputs.length - 1];
    }
}
