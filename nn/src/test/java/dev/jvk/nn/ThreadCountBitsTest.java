package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Parallel;
import dev.jvk.nn.data.DataSet;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The same seed gives bitwise the same weights after training steps, and the same predictions,
 * for 1, 2, 3, 4 and 8 threads. The child JVM is told to split as an 8-processor machine would and to
 * split every product with a panel per thread ({@code -XX:ActiveProcessorCount=8
 * -Djvk.gemm.minNanosPerThread=1}), so that 3, 4 and 8 threads really run on a 2-core machine (and the first
 * product's halves are cut into 3, 2 and 4 column blocks), and
 * to cut batches into chunks of 16 rows ({@code -Djvk.nn.minChunkRows=16}), so that these small
 * batches run in several chunks at once, and batches under 32 rows after their first pass into chunks
 * of at least 8 ({@code -Djvk.nn.smallChunkRows=8}).
 * Four batches (48 rows; 37, which leaves ragged tiles and a short last chunk; 20 and 27, one chunk
 * each, cut after the first pass into a 16-row chunk and a shorter one), SGD and AdamW, with dropout
 * (the whole batch at once) and without (the first product split by inputs in two halves, the rest in
 * chunks, on several threads at once), and with 128 and 200 hidden units in the first layer (with 200 the
 * second layer's product is split by inputs too at batches 20 and 27).
 */
class ThreadCountBitsTest {

    @Test
    void weightsAfterTrainingStepsAndPredictionsAreBitwiseTheSameForOneToEightThreads() throws Exception {
        String output = runChild(Child.class);
        List<String> runs = output.lines().filter(l -> l.startsWith("THREADS ")).toList();
        assertThat(runs).as(output).hasSize(Child.THREADS.length);
        String first = runs.get(0).substring("THREADS 1 ".length());
        assertThat(first).as("a run produced weights and predictions").contains("weights ").contains("predictions ");
        for (int t = 1; t < runs.size(); t++) {
            assertThat(runs.get(t)).isEqualTo("THREADS " + Child.THREADS[t] + " " + first);
        }
        assertThat(output).as("column blocks per half of the first product, by thread count").contains("BLOCKS 1 1 3 2 4");
        assertThat(output).contains("WORKERS 7");
    }

    @Test
    void trainingWithTheThreadChooserGivesBitwiseTheWeightsOfOneAndOfTwoThreads() throws Exception {
        String output = runChild(AutoChild.class);
        List<String> runs = output.lines().filter(l -> l.startsWith("TRAINER ")).toList();
        assertThat(runs).as(output).hasSize(3);
        String one = runs.get(0).substring("TRAINER 1 ".length());
        assertThat(one).as(output).startsWith("weights ");
        assertThat(runs.get(1)).isEqualTo("TRAINER 2 " + one);
        assertThat(runs.get(2)).isEqualTo("TRAINER auto " + one);
        // the first probe runs windows on both counts, whatever the times
        assertThat(output).containsPattern("STEPS one [1-9][0-9]* two [1-9][0-9]* total 63");
        assertThat(output).as("GEMM's count restored after fit").contains("AFTER 2");
    }

    private static String runChild(Class<?> child) throws Exception {
        return runChild(child, List.of("-XX:ActiveProcessorCount=8", "-Djvk.gemm.minNanosPerThread=1", "-Djvk.nn.minChunkRows=16",
                "-Djvk.nn.smallChunkRows=8"));
    }

    /** Runs {@code child}'s main in a JVM of its own with the options given, and returns its output (exit code 0 asserted). */
    static String runChild(Class<?> child, List<String> options) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "--add-modules", "jdk.incubator.vector"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), child.getName()));
        Path out = Files.createTempFile("jvk-thread-bits", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = p.waitFor(300, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            String output = Files.readString(out);
            assertThat(exited).as("child finished: %s", output).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void aBatchUnderTwoChunksIsCutAfterItsFirstPassWhenItHoldsTwoSmallChunks() {
        Mlp mlp = Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 10, 1);
        // default chunks: at least 64 rows, 16 after the first pass
        assertThat(mlp.cutsAfterFirstPass(31)).isFalse();
        assertThat(mlp.cutsAfterFirstPass(32)).isTrue();
        assertThat(mlp.cutsAfterFirstPass(127)).isTrue();
        assertThat(mlp.cutsAfterFirstPass(128)).as("two chunks of 64 rows").isFalse();
        assertThat(Mlp.chunkRows(32, 16)).isEqualTo(16);
        assertThat(Mlp.chunkRows(33, 16)).as("two chunks in whole 8-row tiles, no chunk of one row").isEqualTo(24);
        assertThat(Mlp.chunkRows(127, 16)).isEqualTo(24);
        Mlp oneLayer = Mlp.classifier(784, new int[0], Activation.RELU, 10, 1);
        assertThat(oneLayer.cutsAfterFirstPass(32)).as("no pass after the first").isFalse();
    }

    @Test
    void aTrainingPassSplitsTheFirstProductByInputsAtABoundaryOfTheGradientSlices() {
        assertThat(Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 10, 1).splitsFirstProduct()).isTrue();
        assertThat(new Dense(784, 256).inputSplit()).as("half of the rows").isEqualTo(392);
        assertThat(new Dense(784, 256).parameterParts()).as("4 slices of the weight gradient in each half, the bias").isEqualTo(9);
        assertThat(new Dense(300, 80).inputSplit()).as("half, in whole 8-row tiles").isEqualTo(152);
        assertThat(new Dense(300, 80).parameterParts()).as("3 slices made 4: two in each half").isEqualTo(5);
        assertThat(new Dense(120, 80).inputSplit()).as("one slice: no split").isZero();
        assertThat(Mlp.classifier(120, new int[] {80}, Activation.RELU, 10, 1).splitsFirstProduct()).isFalse();
        assertThat(Mlp.classifier(784, new int[] {256}, Activation.RELU, 0.2f, 10, 1).splitsFirstProduct())
                .as("dropout draws its masks over the whole batch").isFalse();
    }

    @Test
    void aSmallBatchSplitsTheSecondProductByInputsWhenTheFirstIsSplitAndFusedAndTheSecondHasTwoSlices() {
        Mlp mlp = Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 10, 1);
        assertThat(mlp.splitsSecondProduct(32)).isTrue();
        assertThat(mlp.splitsSecondProduct(127)).isTrue();
        assertThat(mlp.splitsSecondProduct(31)).as("one chunk: the second product split by GEMM's threads").isFalse();
        assertThat(mlp.splitsSecondProduct(128)).as("chunks of 64 rows").isFalse();
        assertThat(new Dense(256, 128).inputSplit()).as("the second layer's gradient in two slices, split at half").isEqualTo(128);
        assertThat(Mlp.classifier(784, new int[] {256, 128}, Activation.TANH, 10, 1).splitsSecondProduct(32))
                .as("a first pass not fused with its activation").isFalse();
        assertThat(Mlp.classifier(784, new int[] {120, 128}, Activation.RELU, 10, 1).splitsSecondProduct(32))
                .as("a second weight gradient of one slice").isFalse();
        assertThat(Mlp.classifier(784, new int[] {256, 128}, Activation.RELU, 0.1f, 10, 1).splitsSecondProduct(32))
                .as("dropout").isFalse();
    }

    @Test
    void onMoreThanTwoThreadsEachHalfOfTheFirstProductIsCutIntoColumnBlocksOfWholeCacheLines() {
        Dense first = new Dense(784, 256);
        int[] threads = {1, 2, 3, 4, 5, 6, 8, 16, 64};
        int[] blocks = {1, 1, 3, 2, 5, 3, 4, 8, 8};
        for (int i = 0; i < threads.length; i++) {
            assertThat(first.columnBlocks(threads[i])).as("%d threads: half the threads when even, as many when odd, at most 256 / 32",
                    threads[i]).isEqualTo(blocks[i]);
        }
        assertThat(IntStream.rangeClosed(0, 3).map(b -> first.blockStart(b, 3)).toArray()).as("16 lines in 3 blocks").containsExactly(0, 80, 160, 256);
        assertThat(IntStream.rangeClosed(0, 4).map(b -> first.blockStart(b, 4)).toArray()).containsExactly(0, 64, 128, 192, 256);
        assertThat(IntStream.rangeClosed(0, 8).map(b -> first.blockStart(b, 8)).toArray()).containsExactly(0, 32, 64, 96, 128, 160, 192, 224, 256);
        Dense narrow = new Dense(300, 80);
        assertThat(narrow.columnBlocks(8)).as("80 columns: two blocks of 32 or more").isEqualTo(2);
        assertThat(IntStream.rangeClosed(0, 2).map(b -> narrow.blockStart(b, 2)).toArray()).as("5 lines: 2 and 3").containsExactly(0, 32, 80);
        assertThat(new Dense(120, 80).columnBlocks(8)).as("a product not split by inputs").isEqualTo(1);
    }

    /** The child: trains and predicts with 1, 2, 3, 4 and 8 threads, printing a digest of every bit. */
    public static final class Child {
        static final int[] THREADS = {1, 2, 3, 4, 8};

        private Child() {}

        public static void main(String[] args) {
            StringBuilder blocks = new StringBuilder("BLOCKS");
            for (int threads : THREADS) {
                Gemm.setThreads(threads);
                System.out.println("THREADS " + threads + " " + run());
                blocks.append(' ').append(new Dense(300, 128).columnBlocks(Parallel.threadsFor(1L << 40)));
            }
            System.out.println(blocks);
            System.out.println("WORKERS " + Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("jvk-gemm-")).count());
        }

        private static String run() {
            int inputs = 300;   // the first layer's product split by inputs at 152, its gradient in two slices of each half, 128 columns in up to 4 blocks
            SplittableRandom random = new SplittableRandom(5);
            float[] x = new float[300 * inputs];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-1, 1);
            }
            int[] labels = new int[300];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = random.nextInt(10);
            }
            StringBuilder digest = new StringBuilder();
            // 200 hidden: the second layer's gradient in two slices, so batches 20 and 27 split its product by inputs too
            for (int[] hidden : new int[][] {{128, 40}, {200, 40}}) {
                for (float dropout : new float[] {0.2f, 0f}) {
                    for (OptimizerConfig config : List.of(OptimizerConfig.sgd(), OptimizerConfig.adamWWithWeightDecay(0.01f))) {
                        Mlp mlp = Mlp.classifier(inputs, hidden, Activation.RELU, dropout, 10, 9);
                        Optimizer optimizer = config.create(mlp.parameters());
                        for (int step = 0; step < 6; step++) {
                            int rows = new int[] {48, 37, 20, 27}[step % 4];
                            float[] batch = Arrays.copyOfRange(x, step * 48 * inputs, (step * 48 + rows) * inputs);
                            int[] y = Arrays.copyOfRange(labels, step * 48, step * 48 + rows);
                            mlp.trainStep(batch, y, rows, optimizer, 0.05f);
                        }
                        int hash = 1;
                        for (Parameter p : mlp.parameters()) {
                            hash = 31 * hash + Arrays.hashCode(p.value());
                        }
                        digest.append("weights ").append(Integer.toHexString(hash))
                                .append(" predictions ").append(Integer.toHexString(Arrays.hashCode(mlp.predict(x, 300)))).append(' ');
                    }
                }
            }
            return digest.toString().trim();
        }
    }

    /** The child: trains with {@link Trainer} on 1 thread, on 2, and with a {@link ThreadChooser} of 2, printing digests. */
    public static final class AutoChild {
        private AutoChild() {}

        public static void main(String[] args) {
            int inputs = 120;
            int rows = 300;
            SplittableRandom random = new SplittableRandom(7);
            float[] x = new float[rows * inputs];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-1, 1);
            }
            int[] labels = new int[rows];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = random.nextInt(10);
            }
            DataSet data = DataSet.of(x, labels, rows, inputs, 10, "random");
            // 300 rows in batches of 48: 7 steps an epoch, 63 steps in all, more than one probe and a part of a stretch
            Trainer.Config config = Trainer.Config.builder().epochs(9).batchSize(48).seed(3).optimizer(OptimizerConfig.adamWWithWeightDecay(0.01f)).build();
            for (int threads = 1; threads <= 2; threads++) {
                Gemm.setThreads(threads);
                System.out.println("TRAINER " + threads + " " + train(new Trainer(config), data));
            }
            ThreadChooser chooser = new ThreadChooser(2);
            Gemm.setThreads(2);
            System.out.println("TRAINER auto " + train(new Trainer(config).chooseThreads(chooser), data));
            System.out.println("STEPS one " + chooser.stepsOnOne() + " two " + chooser.stepsOnCandidate() + " total "
                    + (chooser.stepsOnOne() + chooser.stepsOnCandidate()));
            System.out.println("AFTER " + Gemm.threads());
        }

        private static String train(Trainer trainer, DataSet data) {
            Mlp mlp = Mlp.classifier(data.featureCount(), new int[] {80, 40}, Activation.RELU, 10, 9);
            trainer.fit(mlp, data, null);
            int hash = 1;
            for (Parameter p : mlp.parameters()) {
                hash = 31 * hash + Arrays.hashCode(p.value());
            }
            return "weights " + Integer.toHexString(hash);
        }
    }
}
