/**
 * jvk kernels: SIMD GEMM, activations, BLAS-1 operations and reductions on the Java Vector API.
 *
 * <p>{@code jdk.incubator.vector} is optional: without {@code --add-modules jdk.incubator.vector}
 * every kernel runs on its scalar reference, correctly, and one log line says how to enable the
 * fast path.
 */
module dev.jvk.kernels {
    requires static jdk.incubator.vector;
    requires static java.management;
    requires static jdk.management;

    exports dev.jvk.kernels;
    exports dev.jvk.kernels.reference;
}
