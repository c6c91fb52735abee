package dev.jvk.kernels;

import dev.jvk.kernels.gemm.GemmEngine;
import dev.jvk.kernels.platform.Platform;
import dev.jvk.kernels.reference.ReferenceKernels;
import dev.jvk.kernels.simd.SimdActivations;
import dev.jvk.kernels.simd.SimdLowPrecision;
import dev.jvk.kernels.simd.SimdReductions;
import dev.jvk.kernels.simd.SimdSoftmax;
import dev.jvk.kernels.simd.SimdVectors;
import dev.jvk.kernels.spi.ActivationKernels;
import dev.jvk.kernels.spi.GemmKernels;
import dev.jvk.kernels.spi.LowPrecisionKernels;
import dev.jvk.kernels.spi.ReductionKernels;
import dev.jvk.kernels.spi.SoftmaxKernels;
import dev.jvk.kernels.spi.VectorKernels;

/**
 * The one place where the implementation of every kernel is chosen, once, from
 * {@link Platform#VECTOR} (Lucene's {@code VectorizationProvider} pattern). Each public class copies
 * its family into a {@code static final} field of an interface type and calls it after its argument
 * checks: the field is a constant of one exact class, so C2 binds and inlines the call.
 */
final class Dispatch {
    /** The kernels of every family, from one implementation. */
    record Implementation(ActivationKernels activations, ReductionKernels reductions, VectorKernels vectors,
                          SoftmaxKernels softmax, GemmKernels gemm,
                          LowPrecisionKernels lowPrecision) {}

    static final Implementation CHOSEN = Platform.VECTOR ? VectorApi.implementation() : scalar();

    private Dispatch() {}

    private static Implementation scalar() {
        ReferenceKernels reference = new ReferenceKernels();
        return new Implementation(reference, reference, reference, reference, reference, reference);
    }

    /** Loaded only when the Vector API runs: its classes touch {@code jdk.incubator.vector}. */
    private static final class VectorApi {
        static Implementation implementation() {
            return new Implementation(new SimdActivations(), new SimdReductions(), new SimdVectors(),
                    new SimdSoftmax(), new GemmEngine(), new SimdLowPrecision());
        }
    }
}
