#!/usr/bin/env bash
# Runs every test of migplan. Installs what is missing on a fresh machine: the web toolchain
# (scripts/web-tools.sh), HiGHS's Python package (the reference optimum), kubernetes-validate
# (the exported manifests against the Kubernetes schemas), Debian's Chromium
# (browser tests), Debian's shellcheck (the move runbook) and playwright-core from npm
# (drives Chromium).
set -euo pipefail
cd "$(dirname "$0")"

source scripts/web-tools.sh
if ! python3 -c 'import highspy' 2>/dev/null; then
  python3 -m pip install --quiet --root-user-action=ignore highspy
fi
# The Kubernetes schemas ship inside the package (offline); crates/migplan-core/tests/exports.rs
# runs it on the exported manifests, and fails without it since MIGPLAN_REQUIRE_VALIDATOR is set.
if ! command -v kubernetes-validate >/dev/null || ! kubernetes-validate --version | grep -q '1\.37\.0'; then
  python3 -m pip install --quiet --root-user-action=ignore kubernetes-validate==1.37.0
fi
export MIGPLAN_REQUIRE_VALIDATOR=1
if ! [ -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the browser tests need Debian's chromium: run 'apt-get install chromium' as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
# crates/migplan-cli/tests/runbook.rs runs shellcheck on the move runbook, and fails without
# it since MIGPLAN_REQUIRE_SHELLCHECK is set.
if ! command -v shellcheck >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the runbook test needs Debian's shellcheck: run 'apt-get install shellcheck' as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck
fi
export MIGPLAN_REQUIRE_SHELLCHECK=1

echo "== module layers: no import cycles, no import against the flow"
python3 scripts/check-layers.py

echo "== the core builds for wasm32"
cargo build --locked -p migplan-core --target wasm32-unknown-unknown

echo "== unit, property, CLI and data tests"
cargo test --locked --workspace

echo "== exact planner and replan against HiGHS"
cargo build --locked --release -p migplan-cli
bash tests/reference/compare_highs.sh
bash tests/reference/compare_highs_replan.sh
bash tests/reference/compare_highs_fleet.sh

echo "== web app in headless Chromium"
trunk build --release
(cd tests/browser && npm ci --no-audit --no-fund --silent)
npm --prefix tests/browser test
