#!/usr/bin/env bash
# Local Redis for the feed stack: Debian's redis-server, own port, dir and pid file, no persistence
# (Redis is a cache here: everything in it can be rebuilt from Cassandra and PostgreSQL).
# zset-max-listpack-entries 1024: inboxes and outboxes (capped at 800) stay listpacks, about
# 21 bytes per entry instead of about 120 as a skiplist; an insert into 800 entries is a short
# memmove, so the memory win costs little CPU (see perf/ for the measured figures).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAME=redis
DIR="$FEED_DATA_DIR/redis"

redis_bin() { command -v redis-server || true; }

install() {
  [ -n "$(redis_bin)" ] && command -v redis-cli >/dev/null && return 0
  info "installing Redis (Debian package redis-server)"
  apt_install redis-server redis-tools
}

start() {
  install
  if is_running "$NAME"; then ok "redis already running on 127.0.0.1:$FEED_REDIS_PORT"; return 0; fi
  port_open 127.0.0.1 "$FEED_REDIS_PORT" && die "port $FEED_REDIS_PORT is taken by another process; set FEED_REDIS_PORT"
  mkdir -p "$DIR"
  info "starting redis on 127.0.0.1:$FEED_REDIS_PORT"
  # Foreground under start_bg (not --daemonize) so the pid file holds the server's own pid.
  start_bg "$NAME" "$(redis_bin)" --bind 127.0.0.1 --port "$FEED_REDIS_PORT" --dir "$DIR" \
    --save '' --appendonly no --protected-mode yes --maxmemory-policy noeviction \
    --zset-max-listpack-entries "${FEED_REDIS_ZSET_LISTPACK_ENTRIES:-1024}"
  wait_for "$NAME" 30 redis-cli -h 127.0.0.1 -p "$FEED_REDIS_PORT" ping
}

stop() { stop_pid "$NAME"; }

status() {
  if is_running "$NAME"; then echo "redis      running  pid $(cat "$(pidfile $NAME)")  127.0.0.1:$FEED_REDIS_PORT";
  else echo "redis      stopped"; fi
}

"${1:-status}"
