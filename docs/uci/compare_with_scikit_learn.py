"""jvk's `train` defaults against scikit-learn's MLPClassifier / MLPRegressor defaults on four UCI sets.

The sets are the copies scikit-learn ships (iris, wine, breast cancer, diabetes with its raw targets),
each cut into five 80/20 splits (train_test_split, random_state k = 0..4, stratified on the class numbers
for the classifiers) and written as CSV files with a header and the label last (column `target`: the
class names, or diabetes's whole-number targets). Then, on every split:
  - scikit-learn's MLPClassifier(random_state=k) / MLPRegressor(random_state=k), every other argument at
    its default, on the raw features and behind a StandardScaler;
  - `./jvk train --csv S-k-train.csv --test-csv S-k-test.csv --header --label-column target --json`,
    every other option at its default (`--task regression` for diabetes).
The test rows are scored once. For choosing defaults without looking at them, `--folds` also writes
five cross-validation folds of each training file (S-k-cv-f-train.csv / S-k-cv-f-test.csv, drawn from
the training rows only).

    python docs/uci/compare_with_scikit_learn.py --out DIR [--jvk ./jvk] [--folds]

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

SPLITS = 5


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


def jvk(launcher, train, test, classifier):
    args = [launcher, "train", "--csv", train, "--test-csv", test, "--header", "--label-column", "target", "--json"]
    if not classifier:
        args += ["--task", "regression"]
    line = subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    result = json.loads(line)
    return result["test_accuracy"] if classifier else result["test_r2"]


def row(name, scores):
    return "%.3f (%s)" % (statistics.mean(scores), " ".join("%.3g" % s for s in scores))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, help="folder for the CSV files")
    parser.add_argument("--jvk", help="the jvk launcher, to run jvk on the same splits")
    parser.add_argument("--folds", action="store_true", help="also write 5 cross-validation folds of each training file")
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    print("| set (train/test rows) | jvk defaults | scikit-learn, raw features | scikit-learn, `StandardScaler` |")
    print("|---|---|---|---|")
    for name, x, y, names, features in sets():
        classifier = names is not None
        raw, scaled, ours = [], [], []
        for k in range(SPLITS):
            x_train, x_test, y_train, y_test = train_test_split(
                x, y, test_size=0.2, random_state=k, stratify=y if classifier else None)
            train = os.path.join(a.out, "%s-%d-train.csv" % (name, k))
            test = os.path.join(a.out, "%s-%d-test.csv" % (name, k))
            write_csv(train, features, x_train, y_train, names)
            write_csv(test, features, x_test, y_test, names)
            if a.folds:
                folds = StratifiedKFold(5, shuffle=True, random_state=k) if classifier else KFold(5, shuffle=True, random_state=k)
                for f, (fit, held) in enumerate(folds.split(x_train, y_train)):
                    write_csv(os.path.join(a.out, "%s-%d-cv-%d-train.csv" % (name, k, f)), features, x_train[fit], y_train[fit], names)
                    write_csv(os.path.join(a.out, "%s-%d-cv-%d-test.csv" % (name, k, f)), features, x_train[held], y_train[held], names)
            make = MLPClassifier if classifier else MLPRegressor
            raw.append(score(make(random_state=k), x_train, y_train, x_test, y_test))
            scaled.append(score(make_pipeline(StandardScaler(), make(random_state=k)), x_train, y_train, x_test, y_test))
            if a.jvk:
                ours.append(jvk(a.jvk, train, test, classifier))
        label = "%s%s (%d/%d)" % (name, "" if classifier else ", R^2", len(x_train), len(x_test))
        print("| %s | %s | %s | %s |" % (label, row(name, ours) if ours else "-", row(name, raw), row(name, scaled)))


if __name__ == "__main__":
    main()
