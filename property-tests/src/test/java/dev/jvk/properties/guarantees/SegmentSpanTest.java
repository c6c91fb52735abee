package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GEMM on segments whose matrices are few elements spread over more than 2^31 elements by a long
 * leading dimension: a column of a wide memory-mapped table, a batch-1 product with rows 2^29 + 1
 * elements apart in a mapped weight file. The extent is legal (segments are long-indexed); the elements are few. A
 * path that copies the span between them into an array, sized in int, wraps to a negative size.
 *
 * <p>The segments are sparse files mapped from a temporary directory: only the pages holding the
 * elements are ever written or read, whatever the span. Every value is a small integer, so
 * each expected element is the exact sum computed here term by term.
 *
 * <p>The heavy case (a narrow product whose A itself holds 2^31 elements) reads all of A, 8 GiB of
 * file holes: it runs in the heavy group ({@code mvn -Pheavy -pl kernels,property-tests -am verify}).
 */
class SegmentSpanTest {
    /** An ld of 2^29 + 1 elements over 5 rows: the span is 2^31 + 6 elements (8 GiB of floats, 16 of doubles). */
    private static final int LD = (1 << 29) + 1;
    private static final int ROWS = 5;

    @TempDir
    Path dir;

    private static MemorySegment sparse(Path file, long bytes, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.SPARSE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), bytes - 1);
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
        }
    }

    private static long span() {
        long span = (long) (ROWS - 1) * LD + 2;
        assertThat(span).isGreaterThan(Integer.MAX_VALUE);
        return span;
    }

    /** m == 1 (the GEMV path): c = a^T B for B 5 x 2 with ldb = 2^29 + 1, mapped; beta == 0 over a NaN C. */
    @Test
    void oneRowTimesAMatrixWithALongLeadingDimension() throws IOException {
        int k = ROWS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fb = sparse(dir.resolve("b.f32"), span() * Float.BYTES, arena);
            MemorySegment db = sparse(dir.resolve("b.f64"), span() * Double.BYTES, arena);
            float[] a = new float[k];
            long[] exact = new long[2];
            for (int p = 0; p < k; p++) {
                a[p] = p % 5 - 2;
                float b0 = p % 3 + 1;
                float b1 = -(p % 2);
                fb.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) p * LD, b0);
                fb.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) p * LD + 1, b1);
                db.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, (long) p * LD, b0);
                db.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, (long) p * LD + 1, b1);
                exact[0] += (long) a[p] * (long) b0;
                exact[1] += (long) a[p] * (long) b1;
            }
            double[] ad = new double[k];
            for (int p = 0; p < k; p++) {
                ad[p] = a[p];
            }
            MemorySegment fc = MemorySegment.ofArray(new float[] {Float.NaN, Float.NaN});
            Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, 1, 2, k, 1f, MemorySegment.ofArray(a), 0, k, fb, 0, LD, 0f, fc, 0, 2);
            assertThat(fc.toArray(ValueLayout.JAVA_FLOAT)).containsExactly(exact[0], exact[1]);
            MemorySegment dc = MemorySegment.ofArray(new double[] {Double.NaN, Double.NaN});
            Gemm.dgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, 1, 2, k, 1.0, MemorySegment.ofArray(ad), 0, k, db, 0, LD, 0.0, dc, 0, 2);
            assertThat(dc.toArray(ValueLayout.JAVA_DOUBLE)).containsExactly(exact[0], exact[1]);
        }
    }

    /** n == 1 (the GEMV path): a column of C with ldc = 2^29 + 1, mapped; beta = 0.5 reads it, and only its elements change. */
    @Test
    void oneColumnOfCWithALongLeadingDimension() throws IOException {
        int m = ROWS;
        int k = 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fc = sparse(dir.resolve("c.f32"), span() * Float.BYTES, arena);
            MemorySegment dc = sparse(dir.resolve("c.f64"), span() * Double.BYTES, arena);
            float[] a = new float[m * k];
            double[] ad = new double[m * k];
            float[] b = {1, -2, 3};
            double[] bd = {1, -2, 3};
            long[] exact = new long[m];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    a[i * k + p] = (i + p) % 7 - 3;
                    ad[i * k + p] = a[i * k + p];
                    exact[i] += (long) a[i * k + p] * (long) b[p];
                }
                fc.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * LD, 2 * (i % 4));
                dc.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, (long) i * LD, 2 * (i % 4));
                fc.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * LD + 1, 7f); // beside C: must stay
            }
            Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, m, 1, k, 1f, MemorySegment.ofArray(a), 0, k,
                    MemorySegment.ofArray(b), 0, 1, 0.5f, fc, 0, LD);
            Gemm.dgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, m, 1, k, 1.0, MemorySegment.ofArray(ad), 0, k,
                    MemorySegment.ofArray(bd), 0, 1, 0.5, dc, 0, LD);
            for (int i = 0; i < m; i++) {
                long want = exact[i] + i % 4;
                assertThat(fc.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * LD)).as("float row %d", i).isEqualTo(want);
                assertThat(dc.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, (long) i * LD)).as("double row %d", i).isEqualTo(want);
                assertThat(fc.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * LD + 1)).isEqualTo(7f);
            }
        }
    }

    /**
     * A narrow product (n == 2, the narrow dot path on arrays) whose A, m x k = 2^19 x 4096 on a mapped file, holds
     * 2^31 elements: more than an array holds, so it cannot be copied into one as that path copies segments.
     */
    @Test
    @Tag("heavy")
    void aNarrowProductWhoseAHoldsMoreElementsThanAnArray() throws IOException {
        int m = 1 << 19;
        int k = 4096;
        int n = 2;
        assertThat((long) m * k).isGreaterThan(Integer.MAX_VALUE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = sparse(dir.resolve("a.f32"), (long) m * k * Float.BYTES, arena);
            float[] b = new float[k * n];
            for (int p = 0; p < k; p++) {
                b[p * n] = p % 3 - 1;
                b[p * n + 1] = 1;
            }
            int[] rows = {0, 1, m / 2, m - 2, m - 1};
            for (int i : rows) {
                for (int p = 0; p < k; p += 97) {
                    a.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * k + p, (i + p) % 5 - 2);
                }
            }
            float[] c = new float[m * n];
            java.util.Arrays.fill(c, Float.NaN);
            Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, m, n, k, 1f, a, 0, k, MemorySegment.ofArray(b), 0, n,
                    0f, MemorySegment.ofArray(c), 0, n);
            for (int i : rows) {
                for (int j = 0; j < n; j++) {
                    long exact = 0;
                    for (int p = 0; p < k; p += 97) {
                        exact += (long) ((i + p) % 5 - 2) * (long) b[p * n + j];
                    }
                    assertThat(c[i * n + j]).as("C[%d][%d]", i, j).isEqualTo(exact);
                }
            }
            assertThat(c[3 * n]).isZero(); // a row of zeros: beta == 0 replaced the NaN
        }
    }
}
