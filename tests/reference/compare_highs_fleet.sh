#!/usr/bin/env bash
# On generated A100-40GB + H100-80GB mixes (the H100 twice as fast at 1.75 times the price),
# the exact planner's cost must equal HiGHS's optimum of the compact model
# (tests/reference/highs_fleet.py), and its proven bound must reach it: a bound above the
# optimum would be a false proof, one below an unproven plan. Prints one line per case.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$migplan" layouts --gpu h100-80gb --format json > "$work/h100.json"
passed=0 failed=0
for models in 12 30; do
  dir="$work/mix-$models"
  "$migplan" bench-fleet --gpu a100-40gb --gpu h100-80gb --cost h100-80gb=1.75 --models "$models" \
    --seeds 3 --time-limit 20 --out-dir "$dir" > /dev/null
  for seed in 1 2 3; do
    read -r ours lower < <("$migplan" plan --gpu a100-40gb --gpu h100-80gb --cost h100-80gb=1.75 \
      --profiles "$dir/profiles-$seed.csv" --workload "$dir/workload-$seed.csv" --solver exact \
      --time-limit 30 --format json | python3 -c 'import json,sys; c=json.load(sys.stdin)["cost"]; print(c["total"], c["lower"])')
    ref=$(python3 tests/reference/highs_fleet.py "$dir/profiles-$seed.csv" "$dir/workload-$seed.csv" \
      "a100-40gb=1:$work/layouts.json" "h100-80gb=1.75:$work/h100.json" | sed -n 's/^optimum: //p')
    if python3 -c "import sys; o, l, r = map(float, sys.argv[1:]); sys.exit(abs(o - r) > 1e-6 or abs(l - r) > 1e-6)" "$ours" "$lower" "$ref"; then
      passed=$((passed + 1)); verdict=ok
    else
      failed=$((failed + 1)); verdict=DIFFERENT
    fi
    echo "mix models=$models seed=$seed migplan=$ours bound=$lower highs=$ref $verdict"
  done
done
echo "highs fleet: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
