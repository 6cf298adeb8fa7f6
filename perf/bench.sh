#!/usr/bin/env bash
# ./feed bench [--quick]: seeds (or reuses) a power-law graph, runs every scenario next to its
# baseline, writes perf/reports/<timestamp>.md and .json with charts. Needs ./feed up first.
set -euo pipefail
source "$(dirname "$0")/../stack/lib.sh"

quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -h|--help) echo "usage: ./feed bench [--quick]   (quick: ~10 min, full: ~1 h; run ./feed up first)"; exit 0 ;;
    *) die "unknown option $a" ;;
  esac
done
if [ "$quick" = 1 ]; then users="${FEED_BENCH_USERS:-20000}"; follows="${FEED_BENCH_FOLLOWS:-20}"
else users="${FEED_BENCH_USERS:-100000}"; follows="${FEED_BENCH_FOLLOWS:-50}"; fi
export FEED_BENCH_USERS="$users" FEED_BENCH_FOLLOWS="$follows"

for p in "${FEED_SERVICE_PORT:-8080}" "${FEED_RELATION_PORT:-8081}" "${FEED_WORKER_PORT:-8082}"; do
  curl -fsS "http://127.0.0.1:$p/q/health/ready" >/dev/null 2>&1 || die "a service on :$p is not ready: run ./feed up first"
done
command -v redis-benchmark >/dev/null || apt_install redis-tools
command -v pgbench >/dev/null || die "pgbench not found (Debian package postgresql-contrib / postgresql)"

# The bench owns the local stack's data: it replaces the graph (users 1..N) when the parameters change.
marker="$FEED_RUN_DIR/bench-seed"
want="users=$users follows=$follows"
if [ "$(cat "$marker" 2>/dev/null || true)" != "$want" ]; then
  info "seeding the graph: $want (replaces users and follows of the local stack's 'feed' database)"
  "$FEED_ROOT/feed" seed --users "$users" --follows-per-user "$follows" --reset
  redis-cli -p "$FEED_REDIS_PORT" --scan --pattern 'inbox:*' | xargs -r -n 1000 redis-cli -p "$FEED_REDIS_PORT" UNLINK >/dev/null
  echo "$want" > "$marker"
else
  ok "graph already seeded ($want)"
fi

info "building the harness"
(cd "$FEED_ROOT" && "$(mvn_cmd)" -B -q -ntp -pl perf/harness -am -DskipTests package)
cp="$FEED_ROOT/perf/harness/target/classes:$(cat "$FEED_ROOT/perf/harness/target/classpath.txt")"
mkdir -p "$FEED_ROOT/perf/reports"
cd "$FEED_ROOT"
FEED_LOCAL="$FEED_LOCAL" java -Djava.awt.headless=true -Xmx512m -cp "$cp" dev.feed.perf.Bench $([ "$quick" = 1 ] && echo --quick)
