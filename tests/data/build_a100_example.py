#!/usr/bin/env python3
"""Builds static/examples/a100-40gb-profiles.csv and a100-40gb-workload.csv.

Real rows: every MIGPerf measurement of five language models on A100-40GB
(../shared/data/migperf/A100-40GB, profile ids 19/14/9/0 = 1g.5gb/2g.10gb/3g.20gb/7g.40gb;
MIGPerf has no 4g runs, so these models have no 4g rows). Synthetic rows: seven models from
`migplan generate --gpu a100-40gb --models 7 --seed 42`, renamed synthetic-*, marked
`synthetic` in the source column. Run from the repository root after `cargo build --release`.
"""
import csv
import glob
import os
import subprocess
import sys
import tempfile

PROFILE = {"19": "1g.5gb", "14": "2g.10gb", "9": "3g.20gb", "0": "7g.40gb"}
SOURCE = "../shared/data/migperf/A100-40GB"
# Rates (requests/s) and SLOs (ms) chosen for the example: a mix of small and large services.
WORKLOAD = {
    "bert-base-multilingual-cased": (900, 60),
    "distiluse-base-multilingual-cased-v1": (2500, 30),
    "distiluse-base-multilingual-cased-v2": (1200, 30),
    "paraphrase-multilingual-MiniLM-L12-v2": (3000, 25),
    "paraphrase-multilingual-mpnet-base-v2": (700, 60),
}

rows = []
for path in sorted(glob.glob(f"{SOURCE}/*_MIG_profile_*.csv")):
    profile = PROFILE[path.rsplit("_", 1)[1].removesuffix(".csv")]
    for r in csv.DictReader(open(path)):
        rows.append([r["model_name"], profile, r["batch_size"], r["latency"], r["throughput"], 1, "migperf"])

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["target/release/migplan", "generate", "--gpu", "a100-40gb", "--models", "7",
                    "--seed", "42", "--out-dir", tmp], check=True)
    synthetic = list(csv.DictReader(open(os.path.join(tmp, "profiles.csv"))))
    synthetic_workload = list(csv.DictReader(open(os.path.join(tmp, "workload.csv"))))
for r in synthetic:
    rows.append([r["model"], r["profile"], r["batch"], r["latency_ms"], r["throughput"], r["processes"], "synthetic"])

os.makedirs("static/examples", exist_ok=True)
with open("static/examples/a100-40gb-profiles.csv", "w", newline="") as f:
    f.write("# MIGPerf rows are real A100-40GB measurements (no 4g runs exist); synthetic-* rows are generated.\n")
    w = csv.writer(f)
    w.writerow(["model", "profile", "batch", "latency_ms", "throughput", "processes", "source"])
    w.writerows(rows)
with open("static/examples/a100-40gb-workload.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["model", "rate", "slo_ms"])
    for model, (rate, slo) in WORKLOAD.items():
        w.writerow([model, rate, slo])
    for r in synthetic_workload:
        w.writerow([r["model"], r["rate"], r["slo_ms"]])
print(f"{len(rows)} profile rows, {len(WORKLOAD) + len(synthetic_workload)} models", file=sys.stderr)
