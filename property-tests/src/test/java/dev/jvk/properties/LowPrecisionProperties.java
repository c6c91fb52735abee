package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.LowPrecision;
import dev.jvk.kernels.PackedBf16Matrix;
import dev.jvk.kernels.reference.ReferenceLowPrecision;
import dev.jvk.properties.support.Bounds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * LowPrecision: bf16 and fp16 conversions, int8 quantization and int8 arithmetic, the public entry
 * point (the vector kernels when they run) and the reference alike, bitwise against oracles written
 * here and bitwise against each other; the mixed GEMM/GEMV within their bound of a double oracle on
 * the dequantized weights. Every check also proves that nothing outside the output range is written.
 * The oracles take another road than the kernels: bf16 and fp16 rounding picks the nearest of two
 * candidate values by distance (not by bit arithmetic), quantization rounds with BigDecimal, integer
 * sums are taken in long.
 */
class LowPrecisionProperties {
    private static final short SHORT_SENTINEL = (short) 0x5a5a;
    private static final byte BYTE_SENTINEL = (byte) 0x5a;
    private static final float FLOAT_SENTINEL = -777.25f;

    // ================================================================ inputs

    /** Floats of every kind: any bit pattern, bf16 ties and near-ties, values near the overflow edge, small integers. */
    static float anyFloat(SplittableRandom r) {
        switch (r.nextInt(8)) {
            case 0: return Float.intBitsToFloat(r.nextInt());
            case 1: return Float.intBitsToFloat((r.nextInt() & 0xffff0000) | 0x8000);            // a bf16 tie
            case 2: return Float.intBitsToFloat((r.nextInt() & 0xffff0000) | (0x8000 + r.nextInt(-2, 3)));
            case 3: return Float.intBitsToFloat((r.nextBoolean() ? 0 : 0x80000000) | (0x7f7f0000 + r.nextInt(0x10000)));
            case 4: return Float.intBitsToFloat((r.nextBoolean() ? 0 : 0x80000000) | r.nextInt(0x00800000)); // subnormal
            case 5: return r.nextInt(-200, 200) * 0.5f;
            case 6: return new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
                    Float.MAX_VALUE, Float.MIN_VALUE, 65504f, 65520f, 0x1p-24f, 0x1p-25f}[r.nextInt(11)];
            default: return (float) r.nextDouble(-70000, 70000);
        }
    }

    static float[] floats(SplittableRandom r, int offset, int n) {
        float[] x = new float[offset + n + 3];
        Arrays.fill(x, Float.NaN);
        for (int i = 0; i < n; i++) {
            x[offset + i] = anyFloat(r);
        }
        return x;
    }

    static short[] shortsWithSentinels(int offset, int n) {
        short[] y = new short[offset + n + 3];
        Arrays.fill(y, SHORT_SENTINEL);
        return y;
    }

    static float[] floatsWithSentinels(int offset, int n) {
        float[] y = new float[offset + n + 3];
        Arrays.fill(y, FLOAT_SENTINEL);
        return y;
    }

    static void assertSentinels(short[] y, int offset, int n) {
        for (int i = 0; i < y.length; i++) {
            if (i < offset || i >= offset + n) {
                assertThat(y[i]).as("y[%d] outside [%d, %d) was written", i, offset, offset + n).isEqualTo(SHORT_SENTINEL);
            }
        }
    }

    static void assertSentinels(float[] y, int offset, int n) {
        for (int i = 0; i < y.length; i++) {
            if (i < offset || i >= offset + n) {
                assertThat(y[i]).as("y[%d] outside [%d, %d) was written", i, offset, offset + n).isEqualTo(FLOAT_SENTINEL);
            }
        }
    }

    // ================================================================ oracles

    /** The value of a bf16 (its bits are a float's upper half), decoded field by field. */
    static double bf16Value(short b) {
        return decode(b, 8, 7);
    }

    /** The value of an fp16, decoded field by field. */
    static double fp16Value(short h) {
        return decode(h, 5, 10);
    }

    /** A 16-bit IEEE-style binary format: sign, exponent bits, mantissa bits, bias 2^(e-1) - 1. */
    static double decode(short bits, int exponentBits, int mantissaBits) {
        int maxExponent = (1 << exponentBits) - 1;
        int bias = maxExponent >> 1;
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> mantissaBits) & maxExponent;
        double fraction = (bits & ((1 << mantissaBits) - 1)) / (double) (1 << mantissaBits);
        double magnitude = exponent == 0 ? Math.scalb(fraction, 1 - bias)
                : exponent == maxExponent ? (fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : Math.scalb(1 + fraction, exponent - bias);
        return sign == 1 ? -magnitude : magnitude;
    }

    /**
     * The nearest of the finite values of a format, ties to the even encoding, overflow to infinity as
     * IEEE defines it (rounding as if the exponent range were unbounded, so the value one ulp above the
     * largest finite one, {@code limit}, is the candidate that stands for infinity). Magnitudes are
     * encoded as the positive bit patterns 0..maxFinite in increasing value order, which holds for
     * both bf16 and fp16; {@code value} decodes a pattern.
     */
    static short nearest(double x, int maxFinite, int infinity, double limit, java.util.function.IntToDoubleFunction value) {
        double a = Math.abs(x);
        int lo = 0;
        int hi = maxFinite;
        if (a >= value.applyAsDouble(maxFinite)) {
            lo = maxFinite;
        } else {
            while (hi - lo > 1) { // largest pattern whose value is <= a
                int mid = (lo + hi) >>> 1;
                if (value.applyAsDouble(mid) <= a) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }
        double below = value.applyAsDouble(lo);
        double above = lo == maxFinite ? limit : value.applyAsDouble(lo + 1);
        int pick;
        if (a == below) {
            pick = lo;
        } else if (a - below < above - a) {
            pick = lo;
        } else if (a - below > above - a) {
            pick = lo + 1;
        } else {
            pick = (lo & 1) == 0 ? lo : lo + 1;
        }
        int magnitude = pick > maxFinite ? infinity : pick;
        int sign = (Double.doubleToRawLongBits(x) < 0) ? 0x8000 : 0;
        return (short) (sign | magnitude);
    }

    static short bf16Oracle(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x0040); // the stated NaN rule: sign and upper payload, quiet bit
        }
        if (Float.isInfinite(x)) {
            return (short) (bits >>> 16);
        }
        return nearest(x, 0x7f7f, 0x7f80, 0x1p128, p -> bf16Value((short) p));
    }

    static short fp16Oracle(float x) {
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            return Float.floatToFloat16(x); // specials: the contract is the JDK's own encoding
        }
        return nearest(x, 0x7bff, 0x7c00, 65536.0, p -> fp16Value((short) p));
    }

    /** rint(fl(x / scale)) saturated to [-127, 127], NaN to 0: the division in double rounded once to float (exact for float operands), the rest with BigDecimal. */
    static byte quantizeOracle(float x, float scale) {
        float v = (float) ((double) x / scale);
        if (Float.isNaN(v)) {
            return 0;
        }
        if (Float.isInfinite(v)) {
            return (byte) (v > 0 ? 127 : -127);
        }
        int r = new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).max(BigDecimal.valueOf(-127)).min(BigDecimal.valueOf(127)).intValueExact();
        return (byte) r;
    }

    // ================================================================ conversions

    @FunctionalInterface
    interface FloatToShorts {
        void apply(float[] x, int xOffset, short[] y, int yOffset, int n);
    }

    @FunctionalInterface
    interface ShortsToFloats {
        void apply(short[] x, int xOffset, float[] y, int yOffset, int n);
    }

    /** Runs a float-to-16-bit conversion and checks every element bitwise against the oracle, and the range. */
    static short[] checkToShorts(FloatToShorts kernel, java.util.function.Function<Float, Short> oracle, float[] x, int xOffset, int yOffset, int n) {
        float[] before = x.clone();
        short[] y = shortsWithSentinels(yOffset, n);
        kernel.apply(x, xOffset, y, yOffset, n);
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            assertThat(y[yOffset + i]).as("element %d of %d: x = %s (bits %08x)", i, n, xi, Float.floatToRawIntBits(xi))
                    .isEqualTo(oracle.apply(xi));
        }
        assertSentinels(y, yOffset, n);
        assertThat(x).as("input untouched").isEqualTo(before);
        return y;
    }

    @Property
    void floatToBf16RoundsToNearestEvenBitForBit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                                 @ForAll @IntRange(min = 0, max = 7) int xOffset, @ForAll @IntRange(min = 0, max = 7) int yOffset) {
        float[] x = floats(new SplittableRandom(seed), xOffset, n);
        short[] kernel = checkToShorts(LowPrecision::floatToBf16, LowPrecisionProperties::bf16Oracle, x, xOffset, yOffset, n);
        short[] reference = checkToShorts(ReferenceLowPrecision::floatToBf16, LowPrecisionProperties::bf16Oracle, x, xOffset, yOffset, n);
        assertThat(kernel).isEqualTo(reference);
    }

    @Property
    void floatToFp16IsTheJdksConversionAndTheNearestValue(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                                          @ForAll @IntRange(min = 0, max = 7) int xOffset, @ForAll @IntRange(min = 0, max = 7) int yOffset) {
        float[] x = floats(new SplittableRandom(seed), xOffset, n);
        for (FloatToShorts k : new FloatToShorts[] {LowPrecision::floatToFp16, ReferenceLowPrecision::floatToFp16}) {
            checkToShorts(k, LowPrecisionProperties::fp16Oracle, x, xOffset, yOffset, n);
            checkToShorts(k, Float::floatToFloat16, x, xOffset, yOffset, n);
        }
    }

    /** Every one of the 65536 patterns, at an offset, against the field-by-field decoder (and the JDK for fp16). */
    @Example
    void sixteenBitToFloatIsExactForEveryPattern() {
        short[] all = new short[65536 + 3];
        for (int i = 0; i < 65536; i++) {
            all[3 + i] = (short) i;
        }
        for (ShortsToFloats k : new ShortsToFloats[] {LowPrecision::bf16ToFloat, ReferenceLowPrecision::bf16ToFloat}) {
            float[] y = floatsWithSentinels(1, 65536);
            k.apply(all, 3, y, 1, 65536);
            for (int i = 0; i < 65536; i++) {
                double v = bf16Value((short) i);
                if (Double.isNaN(v)) {
                    assertThat(Float.floatToRawIntBits(y[1 + i])).as("bf16 NaN %04x keeps its bits", i).isEqualTo(i << 16);
                } else {
                    assertThat((double) y[1 + i]).as("bf16 %04x", i).isEqualTo(v);
                }
            }
            assertSentinels(y, 1, 65536);
        }
        for (ShortsToFloats k : new ShortsToFloats[] {LowPrecision::fp16ToFloat, ReferenceLowPrecision::fp16ToFloat}) {
            float[] y = floatsWithSentinels(1, 65536);
            k.apply(all, 3, y, 1, 65536);
            for (int i = 0; i < 65536; i++) {
                double v = fp16Value((short) i);
                assertThat(Float.floatToRawIntBits(y[1 + i])).as("fp16 %04x", i)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat((short) i)));
                if (!Double.isNaN(v)) {
                    assertThat((double) y[1 + i]).as("fp16 %04x", i).isEqualTo(v);
                }
            }
            assertSentinels(y, 1, 65536);
        }
    }

    @Property
    void bf16RoundTripsAndShortTailsAreExact(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                             @ForAll @IntRange(min = 0, max = 7) int xOffset, @ForAll @IntRange(min = 0, max = 7) int yOffset) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] b = new short[xOffset + n + 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (short) r.nextInt();
        }
        float[] kernel = floatsWithSentinels(yOffset, n);
        float[] reference = floatsWithSentinels(yOffset, n);
        LowPrecision.bf16ToFloat(b, xOffset, kernel, yOffset, n);
        ReferenceLowPrecision.bf16ToFloat(b, xOffset, reference, yOffset, n);
        assertThat(Arrays.equals(kernel, reference)).isTrue();
        assertSentinels(kernel, yOffset, n);
        short[] back = shortsWithSentinels(xOffset, n);
        LowPrecision.floatToBf16(kernel, yOffset, back, xOffset, n);
        for (int i = 0; i < n; i++) {
            short original = b[xOffset + i];
            boolean nan = (original & 0x7f80) == 0x7f80 && (original & 0x7f) != 0;
            assertThat(back[xOffset + i]).as("round trip of %04x", original).isEqualTo(nan ? (short) (original | 0x40) : original);
        }
    }

    @Property(tries = 200)
    void bf16OnSegmentsEqualsTheArrayForms(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                           @ForAll @IntRange(min = 0, max = 7) int xOffset, @ForAll @IntRange(min = 0, max = 7) int yOffset) {
        float[] x = floats(new SplittableRandom(seed), xOffset, n);
        short[] expected = shortsWithSentinels(yOffset, n);
        ReferenceLowPrecision.floatToBf16(x, xOffset, expected, yOffset, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate((long) x.length * 4, 4);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            MemorySegment ys = arena.allocate((long) expected.length * 2, 2);
            ys.fill((byte) 0x5a); // SHORT_SENTINEL in both bytes
            LowPrecision.floatToBf16(xs, xOffset, ys, yOffset, n);
            assertThat(ys.toArray(ValueLayout.JAVA_SHORT)).isEqualTo(expected);
            ys.fill((byte) 0x5a);
            ReferenceLowPrecision.floatToBf16(xs, xOffset, ys, yOffset, n);
            assertThat(ys.toArray(ValueLayout.JAVA_SHORT)).isEqualTo(expected);

            float[] widened = floatsWithSentinels(xOffset, n);
            ReferenceLowPrecision.bf16ToFloat(expected, yOffset, widened, xOffset, n);
            MemorySegment back = arena.allocate((long) widened.length * 4, 4);
            MemorySegment.copy(floatsWithSentinels(xOffset, n), 0, back, ValueLayout.JAVA_FLOAT, 0, widened.length);
            LowPrecision.bf16ToFloat(ys, yOffset, back, xOffset, n);
            assertThat(Arrays.equals(back.toArray(ValueLayout.JAVA_FLOAT), widened)).isTrue();
        }
    }

    @Example
    void overlappingSegmentsAreRejectedBeforeAnyWrite() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64 * 4);
            s.fill((byte) 1);
            assertThatThrownBy(() -> LowPrecision.floatToBf16(s, 0, s, 8, 16)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("y overlaps x");
            assertThat(s.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 1);
            assertThatThrownBy(() -> LowPrecision.bf16ToFloat(s.asReadOnly(), 0, s.asReadOnly(), 40, 16))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("y is a read-only");
            LowPrecision.floatToBf16(s, 0, s, 64, 16); // bytes [0, 64) and [128, 160): apart
        }
    }

    // ================================================================ int8 quantization

    @Property
    void quantizeIsRintOfTheQuotientSaturatedBitForBit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                                       @ForAll @IntRange(min = 0, max = 7) int xOffset, @ForAll @IntRange(min = 0, max = 7) int qOffset) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = floats(r, xOffset, n);
        float scale = r.nextBoolean() ? (float) Math.scalb(1.0, r.nextInt(-20, 20)) : (float) r.nextDouble(1e-3, 600);
        byte[] expected = null;
        for (int kernel = 0; kernel < 2; kernel++) {
            byte[] q = new byte[qOffset + n + 3];
            Arrays.fill(q, BYTE_SENTINEL);
            if (kernel == 0) {
                LowPrecision.quantizeInt8(scale, x, xOffset, q, qOffset, n);
            } else {
                ReferenceLowPrecision.quantizeInt8(scale, x, xOffset, q, qOffset, n);
            }
            for (int i = 0; i < q.length; i++) {
                if (i < qOffset || i >= qOffset + n) {
                    assertThat(q[i]).as("q[%d] outside the range", i).isEqualTo(BYTE_SENTINEL);
                } else {
                    float xi = x[xOffset + i - qOffset];
                    assertThat(q[i]).as("x = %s, scale = %s", xi, scale).isEqualTo(quantizeOracle(xi, scale));
                }
            }
            if (expected != null) {
                assertThat(q).isEqualTo(expected);
            }
            expected = q;
        }
    }

    /** Ties of the quotient go to even, both signs, and saturation starts just past ±127. */
    @Example
    void quantizeTiesAndSaturation() {
        float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f, -126.5f, 127.49f, 127.5f, 128f, -1e30f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0f};
        byte[] want = {0, 2, 2, 0, -2, -2, 126, -126, 127, 127, 127, -127, 127, -127, 0, 0};
        byte[] q = new byte[x.length];
        LowPrecision.quantizeInt8(1f, x, 0, q, 0, x.length);
        assertThat(q).isEqualTo(want);
        ReferenceLowPrecision.quantizeInt8(1f, x, 0, q, 0, x.length);
        assertThat(q).isEqualTo(want);
    }

    @Property
    void dequantizeIsOneRoundedProductBitForBit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                                @ForAll @IntRange(min = 0, max = 7) int qOffset, @ForAll @IntRange(min = 0, max = 7) int yOffset) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] q = new byte[qOffset + n + 1];
        r.nextBytes(q);
        float scale = Math.abs(anyFloat(r));
        if (!(scale > 0) || Float.isInfinite(scale)) {
            scale = 0.0123f;
        }
        float[] kernel = floatsWithSentinels(yOffset, n);
        float[] reference = floatsWithSentinels(yOffset, n);
        LowPrecision.dequantizeInt8(scale, q, qOffset, kernel, yOffset, n);
        ReferenceLowPrecision.dequantizeInt8(scale, q, qOffset, reference, yOffset, n);
        for (int i = 0; i < n; i++) {
            assertThat(kernel[yOffset + i]).isEqualTo((float) ((double) q[qOffset + i] * scale));
        }
        assertThat(Arrays.equals(kernel, reference)).isTrue();
        assertSentinels(kernel, yOffset, n);
    }

    @Property
    void perRowScalesMapEachRowsLargestMagnitudeTo127(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int rows,
                                                      @ForAll @IntRange(min = 0, max = 150) int cols, @ForAll @IntRange(min = 0, max = 4) int ldExtra) {
        SplittableRandom r = new SplittableRandom(seed);
        int ldx = Math.max(1, cols + ldExtra);
        int ldq = Math.max(1, cols + 1);
        float[] x = new float[1 + rows * ldx];
        for (int i = 0; i < x.length; i++) {
            double magnitude = Math.scalb(1.0, r.nextInt(-30, 30));
            x[i] = r.nextInt(10) == 0 ? 0f : (float) (r.nextDouble(-1, 1) * magnitude);
        }
        if (rows > 0 && r.nextBoolean()) {
            Arrays.fill(x, 1, 1 + cols, 0f); // an all-zero row
        }
        byte[] q = new byte[2 + rows * ldq];
        float[] scales = floatsWithSentinels(1, rows);
        LowPrecision.quantizeInt8Rows(x, 1, rows, cols, ldx, q, 2, ldq, scales, 1);
        assertSentinels(scales, 1, rows);
        for (int row = 0; row < rows; row++) {
            double max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(x[1 + row * ldx + c]));
            }
            float want = max == 0 ? 1f : Math.max((float) (max / 127), Float.MIN_VALUE);
            assertThat(scales[1 + row]).as("scale of row %d", row).isEqualTo(want);
            for (int c = 0; c < cols; c++) {
                byte qc = q[2 + row * ldq + c];
                assertThat(qc).isEqualTo(quantizeOracle(x[1 + row * ldx + c], want));
                if (Math.abs(x[1 + row * ldx + c]) == max && max > 0) {
                    assertThat(Math.abs(qc)).as("the row's largest magnitude").isEqualTo((byte) 127);
                }
            }
        }
    }

    @Example
    void quantizationRejectsWhatItCannotRepresentBeforeWriting() {
        float[] x = {1f, 2f, 3f, 4f, Float.NaN, 5f};
        byte[] q = new byte[6];
        float[] scales = {-1f, -1f};
        assertThatThrownBy(() -> LowPrecision.quantizeInt8Rows(x, 0, 2, 3, 3, q, 0, 3, scales, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("x holds a non-finite value");
        assertThat(q).containsOnly((byte) 0);
        assertThat(scales).containsOnly(-1f);
        assertThatThrownBy(() -> LowPrecision.int8Scale(new float[] {1f, Float.NEGATIVE_INFINITY}, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("x holds a non-finite value");
        for (float bad : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> LowPrecision.quantizeInt8(bad, x, 0, q, 0, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scale must be finite and > 0");
            assertThatThrownBy(() -> LowPrecision.dequantizeInt8(bad, q, 0, x, 0, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scale must be finite and > 0");
        }
        assertThat(LowPrecision.int8Scale(new float[] {0f, -0f}, 0, 2)).isEqualTo(1f);
        assertThat(LowPrecision.int8Scale(new float[] {Float.MIN_VALUE}, 0, 1)).isEqualTo(Float.MIN_VALUE);
        assertThat(LowPrecision.int8Scale(new float[] {-254f, 3f}, 0, 2)).isEqualTo(2f);
    }

    /**
     * At the ends of the float range max / 127 rounds far enough to break the round trip: near
     * MAX_VALUE it rounds up so that 127 * scale overflows (the largest element dequantized to
     * infinity), and a subnormal quotient rounds to a scale so coarse that max / scale passes 127.5
     * (the largest saturated, e.g. 190 * MIN_VALUE back as 127 * MIN_VALUE). Every element of a
     * row must come back within half a step of itself, through int8Scale and quantizeInt8Rows alike.
     */
    @Example
    void theLargestMagnitudeRoundTripsWithinHalfAStepAtBothEndsOfTheRange() {
        List<Float> maxima = new ArrayList<>(List.of(Float.MAX_VALUE, Math.nextDown(Float.MAX_VALUE), 0x1.fffffcp127f,
                3.3e38f, 127f * Float.MIN_NORMAL, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL)));
        for (int k = 1; k <= 1000; k++) {
            maxima.add(k * Float.MIN_VALUE);
        }
        for (float max : maxima) {
            for (float[] x : new float[][] {{max, -max / 3}, {-max, 0f, max / 2}}) {
                float scale = LowPrecision.int8Scale(x, 0, x.length);
                byte[] q = new byte[x.length];
                float[] back = new float[x.length];
                LowPrecision.quantizeInt8(scale, x, 0, q, 0, x.length);
                LowPrecision.dequantizeInt8(scale, q, 0, back, 0, x.length);
                byte[] rowQ = new byte[x.length];
                float[] rowScale = new float[1];
                LowPrecision.quantizeInt8Rows(x, 0, 1, x.length, x.length, rowQ, 0, x.length, rowScale, 0);
                assertThat(rowScale[0]).as("quantizeInt8Rows' scale for max %s", max).isEqualTo(scale);
                assertThat(rowQ).as("quantizeInt8Rows for max %s", max).isEqualTo(q);
                for (int i = 0; i < x.length; i++) {
                    // half a step, and the roundings of q * scale and of x / scale
                    double allowed = 0.5 * scale + Math.ulp(x[i]) + Float.MIN_VALUE;
                    assertThat(Math.abs((double) back[i] - x[i])).as("x = %s (max %s): scale %s, q %s, back %s",
                            x[i], max, scale, q[i], back[i]).isLessThanOrEqualTo(allowed);
                }
            }
        }
    }

    // ================================================================ int8 arithmetic

    static byte[] randomBytes(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        r.nextBytes(b);
        if (r.nextInt(4) == 0) { // the extremes, -128 included
            for (int i = 0; i < length; i++) {
                b[i] = r.nextBoolean() ? (byte) -128 : (byte) (r.nextBoolean() ? 127 : -127);
            }
        }
        return b;
    }

    @Property
    void dotInt8IsExact(@ForAll long seed, @ForAll @IntRange(min = 0, max = 600) int n,
                        @ForAll @IntRange(min = 0, max = 40) int xOffset, @ForAll @IntRange(min = 0, max = 40) int yOffset) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] x = randomBytes(r, xOffset + n + 1);
        byte[] y = randomBytes(r, yOffset + n + 1);
        long exact = 0;
        for (int i = 0; i < n; i++) {
            exact += (long) x[xOffset + i] * y[yOffset + i];
        }
        assertThat((long) LowPrecision.dotInt8(x, xOffset, y, yOffset, n)).isEqualTo(exact);
        assertThat((long) ReferenceLowPrecision.dotInt8(x, xOffset, y, yOffset, n)).isEqualTo(exact);
    }

    /** At the limit the extreme sum fits; one term more is refused. */
    @Example
    void dotInt8AtItsTermLimit() {
        int n = LowPrecision.INT8_MAX_TERMS;
        assertThat(n).isEqualTo(131071);
        byte[] x = new byte[n + 1];
        Arrays.fill(x, (byte) -128);
        assertThat(LowPrecision.dotInt8(x, 0, x, 0, n)).isEqualTo(16384 * 131071);
        byte[] y = x.clone();
        Arrays.fill(y, (byte) 127);
        assertThat(LowPrecision.dotInt8(x, 0, y, 0, n)).isEqualTo(-16256 * 131071);
        assertThatThrownBy(() -> LowPrecision.dotInt8(x, 0, x, 0, n + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("n must be <= 131071");
        int[] c = {7};
        assertThatThrownBy(() -> LowPrecision.gemmInt8(1, 1, n + 1, x, 0, n + 1, x, 0, n + 1, c, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("k must be <= 131071");
        assertThat(c).containsExactly(7);
        LowPrecision.gemmInt8(1, 1, n, x, 0, n, x, 0, n, c, 0, 1);
        assertThat(c).containsExactly(16384 * 131071);
    }

    @Property(tries = 300)
    void gemmInt8IsExact(@ForAll long seed, @ForAll @IntRange(min = 0, max = 13) int m, @ForAll @IntRange(min = 0, max = 19) int n,
                         @ForAll @IntRange(min = 0, max = 300) int k, @ForAll @IntRange(min = 0, max = 3) int pad) {
        SplittableRandom r = new SplittableRandom(seed);
        int lda = Math.max(1, k + pad);
        int ldb = Math.max(1, k + 2 * pad);
        int ldc = Math.max(1, n + pad);
        byte[] a = randomBytes(r, 1 + m * lda);
        byte[] b = randomBytes(r, 2 + n * ldb);
        for (int kernel = 0; kernel < 2; kernel++) {
            int[] c = new int[3 + m * ldc];
            Arrays.fill(c, 0x5a5a5a5a);
            if (kernel == 0) {
                LowPrecision.gemmInt8(m, n, k, a, 1, lda, b, 2, ldb, c, 3, ldc);
            } else if (m > 0 && n > 0) {
                ReferenceLowPrecision.gemmInt8(m, n, k, a, 1, lda, b, 2, ldb, c, 3, ldc);
            }
            for (int idx = 0; idx < c.length; idx++) {
                int i = (idx - 3) / ldc;
                int j = (idx - 3) % ldc;
                if (idx < 3 || i >= m || j >= n) {
                    assertThat(c[idx]).as("c[%d] outside C", idx).isEqualTo(0x5a5a5a5a);
                } else {
                    long exact = 0;
                    for (int p = 0; p < k; p++) {
                        exact += (long) a[1 + i * lda + p] * b[2 + j * ldb + p];
                    }
                    assertThat((long) c[idx]).as("C[%d][%d]", i, j).isEqualTo(exact);
                }
            }
        }
    }

    /**
     * Depths and row counts around the vector path's stretches of 1024 along k and its blocks of 1024 rows
     * of A and B (at k = 1024), with random bytes and with every byte -128 (each stretch then sums to 2^24,
     * the largest integer float holds with its neighbours).
     */
    @Example
    void gemmInt8IsExactAcrossItsStretchesAndBlocks() {
        int[][] shapes = {{3, 4, 1023}, {3, 4, 1024}, {3, 4, 1025}, {2, 3, 2500}, {1030, 3, 1100}, {3, 1030, 1024}};
        SplittableRandom r = new SplittableRandom(12);
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            for (boolean extreme : new boolean[] {false, true}) {
                byte[] a = randomBytes(r, m * k);
                byte[] b = randomBytes(r, n * k);
                if (extreme) {
                    Arrays.fill(a, (byte) -128);
                    Arrays.fill(b, (byte) -128);
                }
                int[] c = new int[m * n];
                LowPrecision.gemmInt8(m, n, k, a, 0, k, b, 0, k, c, 0, n);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        long exact = 0;
                        for (int p = 0; p < k; p++) {
                            exact += (long) a[i * k + p] * b[j * k + p];
                        }
                        assertThat((long) c[i * n + j]).as("C[%d][%d] of %dx%dx%d", i, j, m, n, k).isEqualTo(exact);
                    }
                }
            }
        }
    }

    // ================================================================ mixed precision

    @FunctionalInterface
    interface MixedInt8 {
        void apply(int m, int n, int k, float[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                   float[] scales, int scalesOffset, float[] c, int cOffset, int ldc);
    }

    @FunctionalInterface
    interface MixedBf16 {
        void apply(int m, int n, int k, float[] a, int aOffset, int lda, short[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc);
    }

    /**
     * Checks C (m x n at cOffset, ldc) against sum_p a[i][p] * w[j][p] in double, w the dequantized
     * weights: within (gamma(k) + 3u) * sum |a w| per element; nothing outside C written.
     */
    static void checkMixed(float[] c, int cOffset, int ldc, int m, int n, int k, float[] a, int aOffset, int lda, double[][] w) {
        double u = Bounds.U_FLOAT;
        for (int idx = 0; idx < c.length; idx++) {
            int i = (idx - cOffset) / ldc;
            int j = (idx - cOffset) % ldc;
            if (idx < cOffset || i >= m || j >= n) {
                assertThat(c[idx]).as("c[%d] outside C", idx).isEqualTo(FLOAT_SENTINEL);
                continue;
            }
            double exact = 0;
            double magnitude = 0;
            for (int p = 0; p < k; p++) {
                double t = a[aOffset + i * lda + p] * w[j][p]; // exact: two floats
                exact += t;
                magnitude += Math.abs(t);
            }
            // the oracle's own double sum errs by at most gamma(k) in double: added to the bound
            double bound = (Bounds.gamma(k, u) + 3 * u + Bounds.gamma(k, Bounds.U_DOUBLE)) * magnitude;
            assertThat(Math.abs(c[idx] - exact)).as("C[%d][%d] = %s, exact %s, bound %s (m %d n %d k %d)", i, j, c[idx], exact, bound, m, n, k)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Property(tries = 300)
    void mixedGemmAndGemvAreWithinTheirBoundOfTheDequantizedProduct(
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int m, @ForAll @IntRange(min = 0, max = 70) int n,
            @ForAll @IntRange(min = 0, max = 300) int k, @ForAll @IntRange(min = 0, max = 3) int pad) {
        SplittableRandom r = new SplittableRandom(seed);
        if (r.nextInt(3) == 0) {
            m = 1; // the batch-1 path
        }
        int lda = Math.max(1, k + pad);
        int ldb = Math.max(1, k + pad + 1);
        int ldc = Math.max(1, n + pad);
        float[] a = new float[2 + m * lda];
        Arrays.fill(a, Float.NaN);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                a[2 + i * lda + p] = (float) r.nextDouble(-1, 1);
            }
        }
        byte[] q = randomBytes(r, 1 + n * ldb);
        float[] scales = new float[n + 3];
        for (int j = 0; j < scales.length; j++) {
            scales[j] = (float) r.nextDouble(1e-4, 1e-1);
        }
        short[] bf = new short[1 + n * ldb];
        for (int i = 0; i < bf.length; i++) {
            bf[i] = ReferenceLowPrecision.floatToBf16((float) r.nextDouble(-1, 1));
        }
        double[][] wInt8 = new double[n][k];
        double[][] wBf16 = new double[n][k];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                wInt8[j][p] = (float) ((double) q[1 + j * ldb + p] * scales[2 + j]);
                wBf16[j][p] = bf16Value(bf[1 + j * ldb + p]);
            }
        }
        MixedInt8[] int8Kernels = {LowPrecision::sgemmInt8, ReferenceLowPrecision::sgemmInt8,
            (mm, nn, kk, aa, ao, la, bb, bo, lb, s, so, cc, co, lc) -> { // GEMV, one row of A at a time
                for (int i = 0; i < mm; i++) {
                    LowPrecision.sgemvInt8(nn, kk, bb, bo, lb, s, so, aa, ao + i * la, cc, co + i * lc);
                }
            }};
        for (MixedInt8 kernel : int8Kernels) {
            float[] c = floatsWithSentinels(3, m * ldc);
            kernel.apply(m, n, k, a, 2, lda, q, 1, ldb, scales, 2, c, 3, ldc);
            checkMixed(c, 3, ldc, m, n, k, a, 2, lda, wInt8);
        }
        MixedBf16[] bf16Kernels = {LowPrecision::sgemmBf16, ReferenceLowPrecision::sgemmBf16,
            (mm, nn, kk, aa, ao, la, bb, bo, lb, cc, co, lc) -> {
                for (int i = 0; i < mm; i++) {
                    LowPrecision.sgemvBf16(nn, kk, bb, bo, lb, aa, ao + i * la, cc, co + i * lc);
                }
            }};
        for (MixedBf16 kernel : bf16Kernels) {
            float[] c = floatsWithSentinels(3, m * ldc);
            kernel.apply(m, n, k, a, 2, lda, bf, 1, ldb, c, 3, ldc);
            checkMixed(c, 3, ldc, m, n, k, a, 2, lda, wBf16);
        }
    }

    /**
     * The packed bf16 matrix: its GEMV bitwise the reference's row-major GEMV (the in-order fma chain) on every
     * path and width, and like it within the bound of the double oracle; its GEMM within the bound; copyTo gives
     * back the bits packed. Sizes cross the groups of 32 rows and the passes of up to four groups.
     */
    @Property(tries = 300)
    void packedBf16MatrixComputesTheRowsItWasPackedFrom(
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 6) int m, @ForAll @IntRange(min = 0, max = 200) int n,
            @ForAll @IntRange(min = 0, max = 150) int k, @ForAll @IntRange(min = 0, max = 3) int pad) {
        SplittableRandom r = new SplittableRandom(seed);
        int lda = Math.max(1, k + pad);
        int ldb = Math.max(1, k + pad + 1);
        int ldc = Math.max(1, n + pad);
        float[] a = new float[2 + m * lda];
        Arrays.fill(a, Float.NaN);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                a[2 + i * lda + p] = (float) r.nextDouble(-1, 1);
            }
        }
        short[] bf = new short[1 + n * ldb];
        double[][] w = new double[n][k];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                bf[1 + j * ldb + p] = ReferenceLowPrecision.floatToBf16((float) r.nextDouble(-1, 1));
                w[j][p] = bf16Value(bf[1 + j * ldb + p]);
            }
        }
        PackedBf16Matrix packed = new PackedBf16Matrix(n, k, bf, 1, ldb);
        assertThat(packed.n()).isEqualTo(n);
        assertThat(packed.k()).isEqualTo(k);

        short[] back = shortsWithSentinels(2, Math.max(0, (n - 1) * ldb + k));
        packed.copyTo(back, 2, ldb);
        for (int i = 0; i < back.length; i++) {
            int j = (i - 2) / ldb;
            int p = (i - 2) % ldb;
            if (i >= 2 && j < n && p < k) {
                assertThat(back[i]).as("B[%d][%d]", j, p).isEqualTo(bf[1 + j * ldb + p]);
            } else {
                assertThat(back[i]).as("b[%d] outside B", i).isEqualTo(SHORT_SENTINEL);
            }
        }

        float[] rows = floatsWithSentinels(3, m * ldc);
        float[] expected = floatsWithSentinels(3, m * ldc);
        for (int i = 0; i < m; i++) {
            packed.sgemv(a, 2 + i * lda, rows, 3 + i * ldc);
            ReferenceLowPrecision.sgemvBf16(n, k, bf, 1, ldb, a, 2 + i * lda, expected, 3 + i * ldc);
        }
        for (int i = 0; i < rows.length; i++) {
            assertThat(Float.floatToIntBits(rows[i])).as("sgemv's y[%d] (bitwise the reference's)", i)
                    .isEqualTo(Float.floatToIntBits(expected[i]));
        }
        checkMixed(rows, 3, ldc, m, n, k, a, 2, lda, w);

        float[] c = floatsWithSentinels(3, m * ldc);
        packed.sgemm(m, a, 2, lda, c, 3, ldc);
        checkMixed(c, 3, ldc, m, n, k, a, 2, lda, w);
    }

    /** The packed matrix's arguments are checked before anything is written, and named. */
    @Example
    void packedBf16MatrixRejectsBadArguments() {
        short[] b = new short[6];
        assertThatThrownBy(() -> new PackedBf16Matrix(2, 3, null, 0, 3)).isInstanceOf(NullPointerException.class).hasMessageContaining("b");
        assertThatThrownBy(() -> new PackedBf16Matrix(-1, 3, b, 0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("n");
        assertThatThrownBy(() -> new PackedBf16Matrix(2, 3, b, 0, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ldb");
        assertThatThrownBy(() -> new PackedBf16Matrix(2, 3, b, 1, 3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("b");
        PackedBf16Matrix packed = new PackedBf16Matrix(2, 3, b, 0, 3);
        float[] x = new float[5];
        float[] y = floatsWithSentinels(0, 2);
        assertThatThrownBy(() -> packed.sgemv(x, 3, y, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("x");
        assertThatThrownBy(() -> packed.sgemv(x, 0, y, 4)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("y");
        assertThatThrownBy(() -> packed.sgemv(x, 0, x, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> packed.sgemm(2, x, 0, 3, y, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("a");
        assertThatThrownBy(() -> packed.copyTo(new short[5], 0, 3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("b");
        assertThat(y).containsOnly(FLOAT_SENTINEL);
    }

    // ================================================================ the checks can fail

    /** Truncating instead of rounding, and a vector tail that drops the last element, are caught. */
    @Example
    void wrongConversionsAreCaught() {
        float[] x = floats(new SplittableRandom(3), 0, 100);
        FloatToShorts truncating = (xs, xo, ys, yo, n) -> {
            for (int i = 0; i < n; i++) {
                ys[yo + i] = (short) (Float.floatToRawIntBits(xs[xo + i]) >>> 16);
            }
        };
        assertThatThrownBy(() -> checkToShorts(truncating, LowPrecisionProperties::bf16Oracle, x, 0, 0, 100))
                .isInstanceOf(AssertionError.class);
        FloatToShorts shortTail = (xs, xo, ys, yo, n) -> ReferenceLowPrecision.floatToBf16(xs, xo, ys, yo, n - 1);
        assertThatThrownBy(() -> checkToShorts(shortTail, LowPrecisionProperties::bf16Oracle, x, 0, 0, 100))
                .isInstanceOf(AssertionError.class);
        float[] a = {1f, 1f};
        double[][] w = {{1.0, 0x1p-20}};
        float[] c = {FLOAT_SENTINEL, 1f}; // misses the 2^-20 term: beyond the bound
        assertThatThrownBy(() -> checkMixed(c, 1, 1, 1, 1, 2, a, 0, 2, w)).isInstanceOf(AssertionError.class);
    }
}
