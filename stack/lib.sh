#!/usr/bin/env bash
# Shared helpers for the local stack scripts. Sourced, never executed.
# Every piece of state lives under $FEED_LOCAL (default: <repo>/.local), which is git-ignored.

FEED_ROOT="${FEED_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
FEED_LOCAL="${FEED_LOCAL:-$FEED_ROOT/.local}"
FEED_DATA_DIR="$FEED_LOCAL/data"
FEED_LOG_DIR="$FEED_LOCAL/logs"
FEED_RUN_DIR="$FEED_LOCAL/run"
FEED_LIB_DIR="$FEED_LOCAL/lib"
FEED_CONF_DIR="$FEED_LOCAL/conf"
mkdir -p "$FEED_DATA_DIR" "$FEED_LOG_DIR" "$FEED_RUN_DIR" "$FEED_LIB_DIR" "$FEED_CONF_DIR"

# Ports: defaults stay away from the well-known ones so a machine's own Redis,
# PostgreSQL, Kafka or Cassandra is never touched.
FEED_REDIS_PORT="${FEED_REDIS_PORT:-16379}"
FEED_PG_PORT="${FEED_PG_PORT:-15432}"
FEED_KAFKA_PORT="${FEED_KAFKA_PORT:-19092}"
FEED_KAFKA_CONTROLLER_PORT="${FEED_KAFKA_CONTROLLER_PORT:-19093}"
FEED_CASSANDRA_PORT="${FEED_CASSANDRA_PORT:-19042}"
FEED_CASSANDRA_STORAGE_PORT="${FEED_CASSANDRA_STORAGE_PORT:-17000}"
# The services' management interfaces (health, metrics, /internal/, /admin/; never on the API
# ports): the API port + 20 unless set, so every stack with its own API ports gets its own.
FEED_SERVICE_MANAGEMENT_PORT="${FEED_SERVICE_MANAGEMENT_PORT:-$(( ${FEED_SERVICE_PORT:-8080} + 20 ))}"
FEED_RELATION_MANAGEMENT_PORT="${FEED_RELATION_MANAGEMENT_PORT:-$(( ${FEED_RELATION_PORT:-8081} + 20 ))}"
FEED_WORKER_MANAGEMENT_PORT="${FEED_WORKER_MANAGEMENT_PORT:-$(( ${FEED_WORKER_PORT:-8082} + 20 ))}"

# internal_token: the services' shared X-Internal-Token for this stack: FEED_INTERNAL_TOKEN if set,
# else a random one generated once into $FEED_LOCAL/keys (production refuses a default token).
internal_token() {
  if [ -n "${FEED_INTERNAL_TOKEN:-}" ]; then echo "$FEED_INTERNAL_TOKEN"; return; fi
  local f="$FEED_LOCAL/keys/internal-token"
  if [ ! -s "$f" ]; then
    mkdir -p "$FEED_LOCAL/keys"
    (umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$f")
  fi
  cat "$f"
}

if [ -t 1 ]; then _B=$'\e[1m'; _R=$'\e[31m'; _Y=$'\e[33m'; _G=$'\e[32m'; _N=$'\e[0m'; else _B=; _R=; _Y=; _G=; _N=; fi
info() { printf '%s==>%s %s\n' "$_B" "$_N" "$*"; }
ok()   { printf '%s ok%s %s\n' "$_G" "$_N" "$*"; }
warn() { printf '%swarn:%s %s\n' "$_Y" "$_N" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$_R" "$_N" "$*" >&2; exit 1; }

# port_open HOST PORT: true if something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for LABEL TIMEOUT_S CMD...: polls CMD once a second, printing progress dots,
# until it succeeds or the timeout passes (then prints the log tail and fails).
wait_for() {
  local label="$1" timeout="$2"; shift 2
  local start=$SECONDS
  printf '    waiting for %s ' "$label"
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - start >= timeout )); then
      printf ' timed out after %ss\n' "$timeout"
      [ -f "$FEED_LOG_DIR/$label.log" ] && tail -n 30 "$FEED_LOG_DIR/$label.log" >&2
      return 1
    fi
    printf '.'; sleep 1
  done
  printf ' ready (%ss)\n' "$((SECONDS - start))"
}

pidfile() { echo "$FEED_RUN_DIR/$1.pid"; }

# is_running NAME: the process recorded in NAME's pid file is alive.
is_running() {
  local pf; pf="$(pidfile "$1")"
  [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null
}

# start_bg NAME CMD...: starts CMD detached, output to logs/NAME.log, pid to run/NAME.pid.
start_bg() {
  local name="$1"; shift
  nohup setsid "$@" >>"$FEED_LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$name")"
}

# stop_pid NAME [TIMEOUT_S]: stops the process (group) we started, by pid file only.
stop_pid() {
  local name="$1" timeout="${2:-30}" pf pid
  pf="$(pidfile "$name")"
  [ -f "$pf" ] || return 0
  pid="$(cat "$pf")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    local start=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS - start >= timeout )); then
        warn "$name did not stop in ${timeout}s, killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        break
      fi
      sleep 0.5
    done
    ok "stopped $name (pid $pid)"
  fi
  rm -f "$pf"
}

# java_for_servers: Cassandra 5.0 supports JDK 11 and 17 only; prefer a 17 if one is installed.
java_for_servers() {
  local j
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/temurin-17-jdk-amd64 /usr/lib/jvm/java-17-openjdk; do
    [ -x "$j/bin/java" ] && { echo "$j/bin/java"; return; }
  done
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

# mvn_cmd: the Maven wrapper if present, else mvn on PATH.
mvn_cmd() { if [ -x "$FEED_ROOT/mvnw" ]; then echo "$FEED_ROOT/mvnw"; else echo mvn; fi; }

# apt_install PKG...: installs Debian packages (root, or sudo when available), updating the
# package lists once first.
apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: $*"
    sudo="sudo"
  fi
  if [ ! -f "$FEED_RUN_DIR/apt-updated" ]; then
    info "apt-get update"
    $sudo apt-get update -q || die "apt-get update failed"
    touch "$FEED_RUN_DIR/apt-updated"
  fi
  # A package may set up its own system-wide service; the stack never uses or touches it.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$@" \
    || die "apt-get install $* failed"
}

# pom_property NAME: a <NAME>value</NAME> property from stack/servers/pom.xml (the download pom).
pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$FEED_ROOT/stack/servers/pom.xml" | head -n 1
}

# install_server_jars NAME VERSION: copies the jars of profile NAME of stack/servers/pom.xml into
# $FEED_LIB_DIR/NAME, once: a marker file ($FEED_LIB_DIR/NAME/.installed) records the version, and a
# second call with the same version does nothing. Maven's output goes to logs/NAME-install.log; each
# downloaded jar is echoed as progress.
install_server_jars() {
  local name="$1" version="$2" dest="$FEED_LIB_DIR/$1" tmp log
  if [ -f "$dest/.installed" ] && [ "$(cat "$dest/.installed")" = "$name $version" ]; then
    return 0
  fi
  tmp="$FEED_LIB_DIR/.$name.tmp.$$"
  log="$FEED_LOG_DIR/$name-install.log"
  rm -rf "$tmp"
  info "downloading $name $version jars (Maven profile '$name' of stack/servers/pom.xml; log: $log)"
  local start=$SECONDS
  if ! ( set -o pipefail
         cd "$FEED_ROOT" && "$(mvn_cmd)" -B -Dstyle.color=never -f stack/servers/pom.xml -P "$name" \
           dependency:copy-dependencies -DoutputDirectory="$tmp" 2>&1 \
         | tee "$log" \
         | sed -un 's#^\[INFO\] Downloaded from [^:]*: .*/\([^/]*\.jar\) (\([^)]*\))$#    downloaded \1 (\2)#p' ); then
    grep -E '^\[ERROR\]' "$log" | head -n 20 >&2
    rm -rf "$tmp"
    die "download of $name $version failed (see $log)"
  fi
  echo "$name $version" > "$tmp/.installed"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  ok "$name $version: $(ls "$dest"/*.jar | wc -l) jars in $dest ($((SECONDS - start))s)"
}

# cql_query_ok HOST PORT: speaks the CQL native protocol (v4) over bash's /dev/tcp: STARTUP, then
# "SELECT release_version FROM system.local"; true if a Rows result comes back.
cql_query_ok() (
  local host="$1" port="$2" q="SELECT release_version FROM system.local" hdr blen n
  exec 3<>"/dev/tcp/$host/$port" || exit 1
  # STARTUP {CQL_VERSION: 3.0.0}; header: version 4, flags 0, stream 1, opcode 1, length 22.
  printf '\x04\x00\x00\x01\x01\x00\x00\x00\x16\x00\x01\x00\x0bCQL_VERSION\x00\x053.0.0' >&3
  hdr="$(timeout 5 head -c 9 <&3 | od -An -tx1 | tr -d ' \n')"
  [ "${hdr:8:2}" = 02 ] || exit 1                      # READY
  # QUERY: [long string] query, consistency ONE, flags 0; stream 2, opcode 7.
  n=${#q}; blen=$((4 + n + 2 + 1))
  printf "$(printf '\\x04\\x00\\x00\\x02\\x07\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x' \
    $((blen >> 24 & 255)) $((blen >> 16 & 255)) $((blen >> 8 & 255)) $((blen & 255)) \
    $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))" >&3
  printf '%s\x00\x01\x00' "$q" >&3
  hdr="$(timeout 5 head -c 13 <&3 | od -An -tx1 | tr -d ' \n')"
  [ "${hdr:8:2}" = 08 ] && [ "${hdr:18:8}" = 00000002 ]  # RESULT, kind Rows
)

# cql_exec HOST PORT STATEMENT [TIMEOUT_S]: runs one CQL statement (ASCII, no bound values) over the
# same hand-rolled native protocol v4 as cql_query_ok (there is no cqlsh here: the stack runs
# Cassandra from its jars); true on any RESULT frame, else prints Cassandra's error message.
cql_exec() (
  local host="$1" port="$2" q="$3" wait="${4:-60}" hdr blen n len
  exec 3<>"/dev/tcp/$host/$port" || { echo "no Cassandra on $host:$port" >&2; exit 1; }
  printf '\x04\x00\x00\x01\x01\x00\x00\x00\x16\x00\x01\x00\x0bCQL_VERSION\x00\x053.0.0' >&3
  hdr="$(timeout 5 head -c 9 <&3 | od -An -tx1 | tr -d ' \n')"
  [ "${hdr:8:2}" = 02 ] || { echo "Cassandra on $host:$port did not answer STARTUP" >&2; exit 1; }
  n=${#q}; blen=$((4 + n + 2 + 1))
  printf "$(printf '\\x04\\x00\\x00\\x02\\x07\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x' \
    $((blen >> 24 & 255)) $((blen >> 16 & 255)) $((blen >> 8 & 255)) $((blen & 255)) \
    $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))" >&3
  printf '%s\x00\x01\x00' "$q" >&3
  hdr="$(timeout "$wait" head -c 9 <&3 | od -An -tx1 | tr -d ' \n')"
  [ "${#hdr}" = 18 ] || { echo "no answer from Cassandra within ${wait}s to: $q" >&2; exit 1; }
  [ "${hdr:8:2}" = 08 ] && exit 0                         # RESULT
  len=$((16#${hdr:10:8}))
  # ERROR body: [int] code, [short] length, message
  echo "Cassandra refused '$q': $(timeout 5 head -c "$len" <&3 | tail -c +7 | tr -cd '[:print:]')" >&2
  exit 1
)

# render_template SRC DEST KEY=VALUE...: copies SRC to DEST replacing every @KEY@ with VALUE.
render_template() {
  local src="$1" dest="$2" kv k v args=(); shift 2
  for kv in "$@"; do
    k="${kv%%=*}"; v="${kv#*=}"
    v="${v//\\/\\\\}"; v="${v//&/\\&}"; v="${v//|/\\|}"
    args+=(-e "s|@${k}@|${v}|g")
  done
  mkdir -p "$(dirname "$dest")"
  sed "${args[@]}" "$src" > "$dest.tmp" && mv "$dest.tmp" "$dest"
}

# The local stacks are load benches: every client is 127.0.0.1 and a bench reads thousands of times a
# second. The rate limits stay on (their code runs, their buckets fill) but far out of reach; a
# FEED_RATE_LIMIT_* variable set in the caller's environment wins (README "Rate limits").
bench_rate_limits() {
  local family scope var
  for family in TIMELINE DELETES FOLLOWS SAFETY PROFILE; do
    for scope in PER_USER PER_ADDRESS; do
      var="FEED_RATE_LIMIT_${family}_${scope}"
      echo "$var=${!var:-100000000}"
    done
  done
  echo "FEED_RATE_LIMIT_PUBLISH_PER_ADDRESS=${FEED_RATE_LIMIT_PUBLISH_PER_ADDRESS:-100000000}"
}
