#!/usr/bin/env bash
# Local PostgreSQL for the feed stack: a private cluster (own data dir, own port, TCP on loopback
# only, no unix socket) made with Debian's server binaries. Never touches a system cluster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAME=postgres
PG_USER="${FEED_PG_USER:-feed}"
PG_PASSWORD="${FEED_PG_PASSWORD:-feed}"
PG_DATABASES="${FEED_PG_DATABASES:-feed feed_test}"

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && [ -x "$d/postgres" ] && echo "$d"
}

install() {
  [ -n "$(pg_bindir)" ] && command -v psql >/dev/null && return 0
  info "installing PostgreSQL (Debian package postgresql)"
  apt_install postgresql postgresql-client
}

# PostgreSQL refuses to run as root: as root we run it as the 'postgres' system user. That user
# must be able to reach the data dir; if the clone lives under a private home (e.g. /root), the
# cluster goes to /var/lib/feed-local/<hash> and .local/data/postgres links to it.
data_dir() {
  local want="$FEED_DATA_DIR/postgres"
  if [ "$(id -u)" != 0 ]; then echo "$want"; return; fi
  if [ -L "$want" ]; then readlink "$want"; return; fi
  if [ -d "$want" ]; then echo "$want"; return; fi
  if runuser -u postgres -- test -x "$FEED_DATA_DIR" 2>/dev/null; then echo "$want"; return; fi
  local alt="/var/lib/feed-local/$(echo -n "$FEED_LOCAL" | sha1sum | cut -c1-12)/postgres"
  mkdir -p "$(dirname "$alt")"; ln -sfn "$alt" "$want"; echo "$alt"
}

as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_feed() {
  PGPASSWORD="$PG_PASSWORD" psql -X -q -h 127.0.0.1 -p "$FEED_PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 "$@"
}

init_cluster() {
  local dd="$1" bin="$2" pwfile
  [ -f "$dd/PG_VERSION" ] && return 0
  info "creating a private PostgreSQL cluster in $dd"
  mkdir -p "$dd"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dd"
  chmod 700 "$dd"
  pwfile="$(mktemp)"; echo "$PG_PASSWORD" > "$pwfile"; chmod 644 "$pwfile"
  as_pg_owner "$bin/initdb" -D "$dd" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$FEED_LOG_DIR/$NAME.log" 2>&1 \
    || { rm -f "$pwfile"; tail -n 20 "$FEED_LOG_DIR/$NAME.log" >&2; die "initdb failed"; }
  rm -f "$pwfile"
}

start() {
  install
  if is_running "$NAME"; then ok "postgres already running on 127.0.0.1:$FEED_PG_PORT"; ensure_databases; return 0; fi
  port_open 127.0.0.1 "$FEED_PG_PORT" && die "port $FEED_PG_PORT is taken by another process; set FEED_PG_PORT"
  local bin dd; bin="$(pg_bindir)"; dd="$(data_dir)"
  init_cluster "$dd" "$bin"
  [ "$(id -u)" = 0 ] && touch "$FEED_LOG_DIR/$NAME.log" && chown postgres "$FEED_LOG_DIR/$NAME.log"
  info "starting postgres on 127.0.0.1:$FEED_PG_PORT"
  # -k '' : no unix socket, so no socket-path length or permission trouble; loopback TCP only.
  if [ "$(id -u)" = 0 ]; then
    start_bg "$NAME" runuser -u postgres -- "$bin/postgres" -D "$dd" -p "$FEED_PG_PORT" -c listen_addresses=127.0.0.1 -k '' \
      -c max_connections=200 -c shared_buffers=128MB -c fsync=on -c synchronous_commit=on
  else
    start_bg "$NAME" "$bin/postgres" -D "$dd" -p "$FEED_PG_PORT" -c listen_addresses=127.0.0.1 -k '' \
      -c max_connections=200 -c shared_buffers=128MB
  fi
  wait_for "$NAME" 60 "$bin/pg_isready" -h 127.0.0.1 -p "$FEED_PG_PORT"
  ensure_databases
}

ensure_databases() {
  local db
  for db in $PG_DATABASES; do
    if [ "$(psql_feed -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'")" != 1 ]; then
      psql_feed -d postgres -c "CREATE DATABASE $db" && ok "created database $db"
    fi
  done
}

stop() { stop_pid "$NAME" 60; }

status() {
  if is_running "$NAME"; then echo "postgres   running  pid $(cat "$(pidfile $NAME)")  127.0.0.1:$FEED_PG_PORT";
  else echo "postgres   stopped"; fi
}

"${1:-status}"
