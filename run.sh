#!/usr/bin/env bash
# Plans the bundled example (12 models on A100-40GB) with the command-line planner.
# Extra arguments go to `migplan plan`, e.g. ./run.sh --format json
set -euo pipefail
cd "$(dirname "$0")"
cargo build --locked --release -q -p migplan-cli
exec target/release/migplan plan --gpu a100-40gb \
  --profiles static/examples/a100-40gb-profiles.csv \
  --workload static/examples/a100-40gb-workload.csv "$@"
