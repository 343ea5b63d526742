#!/usr/bin/env bash
# The exact planner's GPU count must equal HiGHS's optimum of the compact model on generated
# workloads of 5 to 100 models. Prints one line per workload and a closing count.
set -euo pipefail
source "$(dirname "$0")/common.sh"
passed=0 failed=0
for models in 5 10 24 50 100; do
  for seed in 1 2 3; do
    dir="$work/$models-$seed"
    "$migplan" generate --gpu a100-40gb --models "$models" --seed "$seed" --out-dir "$dir"
    ours=$("$migplan" plan --gpu a100-40gb --profiles "$dir/profiles.csv" --workload "$dir/workload.csv" \
      --solver exact --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["gpu_count"])')
    ref=$(python3 tests/reference/highs_optimum.py "$work/layouts.json" "$dir/profiles.csv" "$dir/workload.csv" \
      | sed -n 's/^optimum: //p')
    if [ "$ours" = "$ref" ]; then
      passed=$((passed + 1)); verdict=ok
    else
      failed=$((failed + 1)); verdict=DIFFERENT
    fi
    echo "models=$models seed=$seed migplan=$ours highs=$ref $verdict"
  done
done
echo "highs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
