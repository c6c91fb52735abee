package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Scaling is fitted on training data only and applied unchanged elsewhere. */
class FeatureScalingTest {
    static DataSet data(float... values) {
        int rows = values.length / 2;
        return new DataSet(values, new int[rows], rows, 2, 1, "d");
    }

    @Test
    void min_max_maps_the_training_range_to_the_unit_interval_and_constants_to_zero() {
        DataSet train = data(0, 5, 10, 5, 5, 5);
        FeatureScaling s = FeatureScaling.fit(FeatureScaling.Kind.MIN_MAX, train);
        s.applyTo(train);
        assertThat(train.features()).containsExactly(0f, 0f, 1f, 0f, 0.5f, 0f);
        DataSet test = data(20, 7);
        s.applyTo(test);
        assertThat(test.features()).containsExactly(2f, 2f);   // fitted on training data, not refitted: outside [0, 1] is fine
    }

    @Test
    void a_value_that_is_not_finite_is_refused_at_fit_time_naming_its_row_and_feature() {
        for (FeatureScaling.Kind kind : FeatureScaling.Kind.values()) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                DataSet train = data(1, 2, 3, bad, 5, 6);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureScaling.fit(kind, train)).isInstanceOf(DataException.class)
                        .hasMessage("d row 2, feature 2: " + bad + " is not a finite number, the scaling cannot be fitted"
                                + " (fill missing values first: CsvTable.fillMissing, or train's --missing mean|zero)");
            }
        }
    }

    @Test
    void values_whose_distance_from_the_shift_overflows_float_are_refused_at_fit_time_not_left_to_become_infinite() {
        // finite values, but 3e38 lies 4e38 from the mean of -1e38: (x - shift) * scale would be Infinity in float
        for (FeatureScaling.Kind kind : new FeatureScaling.Kind[] {FeatureScaling.Kind.STANDARD, FeatureScaling.Kind.MIN_MAX}) {
            DataSet train = data(1, 3e38f, 2, -3e38f, 3, -3e38f);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureScaling.fit(kind, train)).isInstanceOf(DataException.class)
                    .hasMessageStartingWith("d row 1, feature 2: 3.0E38 lies more than float's range "
                            + "(3.4e38) from the feature's " + (kind == FeatureScaling.Kind.STANDARD ? "mean" : "minimum"));
            // within reach, the same spread of signs scales to finite values
            DataSet fine = data(1, 1e38f, 2, -1e38f, 3, -1e38f);
            FeatureScaling s = FeatureScaling.fit(kind, fine);
            s.applyTo(fine);
            for (float v : fine.features()) {
                assertThat(Float.isFinite(v)).as(kind + ": " + java.util.Arrays.toString(fine.features())).isTrue();
            }
        }
    }

    @Test
    void standardising_gives_mean_zero_and_unit_deviation_on_the_training_data() {
        DataSet train = data(1, 100, 2, 100, 3, 100, 4, 100);
        FeatureScaling s = FeatureScaling.fit(FeatureScaling.Kind.STANDARD, train);
        s.applyTo(train);
        float[] x = train.features();
        double mean = (x[0] + x[2] + x[4] + x[6]) / 4.0;
        double var = (x[0] * x[0] + x[2] * x[2] + x[4] * x[4] + x[6] * x[6]) / 4.0 - mean * mean;
        assertThat(mean).isCloseTo(0, within(1e-6));
        assertThat(var).isCloseTo(1, within(1e-5));
        assertThat(x[1]).isZero();
    }

    @Test
    void auto_leaves_features_of_order_one_and_comparable_spread_and_standardises_the_others() {
        // a row of each iris species and a fourth: lengths in cm, spreads 0.4 to 1.7
        DataSet iris = new DataSet(new float[] {5.1f, 3.5f, 1.4f, 0.2f, 7.0f, 3.2f, 4.7f, 1.4f, 6.3f, 3.3f, 6.0f, 2.5f, 4.9f, 2.5f, 4.5f, 1.7f},
                new int[4], 4, 4, 3, "iris");
        assertThat(FeatureScaling.chooseFor(iris)).isEqualTo(FeatureScaling.Kind.NONE);
        assertThat(FeatureScaling.chooseFor(data(0.5f, 1, -0.5f, 1, 0.1f, 1))).as("a constant feature does not count").isEqualTo(FeatureScaling.Kind.NONE);
        assertThat(FeatureScaling.chooseFor(data(0.5f, 10.5f, -0.5f, 3))).as("a value beyond 10").isEqualTo(FeatureScaling.Kind.STANDARD);
        assertThat(FeatureScaling.chooseFor(data(0.5f, -10.5f, -0.5f, 3))).as("a value beyond -10").isEqualTo(FeatureScaling.Kind.STANDARD);
        // spreads 0.01 and 2: a factor of 200
        assertThat(FeatureScaling.chooseFor(data(0.01f, 2, -0.01f, -2))).isEqualTo(FeatureScaling.Kind.STANDARD);
        // spreads 0.2 and 2: a factor of 10 exactly
        assertThat(FeatureScaling.chooseFor(data(0.2f, 2, -0.2f, -2))).isEqualTo(FeatureScaling.Kind.NONE);
        assertThat(FeatureScaling.chooseFor(data(Float.NaN, 1, 0, 2))).as("NaN is not of order one").isEqualTo(FeatureScaling.Kind.STANDARD);
    }

    @Test
    void features_in_tiny_units_are_standardised_not_taken_for_constants() {
        // iris's four lengths in hundreds of kilometres (1e-7 of a cm): the same flowers, the same spreads relative to each other
        float[] cm = {5.1f, 3.5f, 1.4f, 0.2f, 7.0f, 3.2f, 4.7f, 1.4f, 6.3f, 3.3f, 6.0f, 2.5f, 4.9f, 2.5f, 4.5f, 1.7f};
        float[] tiny = cm.clone();
        for (int i = 0; i < tiny.length; i++) {
            tiny[i] *= 1e-7f;
        }
        DataSet iris = new DataSet(tiny, new int[4], 4, 4, 3, "iris in 100 km");
        assertThat(FeatureScaling.chooseFor(iris)).as("spreads of 1e-7 are not of order one: left unscaled, no feature can move a unit")
                .isEqualTo(FeatureScaling.Kind.STANDARD);
        FeatureScaling s = FeatureScaling.fit(FeatureScaling.Kind.STANDARD, iris);
        s.applyTo(iris);
        for (int c = 0; c < 4; c++) {
            double mean = 0;
            double sq = 0;
            for (int r = 0; r < 4; r++) {
                mean += iris.features()[r * 4 + c] / 4.0;
            }
            for (int r = 0; r < 4; r++) {
                double d = iris.features()[r * 4 + c] - mean;
                sq += d * d / 4;
            }
            assertThat(mean).as("feature %d's mean", c).isCloseTo(0, within(1e-5));
            assertThat(sq).as("feature %d's variance", c).isCloseTo(1, within(1e-4));
        }
        // one feature in tiny units beside one of order one: its spread is 1e-13 of the other's, and it is a feature all the same
        DataSet mixed = data(1e-13f, 1, 3e-13f, -1, 2e-13f, 0.5f);
        assertThat(FeatureScaling.chooseFor(mixed)).isEqualTo(FeatureScaling.Kind.STANDARD);
        FeatureScaling m = FeatureScaling.fit(FeatureScaling.Kind.STANDARD, mixed);
        m.applyTo(mixed);
        assertThat(mixed.features()[0]).isCloseTo(-1.2247449f, within(1e-5f));
        assertThat(mixed.features()[2]).isCloseTo(1.2247449f, within(1e-5f));
        assertThat(mixed.features()[4]).isCloseTo(0f, within(1e-5f));
        // a constant column stays a constant 0, whatever its value, and still does not count in auto's choice
        DataSet constant = data(0.5f, 0.1f, -0.5f, 0.1f, 0.2f, 0.1f);
        assertThat(FeatureScaling.chooseFor(constant)).isEqualTo(FeatureScaling.Kind.NONE);
        FeatureScaling c = FeatureScaling.fit(FeatureScaling.Kind.STANDARD, constant);
        assertThat(c.scale()[1]).isEqualTo(1f);
        c.applyTo(constant);
        assertThat(constant.features()[1]).isZero();
        assertThat(constant.features()[3]).isZero();
    }

    @Test
    void the_synthetic_set_is_seeded_and_balanced() {
        DataSet a = new SyntheticData(3).sample(5000, 0, "a");
        DataSet b = new SyntheticData(3).sample(5000, 0, "b");
        DataSet other = new SyntheticData(3).sample(5000, 1, "c");
        // Arrays.equals: AssertJ's element-by-element report is slow on 320,000 values
        assertThat(java.util.Arrays.equals(a.features(), b.features())).isTrue();
        assertThat(java.util.Arrays.equals(a.labels(), b.labels())).isTrue();
        assertThat(java.util.Arrays.equals(other.features(), a.features())).isFalse();
        for (int count : a.classCounts()) {
            assertThat(count).isBetween(400, 600);
        }
    }

    @Test
    void a_range_of_features_is_scaled_as_the_whole_row_scales_it_and_a_range_past_the_features_is_refused() {
        DataSet train = data(0, 5, 10, 15, 4, 9);
        FeatureScaling s = FeatureScaling.fit(FeatureScaling.Kind.MIN_MAX, train);
        float[] whole = {2, 7, 8, 11};
        s.apply(whole, 0, 2);
        float[] second = {2, 7, 8, 11};
        s.apply(second, 0, 2, 1, 1);
        assertThat(second).containsExactly(2f, whole[1], 8f, whole[3]);   // the first feature untouched
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.apply(second, 0, 2, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within the 2 features");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.apply(second, 0, 2, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(second).containsExactly(2f, whole[1], 8f, whole[3]);   // nothing written by a refused call
    }

    @Test
    void a_row_copied_scaled_holds_what_a_copy_then_apply_gives_and_a_refused_range_writes_nothing() {
        DataSet train = data(0, 5, 10, 15, 4, 9);
        for (FeatureScaling.Kind kind : new FeatureScaling.Kind[] {FeatureScaling.Kind.MIN_MAX, FeatureScaling.Kind.STANDARD, FeatureScaling.Kind.NONE}) {
            FeatureScaling s = kind == FeatureScaling.Kind.NONE ? FeatureScaling.none(2) : FeatureScaling.fit(kind, train);
            float[] source = {-1, 3, 7, 12};   // the second row: 7, 12
            float[] expected = {7, 12};
            s.apply(expected, 0, 1);
            float[] x = {99, 99, 99};
            s.copyScaled(source, 2, x, 1, 0, 2);
            assertThat(x).as(kind.toString()).containsExactly(99f, expected[0], expected[1]);
            float[] feature = {99, 99};
            s.copyScaled(source, 3, feature, 0, 1, 1);
            assertThat(feature).as(kind.toString()).containsExactly(expected[1], 99f);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.copyScaled(source, 2, feature, 0, 1, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within the 2 features");
            assertThat(feature).containsExactly(expected[1], 99f);
        }
    }

    @Test
    void applying_to_rows_past_the_end_of_x_scales_nothing_and_names_x() {
        FeatureScaling standard = new FeatureScaling(FeatureScaling.Kind.STANDARD, new float[] {1, 1}, new float[] {2, 2});
        float[] x = {1, 2, 3, 4, 5};
        // two rows and a half: the first two used to be scaled before the third failed
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> standard.apply(x, 3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("x is too short: rows [0, 3) of 2 features need 6 values, it has 5");
        assertThat(x).containsExactly(1, 2, 3, 4, 5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> standard.apply(x, 2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fromRow and rows must be >= 0, got 2 and -1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureScaling.none(2).apply(x, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FeatureScaling(FeatureScaling.Kind.STANDARD, null, new float[1]))
                .isInstanceOf(NullPointerException.class).hasMessage("shift");
        standard.apply(x, 2);
        assertThat(x).containsExactly(0, 2, 4, 6, 5);
    }

    @Test
    void none_with_the_arrays_of_another_map_is_refused_not_ignored() {
        assertThatThrownBy(() -> new FeatureScaling(FeatureScaling.Kind.NONE, new float[] {0, 2}, new float[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kind NONE is the identity, but shift[1] = 2.0 and scale[1] = 1.0 (expected 0 and 1; give MIN_MAX or STANDARD for another map)");
        assertThatThrownBy(() -> new FeatureScaling(FeatureScaling.Kind.NONE, new float[] {0}, new float[] {0.5f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale[0] = 0.5");
        // the identity's own arrays, as none() and a model file's NONE give them, are what NONE means
        FeatureScaling identity = new FeatureScaling(FeatureScaling.Kind.NONE, new float[] {0, -0f}, new float[] {1, 1});
        float[] x = {3, 4};
        identity.apply(x, 1);
        assertThat(x).containsExactly(3f, 4f);
    }
}
