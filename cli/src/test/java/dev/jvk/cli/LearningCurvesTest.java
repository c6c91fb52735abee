package dev.jvk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The axes of the learning-curve picture: never past what a loss, an accuracy or an R^2 can be. */
class LearningCurvesTest {
    static List<LearningCurves.Series> series(Double... values) {
        return List.of(new LearningCurves.Series("s", Color.BLACK, List.of(values)));
    }

    @Test
    void a_loss_axis_stops_at_0_and_an_accuracy_axis_at_0_and_1() {
        // 0.01 - 5% of the range would be below 0; 1.0 + 5% above 1
        assertThat(LearningCurves.range(series(0.01, 2.5), 0, Double.POSITIVE_INFINITY)).containsExactly(0, 2.5 + 0.05 * 2.49);
        assertThat(LearningCurves.range(series(0.6, 1.0), 0, 1)).containsExactly(0.6 - 0.05 * 0.4, 1.0);
        assertThat(LearningCurves.range(series(1.0), 0, 1)).as("accuracy 1 throughout").containsExactly(0.5, 1);
        assertThat(LearningCurves.range(series(0.625), 0, 1)).containsExactly(0.125, 1);
        double[] r2 = LearningCurves.range(series(-0.5, 0.99), Double.NEGATIVE_INFINITY, 1);
        assertThat(r2[0]).isCloseTo(-0.5 - 0.05 * 1.49, Offset.offset(1e-12));
        assertThat(r2[1]).isEqualTo(1);
        assertThat(LearningCurves.range(series(), 0, Double.POSITIVE_INFINITY)).as("nothing to show").containsExactly(0, 1);
    }

    @Test
    void epoch_labels_come_at_round_steps_about_ten_of_them() {
        assertThat(LearningCurves.tickStep(1)).isEqualTo(1);
        assertThat(LearningCurves.tickStep(10)).isEqualTo(1);
        assertThat(LearningCurves.tickStep(11)).isEqualTo(2);
        assertThat(LearningCurves.tickStep(25)).isEqualTo(5);
        assertThat(LearningCurves.tickStep(300)).isEqualTo(50);
        assertThat(LearningCurves.tickStep(1000)).isEqualTo(100);
    }
}
