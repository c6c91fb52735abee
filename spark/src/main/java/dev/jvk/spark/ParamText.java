package dev.jvk.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A param's line of {@code explainParams()} as Spark writes it ({@code name: doc (default: d, current: c)}), with an
 * array value written out: Spark prints it with {@code toString()}, an identity such as {@code [I@3ba8ef4e}, which
 * says nothing of the {@code layers} or {@code thresholds} that were set.
 */
final class ParamText {
    private ParamText() {}

    /**
     * {@code sparks}, Spark's own line for {@code param} of {@code stage} (which also checks that the param is the
     * stage's), or the same line with its array values written out.
     */
    static String explain(Params stage, Param<?> param, String sparks) {
        Object fallback = stage.getDefault(param).getOrElse(() -> null);
        Object current = stage.get(param).getOrElse(() -> null);
        if (!(fallback instanceof int[] || fallback instanceof double[] || current instanceof int[] || current instanceof double[])) {
            return sparks;
        }
        List<String> values = new ArrayList<>();
        if (fallback != null) {
            values.add("default: " + text(fallback));
        }
        if (current != null) {
            values.add("current: " + text(current));
        }
        return param.name() + ": " + param.doc() + " (" + String.join(", ", values) + ")";
    }

    private static String text(Object value) {
        return switch (value) {
            case int[] ints -> Arrays.toString(ints);
            case double[] doubles -> Arrays.toString(doubles);
            default -> String.valueOf(value);
        };
    }
}
