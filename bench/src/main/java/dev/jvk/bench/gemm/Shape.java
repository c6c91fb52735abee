package dev.jvk.bench.gemm;

import dev.jvk.kernels.Transpose;

/**
 * A GEMM shape as the benchmarks name it: {@code "NN:128x256x784"} is op(A) = A, op(B) = B,
 * m = 128, n = 256, k = 784 (so C is 128 x 256); {@code "NT:..."} transposes B, {@code "TN:..."} A.
 * Leading dimensions are minimal.
 */
record Shape(Transpose transA, Transpose transB, int m, int n, int k) {

    /**
     * Parses {@code "NN:MxNxK"}; the prefix may be left out ({@code "MxNxK"} is NN), as bench/README.md
     * promises for every {@code shape} parameter.
     *
     * @throws IllegalArgumentException naming the text when it is not such a shape
     */
    static Shape parse(String text) {
        String trans = "NN";
        String dimensions = text;
        int colon = text.indexOf(':');
        if (colon >= 0) {
            trans = text.substring(0, colon);
            dimensions = text.substring(colon + 1);
        }
        String[] dims = dimensions.split("x", -1);
        if (!trans.matches("[NT]{2}") || dims.length != 3) {
            throw bad(text);
        }
        int[] mnk = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                mnk[i] = Integer.parseInt(dims[i]);
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            if (mnk[i] < 1) {
                throw bad(text);
            }
        }
        return new Shape(trans.charAt(0) == 'T' ? Transpose.TRANS : Transpose.NO_TRANS,
                trans.charAt(1) == 'T' ? Transpose.TRANS : Transpose.NO_TRANS, mnk[0], mnk[1], mnk[2]);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("shape must be [NN|NT|TN|TT:]MxNxK with M, N, K at least 1, e.g. NN:128x256x784, not '"
                + text + "'");
    }

    boolean aTransposed() {
        return transA == Transpose.TRANS;
    }

    boolean bTransposed() {
        return transB == Transpose.TRANS;
    }

    /** Leading dimension of A as stored: k x m when transposed, m x k otherwise. */
    int lda() {
        return Math.max(1, aTransposed() ? m : k);
    }

    int ldb() {
        return Math.max(1, bTransposed() ? k : n);
    }

    int ldc() {
        return Math.max(1, n);
    }

    long flops() {
        return 2L * m * n * k;
    }
}
