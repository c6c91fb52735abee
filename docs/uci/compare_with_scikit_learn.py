"""jvk's `train` defaults against scikit-learn's MLPClassifier / MLPRegressor defaults on four UCI sets.

The sets are the copies scikit-learn ships (iris, wine, breast cancer, diabetes with its raw targets),
each cut into --splits 80/20 splits (train_test_split, random_state k = 0, 1, ..., stratified on the class
numbers for the classifiers) and written as CSV files with a header and the label last (column `target`:
the class names, or diabetes's whole-number targets). Then, on every split and for each of --seeds:
  - scikit-learn's MLPClassifier(random_state=k + 100 i) / MLPRegressor(...) for the i-th seed, every other
    argument at its default, on the raw features, behind a StandardScaler, and on the raw features with
    max_iter=2000 (its default of 200 iterations stops short of convergence on these sets);
  - `./jvk train --csv S-k-train.csv --test-csv S-k-test.csv --header --label-column target --json --seed N`,
    every other option at its default (`--task regression` for diabetes).
Each column is the mean over splits and seeds, with the standard deviation of one run; the last column is
jvk's lead over scikit-learn's defaults, each split's score first averaged over the seeds, as the mean over
the splits with its standard error, and the splits where jvk is ahead / level / behind. The test rows are
scored once. For choosing defaults without looking at them, `--folds` also writes five cross-validation
folds of each of the first five training files (S-k-cv-f-train.csv / S-k-cv-f-test.csv, drawn from the
training rows only).

    python docs/uci/compare_with_scikit_learn.py --out DIR [--jvk ./jvk] [--splits 20] [--seeds 42,1,2] [--folds]

Needs scikit-learn (1.6.1 measured); jvk's tests do not use this script.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FOLDED_SPLITS = 5  # the training files cut again by --folds

def sets():
    iris = load_iris()
    wine = load_wine()
    cancer = load_breast_cancer()
    diabetes = load_diabetes(scaled=False)
    return [
        ("iris", iris.data, iris.target, iris.target_names, list(iris.feature_names)),
        ("wine", wine.data, wine.target, np.array(["class_%d" % c for c in range(3)]), list(wine.feature_names)),
        ("breast-cancer", cancer.data, cancer.target, cancer.target_names, list(cancer.feature_names)),
        ("diabetes", diabetes.data, diabetes.target.astype(int), None, list(diabetes.feature_names)),
    ]


def write_csv(path, header, x, y, names):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header + ["target"])
        for values, label in zip(x, y):
            w.writerow([repr(float(v)) for v in values] + [label if names is None else names[label]])


def score(model, x_train, y_train, x_test, y_test):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train, y_train)
    return model.score(x_test, y_test)  # accuracy, or R^2 for a regressor


def jvk(launcher, train, test, classifier, seed):
    args = [launcher, "train", "--csv", train, "--test-csv", test, "--header", "--label-column", "target", "--json", "--seed", str(seed)]
    if not classifier:
        args += ["--task", "regression"]
    line = subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    result = json.loads(line)
    return result["test_accuracy"] if classifier else result["test_r2"]


def spread(scores):
    """Mean and standard deviation over every split and seed."""
    flat = [v for per_split in scores for v in per_split]
    return "%.3f ± %.3f" % (statistics.mean(flat), statistics.stdev(flat))


def lead(ours, theirs):
    """jvk's lead, per split averaged over the seeds: mean ± standard error over the splits, splits ahead/level/behind."""
    d = [statistics.mean(a) - statistics.mean(b) for a, b in zip(ours, theirs)]
    return "%+.3f ± %.3f (%d/%d/%d)" % (statistics.mean(d), statistics.stdev(d) / len(d) ** 0.5,
                                        sum(v > 1e-9 for v in d), sum(abs(v) <= 1e-9 for v in d), sum(v < -1e-9 for v in d))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, help="folder for the CSV files")
    parser.add_argument("--jvk", help="the jvk launcher, to run jvk on the same splits")
    parser.add_argument("--splits", type=int, default=20, help="80/20 splits of each set (default 20)")
    parser.add_argument("--seeds", default="42,1,2", help="jvk's --seed values; scikit-learn gets one random_state per seed (default 42,1,2)")
    parser.add_argument("--folds", action="store_true", help="also write 5 cross-validation folds of each of the first 5 training files")
    a = parser.parse_args()
    seeds = [int(v) for v in a.seeds.split(",")]
    os.makedirs(a.out, exist_ok=True)
    print("| set (train/test rows) | jvk defaults | scikit-learn, raw features | scikit-learn, `StandardScaler` "
          "| scikit-learn, raw, `max_iter=2000` | jvk's lead over scikit-learn's defaults (splits ahead/level/behind) |")
    print("|---|---|---|---|---|---|")
    for name, x, y, names, features in sets():
        classifier = names is not None
        raw, scaled, converged, ours = [], [], [], []
        for k in range(a.splits):
            x_train, x_test, y_train, y_test = train_test_split(
                x, y, test_size=0.2, random_state=k, stratify=y if classifier else None)
            train = os.path.join(a.out, "%s-%d-train.csv" % (name, k))
            test = os.path.join(a.out, "%s-%d-test.csv" % (name, k))
            write_csv(train, features, x_train, y_train, names)
            write_csv(test, features, x_test, y_test, names)
            if a.folds and k < FOLDED_SPLITS:
                folds = StratifiedKFold(5, shuffle=True, random_state=k) if classifier else KFold(5, shuffle=True, random_state=k)
                for f, (fit, held) in enumerate(folds.split(x_train, y_train)):
                    write_csv(os.path.join(a.out, "%s-%d-cv-%d-train.csv" % (name, k, f)), features, x_train[fit], y_train[fit], names)
                    write_csv(os.path.join(a.out, "%s-%d-cv-%d-test.csv" % (name, k, f)), features, x_train[held], y_train[held], names)
            make = MLPClassifier if classifier else MLPRegressor
            states = [k + 100 * i for i in range(len(seeds))]
            raw.append([score(make(random_state=r), x_train, y_train, x_test, y_test) for r in states])
            scaled.append([score(make_pipeline(StandardScaler(), make(random_state=r)), x_train, y_train, x_test, y_test) for r in states])
            converged.append([score(make(random_state=r, max_iter=2000), x_train, y_train, x_test, y_test) for r in states])
            if a.jvk:
                ours.append([jvk(a.jvk, train, test, classifier, seed) for seed in seeds])
        label = "%s%s (%d/%d)" % (name, "" if classifier else ", R^2", len(x_train), len(x_test))
        print("| %s | %s | %s | %s | %s | %s |" % (label, spread(ours) if ours else "-", spread(raw), spread(scaled), spread(converged),
                                                 lead(ours, raw) if ours else "-"))


if __name__ == "__main__":
    main()
