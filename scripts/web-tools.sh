#!/usr/bin/env bash
# Installs what building the web app needs, when missing: the wasm32 target, trunk 0.21.14,
# and wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (trunk
# cannot download it here). Sourced by run.sh and test.sh.
set -euo pipefail

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  echo "installing trunk 0.21.14 (about 5 minutes, once)"
  cargo install trunk --version 0.21.14 --locked
fi

bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen" ]; then
  echo "installing wasm-bindgen-cli $bindgen (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$bindgen"
fi
