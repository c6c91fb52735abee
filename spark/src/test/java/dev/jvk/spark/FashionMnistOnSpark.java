package dev.jvk.spark;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Kernels;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.data.DataSources;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The targets on Fashion-MNIST in {@code local[2]} (a tool behind bench/RESULTS-spark.md, not a test:
 * run it alone on the machine). Pixels are divided by 255 into one DataFrame of ML vectors that both jvk and
 * MLlib train on, in 2 partitions; test accuracy is {@code transform} on the 10,000 test images.
 *
 * <pre>
 * FashionMnistOnSpark jvk gradients|parameters EPOCHS [BLOCK_SIZE STEP_SIZE LOCAL_STEPS]   # JvkMlpClassifier, 784-256-128-10
 * FashionMnistOnSpark mllib MAX_ITER                                                      # MultilayerPerceptronClassifier, its defaults but maxIter
 * FashionMnistOnSpark score ROWS REPEATS                                                  # transform rows/s: jvk, MLlib, Mlp.predict
 * </pre>
 */
public final class FashionMnistOnSpark {
    static final int[] LAYERS = {784, 256, 128, 10};
    static final int PARTITIONS = 2;

    private FashionMnistOnSpark() {}

    public static void main(String[] args) {
        DataSources.TrainTest data = DataSources.fashionMnist();
        DataSet train = scaled(data.train());
        DataSet test = scaled(data.test());
        SparkSession spark = LocalSpark.session();
        System.out.printf(Locale.ROOT, "%s; Spark %s local[2]; %s; load %s%n", String.join(" ", args), spark.version(), Kernels.info(), load());
        switch (args[0]) {
            case "jvk" -> jvk(args, train, test);
            case "mllib" -> mllib(Integer.parseInt(args[1]), train, test);
            case "score" -> score(Integer.parseInt(args[1]), Integer.parseInt(args[2]), train);
            default -> throw new IllegalArgumentException("first argument: jvk, mllib or score, got " + args[0]);
        }
        System.out.printf(Locale.ROOT, "load at the end %s%n", load());
        spark.stop();
    }

    private static void jvk(String[] args, DataSet train, DataSet test) {
        int epochs = Integer.parseInt(args[2]);
        JvkMlpClassifier classifier = new JvkMlpClassifier().setLayers(LAYERS).setAggregation(args[1]).setMaxIter(epochs);
        if (args.length > 3) {
            classifier.setBlockSize(Integer.parseInt(args[3])).setStepSize(Double.parseDouble(args[4])).setLocalSteps(Integer.parseInt(args[5]));
        }
        Dataset<Row> frame = cached(frame(train, train.rows()));
        long t = System.nanoTime();
        JvkMlpClassificationModel model = classifier.fit(frame);
        double seconds = (System.nanoTime() - t) / 1e9;
        JvkMlpTrainingSummary summary = model.summary().get();
        System.out.printf(Locale.ROOT, "| jvk-spark %s, blockSize %d, stepSize %s, localSteps %d | %d epochs | %.4f | %.1f s | %.2f s | %d | final loss %.4f | %s |%n",
                args[1], classifier.getBlockSize(), classifier.getStepSize(), classifier.getLocalSteps(), epochs, accuracy(model, test), seconds,
                seconds / epochs, summary.rounds(), summary.finalLoss(), summary.executorKernels());
    }

    private static void mllib(int maxIter, DataSet train, DataSet test) {
        Dataset<Row> frame = cached(frame(train, train.rows()));
        long t = System.nanoTime();
        MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier().setLayers(LAYERS).setMaxIter(maxIter).fit(frame);
        double seconds = (System.nanoTime() - t) / 1e9;
        int iterations = model.summary().totalIterations();
        System.out.printf(Locale.ROOT, "| MLlib MultilayerPerceptronClassifier, l-bfgs, maxIter %d | %d iterations | %.4f | %.1f s | %.2f s | final loss %.4f |%n",
                maxIter, iterations, accuracy(model, test), seconds, seconds / Math.max(1, iterations),
                model.summary().objectiveHistory()[model.summary().objectiveHistory().length - 1]);
    }

    /**
     * Rows/s of {@code transform} over {@code rows} rows made on the executors from the 60,000 training images
     * (the source alone is timed too, as the floor under both), and of {@code Mlp.predict} over the same count.
     */
    private static void score(int rows, int repeats, DataSet train) {
        Dataset<Row> source = frame(train, rows);
        Mlp mlp = Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 10, 42);
        JvkMlpClassificationModel jvk = JvkMlpClassificationModel.fromJvkModel(mlp);
        MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassifier().setLayers(LAYERS).setMaxIter(1)
                .fit(cached(frame(train.slice(0, 1000, "fit"), 1000)));
        double[] sourceTimes = new double[repeats];
        double[] jvkTimes = new double[repeats];
        double[] mllibTimes = new double[repeats];
        double[] predictTimes = new double[repeats];
        int chunk = 10_000;
        float[] scores = new float[chunk * 10];
        for (int r = 0; r < repeats; r++) {
            sourceTimes[r] = time(() -> source.write().format("noop").mode("overwrite").save());
            jvkTimes[r] = time(() -> jvk.transform(source).write().format("noop").mode("overwrite").save());
            mllibTimes[r] = time(() -> mllib.transform(source).write().format("noop").mode("overwrite").save());
            Gemm.setThreads(PARTITIONS);   // the scoring tasks take one thread each; one machine gets the same two cores
            predictTimes[r] = time(() -> {
                for (int done = 0; done < rows; done += chunk) {
                    int from = (done % (train.rows() - chunk + 1));
                    mlp.predict(Arrays.copyOfRange(train.features(), from * 784, (from + chunk) * 784), Math.min(chunk, rows - done), scores);
                }
            });
            System.out.printf(Locale.ROOT, "repeat %d: source %.2f s, jvk %.2f s, MLlib %.2f s, Mlp.predict %.2f s%n", r + 1,
                    sourceTimes[r], jvkTimes[r], mllibTimes[r], predictTimes[r]);
        }
        rate("source alone (rows made from the images, noop sink)", rows, sourceTimes);
        rate("jvk-spark JvkMlpClassificationModel.transform", rows, jvkTimes);
        rate("MLlib MultilayerPerceptronClassificationModel.transform", rows, mllibTimes);
        rate("Mlp.predict, one machine, 2 GEMM threads, 10,000-row calls", rows, predictTimes);
    }

    /**
     * {@code rows} rows in {@value #PARTITIONS} partitions, row {@code id} being image {@code id mod data.rows()} of
     * {@code data} as an ML vector with its label. The rows are made on the executors from a broadcast, so a task
     * carries no data (a DataFrame from {@code parallelize} would ship its partition's rows in every task).
     */
    static Dataset<Row> frame(DataSet data, int rows) {
        Broadcast<float[]> pixels = LocalSpark.context().broadcast(data.features());
        Broadcast<int[]> labels = LocalSpark.context().broadcast(data.labels());
        return LocalSpark.session().range(0, rows, 1, PARTITIONS).toDF("id")
                .mapPartitions(new Images(pixels, labels, data.rows()), Encoders.row(LocalSpark.SCHEMA));
    }

    /** Row {@code id} is image {@code id mod images}, as an ML vector, and its label. */
    private record Images(Broadcast<float[]> pixels, Broadcast<int[]> labels, int images) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> ids) {
            float[] x = pixels.value();
            int[] y = labels.value();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return ids.hasNext();
                }

                @Override
                public Row next() {
                    int image = (int) (ids.next().getLong(0) % images);
                    double[] v = new double[784];
                    for (int i = 0; i < 784; i++) {
                        v[i] = x[image * 784 + i];
                    }
                    return RowFactory.create(Vectors.dense(v), (double) y[image]);
                }
            };
        }
    }

    private static double accuracy(Model<?> model, DataSet test) {
        long correct = model.transform(frame(test, test.rows())).filter("prediction = label").count();
        return correct / (double) test.rows();
    }

    private static DataSet scaled(DataSet d) {
        float[] x = d.features().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] /= 255f;
        }
        return DataSet.of(x, d.labels(), d.rows(), d.featureCount(), d.classes(), d.name());
    }

    private static Dataset<Row> cached(Dataset<Row> frame) {
        Dataset<Row> cached = frame.cache();
        cached.count();
        return cached;
    }

    private static void rate(String what, int rows, double[] seconds) {
        double best = Arrays.stream(seconds).min().orElseThrow();
        double worst = Arrays.stream(seconds).max().orElseThrow();
        System.out.printf(Locale.ROOT, "| %s | %.0f rows/s | %.0f rows/s |%n", what, rows / best, rows / worst);
    }

    private static double time(Runnable run) {
        long t = System.nanoTime();
        run.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
