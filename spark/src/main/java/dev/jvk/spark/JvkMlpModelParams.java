package dev.jvk.spark;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The param {@link JvkMlpClassificationModel} and {@link JvkMlpRegressionModel} share beside MLlib's
 * column params, with its getter and setter.
 *
 * @param <T> the model, which the setter returns
 */
public interface JvkMlpModelParams<T extends JvkMlpModelParams<T>> extends Params {
    /** GEMM threads per scoring task (default 1: Spark's tasks are the parallelism). */
    IntParam threadsPerTask();

    default int getThreadsPerTask() {
        return (Integer) $(threadsPerTask());
    }

    @SuppressWarnings("unchecked")
    default T setThreadsPerTask(int value) {
        set(threadsPerTask(), value);
        return (T) this;
    }

    /** The {@code threadsPerTask} param of {@code owner}, its default set. */
    static IntParam threadsPerTask(Params owner) {
        IntParam param = new IntParam(owner, "threadsPerTask", "GEMM threads each task uses (>= 1); match spark.task.cpus", ParamValidators.gtEq(1));
        owner.setDefault(param, 1);
        return param;
    }
}
