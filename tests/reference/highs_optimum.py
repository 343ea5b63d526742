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
import sys

from highs_common import add_demand, add_layouts, exact_highs, integer_variable, proven, read_layouts


def main():
    layouts_path, profiles_path, workload_path = sys.argv[1:4]
    layouts, profiles, counts = read_layouts(layouts_path)
    workload = list(csv.DictReader(open(workload_path)))
    rows = list(csv.DictReader(open(profiles_path)))
    capacity = {}
    for w in workload:
        slo = float(w["slo_ms"])
        for r in rows:
            if r["model"] == w["model"] and float(r["latency_ms"]) <= slo and r["profile"] in profiles:
                key = (w["model"], r["profile"])
                capacity[key] = max(capacity.get(key, 0.0), float(r["throughput"]))

    h = exact_highs()
    y = [integer_variable(h, cost=1.0) for _ in layouts]
    z = {key: integer_variable(h) for key in capacity}
    add_layouts(h, z, profiles, counts, y)
    add_demand(h, z, capacity, workload)
    h.minimize()
    if not proven(h):
        sys.exit(f"HiGHS did not prove optimality: {h.modelStatusToString(h.getModelStatus())}")
    print("optimum:", round(h.getInfo().objective_function_value))


if __name__ == "__main__":
    main()
