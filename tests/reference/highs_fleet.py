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
import json
import os
import re
import sys

import highspy


def main():
    profiles_path, workload_path = sys.argv[1:3]
    types = []
    for arg in sys.argv[3:]:
        name, rest = arg.split("=", 1)
        price, layouts_path = rest.split(":", 1)
        layouts = json.load(open(layouts_path))
        names = sorted({i["profile"] for layout in layouts for i in layout})
        counts = [{p: sum(1 for i in layout if i["profile"] == p) for p in names} for layout in layouts]
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

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", float(os.environ.get("HIGHS_TIME_LIMIT", "600")))
    inf = highspy.kHighsInf
    integer = highspy.HighsVarType.kInteger
    z = {key: h.addVariable(lb=0, ub=inf, obj=0.0, type=integer) for key in capacity}
    for name, price, names, counts in types:
        y = [h.addVariable(lb=0, ub=inf, obj=price, type=integer) for _ in counts]
        for p in names:
            h.addConstr(sum(z[k] for k in z if k[1] == name and k[2] == p)
                        - sum(c[p] * v for c, v in zip(counts, y) if c[p]) <= 0)
    for w in workload:
        rate = float(w["rate"])
        if rate > 0:
            h.addConstr(sum(capacity[k] * z[k] for k in z if k[0] == w["model"]) >= rate * (1 - 1e-9))
    h.minimize()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        info = h.getInfo()
        sys.exit("HiGHS did not prove optimality (%s): best %.6g, bound %.6g" % (
            h.modelStatusToString(h.getModelStatus()), info.objective_function_value, info.mip_dual_bound))
    print("optimum: %.6g" % h.getInfo().objective_function_value)


if __name__ == "__main__":
    main()
