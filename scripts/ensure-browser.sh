#!/usr/bin/env bash
# Installs what the browser tests need when it is missing: Debian's Chromium, LibreOffice Writer (the Word
# report is checked by converting it to PDF) and npm's packages (axe-core). Fast when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# need <file that shows it is installed> <Debian package> <what it is for>
need() {
  [ -x "$1" ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing $2 (Debian package) for $3..."
    [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "The tests need $1 for $3: run 'sudo apt-get install $2'." >&2
    exit 1
  fi
}

need /usr/bin/chromium chromium "the browser tests"
need /usr/bin/soffice libreoffice-writer-nogui "the Word report's test"

./scripts/ensure-assets.sh --dev
