package dev.jvk.bench.gemm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Where a benchmark's operands lie modulo a 64-byte cache line. On the Intel machine a GEMV reading A
 * from L2 runs 1.5-1.9x faster when A's rows start on a cache line (otherwise every 64-byte load
 * straddles two lines): jvk, OpenBLAS, netlib and a plain read of A alike (bench/RESULTS-gemv.md). Java
 * places a heap array's data wherever the allocator leaves it (one fork in eight on a line), while
 * OpenBLAS reads JavaCPP's native copies, placed by malloc: so with the placement left as it falls
 * ({@link #HEAP}) a comparison measures the two placements as much as the two kernels. Any other value
 * is a byte offset modulo 64 at which every operand of every library starts, the arrays used from an
 * offset into a slightly longer array and the native copies from a position into a longer one.
 * The benchmark's own code only: a heap array's address is read with a critical downcall (JDK 22+),
 * which the kernels, pure Java, cannot do.
 */
final class Placement {
    /** The placement as it falls: arrays where the heap puts them, OpenBLAS's copies where malloc does. */
    static final String HEAP = "heap";
    /** Elements of room before an operand, enough to reach any position in a cache line. */
    static final int SLACK = 16;
    private static final MethodHandle MEMSET = memset();

    private final int bytes;

    private Placement(int bytes) {
        this.bytes = bytes;
    }

    /** {@code null} for {@link #HEAP}, else the placement at {@code value} bytes past a cache line (a multiple of 4 below 64). */
    static Placement parse(String value) {
        if (value.equals(HEAP)) {
            return null;
        }
        int bytes;
        try {
            bytes = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes < 0 || bytes >= 64 || bytes % Float.BYTES != 0) {
            throw new IllegalArgumentException("align must be heap or a multiple of 4 in [0, 64), got " + value);
        }
        return new Placement(bytes);
    }

    /**
     * The offset into {@code array} (allocated {@link #SLACK} floats longer than its operand) at
     * which the operand starts {@code bytes} past a cache line. Valid while the array does not move:
     * call after {@code System.gc()} (which moves the setup's arrays out of the young generation) and
     * check with {@link #offsetStill} at tear-down.
     */
    int offset(float[] array) {
        return offsetAt(address(MemorySegment.ofArray(array)), Float.BYTES);
    }

    /** As {@link #offset(float[])} for doubles (the placement a multiple of 8 bytes). */
    int offset(double[] array) {
        return offsetAt(address(MemorySegment.ofArray(array)), Double.BYTES);
    }

    /** Whether {@code array} still puts {@code offset} at the placement (a garbage collection may have moved it). */
    boolean offsetStill(float[] array, int offset) {
        return offset(array) == offset;
    }

    /** As {@link #offsetStill(float[], int)} for doubles. */
    boolean offsetStill(double[] array, int offset) {
        return offset(array) == offset;
    }

    /** A native copy of {@code values} (read by OpenBLAS) positioned so that element 0 is at the placement. */
    FloatPointer copy(float[] values, int from, int length) {
        FloatPointer p = new FloatPointer(length + SLACK);
        p.position(offsetAt(p.address(), Float.BYTES));
        p.put(values, from, length);
        return p;
    }

    /** As {@link #copy(float[], int, int)} for doubles. */
    DoublePointer copy(double[] values, int from, int length) {
        DoublePointer p = new DoublePointer(length + SLACK);
        p.position(offsetAt(p.address(), Double.BYTES));
        p.put(values, from, length);
        return p;
    }

    /** One line for the fork's output: each operand's first element, bytes past a cache line, in the heap array and in OpenBLAS's copy. */
    static String describe(String[] names, Object[] arrays, int[] offsets, Pointer[] copies) {
        StringBuilder line = new StringBuilder("[placement] bytes past a cache line, heap / OpenBLAS:");
        for (int i = 0; i < names.length; i++) {
            int size = arrays[i] instanceof double[] ? Double.BYTES : Float.BYTES;
            MemorySegment array = arrays[i] instanceof double[] d ? MemorySegment.ofArray(d) : MemorySegment.ofArray((float[]) arrays[i]);
            long copy = copies[i].address() + copies[i].position() * size;
            line.append(' ').append(names[i]).append(' ').append(Math.floorMod(address(array) + (long) offsets[i] * size, 64L))
                    .append(" / ").append(Math.floorMod(copy, 64L));
        }
        return line.toString();
    }

    private int offsetAt(long address, int size) {
        if (bytes % size != 0) {
            throw new IllegalArgumentException("align " + bytes + " is not a multiple of " + size + " bytes");
        }
        return (int) Math.floorMod(bytes - address, 64L) / size;
    }

    private static long address(MemorySegment array) {
        try {
            return ((MemorySegment) MEMSET.invokeExact(array, 0, 0L)).address();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read an array's address", t);
        }
    }

    /** memset(p, 0, 0) writes nothing and returns p: with heap access allowed, the array's address. */
    private static MethodHandle memset() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find("memset").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
    }
}
