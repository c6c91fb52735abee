package dev.jvk.bench.gemm;

import dev.jvk.kernels.Transpose;

/**
 * A GEMM shape as the benchmarks name it: {@code "NN:128x256x784"} is op(A) = A, op(B) = B,
 * m = 128, n = 256, k = 784 (so C is 128 x 256); {@code "NT:..."} transposes B, {@code "TN:..."} A.
 * Leading dimensions are minimal.
 */
record Shape(Transpose transA, Transpose transB, int m, int n, int k) {

    static Shape parse(String text) {
        String[] parts = text.split(":");
        String[] dims = parts[1].split("x");
        return new Shape(parts[0].charAt(0) == 'T' ? Transpose.TRANS : Transpose.NO_TRANS,
                parts[0].charAt(1) == 'T' ? Transpose.TRANS : Transpose.NO_TRANS,
                Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
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
