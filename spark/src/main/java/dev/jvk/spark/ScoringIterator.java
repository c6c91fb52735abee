package dev.jvk.spark;

import dev.jvk.kernels.Reductions;
import dev.jvk.kernels.Softmax;
import dev.jvk.nn.Loss;
import dev.jvk.nn.Mlp;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition: reads up to {@value #BATCH} rows, runs one jvk forward pass over them, and
 * hands them back with the output columns appended. The buffers are allocated once per partition;
 * per row only the output values themselves are new.
 */
final class ScoringIterator implements Iterator<Row> {
    /** Rows per forward pass: large enough for GEMM to run at speed, small enough to keep the rows at hand. */
    static final int BATCH = 512;

    /**
     * The output columns, in the order the output schema appends them: a classifier's three, or a
     * regressor's {@code VALUE} (its one output, in the targets' units, as the prediction).
     */
    enum Column { RAW_PREDICTION, PROBABILITY, PREDICTION, VALUE }

    /**
     * What a task needs to score its partition (serialised into the task; the model travels as a broadcast).
     *
     * @param featuresField the features' field index in the input rows
     * @param columns       the output columns to append, in order
     * @param thresholds    MLlib's class thresholds, or null for the most probable class
     */
    record Scorer(Broadcast<byte[]> model, int featuresField, String featuresCol, int inputs, int classes,
                  Column[] columns, double[] thresholds, int threads) implements MapPartitionsFunction<Row, Row>, Serializable {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskThreads.begin(threads);
            ScoringIterator scoring;
            try {
                Mlp loaded = ModelBytes.load(model.value());
                // a classifier's scores before softmax: the same layers under a loss that leaves the outputs as they are
                Mlp logits = loaded.metadata().isClassification() ? new Mlp(loaded.layers(), Loss.named("mse"), loaded.scaling()) : loaded;
                TaskContext task = TaskContext.get();
                scoring = new ScoringIterator(rows, logits, this, task == null ? -1 : task.partitionId());
                if (task != null) {
                    // a task that stops before the last row (a limit, a failure, a kill) ends the work here
                    task.addTaskCompletionListener((TaskCompletionListener) context -> scoring.end());
                }
            } catch (RuntimeException | Error e) {
                TaskThreads.end();
                throw e;
            }
            return scoring;
        }
    }

    private final Iterator<Row> input;
    private final Mlp logits;
    private final Scorer scorer;
    private final int partition;
    private final Row[] rows = new Row[BATCH];
    private final float[] x;
    private final float[] raw;
    private final float[] probability;
    private final boolean softmax;
    private int filled;
    private int next;
    private long seen;
    private final AtomicBoolean ended = new AtomicBoolean();

    private ScoringIterator(Iterator<Row> input, Mlp logits, Scorer scorer, int partition) {
        this.input = input;
        this.logits = logits;
        this.scorer = scorer;
        this.partition = partition;
        this.x = new float[BATCH * scorer.inputs()];
        this.raw = new float[BATCH * scorer.classes()];
        this.probability = new float[BATCH * scorer.classes()];
        this.softmax = scorer.thresholds() != null || Arrays.asList(scorer.columns()).contains(Column.PROBABILITY);
    }

    @Override
    public boolean hasNext() {
        if (next < filled) {
            return true;
        }
        fill();
        if (filled == 0) {
            end();
        }
        return filled > 0;
    }

    /** The partition's rows are scored (or its task is over): GEMM's threads go back, once. */
    private void end() {
        if (ended.compareAndSet(false, true)) {
            TaskThreads.end();
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int r = next++;
        Row row = rows[r];
        rows[r] = null;
        int classes = scorer.classes();
        Object[] values = new Object[row.size() + scorer.columns().length];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        int at = row.size();
        for (Column column : scorer.columns()) {
            values[at++] = switch (column) {
                case RAW_PREDICTION -> vector(raw, r * classes, classes);
                case PROBABILITY -> vector(probability, r * classes, classes);
                case PREDICTION -> predict(r * classes, classes);
                case VALUE -> (double) raw[r * classes];
            };
        }
        return RowFactory.create(values);
    }

    /** Reads the next batch and scores it. */
    private void fill() {
        int inputs = scorer.inputs();
        int n = 0;
        while (n < BATCH && input.hasNext()) {
            Row row = input.next();
            FeatureRows.copy(row, scorer.featuresField(), scorer.featuresCol(), partition, seen++, inputs, x, n * inputs);
            rows[n++] = row;
        }
        filled = n;
        next = 0;
        if (n > 0) {
            int classes = scorer.classes();
            logits.predict(x, n, raw);
            if (softmax) {
                Softmax.softmax(raw, 0, n, classes, classes, probability, 0, classes);
            }
        }
    }

    /**
     * The class MLlib predicts: the most probable one, or with thresholds the largest probability / threshold;
     * NaN for a row whose scores are NaN (a NaN feature, or one that overflows the model), where argmax's
     * first NaN, or MLlib's first index, would name a class that no score chose.
     */
    private double predict(int offset, int classes) {
        int first = Reductions.argmax(raw, offset, classes);
        if (Float.isNaN(raw[offset + first])) {
            return Double.NaN;
        }
        double[] t = scorer.thresholds();
        if (t == null) {
            return first;
        }
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            // MLlib's p / t: a zero threshold makes a class certain (+Infinity) unless its probability is 0 too (NaN, never chosen)
            double score = probability[offset + j] / t[j];
            if (score > bestScore) {
                best = j;
                bestScore = score;
            }
        }
        return best;
    }

    private static DenseVector vector(float[] values, int offset, int n) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = values[offset + j];
        }
        return new DenseVector(v);
    }
}
