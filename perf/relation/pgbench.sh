#!/usr/bin/env bash
# Follower-page latency straight on PostgreSQL with pgbench, plus a SELECT 1 baseline in the same
# run. Needs a database seeded with an author of 1M followers:
#   ./feed seed --db feed_bench --reset --users 1000000 --follows-per-user 5 --celebrity-followers 1000000
# usage: perf/relation/pgbench.sh [DB] [AUTHOR_ID] [SECONDS] [CLIENTS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
db="${1:-feed_bench}"; author="${2:-1000001}"; secs="${3:-20}"; clients="${4:-2}"
export PGPASSWORD="${FEED_PG_PASSWORD:-feed}"
conn=(-h 127.0.0.1 -p "${FEED_PG_PORT:-15432}" -U "${FEED_PG_USER:-feed}")
followers="$(psql -X -At "${conn[@]}" -d "$db" -c "SELECT follower_count FROM users WHERE id = $author")"
echo "author $author has $followers followers; $clients client(s), ${secs}s each, machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -At "${conn[@]}" -d "$db" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT follower_id FROM follows WHERE followee_id = $author AND follower_id > 500000 ORDER BY follower_id LIMIT 1000" | sed 's/^/    /'

run() { # name script
  local dir; dir="$(mktemp -d)"
  (cd "$dir" && pgbench -n "${conn[@]}" -f "$here/$2" -D author="$author" -T "$secs" -c "$clients" -j "$clients" -M prepared -l "$db" > summary.txt 2>&1) \
    || { cat "$dir/summary.txt"; exit 1; }
  local tps; tps="$(awk -F' = ' '/^tps/{split($2,a," "); print a[1]}' "$dir/summary.txt")"
  # Per-transaction log: field 3 is the latency in microseconds.
  cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v name="$1" -v tps="$tps" '
    {v[NR]=$1} END {
      p50=v[int(NR*0.50)]; p90=v[int(NR*0.90)]; p99=v[int(NR*0.99)]; max=v[NR];
      printf "%-22s %8d queries  %8.0f/s   p50 %6.3f ms  p90 %6.3f ms  p99 %6.3f ms  max %6.2f ms\n", name, NR, tps, p50/1000, p90/1000, p99/1000, max/1000 }'
  rm -rf "$dir"
}
run "SELECT 1 (baseline)" select1.sql
run "1000-id follower page" page.sql
