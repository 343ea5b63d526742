#!/usr/bin/env bash
# The replan's proven minimum of running GPUs touched must never exceed HiGHS's optimum of
# the compact integer model (tests/reference/highs_replan.py), and the move it plans must
# never touch fewer than that optimum (it would not be a valid plan). Generated 30-model
# demand changes; prints one line per case and a closing count.
set -euo pipefail
source "$(dirname "$0")/common.sh"
passed=0 failed=0
for change in up30 down30 removed mixed; do
  for seed in 1 2 3; do
    dir="$work/$change-$seed"
    "$migplan" generate --gpu a100-40gb --models 30 --seed "$seed" --change "$change" --out-dir "$dir"
    "$migplan" plan --gpu a100-40gb --profiles "$dir/profiles.csv" --workload "$dir/workload.csv" \
      --seed "$seed" --format json > "$dir/running.json"
    optimum=$("$migplan" plan --gpu a100-40gb --profiles "$dir/profiles.csv" --workload "$dir/workload-new.csv" \
      --format json | field gpu_count)
    "$migplan" transition --gpu a100-40gb --profiles "$dir/profiles.csv" --from "$dir/running.json" \
      --workload-from "$dir/workload.csv" --workload-to "$dir/workload-new.csv" --spare 1000 \
      --time-limit 10 --seed "$seed" --format json > "$dir/move.json"
    touched=$(field running_touched < "$dir/move.json")
    bound=$(field running_touched_lower_bound < "$dir/move.json")
    ref=$(python3 tests/reference/highs_replan.py "$work/layouts.json" "$dir/profiles.csv" \
      "$dir/workload-new.csv" "$dir/running.json" "$optimum" | sed -n 's/^touched: //p')
    if [ "$bound" -le "$ref" ] && [ "$ref" -le "$touched" ]; then
      passed=$((passed + 1)); verdict=ok
    else
      failed=$((failed + 1)); verdict=WRONG
    fi
    echo "change=$change seed=$seed touched=$touched proven=$bound highs=$ref $verdict"
  done
done
echo "highs replan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
