package dev.jvk.cli;

import dev.jvk.nn.Evaluation;
import dev.jvk.nn.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An evaluation as the commands print it: one line for people, and the keys of the --json line. */
final class Results {
    private Results() {}

    /**
     * {@code accuracy 0.9012, macro F1 0.9003, top-5 0.9981, loss 0.2712}, or {@code R^2 0.81, RMSE 0.52, MAE 0.38, loss 0.19}
     * (for several targets: R^2 averaged over them, RMSE and MAE pooled; {@link #targetTable} has each).
     */
    static String line(Evaluation e) {
        if (e.isRegression()) {
            return String.format(Locale.ROOT, "R^2 %s, RMSE %.4g, MAE %.4g, loss %s", figure(e.r2()), e.rmse(), e.mae(), figure(e.loss()));
        }
        String topK = e.topKAccuracy().length >= 5 ? String.format(Locale.ROOT, ", top-5 %.4f", e.topKAccuracy()[4]) : "";
        String f1 = e.hasConfusion() ? String.format(Locale.ROOT, ", macro F1 %.4f", e.macroF1()) : "";
        return String.format(Locale.ROOT, "accuracy %.4f%s%s, loss %s", e.accuracy(), f1, topK, figure(e.loss())) + e.unpredictedNote();
    }

    /** The short form for a line per epoch: {@code accuracy 0.9012 loss 0.2712}, or {@code R^2 0.8100 loss 0.1900}. */
    static String shortLine(Evaluation e) {
        return e.isRegression()
                ? String.format(Locale.ROOT, "R^2 %s loss %s", figure(e.r2()), figure(e.loss()))
                : String.format(Locale.ROOT, "accuracy %.4f loss %s", e.accuracy(), figure(e.loss()));
    }

    /**
     * A loss or R^2 as the lines print it: four decimals ({@code 0.2712}), and from a million on four significant digits
     * ({@code 3.561e+19}): a run whose rate is far too large reaches losses of twenty digits, as a float prints them.
     */
    static String figure(double v) {
        return String.format(Locale.ROOT, Math.abs(v) < 1e6 || !Double.isFinite(v) ? "%.4f" : "%.4g", v);
    }

    /**
     * A regressor's figures per target, one line each under a header ({@code target  R^2  RMSE  MAE}), for more than
     * one target; "" for one target or a classifier.
     */
    static String targetTable(Evaluation e, List<String> names) {
        if (e.targets() < 2) {
            return "";
        }
        int width = Math.max("all targets".length(), names.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %10s  %10s  %10s%n", "target", "R^2", "RMSE", "MAE"));
        for (int t = 0; t < e.targets(); t++) {
            s.append(String.format(Locale.ROOT, "%-" + width + "s  %10s  %10.4g  %10.4g%n", names.get(t), figure(e.targetR2()[t]), e.targetRmse()[t], e.targetMae()[t]));
        }
        return s.append(String.format(Locale.ROOT, "%-" + width + "s  %10s  %10.4g  %10.4g%n", "all targets", figure(e.r2()), e.rmse(), e.mae())).toString();
    }

    /** The evaluation's keys with {@code prefix} (test_ or validation_): accuracy, macro F1, top-k and loss, or R^2, RMSE, MAE and loss. */
    static void put(Json j, String prefix, Evaluation e) {
        if (e.isRegression()) {
            j.put(prefix + "r2", e.r2()).put(prefix + "rmse", e.rmse()).put(prefix + "mae", e.mae())
                    .put(prefix + "r2_per_target", e.targetR2()).put(prefix + "rmse_per_target", e.targetRmse())
                    .put(prefix + "mae_per_target", e.targetMae());
        } else {
            j.put(prefix + "accuracy", e.accuracy()).put(prefix + "rows_without_prediction", e.unpredictedRows());
            if (e.hasConfusion()) {
                j.put(prefix + "macro_f1", e.macroF1()).put(prefix + "weighted_f1", e.weightedF1());
            }
            if (e.topKAccuracy().length >= 5) {
                j.put(prefix + "top5_accuracy", e.topKAccuracy()[4]);
            }
        }
        j.put(prefix + "loss", e.loss());
    }

    /** The most classes whose per-class figures and confusion matrix go into --json. */
    static final int MAX_JSON_CLASSES = 100;

    /**
     * A classifier's per-class keys for up to {@link #MAX_JSON_CLASSES} classes: {@code class_names} (the stored names,
     * or the class numbers), then with {@code prefix} {@code precision_per_class}, {@code recall_per_class},
     * {@code f1_per_class}, {@code support_per_class} and {@code confusion} (rows: true class, columns: predicted),
     * all in the order of the names; nothing for a regressor.
     */
    static void putPerClass(Json j, String prefix, Evaluation e, Mlp mlp) {
        if (e.isRegression() || !e.hasConfusion() || e.confusionClasses() > MAX_JSON_CLASSES) {
            return;
        }
        int classes = e.confusionClasses();
        List<String> names = new ArrayList<>();
        List<Double> precision = new ArrayList<>();
        List<Double> recall = new ArrayList<>();
        List<Double> f1 = new ArrayList<>();
        List<Long> support = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(c < mlp.classes() ? Models.className(mlp, c) : Integer.toString(c));
            precision.add(e.precision(c));
            recall.add(e.recall(c));
            f1.add(e.f1(c));
            support.add(e.support(c));
        }
        j.put("class_names", names).put(prefix + "precision_per_class", precision).put(prefix + "recall_per_class", recall)
                .put(prefix + "f1_per_class", f1).put(prefix + "support_per_class", support).put(prefix + "confusion", e.confusion());
    }
}
