#!/usr/bin/env bash
# The local stack as a cluster, all on loopback, all real engines (./feed up --cluster):
#   redis-1..6          Redis Cluster, 3 masters + 3 replicas (cluster-node-timeout 2 s)
#   kafka-1..3          Kafka KRaft, each node broker + controller, one cluster id, RF 3, min ISR 2
#   cassandra-1..3      Cassandra on 127.0.0.1, .2, .3 (same ports on each address), RF 3, LOCAL_QUORUM
#   postgres            the single-node PostgreSQL of stack/postgres.sh, database feed_cluster
#   relation-service-1..2, feed-service-1..2, fanout-worker-1..2
#   haproxy             the load balancer on FEED_RELATION_PORT / FEED_SERVICE_PORT / FEED_WORKER_PORT
#
#   stack/cluster.sh servers-up                 the stores, each waited for (Cassandra: 3 x UN)
#   stack/cluster.sh services-up [KEY=VALUE...] the six replicas (last build) and HAProxy; the extra
#                                               variables go to every replica (kept in run/cluster.env)
#   stack/cluster.sh down                       stops every cluster process (by pid file)
#   stack/cluster.sh status                     every node: name, role, pid, port, up/down
#   stack/cluster.sh kill NAME                  SIGKILL, no warning (the fault injector)
#   stack/cluster.sh start NAME                 starts one node again and waits until it is ready
#   stack/cluster.sh running                    exit 0 if any cluster process runs
#
# Ports (all configurable; defaults in a 3xxxx range of their own so the single-node stack and
# the cluster can run side by side): FEED_CLUSTER_REDIS_PORT (36379, six consecutive ports, bus
# +10000), FEED_CLUSTER_KAFKA_PORT (39092, three), FEED_CLUSTER_KAFKA_CONTROLLER_PORT (39192, three),
# FEED_CLUSTER_CASSANDRA_PORT (39042 on each address), FEED_CLUSTER_CASSANDRA_STORAGE_PORT (37000),
# FEED_CLUSTER_CASSANDRA_JMX_PORT (37199, three: JMX binds 127.0.0.1 only), the replicas
# FEED_CLUSTER_RELATION_PORT / FEED_CLUSTER_FEED_PORT / FEED_CLUSTER_WORKER_PORT (38081 / 38080 /
# 38082; replica 2 at +10), HAProxy's stats page FEED_CLUSTER_LB_STATS_PORT (38404).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_PORT="${FEED_CLUSTER_REDIS_PORT:-36379}"
KAFKA_PORT="${FEED_CLUSTER_KAFKA_PORT:-39092}"
KAFKA_CONTROLLER_PORT="${FEED_CLUSTER_KAFKA_CONTROLLER_PORT:-39192}"
CASS_PORT="${FEED_CLUSTER_CASSANDRA_PORT:-39042}"
CASS_STORAGE_PORT="${FEED_CLUSTER_CASSANDRA_STORAGE_PORT:-37000}"
CASS_JMX_PORT="${FEED_CLUSTER_CASSANDRA_JMX_PORT:-37199}"
RELATION_PORT="${FEED_CLUSTER_RELATION_PORT:-38081}"
FEED_PORT="${FEED_CLUSTER_FEED_PORT:-38080}"
WORKER_PORT="${FEED_CLUSTER_WORKER_PORT:-38082}"
LB_STATS_PORT="${FEED_CLUSTER_LB_STATS_PORT:-38404}"
LB_RELATION="${FEED_RELATION_PORT:-8081}"
LB_FEED="${FEED_SERVICE_PORT:-8080}"
LB_WORKER="${FEED_WORKER_PORT:-8082}"
PG_DB="${FEED_CLUSTER_PG_DB:-feed_cluster}"
CASS_HEAP="${FEED_CLUSTER_CASSANDRA_HEAP:-384m}"
KAFKA_HEAP="${FEED_CLUSTER_KAFKA_HEAP:-256m}"
SERVICE_JAVA_OPTS="${FEED_CLUSTER_SERVICE_JAVA_OPTS:--Xmx320m -XX:+UseSerialGC}"
# One token per Cassandra node, evenly spread over the Murmur3 ring (what the issue measured).
CASS_TOKENS=(-9223372036854775808 -3074457345618258603 3074457345618258602)

DATA="$FEED_DATA_DIR/cluster"
CONF="$FEED_CONF_DIR/cluster"
ENV_FILE="$FEED_RUN_DIR/cluster.env"
KEY_DIR="$FEED_LOCAL/keys"

REDIS_NODES=(redis-1 redis-2 redis-3 redis-4 redis-5 redis-6)
KAFKA_NODES=(kafka-1 kafka-2 kafka-3)
CASS_NODES=(cassandra-1 cassandra-2 cassandra-3)
SERVICE_NODES=(relation-service-1 relation-service-2 feed-service-1 feed-service-2 fanout-worker-1 fanout-worker-2)
ALL_NODES=("${REDIS_NODES[@]}" "${KAFKA_NODES[@]}" "${CASS_NODES[@]}" "${SERVICE_NODES[@]}" haproxy)

node_index() { echo "${1##*-}"; }

# ---------------------------------------------------------------- Redis Cluster
redis_port() { echo $((REDIS_PORT + $(node_index "$1") - 1)); }
rcli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

redis_start() {
  local name="$1" port dir; port="$(redis_port "$name")"; dir="$DATA/$name"
  is_running "$name" && return 0
  port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set FEED_CLUSTER_REDIS_PORT"
  mkdir -p "$dir"
  # No persistence (a cache); nodes.conf keeps the node's identity, so a restarted node rejoins
  # (as a replica if its replica was promoted meanwhile).
  start_bg "$name" "$(command -v redis-server)" --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --save '' --appendonly no --protected-mode yes --maxmemory-policy noeviction \
    --zset-max-listpack-entries "${FEED_REDIS_ZSET_LISTPACK_ENTRIES:-1024}"
}

redis_ping() { [ "$(rcli "$(redis_port "$1")" ping 2>/dev/null)" = PONG ]; }

# Formed = every node says ok, and the cluster has 3 connected masters with slots and 3
# connected replicas ("wait until cluster nodes shows 3 replicas, not just cluster_state:ok").
redis_formed() {
  local n
  for n in "${REDIS_NODES[@]}"; do
    rcli "$(redis_port "$n")" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
  done
  rcli "$REDIS_PORT" cluster nodes 2>/dev/null | awk '
    $3 !~ /fail/ && $8 == "connected" && $3 ~ /master/ && NF >= 9 { m++ }
    $3 !~ /fail/ && $8 == "connected" && $3 ~ /slave/ { r++ }
    END { exit !(m >= 3 && r >= 3) }'
}

redis_cluster_up() {
  local n hosts=()
  # redis-server and redis-cli from Debian packages if missing, as the single-node stack does
  bash "$FEED_ROOT/stack/redis.sh" install
  for n in "${REDIS_NODES[@]}"; do redis_start "$n"; done
  for n in "${REDIS_NODES[@]}"; do wait_for "$n" 30 redis_ping "$n"; hosts+=("127.0.0.1:$(redis_port "$n")"); done
  if ! rcli "$REDIS_PORT" cluster info | grep -q 'cluster_known_nodes:6'; then
    info "creating the Redis Cluster (3 masters, 3 replicas)"
    redis-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes > "$FEED_LOG_DIR/redis-cluster-create.log" 2>&1 \
      || { tail -n 20 "$FEED_LOG_DIR/redis-cluster-create.log" >&2; die "redis-cli --cluster create failed"; }
  fi
  wait_for redis-cluster 60 redis_formed
}

redis_role() { rcli "$(redis_port "$1")" role 2>/dev/null | head -n 1; }

# ---------------------------------------------------------------- Kafka
kafka_port() { echo $((KAFKA_PORT + $(node_index "$1") - 1)); }
kafka_controller_port() { echo $((KAFKA_CONTROLLER_PORT + $(node_index "$1") - 1)); }
KAFKA_LIB="$FEED_LIB_DIR/kafka"
kafka_bootstrap() { echo "127.0.0.1:$KAFKA_PORT,127.0.0.1:$((KAFKA_PORT + 1)),127.0.0.1:$((KAFKA_PORT + 2))"; }

kafka_tool() {
  "$(java_for_servers)" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$FEED_ROOT/stack/conf/kafka/tools-log4j2.xml" -cp "$KAFKA_LIB/*" "$@"
}

kafka_cluster_id() {
  local f="$DATA/kafka.cluster.id" id=-
  mkdir -p "$DATA"
  if [ ! -s "$f" ]; then
    while [[ "$id" == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; done
    echo "$id" > "$f"
  fi
  cat "$f"
}

kafka_start() {
  local name="$1" i port cport conf dir voters="" n p
  i="$(node_index "$name")"; port="$(kafka_port "$name")"; cport="$(kafka_controller_port "$name")"
  is_running "$name" && return 0
  for p in "$port" "$cport"; do port_open 127.0.0.1 "$p" && die "port $p is taken by another process; set FEED_CLUSTER_KAFKA_PORT / FEED_CLUSTER_KAFKA_CONTROLLER_PORT"; done
  bash "$FEED_ROOT/stack/kafka.sh" install
  for n in 1 2 3; do voters+="${voters:+,}$n@127.0.0.1:$((KAFKA_CONTROLLER_PORT + n - 1))"; done
  conf="$CONF/$name"; dir="$DATA/$name"; mkdir -p "$conf" "$dir"
  render_template "$FEED_ROOT/stack/conf/kafka/cluster-server.properties" "$conf/server.properties" \
    NODE_ID="$i" PORT="$port" CONTROLLER_PORT="$cport" VOTERS="$voters" DATA_DIR="$dir"
  if [ ! -f "$dir/log/meta.properties" ]; then
    kafka_tool kafka.tools.StorageTool format -t "$(kafka_cluster_id)" -c "$conf/server.properties" --ignore-formatted >/dev/null
  fi
  printf '\n===== %s %s starting =====\n' "$(date '+%F %T')" "$name" >> "$FEED_LOG_DIR/$name.log"
  start_bg "$name" "$(java_for_servers)" -Xmx"$KAFKA_HEAP" -Xms64m -Xss512k \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent -XX:MaxDirectMemorySize=128m \
    -XX:+PerfDisableSharedMem -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$FEED_ROOT/stack/conf/kafka/log4j2.xml" -Dkafka.logs.dir="$FEED_LOG_DIR" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$conf/server.properties"
}

# Ready = the node logged "Kafka Server started" since its last start marker and listens on its
# port (or it died: checked after). Read from the log, not by a tool JVM per poll: on the busy
# 2-core machine each BrokerApiVersionsCommand took ~10 s to start.
kafka_ready() {
  local name="$1"
  is_running "$name" || return 0
  port_open 127.0.0.1 "$(kafka_port "$name")" || return 1
  awk -v m="===== .* $name starting =====" '$0 ~ m { started = 0 } /Kafka Server started/ { started = 1 } END { exit !started }' \
    "$FEED_LOG_DIR/$name.log"
}

kafka_wait() {
  # 300 s: on the shared 2-core machine (load 40+) a restarted broker took 174 s to log "started"
  wait_for "$1" 300 kafka_ready "$1" && is_running "$1" || die "$1 did not start (log: $FEED_LOG_DIR/$1.log)"
}

# ---------------------------------------------------------------- Cassandra
CASS_LIB="$FEED_LIB_DIR/cassandra"
cass_addr() { echo "127.0.0.$(node_index "$1")"; }
cass_jmx() { echo $((CASS_JMX_PORT + $(node_index "$1") - 1)); }
cass_contact_points() { echo "127.0.0.1:$CASS_PORT,127.0.0.2:$CASS_PORT,127.0.0.3:$CASS_PORT"; }

cass_jvm_opts() {
  sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$FEED_ROOT/stack/conf/cassandra/jvm-server.options" | grep -v -e '^#' -e '^$'
}

cass_start() {
  local name="$1" i addr conf dir java opts=() agent=() nolock=()
  i="$(node_index "$name")"; addr="$(cass_addr "$name")"
  is_running "$name" && return 0
  for p in "$CASS_PORT" "$CASS_STORAGE_PORT"; do port_open "$addr" "$p" && die "$addr:$p is taken by another process; set FEED_CLUSTER_CASSANDRA_PORT / _STORAGE_PORT"; done
  port_open 127.0.0.1 "$(cass_jmx "$name")" && die "JMX port $(cass_jmx "$name") is taken; set FEED_CLUSTER_CASSANDRA_JMX_PORT"
  bash "$FEED_ROOT/stack/cassandra.sh" install
  conf="$CONF/$name"; dir="$DATA/$name"
  mkdir -p "$conf" "$dir"/{data,commitlog,saved_caches,hints,cdc_raw}
  # The single node's cassandra.yaml, moved to this node's address and token; one seed.
  render_template "$FEED_ROOT/stack/conf/cassandra/cassandra.yaml" "$conf/cassandra.yaml.tmp" \
    NATIVE_PORT="$CASS_PORT" STORAGE_PORT="$CASS_STORAGE_PORT" DATA_DIR="$dir"
  sed -e "s/^listen_address:.*/listen_address: $addr/" -e "s/^rpc_address:.*/rpc_address: $addr/" \
      -e "s/^initial_token:.*/initial_token: ${CASS_TOKENS[$((i - 1))]}/" \
      -e "s/^cluster_name:.*/cluster_name: feed-local-cluster/" \
      "$conf/cassandra.yaml.tmp" > "$conf/cassandra.yaml"
  printf 'auto_bootstrap: false\n' >> "$conf/cassandra.yaml"
  rm -f "$conf/cassandra.yaml.tmp"
  cp "$FEED_ROOT/stack/conf/cassandra/logback.xml" "$conf/"
  java="$(java_for_servers)"
  mapfile -t opts < <(cass_jvm_opts)
  for j in "$CASS_LIB"/jamm-*.jar; do [ -f "$j" ] && agent=(-javaagent:"$j"); done
  if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && setpriv --bounding-set=-ipc_lock true 2>/dev/null; then
    nolock=(setpriv --bounding-set=-ipc_lock --inh-caps=-ipc_lock)
  fi
  printf '\n===== %s %s starting =====\n' "$(date '+%F %T')" "$name" >> "$FEED_LOG_DIR/$name.log"
  start_bg "$name" "${nolock[@]}" "$java" -Xms128m -Xmx"$CASS_HEAP" -XX:MaxDirectMemorySize=256m \
    "${opts[@]}" "${agent[@]}" \
    -Dcassandra.jmx.local.port="$(cass_jmx "$name")" -Dcom.sun.management.jmxremote.authenticate=false \
    -Dcassandra.config="file://$conf/cassandra.yaml" -Dlogback.configurationFile="$conf/logback.xml" \
    -Dcassandra.storagedir="$dir" -Dcassandra.logdir="$FEED_LOG_DIR" \
    -cp "$conf:$CASS_LIB/*" org.apache.cassandra.service.CassandraDaemon
}

cass_cql() { is_running "$1" || return 0; cql_query_ok "$(cass_addr "$1")" "$CASS_PORT"; }

nodetool() {
  local opts=()
  mapfile -t opts < <(cass_jvm_opts | grep -e '^--add-' -e '^-Djava.net')
  timeout 90 "$(java_for_servers)" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${opts[@]}" \
    -Dlogback.configurationFile="$FEED_ROOT/stack/conf/cassandra/logback.xml" -cp "$CASS_LIB/*" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1 "$@" 2>/dev/null
}

# All three Up/Normal as the given node sees them (nodetool status over its JMX port).
cass_all_un() {
  local up
  up="$(nodetool -p "$(cass_jmx "$1")" status | grep -c '^UN ')" || return 1
  [ "$up" -ge 3 ]
}

cass_wait() {
  # 300 s: a restarted node was not serving CQL after 180 s at load average 61 on the shared machine
  wait_for "$1" 300 cass_cql "$1" && is_running "$1" || die "$1 did not start (log: $FEED_LOG_DIR/$1.log)"
}

# ---------------------------------------------------------------- services and HAProxy
service_of() { echo "${1%-*}"; }
service_port() {
  local base
  case "$(service_of "$1")" in
    relation-service) base="$RELATION_PORT" ;; feed-service) base="$FEED_PORT" ;; fanout-worker) base="$WORKER_PORT" ;;
    *) die "not a service: $1" ;;
  esac
  echo $((base + ($(node_index "$1") - 1) * 10))
}
# Health, metrics, /internal/ and /admin/ are on each replica's management port: its API port + 20.
service_mgmt_port() { echo $(( $(service_port "$1") + 20 )); }
service_ready() { curl -fsS -m 5 "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; }

cluster_service_env() {
  local i="$1"
  cat <<ENV
FEED_REDIS_URL=$(for n in "${REDIS_NODES[@]}"; do printf 'redis://127.0.0.1:%s,' "$(redis_port "$n")"; done | sed 's/,$//')
FEED_REDIS_TYPE=cluster
FEED_PG_URL=postgresql://127.0.0.1:$FEED_PG_PORT/$PG_DB
FEED_PG_USER=feed
FEED_PG_PASSWORD=feed
FEED_KAFKA_BOOTSTRAP=$(kafka_bootstrap)
FEED_TOPICS_REPLICATION=3
FEED_CASSANDRA_CONTACT_POINTS=$(cass_contact_points)
FEED_CASSANDRA_DC=datacenter1
FEED_CASSANDRA_KEYSPACE=feed
FEED_CASSANDRA_REPLICATION={'class': 'SimpleStrategy', 'replication_factor': 3}
FEED_CASSANDRA_CONSISTENCY=LOCAL_QUORUM
FEED_JWT_PUBLIC_KEY=$KEY_DIR/jwt-public.pem
FEED_RELATION_URL=http://127.0.0.1:$FEED_RELATION_MANAGEMENT_PORT
FEED_INSTANCE_ID=cluster-$i
FEED_WORKER_ID=$i
FEED_INTERNAL_TOKEN=$(internal_token)
FEED_LOG_JSON=${FEED_LOG_JSON:-false}
ENV
  bench_rate_limits
}

service_start() {
  local name="$1" port i svc jar envs=() extra=()
  port="$(service_port "$name")"; i="$(node_index "$name")"; svc="$(service_of "$name")"
  jar="$FEED_ROOT/$svc/target/quarkus-app/quarkus-run.jar"
  is_running "$name" && return 0
  [ -f "$jar" ] || die "$svc is not built: run ./feed up --cluster"
  port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set FEED_CLUSTER_*_PORT"
  mapfile -t envs < <(cluster_service_env "$i")
  [ -f "$ENV_FILE" ] && mapfile -t extra < <(grep -v '^$' "$ENV_FILE")
  printf '\n===== %s %s starting%s =====\n' "$(date '+%F %T')" "$name" "${extra[*]:+ with ${extra[*]}}" >> "$FEED_LOG_DIR/$name.log"
  start_bg "$name" env "${envs[@]}" "${extra[@]}" QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_MANAGEMENT_PORT="$(service_mgmt_port "$name")" QUARKUS_MANAGEMENT_HOST=127.0.0.1 java $SERVICE_JAVA_OPTS -jar "$jar"
}

service_wait() {
  wait_for "$1" 180 service_ready "$(service_mgmt_port "$1")" || die "$1 did not become ready (log: $FEED_LOG_DIR/$1.log)"
}

haproxy_install() {
  command -v haproxy >/dev/null && return 0
  info "installing HAProxy (Debian package haproxy)"
  apt_install haproxy
}

haproxy_start() {
  is_running haproxy && return 0
  haproxy_install
  for p in "$LB_FEED" "$LB_RELATION" "$LB_WORKER" "$LB_STATS_PORT" \
      "$FEED_SERVICE_MANAGEMENT_PORT" "$FEED_RELATION_MANAGEMENT_PORT" "$FEED_WORKER_MANAGEMENT_PORT"; do
    port_open 127.0.0.1 "$p" && die "port $p is taken by another process (FEED_SERVICE_PORT, FEED_RELATION_PORT, FEED_WORKER_PORT, FEED_CLUSTER_LB_STATS_PORT)"
  done
  render_template "$FEED_ROOT/stack/conf/haproxy/haproxy.cfg" "$CONF/haproxy.cfg" \
    FEED_PORT="$LB_FEED" RELATION_PORT="$LB_RELATION" WORKER_PORT="$LB_WORKER" STATS_PORT="$LB_STATS_PORT" \
    FEED_1="$(service_port feed-service-1)" FEED_2="$(service_port feed-service-2)" \
    RELATION_1="$(service_port relation-service-1)" RELATION_2="$(service_port relation-service-2)" \
    WORKER_1="$(service_port fanout-worker-1)" WORKER_2="$(service_port fanout-worker-2)" \
    FEED_MGMT="$FEED_SERVICE_MANAGEMENT_PORT" RELATION_MGMT="$FEED_RELATION_MANAGEMENT_PORT" WORKER_MGMT="$FEED_WORKER_MANAGEMENT_PORT" \
    FEED_1M="$(service_mgmt_port feed-service-1)" FEED_2M="$(service_mgmt_port feed-service-2)" \
    RELATION_1M="$(service_mgmt_port relation-service-1)" RELATION_2M="$(service_mgmt_port relation-service-2)" \
    WORKER_1M="$(service_mgmt_port fanout-worker-1)" WORKER_2M="$(service_mgmt_port fanout-worker-2)"
  haproxy -c -q -f "$CONF/haproxy.cfg" || die "invalid HAProxy config $CONF/haproxy.cfg"
  start_bg haproxy "$(command -v haproxy)" -db -f "$CONF/haproxy.cfg"
}
haproxy_ready() { curl -fsS -m 3 "http://127.0.0.1:$LB_STATS_PORT/;csv" >/dev/null 2>&1; }

# ---------------------------------------------------------------- commands
cmd_servers_up() {
  local start=$SECONDS n
  FEED_PG_DATABASES="${FEED_PG_DATABASES:-feed feed_test} $PG_DB" bash "$FEED_ROOT/stack/postgres.sh" start
  info "starting Cassandra x3 (127.0.0.1-3:$CASS_PORT), Kafka x3 (:$KAFKA_PORT-$((KAFKA_PORT + 2))), Redis Cluster x6 (:$REDIS_PORT-$((REDIS_PORT + 5)))"
  # Everything is started at once and waited for afterwards: the JVMs boot in parallel.
  for n in "${CASS_NODES[@]}"; do cass_start "$n"; done
  for n in "${KAFKA_NODES[@]}"; do kafka_start "$n"; done
  redis_cluster_up
  for n in "${KAFKA_NODES[@]}"; do kafka_wait "$n"; done
  for n in "${CASS_NODES[@]}"; do cass_wait "$n"; done
  wait_for cassandra-ring 240 cass_all_un cassandra-1 || die "the Cassandra ring did not reach 3 x UN"
  ok "cluster stores up in $((SECONDS - start))s"
}

cmd_services_up() {
  local start=$SECONDS kv
  for kv in "$@"; do [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "not a KEY=VALUE: $kv"; done
  if [ $# -gt 0 ]; then printf '%s\n' "$@" > "$ENV_FILE"; elif [ ! -f "$ENV_FILE" ] || ! cmd_running_services; then rm -f "$ENV_FILE"; fi
  haproxy_start; wait_for haproxy 30 haproxy_ready
  # relation-service-1 first (it migrates PostgreSQL), then one replica of each migrating service
  # before the second (feed-service migrates Cassandra; the worker creates topics).
  service_start relation-service-1; service_wait relation-service-1
  service_start relation-service-2; service_start feed-service-1
  service_wait relation-service-2; service_wait feed-service-1
  service_start feed-service-2; service_start fanout-worker-1; service_start fanout-worker-2
  service_wait feed-service-2; service_wait fanout-worker-1; service_wait fanout-worker-2
  ok "six service replicas and HAProxy up in $((SECONDS - start))s"
}

cmd_running_services() { local n; for n in "${SERVICE_NODES[@]}"; do is_running "$n" && return 0; done; return 1; }

cmd_services_down() {
  local n
  for n in fanout-worker-2 fanout-worker-1 feed-service-2 feed-service-1 relation-service-2 relation-service-1; do stop_pid "$n" 30; done
}

cmd_down() {
  local n
  stop_pid haproxy 10
  cmd_services_down
  for n in "${KAFKA_NODES[@]}" "${CASS_NODES[@]}" "${REDIS_NODES[@]}"; do
    if is_running "$n"; then kill -TERM -- "-$(cat "$(pidfile "$n")")" 2>/dev/null || true; fi
  done
  for n in "${KAFKA_NODES[@]}" "${CASS_NODES[@]}" "${REDIS_NODES[@]}"; do stop_pid "$n" 60; done
  rm -f "$ENV_FILE"
}

cmd_running() { local n; for n in "${ALL_NODES[@]}"; do is_running "$n" && return 0; done; return 1; }

node_port() {
  case "$1" in
    redis-*) redis_port "$1" ;; kafka-*) kafka_port "$1" ;; cassandra-*) echo "$(cass_addr "$1"):$CASS_PORT" ;;
    haproxy) echo "$LB_FEED,$LB_RELATION,$LB_WORKER" ;; *) service_port "$1" ;;
  esac
}

node_role() {
  case "$1" in
    redis-*) redis_role "$1" | sed 's/slave/replica/' ;;
    kafka-*) echo "broker+controller" ;;
    cassandra-*) [ "$1" = cassandra-1 ] && echo seed || echo node ;;
    haproxy) echo "load balancer" ;;
    *) echo replica ;;
  esac
}

node_up() {
  is_running "$1" || return 1
  case "$1" in
    redis-*) redis_ping "$1" ;; kafka-*) port_open 127.0.0.1 "$(kafka_port "$1")" ;;
    cassandra-*) port_open "$(cass_addr "$1")" "$CASS_PORT" ;; haproxy) haproxy_ready ;;
    *) service_ready "$(service_port "$1")" ;;
  esac
}

cmd_status() {
  local n pid state
  printf '%-20s %-18s %-8s %-22s %s\n' NAME ROLE PID PORT STATE
  for n in "${ALL_NODES[@]}"; do
    pid=-; state=down
    if is_running "$n"; then pid="$(cat "$(pidfile "$n")")"; if node_up "$n"; then state=up; else state="running, not ready"; fi; fi
    printf '%-20s %-18s %-8s %-22s %s\n' "$n" "$( [ "$state" = up ] && node_role "$n" || echo -)" "$pid" "$(node_port "$n")" "$state"
  done
}

known_node() { local n; for n in "${ALL_NODES[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

cmd_kill() {
  known_node "$1" || die "unknown node '$1' (./feed cluster status lists them)"
  is_running "$1" || die "$1 is not running"
  local pid; pid="$(cat "$(pidfile "$1")")"
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(pidfile "$1")"
  ok "killed $1 (pid $pid, SIGKILL)"
}

cmd_start() {
  local n="$1" start=$SECONDS
  known_node "$n" || die "unknown node '$n' (./feed cluster status lists them)"
  case "$n" in
    redis-*) redis_start "$n"; wait_for "$n" 30 redis_ping "$n" ;;
    kafka-*) kafka_start "$n"; kafka_wait "$n" ;;
    cassandra-*) cass_start "$n"; cass_wait "$n" ;;
    haproxy) haproxy_start; wait_for haproxy 30 haproxy_ready ;;
    *) service_start "$n"; service_wait "$n" ;;
  esac
  ok "$n up in $((SECONDS - start))s"
}

case "${1:-status}" in
  servers-up) cmd_servers_up ;;
  services-up) shift; cmd_services_up "$@" ;;
  down) cmd_down ;;
  services-down) cmd_services_down ;;
  status) cmd_status ;;
  kill) [ $# -eq 2 ] || die "usage: ./feed cluster kill NAME"; cmd_kill "$2" ;;
  start) [ $# -eq 2 ] || die "usage: ./feed cluster start NAME"; cmd_start "$2" ;;
  running) cmd_running ;;
  redis-formed) redis_formed ;;
  cassandra-un) cass_all_un "${2:-cassandra-1}" ;;
  *) echo "usage: $0 servers-up|services-up [KEY=VALUE...]|down|status|kill NAME|start NAME|running" >&2; exit 2 ;;
esac
