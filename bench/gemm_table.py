#!/usr/bin/env python3
"""Turns JMH JSON results of dev.jvk.bench.gemm into the markdown tables of bench/RESULTS-gemm.md.

usage: bench/gemm_table.py result.json [more.json ...]

GEMM scores are calls/s; GFLOP/s = score * 2mnk / 1e9 (error likewise). GEMV: GFLOP/s = score * 2mn
/ 1e9 and GB/s of A = score * 4mn (or 8mn) / 1e9. ceiling.FmaPeakBench.float512/double512 scores are
ns per call of 2 * lanes * 16 * 1024 flops: the ceiling the "% of FMA ceiling" column divides by. Ratios are to
OpenBLAS in the same files, with the error propagated from both error columns.
"""
import json
import sys
from collections import defaultdict

PEAK = {"float512": 16, "double512": 8}  # ceiling.FmaPeakBench methods quoted, with their lanes


def flops(bench, shape):
    kind, dims = shape.split(":")
    d = [int(x) for x in dims.split("x")]
    if bench in ("SgemvBench", "DgemvBench"):
        return 2 * d[0] * d[1]
    return 2 * d[0] * d[1] * d[2]


def main(files):
    rows = []
    for f in files:
        rows += json.load(open(f))
    peak = {}
    table = defaultdict(dict)  # (bench, threads) -> shape -> impl -> (gflops, err)
    for r in rows:
        cls, method = r["benchmark"].split(".")[-2:]
        score = r["primaryMetric"]["score"]
        err = r["primaryMetric"]["scoreError"]
        if cls == "FmaPeakBench":
            if method in PEAK:  # ns per call of 2 * lanes * 16 * 1024 flops
                flop = 2 * PEAK[method] * 16 * 1024
                kind = "float" if method.startswith("float") else "double"
                peak[kind] = (flop / score, flop * err / score ** 2)
            continue
        p = r.get("params", {})
        if "shape" not in p:
            continue  # another benchmark in the same file
        shape = p["shape"]
        threads = p.get("threads", "1")
        fl = flops(cls, shape)
        table[(cls, threads)].setdefault(shape, {})[method] = (score * fl / 1e9, err * fl / 1e9)
    for kind, (g, e) in sorted(peak.items()):
        print(f"FMA ceiling ({kind}, 512-bit, 16 accumulators): {g:.1f} ± {e:.1f} GFLOP/s\n")
    for (cls, threads), shapes in sorted(table.items()):
        impls = [i for i in ("jvk", "openblas", "netlib", "ejml", "reference", "arrays", "segments") if any(i in s for s in shapes.values())]
        ceiling = peak.get("double" if cls.startswith("D") else "float")
        print(f"### {cls}, {threads} thread{'s' if threads != '1' else ''} (GFLOP/s ± JMH error)\n")
        versus = "segments / arrays" if "arrays" in impls else "jvk / OpenBLAS"
        if cls in ("SgemvBench", "DgemvBench"):
            ceiling = None
        head = "| shape | " + " | ".join(impls) + f" | {versus} |" + (" jvk % of FMA ceiling |" if ceiling else "")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        for shape in shapes:
            s = shapes[shape]
            cells = [f"{s[i][0]:.1f} ± {s[i][1]:.1f}" if i in s else "" for i in impls]
            ratio = ""
            base = "arrays" if "arrays" in s else "openblas"
            if ("jvk" in s or "segments" in s) and base in s and s[base][0] > 0:
                (j, je), (o, oe) = s["jvk"] if "jvk" in s else s["segments"], s[base]
                q = j / o
                qe = q * ((je / j) ** 2 + (oe / o) ** 2) ** 0.5 if j > 0 else 0
                ratio = f"{q:.2f} ± {qe:.2f}"
            pct = f"{100 * s['jvk'][0] / ceiling[0]:.0f}%" if ceiling and "jvk" in s else ""
            if cls in ("SgemvBench", "DgemvBench") and "jvk" in s:
                d = [int(x) for x in shape.split(":")[1].split("x")]
                ratio += f" (jvk reads A at {s['jvk'][0] * 2:.0f} GB/s)"
            print(f"| {shape} | " + " | ".join(cells) + f" | {ratio} |" + (f" {pct} |" if ceiling else ""))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
