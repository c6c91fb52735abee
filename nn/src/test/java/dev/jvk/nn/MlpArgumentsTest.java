package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public Mlp calls as a user makes them: a bad argument is refused by name before the model changes. */
class MlpArgumentsTest {
    private static List<float[]> weights(Mlp mlp) {
        List<float[]> copy = new ArrayList<>();
        for (Parameter p : mlp.parameters()) {
            copy.add(p.value().clone());
        }
        return copy;
    }

    private static void assertUnchanged(Mlp mlp, List<float[]> before) {
        List<Parameter> now = mlp.parameters();
        for (int i = 0; i < now.size(); i++) {
            assertThat(now.get(i).value()).as(now.get(i).name()).isEqualTo(before.get(i));
        }
    }

    @Test
    void a_null_argument_is_refused_by_its_name_not_by_a_dereference_deep_inside() {
        Mlp mlp = Mlp.classifier(2, new int[] {4}, Activation.RELU, 3, 1);
        Trainer trainer = new Trainer(Trainer.Config.builder().epochs(1).build());
        dev.jvk.nn.data.DataSet data = dev.jvk.nn.data.DataSet.of(new float[4], new int[2], 2, 2, 3, "d");
        assertThatThrownBy(() -> Mlp.regressor(2, new int[] {4}, Activation.RELU, 0f, 1, null, 1))
                .isInstanceOf(NullPointerException.class).hasMessage("loss");
        assertThatThrownBy(() -> trainer.fit(null, data, null)).isInstanceOf(NullPointerException.class).hasMessage("mlp");
        assertThatThrownBy(() -> trainer.fit(mlp, null, null)).isInstanceOf(NullPointerException.class).hasMessage("train");
        assertThatThrownBy(() -> mlp.evaluate(null)).isInstanceOf(NullPointerException.class).hasMessage("data");
        assertThatThrownBy(() -> Mlp.load(null)).isInstanceOf(NullPointerException.class).hasMessage("file");
        assertThatThrownBy(() -> mlp.setScaling(null)).isInstanceOf(NullPointerException.class).hasMessage("scaling");
    }

    @Test
    void an_empty_validation_or_test_set_is_refused_before_the_first_step_not_after_the_first_epoch() {
        dev.jvk.nn.data.DataSet train = new dev.jvk.nn.data.SyntheticData(3, 16).sample(100, 0, "train");
        dev.jvk.nn.data.DataSet empty = dev.jvk.nn.data.DataSet.of(new float[0], new int[0], 0, 16, 10, "empty");
        Mlp mlp = Mlp.classifier(16, new int[] {8}, Activation.RELU, 10, 1);
        List<float[]> before = weights(mlp);
        Trainer.Config config = Trainer.Config.builder().epochs(2).batchSize(32).build();
        assertThatThrownBy(() -> new Trainer(config).fit(mlp, train, empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the validation set empty has no rows to evaluate on");
        assertUnchanged(mlp, before);
        assertThatThrownBy(() -> new Trainer(config).testEachEpoch(empty).fit(mlp, train, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the test set empty has no rows to evaluate on");
        assertUnchanged(mlp, before);
    }

    @Test
    void a_dense_or_dropout_layer_given_twice_in_the_list_is_refused_an_activation_layer_may_be_reused() {
        // used twice, one Dense had its gradient overwritten by its second use and its parameters listed (and stepped) twice
        Dense square = new Dense(8, 8).initialise(Init.HE, 3);
        ActivationLayer relu = new ActivationLayer(Activation.RELU, 8);
        Dense out = new Dense(8, 3).initialise(Init.XAVIER, 4);
        assertThatThrownBy(() -> new Mlp(List.of(square, relu, square, out), new SoftmaxCrossEntropy(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("layer 3 (dense 8 -> 8) is layer 1 again");
        Dropout dropout = new Dropout(8, 0.5f, 1);
        Dense second = new Dense(8, 8).initialise(Init.HE, 5);
        assertThatThrownBy(() -> new Mlp(List.of(square, dropout, second, dropout, out), new SoftmaxCrossEntropy(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("layer 4 (" + dropout + ") is layer 2 again");
        Mlp reused = new Mlp(List.of(square, relu, second, relu, out), new SoftmaxCrossEntropy(), null);
        assertThat(reused.parameters()).hasSize(6);
    }

    @Test
    void an_optimizer_over_a_parameter_listed_twice_or_with_an_infinite_epsilon_is_refused_when_made() {
        // listed twice, a parameter was stepped twice per trainStep; an infinite epsilon made every Adam step zero
        Mlp mlp = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1);
        List<Parameter> twice = new ArrayList<>(mlp.parameters());
        twice.addAll(mlp.parameters());
        assertThatThrownBy(() -> OptimizerConfig.sgd().create(twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameters[4] (weights) updates the values of parameters[0] again: each step would move them twice");
        assertThatThrownBy(() -> OptimizerConfig.adam().create(null)).isInstanceOf(NullPointerException.class).hasMessage("parameters");
        assertThatThrownBy(() -> new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0f, false, 0f, 0.9f, 0.999f, Float.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("epsilon must be > 0 and finite, got Infinity");
    }

    @Test
    void class_names_given_twice_are_refused_since_a_label_would_name_two_classes() {
        Mlp mlp = Mlp.classifier(2, new int[] {4}, Activation.RELU, 3, 1);
        assertThatThrownBy(() -> mlp.setMetadata(new ModelMetadata(ModelMetadata.CLASSIFICATION, List.of("cat", "dog", "cat"), List.of(), List.of(), -1,
                new float[0], new float[0]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("class names must be distinct: 'cat' names classes 0 and 2");
        assertThat(mlp.metadata().classNames()).as("unchanged").isEmpty();
        mlp.setMetadata(new ModelMetadata(ModelMetadata.CLASSIFICATION, List.of("cat", "dog", "Cat"), List.of(), List.of(), -1, new float[0], new float[0]));
        assertThat(mlp.metadata().classNames()).containsExactly("cat", "dog", "Cat");
    }

    @Test
    void a_learning_rate_that_is_nan_infinite_or_negative_is_refused_and_the_weights_stay() {
        for (OptimizerConfig config : List.of(OptimizerConfig.adam(), OptimizerConfig.sgdWithMomentum(0.9f, false, 0f))) {
            for (float lr : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.01f}) {
                Mlp mlp = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1);
                Optimizer optimizer = config.create(mlp.parameters());
                List<float[]> before = weights(mlp);
                assertThatThrownBy(() -> mlp.trainStep(new float[] {1, 2, 3, 4}, new int[] {2}, 1, optimizer, lr))
                        .as("lr %s", lr).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("learningRate must be finite and >= 0, got " + lr);
                assertUnchanged(mlp, before);

                Mlp regressor = Mlp.regressor(4, new int[] {8}, Activation.RELU, 0f, 2, new MeanSquaredError(), 1);
                Optimizer its = config.create(regressor.parameters());
                List<float[]> itsBefore = weights(regressor);
                assertThatThrownBy(() -> regressor.trainStep(new float[] {1, 2, 3, 4}, new float[] {1, 2}, 1, its, lr))
                        .as("lr %s", lr).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("learningRate must be finite and >= 0, got " + lr);
                assertUnchanged(regressor, itsBefore);
            }
        }
    }

    @Test
    void a_learning_rate_of_zero_is_a_step_that_changes_nothing() {
        Mlp mlp = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1);
        Optimizer optimizer = OptimizerConfig.sgd().create(mlp.parameters());
        List<float[]> before = weights(mlp);
        assertThat(mlp.trainStep(new float[] {1, 2, 3, 4}, new int[] {2}, 1, optimizer, 0f)).isFinite();
        assertUnchanged(mlp, before);
    }

    @Test
    void another_models_optimizer_is_refused_and_neither_model_changes() {
        Mlp mine = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1);
        Mlp other = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 2);
        Optimizer others = OptimizerConfig.adam().create(other.parameters());
        List<float[]> mineBefore = weights(mine);
        List<float[]> otherBefore = weights(other);
        assertThatThrownBy(() -> mine.trainStep(new float[] {1, 2, 3, 4}, new int[] {2}, 1, others, 0.01f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not this model's");
        assertUnchanged(mine, mineBefore);
        assertUnchanged(other, otherBefore);
    }

    @Test
    void an_optimizer_of_some_of_the_models_parameters_trains_those_alone() {
        Mlp mlp = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1);
        List<Parameter> last = mlp.layers().getLast().parameters();
        Optimizer optimizer = OptimizerConfig.sgd().create(last);
        List<float[]> before = weights(mlp);
        mlp.trainStep(new float[] {1, 2, 3, 4}, new int[] {2}, 1, optimizer, 0.1f);
        List<Parameter> now = mlp.parameters();
        for (int i = 0; i < now.size(); i++) {
            float[] value = now.get(i).value();
            boolean trained = last.stream().anyMatch(p -> p.value() == value);
            if (trained) {
                assertThat(now.get(i).value()).as(now.get(i).name()).isNotEqualTo(before.get(i));
            } else {
                assertThat(now.get(i).value()).as(now.get(i).name()).isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void a_dropout_rate_outside_zero_to_one_is_refused_not_ignored() {
        for (float rate : new float[] {Float.NaN, -0.1f, 1f, Float.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Mlp.classifier(4, new int[] {8}, Activation.RELU, rate, 3, 1))
                    .as("rate %s", rate).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dropout rate must be in [0, 1), got " + rate);
            assertThatThrownBy(() -> Mlp.regressor(4, new int[] {8}, Activation.RELU, rate, 1, new MeanSquaredError(), 1))
                    .as("rate %s", rate).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dropout rate must be in [0, 1), got " + rate);
        }
        assertThat(Mlp.classifier(4, new int[] {8}, Activation.RELU, 0f, 3, 1).layers()).noneMatch(l -> l instanceof Dropout);
    }

    @Test
    void null_hidden_sizes_or_activation_are_named() {
        assertThatThrownBy(() -> Mlp.classifier(4, null, Activation.RELU, 3, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("hidden");
        assertThatThrownBy(() -> Mlp.classifier(4, new int[] {8}, null, 3, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("activation");
    }

    @Test
    void predicting_more_rows_than_x_holds_is_an_illegal_argument_even_past_the_int_range() {
        Mlp mlp = Mlp.classifier(4, new int[] {8}, Activation.RELU, 3, 1);
        assertThatThrownBy(() -> mlp.predict(new float[4], Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x has 4 values, " + Integer.MAX_VALUE + " rows of 4 features need " + 4L * Integer.MAX_VALUE);
        assertThatThrownBy(() -> mlp.predictClasses(new float[4], Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mlp.predict(null, 1)).isInstanceOf(NullPointerException.class).hasMessage("x");
        assertThatThrownBy(() -> mlp.predict(new float[4], -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows must be >= 0, got -1");
    }
}
