package dev.jvk.kernels.simd;

import dev.jvk.kernels.platform.Platform.Species;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane shuffles of horizontal sums in a fixed pairwise order. {@code reduceLanes(ADD)} leaves the order of a
 * floating-point reduction unspecified, and in practice the Java fallback (interpreter, C1) adds
 * lanes in sequence while C2 adds them as a tree: the same call would give different bits before
 * and after compilation. Here every tier runs the same lanewise adds: lane i plus lane i + L/2,
 * then i + L/4, ..., log2(L) levels, so a term passes through log2(L) additions.
 *
 * <p>A call with a vector argument is only cheap when C2 inlines it; where it does not (a big
 * compilation unit, or the callee compiled alone first), the vector is boxed on every call. So no
 * helper sums the lanes: the kernels write the tree out in place with the shuffles below,
 * {@code v = L >= 16 ? v.add(v.rearrange(F_ROTATE_8)) : v}, then 4, 2 and 1.
 */
final class Lanes {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Double> D = Species.DOUBLE;
    private static final int FL = F.length();
    private static final int DL = D.length();

    // Rotations by k lanes (wrapping); only those with k < L are used for a given width.
    static final VectorShuffle<Float> F_ROTATE_8 = VectorShuffle.iota(F, 8 % FL, 1, true);
    static final VectorShuffle<Float> F_ROTATE_4 = VectorShuffle.iota(F, 4 % FL, 1, true);
    static final VectorShuffle<Float> F_ROTATE_2 = VectorShuffle.iota(F, 2 % FL, 1, true);
    static final VectorShuffle<Float> F_ROTATE_1 = VectorShuffle.iota(F, 1, 1, true);
    static final VectorShuffle<Double> D_ROTATE_8 = VectorShuffle.iota(D, 8 % DL, 1, true);
    static final VectorShuffle<Double> D_ROTATE_4 = VectorShuffle.iota(D, 4 % DL, 1, true);
    static final VectorShuffle<Double> D_ROTATE_2 = VectorShuffle.iota(D, 2 % DL, 1, true);
    static final VectorShuffle<Double> D_ROTATE_1 = VectorShuffle.iota(D, 1, 1, true);

    static {
        if (FL > 16 || FL < 2 || DL < 2) {
            throw new ExceptionInInitializerError("unsupported vector width: " + F);
        }
    }

    private Lanes() {}
}
