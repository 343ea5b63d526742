#!/usr/bin/env bash
# Installs what building the web app needs, when missing: the wasm32 target, trunk 0.21.14,
# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (trunk
# cannot download it here), mdbook 0.5.4 (the docs) and binaryen's wasm-opt. Sourced by run.sh and test.sh.
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

# mdBook builds the docs into the site (scripts/post-build.py).
if [ "$(mdbook --version 2>/dev/null)" != "mdbook v0.5.4" ]; then
  echo "installing mdbook 0.5.4 (a few minutes, once)"
  cargo install --locked mdbook --version 0.5.4
fi

# wasm-opt for Trunk's release build (see Trunk.toml's [tools]): Debian's binaryen 108
# cannot read what rustc and wasm-bindgen emit now, so binaryen 132 comes from npm, pinned.
wasm_opt_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/wasm-opt"
if [ "$("$wasm_opt_dir/node_modules/.bin/wasm-opt" --version 2>/dev/null)" != "wasm-opt version 132 (version_132)" ]; then
  echo "installing binaryen 132 (wasm-opt) from npm"
  npm ci --prefix "$wasm_opt_dir" --no-audit --no-fund --silent
fi
export PATH="$wasm_opt_dir/node_modules/.bin:$PATH"
