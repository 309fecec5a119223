#!/usr/bin/env bash
# Backup: deploy/backup.sh FILE — a pg_dump (custom format) of the database named by DATABASE_URL.
set -euo pipefail
url="${DATABASE_URL/postgresql+psycopg:/postgresql:}"
pg_dump --format=custom --no-owner --file "$1" "$url"
