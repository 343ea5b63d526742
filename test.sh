#!/usr/bin/env bash
# Runs every test of migplan. Installs what is missing on a fresh machine: the wasm32 target
# (the core must build for the browser) and HiGHS's Python package (the reference optimum).
set -euo pipefail
cd "$(dirname "$0")"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! python3 -c 'import highspy' 2>/dev/null; then
  python3 -m pip install --quiet --root-user-action=ignore highspy
fi

echo "== the core builds for wasm32"
cargo build --locked -p migplan-core --target wasm32-unknown-unknown

echo "== unit, property, CLI and data tests"
cargo test --locked --workspace

echo "== exact planner against HiGHS"
cargo build --locked --release -p migplan-cli
bash tests/reference/compare_highs.sh
