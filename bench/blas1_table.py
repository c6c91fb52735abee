#!/usr/bin/env python3
"""Markdown tables for bench/RESULTS-blas1.md from JMH JSON files (-rf json, with -prof gc).

Usage: blas1_table.py run.json [run2.json ...]   (the files of ONE JMH invocation, or several
       invocations whose ratios you do not mix: ratios are only formed inside one file).

Prints, per file: the full table (ns/op, JMH's 99.9% error, GB/s, B/op) and a ratio table
(reference / jvk, Lucene / jvk, jvk GB/s over the STREAM copy and triad GB/s of the same file).
GB/s counts the bytes a kernel reads or writes: see BYTES below (variance and logSumExp read x twice).
"""
import json
import sys
from collections import defaultdict

# Bytes moved per element, by benchmark method prefix (jvk, reference and peers alike).
BYTES = {
    "streamCopy": 8, "streamTriad": 12,
    "sum": 4, "asum": 4, "max": 4, "argmax": 4, "nrm2": 4, "mean": 4,
    "dot": 8, "variance": 8, "logSumExp": 8,
}
SUFFIXES = ("Jvk", "Reference", "Lucene")


def split(method):
    for s in SUFFIXES:
        if method.endswith(s):
            return method[: -len(s)], s
    return method, ""


def element_bytes(op, cls):
    b = next((v for k, v in sorted(BYTES.items(), key=lambda kv: -len(kv[0])) if op.startswith(k)), 4)
    return b * 2 if cls == "DoublesBench" and not op.startswith("stream") else b


def main(paths):
    for path in paths:
        rows = json.load(open(path))
        table = []
        by = defaultdict(dict)  # (op, n) -> {suffix: (score, error)}
        stream = {}
        for r in rows:
            cls, method = r["benchmark"].split(".")[-2:]
            n = int(r["params"]["n"])
            m = r["primaryMetric"]
            score, err = m["score"], m["scoreError"]
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
            op, suffix = split(method)
            gbs = element_bytes(op, cls) * n / score
            table.append((cls + "." + method, n, score, err, gbs, alloc))
            if op.startswith("stream"):
                stream[(op, n)] = gbs
            else:
                by[(cls.replace("Bench", "") + "." + op, n)][suffix] = (score, err, gbs)
        print(f"\n### {path}\n")
        print("| benchmark | n | ns/op | ± error | GB/s | B/op |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, n, score, err, gbs, alloc in sorted(table, key=lambda t: (t[0].split(".")[0], t[1], t[0])):
            print(f"| {name} | {n} | {score:.1f} | {err:.1f} | {gbs:.1f} | {alloc:.3g} |")
        print("\n| op | n | jvk ns | reference ns | reference / jvk | Lucene ns (Lucene / jvk) | jvk GB/s | jvk / STREAM copy, triad |")
        print("|---|---:|---:|---:|---:|---|---:|---|")
        for (op, n), d in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            if "Jvk" not in d:
                continue
            js, je, jg = d["Jvk"]
            ref = d.get("Reference")
            luc = d.get("Lucene")
            refs = f"{ref[0]:.0f} ± {ref[1]:.0f} | {ref[0] / js:.1f}" if ref else " | "
            lucs = f"{luc[0]:.0f} ± {luc[1]:.0f} (x{luc[0] / js:.2f})" if luc else ""
            copy, triad = stream.get(("streamCopy", n)), stream.get(("streamTriad", n))
            st = f"{jg / copy:.2f}, {jg / triad:.2f}" if copy and triad else ""
            print(f"| {op} | {n} | {js:.0f} ± {je:.0f} | {refs} | {lucs} | {jg:.1f} | {st} |")
        for n in sorted({k[1] for k in stream}):
            c, t = stream.get(("streamCopy", n)), stream.get(("streamTriad", n))
            print(f"| STREAM | {n} | | | | copy {c:.1f} GB/s, triad {t:.1f} GB/s | | |")


if __name__ == "__main__":
    main(sys.argv[1:])
