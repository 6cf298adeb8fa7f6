#!/usr/bin/env bash
# ./feed chaos [--quick]: the fault-injection run (dev.feed.perf.chaos.Chaos) on the cluster
# topology. Starts the cluster (./feed up --cluster) with the settings below if it is not running,
# and stops it afterwards (FEED_KEEP_SERVERS=1 leaves it); a running cluster on other settings
# gets its six replicas restarted on these. Report: perf/reports/chaos-<stamp>.{md,json,png}.
set -euo pipefail
source "$(dirname "$0")/../../stack/lib.sh"

quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -h|--help) echo "usage: ./feed chaos [--quick]   (quick: each fault kind once, ~10 min with the cluster start; full: twice, more traffic)"; exit 0 ;;
    *) die "unknown option $a (./feed chaos --help)" ;;
  esac
done

# Small numbers so a run of minutes exercises every path: pull tier from 60 followers (few readers
# make a pull-tier author, so setup and check stay short), batches of 4 followers (the large
# fanout to 40 followers is 10 batch tasks), inboxes that expire after 60 s without a read
# (returning readers), unfollows visible to reads within 5 s.
CHAOS_ENV=(FEED_TIER_PULL_AT=60 FEED_TIER_PUSH_BELOW=45 FEED_FANOUT_BATCH_SIZE=4 FEED_INBOX_TTL=PT60S
  FEED_INBOX_REFRESH_INTERVAL=PT5S FEED_TIMELINE_FOLLOWEES_TTL=PT5S)
export FEED_TIER_PULL_AT=60
# Replicas started by this run (the cluster start, each restart after a kill) compile with C1 only:
# on 2 busy cores C2's compile threads made a replica's restart, the longest part of a fault, slower.
export FEED_CLUSTER_SERVICE_JAVA_OPTS="${FEED_CLUSTER_SERVICE_JAVA_OPTS:--Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
run_start=$SECONDS

started=0
# The cluster shares the single-node PostgreSQL (stack/cluster.sh); stopped afterwards only if this run started it.
pg_was_running=0; is_running postgres && pg_was_running=1
if ! bash "$FEED_ROOT/stack/cluster.sh" running; then
  info "starting the cluster for the chaos run"
  "$FEED_ROOT/feed" up --cluster "${CHAOS_ENV[@]}"
  started=1
elif [ "$(cat "$FEED_RUN_DIR/cluster.env" 2>/dev/null)" != "$(printf '%s\n' "${CHAOS_ENV[@]}")" ]; then
  info "the cluster runs on other settings: restarting its six replicas on the chaos settings"
  bash "$FEED_ROOT/stack/cluster.sh" services-down
  bash "$FEED_ROOT/stack/cluster.sh" servers-up
  bash "$FEED_ROOT/stack/cluster.sh" services-up "${CHAOS_ENV[@]}"
else
  bash "$FEED_ROOT/stack/cluster.sh" servers-up
  bash "$FEED_ROOT/stack/cluster.sh" services-up "${CHAOS_ENV[@]}"
fi
if [ "$started" = 1 ] && [ "${FEED_KEEP_SERVERS:-0}" != 1 ]; then
  trap 'info "stopping the cluster this chaos run started"; bash "$FEED_ROOT/stack/cluster.sh" down
    [ "$pg_was_running" = 1 ] || bash "$FEED_ROOT/stack/postgres.sh" stop
    ok "chaos run and cluster stop took $((SECONDS - run_start))s"' EXIT
fi
ok "cluster ready after $((SECONDS - run_start))s"

# The harness is rebuilt only when a source of it is newer than its last build (./feed test has
# just built it in mvn verify).
cpfile="$FEED_ROOT/perf/harness/target/classpath.txt"
if [ ! -f "$cpfile" ] || [ -n "$(find "$FEED_ROOT/perf/harness/src/main" "$FEED_ROOT/perf/harness/pom.xml" -newer "$cpfile" -print -quit)" ]; then
  info "building the harness"
  (cd "$FEED_ROOT" && "$(mvn_cmd)" -B -q -ntp -pl perf/harness -am -DskipTests package)
fi
export FEED_ROOT FEED_LOCAL
cp="$FEED_ROOT/perf/harness/target/classes:$(cat "$FEED_ROOT/perf/harness/target/classpath.txt")"
info "chaos run ($([ "$quick" = 1 ] && echo quick || echo full))"
args=(); [ "$quick" = 1 ] && args+=(--quick)
java -Djava.awt.headless=true -Xmx512m -XX:+UseSerialGC -cp "$cp" dev.feed.perf.chaos.Chaos "${args[@]}"
