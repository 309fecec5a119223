#!/usr/bin/env bash
# Installs what the browser tests need when it is missing: Debian's Chromium and npm's packages (axe-core).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium (Debian package) for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2
    exit 1
  fi
fi

./scripts/ensure-assets.sh --dev
