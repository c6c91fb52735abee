package dev.jvk.kernels.simd;

import dev.jvk.kernels.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every vector kernel uses, fixed once from {@link Kernels#vectorBits()} (the preferred
 * width, capped by {@code -Djvk.vectorBits}). Static finals, so C2 treats them as constants.
 * Only touched when the vector implementation was chosen.
 */
public final class Species {
    private static final VectorShape SHAPE = Kernels.vectorBits() > 0
            ? VectorShape.forBitSize(Kernels.vectorBits())
            : VectorShape.preferredShape();

    public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Double> DOUBLE = DoubleVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED.withShape(SHAPE);
    public static final VectorSpecies<Long> LONG = LongVector.SPECIES_PREFERRED.withShape(SHAPE);

    private Species() {}
}
