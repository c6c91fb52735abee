package dev.jvk.nn;

/**
 * One step of an {@link Mlp}'s forward and backward passes: a {@link Layer}, or layers fused into
 * one ({@link DenseActivation}). The contract is {@link Layer}'s: {@code x} and {@code y} are the
 * forward input and output, {@code dy} the gradient of the output, {@code dx} (null for the first
 * step that has parameters) the gradient of the input.
 *
 * <p>Besides the whole-batch calls, each pass splits into what one row needs of that row alone
 * (forward, and the input side of backward: {@link #forwardRows}, {@link #backwardRows}) and what
 * sums over all rows (the parameter gradients: {@link #parameterGradientPart}). {@link Mlp} runs the
 * row parts of a batch in fixed chunks on several threads, then the sums over the whole batch in
 * fixed parts of the gradients, so the bits do not depend on how many threads ran them.
 */
interface Pass {
    /** {@code y[B x out] = pass(x[B x in])}. */
    void forward(float[] x, float[] y, int rows, boolean training);

    /** The parameter gradients from {@code dy}, and {@code dx} unless it is null. */
    void backward(float[] x, float[] y, float[] dy, float[] dx, int rows);

    /**
     * The forward pass of rows {@code [from, from + rows)} of {@code x} into the same rows of {@code y},
     * as inference computes it (a dropout layer passes them through).
     */
    default void forwardRows(float[] x, float[] y, int from, int rows) {
        forwardRows(x, from, y, from, rows);
    }

    /**
     * {@link #forwardRows} of rows {@code [xFrom, xFrom + rows)} of {@code x} into rows {@code [yFrom, yFrom + rows)} of
     * {@code y}: an inference chunk writes its outputs at the front of buffers of its own while it reads its input rows
     * where the caller put them.
     */
    void forwardRows(float[] x, int xFrom, float[] y, int yFrom, int rows);

    /**
     * {@link #forwardRows} of rows {@code [xFrom, xFrom + rows)} of {@code x} into rows {@code [from, from + rows)} of
     * {@code y}, each input feature p read as {@code (x - shift[p]) * scale[p]} (a model's feature scaling: the
     * difference rounded, then the product) and {@code x} left as it is; the same bits as {@link #forwardRows} on
     * rows scaled beforehand. Returns false, having written nothing, where the pass cannot: the caller then scales
     * a copy of the rows. Only for inference.
     */
    default boolean forwardRowsMapped(float[] x, int xFrom, float[] shift, float[] scale, float[] y, int from, int rows) {
        return false;
    }

    /**
     * What {@link #forwardRows} does after its product, for rows {@code [from, from + rows)} of {@code y} that already
     * hold {@code x . W} (summed elsewhere, in parts): the bias, and the activation of a fused pass. Only for a pass
     * with a dense product.
     */
    default void forwardAfterProduct(float[] y, int from, int rows) {
        throw new UnsupportedOperationException(this + " has no dense product");
    }

    /**
     * The row side of backward on rows {@code [from, from + rows)}: {@code dy} becomes, in place, the
     * gradient that {@link #parameterGradients} sums (the pre-activation's, for a pass with an
     * activation), and {@code dx}, unless null, the gradient of the input.
     */
    void backwardRows(float[] x, float[] y, float[] dy, float[] dx, int from, int rows);

    /** The parameter gradients (overwritten) from all {@code rows} of {@code x} and of {@code dy} as {@link #backwardRows} left it. */
    default void parameterGradients(float[] x, float[] dy, int rows) {
        for (int part = 0; part < parameterParts(); part++) {
            parameterGradientPart(x, dy, rows, part, GradientReady.NONE);
        }
    }

    /**
     * How many parts {@link #parameterGradientPart} computes the parameter gradients in (0 for a pass without
     * parameters): fixed by the pass's shape, never by the rows or the threads, so each element of a gradient
     * is summed the same way whoever computes it. The larger parts come first.
     */
    default int parameterParts() {
        return 0;
    }

    /**
     * Part {@code part} of the parameter gradients (overwritten) from all {@code rows} of {@code x} and of
     * {@code dy} as {@link #backwardRows} left it, then {@code ready} told which elements of which parameter
     * it wrote. Parts write disjoint elements and read only what backward left: they may run at once on
     * several threads.
     */
    default void parameterGradientPart(float[] x, float[] dy, int rows, int part, GradientReady ready) {
        throw new IllegalArgumentException(this + " has no parameter gradient part " + part);
    }

    /** Told by {@link #parameterGradientPart} which gradient elements are computed. */
    @FunctionalInterface
    interface GradientReady {
        /** Nothing to do with them. */
        GradientReady NONE = (parameter, from, to) -> {};

        /** Elements {@code [from, to)} of the gradient of the pass's parameter {@code parameter} (its layer's {@code parameters()} index) are computed. */
        void ready(int parameter, int from, int to);
    }
}
