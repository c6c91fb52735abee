package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The lane selections of GEMM's 8-row packing transposition ({@code SgemmPacking.transposeRounds}
 * and its generated double twin), a closed form: followed element by element through the three
 * rounds as the packing code applies them, they must deliver element (r, p) of an 8 x L block to
 * vector {@code p / (L/8)}, lane {@code (p % (L/8)) * 8 + r}, for 8 and 16 lanes whatever width
 * this machine runs. The GEMM properties check the packed results too, but only at the widths a
 * run uses.
 */
class TransposeRoundsTest {

    @Test
    void everyElementReachesItsPlaceFor8And16Lanes() throws Exception {
        int checked = 0;
        for (String cls : new String[] {"dev.jvk.kernels.gemm.SgemmPacking", "dev.jvk.kernels.gemm.DgemmPacking"}) {
            Method rounds = Class.forName(cls).getDeclaredMethod("transposeRounds", int.class);
            rounds.setAccessible(true);
            for (int lanes : new int[] {8, 16}) {
                float[] index = asFloats(rounds.invoke(null, lanes)); // the double twin returns double[]
                assertThat(index).as("%s %d lanes", cls, lanes).hasSize(6 * lanes);
                int[][] v = transpose(index, lanes);
                int group = lanes / 8;
                for (int q = 0; q < 8; q++) {
                    for (int t = 0; t < lanes; t++) {
                        int r = v[q][t] / lanes;
                        int p = v[q][t] % lanes;
                        assertThat(new int[] {p / group, (p % group) * 8 + r}).as("%s, %d lanes: element (%d, %d)", cls, lanes, r, p)
                                .containsExactly(q, t);
                        checked++;
                    }
                }
            }
            assertThat((Object) rounds.invoke(null, 4)).as("no transposition for 4 lanes").isNull();
        }
        assertThat(checked).isEqualTo(2 * 8 * (8 + 16));
    }

    @Test
    void aWrongIndexIsCaught() {
        float[] index = new float[6 * 8];
        for (int i = 0; i < index.length; i++) {
            index[i] = 2 * (i % 8) + (i / 8) % 2;
        }
        index[4 * 8 + 3] = index[4 * 8 + 2]; // round 2, lo: lane 3 takes lane 2's source too
        int[][] v = transpose(index, 8);
        boolean allInPlace = true;
        for (int q = 0; q < 8; q++) {
            for (int t = 0; t < 8; t++) {
                allInPlace &= v[q][t] % 8 == q && v[q][t] / 8 == t;
            }
        }
        assertThat(allInPlace).isFalse();
    }

    /** Vectors 0..7 holding elements r * lanes + p (row r), after the three rounds as transposeToA runs them. */
    private static int[][] transpose(float[] index, int lanes) {
        int[][] v = new int[8][lanes];
        for (int r = 0; r < 8; r++) {
            for (int p = 0; p < lanes; p++) {
                v[r][p] = r * lanes + p;
            }
        }
        for (int s = 0; s < 3; s++) {
            int[][] next = new int[8][];
            for (int v0 = 0; v0 < 8; v0++) {
                if ((v0 >> s & 1) == 0) {
                    int v1 = v0 | 1 << s;
                    next[v0] = select(index, (2 * s) * lanes, v[v0], v[v1]);
                    next[v1] = select(index, (2 * s + 1) * lanes, v[v0], v[v1]);
                }
            }
            v = next;
        }
        return v;
    }

    private static float[] asFloats(Object array) {
        float[] f = new float[java.lang.reflect.Array.getLength(array)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) java.lang.reflect.Array.getDouble(array, i);
        }
        return f;
    }

    /** Two-source lane selection: lane t takes lane i of (a, b), i = index[at + t] (a's lanes first). */
    private static int[] select(float[] index, int at, int[] a, int[] b) {
        int lanes = a.length;
        int[] out = new int[lanes];
        for (int t = 0; t < lanes; t++) {
            int i = (int) index[at + t];
            out[t] = i < lanes ? a[i] : b[i - lanes];
        }
        return out;
    }
}
