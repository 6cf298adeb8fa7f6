#!/usr/bin/env bash
# ./feed bench [--quick] [--only a,b] [--list]: seeds (or reuses) a power-law graph, runs the
# scenarios next to their baselines, writes perf/reports/<timestamp>.md and .json with charts.
# Needs ./feed up first. Scenarios that switch tier thresholds or the hot-cache restart
# relation-service / feed-service through ./feed restart and put them back on their defaults.
set -euo pipefail
source "$(dirname "$0")/../stack/lib.sh"

quick=0; list=0; args=(); only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; args+=(--quick); shift ;;
    --only) [ $# -ge 2 ] || die "--only needs scenario names, e.g. --only tiers,storm (./feed bench --list)"
            args+=(--only "$2"); only="$only,$2"; shift 2 ;;
    --only=*) args+=(--only "${1#--only=}"); only="$only,${1#--only=}"; shift ;;
    --list) list=1; shift ;;
    -h|--help)
      cat <<USAGE
usage: ./feed bench [--quick] [--only name,...] [--list]
  --quick      ~16 min (full: under 1 h); run ./feed up first
  --only a,b   only these scenarios, plus those they take baselines from (--list names them)
  --list       print the scenarios and exit
USAGE
      exit 0 ;;
    *) die "unknown option $1 (./feed bench --help)" ;;
  esac
done
# One graph for both modes: the delivery scenario needs an author with 100k followers
# (--celebrity-followers: user N+1 followed by users 1..K), so N is at least 100k.
users="${FEED_BENCH_USERS:-100000}"
celebrity="${FEED_BENCH_CELEBRITY:-100000}"
if [ "$quick" = 1 ]; then follows="${FEED_BENCH_FOLLOWS:-20}"; else follows="${FEED_BENCH_FOLLOWS:-50}"; fi
export FEED_BENCH_USERS="$users" FEED_BENCH_FOLLOWS="$follows" FEED_BENCH_CELEBRITY="$celebrity"
# The harness and the ./feed restart it runs see the same ports as this stack.
export FEED_ROOT FEED_LOCAL FEED_REDIS_PORT FEED_PG_PORT FEED_KAFKA_PORT FEED_KAFKA_CONTROLLER_PORT FEED_CASSANDRA_PORT \
  FEED_CASSANDRA_STORAGE_PORT
export FEED_SERVICE_PORT="${FEED_SERVICE_PORT:-8080}" FEED_RELATION_PORT="${FEED_RELATION_PORT:-8081}" FEED_WORKER_PORT="${FEED_WORKER_PORT:-8082}"
# Metrics, /internal/ and /admin/ are on the management ports (stack/lib.sh), with the stack's token.
export FEED_SERVICE_MANAGEMENT_PORT FEED_RELATION_MANAGEMENT_PORT FEED_WORKER_MANAGEMENT_PORT
FEED_INTERNAL_TOKEN="$(internal_token)"; export FEED_INTERNAL_TOKEN

build_harness() {
  info "building the harness"
  (cd "$FEED_ROOT" && "$(mvn_cmd)" -B -q -ntp -pl perf/harness -am -DskipTests package)
}
run_harness() {
  local cp="$FEED_ROOT/perf/harness/target/classes:$(cat "$FEED_ROOT/perf/harness/target/classpath.txt")"
  (cd "$FEED_ROOT" && java -Djava.awt.headless=true ${FEED_BENCH_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC} -cp "$cp" dev.feed.perf.Bench "$@")
}
if [ "$list" = 1 ]; then build_harness; run_harness --list; exit 0; fi

for p in "$FEED_SERVICE_MANAGEMENT_PORT" "$FEED_RELATION_MANAGEMENT_PORT" "$FEED_WORKER_MANAGEMENT_PORT"; do
  curl -fsS "http://127.0.0.1:$p/q/health/ready" >/dev/null 2>&1 || die "a service with management port :$p is not ready: run ./feed up first"
done
command -v redis-benchmark >/dev/null || apt_install redis-tools
command -v pgbench >/dev/null || die "pgbench not found (Debian package postgresql-contrib / postgresql)"
command -v wrk >/dev/null || warn "wrk not found: the timeline scenario runs without its closed-model reference (apt-get install wrk)"

# Scenarios that create users of their own and read nothing of the seeded graph.
needs_graph=1
if [ -n "$only" ]; then
  needs_graph=0
  for n in ${only//,/ }; do
    case "$n" in stream) ;; *) needs_graph=1 ;; esac
  done
fi

# The bench owns the local stack's data: it replaces the graph (users 1..N) when the parameters change.
marker="$FEED_RUN_DIR/bench-seed"
want="users=$users follows=$follows celebrity=$celebrity"
if [ "$needs_graph" = 0 ]; then
  ok "no graph needed (--only${only//,/ })"
elif [ "$(cat "$marker" 2>/dev/null || true)" != "$want" ]; then
  info "seeding the graph: $want (replaces users and follows of the local stack's 'feed' database)"
  "$FEED_ROOT/feed" seed --users "$users" --follows-per-user "$follows" --celebrity-followers "$celebrity" --reset
  redis-cli -p "$FEED_REDIS_PORT" --scan --pattern 'inbox:*' | xargs -r -n 1000 redis-cli -p "$FEED_REDIS_PORT" UNLINK >/dev/null
  echo "$want" > "$marker"
else
  ok "graph already seeded ($want)"
fi

build_harness
mkdir -p "$FEED_ROOT/perf/reports"
run_harness "${args[@]}"
