package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.support.GemmCase;
import dev.jvk.properties.support.GemmJudge;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Every path the GEMM engine chooses by shape ({@code Sgemm.Path}, {@code Dgemm.Path}: the packed
 * nest, the small path reading B in place, the direct path, the narrow ones, GEMV) within the sblat3 bound and bitwise the same
 * for 1, 2 and 3 threads, on shapes drawn around each path's edges, every transpose. Each
 * property counts the cases per path (asking the engine which path it takes), and fails unless
 * every path was taken: a path the shapes never reach would go untested. NARROW_T is counted apart
 * for C over one vector wide (its tile turned back into rows of two vectors), and SMALL apart for the NN
 * products whose tiles run 4 vectors wide (n of at least 4 vectors, m of at least 4), and those with a
 * first panel 6 vectors wide (an odd number of whole 2-vector panels, at least 3), and those past 128^3
 * that it takes for their few rows; NARROW_DOT apart below 16 vectors of k (B stored transposed, or SGEMM's B as
 * stored with C narrower than a vector). Where jvk runs its
 * scalar reference there are no paths, and nothing to count.
 */
class GemmPathCoverageProperties {

    /** Families of shapes: narrow (n up to 26), narrow and deep, narrow and short, one row or column, small cubes, skinny, large enough to pack. */
    @Provide
    Arbitrary<GemmCase> pathCases() {
        // a third of them n <= 4: the narrow path's whole range at 128 bits (2 doubles, 4 floats a vector);
        // NARROW_T takes up to a vector and a half: 24 floats at 512 bits, 6 at 128, where a third in 5-8
        // keeps C over one vector reached now that NARROW_DOT takes B^T from 8 vectors of k
        Arbitrary<Integer> narrowN = Arbitraries.oneOf(Arbitraries.integers().between(2, 4), Arbitraries.integers().between(5, 8),
                Arbitraries.integers().between(9, 26));
        Arbitrary<Integer> small = Arbitraries.integers().between(2, 100);
        Arbitrary<Integer> one = Arbitraries.just(1);
        Arbitrary<Integer> large = Arbitraries.integers().between(90, 200);
        // narrow and short (m below NR: the one-vector path; NR is 4 doubles at 128 bits, so m 2-3)
        Arbitrary<Integer> shortM = Arbitraries.integers().between(2, 3);
        // narrow and deep: the narrow dot products take A as stored from k = 16 vectors (256 floats at 512 bits)
        Arbitrary<Integer> deep = Arbitraries.integers().between(200, 1100);
        // and with B stored transposed from 8 vectors (128 floats, 64 doubles at 512 bits)
        // (32 floats at 128 bits: the range follows the width, the floats' and the doubles' 8 to 16 vectors)
        int floats = Math.max(4, Kernels.info().vectorBits() / Float.SIZE);
        Arbitrary<Integer> middling = Arbitraries.integers().between(4 * floats - 2, 16 * floats + 4);
        return Arbitraries.frequencyOf(
                Tuple.of(2, GemmCase.cases(GemmCase.dimension(), narrowN, GemmCase.dimension())),
                Tuple.of(1, GemmCase.cases(GemmCase.dimension(), narrowN, deep)),
                Tuple.of(1, GemmCase.cases(GemmCase.dimension(), narrowN, middling)),
                // narrow, B^T's depth alone (8 to 16 vectors): a quarter of them NT, NARROW_DOT's shallower range,
                // which SGEMM's NN products take too where C is under a vector (n of 2 and 3 at every width)
                Tuple.of(2, GemmCase.cases(Arbitraries.integers().between(2, 40), Arbitraries.integers().between(2, 4),
                        Arbitraries.integers().between(8 * floats, 16 * floats - 1))),
                Tuple.of(1, GemmCase.cases(shortM, Arbitraries.integers().between(2, 4), GemmCase.dimension())),
                Tuple.of(1, Arbitraries.oneOf(GemmCase.cases(one, small, small), GemmCase.cases(small, one, small))),
                Tuple.of(2, GemmCase.cases(small)),
                // small and wide: the small NN path 4 vectors wide needs n >= 4 vectors (64 floats at 512 bits) and m >= 4
                Tuple.of(1, GemmCase.cases(Arbitraries.integers().between(2, 40), Arbitraries.integers().between(60, 128), small)),
                Tuple.of(1, GemmCase.cases(Arbitraries.integers().between(2, 33), Arbitraries.integers().between(17, 300), large)),
                // few rows, wide and deep: NN products of at most 32 rows take the small path past 128^3
                Tuple.of(1, GemmCase.cases(Arbitraries.integers().between(8, 34), Arbitraries.integers().between(150, 300),
                        Arbitraries.integers().between(500, 900))),
                Tuple.of(1, GemmCase.cases(large)));
    }

    @Property(tries = 300)
    void sgemmEveryPathWithinBoundAndSameBitsForEveryThreadCount(@ForAll("pathCases") GemmCase g) {
        GemmJudge.checkSgemm(Gemm::sgemm, g);
        GemmProperties.sgemmSameBits(g, Gemm::sgemm);
        count("dev.jvk.kernels.gemm.Sgemm", g);
    }

    @Property(tries = 300)
    void dgemmEveryPathWithinBoundAndSameBitsForEveryThreadCount(@ForAll("pathCases") GemmCase g) {
        GemmJudge.checkDgemm(Gemm::dgemm, g);
        GemmProperties.dgemmSameBits(g, Gemm::dgemm);
        count("dev.jvk.kernels.gemm.Dgemm", g);
    }

    /**
     * NARROW_DOT at alpha 1, beta 0 on 16 rows and more, A as stored: whole groups of rows store their sums into C
     * itself. Apart from {@link #pathCases}, whose families it would thin.
     */
    @Provide
    Arbitrary<GemmCase> intoCCases() {
        // n from 2: NARROW_DOT takes up to a vector and a half, 3 doubles at 128 bits
        return GemmCase.cases(Arbitraries.integers().between(16, 60),
                        Arbitraries.oneOf(Arbitraries.integers().between(2, 3), Arbitraries.integers().between(4, 26)),
                        // k a multiple of 16 as often as not: whole vectors of k at every width, where runs of groups take one call
                        Arbitraries.oneOf(Arbitraries.integers().between(200, 1100), Arbitraries.integers().between(13, 68).map(q -> 16 * q)))
                .map(g -> g.with(Transpose.NO_TRANS, g.transB(), 1, 0));
    }

    @Property(tries = 100)
    void sgemmNarrowDotIntoCWithinBoundAndSameBitsForEveryThreadCount(@ForAll("intoCCases") GemmCase g) {
        GemmJudge.checkSgemm(Gemm::sgemm, g);
        GemmProperties.sgemmSameBits(g, Gemm::sgemm);
        countIntoC("dev.jvk.kernels.gemm.Sgemm", g);
    }

    @Property(tries = 100)
    void dgemmNarrowDotIntoCWithinBoundAndSameBitsForEveryThreadCount(@ForAll("intoCCases") GemmCase g) {
        GemmJudge.checkDgemm(Gemm::dgemm, g);
        GemmProperties.dgemmSameBits(g, Gemm::dgemm);
        countIntoC("dev.jvk.kernels.gemm.Dgemm", g);
    }

    /** Counts {@link #intoCCases}' case as NARROW_DOT into C or other, and fails unless the first was counted. */
    private static void countIntoC(String engine, GemmCase g) {
        if (!Kernels.info().implementation().equals("vector")) {
            return;
        }
        boolean intoC = pathOf(engine, g).equals("NARROW_DOT") && g.alpha() == 1 && g.beta() == 0 && g.m() >= 16;
        int lanes = Kernels.info().vectorBits() / (engine.endsWith("Sgemm") ? Float.SIZE : Double.SIZE);
        String form = !intoC ? "other" : g.k() % lanes == 0 ? NARROW_DOT_GROUPS : NARROW_DOT_INTO_C;
        Statistics.label("form").collect(form);
        Statistics.label("form").coverage(checker -> {
            checker.check(NARROW_DOT_INTO_C).count(n -> n > 0);
            checker.check(NARROW_DOT_GROUPS).count(n -> n > 0);
        });
    }

    /** As {@link #NARROW_DOT_INTO_C} with k whole vectors: the leading groups of rows in one kernel call ({@code dotGroups4x5}...). */
    private static final String NARROW_DOT_GROUPS = "NARROW_DOT, groups of rows in one call";

    /** NARROW_DOT at alpha 1, beta 0 with 16 rows and more, k with a tail: whole groups of rows store their sums into C a call each. */
    private static final String NARROW_DOT_INTO_C = "NARROW_DOT, sums into C";

    /** Counts the case under the path the engine takes for it, and fails unless every path was counted. */
    private static void count(String engine, GemmCase g) {
        if (!Kernels.info().implementation().equals("vector")) {
            return;
        }
        List<String> paths = new ArrayList<>(paths(engine));
        paths.add(NARROW_T_WIDE);
        String label = g.m() == 0 || g.n() == 0 || g.k() == 0 || g.alpha() == 0 ? "quick return" : pathOf(engine, g);
        int lanes = Kernels.info().vectorBits() / (engine.endsWith("Sgemm") ? Float.SIZE : Double.SIZE);
        // the 4-vector small kernel needs 32 vector registers: not at 256 bits (MR 6, AVX2's 16)
        boolean smallWide = Kernels.info().vectorBits() != 256;
        if (label.equals("NARROW_T") && g.n() > lanes) {
            label = NARROW_T_WIDE;
        }
        paths.add(NARROW_DOT_TRANS_B);
        if (engine.endsWith("Sgemm")) {
            paths.add(NARROW_DOT_NARROW_C);
        }
        if (label.equals("NARROW_DOT") && g.k() < 16 * lanes) {
            label = g.transB() == Transpose.NO_TRANS ? NARROW_DOT_NARROW_C : NARROW_DOT_TRANS_B;
        }
        paths.add(SMALL_FEW_ROWS);
        if (label.equals("SMALL") && (long) g.m() * g.n() * g.k() > 128L * 128 * 128) {
            label = SMALL_FEW_ROWS;
        } else if (smallWide) {
            int panels = g.n() / (2 * lanes); // whole panels of 2 vectors
            if (label.equals("SMALL") && g.transA() == Transpose.NO_TRANS && g.m() >= 4 && panels >= 2) {
                label = panels % 2 == 1 ? SMALL_SIX : g.m() >= 12 ? SMALL_TALL : SMALL_WIDE;
            }
        }
        if (smallWide) {
            paths.add(SMALL_WIDE);
            paths.add(SMALL_SIX);
            paths.add(SMALL_TALL);
        }
        Statistics.label("path").collect(label);
        Statistics.label("path").coverage(checker -> {
            for (String path : paths) {
                checker.check(path).count(n -> n > 0);
            }
        });
    }

    /** The label of SMALL for the NN products whose whole row tiles run 4 vectors wide ({@code tilesRows4x4}). */
    private static final String SMALL_WIDE = "SMALL 4 vectors wide";
    /** As {@link #SMALL_WIDE}, 12 rows and more: 6-row tiles ({@code tilesRows6x4}), 4-row ones for the rest. */
    private static final String SMALL_TALL = "SMALL 6 rows by 4 vectors";
    /** As {@link #SMALL_WIDE}, with a first panel 6 vectors wide ({@code tilesRows4x6}): an odd number of 2-vector panels. */
    private static final String SMALL_SIX = "SMALL 6 and 4 vectors wide";

    /** The label of SMALL for the NN products past 128^3 that it takes for their few rows (at most 32). */
    private static final String SMALL_FEW_ROWS = "SMALL past 128^3, few rows";

    /** The label of NARROW_DOT below 16 vectors of k with B stored transposed. */
    private static final String NARROW_DOT_TRANS_B = "NARROW_DOT, B^T from 8 vectors";

    /** The label of NARROW_DOT below 16 vectors of k with B as stored: SGEMM's C narrower than a vector alone. */
    private static final String NARROW_DOT_NARROW_C = "NARROW_DOT, C under a vector from 8 vectors";

    /** The label of NARROW_T for C wider than one vector. */
    private static final String NARROW_T_WIDE = "NARROW_T over one vector";

    /** The names of the engine's paths: its enum {@code Path}. */
    static List<String> paths(String engine) {
        try {
            Class<?> path = Class.forName(engine + "$Path");
            List<String> names = Arrays.stream(path.getEnumConstants()).map(Object::toString).toList();
            assertThat(names).as("paths of %s", engine).isNotEmpty();
            return names;
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** The path the engine chooses for the case's shape (its package-private {@code path} method). */
    static String pathOf(String engine, GemmCase g) {
        try {
            Method path = Class.forName(engine).getDeclaredMethod("path", boolean.class, boolean.class, int.class, int.class, int.class);
            path.setAccessible(true);
            return path.invoke(null, g.transA() == Transpose.TRANS, g.transB() == Transpose.TRANS, g.m(), g.n(), g.k()).toString();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
