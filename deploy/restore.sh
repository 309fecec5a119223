#!/usr/bin/env bash
# Restore: deploy/restore.sh FILE — into the (new, empty) database named by DATABASE_URL; then start the instances.
set -euo pipefail
url="${DATABASE_URL/postgresql+psycopg:/postgresql:}"
pg_restore --no-owner --exit-on-error --dbname "$url" "$1"
