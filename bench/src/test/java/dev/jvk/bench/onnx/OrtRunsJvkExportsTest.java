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
        // int8-dynamic is refused by the export (OnnxExportTest): ONNX's DynamicQuantizeLinear rounds otherwise
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
}
