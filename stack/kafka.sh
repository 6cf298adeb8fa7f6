#!/usr/bin/env bash
# Local single-node Kafka (KRaft: broker and controller in one JVM) run from Maven Central jars.
#
#   stack/kafka.sh install   download the jars into $FEED_LIB_DIR/kafka (once per version)
#   stack/kafka.sh start     install if needed, format the data dir once, start, wait until a broker answers
#   stack/kafka.sh stop      stop the broker this script started (pid file only)
#   stack/kafka.sh status    "running (pid, address)" and exit 0, or "stopped" and exit 3
#   stack/kafka.sh tool CLASS [ARGS...]   run a Kafka CLI class with the broker's classpath, e.g.
#       stack/kafka.sh tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:19092 --list
#
# Listens on 127.0.0.1 only: clients on $FEED_KAFKA_PORT (19092), controller on
# $FEED_KAFKA_CONTROLLER_PORT (19093). No JMX port. Data: $FEED_DATA_DIR/kafka, log: $FEED_LOG_DIR/kafka.log.
# Config templates: stack/conf/kafka/, rendered into $FEED_CONF_DIR/kafka/ on every start.
# The version is the <kafka.version> property of stack/servers/pom.xml.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAME=kafka
KAFKA_VERSION="$(pom_property kafka.version)"
KAFKA_HEAP="${FEED_KAFKA_HEAP:-256m}"
LIB="$FEED_LIB_DIR/kafka"
DATA="$FEED_DATA_DIR/kafka"
CONF="$FEED_CONF_DIR/kafka"
TEMPLATES="$FEED_ROOT/stack/conf/kafka"
BOOTSTRAP="127.0.0.1:$FEED_KAFKA_PORT"

java_bin() { java_for_servers; }

# Runs a Kafka command line class (tools log warnings only, to stderr).
kafka_tool() {
  "$(java_bin)" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$CONF/tools-log4j2.xml" -cp "$LIB/*" "$@"
}

cmd_install() {
  install_server_jars "$NAME" "$KAFKA_VERSION"
}

render_config() {
  mkdir -p "$CONF" "$DATA"
  render_template "$TEMPLATES/server.properties" "$CONF/server.properties" \
    PORT="$FEED_KAFKA_PORT" CONTROLLER_PORT="$FEED_KAFKA_CONTROLLER_PORT" DATA_DIR="$DATA"
  cp "$TEMPLATES/log4j2.xml" "$TEMPLATES/tools-log4j2.xml" "$TEMPLATES/admin.properties" "$CONF/"
}

# Formats the KRaft log dir once; the cluster id is kept in $DATA/cluster.id.
format_storage() {
  [ -f "$DATA/log/meta.properties" ] && return 0
  if [ ! -s "$DATA/cluster.id" ]; then
    # What `kafka-storage.sh random-uuid` prints: 16 random bytes, base64url without padding,
    # not starting with '-' (it would read as a command line flag). Saves a JVM start.
    local id=-
    while [[ "$id" == -* ]]; do
      id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    echo "$id" > "$DATA/cluster.id"
  fi
  info "formatting $DATA/log (cluster id $(cat "$DATA/cluster.id"))"
  kafka_tool kafka.tools.StorageTool format -t "$(cat "$DATA/cluster.id")" \
    -c "$CONF/server.properties" --ignore-formatted >/dev/null
}

# Ready = a broker answers a metadata request (list topics). Also "done" if the process died,
# which the caller checks afterwards, so a crash does not wait for the whole timeout.
probe() {
  is_running "$NAME" || return 0
  port_open 127.0.0.1 "$FEED_KAFKA_PORT" || return 1
  timeout 20 "$(java_bin)" -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$CONF/tools-log4j2.xml" -cp "$LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$CONF/admin.properties" --list
}

cmd_start() {
  cmd_install
  if is_running "$NAME"; then
    ok "kafka already running (pid $(cat "$(pidfile "$NAME")"), $BOOTSTRAP)"
    return 0
  fi
  for p in "$FEED_KAFKA_PORT" "$FEED_KAFKA_CONTROLLER_PORT"; do
    port_open 127.0.0.1 "$p" && die "port $p is already in use by a process this script did not start"
  done
  render_config
  format_storage
  info "starting kafka $KAFKA_VERSION on $BOOTSTRAP (log: $FEED_LOG_DIR/$NAME.log)"
  printf '\n===== %s kafka %s starting =====\n' "$(date '+%F %T')" "$KAFKA_VERSION" >> "$FEED_LOG_DIR/$NAME.log"
  start_bg "$NAME" "$(java_bin)" \
    -Xmx"$KAFKA_HEAP" -Xms64m -Xss512k \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -XX:MaxDirectMemorySize=128m -XX:+PerfDisableSharedMem -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$CONF/log4j2.xml" \
    -Dkafka.logs.dir="$FEED_LOG_DIR" \
    -cp "$LIB/*" kafka.Kafka "$CONF/server.properties"
  wait_for "$NAME" "${FEED_KAFKA_START_TIMEOUT:-90}" probe || { cmd_stop >/dev/null; die "kafka did not become ready"; }
  if ! is_running "$NAME"; then
    tail -n 40 "$FEED_LOG_DIR/$NAME.log" >&2
    rm -f "$(pidfile "$NAME")"
    die "kafka exited during startup (log: $FEED_LOG_DIR/$NAME.log)"
  fi
  ok "kafka running (pid $(cat "$(pidfile "$NAME")"), $BOOTSTRAP)"
}

cmd_stop() {
  if is_running "$NAME"; then
    stop_pid "$NAME" 60
  else
    rm -f "$(pidfile "$NAME")"
    info "kafka is not running"
  fi
}

cmd_status() {
  if is_running "$NAME"; then
    echo "kafka: running (pid $(cat "$(pidfile "$NAME")"), $BOOTSTRAP, controller 127.0.0.1:$FEED_KAFKA_CONTROLLER_PORT)"
  else
    echo "kafka: stopped"
    return 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  status)  cmd_status ;;
  tool)    shift; [ $# -ge 1 ] || die "usage: $0 tool CLASS [ARGS...]"; cmd_install; render_config; kafka_tool "$@" ;;
  *)       echo "usage: $0 install|start|stop|status|tool CLASS [ARGS...]" >&2; exit 2 ;;
esac
