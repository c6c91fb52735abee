package dev.jvk.spark;

import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.Trainer;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.SyntheticData;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.OptimizerConfig;
import java.util.Locale;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Wall-clock figures behind bench/RESULTS-spark.md (not a test: run it alone, with nothing else on the machine).
 * Part 1, training: jvk's two aggregations on 1, 2 and 4 partitions against jvk on one machine and
 * MLlib's MultilayerPerceptronClassifier, on the synthetic set. Part 2, scoring: rows/s of
 * transform for jvk's and MLlib's models of the same layers, and of Mlp.predict on one machine.
 *
 * <pre>
 * java $(spark test flags) -cp ... dev.jvk.spark.SparkTimings [trainRows] [scoreRows] [repeats]
 * </pre>
 */
public final class SparkTimings {
    private SparkTimings() {}

    public static void main(String[] args) {
        int trainRows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int scoreRows = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean training = args.length <= 3 || !args[3].equals("score-only");
        int features = 64;
        int[] layers = {features, 128, 10};
        int epochs = 5;
        SyntheticData problem = new SyntheticData(11, features);
        DataSet train = problem.sample(trainRows, 0, "train");
        DataSet test = problem.sample(10_000, 1, "test");
        LocalSpark.session();
        System.out.printf(Locale.ROOT, "training: %d rows x %d features, layers 64-128-10, %d epochs, batch 128, Adam 3e-3 cosine%n", trainRows, features, epochs);

        long t0 = System.nanoTime();
        Mlp single = Mlp.classifier(features, new int[] {128}, Activation.RELU, 10, 42);
        new Trainer(new Trainer.Config(epochs, 128, 42, OptimizerConfig.adam(), LearningRateSchedule.cosine(3e-3f, 0f))).fit(single, train, null);
        System.out.printf(Locale.ROOT, "| jvk, one machine (Trainer, 1 thread) | - | %.4f | %.1f s | - |%n", single.evaluate(test).accuracy(), (System.nanoTime() - t0) / 1e9);

        for (String aggregation : training ? new String[] {"gradients", "parameters"} : new String[0]) {
            for (int partitions : new int[] {1, 2, 4}) {
                Dataset<Row> frame = LocalSpark.frame(train, partitions).cache();
                frame.count();
                long t = System.nanoTime();
                JvkMlpClassificationModel model = new JvkMlpClassifier().setLayers(layers).setMaxIter(epochs).setBlockSize(128)
                        .setStepSize(3e-3).setAggregation(aggregation).fit(frame);
                double seconds = (System.nanoTime() - t) / 1e9;
                System.out.printf(Locale.ROOT, "| jvk-spark %s | %d | %.4f | %.1f s | %d |%n", aggregation, partitions,
                        model.jvkModel().evaluate(test).accuracy(), seconds, model.summary().get().rounds());
                frame.unpersist();
            }
        }
        Dataset<Row> frame = LocalSpark.frame(train, 2).cache();
        frame.count();
        long t = System.nanoTime();
        MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassifier().setLayers(layers).setSeed(42).fit(frame);
        double seconds = (System.nanoTime() - t) / 1e9;
        Dataset<Row> testFrame = LocalSpark.frame(test, 2);
        long correct = mllib.transform(testFrame).filter("prediction = label").count();
        System.out.printf(Locale.ROOT, "| MLlib MultilayerPerceptronClassifier (L-BFGS, maxIter 100) | 2 | %.4f | %.1f s | - |%n", correct / (double) test.rows(), seconds);
        frame.unpersist();

        System.out.printf(Locale.ROOT, "%nscoring: %d rows, layers 64-128-10, 2 partitions, noop sink; best and worst of %d%n", scoreRows, repeats);
        DataSet rows = problem.sample(scoreRows, 2, "score");
        Dataset<Row> scoring = LocalSpark.frame(rows, 2).cache();
        scoring.count();
        JvkMlpClassificationModel jvk = JvkMlpClassificationModel.fromJvkModel(single);
        double[] jvkTimes = new double[repeats];
        double[] mllibTimes = new double[repeats];
        double[] predictTimes = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            jvkTimes[r] = time(() -> jvk.transform(scoring).write().format("noop").mode("overwrite").save());
            mllibTimes[r] = time(() -> mllib.transform(scoring).write().format("noop").mode("overwrite").save());
            dev.jvk.kernels.Gemm.setThreads(2);   // the scoring tasks set 1 per task; one machine gets both cores
            predictTimes[r] = time(() -> single.predict(rows.features(), rows.rows()));
        }
        rate("jvk-spark transform", scoreRows, jvkTimes);
        rate("MLlib transform", scoreRows, mllibTimes);
        rate("Mlp.predict, one machine, 2 GEMM threads", scoreRows, predictTimes);
        LocalSpark.session().stop();
    }

    private static void rate(String what, int rows, double[] seconds) {
        double best = java.util.Arrays.stream(seconds).min().orElseThrow();
        double worst = java.util.Arrays.stream(seconds).max().orElseThrow();
        System.out.printf(Locale.ROOT, "| %s | %.0f rows/s | %.0f rows/s |%n", what, rows / best, rows / worst);
    }

    private static double time(Runnable run) {
        long t = System.nanoTime();
        run.run();
        return (System.nanoTime() - t) / 1e9;
    }
}
