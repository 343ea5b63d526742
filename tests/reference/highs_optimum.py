#!/usr/bin/env python3
"""Independent optimum for a migplan problem, by HiGHS on the compact integer model.

Reads the same profiles and workload CSVs as `migplan plan`, takes the maximal layouts from
`migplan layouts --format json`, and solves method.md's model
    min sum_L y_L
    s.t. sum_m z_mp <= sum_L count(L,p) y_L      for every profile p
         sum_p capacity(m,p) z_mp >= rate(m)     for every model m
with HiGHS (PyPI `highspy`). Prints the optimal GPU count. Shares no code with migplan's
solvers: capacity is recomputed here from the rows.

usage: highs_optimum.py LAYOUTS_JSON PROFILES_CSV WORKLOAD_CSV
"""
import csv
import json
import sys

import highspy


def main():
    layouts_path, profiles_path, workload_path = sys.argv[1:4]
    layouts = json.load(open(layouts_path))
    profiles = sorted({i["profile"] for layout in layouts for i in layout})
    counts = [{p: sum(1 for i in layout if i["profile"] == p) for p in profiles} for layout in layouts]
    workload = list(csv.DictReader(open(workload_path)))
    rows = list(csv.DictReader(open(profiles_path)))
    capacity = {}
    for w in workload:
        slo = float(w["slo_ms"])
        for r in rows:
            if r["model"] == w["model"] and float(r["latency_ms"]) <= slo and r["profile"] in profiles:
                key = (w["model"], r["profile"])
                capacity[key] = max(capacity.get(key, 0.0), float(r["throughput"]))

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    inf = highspy.kHighsInf
    y = [h.addIntegral(lb=0, ub=inf, obj=1.0) if hasattr(h, "addIntegral") else None for _ in layouts]
    if y[0] is None:
        y = [h.addVariable(lb=0, ub=inf, obj=1.0, type=highspy.HighsVarType.kInteger) for _ in layouts]
    z = {key: h.addVariable(lb=0, ub=inf, obj=0.0, type=highspy.HighsVarType.kInteger) for key in capacity}
    for p in profiles:
        h.addConstr(sum(z[k] for k in z if k[1] == p) - sum(c[p] * v for c, v in zip(counts, y) if c[p]) <= 0)
    for w in workload:
        rate = float(w["rate"])
        if rate > 0:
            h.addConstr(sum(capacity[k] * z[k] for k in z if k[0] == w["model"]) >= rate * (1 - 1e-9))
    h.minimize()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        sys.exit(f"HiGHS did not prove optimality: {h.modelStatusToString(h.getModelStatus())}")
    print("optimum:", round(h.getInfo().objective_function_value))


if __name__ == "__main__":
    main()
