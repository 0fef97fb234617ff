#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite and print its URL.
# PostgreSQL refuses to run as root, so it runs as the `postgres` user in a temp dir.
# With PG_HOME_FILE set, the server's folder is written there (its `stop` script inside).
set -euo pipefail

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin_dir" ]; then
  echo "PostgreSQL server binaries not found; installing" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin_dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

data_dir=$(mktemp -d /tmp/escbot-pg.XXXXXX)
port=${PGPORT_FOR_TESTS:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$data_dir"; fi
as_postgres "$bin_dir/initdb" -D "$data_dir/data" -U postgres -A trust --no-sync >/dev/null
as_postgres "$bin_dir/pg_ctl" -D "$data_dir/data" -l "$data_dir/log" -w -t 60 \
  -o "-p $port -k $data_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
echo "$bin_dir/pg_ctl -D $data_dir/data stop -m fast" > "$data_dir/stop"
if [ -n "${PG_HOME_FILE:-}" ]; then echo "$data_dir" > "$PG_HOME_FILE"; fi
