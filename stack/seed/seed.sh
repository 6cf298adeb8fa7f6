#!/usr/bin/env bash
# ./feed seed: bulk-loads a power-law follow graph into PostgreSQL (COPY, not one request per
# edge), with follower/following counts and author tiers computed afterwards in SQL.
# A seed is a bulk load, not a stream of changes: it writes no relay events.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

usage() {
  cat <<USAGE
usage: ./feed seed --users N [--follows-per-user M] [options]

  --users N                 users 1..N, handles user<id> (required)
  --follows-per-user M      each user follows M distinct others, chosen by a Zipf law (default 20)
  --celebrity-followers K   one more user, id N+1, followed by exactly users 1..K (K <= N)
  --zipf S                  Zipf exponent: higher = more skewed (default 1.0)
  --random-seed X           same seed, same graph (default 42)
  --db NAME                 database (default feed: the one ./feed up serves)
  --pull-at F               followers at which an author is pull tier (default \$FEED_TIER_PULL_AT or 10000)
  --reset                   first empty every table of the database but schema_migrations (users,
                            follows, blocks, mutes, relation_events, ...; needed when ids 1..N exist);
                            on the stack's own database (feed) also the posts and what hangs off
                            them in Cassandra (posts, reposts, timeline markers, pending fanouts and
                            relay checkpoints; not the Snowflake id_clocks) and Redis (FLUSHDB)

The load runs in one transaction: the follower index and the two foreign keys are dropped, the
edges are COPYed in sorted order, then the index and keys are rebuilt (which checks them), and
the users are inserted with their counts. A failure leaves the database as it was. It takes an
exclusive lock on 'follows' meanwhile, so a running relation-service waits.
USAGE
}

users=""; follows=20; celebrity=0; zipf=1.0; rseed=42; db=feed; reset=0
pull_at="${FEED_TIER_PULL_AT:-10000}"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users="$2"; shift 2 ;;
    --follows-per-user) follows="$2"; shift 2 ;;
    --celebrity-followers) celebrity="$2"; shift 2 ;;
    --zipf) zipf="$2"; shift 2 ;;
    --random-seed) rseed="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --pull-at) pull_at="$2"; shift 2 ;;
    --reset) reset=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
[[ "$users" =~ ^[1-9][0-9]*$ ]] || { usage >&2; die "--users N is required (a positive number)"; }
[[ "$follows" =~ ^[0-9]+$ ]] || die "--follows-per-user must be a number"
[[ "$celebrity" =~ ^[0-9]+$ ]] || die "--celebrity-followers must be a number"
[ "$follows" -lt "$users" ] || die "--follows-per-user must be below --users"
[ "$celebrity" -le "$users" ] || die "--celebrity-followers must be at most --users (the celebrity's followers are users 1..K)"
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
command -v java >/dev/null || die "java not found"

export PGPASSWORD="${FEED_PG_PASSWORD:-feed}"
psql_db() { psql -X -q -h 127.0.0.1 -p "$FEED_PG_PORT" -U "${FEED_PG_USER:-feed}" -d "$db" -v ON_ERROR_STOP=1 "$@"; }

port_open 127.0.0.1 "$FEED_PG_PORT" || die "PostgreSQL is not running on $FEED_PG_PORT (./feed servers up)"
psql_db -Atc "SELECT 1 FROM users LIMIT 0" >/dev/null 2>&1 \
  || die "database '$db' has no relation schema yet: start relation-service once (./feed up) so it applies the migrations"
total="$users"; [ "$celebrity" -gt 0 ] && total=$((users + 1))

# The posts of the stack's database (feed) live in Cassandra and Redis keyed by user id: a graph
# reset that kept them would hand the old users' posts, reposts, markers and pending fanouts to
# the new users 1..N. id_clocks stays: it is what keeps Snowflake ids from being issued twice.
cassandra_tables() {
  local dir="$FEED_ROOT/schema/cassandra" f
  while read -r f; do
    [ -n "$f" ] && sed -n 's/.*CREATE TABLE IF NOT EXISTS ${keyspace}\.\([a-z_0-9]*\).*/\1/p' "$dir/$f"
  done < "$dir/index.txt" | grep -vx id_clocks | sort -u
}
reset_stack_stores() {
  local ks="${FEED_CASSANDRA_KEYSPACE:-feed}" t
  if port_open 127.0.0.1 "$FEED_CASSANDRA_PORT"; then
    for t in $(cassandra_tables); do
      info "    TRUNCATE $ks.$t"
      cql_exec 127.0.0.1 "$FEED_CASSANDRA_PORT" "TRUNCATE $ks.$t" 120 || die "emptying $ks.$t failed (the graph is already reset)"
    done
  else
    warn "Cassandra is not running on $FEED_CASSANDRA_PORT: its posts were not emptied"
  fi
  if port_open 127.0.0.1 "$FEED_REDIS_PORT" && command -v redis-cli >/dev/null; then
    info "    Redis FLUSHDB (database 0: inboxes, outboxes, tombstones, caches)"
    redis-cli -p "$FEED_REDIS_PORT" -n 0 FLUSHDB >/dev/null
  else
    warn "Redis is not running on $FEED_REDIS_PORT: its caches were not emptied"
  fi
  warn "running services keep in-memory caches (posts, hot-cache, followees): ./feed restart feed-service and fanout-worker for a clean start"
}
if [ "$reset" = 0 ]; then
  taken="$(psql_db -Atc "SELECT count(*) FROM users WHERE id BETWEEN 1 AND $total")"
  [ "$taken" = 0 ] || die "$taken user(s) with ids in 1..$total already exist in '$db': add --reset to empty the graph first"
fi

edges_expected=$((users * follows + celebrity))
info "seeding '$db': $users users, $follows follows each (Zipf s=$zipf), celebrity followers $celebrity: $edges_expected edges; pull tier at $pull_at"
stats="$(mktemp)"; sql="$(mktemp)"
trap 'rm -f "$stats" "$sql"' EXIT
{
  echo "SET maintenance_work_mem = '512MB';"
  echo "SET synchronous_commit = off;"
  if [ "$reset" = 1 ]; then
    # Every table in one TRUNCATE, so no foreign key (follows, blocks, mutes -> users) can refuse it,
    # including tables added by later migrations; schema_migrations stays (the schema is unchanged).
    cat <<'SQL'
SELECT string_agg(format('%I', tablename), ', ' ORDER BY tablename) AS reset_tables
FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' \gset
\echo '    emptying' :reset_tables
TRUNCATE :reset_tables;
SQL
  fi
  cat <<'SQL'
-- Checking keys row by row and growing a second index during COPY is what makes bulk loads
-- slow; both are rebuilt once at the end, inside this same transaction.
ALTER TABLE follows DROP CONSTRAINT follows_follower_id_fkey, DROP CONSTRAINT follows_followee_id_fkey;
DROP INDEX follows_followee_follower;
\echo '    loading edges (COPY)'
\copy follows (follower_id, followee_id) FROM pstdin
\echo '    building follows_followee_follower'
CREATE INDEX follows_followee_follower ON follows (followee_id, follower_id);
\echo '    inserting users with their counts and tiers'
INSERT INTO users (id, handle, display_name, follower_count, following_count, tier)
SELECT g, 'user' || g, 'User ' || g, coalesce(fr.n, 0), coalesce(fg.n, 0),
       CASE WHEN coalesce(fr.n, 0) >= :pull_at THEN 'pull' ELSE 'push' END
FROM generate_series(1, :total) g
LEFT JOIN (SELECT followee_id, count(*) AS n FROM follows WHERE followee_id <= :total GROUP BY followee_id) fr ON fr.followee_id = g
LEFT JOIN (SELECT follower_id, count(*) AS n FROM follows WHERE follower_id <= :total GROUP BY follower_id) fg ON fg.follower_id = g;
\echo '    restoring the foreign keys (checks every edge)'
ALTER TABLE follows ADD CONSTRAINT follows_follower_id_fkey FOREIGN KEY (follower_id) REFERENCES users (id),
                    ADD CONSTRAINT follows_followee_id_fkey FOREIGN KEY (followee_id) REFERENCES users (id);
SQL
} > "$sql"

start=$(date +%s.%N)
java "$FEED_ROOT/stack/seed/Seed.java" "$users" "$follows" "$celebrity" "$zipf" "$rseed" "$stats" \
  | psql_db -1 -v total="$total" -v pull_at="$pull_at" -f "$sql"
[ "$reset" = 1 ] && [ "$db" = feed ] && reset_stack_stores
# Outside the load transaction (VACUUM cannot run in one): sets the visibility map, so follower
# pages are index-only scans with no heap fetches, and gives the planner fresh statistics.
info "vacuum analyze"
psql_db -c "VACUUM (ANALYZE) follows" -c "VACUUM (ANALYZE) users"
end=$(date +%s.%N)

edges="$(cat "$stats")"
secs="$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')"
rate="$(awk -v e="$edges" -v s="$secs" 'BEGIN{printf "%.0f", e/s}')"
summary="$(psql_db -Atc "SELECT count(*) FILTER (WHERE tier = 'pull'), max(follower_count) FROM users WHERE id <= $total")"
ok "seeded $total users and $edges edges in ${secs}s: $rate edges/s (pull-tier authors: ${summary%%|*}, most followers: ${summary##*|})"
