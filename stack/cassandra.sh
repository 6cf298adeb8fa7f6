#!/usr/bin/env bash
# Local single-node Cassandra 5.0 run from Maven Central jars (org.apache.cassandra:cassandra-all).
#
#   stack/cassandra.sh install   download the jars into $FEED_LIB_DIR/cassandra (once per version)
#   stack/cassandra.sh start     install if needed, start, wait until a CQL query is answered
#   stack/cassandra.sh stop      stop the node this script started (pid file only); it flushes on the way out
#   stack/cassandra.sh status    "running (pid, address)" and exit 0, or "stopped" and exit 3
#
# Listens on 127.0.0.1 only: CQL on $FEED_CASSANDRA_PORT (19042), internode on
# $FEED_CASSANDRA_STORAGE_PORT (17000). JMX (nodetool) is off unless FEED_CASSANDRA_JMX_PORT is set;
# the port reserved for it is 17199 (local-only JMX, no auth).
# Data: $FEED_DATA_DIR/cassandra, log: $FEED_LOG_DIR/cassandra.log.
# Config templates: stack/conf/cassandra/ (cassandra.yaml, logback.xml, jvm-server.options),
# rendered into $FEED_CONF_DIR/cassandra/ on every start. Heap: FEED_CASSANDRA_HEAP (default 512m).
# Runs on JDK 17 (java_for_servers): Cassandra 5.0 supports JDK 11 and 17 only.
# The version is the <cassandra.version> property of stack/servers/pom.xml.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAME=cassandra
CASSANDRA_VERSION="$(pom_property cassandra.version)"
CASSANDRA_HEAP="${FEED_CASSANDRA_HEAP:-512m}"
LIB="$FEED_LIB_DIR/cassandra"
DATA="$FEED_DATA_DIR/cassandra"
CONF="$FEED_CONF_DIR/cassandra"
TEMPLATES="$FEED_ROOT/stack/conf/cassandra"
ADDR="127.0.0.1:$FEED_CASSANDRA_PORT"

cmd_install() {
  install_server_jars "$NAME" "$CASSANDRA_VERSION"
}

render_config() {
  mkdir -p "$CONF" "$DATA"/{data,commitlog,saved_caches,hints,cdc_raw}
  render_template "$TEMPLATES/cassandra.yaml" "$CONF/cassandra.yaml" \
    NATIVE_PORT="$FEED_CASSANDRA_PORT" STORAGE_PORT="$FEED_CASSANDRA_STORAGE_PORT" DATA_DIR="$DATA"
  cp "$TEMPLATES/logback.xml" "$TEMPLATES/jvm-server.options" "$CONF/"
}

# Ready = the CQL port answers a query. Also "done" if the process died, which the caller checks
# afterwards, so a crash does not wait for the whole timeout.
probe() {
  is_running "$NAME" || return 0
  port_open 127.0.0.1 "$FEED_CASSANDRA_PORT" || return 1
  cql_query_ok 127.0.0.1 "$FEED_CASSANDRA_PORT"
}

cmd_start() {
  cmd_install
  if is_running "$NAME"; then
    ok "cassandra already running (pid $(cat "$(pidfile "$NAME")"), $ADDR)"
    return 0
  fi
  for p in "$FEED_CASSANDRA_PORT" "$FEED_CASSANDRA_STORAGE_PORT" ${FEED_CASSANDRA_JMX_PORT:-}; do
    port_open 127.0.0.1 "$p" && die "port $p is already in use by a process this script did not start"
  done
  render_config

  local java opts=() jmx=()
  java="$(java_for_servers)"
  "$java" -version 2>&1 | grep -q 'version "17' || warn "Cassandra 5.0 wants JDK 17; using $java"
  mapfile -t opts < <(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$CONF/jvm-server.options" | grep -v -e '^#' -e '^$')
  if [ -n "${FEED_CASSANDRA_JMX_PORT:-}" ]; then
    jmx=(-Dcassandra.jmx.local.port="$FEED_CASSANDRA_JMX_PORT" -Dcom.sun.management.jmxremote.authenticate=false)
  fi
  local agent=()
  for j in "$LIB"/jamm-*.jar; do [ -f "$j" ] && agent=(-javaagent:"$j"); done
  # Cassandra mlockall()s its memory at startup; as root (CAP_IPC_LOCK) that succeeds and pins
  # everything mapped at that moment, adding ~200 MB of RSS. Drop that one capability so the call
  # fails harmlessly ("Unable to lock JVM memory (ENOMEM)" warning): there is no swap to avoid here.
  local nolock=()
  if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && setpriv --bounding-set=-ipc_lock true 2>/dev/null; then
    nolock=(setpriv --bounding-set=-ipc_lock --inh-caps=-ipc_lock)
  fi

  info "starting cassandra $CASSANDRA_VERSION on $ADDR (log: $FEED_LOG_DIR/$NAME.log)"
  printf '\n===== %s cassandra %s starting =====\n' "$(date '+%F %T')" "$CASSANDRA_VERSION" >> "$FEED_LOG_DIR/$NAME.log"
  start_bg "$NAME" "${nolock[@]}" "$java" \
    -Xms128m -Xmx"$CASSANDRA_HEAP" -XX:MaxDirectMemorySize=256m \
    "${opts[@]}" "${agent[@]}" "${jmx[@]}" \
    -Dcassandra.config="file://$CONF/cassandra.yaml" \
    -Dlogback.configurationFile="$CONF/logback.xml" \
    -Dcassandra.storagedir="$DATA" \
    -Dcassandra.logdir="$FEED_LOG_DIR" \
    -cp "$CONF:$LIB/*" org.apache.cassandra.service.CassandraDaemon
  wait_for "$NAME" "${FEED_CASSANDRA_START_TIMEOUT:-120}" probe || { cmd_stop >/dev/null; die "cassandra did not become ready"; }
  if ! is_running "$NAME"; then
    tail -n 40 "$FEED_LOG_DIR/$NAME.log" >&2
    rm -f "$(pidfile "$NAME")"
    die "cassandra exited during startup (log: $FEED_LOG_DIR/$NAME.log)"
  fi
  ok "cassandra running (pid $(cat "$(pidfile "$NAME")"), CQL $ADDR)"
}

cmd_stop() {
  if is_running "$NAME"; then
    stop_pid "$NAME" 60
  else
    rm -f "$(pidfile "$NAME")"
    info "cassandra is not running"
  fi
}

cmd_status() {
  if is_running "$NAME"; then
    echo "cassandra: running (pid $(cat "$(pidfile "$NAME")"), CQL $ADDR, storage 127.0.0.1:$FEED_CASSANDRA_STORAGE_PORT)"
  else
    echo "cassandra: stopped"
    return 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  status)  cmd_status ;;
  *)       echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
