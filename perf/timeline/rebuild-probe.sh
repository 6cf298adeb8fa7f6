#!/usr/bin/env bash
# perf/timeline/rebuild-probe.sh [WARM] [COLD]: first reads (inbox rebuilds) of the followees
# scenario's readers on the running stack, each with the work it caused: Redis commands
# (INFO total_commands_processed delta, minus the INFO itself) and Cassandra round trips of the
# archive path (feed_timeline_archive_queries_total delta) and the refs they returned
# (feed_timeline_archive_refs_total delta; 0 on a feed-service without that counter). Needs `./feed bench --only followees`
# to have run once on this graph (readers N+2000.. follow users 2..501, N+3000.. users 2..5001).
#   warm: inbox and floor unlinked (outboxes in Redis): a returning reader
#   cold: also every followee's outbox unlinked, as after a Redis loss: the rebuild reads Cassandra
# Set JFR=FILE to record feed-service with JFR (profile settings) meanwhile. Sequential reads; the
# time is curl's time_total and moves with the machine's load: lead with the counts.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
warm_n="${1:-5}"; cold_n="${2:-2}"
users="${FEED_BENCH_USERS:-10000}"; r500=$((users + 2000)); r5000=$((users + 3000))
url="http://127.0.0.1:${FEED_SERVICE_PORT:-8080}"
rc() { redis-cli -p "${FEED_REDIS_PORT:-6379}" "$@"; }
cmds() { rc INFO stats | awk -F: '/^total_commands_processed/{print $2+0}'; }
murl="http://127.0.0.1:${FEED_SERVICE_MANAGEMENT_PORT:-$(( ${FEED_SERVICE_PORT:-8080} + 20 ))}"
# metrics are on the management interface; 0 before the archive reader's first use
aq() { curl -s "$murl/q/metrics" | awk '/^feed_timeline_archive_queries_total/{v=$2} END{print v+0}'; }
ar() { curl -s "$murl/q/metrics" | awk '/^feed_timeline_archive_refs_total/{v=$2} END{print v+0}'; }
declare -A tok
get() { curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer ${tok[$1]}" "$url/v1/timeline?limit=20"; }
probe() { # kind reader followees
  local kind="$1" reader="$2" n="$3" c0 c1 a0 a1 t keys
  keys="inbox:{$reader} inbox-floor:{$reader}"
  if [ "$kind" = cold ]; then keys="$keys outbox:{$reader} $(seq -f 'outbox:{%g}' 2 $((n + 1)) | tr '\n' ' ')"; fi
  rc UNLINK $keys >/dev/null
  c0=$(cmds); a0=$(aq); r0=$(ar); t=$(get "$reader"); c1=$(cmds); a1=$(aq); r1=$(ar)
  printf '%s %s followees: %6.0f ms, %d Redis commands, %s Cassandra archive round trips, %s refs read from Cassandra\n' "$kind" "$n" \
    "$(awk -v t="$t" 'BEGIN{print t*1000}')" $((c1 - c0 - 1)) "$(awk -v a="$a0" -v b="$a1" 'BEGIN{print b-a}')" \
    "$(awk -v a="$r0" -v b="$r1" 'BEGIN{print b-a}')"
}
for r in $r500 $((r500 + 1)) $r5000 $((r5000 + 1)); do tok[$r]="$("$ROOT/feed" token "$r")"; get "$r" >/dev/null; done
pid="$(cat "${FEED_LOCAL:-$ROOT/.local}/run/feed-service.pid" 2>/dev/null || true)"
[ -n "${JFR:-}" ] && [ -n "$pid" ] && jcmd "$pid" JFR.start name=rebuild-probe settings=profile filename="$JFR" >/dev/null
trap '[ -n "${JFR:-}" ] && [ -n "$pid" ] && jcmd "$pid" JFR.stop name=rebuild-probe >/dev/null || true' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); cpu pressure: $(head -1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
for i in $(seq 1 "$warm_n"); do probe warm $r500 500; done
for i in $(seq 1 "$warm_n"); do probe warm $r5000 5000; done
for i in $(seq 1 "$cold_n"); do probe cold $((r500 + 1)) 500; done
for i in $(seq 1 "$cold_n"); do probe cold $((r5000 + 1)) 5000; done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); cpu pressure: $(head -1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
