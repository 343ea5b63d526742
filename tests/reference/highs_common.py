"""What the HiGHS reference scripts share: the layouts as `migplan layouts --format json`
writes them, a solver asked for a proven optimum, and each model's demand constraint.
Shares no code with migplan."""
import json
import os

import highspy


def read_layouts(path):
    """The layouts of a layouts JSON, its profile names, and each layout's count per profile."""
    layouts = json.load(open(path))
    profiles = sorted({i["profile"] for layout in layouts for i in layout})
    counts = [{p: sum(1 for i in layout if i["profile"] == p) for p in profiles} for layout in layouts]
    return layouts, profiles, counts


def exact_highs():
    """A silent HiGHS that stops only at a proven optimum or after HIGHS_TIME_LIMIT seconds
    (600 by default)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", float(os.environ.get("HIGHS_TIME_LIMIT", "600")))
    return h


def integer_variable(h, upper=highspy.kHighsInf, cost=0.0):
    return h.addVariable(lb=0, ub=upper, obj=cost, type=highspy.HighsVarType.kInteger)


def add_layouts(h, z, profiles, counts, y):
    """The instances `z` of each profile (keyed by profile second) fit in the layouts `y`."""
    for p in profiles:
        h.addConstr(sum(z[k] for k in z if k[1] == p) - sum(c[p] * v for c, v in zip(counts, y) if c[p]) <= 0)


def add_demand(h, z, capacity, workload, kept=lambda model: 0):
    """Every model with a rate is served: what its instances `z` (keyed by model first) give,
    plus `kept(model)`, covers its rate."""
    for w in workload:
        rate = float(w["rate"])
        if rate > 0:
            m = w["model"]
            h.addConstr(sum(capacity[k] * z[k] for k in z if k[0] == m) + kept(m) >= rate * (1 - 1e-9))


def proven(h):
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal
