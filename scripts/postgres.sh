#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: the PostgreSQL 16 + pgvector 0.6.2 that the PyPI package
# pgserver (a dev dependency) ships in .venv, else Debian's postgresql package (no pgvector there).
#
#   scripts/postgres.sh install        apt-get install postgresql (when neither is there)
#   scripts/postgres.sh start DIR      initdb + start in DIR on a free loopback port; prints the URL
#   scripts/postgres.sh stop DIR       stop it and delete DIR
#   scripts/postgres.sh run CMD...     start one, run CMD with NEWSBOT_TEST_POSTGRES_URL set, stop it
#
# The server gets shared_buffers 1 GB ($NEWSBOT_PG_SHARED_BUFFERS): PostgreSQL's default 128 MB holds a
# sixth of a 100k-passage index, whose reads then go through the kernel (benchmarks/scale.py).
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (Debian's package
# makes it; created here, without a home or a login, when it is missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

bindir() {
  local bundled
  bundled=$(ls -d "$root"/.venv/lib/python3*/site-packages/pgserver/pginstall/bin 2>/dev/null | head -1 || true)
  if [ -n "$bundled" ] && [ -x "$bundled/initdb" ]; then
    echo "$bundled"
    return
  fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cmd=${1:-}
case "$cmd" in
  install)
    if [ -z "$(bindir)" ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    fi
    bindir
    ;;
  start)
    dir=$2
    bin=$(bindir) || { echo "PostgreSQL is not installed: scripts/postgres.sh install" >&2; exit 1; }
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && { as_owner true; chown postgres "$dir"; }
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
    port=$(free_port)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 \
          -c shared_buffers=${NEWSBOT_PG_SHARED_BUFFERS:-1GB}" start >/dev/null
    echo "$port" >"$dir/port"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=$2
    bin=$(bindir)
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  run)
    shift
    if [ -n "${NEWSBOT_TEST_POSTGRES_URL:-}" ]; then
      exec "$@"  # a server is already given
    fi
    if [ -z "$(bindir)" ]; then
      echo "PostgreSQL is not installed (scripts/postgres.sh install): its tests are skipped" >&2
      exec "$@"
    fi
    dir=$(mktemp -d /tmp/newsbot-pg.XXXXXX)
    chmod 755 "$dir"
    trap '"$0" stop "$dir"' EXIT
    NEWSBOT_TEST_POSTGRES_URL=$("$0" start "$dir")
    export NEWSBOT_TEST_POSTGRES_URL
    echo "PostgreSQL for the tests: $NEWSBOT_TEST_POSTGRES_URL" >&2
    "$@"
    ;;
  *)
    echo "usage: $0 install | start DIR | stop DIR | run CMD..." >&2
    exit 2
    ;;
esac
