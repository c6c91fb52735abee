package dev.jvk.kernels.reference;

/** Scalar reference reductions. */
public final class ReferenceReductions {
    private ReferenceReductions() {}
}
