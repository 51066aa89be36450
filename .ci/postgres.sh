#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the test suite on 127.0.0.1:${PGPORT:-55432} and prints the
# environment the tests read. Usage:  eval "$(.ci/postgres.sh)"   (needs root or the postgres user's rights)
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDIR=${PGDIR:-/tmp/lethe-pg}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  echo "installing PostgreSQL" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  rm -rf "$PGDIR" && mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
  run_as_postgres "$bin/initdb -D $PGDIR/data -U postgres -A trust -E UTF8 --no-locale" >/dev/null
  run_as_postgres "$bin/pg_ctl -D $PGDIR/data -l $PGDIR/log -w -o '-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDIR -c fsync=off -c max_connections=300' start" >/dev/null
  psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "create user lethe password 'lethe'" -c "create database lethe owner lethe" >&2
fi
echo "export LETHE_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$PGPORT/lethe"
echo "export LETHE_TEST_PG_USER=lethe"
echo "export LETHE_TEST_PG_PASSWORD=lethe"
