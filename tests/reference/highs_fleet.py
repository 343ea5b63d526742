#!/usr/bin/env python3
"""Independent optimum of a mixed fleet's cost, by HiGHS on the compact integer model.

For GPU types t at prices c_t, with each type's maximal layouts from
`migplan layouts --gpu T --format json`, solves
    min sum_t c_t sum_L y_tL
    s.t. sum_m z_mtp <= sum_L count(L,p) y_tL           for every type t and profile p of t
         sum_tp capacity(m,t,p) z_mtp >= rate(m)         for every model m
with HiGHS (PyPI `highspy`) and prints the optimal cost. A profile row with a `gpu` column
belongs to that type alone, one without it to every type; a row may name a profile in
full or by its short form `Ng` (the plain profile of N compute slices). Capacity is the
best throughput within the model's SLO, recomputed here from the rows: shares no code
with migplan's solvers.

usage: highs_fleet.py PROFILES_CSV WORKLOAD_CSV TYPE=PRICE:LAYOUTS_JSON ...
(HIGHS_TIME_LIMIT, in seconds, defaults to 600)
"""
import csv
import re
import sys

from highs_common import add_demand, exact_highs, integer_variable, proven, read_layouts


def main():
    profiles_path, workload_path = sys.argv[1:3]
    types = []
    for arg in sys.argv[3:]:
        name, rest = arg.split("=", 1)
        price, layouts_path = rest.split(":", 1)
        _, names, counts = read_layouts(layouts_path)
        types.append((name, float(price), names, counts))
    workload = list(csv.DictReader(open(workload_path)))
    rows = list(csv.DictReader(open(profiles_path)))

    def full_name(written, names):
        if written in names:
            return written
        short = re.fullmatch(r"(\d+)g", written)
        if short:
            # The plain profile of that many compute slices: the one whose name starts so
            # and has the least memory (layouts list plain profiles only).
            found = [p for p in names if p.startswith(short.group(1) + "g.")]
            return found[0] if len(found) == 1 else None
        return None

    capacity = {}
    for w in workload:
        slo = float(w["slo_ms"])
        for r in rows:
            if r["model"] != w["model"] or float(r["latency_ms"]) > slo:
                continue
            for name, _, names, _ in types:
                if r.get("gpu") and r["gpu"] != name:
                    continue
                p = full_name(r["profile"], names)
                if p is not None:
                    key = (w["model"], name, p)
                    capacity[key] = max(capacity.get(key, 0.0), float(r["throughput"]))

    h = exact_highs()
    z = {key: integer_variable(h) for key in capacity}
    for name, price, names, counts in types:
        y = [integer_variable(h, cost=price) for _ in counts]
        for p in names:
            h.addConstr(sum(z[k] for k in z if k[1] == name and k[2] == p)
                        - sum(c[p] * v for c, v in zip(counts, y) if c[p]) <= 0)
    add_demand(h, z, capacity, workload)
    h.minimize()
    if not proven(h):
        info = h.getInfo()
        sys.exit("HiGHS did not prove optimality (%s): best %.6g, bound %.6g" % (
            h.modelStatusToString(h.getModelStatus()), info.objective_function_value, info.mip_dual_bound))
    print("optimum: %.6g" % h.getInfo().objective_function_value)


if __name__ == "__main__":
    main()
