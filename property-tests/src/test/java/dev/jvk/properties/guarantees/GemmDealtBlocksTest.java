package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The dealt blocks of GEMM's shared splits ({@code GemmThreads.blockStart}): whole panels, covering the rows (or
 * columns) of C once, their sizes within one panel of each other, so that the parts' own blocks are as even as
 * whole panels allow and no part waits for a longer half.
 */
class GemmDealtBlocksTest {

    private static final Method BLOCK_START = method("blockStart");
    private static final Method DEALT_BLOCKS = method("dealtBlocks");

    private static Method method(String name) {
        try {
            Method start = Class.forName("dev.jvk.kernels.gemm.GemmThreads").getDeclaredMethod(name, int.class, int.class, int.class, int.class);
            start.setAccessible(true);
            return start;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static int blockStart(int b, int blocks, int extent, int panel) throws ReflectiveOperationException {
        return (int) BLOCK_START.invoke(null, b, blocks, extent, panel);
    }

    private static int dealtBlocks(int extent, int panel, int most, int parts) throws ReflectiveOperationException {
        return (int) DEALT_BLOCKS.invoke(null, extent, panel, most, parts);
    }

    /** TN:784x256x128 on 2 threads with blocks of at most MC = 192 rows: 6 blocks (not 5: 2 own blocks for one part, 3 for the other). */
    @Test
    void everyPartOwnsAsManyBlocks() throws Exception {
        assertThat(dealtBlocks(784, 8, 192, 2)).isEqualTo(6);
        for (int parts = 1; parts <= 8; parts++) {
            for (int extent = 8 * parts * 8; extent <= 3000; extent += 7) {
                for (int most = 32; most <= 512; most += 32) {
                    int blocks = dealtBlocks(extent, 8, most, parts);
                    String at = extent + " rows, at most " + most + ", " + parts + " parts";
                    assertThat(blocks % parts).as(at).isZero();
                    assertThat((extent + 7) / 8).as(at).isGreaterThanOrEqualTo(blocks);
                    // whole panels, within one panel of each other: none larger than most rounded to a panel, plus one panel
                    assertThat(blockStart(1, blocks, extent, 8)).as(at).isLessThanOrEqualTo(most + 8);
                }
            }
        }
    }

    /** TN:784x256x128 on 2 threads at 512 bits: 98 panels of 8 rows in 8 blocks, 4 per part, 392 rows each (not 416 and 368). */
    @Test
    void theMlpShapesRowsSplitEvenlyBetweenTwoParts() throws Exception {
        assertThat(blockStart(4, 8, 784, 8)).isEqualTo(392);
        assertThat(blockStart(8, 8, 784, 8)).isEqualTo(784);
    }

    @Test
    void blocksAreWholePanelsCoverTheExtentOnceAndDifferByAtMostOnePanel() throws Exception {
        int checked = 0;
        for (int panel : new int[] {4, 6, 8, 16, 32}) {
            for (int extent = 1; extent <= 1100; extent++) {
                int panels = (extent + panel - 1) / panel;
                for (int blocks = 1; blocks <= Math.min(panels, 40); blocks++) {
                    assertThat(blockStart(0, blocks, extent, panel)).isZero();
                    assertThat(blockStart(blocks, blocks, extent, panel)).isEqualTo(extent);
                    int least = Integer.MAX_VALUE;
                    int most = 0;
                    for (int b = 0; b < blocks; b++) {
                        int from = blockStart(b, blocks, extent, panel);
                        int to = blockStart(b + 1, blocks, extent, panel);
                        String at = "block " + b + " of " + blocks + " over " + extent + " in panels of " + panel;
                        assertThat(from % panel).as(at).isZero();
                        assertThat(to).as(at).isGreaterThan(from);
                        // in panels: a last partial panel counts as one
                        int size = (to - from + panel - 1) / panel;
                        least = Math.min(least, size);
                        most = Math.max(most, size);
                    }
                    assertThat(most - least).as(blocks + " blocks over " + extent + " in panels of " + panel).isLessThanOrEqualTo(1);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(50_000);
    }
}
