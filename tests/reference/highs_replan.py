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
import sys

from highs_common import add_demand, add_layouts, exact_highs, integer_variable, proven, read_layouts


def main():
    layouts_path, profiles_path, workload_path, plan_path, budget = sys.argv[1:6]
    layouts, profiles, counts = read_layouts(layouts_path)
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

    h = exact_highs()
    keep, serves = [], []
    for g in running:
        instances = [(i["profile"], i.get("model")) for i in g["instances"]]
        keepable = all(m is None or (m, p) in capacity for p, m in instances)
        keep.append(integer_variable(h, upper=1 if keepable else 0, cost=1.0))
        gives = {}
        for p, m in instances:
            if m is not None and (m, p) in capacity:
                gives[m] = gives.get(m, 0.0) + capacity[(m, p)]
        serves.append(gives)
    y = [integer_variable(h) for _ in layouts]
    z = {key: integer_variable(h) for key in capacity if key[1] in profiles}
    h.addConstr(sum(keep) + sum(y) <= int(budget))
    add_layouts(h, z, profiles, counts, y)
    add_demand(h, z, capacity, workload, kept=lambda m: sum(s[m] * k for s, k in zip(serves, keep) if m in s))
    h.maximize()
    if not proven(h):
        sys.exit(f"HiGHS did not prove optimality: {h.modelStatusToString(h.getModelStatus())}")
    print("touched:", len(running) - round(h.getInfo().objective_function_value))


if __name__ == "__main__":
    main()
