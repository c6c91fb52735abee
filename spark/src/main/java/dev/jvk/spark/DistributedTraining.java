package dev.jvk.spark;

import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Vectors;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.ModelMetadata;
import dev.jvk.nn.TrainingDivergedException;
import dev.jvk.nn.optim.LearningRateSchedule;
import dev.jvk.nn.optim.Optimizer;
import dev.jvk.nn.optim.OptimizerConfig;
import dev.jvk.nn.optim.Parameter;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training of a jvk MLP on Spark's own machinery.
 *
 * <ol>
 *   <li>Each partition of the DataFrame becomes one {@link Block} of floats, checked row by row and
 *       cached ({@code MEMORY_AND_DISK}) for the whole fit.</li>
 *   <li>Each round the driver broadcasts the weights; every task builds the model from them and runs
 *       jvk training steps ({@link Mlp#trainStep}) on its own block; {@code treeAggregate} combines
 *       the tasks' results through a {@link PairwiseSum}, whose fixed tree makes the float sum
 *       independent of the order tasks finish in.</li>
 *   <li>A step covers {@code blockSize} rows over all partitions together: partition {@code p} of
 *       {@code n_p} rows takes its share {@code ceil(blockSize n_p / N)}, so an epoch has as many
 *       steps as on one machine whatever the partitioning.
 *       {@code aggregation=parameters}: each task takes {@code localSteps} steps with its own optimizer
 *       (restarted each round), and the new weights are the tasks' weights averaged, weighted by
 *       partition rows. {@code aggregation=gradients}: each step is one round; each task contributes
 *       the gradient of its share of the step's rows, and the driver's optimizer (whose state
 *       persists) takes the step with the row-weighted mean gradient: the single-machine algorithm,
 *       with one Spark job per step.</li>
 * </ol>
 *
 * <p>Each partition walks its rows in passes, each pass in an order shuffled from
 * {@code (seed, partition, pass)}, so a round's batches follow from the round number alone; with the
 * same seed and partitioning every round sees the same rows and the result is bitwise the same.
 */
final class DistributedTraining {
    private DistributedTraining() {}

    /**
     * What to train (everything a task needs; serialisable, unlike nn's configuration records).
     *
     * @param outputs    classes of a classifier; values per row of a regressor
     * @param loss       nn's name of the loss: softmax-cross-entropy for a classifier, mse or huber for a regressor
     * @param gradients  true for gradient averaging, false for parameter averaging
     * @param localSteps steps per round with parameter averaging
     */
    record Settings(int inputs, int[] hidden, Activation activation, int outputs, String loss, long seed, int epochs, int batch,
                    float stepSize, String optimizer, boolean gradients, int localSteps, int threadsPerTask)
            implements Serializable {

        /**
         * What {@code stage}'s params say to train with {@code loss}; {@code outputs}, when positive, is the last
         * layer's size the stage needs (a regressor's one label column).
         *
         * @throws IllegalArgumentException when the layers are not set, or do not end in {@code outputs}
         */
        static Settings of(JvkMlpParams<?> stage, String loss, int outputs) {
            String name = stage.getClass().getSimpleName();
            if (!stage.isDefined(stage.layers())) {
                throw new IllegalArgumentException(name + " needs layers: call setLayers(new int[] {inputs, hidden..., "
                        + (outputs > 0 ? String.valueOf(outputs) : "classes") + "})");
            }
            int[] sizes = stage.getLayers();
            int last = sizes[sizes.length - 1];
            if (outputs > 0 && last != outputs) {
                throw new IllegalArgumentException("layers " + Arrays.toString(sizes) + " end in " + last + " outputs; a " + name
                        + " predicts one label column: end the layers in " + outputs);
            }
            return new Settings(sizes[0], Arrays.copyOfRange(sizes, 1, sizes.length - 1), Activation.fromCliName(stage.getActivation()),
                    last, loss, stage.getSeed(), stage.getMaxIter(), stage.getBlockSize(), (float) stage.getStepSize(),
                    stage.getOptimizer().toLowerCase(Locale.ROOT), JvkMlpParams.GRADIENTS.equals(stage.getAggregation()),
                    stage.getLocalSteps(), stage.getThreadsPerTask());
        }

        boolean regression() {
            return !loss.equals("softmax-cross-entropy");
        }

        /** The initial model from the seed; a regressor's standardises its targets as {@code plan} measured them. */
        Mlp newModel(Plan plan) {
            if (!regression()) {
                return Mlp.classifier(inputs, hidden, activation, outputs, seed);
            }
            Mlp mlp = Mlp.regressor(inputs, hidden, activation, 0f, outputs, Loss.named(loss), seed);
            mlp.setMetadata(new ModelMetadata(ModelMetadata.REGRESSION, List.of(), List.of(), List.of(), -1, plan.targetMean(), plan.targetStd()));
            return mlp;
        }

        OptimizerConfig optimizerConfig() {
            return switch (OptimizerConfig.Kind.fromCliName(optimizer)) {
                case SGD -> OptimizerConfig.sgdWithMomentum(0.9f, false, 0f);
                case ADAM -> OptimizerConfig.adam();
                case ADAMW -> OptimizerConfig.adamWWithWeightDecay(0.01f);
            };
        }

        LearningRateSchedule schedule() {
            return LearningRateSchedule.cosine(stepSize, 0f);
        }
    }

    /**
     * How the rows are cut into steps, fixed once the partitions' sizes are known.
     *
     * @param partitionRows  rows per partition
     * @param partitionBatch rows per step on each partition
     * @param stepsPerEpoch  steps that make one epoch (for the learning-rate schedule)
     * @param totalSteps     steps in the whole run, on every partition
     * @param stepsPerRound  steps between two aggregations
     * @param targetMean     a regressor's per-output target mean over the training rows (empty for a classifier)
     * @param targetStd      a regressor's per-output target standard deviation, 1 for a constant target (empty for a classifier)
     */
    record Plan(int[] partitionRows, int[] partitionBatch, int stepsPerEpoch, int totalSteps, int stepsPerRound,
                float[] targetMean, float[] targetStd) implements Serializable {
        static Plan of(Settings s, int[] partitionRows, float[] targetMean, float[] targetStd) {
            long total = 0;
            for (int n : partitionRows) {
                total += n;
            }
            int[] batch = new int[partitionRows.length];
            for (int p = 0; p < partitionRows.length; p++) {
                long n = partitionRows[p];
                batch[p] = n == 0 ? 0 : (int) Math.min(n, (s.batch() * n + total - 1) / total);
            }
            long stepsPerEpoch = total == 0 ? 0 : (total + s.batch() - 1) / s.batch();
            long steps = stepsPerEpoch * s.epochs();
            if (steps > Integer.MAX_VALUE) {
                // known only once the rows are counted, so refused here rather than where maxIter is set
                throw new IllegalArgumentException("maxIter " + s.epochs() + " epochs of " + stepsPerEpoch + " steps (blockSize " + s.batch()
                        + " of " + total + " rows) make more than " + Integer.MAX_VALUE + " steps: lower maxIter or raise blockSize");
            }
            return new Plan(partitionRows.clone(), batch, (int) stepsPerEpoch, (int) steps, s.gradients() ? 1 : s.localSteps(),
                    targetMean, targetStd);
        }

        int rounds() {
            // in long: totalSteps may be near Integer.MAX_VALUE
            return (int) (((long) totalSteps + stepsPerRound - 1) / stepsPerRound);
        }

        long rows() {
            long total = 0;
            for (int n : partitionRows) {
                total += n;
            }
            return total;
        }
    }

    /** The trained model and what the run did. */
    record Result(Mlp model, JvkMlpTrainingSummary summary) {}

    static Result fit(Dataset<?> dataset, String featuresCol, String labelCol, Settings settings) {
        FeatureRows.requireSize(dataset.schema(), featuresCol, settings.inputs());
        Dataset<Row> columns = dataset.select(functions.col(featuresCol), functions.col(labelCol).cast("double"));
        int inputs = settings.inputs();
        int classes = settings.regression() ? 0 : settings.outputs();
        JavaRDD<Block> blocks = columns.toJavaRDD()
                .mapPartitionsWithIndex((partition, rows) -> List.of(Block.of(partition, rows, inputs, classes, featuresCol, labelCol)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Integer> sizes = blocks.map(Block::rows).collect();   // checks every row before any training
            int[] partitionRows = sizes.stream().mapToInt(Integer::intValue).toArray();
            if (Arrays.stream(partitionRows).asLongStream().sum() == 0) {
                throw new IllegalArgumentException("the training data has no rows");
            }
            float[] mean = new float[0];
            float[] std = new float[0];
            if (settings.regression()) {
                double m = targetMean(blocks);
                mean = new float[] {(float) m};
                std = new float[] {(float) targetStd(blocks, m)};
            }
            Plan plan = Plan.of(settings, partitionRows, mean, std);
            return train(JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()), blocks, settings, plan);
        } finally {
            blocks.unpersist(false);
        }
    }

    /** The mean of the targets, summed in double per partition and over the partitions in their order (so the same on every run). */
    private static double targetMean(JavaRDD<Block> blocks) {
        double sum = 0;
        long rows = 0;
        for (double[] part : blocks.map(b -> new double[] {b.targetSum(), b.rows()}).collect()) {
            sum += part[0];
            rows += (long) part[1];
        }
        return sum / rows;
    }

    /** The population standard deviation of the targets about {@code mean}; 1 for a constant target (as {@code ./jvk train --task regression}). */
    private static double targetStd(JavaRDD<Block> blocks, double mean) {
        double squares = 0;
        long rows = 0;
        for (double[] part : blocks.map(b -> new double[] {b.squaredDeviations(mean), b.rows()}).collect()) {
            squares += part[0];
            rows += (long) part[1];
        }
        double sd = Math.sqrt(squares / rows);
        return sd > 1e-12 && Float.isFinite((float) sd) ? sd : 1;
    }

    private static Result train(JavaSparkContext sc, JavaRDD<Block> blocks, Settings settings, Plan plan) {
        Mlp model = settings.newModel(plan);
        List<Parameter> parameters = model.parameters();
        Optimizer driverOptimizer = settings.gradients() ? settings.optimizerConfig().create(parameters) : null;
        LearningRateSchedule schedule = settings.schedule();
        int partitions = plan.partitionRows().length;
        double[] losses = new double[plan.rounds()];
        TreeSet<String> kernels = new TreeSet<>();
        for (int round = 0; round < plan.rounds(); round++) {
            Broadcast<float[]> weights = sc.broadcast(flatten(parameters, false));
            int r = round;
            PairwiseSum sum = blocks.treeAggregate(new PairwiseSum(partitions),
                    (acc, block) -> acc.add(block.partition(), localRound(settings, plan, weights.value(), r, block)),
                    PairwiseSum::merge, 2);
            weights.destroy();
            PairwiseSum.Part total = sum.total();
            losses[round] = total.rows() == 0 ? Double.NaN : total.loss() / total.rows();
            kernels.addAll(total.kernels());
            if (settings.gradients()) {
                Vectors.scal((float) (1.0 / total.rows()), total.values(), 0, total.values().length);
                unflatten(total.values(), parameters, true);
                float rate = schedule.rate((double) round / plan.stepsPerEpoch(), settings.epochs());
                driverOptimizer.step(rate);
            } else {
                unflatten(total.values(), parameters, false);
            }
        }
        JvkMlpTrainingSummary summary = new JvkMlpTrainingSummary(settings.gradients() ? JvkMlpParams.GRADIENTS : JvkMlpParams.PARAMETERS,
                partitions, plan.rows(), plan.rounds(), plan.totalSteps(), losses, List.copyOf(kernels));
        return new Result(model, summary);
    }

    /**
     * One task's work in one round: the model from {@code weights}, then this round's steps on the
     * block; the result is the new weights times the partition's share of the rows (parameter
     * averaging) or the gradient summed over the step's rows (gradient averaging).
     */
    static PairwiseSum.Part localRound(Settings settings, Plan plan, float[] weights, int round, Block block) {
        TaskThreads.begin(settings.threadsPerTask());
        try {
            return round(settings, plan, weights, round, block);
        } finally {
            TaskThreads.end();
        }
    }

    private static PairwiseSum.Part round(Settings settings, Plan plan, float[] weights, int round, Block block) {
        Mlp mlp = settings.newModel(plan);
        List<Parameter> parameters = mlp.parameters();
        unflatten(weights, parameters, false);
        int p = block.partition();
        int n = block.rows();
        int batch = plan.partitionBatch()[p];
        TreeSet<String> kernels = new TreeSet<>(List.of(Kernels.info().toString()));
        int first = round * plan.stepsPerRound();
        int last = (int) Math.min((long) first + plan.stepsPerRound(), plan.totalSteps());
        double lossSum = 0;
        long rows = 0;
        if (n > 0 && batch > 0) {
            Optimizer optimizer = settings.gradients() ? new GradientsOnly() : settings.optimizerConfig().create(parameters);
            LearningRateSchedule schedule = settings.schedule();
            int inputs = settings.inputs();
            float[] x = new float[batch * inputs];
            int[] y = block.labels() == null ? null : new int[batch];
            float[] t = block.targets() == null ? null : new float[batch];
            int stepsPerPass = (n + batch - 1) / batch;
            int[] order = null;
            int orderPass = -1;
            for (int step = first; step < last; step++) {
                int pass = step / stepsPerPass;
                if (pass != orderPass) {
                    order = shuffled(n, settings.seed(), p, pass);
                    orderPass = pass;
                }
                int from = (step % stepsPerPass) * batch;
                int count = Math.min(batch, n - from);
                for (int i = 0; i < count; i++) {
                    int row = order[from + i];
                    System.arraycopy(block.features(), row * inputs, x, i * inputs, inputs);
                    if (y != null) {
                        y[i] = block.labels()[row];
                    } else {
                        t[i] = block.targets()[row];
                    }
                }
                int epoch = step / plan.stepsPerEpoch();
                float rate = schedule.rate((double) step / plan.stepsPerEpoch(), settings.epochs());
                float loss = y != null ? mlp.trainStep(x, y, count, optimizer, rate) : mlp.trainStep(x, t, count, optimizer, rate);
                if (!Float.isFinite(loss)) {
                    throw new TrainingDivergedException(epoch + 1, step % plan.stepsPerEpoch() + 1, loss, rate);
                }
                lossSum += (double) loss * count;
                rows += count;
            }
        }
        float[] values;
        if (settings.gradients()) {
            values = flatten(parameters, true);
            Vectors.scal(rows, values, 0, values.length);
        } else {
            values = flatten(parameters, false);
            Vectors.scal((float) ((double) n / plan.rows()), values, 0, values.length);
        }
        return new PairwiseSum.Part(values, lossSum, rows, kernels);
    }

    /** The rows {@code 0 .. n-1} in the order of pass {@code pass} of partition {@code partition} (Fisher-Yates). */
    static int[] shuffled(int n, long seed, int partition, int pass) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (partition + 1)) ^ (0xC2B2AE3D27D4EB4FL * (pass + 1)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Every parameter's values (or gradients) end to end, first layer first. */
    static float[] flatten(List<Parameter> parameters, boolean gradients) {
        int size = 0;
        for (Parameter p : parameters) {
            size += p.size();
        }
        float[] all = new float[size];
        int at = 0;
        for (Parameter p : parameters) {
            System.arraycopy(gradients ? p.grad() : p.value(), 0, all, at, p.size());
            at += p.size();
        }
        return all;
    }

    /** The inverse of {@link #flatten}: writes {@code all} back into the parameters' values (or gradients). */
    static void unflatten(float[] all, List<Parameter> parameters, boolean gradients) {
        int at = 0;
        for (Parameter p : parameters) {
            System.arraycopy(all, at, gradients ? p.grad() : p.value(), 0, p.size());
            at += p.size();
        }
        if (at != all.length) {
            throw new IllegalStateException(all.length + " values for " + at + " parameters");
        }
    }

    /**
     * The task's optimizer under gradient averaging: it leaves the weights alone, so the gradients the
     * step computed reach the driver, whose optimizer makes the one update per round.
     */
    private static final class GradientsOnly implements Optimizer {
        @Override
        public void step(float learningRate) {
            // the driver updates
        }

        @Override
        public float[][] state() {
            return new float[0][];
        }

        @Override
        public int steps() {
            return 0;
        }

        @Override
        public void restoreSteps(int steps) {
            // no state to restore
        }
    }
}
