package dev.jvk.cli;

import dev.jvk.nn.Evaluation;
import java.util.Locale;

/** An evaluation as the commands print it: one line for people, and the keys of the --json line. */
final class Results {
    private Results() {}

    /** {@code accuracy 0.9012, macro F1 0.9003, top-5 0.9981, loss 0.2712}, or {@code R^2 0.81, RMSE 0.52, MAE 0.38, loss 0.19}. */
    static String line(Evaluation e) {
        if (e.isRegression()) {
            return String.format(Locale.ROOT, "R^2 %.4f, RMSE %.4g, MAE %.4g, loss %.4f", e.r2(), e.rmse(), e.mae(), e.loss());
        }
        String topK = e.topKAccuracy().length >= 5 ? String.format(Locale.ROOT, ", top-5 %.4f", e.topKAccuracy()[4]) : "";
        String f1 = e.hasConfusion() ? String.format(Locale.ROOT, ", macro F1 %.4f", e.macroF1()) : "";
        return String.format(Locale.ROOT, "accuracy %.4f%s%s, loss %.4f", e.accuracy(), f1, topK, e.loss());
    }

    /** The short form for a line per epoch: {@code accuracy 0.9012 loss 0.2712}, or {@code R^2 0.8100 loss 0.1900}. */
    static String shortLine(Evaluation e) {
        return e.isRegression()
                ? String.format(Locale.ROOT, "R^2 %.4f loss %.4f", e.r2(), e.loss())
                : String.format(Locale.ROOT, "accuracy %.4f loss %.4f", e.accuracy(), e.loss());
    }

    /** The evaluation's keys with {@code prefix} (test_ or validation_): accuracy, macro F1, top-k and loss, or R^2, RMSE, MAE and loss. */
    static void put(Json j, String prefix, Evaluation e) {
        if (e.isRegression()) {
            j.put(prefix + "r2", e.r2()).put(prefix + "rmse", e.rmse()).put(prefix + "mae", e.mae());
        } else {
            j.put(prefix + "accuracy", e.accuracy());
            if (e.hasConfusion()) {
                j.put(prefix + "macro_f1", e.macroF1()).put(prefix + "weighted_f1", e.weightedF1());
            }
            if (e.topKAccuracy().length >= 5) {
                j.put(prefix + "top5_accuracy", e.topKAccuracy()[4]);
            }
        }
        j.put(prefix + "loss", e.loss());
    }
}
