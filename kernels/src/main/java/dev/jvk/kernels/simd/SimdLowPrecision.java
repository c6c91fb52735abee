package dev.jvk.kernels.simd;

import dev.jvk.kernels.gemm.WidenedGemm;
import dev.jvk.kernels.gemm.Workspace;
import dev.jvk.kernels.platform.Platform.Species;
import dev.jvk.kernels.spi.GemmKernels;
import dev.jvk.kernels.spi.LowPrecisionKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API low-precision kernels behind {@link dev.jvk.kernels.LowPrecision}; arguments are checked
 * there. Conversions, quantization and the int8 arithmetic are bitwise those of
 * {@link dev.jvk.kernels.reference.ReferenceLowPrecision} (each element gets the same exactly rounded
 * operations; integer sums are exact, and int addition wraps, so any order gives the reference's sum
 * whenever that sum fits). The mixed GEMV sums in another order, within the bound the public class
 * states.
 *
 * <p>Species: with W the float width, FL = W/32 floats, ints and so bytes per float vector. Bytes for
 * FL lanes would need a W/4-bit species, which at W = 128 does not exist (there is no 32-bit shape),
 * so byte data moves in vectors of {@code BL = max(8, FL)} bytes, converted to and from floats in
 * {@code BL / FL} parts. int8 products go through shorts: a W/2-bit byte vector widens to a W-bit
 * short vector, and products of two int8 values fit in int16 (|-128 * -128| = 16384); how pairs of
 * them are summed exactly in int32 is explained at {@link #dotInt8}.
 */
public final class SimdLowPrecision implements LowPrecisionKernels {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final VectorSpecies<Integer> I = Species.INT;
    private static final int FL = F.length();
    private static final int W = F.vectorBitSize();
    /** FL shorts: bf16 data. */
    private static final VectorSpecies<Short> S_HALF = ShortVector.SPECIES_64.withShape(VectorShape.forBitSize(W / 2));
    /** 2*FL shorts: the int8 products. */
    private static final VectorSpecies<Short> S_FULL = ShortVector.SPECIES_64.withShape(VectorShape.forBitSize(W));
    /** 2*FL bytes: the int8 operands, widened to S_FULL. */
    private static final VectorSpecies<Byte> B_HALF = ByteVector.SPECIES_64.withShape(VectorShape.forBitSize(W / 2));
    private static final int BHL = B_HALF.length();
    /** max(8, FL) bytes: int8 data converted to and from floats in BL / FL parts. */
    private static final VectorSpecies<Byte> B_F = ByteVector.SPECIES_64.withShape(VectorShape.forBitSize(Math.max(64, W / 4)));
    private static final int BL = B_F.length();
    private static final int PARTS = BL / FL;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** 1.5 * 2^23: for |v| <= 2^22, (v + MAGIC) - MAGIC is v rounded to an integer, ties to even (Math.rint). */
    private static final float MAGIC = 12582912f;

    public SimdLowPrecision() {}

    // ================================================================ bf16 and fp16

    /** Round to nearest even on the upper 16 bits; NaN keeps sign and upper payload and gets the quiet bit. */
    private static ShortVector toBf16(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7fff).lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
        IntVector quiet = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
        return (ShortVector) rounded.blend(quiet, nan).castShape(S_HALF, 0);
    }

    private static FloatVector fromBf16(ShortVector b) {
        return ((IntVector) b.castShape(I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public void floatToBf16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            toBf16(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            toBf16(FloatVector.fromArray(F, x, xOffset + i, F.indexInRange(i, n))).intoArray(y, yOffset + i, S_HALF.indexInRange(i, n));
        }
    }

    @Override
    public void bf16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            fromBf16(ShortVector.fromArray(S_HALF, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        if (i < n) {
            fromBf16(ShortVector.fromArray(S_HALF, x, xOffset + i, S_HALF.indexInRange(i, n))).intoArray(y, yOffset + i, F.indexInRange(i, n));
        }
    }

    @Override
    public void floatToBf16(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        bf16Segments(true, x, xOffset, y, yOffset, n);
    }

    @Override
    public void bf16ToFloat(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        bf16Segments(false, x, xOffset, y, yOffset, n);
    }

    /**
     * Both conversions between float and bf16 segments (offsets in elements): FL elements a step, the
     * last {@code n % FL} under a mask. {@code toBf16} is a constant at each call, so the compiled loop
     * of each direction has no branch (the call is inlined and the test folded, or C2 unswitches the
     * loop on it); no vector leaves this method.
     */
    private static void bf16Segments(boolean toBf16, MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        long i = 0;
        for (long upper = n - n % FL; i < upper; i += FL) {
            if (toBf16) {
                toBf16(FloatVector.fromMemorySegment(F, x, (xOffset + i) * 4, NATIVE)).intoMemorySegment(y, (yOffset + i) * 2, NATIVE);
            } else {
                fromBf16(ShortVector.fromMemorySegment(S_HALF, x, (xOffset + i) * 2, NATIVE)).intoMemorySegment(y, (yOffset + i) * 4, NATIVE);
            }
        }
        if (i < n) {
            VectorMask<Float> floats = F.indexInRange(i, n);
            VectorMask<Short> shorts = S_HALF.indexInRange(i, n);
            if (toBf16) {
                toBf16(FloatVector.fromMemorySegment(F, x, (xOffset + i) * 4, NATIVE, floats)).intoMemorySegment(y, (yOffset + i) * 2, NATIVE, shorts);
            } else {
                fromBf16(ShortVector.fromMemorySegment(S_HALF, x, (xOffset + i) * 2, NATIVE, shorts)).intoMemorySegment(y, (yOffset + i) * 4, NATIVE, floats);
            }
        }
    }

    // The Vector API of JDK 25 has no half-precision conversion; C2 vectorizes these loops itself
    // (Float.floatToFloat16 and float16ToFloat are intrinsics its loop vectorizer knows), into the
    // CPU's conversion instructions where it has them (F16C, AVX-512).

    @Override
    public void floatToFp16(float[] x, int xOffset, short[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Float.floatToFloat16(x[xOffset + i]);
        }
    }

    @Override
    public void fp16ToFloat(short[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Float.float16ToFloat(x[xOffset + i]);
        }
    }

    // ================================================================ int8 quantization

    @Override
    public float int8Scale(float[] x, int offset, int n) {
        return LowPrecisionKernels.scaleOfAbsMax(absMax(x, offset, n));
    }

    private static float absMax(float[] x, int offset, int n) {
        FloatVector m = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += FL) {
            m = m.max(FloatVector.fromArray(F, x, offset + i).abs());
        }
        if (i < n) {
            m = m.max(FloatVector.fromArray(F, x, offset + i, F.indexInRange(i, n)).abs());
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** rint(x / scale) saturated to [-127, 127] as ints; NaN stays NaN until the cast makes it 0. */
    private static IntVector quantized(FloatVector x, float scale) {
        FloatVector v = x.div(scale).max(-127f).min(127f);
        return (IntVector) v.add(MAGIC).sub(MAGIC).convert(VectorOperators.F2I, 0);
    }

    @Override
    public void quantizeInt8(float scale, float[] x, int xOffset, byte[] q, int qOffset, int n) {
        int i = 0;
        for (int upper = n - n % BL; i < upper; i += BL) {
            ByteVector out = ByteVector.zero(B_F);
            for (int p = 0; p < PARTS; p++) {
                out = out.or((ByteVector) quantized(FloatVector.fromArray(F, x, xOffset + i + p * FL), scale).castShape(B_F, -p));
            }
            out.intoArray(q, qOffset + i);
        }
        if (i < n) {
            ByteVector out = ByteVector.zero(B_F);
            for (int p = 0; p < PARTS; p++) {
                VectorMask<Float> m = F.indexInRange(i + p * FL, n);
                out = out.or((ByteVector) quantized(FloatVector.fromArray(F, x, xOffset + i + p * FL, m), scale).castShape(B_F, -p));
            }
            out.intoArray(q, qOffset + i, B_F.indexInRange(i, n));
        }
    }

    @Override
    public void quantizeInt8Rows(float[] x, int xOffset, int rows, int cols, int ldx,
                                        byte[] q, int qOffset, int ldq, float[] scales, int scalesOffset) {
        for (int r = 0; r < rows; r++) {
            float s = int8Scale(x, xOffset + r * ldx, cols);
            scales[scalesOffset + r] = s;
            quantizeInt8(s, x, xOffset + r * ldx, q, qOffset + r * ldq, cols);
        }
    }

    @Override
    public void dequantizeInt8(float scale, byte[] q, int qOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int upper = n - n % BL; i < upper; i += BL) {
            ByteVector b = ByteVector.fromArray(B_F, q, qOffset + i);
            for (int p = 0; p < PARTS; p++) {
                ((FloatVector) b.convertShape(VectorOperators.B2F, F, p)).mul(scale).intoArray(y, yOffset + i + p * FL);
            }
        }
        if (i < n) {
            ByteVector b = ByteVector.fromArray(B_F, q, qOffset + i, B_F.indexInRange(i, n));
            for (int p = 0; p < PARTS; p++) {
                ((FloatVector) b.convertShape(VectorOperators.B2F, F, p)).mul(scale)
                        .intoArray(y, yOffset + i + p * FL, F.indexInRange(i + p * FL, n));
            }
        }
    }

    // ================================================================ int8 arithmetic

    private static ShortVector widened(byte[] a, int offset) {
        return (ShortVector) ByteVector.fromArray(B_HALF, a, offset).castShape(S_FULL, 0);
    }

    private static ShortVector widened(byte[] a, int offset, VectorMask<Byte> m) {
        return (ShortVector) ByteVector.fromArray(B_HALF, a, offset, m).castShape(S_FULL, 0);
    }

    /*
     * Exact int8 sums without a widening multiply-add instruction. A short lane holds the sum of two
     * int8 products, p0 + p1 in [-32512, 32768]: one value too many for a signed short, but with the
     * bias PAIR_BIAS added (16-bit lanes, wrapping) it is q = p0 + p1 + PAIR_BIAS in [254, 65534], an
     * unsigned short. Read as ints, each lane v holds two such q: v = qHigh * 2^16 + qLow. Summing v
     * and v >>> 16 over the steps into two int accumulators A and H (wrapping) gives, modulo 2^32,
     * A = 2^16 * sum(qHigh) + sum(qLow) and H = sum(qHigh), so sum(qLow) + sum(qHigh) = A + (1 - 2^16) H,
     * from which the biases are subtracted. Everything is modulo 2^32 and the true result fits an int
     * (k <= LowPrecision.INT8_MAX_TERMS), so the result is exact. Per pair of steps that is 2 multiplies
     * and 5 adds or shifts, where splitting each product vector into its two shorts costs 5 per step.
     */

    /** Added to every short lane of a pair sum: maps [-32512, 32768] onto [254, 65534]. */
    private static final short PAIR_BIAS = 32766;
    private static final int INT_LANES = I.length();

    /** The int lanes of x0*y0 + x1*y1 + PAIR_BIAS (short lanes, wrapping). */
    private static IntVector pair(ShortVector x0, ShortVector y0, ShortVector x1, ShortVector y1) {
        return x0.mul(y0).add(x1.mul(y1)).add(PAIR_BIAS).reinterpretAsInts();
    }

    private static IntVector high(IntVector v) {
        return v.lanewise(VectorOperators.LSHR, 16);
    }

    /** The exact sum from the accumulators A and H after {@code pairs} pair steps. */
    private static int unbiased(IntVector a, IntVector h, int pairs) {
        return a.add(h.mul(1 - 65536)).reduceLanes(VectorOperators.ADD) - 2 * PAIR_BIAS * INT_LANES * pairs;
    }

    @Override
    public int dotInt8(byte[] x, int xOffset, byte[] y, int yOffset, int n) {
        IntVector a = IntVector.zero(I);
        IntVector h = a;
        int pairs = 0;
        int i = 0;
        for (; i <= n - 2 * BHL; i += 2 * BHL, pairs++) {
            IntVector v = pair(widened(x, xOffset + i), widened(y, yOffset + i),
                    widened(x, xOffset + i + BHL), widened(y, yOffset + i + BHL));
            a = a.add(v);
            h = h.add(high(v));
        }
        if (i < n) {
            VectorMask<Byte> m0 = B_HALF.indexInRange(i, n);
            VectorMask<Byte> m1 = B_HALF.indexInRange(i + BHL, n);
            IntVector v = pair(widened(x, xOffset + i, m0), widened(y, yOffset + i, m0),
                    widened(x, xOffset + i + BHL, m1), widened(y, yOffset + i + BHL, m1));
            a = a.add(v);
            h = h.add(high(v));
            pairs++;
        }
        return unbiased(a, h, pairs);
    }

    /** On the float GEMM, in exact stretches of k: see {@link WidenedGemm#gemmInt8}. */
    @Override
    public void gemmInt8(GemmKernels gemm, int m, int n, int k, byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                         int[] c, int cOffset, int ldc) {
        WidenedGemm.gemmInt8(gemm, this, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }

    // ================================================================ float activations times low-precision weights

    /**
     * Four rows of A per pass, so each vector of x is loaded once for four rows (the memory-bound
     * batch-1 case reads A once, at the width of its elements). Each row sums in FL lanes
     * ({@code n / FL} fmas per lane), then across lanes. The pass and the single rows are methods of
     * their own: in one method C1's tier 3 gave up ("out of virtual registers in LIR generator"), and
     * a method C1 skips can stay in C1's boxed-vector code and never reach C2.
     */
    @Override
    public void sgemvInt8(int m, int n, byte[] a, int aOffset, int lda, float[] scales, int scalesOffset,
                                 float[] x, int xOffset, float[] y, int yOffset) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int8FourRows(n, a, aOffset + i * lda, lda, scales, scalesOffset + i, x, xOffset, y, yOffset + i);
        }
        for (; i < m; i++) {
            int8Row(n, a, aOffset + i * lda, scales[scalesOffset + i], x, xOffset, y, yOffset + i);
        }
    }

    /** y[yi..yi+4) = the four rows of A from r0 times x, each times its scale. */
    private static void int8FourRows(int n, byte[] a, int r0, int lda, float[] scales, int si, float[] x, int xOffset, float[] y, int yi) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int j = 0;
        for (; j <= n - BL; j += BL) {
            ByteVector q0 = ByteVector.fromArray(B_F, a, r0 + j);
            ByteVector q1 = ByteVector.fromArray(B_F, a, r0 + lda + j);
            ByteVector q2 = ByteVector.fromArray(B_F, a, r0 + 2 * lda + j);
            ByteVector q3 = ByteVector.fromArray(B_F, a, r0 + 3 * lda + j);
            for (int p = 0; p < PARTS; p++) {
                FloatVector xv = FloatVector.fromArray(F, x, xOffset + j + p * FL);
                s0 = ((FloatVector) q0.convertShape(VectorOperators.B2F, F, p)).fma(xv, s0);
                s1 = ((FloatVector) q1.convertShape(VectorOperators.B2F, F, p)).fma(xv, s1);
                s2 = ((FloatVector) q2.convertShape(VectorOperators.B2F, F, p)).fma(xv, s2);
                s3 = ((FloatVector) q3.convertShape(VectorOperators.B2F, F, p)).fma(xv, s3);
            }
        }
        if (j < n) {
            VectorMask<Byte> bm = B_F.indexInRange(j, n);
            ByteVector q0 = ByteVector.fromArray(B_F, a, r0 + j, bm);
            ByteVector q1 = ByteVector.fromArray(B_F, a, r0 + lda + j, bm);
            ByteVector q2 = ByteVector.fromArray(B_F, a, r0 + 2 * lda + j, bm);
            ByteVector q3 = ByteVector.fromArray(B_F, a, r0 + 3 * lda + j, bm);
            for (int p = 0; p < PARTS; p++) {
                FloatVector xv = FloatVector.fromArray(F, x, xOffset + j + p * FL, F.indexInRange(j + p * FL, n));
                s0 = ((FloatVector) q0.convertShape(VectorOperators.B2F, F, p)).fma(xv, s0);
                s1 = ((FloatVector) q1.convertShape(VectorOperators.B2F, F, p)).fma(xv, s1);
                s2 = ((FloatVector) q2.convertShape(VectorOperators.B2F, F, p)).fma(xv, s2);
                s3 = ((FloatVector) q3.convertShape(VectorOperators.B2F, F, p)).fma(xv, s3);
            }
        }
        y[yi] = scales[si] * s0.reduceLanes(VectorOperators.ADD);
        y[yi + 1] = scales[si + 1] * s1.reduceLanes(VectorOperators.ADD);
        y[yi + 2] = scales[si + 2] * s2.reduceLanes(VectorOperators.ADD);
        y[yi + 3] = scales[si + 3] * s3.reduceLanes(VectorOperators.ADD);
    }

    /** y[yi] = scale * (the row of A at r times x). */
    private static void int8Row(int n, byte[] a, int r, float scale, float[] x, int xOffset, float[] y, int yi) {
        FloatVector s = FloatVector.zero(F);
        for (int j = 0; j < n; j += BL) {
            VectorMask<Byte> bm = B_F.indexInRange(j, n);
            ByteVector q = ByteVector.fromArray(B_F, a, r + j, bm);
            for (int p = 0; p < PARTS; p++) {
                FloatVector xv = FloatVector.fromArray(F, x, xOffset + j + p * FL, F.indexInRange(j + p * FL, n));
                s = ((FloatVector) q.convertShape(VectorOperators.B2F, F, p)).fma(xv, s);
            }
        }
        y[yi] = scale * s.reduceLanes(VectorOperators.ADD);
    }

    /*
     * bf16 weights at the memory's speed. A full-width load of 2*FL shorts, read as FL ints, holds two
     * weights per int lane: the even element in the low half (little-endian lane order, which is how
     * the Vector API reinterprets), the odd one in the high half. Each is a float after one operation
     * (v << 16, v & 0xffff0000), so a row costs a load, two bit operations and two fmas per 2*FL
     * weights, where widening FL shorts to ints (a cross-lane conversion) and shifting costs a
     * conversion and a shift per FL. x is rearranged to match once per call, each block of 2*FL
     * elements as its FL even elements then its FL odd ones, into the thread's GEMM workspace: two
     * shuffles per block once, where splitting it in every pass of four rows cost 9% of the time
     * (4096 x 4096, bench/RESULTS-lowp.md).
     */

    /** Lane indices selecting the even (odd) elements of two concatenated float vectors. */
    private static final FloatVector EVEN = FloatVector.fromArray(F, laneIndices(0), 0);
    private static final FloatVector ODD = FloatVector.fromArray(F, laneIndices(1), 0);

    private static float[] laneIndices(int first) {
        float[] indices = new float[FL];
        for (int l = 0; l < FL; l++) {
            indices[l] = 2 * l + first;
        }
        return indices;
    }

    /** s + the 2*FL bf16 weights at a[offset..] times x's even (xe) and odd (xo) elements of the same block. */
    private static FloatVector bf16PairFma(short[] a, int offset, FloatVector xe, FloatVector xo, FloatVector s) {
        IntVector v = ShortVector.fromArray(S_FULL, a, offset).reinterpretAsInts();
        FloatVector even = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector odd = v.and(0xffff0000).reinterpretAsFloats();
        return odd.fma(xo, even.fma(xe, s));
    }

    /**
     * As {@link #sgemvInt8}, with bf16 weights and no scale: four rows per pass, 2*FL weights per row
     * and step (see above), the last {@code n % (2 * FL)} columns in at most two masked steps of FL.
     * Each row still sums in FL lanes, {@code n / FL} fmas per lane, then across lanes. The pass and
     * the single rows are methods of their own, for C1 (as in sgemvInt8).
     */
    @Override
    public void sgemvBf16(int m, int n, short[] a, int aOffset, int lda, float[] x, int xOffset, float[] y, int yOffset) {
        int blocks = n - n % (2 * FL);
        Workspace workspace = Workspace.acquire();
        try {
            float[] split = workspace.lowPrecisionX(blocks);
            for (int j = 0; j < blocks; j += 2 * FL) {
                FloatVector x0 = FloatVector.fromArray(F, x, xOffset + j);
                FloatVector x1 = FloatVector.fromArray(F, x, xOffset + j + FL);
                EVEN.selectFrom(x0, x1).intoArray(split, j);
                ODD.selectFrom(x0, x1).intoArray(split, j + FL);
            }
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                bf16FourRows(n, a, aOffset + i * lda, lda, split, x, xOffset, y, yOffset + i);
            }
            for (; i < m; i++) {
                bf16Row(n, a, aOffset + i * lda, split, x, xOffset, y, yOffset + i);
            }
        } finally {
            Workspace.release(workspace);
        }
    }

    /** y[yi..yi+4) = the four rows of A from r0 times x (its whole blocks rearranged in split). */
    private static void bf16FourRows(int n, short[] a, int r0, int lda, float[] split, float[] x, int xOffset, float[] y, int yi) {
        int blocks = n - n % (2 * FL);
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int j = 0;
        for (; j < blocks; j += 2 * FL) {
            FloatVector xe = FloatVector.fromArray(F, split, j);
            FloatVector xo = FloatVector.fromArray(F, split, j + FL);
            s0 = bf16PairFma(a, r0 + j, xe, xo, s0);
            s1 = bf16PairFma(a, r1 + j, xe, xo, s1);
            s2 = bf16PairFma(a, r2 + j, xe, xo, s2);
            s3 = bf16PairFma(a, r3 + j, xe, xo, s3);
        }
        for (; j < n; j += FL) {
            VectorMask<Short> sm = S_HALF.indexInRange(j, n);
            FloatVector xv = FloatVector.fromArray(F, x, xOffset + j, F.indexInRange(j, n));
            s0 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + j, sm)).fma(xv, s0);
            s1 = fromBf16(ShortVector.fromArray(S_HALF, a, r1 + j, sm)).fma(xv, s1);
            s2 = fromBf16(ShortVector.fromArray(S_HALF, a, r2 + j, sm)).fma(xv, s2);
            s3 = fromBf16(ShortVector.fromArray(S_HALF, a, r3 + j, sm)).fma(xv, s3);
        }
        y[yi] = s0.reduceLanes(VectorOperators.ADD);
        y[yi + 1] = s1.reduceLanes(VectorOperators.ADD);
        y[yi + 2] = s2.reduceLanes(VectorOperators.ADD);
        y[yi + 3] = s3.reduceLanes(VectorOperators.ADD);
    }

    /** y[yi] = the row of A at r times x (its whole blocks rearranged in split). */
    private static void bf16Row(int n, short[] a, int r, float[] split, float[] x, int xOffset, float[] y, int yi) {
        int blocks = n - n % (2 * FL);
        FloatVector s = FloatVector.zero(F);
        int j = 0;
        for (; j < blocks; j += 2 * FL) {
            s = bf16PairFma(a, r + j, FloatVector.fromArray(F, split, j), FloatVector.fromArray(F, split, j + FL), s);
        }
        for (; j < n; j += FL) {
            FloatVector xv = FloatVector.fromArray(F, x, xOffset + j, F.indexInRange(j, n));
            s = fromBf16(ShortVector.fromArray(S_HALF, a, r + j, S_HALF.indexInRange(j, n))).fma(xv, s);
        }
        y[yi] = s.reduceLanes(VectorOperators.ADD);
    }

    /*
     * bf16 weights packed (LowPrecisionKernels.bf16PackedIndex): a group's column p is 64 bytes, 2 * PER
     * float vectors of rows after a shift or a mask, each multiplied by x[p] broadcast, so each output
     * is one lane's fma chain over p in order, the reference's sum, at every width. A pass reads four
     * int vectors per p (four groups at 512 bits, two at 256, one at 128) into eight accumulators: eight
     * chains hide the fma latency, and at 512 bits four streams of weights are in flight, which read
     * faster than one (bench/RESULTS-lowp.md: 1.5x the four-row kernel above on 4096 x 4096, faster
     * than a plain one-stream read of the same bytes). Nothing is split or reduced across lanes. The
     * last n % 32 rows, stored column by column, take masked loads of FL shorts.
     */

    /** Int vectors per group and column: 16 ints (32 bf16) over FL lanes. */
    private static final int PER = BF16_GROUP / 2 / FL;
    /** Groups per pass: four int vectors. */
    private static final int PASS_GROUPS = 4 / PER;
    /** Rows per pass: 8 float vectors. */
    private static final int PASS_ROWS = PASS_GROUPS * BF16_GROUP;

    @Override
    public void sgemvBf16Packed(int n, int k, short[] packed, float[] x, int xOffset, float[] y, int yOffset) {
        int groups = n / BF16_GROUP;
        int groupShorts = k * BF16_GROUP;
        Workspace workspace = Workspace.acquire();
        try {
            float[] tile = workspace.lowPrecisionX(PASS_ROWS);
            int g = 0;
            for (; g + PASS_GROUPS <= groups; g += PASS_GROUPS) {
                bf16PackedPass(k, packed, g * groupShorts, x, xOffset, tile);
                System.arraycopy(tile, 0, y, yOffset + g * BF16_GROUP, PASS_ROWS);
            }
            for (; g < groups; g++) {
                bf16PackedGroup(k, packed, g * groupShorts, x, xOffset, tile);
                System.arraycopy(tile, 0, y, yOffset + g * BF16_GROUP, BF16_GROUP);
            }
            int tail = n - groups * BF16_GROUP;
            if (tail > 0) {
                bf16PackedTail(k, tail, packed, groups * groupShorts, x, xOffset, tile);
                System.arraycopy(tile, 0, y, yOffset + groups * BF16_GROUP, tail);
            }
        } finally {
            Workspace.release(workspace);
        }
    }

    /** The offset of int vector {@code slot} of a pass from the pass's start, in shorts, and its first row's place in the pass. */
    private static int slotOffset(int slot, int groupShorts) {
        return slot / PER * groupShorts + slot % PER * 2 * FL;
    }

    private static int slotRow(int slot) {
        return slot / PER * BF16_GROUP + slot % PER * FL;
    }

    /** tile[0, PASS_ROWS) = the rows of PASS_GROUPS groups from {@code base} times x. */
    private static void bf16PackedPass(int k, short[] b, int base, float[] x, int xOffset, float[] tile) {
        int groupShorts = k * BF16_GROUP;
        int o0 = base + slotOffset(0, groupShorts);
        int o1 = base + slotOffset(1, groupShorts);
        int o2 = base + slotOffset(2, groupShorts);
        int o3 = base + slotOffset(3, groupShorts);
        FloatVector e0 = FloatVector.zero(F), d0 = e0, e1 = e0, d1 = e0, e2 = e0, d2 = e0, e3 = e0, d3 = e0;
        for (int p = 0, at = 0; p < k; p++, at += BF16_GROUP) {
            FloatVector xp = FloatVector.broadcast(F, x[xOffset + p]);
            IntVector v0 = ShortVector.fromArray(S_FULL, b, o0 + at).reinterpretAsInts();
            IntVector v1 = ShortVector.fromArray(S_FULL, b, o1 + at).reinterpretAsInts();
            IntVector v2 = ShortVector.fromArray(S_FULL, b, o2 + at).reinterpretAsInts();
            IntVector v3 = ShortVector.fromArray(S_FULL, b, o3 + at).reinterpretAsInts();
            e0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xp, e0);
            d0 = v0.and(0xffff0000).reinterpretAsFloats().fma(xp, d0);
            e1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xp, e1);
            d1 = v1.and(0xffff0000).reinterpretAsFloats().fma(xp, d1);
            e2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xp, e2);
            d2 = v2.and(0xffff0000).reinterpretAsFloats().fma(xp, d2);
            e3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xp, e3);
            d3 = v3.and(0xffff0000).reinterpretAsFloats().fma(xp, d3);
        }
        int half = BF16_GROUP / 2;
        e0.intoArray(tile, slotRow(0));
        d0.intoArray(tile, slotRow(0) + half);
        e1.intoArray(tile, slotRow(1));
        d1.intoArray(tile, slotRow(1) + half);
        e2.intoArray(tile, slotRow(2));
        d2.intoArray(tile, slotRow(2) + half);
        e3.intoArray(tile, slotRow(3));
        d3.intoArray(tile, slotRow(3) + half);
    }

    /** tile[0, BF16_GROUP) = the rows of one group from {@code base} times x, PER int vectors of it at a time. */
    private static void bf16PackedGroup(int k, short[] b, int base, float[] x, int xOffset, float[] tile) {
        for (int h = 0; h < PER; h++) {
            int o = base + h * 2 * FL;
            FloatVector e = FloatVector.zero(F), d = e;
            for (int p = 0, at = 0; p < k; p++, at += BF16_GROUP) {
                FloatVector xp = FloatVector.broadcast(F, x[xOffset + p]);
                IntVector v = ShortVector.fromArray(S_FULL, b, o + at).reinterpretAsInts();
                e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xp, e);
                d = v.and(0xffff0000).reinterpretAsFloats().fma(xp, d);
            }
            e.intoArray(tile, h * FL);
            d.intoArray(tile, h * FL + BF16_GROUP / 2);
        }
    }

    /** tile[0, rows) = the last rows (fewer than a group, stored column by column from {@code base}) times x, FL rows at a time under a mask. */
    private static void bf16PackedTail(int k, int rows, short[] b, int base, float[] x, int xOffset, float[] tile) {
        for (int h = 0; h < rows; h += FL) {
            VectorMask<Short> m = S_HALF.indexInRange(h, rows);
            FloatVector s = FloatVector.zero(F);
            for (int p = 0, at = base + h; p < k; p++, at += rows) {
                s = fromBf16(ShortVector.fromArray(S_HALF, b, at, m)).fma(FloatVector.broadcast(F, x[xOffset + p]), s);
            }
            s.intoArray(tile, h);
        }
    }

    /** Batch 1 is the packed GEMV; larger batches widen a group at a time for the float GEMM ({@link WidenedGemm#sgemmBf16Packed}). */
    @Override
    public void sgemmBf16Packed(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, short[] packed,
                                float[] c, int cOffset, int ldc) {
        if (m == 1 || k == 0) {
            for (int i = 0; i < m; i++) {
                sgemvBf16Packed(n, k, packed, a, aOffset + i * lda, c, cOffset + i * ldc);
            }
            return;
        }
        WidenedGemm.sgemmBf16Packed(gemm, this, m, n, k, a, aOffset, lda, packed, c, cOffset, ldc);
    }

    /**
     * Batch 1 is the GEMV, which reads each weight once as a byte. Larger batches widen panels of weight
     * rows and multiply them with the float GEMM ({@link WidenedGemm#sgemmPanels}).
     */
    @Override
    public void sgemmInt8(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                          float[] scales, int scalesOffset, float[] c, int cOffset, int ldc) {
        if (m == 1 || k == 0) {
            for (int i = 0; i < m; i++) {
                sgemvInt8(n, k, b, bOffset, ldb, scales, scalesOffset, a, aOffset + i * lda, c, cOffset + i * ldc);
            }
            return;
        }
        WidenedGemm.sgemmPanels(gemm, this, m, n, k, a, aOffset, lda, b, scales, scalesOffset, null, bOffset, ldb, c, cOffset, ldc);
    }

    /** As {@link #sgemmInt8}, the panels widened from bf16. */
    @Override
    public void sgemmBf16(GemmKernels gemm, int m, int n, int k, float[] a, int aOffset, int lda, short[] b, int bOffset, int ldb,
                          float[] c, int cOffset, int ldc) {
        if (m == 1 || k == 0) {
            for (int i = 0; i < m; i++) {
                sgemvBf16(n, k, b, bOffset, ldb, a, aOffset + i * lda, c, cOffset + i * ldc);
            }
            return;
        }
        WidenedGemm.sgemmPanels(gemm, this, m, n, k, a, aOffset, lda, null, null, 0, b, bOffset, ldb, c, cOffset, ldc);
    }
}
