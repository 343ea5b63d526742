#!/usr/bin/env bash
# Serves the migplan web app on http://127.0.0.1:8080 with the bundled example loaded.
# Installs what is missing first (see scripts/web-tools.sh).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/web-tools.sh
echo "migplan: open http://127.0.0.1:8080 (Ctrl-C stops the server)"
exec trunk serve --release
