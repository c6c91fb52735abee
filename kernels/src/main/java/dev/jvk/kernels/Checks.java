package dev.jvk.kernels;

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

    /** A leading dimension must be at least {@code max(1, minimum)}. */
    static void leadingDimension(int ld, int minimum, String name) {
        int required = Math.max(1, minimum);
        if (ld < required) {
            throw new IllegalArgumentException(name + " must be >= max(1, " + minimum + ") = " + required + ", got " + ld);
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
        if (extent > 0 && offset + extent > length) {
            throw new IndexOutOfBoundsException(name + " is too short: needs " + (offset + extent)
                    + " elements (offset " + offset + " + extent " + extent + "), has " + length);
        }
    }

    /** Checks a vector argument: not null, offset >= 0, and n elements from the offset. */
    static void vector(float[] x, int offset, int n, String name) {
        notNull(x, name);
        offset(offset, name + "Offset");
        fits(x.length, offset, n, name);
    }

    static void vector(double[] x, int offset, int n, String name) {
        notNull(x, name);
        offset(offset, name + "Offset");
        fits(x.length, offset, n, name);
    }

    /** As {@link #vector(float[], int, int, String)}, for an offset parameter not named {@code name + "Offset"}. */
    static void vector(float[] x, int offset, String offsetName, int n, String name) {
        notNull(x, name);
        offset(offset, offsetName);
        fits(x.length, offset, n, name);
    }

    static void vector(double[] x, int offset, String offsetName, int n, String name) {
        notNull(x, name);
        offset(offset, offsetName);
        fits(x.length, offset, n, name);
    }

    static void vector(int[] x, int offset, int n, String name) {
        notNull(x, name);
        offset(offset, name + "Offset");
        fits(x.length, offset, n, name);
    }

    /** Checks a rows x cols block with leading dimension ld, stored from offset. */
    static void matrix(float[] a, int offset, int rows, int cols, int ld, String name) {
        notNull(a, name);
        offset(offset, name + "Offset");
        leadingDimension(ld, cols, "ld" + name);
        fits(a.length, offset, extent(rows, cols, ld), name);
    }

    static void matrix(double[] a, int offset, int rows, int cols, int ld, String name) {
        notNull(a, name);
        offset(offset, name + "Offset");
        leadingDimension(ld, cols, "ld" + name);
        fits(a.length, offset, extent(rows, cols, ld), name);
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

    static boolean intersects(long aOffset, long aExtent, long bOffset, long bExtent) {
        return aExtent > 0 && bExtent > 0 && aOffset < bOffset + bExtent && bOffset < aOffset + aExtent;
    }
}
