#!/usr/bin/env bash
# Runs the single-node Cassandra 5.0 that scripts/bootstrap.sh installed (jars in $CASSANDRA_HOME/lib):
#
#   cassandra.sh start NODE_DIR       render NODE_DIR/conf/cassandra.yaml, start the node in the background
#   cassandra.sh wait NODE_DIR [SEC]  wait until the CQL port accepts connections (default 180 s)
#   cassandra.sh stop NODE_DIR        stop it (SIGTERM, then SIGKILL after 30 s)
#   cassandra.sh status NODE_DIR      print pid and ports, exit 1 when not running
#   cassandra.sh stop-all RUN_DIR     stop every node under RUN_DIR (test/harness/cassandra.ts's run dir)
#   cassandra.sh nodetool NODE_DIR ARGS...   org.apache.cassandra.tools.NodeTool against that node's JMX port
#   cassandra.sh sstabledump ARGS...         org.apache.cassandra.tools.SSTableExport
#
# `start` reads (defaults in brackets): CASSANDRA_CQL_PORT [9042], CASSANDRA_STORAGE_PORT [7000],
# CASSANDRA_JMX_PORT [7199], CASSANDRA_HEAP [768M], CASSANDRA_SSTABLE_FORMAT [big|bti, default big],
# CASSANDRA_STORAGE_COMPATIBILITY_MODE [NONE|CASSANDRA_4, default NONE]. They are saved in NODE_DIR/node.env so the
# other commands find the node again.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${CASSBERG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cassberg}"
CASSANDRA_HOME="${CASSANDRA_HOME:-$cache/cassandra}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "cassandra.sh: $*" >&2; exit 1; }

classpath() {
  compgen -G "$CASSANDRA_HOME/lib/cassandra-all-*.jar" >/dev/null || die "Cassandra is not installed in $CASSANDRA_HOME/lib: run scripts/bootstrap.sh"
  local cp="$1" jar
  for jar in "$CASSANDRA_HOME"/lib/*.jar; do cp="$cp:$jar"; done
  echo "$cp"
}

jvm_opts() { grep '^-' "$here/jvm17.options"; }

load_env() {
  local node="$1"
  [ -f "$node/node.env" ] || die "no node at $node (missing node.env): start it first"
  # shellcheck disable=SC1091
  . "$node/node.env"
}

running_pid() {
  local node="$1" pid
  [ -f "$node/cassandra.pid" ] || return 1
  pid="$(cat "$node/cassandra.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

cmd_start() {
  local node="$1"
  mkdir -p "$node" && node="$(cd "$node" && pwd)"
  if pid="$(running_pid "$node")"; then die "already running in $node (pid $pid)"; fi
  local cql="${CASSANDRA_CQL_PORT:-9042}" storage="${CASSANDRA_STORAGE_PORT:-7000}" jmx="${CASSANDRA_JMX_PORT:-7199}"
  local format="${CASSANDRA_SSTABLE_FORMAT:-big}" mode="${CASSANDRA_STORAGE_COMPATIBILITY_MODE:-NONE}"
  case "$format" in big|bti) ;; *) die "CASSANDRA_SSTABLE_FORMAT must be big or bti, not '$format'";; esac
  case "$mode" in NONE|CASSANDRA_4|UPGRADING) ;; *) die "CASSANDRA_STORAGE_COMPATIBILITY_MODE must be NONE or CASSANDRA_4, not '$mode'";; esac
  mkdir -p "$node/conf" "$node/logs" "$node/data"
  sed -e "s|@NODE_DIR@|$node|g" -e "s|@CQL_PORT@|$cql|g" -e "s|@STORAGE_PORT@|$storage|g" \
      -e "s|@SSTABLE_FORMAT@|$format|g" -e "s|@STORAGE_COMPATIBILITY_MODE@|$mode|g" \
      "$here/cassandra.yaml.template" > "$node/conf/cassandra.yaml"
  cp "$here/logback.xml" "$node/conf/logback.xml"
  cat > "$node/node.env" <<ENV
CQL_PORT=$cql
STORAGE_PORT=$storage
JMX_PORT=$jmx
SSTABLE_FORMAT=$format
STORAGE_COMPATIBILITY_MODE=$mode
ENV
  local cp; cp="$(classpath "$node/conf")"
  local heap="${CASSANDRA_HEAP:-768M}"
  # setsid: the node gets its own session, so it survives the shell (and the test process) that started it.
  # shellcheck disable=SC2046
  setsid "$JAVA" -Xms"$heap" -Xmx"$heap" -Xss256k -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -XX:ErrorFile="$node/logs/hs_err_%p.log" \
    $(jvm_opts) \
    -javaagent:"$(ls "$CASSANDRA_HOME"/lib/jamm-*.jar | head -1)" \
    -Djava.net.preferIPv4Stack=true \
    -Dcassandra.config="file://$node/conf/cassandra.yaml" \
    -Dcassandra.storagedir="$node" -Dcassandra.logdir="$node/logs" \
    -Dlogback.configurationFile="$node/conf/logback.xml" \
    -Dcassandra.jmx.local.port="$jmx" -Djava.rmi.server.hostname=127.0.0.1 \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra-foreground=yes \
    -cp "$cp" org.apache.cassandra.service.CassandraDaemon \
    > "$node/logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$node/cassandra.pid"
  echo "cassandra: started pid $! in $node (cql 127.0.0.1:$cql, jmx $jmx, format $format, compatibility $mode)"
}

cmd_wait() {
  local node="$1" timeout="${2:-180}" pid
  load_env "$node"
  local deadline=$((SECONDS + timeout))
  while :; do
    pid="$(running_pid "$node")" || { tail -n 40 "$node/logs/stdout.log" >&2 || true; die "exited while starting (logs in $node/logs)"; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$CQL_PORT") 2>/dev/null; then
      echo "cassandra: CQL ready on 127.0.0.1:$CQL_PORT"
      return 0
    fi
    [ $SECONDS -lt $deadline ] || die "CQL port $CQL_PORT not open after ${timeout}s (logs in $node/logs)"
    sleep 1
  done
}

cmd_stop() {
  local node="$1" pid
  pid="$(running_pid "$node")" || { echo "cassandra: not running in $node"; return 0; }
  kill "$pid"
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  rm -f "$node/cassandra.pid"
  echo "cassandra: stopped pid $pid"
}

cmd_stop_all() {
  local node
  for node in "$1"/cassandra-*/; do
    [ -f "$node/node.env" ] && cmd_stop "${node%/}"
  done
  return 0
}

cmd_status() {
  local node="$1" pid
  load_env "$node"
  pid="$(running_pid "$node")" || { echo "cassandra: not running in $node"; return 1; }
  echo "cassandra: pid $pid, cql 127.0.0.1:$CQL_PORT, jmx $JMX_PORT, format $SSTABLE_FORMAT, compatibility $STORAGE_COMPATIBILITY_MODE"
}

tool() {
  local main="$1"; shift
  local cp; cp="$(classpath "$here")"
  # The tools initialise Cassandra's configuration too, so they get a rendered yaml of their own (never a node's).
  local conf; conf="$(mktemp -d "${TMPDIR:-/tmp}/cassberg-tool-XXXXXX")"
  sed -e "s|@NODE_DIR@|$conf|g" -e "s|@CQL_PORT@|9042|g" -e "s|@STORAGE_PORT@|7000|g" \
      -e "s|@SSTABLE_FORMAT@|big|g" -e "s|@STORAGE_COMPATIBILITY_MODE@|NONE|g" \
      "$here/cassandra.yaml.template" > "$conf/cassandra.yaml"
  local status=0
  # shellcheck disable=SC2046
  "$JAVA" -Xmx256M $(jvm_opts) -Djava.net.preferIPv4Stack=true \
    -Dcassandra.config="file://$conf/cassandra.yaml" -Dcassandra.storagedir="$conf" \
    -Dlogback.configurationFile="$here/logback-tools.xml" \
    -cp "$cp" "$main" "$@" || status=$?
  rm -rf "$conf"
  return $status
}

[ $# -ge 1 ] || die "usage: cassandra.sh start|wait|stop|stop-all|status|nodetool|sstabledump ..."
command -v "$JAVA" >/dev/null 2>&1 || die "java not found: install Java 17 (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
sub="$1"; shift
case "$sub" in
  start|wait|stop|status) [ $# -ge 1 ] || die "usage: cassandra.sh $sub NODE_DIR"; "cmd_$sub" "$@" ;;
  nodetool)
    [ $# -ge 1 ] || die "usage: cassandra.sh nodetool NODE_DIR ARGS..."
    node="$1"; shift; load_env "$node"
    tool org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@" ;;
  sstabledump) tool org.apache.cassandra.tools.SSTableExport "$@" ;;
  stop-all) [ $# -ge 1 ] || die "usage: cassandra.sh stop-all RUN_DIR"; cmd_stop_all "$1" ;;
  *) die "unknown command '$sub'" ;;
esac
