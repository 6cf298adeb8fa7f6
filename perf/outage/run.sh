#!/usr/bin/env bash
# What a dependency failure costs a reader (issue 15), against the running local stack:
#   source .local/env.sh; ./feed up; perf/outage/run.sh
# Reads GET /v1/timeline at a constant rate while relation-service, then Redis, is stopped
# (./feed stop NAME) and started again (./feed start NAME); prints error rate, degraded share and
# p50/p99 before, during, while restarting and after, and writes perf/reports/outage-<time>.md.
# Knobs: FEED_BENCH_OUTAGE_RATE (50/s), FEED_BENCH_OUTAGE_READERS (200), FEED_BENCH_OUTAGE_SECONDS (20).
set -euo pipefail
source "$(dirname "$0")/../../stack/lib.sh"
export FEED_ROOT FEED_LOCAL FEED_REDIS_PORT FEED_PG_PORT FEED_KAFKA_PORT FEED_KAFKA_CONTROLLER_PORT FEED_CASSANDRA_PORT \
  FEED_CASSANDRA_STORAGE_PORT
export FEED_SERVICE_PORT="${FEED_SERVICE_PORT:-8080}" FEED_RELATION_PORT="${FEED_RELATION_PORT:-8081}" FEED_WORKER_PORT="${FEED_WORKER_PORT:-8082}"
(cd "$FEED_ROOT" && "$(mvn_cmd)" -B -q -ntp -o -pl perf/harness -DskipTests package)
cp="$FEED_ROOT/perf/harness/target/classes:$(cat "$FEED_ROOT/perf/harness/target/classpath.txt")"
cd "$FEED_ROOT" && exec java ${FEED_BENCH_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC} -cp "$cp" dev.feed.perf.Outage "$@"
