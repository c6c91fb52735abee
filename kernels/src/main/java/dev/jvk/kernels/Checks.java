package dev.jvk.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;

/**
 * Argument checks shared by every public entry point, as BLAS {@code xerbla} does them but with
 * Java exceptions: a null array or enum is a {@link NullPointerException} naming it; a negative size,
 * offset or short leading dimension an {@link IllegalArgumentException} naming the parameter and what
 * was expected; an array too short for its offset and shape an {@link IndexOutOfBoundsException}
 * naming the array. Every extent is computed in {@code long}, so {@code offset + extent} never wraps
 * into a false "fits". All checks run before anything is written.
 */
final class Checks {
    private Checks() {}

    static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    static void size(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    static void offset(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /**
     * As {@code offset(value, arrayName + "Offset")}, but the parameter's name is built only to throw.
     * Built on every call, it is a string allocated per call wherever C2 compiles the check without
     * folding it away (32 B for "biasOffset", measured in nn's training step).
     */
    static void offsetOf(long value, String arrayName) {
        if (value < 0) {
            throw new IllegalArgumentException(arrayName + "Offset must be >= 0, got " + value);
        }
    }

    /** A leading dimension must be at least {@code max(1, minimum)}. */
    static void leadingDimension(int ld, int minimum, String name) {
        int required = Math.max(1, minimum);
        if (ld < required) {
            throw new IllegalArgumentException(name + " must be >= max(1, " + minimum + ") = " + required + ", got " + ld);
        }
    }

    /** As {@code leadingDimension(ld, minimum, "ld" + arrayName)}, the name built only to throw (see {@link #offsetOf}). */
    static void leadingDimensionOf(int ld, int minimum, String arrayName) {
        if (ld < Math.max(1, minimum)) {
            leadingDimension(ld, minimum, "ld" + arrayName);
        }
    }

    /** Elements a rows x cols block with leading dimension ld spans: 0 when it has no element. */
    static long extent(int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return 0;
        }
        return (long) (rows - 1) * ld + cols;
    }

    /** The array of {@code length} elements holds {@code extent} elements from {@code offset}. */
    static void fits(long length, long offset, long extent, String name) {
        if (extent > 0 && offset > length - extent) { // not offset + extent > length: that sum may wrap
            // and so may the count in the message, for a long offset near Long.MAX_VALUE
            String needs = offset > Long.MAX_VALUE - extent ? "more than " + Long.MAX_VALUE : String.valueOf(offset + extent);
            throw new IndexOutOfBoundsException(name + " is too short: needs " + needs
                    + " elements (offset " + offset + " + extent " + extent + "), has " + length);
        }
    }

    /** Checks a vector argument (an array of any element type): not null, offset >= 0, and n elements from the offset. */
    static void vector(Object x, int offset, int n, String name) {
        notNull(x, name);
        offsetOf(offset, name);
        fits(length(x), offset, n, name);
    }

    /** As {@link #vector(Object, int, int, String)}, for an offset parameter not named {@code name + "Offset"}. */
    static void vector(Object x, int offset, String offsetName, int n, String name) {
        notNull(x, name);
        offset(offset, offsetName);
        fits(length(x), offset, n, name);
    }

    /** A one-array call's arguments, named {@code x}, {@code offset} and {@code n}: n >= 0, then x as {@link #vector}. */
    static void xOffsetN(Object x, int offset, int n) {
        size(n, "n");
        vector(x, offset, "offset", n, "x");
    }

    /** Two input vectors {@code x} and {@code y} of n elements (a dot product's; they may overlap). */
    static void xyN(Object x, int xOffset, Object y, int yOffset, int n) {
        size(n, "n");
        vector(x, xOffset, n, "x");
        vector(y, yOffset, n, "y");
    }

    /**
     * The whole-array form of a two-vector op (a dot product): x and y of one length, as Lucene's
     * {@code VectorUtil.dotProduct} requires; a shorter x would silently drop y's tail.
     */
    static int sameLength(Object x, Object y) {
        int n = length(notNull(x, "x"));
        int yLength = length(notNull(y, "y"));
        if (n != yLength) {
            throw new IllegalArgumentException("x and y differ in length: x.length = " + n + ", y.length = " + yLength
                    + "; pass n and offsets to use part of one");
        }
        return n;
    }

    /** The length of an array of any element type (C2 compiles this to a load of the length field). */
    static int length(Object array) {
        return Array.getLength(array);
    }

    /**
     * Elementwise output rule: the output may be the input at the same offset (in place); any other
     * intersection of the two index ranges in the same array is rejected.
     */
    static void inPlaceOrDisjoint(Object in, int inOffset, String inName, Object out, int outOffset, String outName, int n) {
        if (in == out && inOffset != outOffset && intersects(inOffset, n, outOffset, n)) {
            throw new IllegalArgumentException(outName + " overlaps " + inName + " partially ("
                    + outName + "Offset " + outOffset + ", " + inName + "Offset " + inOffset + ", n " + n
                    + "); use the same offset for in place or separate ranges");
        }
    }

    /**
     * Row-wise output rule for two rows x cols blocks: the output may be the input itself (same array,
     * same offset, same leading dimension: in place); otherwise their index ranges in the same array
     * must not intersect.
     */
    static void blockInPlaceOrDisjoint(Object in, int inOffset, int ldIn, String inName,
                                       Object out, int outOffset, int ldOut, String outName, int rows, int cols) {
        if (in != out || (inOffset == outOffset && ldIn == ldOut)) {
            return;
        }
        long inExtent = extent(rows, cols, ldIn);
        long outExtent = extent(rows, cols, ldOut);
        if (intersects(inOffset, inExtent, outOffset, outExtent)) {
            throw new IllegalArgumentException(outName + " overlaps " + inName + " partially: " + inName + " spans ["
                    + inOffset + ", " + (inOffset + inExtent) + ") with leading dimension " + ldIn + ", " + outName
                    + " spans [" + outOffset + ", " + (outOffset + outExtent) + ") with leading dimension " + ldOut
                    + "; use the same offset and leading dimension for in place, or separate ranges");
        }
    }

    /** Rejects any intersection of two index ranges of the same array (e.g. GEMM's C with A or B). */
    static void disjoint(Object a, long aOffset, long aExtent, String aName, Object b, long bOffset, long bExtent, String bName) {
        if (a == b && intersects(aOffset, aExtent, bOffset, bExtent)) {
            throw new IllegalArgumentException(aName + " overlaps " + bName + " in the same array: "
                    + aName + " spans [" + aOffset + ", " + (aOffset + aExtent) + "), "
                    + bName + " spans [" + bOffset + ", " + (bOffset + bExtent) + ")");
        }
    }

    /** GEMM's array operands: the transposes and arrays not null, then {@link #gemmArrays}. */
    static void gemm(Transpose transA, Transpose transB, int m, int n, int k,
                     Object a, int aOffset, int lda, Object b, int bOffset, int ldb, Object c, int cOffset, int ldc) {
        operands(transA, transB, a, b, c);
        gemmArrays(transA, transB, m, n, k, a, length(a), aOffset, lda, b, length(b), bOffset, ldb, c, length(c), cOffset, ldc);
    }

    /** GEMM's segment operands: the transposes and segments not null, then {@link #gemmSegments}. */
    static void gemm(Transpose transA, Transpose transB, int m, int n, int k,
                     MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                     MemorySegment c, long cOffset, int ldc, int elementBytes) {
        operands(transA, transB, a, b, c);
        gemmSegments(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, elementBytes);
    }

    /** GEMV's arrays: the transpose and arrays not null (A, x, y), then {@link #gemvArrays}. */
    static void gemv(Transpose transA, int m, int n, Object a, int aOffset, int lda, Object x, int xOffset, Object y, int yOffset) {
        notNull(transA, "transA");
        notNull(a, "a");
        notNull(x, "x");
        notNull(y, "y");
        gemvArrays(transA, m, n, a, length(a), aOffset, lda, x, length(x), xOffset, y, length(y), yOffset);
    }

    /** GEMM's null checks, in the order of its parameters. */
    private static void operands(Transpose transA, Transpose transB, Object a, Object b, Object c) {
        notNull(transA, "transA");
        notNull(transB, "transB");
        notNull(a, "a");
        notNull(b, "b");
        notNull(c, "c");
    }

    /**
     * GEMM's operands, after their null checks: sizes, then A, B and C in turn (offset, leading
     * dimension, length), then C disjoint from A and from B. op(A) is m x k, stored as is when
     * NO_TRANS ({@code lda >= max(1, k)}) or transposed ({@code lda >= max(1, m)}); op(B) is k x n
     * likewise; C is m x n. Lengths and offsets are in elements. Arrays are the same array when
     * they are the same object; pass {@link MemorySegment}s to {@link #gemmSegments} instead.
     */
    static void gemmArrays(Transpose transA, Transpose transB, int m, int n, int k,
                           Object a, long aLength, long aOffset, int lda,
                           Object b, long bLength, long bOffset, int ldb,
                           Object c, long cLength, long cOffset, int ldc) {
        gemmShapes(transA, transB, m, n, k, aLength, aOffset, lda, bLength, bOffset, ldb, cLength, cOffset, ldc);
        long cExtent = extent(m, n, ldc);
        disjoint(c, cOffset, cExtent, "c", a, aOffset, storedExtent(transA, m, k, lda), "a");
        disjoint(c, cOffset, cExtent, "c", b, bOffset, storedExtent(transB, k, n, ldb), "b");
    }

    /**
     * GEMM's operands off-heap: as {@link #gemmArrays}, plus each segment alive and accessible from
     * this thread, C writable, and C's bytes disjoint from A's and B's wherever the segments lie.
     */
    static void gemmSegments(Transpose transA, Transpose transB, int m, int n, int k,
                             MemorySegment a, long aOffset, int lda,
                             MemorySegment b, long bOffset, int ldb,
                             MemorySegment c, long cOffset, int ldc, int elementBytes) {
        accessible(a, "a");
        accessible(b, "b");
        accessible(c, "c");
        gemmShapes(transA, transB, m, n, k, a.byteSize() / elementBytes, aOffset, lda,
                b.byteSize() / elementBytes, bOffset, ldb, c.byteSize() / elementBytes, cOffset, ldc);
        if (c.isReadOnly()) {
            throw new IllegalArgumentException("c is a read-only segment; C must be writable");
        }
        long cExtent = extent(m, n, ldc);
        disjoint(c, cOffset, cExtent, "c", a, aOffset, storedExtent(transA, m, k, lda), "a", elementBytes);
        disjoint(c, cOffset, cExtent, "c", b, bOffset, storedExtent(transB, k, n, ldb), "b", elementBytes);
    }

    private static void gemmShapes(Transpose transA, Transpose transB, int m, int n, int k,
                                   long aLength, long aOffset, int lda,
                                   long bLength, long bOffset, int ldb,
                                   long cLength, long cOffset, int ldc) {
        size(m, "m");
        size(n, "n");
        size(k, "k");
        stored(transA, m, k, aLength, aOffset, lda, "a");
        stored(transB, k, n, bLength, bOffset, ldb, "b");
        offset(cOffset, "cOffset");
        leadingDimension(ldc, n, "ldc");
        fits(cLength, cOffset, extent(m, n, ldc), "c");
    }

    /** An operand op(X) of rows x cols, stored as is (NO_TRANS) or transposed (TRANS). */
    private static void stored(Transpose trans, int rows, int cols, long length, long offset, int ld, String name) {
        offsetOf(offset, name);
        leadingDimensionOf(ld, trans == Transpose.NO_TRANS ? cols : rows, name);
        fits(length, offset, storedExtent(trans, rows, cols, ld), name);
    }

    private static long storedExtent(Transpose trans, int rows, int cols, int ld) {
        return trans == Transpose.NO_TRANS ? extent(rows, cols, ld) : extent(cols, rows, ld);
    }

    /**
     * GEMV's operands, after their null checks: A stored m x n ({@code lda >= max(1, n)}); x of
     * length n (NO_TRANS) or m (TRANS); y of the other length; y disjoint from A and x.
     */
    static void gemvArrays(Transpose transA, int m, int n,
                           Object a, long aLength, long aOffset, int lda,
                           Object x, long xLength, long xOffset,
                           Object y, long yLength, long yOffset) {
        size(m, "m");
        size(n, "n");
        offset(aOffset, "aOffset");
        leadingDimension(lda, n, "lda");
        long aExtent = extent(m, n, lda);
        fits(aLength, aOffset, aExtent, "a");
        long xExtent = m == 0 || n == 0 ? 0 : transA == Transpose.NO_TRANS ? n : m;
        long yExtent = m == 0 || n == 0 ? 0 : transA == Transpose.NO_TRANS ? m : n;
        offset(xOffset, "xOffset");
        fits(xLength, xOffset, xExtent, "x");
        offset(yOffset, "yOffset");
        fits(yLength, yOffset, yExtent, "y");
        disjoint(y, yOffset, yExtent, "y", a, aOffset, aExtent, "a");
        disjoint(y, yOffset, yExtent, "y", x, xOffset, xExtent, "x");
    }

    /** A segment the caller can use now: alive, and accessible from this thread (as a read would require). */
    static void accessible(MemorySegment s, String name) {
        if (!s.scope().isAlive()) {
            throw new IllegalStateException(name + " is not alive: its arena is closed");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException(name + " is confined to another thread");
        }
    }

    /**
     * Rejects two element ranges of segments that share memory (the same heap array, or overlapping
     * native memory). Segments that do not overlap at all are disjoint whatever the offsets.
     */
    static void disjoint(MemorySegment a, long aOffset, long aExtent, String aName,
                         MemorySegment b, long bOffset, long bExtent, String bName, int elementBytes) {
        if (aExtent == 0 || bExtent == 0 || a.asOverlappingSlice(b).isEmpty()) {
            return;
        }
        // The segments share memory, so their addresses (native addresses, or byte offsets in the
        // same heap array) are on one axis.
        long aStart = a.address() + aOffset * elementBytes;
        long bStart = b.address() + bOffset * elementBytes;
        if (intersects(aStart, aExtent * elementBytes, bStart, bExtent * elementBytes)) {
            throw new IllegalArgumentException(aName + " overlaps " + bName + " in memory: "
                    + aName + " spans elements [" + aOffset + ", " + (aOffset + aExtent) + ") of its segment, "
                    + bName + " spans [" + bOffset + ", " + (bOffset + bExtent) + ") of one that shares memory with it");
        }
    }

    static boolean intersects(long aOffset, long aExtent, long bOffset, long bExtent) {
        return aExtent > 0 && bExtent > 0 && aOffset < bOffset + bExtent && bOffset < aOffset + aExtent;
    }
}
