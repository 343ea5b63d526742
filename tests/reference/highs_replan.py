#!/usr/bin/env python3
"""Independent minimum of running GPUs touched by a replan, by HiGHS on a compact integer model.

Given the running plan (JSON), the profiles, the new workload and a GPU budget N, solves
    max  sum_r k_r                                   (running GPUs kept as they are)
    s.t. sum_r k_r + sum_L y_L <= N
         sum_m z_mp <= sum_L count(L,p) y_L          for every profile p
         sum_p capacity(m,p) z_mp + sum_r k_r capacity(r,m) >= rate(m)   for every model m
         k_r binary, 0 for a GPU serving a model the new demand lacks or cannot run there
with HiGHS (PyPI `highspy`) and prints the fewest running GPUs touched (len(running) - max).
Capacities are recomputed from the rows; shares no code with migplan.

usage: highs_replan.py LAYOUTS_JSON PROFILES_CSV NEW_WORKLOAD_CSV RUNNING_PLAN_JSON BUDGET
(HIGHS_TIME_LIMIT, in seconds, defaults to 600)
"""
import csv
import json
import os
import sys

import highspy


def main():
    layouts_path, profiles_path, workload_path, plan_path, budget = sys.argv[1:6]
    layouts = json.load(open(layouts_path))
    profiles = sorted({i["profile"] for layout in layouts for i in layout})
    counts = [{p: sum(1 for i in layout if i["profile"] == p) for p in profiles} for layout in layouts]
    workload = list(csv.DictReader(open(workload_path)))
    rows = list(csv.DictReader(open(profiles_path)))
    capacity = {}
    for w in workload:
        slo = float(w["slo_ms"])
        for r in rows:
            if r["model"] == w["model"] and float(r["latency_ms"]) <= slo:
                key = (w["model"], r["profile"])
                capacity[key] = max(capacity.get(key, 0.0), float(r["throughput"]))
    running = json.load(open(plan_path))["gpus"]

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", float(os.environ.get("HIGHS_TIME_LIMIT", "600")))
    inf = highspy.kHighsInf
    integer = highspy.HighsVarType.kInteger
    keep, serves = [], []
    for g in running:
        instances = [(i["profile"], i.get("model")) for i in g["instances"]]
        keepable = all(m is None or (m, p) in capacity for p, m in instances)
        keep.append(h.addVariable(lb=0, ub=1 if keepable else 0, obj=1.0, type=integer))
        gives = {}
        for p, m in instances:
            if m is not None and (m, p) in capacity:
                gives[m] = gives.get(m, 0.0) + capacity[(m, p)]
        serves.append(gives)
    y = [h.addVariable(lb=0, ub=inf, obj=0.0, type=integer) for _ in layouts]
    z = {key: h.addVariable(lb=0, ub=inf, obj=0.0, type=integer) for key in capacity if key[1] in profiles}
    h.addConstr(sum(keep) + sum(y) <= int(budget))
    for p in profiles:
        h.addConstr(sum(z[k] for k in z if k[1] == p) - sum(c[p] * v for c, v in zip(counts, y) if c[p]) <= 0)
    for w in workload:
        rate = float(w["rate"])
        if rate > 0:
            m = w["model"]
            kept = sum(s[m] * k for s, k in zip(serves, keep) if m in s)
            h.addConstr(sum(capacity[k] * z[k] for k in z if k[0] == m) + kept >= rate * (1 - 1e-9))
    h.maximize()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        sys.exit(f"HiGHS did not prove optimality: {h.modelStatusToString(h.getModelStatus())}")
    print("touched:", len(running) - round(h.getInfo().objective_function_value))


if __name__ == "__main__":
    main()
