#!/usr/bin/env python3
"""Builds static/examples/a100-80gb-parvagpu-profiles.csv and -workload.csv from ParvaGPU's
published A100-80GB measurements (../shared/data/parvagpu, MIT licence, (c) 2024 sslab6943).

Profiles: `Mig instance` 1/2/3/4/7 = 1g.10gb/2g.20gb/3g.40gb/4g.40gb/7g.80gb, `Workload
Number` = MPS processes, latency converted from seconds to ms; rows of 0,0 (out of memory)
are dropped. ParvaGPU's `Throughput` is per MPS process: its own deployments meet their
request rates only when it is multiplied by the process count, so the instance total written
here is Throughput x processes. Workload: ParvaGPU's SLO scenario 2 (all eleven models). Run from the
repository root.
"""
import csv
import glob
import os

PROFILE = {"1": "1g.10gb", "2": "2g.20gb", "3": "3g.40gb", "4": "4g.40gb", "7": "7g.80gb"}
SOURCE = "../shared/data/parvagpu"
SCENARIO = 2

models = sorted(os.path.basename(p).removesuffix(".csv") for p in glob.glob(f"{SOURCE}/prof_data/*.csv"))
rows = []
for model in models:
    for r in csv.DictReader(open(f"{SOURCE}/prof_data/{model}.csv")):
        if float(r["Throughput"]) <= 0 or float(r["Latency"]) <= 0:
            continue
        latency_ms = round(float(r["Latency"]) * 1000, 3)
        processes = int(r["Workload Number"])
        total = round(float(r["Throughput"]) * processes, 3)
        rows.append([model, PROFILE[r["Mig instance"]], r["Batch size"], latency_ms, total, processes])
rates = list(csv.reader(open(f"{SOURCE}/SLO/SLO_req_rate.csv")))[SCENARIO - 1]
slos = list(csv.reader(open(f"{SOURCE}/SLO/SLO_latency.csv")))[SCENARIO - 1]

with open("static/examples/a100-80gb-parvagpu-profiles.csv", "w", newline="") as f:
    f.write("# ParvaGPU (SC'24) A100-80GB measurements, MIT licence (c) 2024 sslab6943; processes = MPS processes; throughput = per-process figure x processes.\n")
    w = csv.writer(f)
    w.writerow(["model", "profile", "batch", "latency_ms", "throughput", "processes"])
    w.writerows(rows)
with open("static/examples/a100-80gb-parvagpu-workload.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["model", "rate", "slo_ms"])
    for model, rate, slo in zip(models, rates, slos):
        if rate.strip() != "N/A":
            w.writerow([model, rate.strip(), slo.strip()])
