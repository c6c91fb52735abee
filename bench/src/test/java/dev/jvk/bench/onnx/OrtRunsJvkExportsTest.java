package dev.jvk.bench.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jvk.nn.Activation;
import dev.jvk.nn.ActivationLayer;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.data.CsvReader;
import dev.jvk.nn.data.CsvTable;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.FeatureScaling;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.onnx.OnnxModel;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that jvk's ONNX files run elsewhere: models jvk trains, exported and run in ONNX Runtime,
 * give jvk's outputs within float tolerance, for every activation, scaling and both losses.
 */
class OrtRunsJvkExportsTest {
    @TempDir
    Path dir;

    static final int FEATURES = 20;

    static float[] ort(Path file, float[] x, int rows, int features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(file.toString(), options);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, rows * features), new long[] {rows, features});
                 OrtSession.Result result = session.run(Map.of("input", in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer b = out.getFloatBuffer();
                float[] y = new float[b.remaining()];
                b.get(y);
                return y;
            }
        }
    }

    /** Within 1e-5 relative, or a few float ulps of the output's scale in absolute terms. */
    static void assertWithinFloat(float[] ort, float[] jvk, String what) {
        assertThat(ort).as(what).hasSize(jvk.length);
        float scale = 0;
        for (float v : jvk) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < jvk.length; i++) {
            double tolerance = Math.max(1e-5 * Math.abs(jvk[i]), 4 * Math.ulp(Math.max(scale, 1f)));
            assertThat((double) ort[i]).as("%s, output %d", what, i).isCloseTo(jvk[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void trained_models_of_every_activation_and_scaling_run_in_onnx_runtime_as_in_jvk() throws IOException, OrtException {
        SyntheticData problem = new SyntheticData(3, FEATURES);
        DataSet train = problem.sample(400, 0, "train");
        DataSet test = problem.sample(100, 1, "test");
        float[] x = problem.sample(64, 2, "x").features();
        int checked = 0;
        for (Activation activation : Activation.values()) {
            for (FeatureScaling.Kind kind : FeatureScaling.Kind.values()) {
                Mlp mlp = Mlp.classifier(FEATURES, new int[] {16, 12}, activation, train.classes(), 5);
                mlp.setScaling(FeatureScaling.fit(kind, train));
                new Trainer(new Trainer.Config(2, 32, 7, OptimizerConfig.adam(), LearningRateSchedule.cosine(1e-2f, 0f))).fit(mlp, train, test);
                for (int opset : new int[] {17, 20}) {
                    Path file = dir.resolve(activation + "-" + kind + "-" + opset + ".onnx");
                    OnnxModel.export(mlp, file, List.of(), opset);
                    String what = activation + " " + kind + " opset " + opset;
                    assertWithinFloat(ort(file, x, 64, FEATURES), mlp.predict(x, 64), what);
                    assertWithinFloat(ort(file, x, 1, FEATURES), mlp.predict(x, 1), what + " batch 1");
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(Activation.values().length * 3 * 2);
    }

    @Test
    void a_regression_model_without_softmax() throws IOException, OrtException {
        Mlp donor = Mlp.classifier(FEATURES, new int[] {8}, Activation.TANH, 3, 9);
        List<Layer> layers = new ArrayList<>(donor.layers());
        for (Layer l : layers) {
            if (l instanceof Dense d) {
                d.bias()[0] = 0.5f;
            }
        }
        Mlp mlp = new Mlp(layers, Loss.named("mse"), null);
        Path file = dir.resolve("mse.onnx");
        OnnxModel.export(mlp, file);
        float[] x = new SyntheticData(3, FEATURES).sample(32, 4, "x").features();
        assertWithinFloat(ort(file, x, 32, FEATURES), mlp.predict(x, 32), "mse");

        // trained on standardised targets (./jvk train --task regression): predict maps the outputs back, so must the graph
        Mlp standardised = new Mlp(layers, Loss.named("mse"), null, new dev.jvk.nn.ModelMetadata(dev.jvk.nn.ModelMetadata.REGRESSION,
                List.of(), List.of(), List.of(), -1, new float[] {150f, -3f, 0.25f}, new float[] {80f, 2f, 0.5f}));
        Path mapped = dir.resolve("mse-standardised.onnx");
        OnnxModel.export(standardised, mapped);
        assertWithinFloat(ort(mapped, x, 32, FEATURES), standardised.predict(x, 32), "mse on standardised targets");
    }

    @Test
    void missing_values_as_nan_get_the_training_means_as_jvks_predict_fills_missing_cells() throws IOException, OrtException {
        SyntheticData problem = new SyntheticData(3, FEATURES);
        DataSet train = problem.sample(400, 0, "train");
        Mlp mlp = Mlp.classifier(FEATURES, new int[] {16}, Activation.RELU, train.classes(), 5);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, train));
        float[] means = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            means[j] = 0.375f * j - 2.5f;   // far from what a zero or the scaling's shift would give
        }
        Mlp withMeans = new Mlp(mlp.layers(), mlp.loss(), mlp.scaling(), mlp.metadata().withMissingValueMeans(means));
        Path file = dir.resolve("means.onnx");
        OnnxModel.export(withMeans, file);

        // rows with empty cells, filled as ./jvk predict --missing mean fills them: the file read, then the model's means
        int rows = 6;
        float[] x = problem.sample(rows, 2, "x").features();
        float[] withNan = x.clone();
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < FEATURES; j++) {
                boolean missing = (r + j) % 5 == 0 || r == rows - 1;   // the last row wholly missing
                if (missing) {
                    withNan[r * FEATURES + j] = Float.NaN;
                }
                csv.append(missing ? "" : Float.toString(x[r * FEATURES + j])).append(',');
            }
            csv.append("0\n");
        }
        Path data = java.nio.file.Files.writeString(dir.resolve("rows.csv"), csv);
        CsvTable table = CsvReader.read(data, CsvReader.Format.CSV, List.of(Integer.toString(FEATURES)), CsvReader.Missing.MEAN);
        table.fillMissing(CsvReader.Missing.MEAN, means);
        float[] filled = table.features();
        assertThat(filled[FEATURES * (rows - 1) + 3]).isEqualTo(means[3]);

        float[] fromNan = ort(file, withNan, rows, FEATURES);
        assertThat(fromNan).doesNotContain(Float.NaN);
        // Where copies the mean: ONNX Runtime's answer on the NaN rows is bitwise its answer on the rows jvk filled
        assertThat(bits(fromNan)).isEqualTo(bits(ort(file, filled, rows, FEATURES)));
        assertWithinFloat(fromNan, withMeans.predict(filled, rows), "NaN rows filled with the training means");
    }

    static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }

    @Test
    void class_names_are_in_the_metadata_onnx_runtime_reads() throws IOException, OrtException {
        Mlp mlp = Mlp.classifier(FEATURES, new int[] {8}, Activation.RELU, 3, 9);
        Path file = dir.resolve("named.onnx");
        OnnxModel.export(mlp, file, List.of("setosa", "versicolor", "virginica"), 17);
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString())) {
            Map<String, String> custom = session.getMetadata().getCustomMetadata();
            assertThat(custom).containsEntry("class_names", "[\"setosa\",\"versicolor\",\"virginica\"]");
            assertThat(session.getMetadata().getProducerName()).isEqualTo("jvk");
        }
    }
    @Test
    void quantized_int8_and_bf16_models_and_a_leaky_relu_of_another_slope_run_in_onnx_runtime_as_in_jvk() throws IOException, OrtException {
        SyntheticData problem = new SyntheticData(3, FEATURES);
        DataSet train = problem.sample(400, 0, "train");
        float[] x = problem.sample(64, 2, "x").features();
        Mlp mlp = Mlp.classifier(FEATURES, new int[] {16, 12}, Activation.RELU, train.classes(), 5);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, train));
        new Trainer(new Trainer.Config(2, 32, 7, OptimizerConfig.adam(), LearningRateSchedule.cosine(1e-2f, 0f))).fit(mlp, train, null);
        for (QuantizedDense.Format format : List.of(QuantizedDense.Format.INT8, QuantizedDense.Format.BF16)) {
            Mlp quantized = Compression.quantize(mlp, format);
            Path file = dir.resolve(format.cliName() + ".onnx");
            OnnxModel.export(quantized, file);
            assertWithinFloat(ort(file, x, 64, FEATURES), quantized.predict(x, 64), format.cliName());
            assertWithinFloat(ort(file, x, 1, FEATURES), quantized.predict(x, 1), format.cliName() + " batch 1");
        }
        List<Layer> layers = new ArrayList<>(mlp.layers());
        layers.set(1, ActivationLayer.leakyRelu(-0.3f, layers.get(1).outputSize()));
        Mlp leaky = new Mlp(layers, mlp.loss(), mlp.scaling());
        Path file = dir.resolve("leaky.onnx");
        OnnxModel.export(leaky, file);
        assertWithinFloat(ort(file, x, 64, FEATURES), leaky.predict(x, 64), "leaky relu of slope -0.3");
    }

    static Mlp dynamicModel(DataSet train, int[] hidden, Activation activation) {
        Mlp mlp = Mlp.classifier(FEATURES, hidden, activation, train.classes(), 5);
        mlp.setScaling(FeatureScaling.fit(FeatureScaling.Kind.STANDARD, train));
        new Trainer(new Trainer.Config(2, 32, 7, OptimizerConfig.adam(), LearningRateSchedule.cosine(1e-2f, 0f))).fit(mlp, train, null);
        return Compression.quantize(mlp, QuantizedDense.Format.INT8_DYNAMIC);
    }

    /** 64 rows of inputs, one all zeros (scale 1 in jvk, its first layer's outputs the bias) and one 1e4 times the data's range. */
    static float[] dynamicInputs(SyntheticData problem) {
        float[] x = problem.sample(64, 2, "x").features();
        java.util.Arrays.fill(x, 5 * FEATURES, 6 * FEATURES, 0f);
        for (int i = 7 * FEATURES; i < 8 * FEATURES; i++) {
            x[i] *= 1e4f;
        }
        return x;
    }

    /**
     * An int8-dynamic model's graph quantizes each input row as jvk does, so ONNX Runtime computes jvk's numbers: with
     * (leaky) ReLU, exact in both, a regressor's outputs bitwise (every layer has fewer than 1,041 inputs, where the
     * float Gemm's integer sums are exact) and a classifier's within float tolerance (ORT's softmax is its own); at
     * batch 1 (jvk's GEMV path) and 64 (its int8 GEMM), at the opsets either side of ReduceMax's change (axes an
     * attribute to 17, an input from 18).
     */
    @Test
    void int8_dynamic_models_run_in_onnx_runtime_bitwise_as_jvk_quantizes_them() throws IOException, OrtException {
        SyntheticData problem = new SyntheticData(3, FEATURES);
        DataSet train = problem.sample(400, 0, "train");
        float[] x = dynamicInputs(problem);
        int checked = 0;
        for (Activation activation : List.of(Activation.RELU, Activation.LEAKY_RELU)) {
            Mlp classifier = dynamicModel(train, new int[] {16, 12}, activation);
            Mlp regressor = new Mlp(classifier.layers(), Loss.named("mse"), classifier.scaling());
            for (int opset : new int[] {13, 17, 18, 20}) {
                String what = activation + " int8-dynamic opset " + opset;
                Path file = dir.resolve("dynamic-" + activation + "-" + opset + ".onnx");
                OnnxModel.export(classifier, file, List.of(), opset);
                assertWithinFloat(ort(file, x, 64, FEATURES), classifier.predict(x, 64), what);
                assertWithinFloat(ort(file, x, 1, FEATURES), classifier.predict(x, 1), what + " batch 1");
                Path raw = dir.resolve("dynamic-mse-" + activation + "-" + opset + ".onnx");
                OnnxModel.export(regressor, raw, List.of(), opset);
                assertThat(ort(raw, x, 64, FEATURES)).as(what + " regressor").containsExactly(regressor.predict(x, 64));
                for (int r : new int[] {0, 5, 7}) {
                    float[] row = java.util.Arrays.copyOfRange(x, r * FEATURES, (r + 1) * FEATURES);
                    assertThat(ort(raw, row, 1, FEATURES)).as(what + " regressor, row %d alone", r).containsExactly(regressor.predict(row, 1));
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(8);
    }

    /**
     * After an activation that ONNX Runtime computes within a few ulps of jvk (both GELUs, tanh, sigmoid, SiLU), the next
     * layer's row scale can differ by an ulp and a quotient that lies that close to k + 1/2 rounds to the other integer:
     * each int8 input moves by at most one step, so output j of row r is within {@code t_r s_j sum_i |Q_ji|} (t_r the
     * row's scale, s_j and Q_j the unit's scale and int8 weights) plus 2^-22 relative of jvk's. One hidden layer, so
     * the first layer (after jvk's own scaling, bitwise in both) is the same in both and the bound is that of the second.
     */
    @Test
    void int8_dynamic_after_a_transcendental_activation_is_within_one_int8_step_per_input() throws IOException, OrtException {
        SyntheticData problem = new SyntheticData(3, FEATURES);
        DataSet train = problem.sample(400, 0, "train");
        float[] x = dynamicInputs(problem);
        int checked = 0;
        for (Activation activation : List.of(Activation.GELU, Activation.GELU_TANH, Activation.TANH, Activation.SIGMOID, Activation.SILU)) {
            Mlp quantized = dynamicModel(train, new int[] {16}, activation);
            Mlp regressor = new Mlp(quantized.layers(), Loss.named("mse"), quantized.scaling());
            Mlp hidden = new Mlp(quantized.layers().subList(0, 2), Loss.named("mse"), quantized.scaling());
            QuantizedDense last = (QuantizedDense) quantized.layers().get(2);
            int units = last.outputSize();
            int in = last.inputSize();
            float[] h = hidden.predict(x, 64);
            float[] jvk = regressor.predict(x, 64);
            for (int opset : new int[] {17, 20}) {
                Path raw = dir.resolve("dynamic-mse-" + activation + "-" + opset + ".onnx");
                OnnxModel.export(regressor, raw, List.of(), opset);
                float[] got = ort(raw, x, 64, FEATURES);
                for (int r = 0; r < 64; r++) {
                    double max = 0;
                    for (int i = 0; i < in; i++) {
                        max = Math.max(max, Math.abs(h[r * in + i]));
                    }
                    double t = max / 127;
                    for (int j = 0; j < units; j++) {
                        double steps = 0;
                        for (int i = 0; i < in; i++) {
                            steps += Math.abs(last.int8Weights()[j * in + i]);
                        }
                        double y = jvk[r * units + j];
                        double bound = t * 1.000001 * last.scales()[j] * steps + 0x1p-22 * Math.abs(y) + 4 * Math.ulp((float) y);
                        assertThat((double) got[r * units + j]).as("%s opset %d row %d output %d", activation, opset, r, j)
                                .isCloseTo(y, org.assertj.core.data.Offset.offset(bound));
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(10);
    }
}
