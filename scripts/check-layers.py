#!/usr/bin/env python3
"""Checks the module graph of every crate: no import cycles, and each folder imports only
what ARCHITECTURE.md says it may; and that no source file grows past 350 lines without
saying why. Run by ./test.sh; prints the graph's size and exits 1 on any problem.

A module is a file (`src/a/b.rs` is `a::b`, `src/a/mod.rs` is `a`). An edge is any path
into another module: `crate::a::b`, `super::x` (and each item of `super::{x, y}`), or a
child module named by its own name (`exchange::plan_transition` inside `moves`). Comments
are ignored.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What each top-level folder of migplan-core may import, besides itself. The flow:
# hardware -> problem -> solve -> moves -> workflow, with plan (JSON types) below all, check
# beside solve and never importing it, export from plan only.
# sorting (one instance of the standard sort) is beneath everything but check, which shares
# no code with the planners. text (names, CSV quoting, terminal safety: the rules at the
# edges) is beneath every folder that reads or writes text, the checker included.
CORE_LAYERS = {
    "sorting": [],
    "text": [],
    "hardware": ["sorting"],
    "problem": ["hardware", "sorting", "text"],
    "plan": [],
    "solve": ["hardware", "problem", "plan", "sorting"],
    "check": ["hardware", "problem::input", "plan", "text"],
    "moves": ["hardware", "problem", "plan", "solve", "sorting"],
    "export": ["hardware", "plan", "sorting", "text"],
    # A running cluster read as a plan, a move written as a runbook: the formats of export,
    # the steps a move replays to.
    "cluster": ["hardware", "plan", "export", "problem::input", "moves::replay", "sorting", "text"],
    "workflow": None,  # the top: may import everything
}
# The core modules that read the clock or the cancel flag: Control, for every search, and
# workflow's planning, which times the phases around them.
CLOCK_READERS = {"solve::control", "workflow", "workflow::planning"}
# Panels of the page (panels/) never import one another (Yew's todomvc: one reducer, small
# components). The state, the worker and the page's logic draw nothing: they never import
# panels/, share/ (the link's views and saving live there) or the app, so all of them are
# tested natively.
WEB_PANELS = {"inputs", "results", "moves", "capacity"}
WEB_UNDRAWN = {"state", "worker", "logic"}
# A file past this many lines usually holds two rooms; a longer one says why at its top.
MAX_LINES = 350


def modules(src: Path):
    """Module path (tuple) -> file, for every .rs file under src."""
    found = {}
    for f in sorted(src.rglob("*.rs")):
        rel = f.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] in ("mod", "lib", "main") or (len(parts) == 2 and parts[0] == "bin"):
            parts = parts[:-1]
        if parts and parts[0] == "bin":
            continue  # binaries beside lib.rs are crates of their own
        found[tuple(parts)] = f
    return found


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.split("\n"))


def resolve(path, mods):
    """The longest prefix of `path` that is a module."""
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in mods:
            return tuple(path[:n])
    return ()


def edges(mods):
    graph = {m: set() for m in mods}
    for m, f in mods.items():
        text = strip_comments(f.read_text())
        children = {c[-1] for c in mods if len(c) == len(m) + 1 and c[: len(m)] == m}
        targets = []
        for match in re.finditer(r"\bcrate((?:::\w+)*)::\{([^}]*)\}", text):
            prefix = match.group(1).strip(":").split("::") if match.group(1) else []
            for item in match.group(2).split(","):
                targets.append(prefix + [p for p in item.strip().split("::") if p])
        for match in re.finditer(r"\bcrate((?:::\w+)+)", text):
            targets.append(match.group(1).strip(":").split("::"))
        inline_tests = text.find("mod tests {")

        def above(match):
            """The module the `super::` path at `match` starts from: inside a file's inline
            `mod tests { .. }`, `super` is the file itself."""
            up = match.group(1).count("super::")
            if 0 <= inline_tests < match.start():
                up -= 1
            return list(m)[: len(m) - up]

        for match in re.finditer(r"\b((?:super::)+)((?:\w+::)*\w+)", text):
            targets.append(above(match) + match.group(2).split("::"))
        # `use super::{a, b::c}`: each item is an import too.
        for match in re.finditer(r"\b((?:super::)+)((?:\w+::)*)\{([^}]*)\}", text):
            prefix = [p for p in match.group(2).split("::") if p]
            for item in match.group(3).split(","):
                targets.append(above(match) + prefix + [p for p in item.strip().split("::") if p])
        for match in re.finditer(r"(?<![\w:])(\w+)::", text):
            if match.group(1) in children:
                targets.append(list(m) + [match.group(1)])
        for t in targets:
            target = resolve(t, mods)
            if target != m:
                graph[m].add(target)
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def name(m):
    return "::".join(m) or "crate"


def allowed(rule, target):
    t = name(target)
    return any(t == a or t.startswith(a + "::") for a in rule)


def main():
    problems = []
    for crate in sorted((ROOT / "crates").iterdir()):
        src = crate / "src"
        if not src.is_dir():
            continue
        mods = modules(src)
        graph = edges(mods)
        for scc in cycles(graph):
            problems.append(f"{crate.name}: import cycle between {', '.join(name(m) for m in scc)}")
        n_edges = sum(len(v) for v in graph.values())
        print(f"{crate.name}: {len(mods)} modules, {n_edges} imports between them")
        if crate.name == "migplan-core":
            for m, targets in graph.items():
                if not m or CORE_LAYERS.get(m[0]) is None:
                    continue
                rule = CORE_LAYERS[m[0]]
                for t in targets:
                    if t and t[0] != m[0] and not allowed(rule, t):
                        problems.append(f"migplan-core: {name(m)} imports {name(t)}, which {m[0]}/ may not")
            for m, f in mods.items():
                text = strip_comments(f.read_text())
                if name(m) not in CLOCK_READERS and re.search(r"\bInstant\b|web_time|\.load\(Ordering", text):
                    problems.append(f"migplan-core: {name(m)} reads the clock or the cancel flag outside Control")
        if crate.name == "migplan-web":
            panel = lambda m: m[1] if len(m) > 1 and m[0] == "panels" and m[1] in WEB_PANELS else None
            for m, targets in graph.items():
                for t in targets:
                    if panel(m) and panel(t) and panel(m) != panel(t):
                        problems.append(f"migplan-web: panel {name(m)} imports panel {name(t)}")
                    if m and t and m[0] in WEB_UNDRAWN and t[0] not in WEB_UNDRAWN:
                        problems.append(f"migplan-web: {name(m)} imports {name(t)}, which {m[0]}/ may not")
    for f in sorted(ROOT.glob("crates/*/src/**/*.rs")) + sorted(ROOT.glob("crates/*/tests/*.rs")):
        lines = f.read_text().split("\n")
        if len(lines) > MAX_LINES and f"longer than {MAX_LINES} lines" not in "\n".join(lines[:8]):
            problems.append(f"{f.relative_to(ROOT)}: {len(lines)} lines; split it, or say at its top why it is longer than {MAX_LINES}")
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("no import cycles, no forbidden imports")


main()
