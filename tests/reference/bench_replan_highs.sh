#!/usr/bin/env bash
# Figures, not a test: the replan (migplan transition --workload-to) and HiGHS on the
# compact integer model (highs_replan.py) on the same generated demand changes, side by
# side in one run: running GPUs touched, the proven minimum, and the wall time of each.
# usage: bench_replan_highs.sh [TIME_LIMIT_S (migplan, default 10)] [HIGHS_LIMIT_S (default 120)]
set -euo pipefail
source "$(dirname "$0")/common.sh"
limit=${1:-10}
highs_limit=${2:-120}
now() { date +%s.%N; }
printf '%-7s %-6s %-5s %5s | %8s %7s %8s | %8s %8s\n' models change rates GPUs touched proven "time s" HiGHS "time s"
# models change seed rate-scale
for case in "100 up30 1 1" "100 down30 1 1" "100 mixed 1 1" "300 up30 1 1" "300 mixed 1 1" "300 up30 1 2" "300 mixed 1 2"; do
  set -- $case
  dir="$work/$1-$2-$3-$4"
  "$migplan" generate --gpu a100-40gb --models "$1" --seed "$3" --change "$2" --out-dir "$dir"
  for w in workload workload-new; do
    python3 - "$dir/$w.csv" "$4" <<'PY'
import csv, sys
path, scale = sys.argv[1], float(sys.argv[2])
rows = list(csv.DictReader(open(path)))
with open(path, "w", newline="") as f:
    out = csv.DictWriter(f, fieldnames=rows[0].keys())
    out.writeheader()
    for r in rows:
        r["rate"] = str(max(1, round(float(r["rate"]) * scale)))
        out.writerow(r)
PY
  done
  "$migplan" plan --gpu a100-40gb --profiles "$dir/profiles.csv" --workload "$dir/workload.csv" --format json > "$dir/running.json"
  running=$(field gpu_count < "$dir/running.json")
  optimum=$("$migplan" plan --gpu a100-40gb --profiles "$dir/profiles.csv" --workload "$dir/workload-new.csv" --format json | field gpu_count)
  start=$(now)
  "$migplan" transition --gpu a100-40gb --profiles "$dir/profiles.csv" --from "$dir/running.json" \
    --workload-from "$dir/workload.csv" --workload-to "$dir/workload-new.csv" --spare 1000 \
    --time-limit "$limit" --format json > "$dir/move.json"
  ours=$(python3 -c "print(f'{$(now) - $start:.1f}')")
  touched=$(field running_touched < "$dir/move.json")
  bound=$(field running_touched_lower_bound < "$dir/move.json")
  start=$(now)
  highs=$(HIGHS_TIME_LIMIT="$highs_limit" python3 tests/reference/highs_replan.py "$work/layouts.json" "$dir/profiles.csv" \
    "$dir/workload-new.csv" "$dir/running.json" "$optimum" 2>&1 | sed -n 's/^touched: //p; s/^HiGHS did not prove optimality.*/no proof/p' || true)
  theirs=$(python3 -c "print(f'{$(now) - $start:.1f}')")
  printf '%-7s %-6s x%-4s %5s | %8s %7s %8s | %8s %8s\n' "$1" "$2" "$4" "$running" "$touched" "$bound" "$ours" "$highs" "$theirs"
done
