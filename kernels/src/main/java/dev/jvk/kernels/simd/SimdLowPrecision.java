package dev.jvk.kernels.simd;

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
 * short vector, products of two int8 values fit in int16 (|-128 * -128| = 16384), and each int lane
 * of the product vector, read as two shorts, is split into their sum.
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
        long i = 0;
        for (long upper = n - n % FL; i < upper; i += FL) {
            toBf16(FloatVector.fromMemorySegment(F, x, (xOffset + i) * 4, NATIVE)).intoMemorySegment(y, (yOffset + i) * 2, NATIVE);
        }
        if (i < n) {
            toBf16(FloatVector.fromMemorySegment(F, x, (xOffset + i) * 4, NATIVE, F.indexInRange(i, n)))
                    .intoMemorySegment(y, (yOffset + i) * 2, NATIVE, S_HALF.indexInRange(i, n));
        }
    }

    @Override
    public void bf16ToFloat(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long n) {
        long i = 0;
        for (long upper = n - n % FL; i < upper; i += FL) {
            fromBf16(ShortVector.fromMemorySegment(S_HALF, x, (xOffset + i) * 2, NATIVE)).intoMemorySegment(y, (yOffset + i) * 4, NATIVE);
        }
        if (i < n) {
            fromBf16(ShortVector.fromMemorySegment(S_HALF, x, (xOffset + i) * 2, NATIVE, S_HALF.indexInRange(i, n)))
                    .intoMemorySegment(y, (yOffset + i) * 4, NATIVE, F.indexInRange(i, n));
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

    /** Dequantizes rows x cols of q (leading dimension ldq), row r with scales[r], into y (leading dimension ldy). */
    private void dequantizeInt8Rows(byte[] q, int qOffset, int ldq, float[] scales, int scalesOffset,
                                          float[] y, int yOffset, int ldy, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            dequantizeInt8(scales[scalesOffset + r], q, qOffset + r * ldq, y, yOffset + r * ldy, cols);
        }
    }

    /** Widens rows x cols of bf16 into floats. */
    private void bf16ToFloatRows(short[] b, int bOffset, int ldb, float[] y, int yOffset, int ldy, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            bf16ToFloat(b, bOffset + r * ldb, y, yOffset + r * ldy, cols);
        }
    }

    // ================================================================ int8 arithmetic

    private static ShortVector widened(byte[] a, int offset) {
        return (ShortVector) ByteVector.fromArray(B_HALF, a, offset).castShape(S_FULL, 0);
    }

    private static ShortVector widened(byte[] a, int offset, VectorMask<Byte> m) {
        return (ShortVector) ByteVector.fromArray(B_HALF, a, offset, m).castShape(S_FULL, 0);
    }

    /** acc + the pairwise sums of the int16 products in x*y: each int lane holds two products. */
    private static IntVector madd(ShortVector x, ShortVector y, IntVector acc) {
        IntVector p = x.mul(y).reinterpretAsInts();
        return acc.add(p.lanewise(VectorOperators.ASHR, 16))
                .add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
    }

    @Override
    public int dotInt8(byte[] x, int xOffset, byte[] y, int yOffset, int n) {
        IntVector a0 = IntVector.zero(I);
        IntVector a1 = a0;
        int i = 0;
        for (; i <= n - 2 * BHL; i += 2 * BHL) {
            a0 = madd(widened(x, xOffset + i), widened(y, yOffset + i), a0);
            a1 = madd(widened(x, xOffset + i + BHL), widened(y, yOffset + i + BHL), a1);
        }
        for (; i < n; i += BHL) {
            VectorMask<Byte> m = B_HALF.indexInRange(i, n);
            a0 = madd(widened(x, xOffset + i, m), widened(y, yOffset + i, m), a0);
        }
        return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Rows of B handled while one block of them stays in cache: 128 rows of k <= 2048 bytes are at most
     * 256 KB, within L2, and every pair of A rows walks the block.
     */
    private static final int GEMM_B_BLOCK = 128;

    @Override
    public void gemmInt8(int m, int n, int k, byte[] a, int aOffset, int lda, byte[] b, int bOffset, int ldb,
                                int[] c, int cOffset, int ldc) {
        for (int jb = 0; jb < n; jb += GEMM_B_BLOCK) {
            int jEnd = Math.min(n, jb + GEMM_B_BLOCK);
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                int j = jb;
                for (; j + 4 <= jEnd; j += 4) {
                    tile2x4(k, a, aOffset + i * lda, lda, b, bOffset + j * ldb, ldb, c, cOffset + i * ldc + j, ldc);
                }
                for (; j < jEnd; j++) {
                    c[cOffset + i * ldc + j] = dotInt8(a, aOffset + i * lda, b, bOffset + j * ldb, k);
                    c[cOffset + (i + 1) * ldc + j] = dotInt8(a, aOffset + (i + 1) * lda, b, bOffset + j * ldb, k);
                }
            }
            if (i < m) {
                for (int j = jb; j < jEnd; j++) {
                    c[cOffset + i * ldc + j] = dotInt8(a, aOffset + i * lda, b, bOffset + j * ldb, k);
                }
            }
        }
    }

    /** Two rows of A against four rows of B: eight exact dot products, each A and B vector widened once. */
    private static void tile2x4(int k, byte[] a, int a0, int lda, byte[] b, int b0, int ldb, int[] c, int c0, int ldc) {
        IntVector s00 = IntVector.zero(I), s01 = s00, s02 = s00, s03 = s00;
        IntVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        int a1 = a0 + lda;
        int p = 0;
        for (; p <= k - BHL; p += BHL) {
            ShortVector x0 = widened(a, a0 + p);
            ShortVector x1 = widened(a, a1 + p);
            ShortVector y = widened(b, b0 + p);
            s00 = madd(x0, y, s00);
            s10 = madd(x1, y, s10);
            y = widened(b, b0 + ldb + p);
            s01 = madd(x0, y, s01);
            s11 = madd(x1, y, s11);
            y = widened(b, b0 + 2 * ldb + p);
            s02 = madd(x0, y, s02);
            s12 = madd(x1, y, s12);
            y = widened(b, b0 + 3 * ldb + p);
            s03 = madd(x0, y, s03);
            s13 = madd(x1, y, s13);
        }
        if (p < k) {
            VectorMask<Byte> m = B_HALF.indexInRange(p, k);
            ShortVector x0 = widened(a, a0 + p, m);
            ShortVector x1 = widened(a, a1 + p, m);
            ShortVector y = widened(b, b0 + p, m);
            s00 = madd(x0, y, s00);
            s10 = madd(x1, y, s10);
            y = widened(b, b0 + ldb + p, m);
            s01 = madd(x0, y, s01);
            s11 = madd(x1, y, s11);
            y = widened(b, b0 + 2 * ldb + p, m);
            s02 = madd(x0, y, s02);
            s12 = madd(x1, y, s12);
            y = widened(b, b0 + 3 * ldb + p, m);
            s03 = madd(x0, y, s03);
            s13 = madd(x1, y, s13);
        }
        c[c0] = s00.reduceLanes(VectorOperators.ADD);
        c[c0 + 1] = s01.reduceLanes(VectorOperators.ADD);
        c[c0 + 2] = s02.reduceLanes(VectorOperators.ADD);
        c[c0 + 3] = s03.reduceLanes(VectorOperators.ADD);
        c[c0 + ldc] = s10.reduceLanes(VectorOperators.ADD);
        c[c0 + ldc + 1] = s11.reduceLanes(VectorOperators.ADD);
        c[c0 + ldc + 2] = s12.reduceLanes(VectorOperators.ADD);
        c[c0 + ldc + 3] = s13.reduceLanes(VectorOperators.ADD);
    }

    // ================================================================ float activations times low-precision weights

    /**
     * Four rows of A per pass, so each vector of x is loaded once for four rows (the memory-bound
     * batch-1 case reads A once, at the width of its elements). Each row sums in FL lanes
     * ({@code n / FL} fmas per lane), then across lanes.
     */
    @Override
    public void sgemvInt8(int m, int n, byte[] a, int aOffset, int lda, float[] scales, int scalesOffset,
                                 float[] x, int xOffset, float[] y, int yOffset) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = aOffset + i * lda;
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
            y[yOffset + i] = scales[scalesOffset + i] * s0.reduceLanes(VectorOperators.ADD);
            y[yOffset + i + 1] = scales[scalesOffset + i + 1] * s1.reduceLanes(VectorOperators.ADD);
            y[yOffset + i + 2] = scales[scalesOffset + i + 2] * s2.reduceLanes(VectorOperators.ADD);
            y[yOffset + i + 3] = scales[scalesOffset + i + 3] * s3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < m; i++) {
            int r = aOffset + i * lda;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < n; j += BL) {
                VectorMask<Byte> bm = B_F.indexInRange(j, n);
                ByteVector q = ByteVector.fromArray(B_F, a, r + j, bm);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector xv = FloatVector.fromArray(F, x, xOffset + j + p * FL, F.indexInRange(j + p * FL, n));
                    s = ((FloatVector) q.convertShape(VectorOperators.B2F, F, p)).fma(xv, s);
                }
            }
            y[yOffset + i] = scales[scalesOffset + i] * s.reduceLanes(VectorOperators.ADD);
        }
    }

    /** As {@link #sgemvInt8}, with bf16 weights widened by a shift and no scale. */
    @Override
    public void sgemvBf16(int m, int n, short[] a, int aOffset, int lda, float[] x, int xOffset, float[] y, int yOffset) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = aOffset + i * lda;
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            int j = 0;
            for (int upper = F.loopBound(n); j < upper; j += FL) {
                FloatVector xv = FloatVector.fromArray(F, x, xOffset + j);
                s0 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + j)).fma(xv, s0);
                s1 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + lda + j)).fma(xv, s1);
                s2 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + 2 * lda + j)).fma(xv, s2);
                s3 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + 3 * lda + j)).fma(xv, s3);
            }
            if (j < n) {
                VectorMask<Short> sm = S_HALF.indexInRange(j, n);
                FloatVector xv = FloatVector.fromArray(F, x, xOffset + j, F.indexInRange(j, n));
                s0 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + j, sm)).fma(xv, s0);
                s1 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + lda + j, sm)).fma(xv, s1);
                s2 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + 2 * lda + j, sm)).fma(xv, s2);
                s3 = fromBf16(ShortVector.fromArray(S_HALF, a, r0 + 3 * lda + j, sm)).fma(xv, s3);
            }
            y[yOffset + i] = s0.reduceLanes(VectorOperators.ADD);
            y[yOffset + i + 1] = s1.reduceLanes(VectorOperators.ADD);
            y[yOffset + i + 2] = s2.reduceLanes(VectorOperators.ADD);
            y[yOffset + i + 3] = s3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < m; i++) {
            int r = aOffset + i * lda;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < n; j += FL) {
                FloatVector xv = FloatVector.fromArray(F, x, xOffset + j, F.indexInRange(j, n));
                s = fromBf16(ShortVector.fromArray(S_HALF, a, r + j, S_HALF.indexInRange(j, n))).fma(xv, s);
            }
            y[yOffset + i] = s.reduceLanes(VectorOperators.ADD);
        }
    }

    /** Weight rows per dequantized panel: a float panel of at most this many bytes stays in L2. */
    private static final int PANEL_BYTES = 256 * 1024;

    /**
     * Batch 1 is the GEMV, which reads each weight once as a byte. Larger batches dequantize a panel of
     * weight rows at a time (at least 16 rows, at most PANEL_BYTES of floats, so it stays in L2) and
     * multiply it with the float GEMM: each weight is dequantized once per call, and the GEMM's
     * packing and blocking do the rest.
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
        int rows = panelRows(n, k);
        float[] panel = new float[rows * k];
        for (int j = 0; j < n; j += rows) {
            int r = Math.min(rows, n - j);
            dequantizeInt8Rows(b, bOffset + j * ldb, ldb, scales, scalesOffset + j, panel, 0, k, r, k);
            gemm.sgemm(false, true, m, r, k, 1f, a, aOffset, lda, panel, 0, k, 0f, c, cOffset + j, ldc);
        }
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
        int rows = panelRows(n, k);
        float[] panel = new float[rows * k];
        for (int j = 0; j < n; j += rows) {
            int r = Math.min(rows, n - j);
            bf16ToFloatRows(b, bOffset + j * ldb, ldb, panel, 0, k, r, k);
            gemm.sgemm(false, true, m, r, k, 1f, a, aOffset, lda, panel, 0, k, 0f, c, cOffset + j, ldc);
        }
    }

    private static int panelRows(int n, int k) {
        return Math.min(n, Math.max(16, PANEL_BYTES / (Float.BYTES * k)));
    }
}
