#!/usr/bin/env bash
# The live-stream and conditional-refresh figures (issue 16) against the running local stack:
#   source .local/env.sh; ./feed up; perf/stream/run.sh
# Builds the harness, then runs dev.feed.perf.StreamBench (it restarts relation-service with a low
# tier threshold for the run and puts it back on its defaults). Knobs: FEED_BENCH_STREAMS (2000),
# FEED_BENCH_STREAM_READERS (200), FEED_BENCH_STREAM_PUSH_READERS (50), FEED_BENCH_STREAM_POSTS (40).
set -euo pipefail
source "$(dirname "$0")/../../stack/lib.sh"
export FEED_ROOT FEED_LOCAL FEED_REDIS_PORT FEED_PG_PORT FEED_KAFKA_PORT FEED_KAFKA_CONTROLLER_PORT FEED_CASSANDRA_PORT \
  FEED_CASSANDRA_STORAGE_PORT
export FEED_SERVICE_PORT="${FEED_SERVICE_PORT:-8080}" FEED_RELATION_PORT="${FEED_RELATION_PORT:-8081}" FEED_WORKER_PORT="${FEED_WORKER_PORT:-8082}"
(cd "$FEED_ROOT" && "$(mvn_cmd)" -B -q -ntp -o -pl perf/harness -DskipTests package)
cp="$FEED_ROOT/perf/harness/target/classes:$(cat "$FEED_ROOT/perf/harness/target/classpath.txt")"
cd "$FEED_ROOT" && exec java ${FEED_BENCH_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC} -cp "$cp" dev.feed.perf.StreamBench "$@"
