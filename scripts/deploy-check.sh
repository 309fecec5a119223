#!/usr/bin/env bash
# The README's deployment on this machine, from the files in deploy/: nginx (TLS, deploy/nginx/strategitracker.conf)
# in front of two gunicorn instances started with the command of deploy/systemd/strategitracker@.service, the
# migration unit, the environment file deploy/strategitracker.env, PostgreSQL (a database of its own) and Redis.
# Ports, paths and secrets are put in with sed; nginx listens on 127.0.0.1 only. Then scripts/deploy_check.py
# proves the set-up through nginx, and deploy/backup.sh and deploy/restore.sh are run on its data.
# Environment: VENV (default .venv), PGHOST, DEPLOY_REDIS_URL (default redis://127.0.0.1:6379/7; it is emptied).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
PGHOST=${PGHOST:-127.0.0.1}
REDIS_URL=${DEPLOY_REDIS_URL:-redis://127.0.0.1:6379/7}
WORK=$(mktemp -d /tmp/strategitracker-deploy.XXXXXX)
chmod 755 "$WORK"  # nginx workers (another user) write their temporary files below it
DB="strategitracker_deploy_$(date +%s)_$$"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -h "$PGHOST" -U postgres -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  psql -h "$PGHOST" -U postgres -q -c "DROP DATABASE IF EXISTS ${DB}_restored WITH (FORCE)" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
unit_command() { sed -n 's/^ExecStart=//p' "$1"; }

PORT_A=$(free_port); PORT_B=$(free_port); HTTPS_PORT=$(free_port); HTTP_PORT=$(free_port)
echo "deploy check: instances on $PORT_A and $PORT_B, nginx on 127.0.0.1:$HTTPS_PORT (https), database $DB"

"$VENV/bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
psql -h "$PGHOST" -U postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $DB"

# the environment file, with this run's secret, database and Redis
sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$(openssl rand -hex 32)|" \
    -e "s|^DATABASE_URL=.*|DATABASE_URL=postgresql+psycopg://postgres@$PGHOST:5432/$DB|" \
    -e "s|^RATELIMIT_STORAGE_URI=.*|RATELIMIT_STORAGE_URI=$REDIS_URL|" \
    -e "s|^CACHE_REDIS_URL=.*|CACHE_REDIS_URL=$REDIS_URL|" \
    deploy/strategitracker.env > "$WORK/env"
chmod 600 "$WORK/env"
set -a; . "$WORK/env"; set +a

# the units' commands, with this checkout and virtualenv in place of /srv/strategitracker
paths=(-e "s|/srv/strategitracker/.venv|$VENV|g" -e "s|/srv/strategitracker|$ROOT|g")
read -ra migrate <<< "$(unit_command deploy/systemd/strategitracker-migrate.service | sed "${paths[@]}")"
"${migrate[@]}" >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; exit 1; }
FLASK=("$VENV/bin/flask" --app strategitracker)
PASSWORD=$(openssl rand -hex 12)
"${FLASK[@]}" orgs create deploycheck --name "Tjekkommune" >/dev/null
"${FLASK[@]}" users create admin@deploycheck.example --name "Tjek Admin" --password "$PASSWORD" --org deploycheck --role admin >/dev/null
"${FLASK[@]}" users create offer@deploycheck.example --name "Tjek Offer" --password "$PASSWORD" --org deploycheck --role viewer >/dev/null

for port in "$PORT_A" "$PORT_B"; do
  read -ra instance <<< "$(unit_command 'deploy/systemd/strategitracker@.service' | sed "${paths[@]}" -e "s|%i|$port|g")"
  "${instance[@]}" >"$WORK/gunicorn-$port.log" 2>&1 &
  PIDS+=($!)
done

# nginx: the site file with this run's ports and certificate, inside a minimal main configuration
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=strategi.example.dk" \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
sed -e "s|server 127.0.0.1:8001;|server 127.0.0.1:$PORT_A;|" -e "s|server 127.0.0.1:8002;|server 127.0.0.1:$PORT_B;|" \
    -e "s|listen 443 ssl|listen 127.0.0.1:$HTTPS_PORT ssl|" -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|/etc/ssl/certs/strategitracker.crt|$WORK/tls.crt|" -e "s|/etc/ssl/private/strategitracker.key|$WORK/tls.key|" \
    deploy/nginx/strategitracker.conf > "$WORK/site.conf"
if grep -E '^\s*listen' "$WORK/site.conf" | grep -vq '127.0.0.1:'; then
  echo "FAIL  nginx would listen beyond 127.0.0.1" >&2; exit 1
fi
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 256; }
http {
  log_format check '\$request_method \$uri \$status \$upstream_addr';
  access_log $WORK/access.log check;
  client_body_temp_path $WORK/client_body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  include $WORK/site.conf;
}
EOF
nginx -t -q -p "$WORK" -c "$WORK/nginx.conf"
nginx -p "$WORK" -c "$WORK/nginx.conf"

for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$WORK/gunicorn-$port.log"; exit 1; }
done

status=0
CHECK_URL="https://127.0.0.1:$HTTPS_PORT" CHECK_ORG=deploycheck CHECK_EMAIL=admin@deploycheck.example \
  CHECK_PASSWORD="$PASSWORD" CHECK_VICTIM=offer@deploycheck.example CHECK_ACCESS_LOG="$WORK/access.log" \
  CHECK_REDIS_URL="$REDIS_URL" "$VENV/bin/python" scripts/deploy_check.py || status=$?

# backup and restore with the README's scripts: the restored database holds the same rows
deploy/backup.sh "$WORK/backup.dump"
psql -h "$PGHOST" -U postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE ${DB}_restored"
DATABASE_URL="postgresql+psycopg://postgres@$PGHOST:5432/${DB}_restored" deploy/restore.sh "$WORK/backup.dump"
count() { psql -h "$PGHOST" -U postgres -d "$1" -tAc "SELECT (SELECT count(*) FROM strategy), (SELECT count(*) FROM user_account), (SELECT count(*) FROM audit_event)"; }
if [ "$(count "$DB")" = "$(count "${DB}_restored")" ]; then
  echo "PASS  backup and restore: the restored database has the same rows ($(count "$DB"))"
else
  echo "FAIL  backup and restore: $(count "$DB") before, $(count "${DB}_restored") restored"; status=1
fi

[ "$status" -eq 0 ] && echo "deploy check: PASS" || { echo "deploy check: FAIL"; tail -n 20 "$WORK"/gunicorn-*.log "$WORK/nginx-error.log"; }
exit "$status"
