#!/usr/bin/env bash
# Installs npm's packages from package.json when they are missing or older than package.json:
# plotly.js's basic bundle for the charts, and with --dev also axe-core for the browser tests.
# Without npm the app still runs: it then serves the full plotly.js bundle of the Python plotly package.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

wanted=(node_modules/plotly.js-basic-dist-min/plotly-basic.min.js)
[ "$dev" = 1 ] && wanted+=(node_modules/axe-core/axe.min.js)

missing=0
for file in "${wanted[@]}"; do
  [ -f "$file" ] || missing=1
done
[ -f node_modules/.package-lock.json ] && [ ! package.json -nt node_modules/.package-lock.json ] || missing=1
[ "$missing" = 0 ] && exit 0

if ! command -v npm >/dev/null; then
  if [ "$dev" = 1 ]; then
    echo "The browser tests need npm (Node.js) to install axe-core: run 'sudo apt-get install npm'." >&2
    exit 1
  fi
  echo "npm is not installed: the charts use the full plotly.js bundle of the Python package (1.5 MB)." >&2
  exit 0
fi

if [ "$dev" = 1 ]; then
  echo "Installing npm packages (plotly.js basic bundle, axe-core)..."
  npm install --no-audit --no-fund --silent
else
  echo "Installing npm packages (plotly.js basic bundle)..."
  npm install --omit=dev --no-audit --no-fund --silent
fi
