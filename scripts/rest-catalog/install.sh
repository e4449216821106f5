#!/usr/bin/env bash
# Installs Apache Iceberg's REST catalog test fixture (org.apache.iceberg.rest.RESTCatalogServer), the
# REST server cassberg's REST catalog tests and bench run against, into
# ${CASSBERG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cassberg}/rest-catalog/lib.
#
# Maven Central publishes the fixture's classes (iceberg-open-api:<v>:test-fixtures) but not the
# shaded runtime jar the Docker image is built from, so a generated pom resolves the same runtime
# classpath: iceberg-core (+ its `tests` jar, which holds RESTCatalogServlet and RESTCatalogAdapter),
# Jetty 11, sqlite-jdbc for the JDBC backend, hadoop-common for HadoopFileIO on file:// warehouses.
#
# Idempotent: skipped while the stamp and the fixture jar are there. Prints the lib directory.
# Run the server with: java -cp "$LIB/*" org.apache.iceberg.rest.RESTCatalogServer
# (configured by CATALOG_* environment variables, e.g. CATALOG_REST_PORT, CATALOG_URI, CATALOG_WAREHOUSE).
set -euo pipefail

ICEBERG_VERSION="${ICEBERG_REST_FIXTURE_VERSION:-1.10.0}"
# The versions Iceberg $ICEBERG_VERSION builds its fixture with (gradle/libs.versions.toml of the release tag).
JETTY_VERSION=11.0.26
SQLITE_JDBC_VERSION=3.50.3.0
HADOOP_VERSION=3.4.1
SLF4J_VERSION=2.0.17

CACHE="${CASSBERG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cassberg}"
HOME_DIR="$CACHE/rest-catalog"
LIB="$HOME_DIR/lib"
STAMP="$CACHE/stamps/rest-catalog-iceberg-$ICEBERG_VERSION"
FIXTURE_JAR="$LIB/iceberg-open-api-$ICEBERG_VERSION-test-fixtures.jar"

if [ -f "$STAMP" ] && [ -f "$FIXTURE_JAR" ]; then echo "$LIB"; exit 0; fi
command -v mvn >/dev/null 2>&1 || { echo "rest-catalog: missing prerequisite: mvn (apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "rest-catalog: missing prerequisite: java 17 (apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
mkdir -p "$HOME_DIR" "$CACHE/stamps"

hadoop_exclusions() {
  local g a
  for ga in 'org.slf4j:*' 'ch.qos.reload4j:*' 'org.apache.avro:avro' 'com.google.guava:*' 'com.google.protobuf:*' \
      'org.apache.curator:*' 'org.apache.zookeeper:*' 'org.apache.kerby:*' 'org.apache.hadoop.thirdparty:hadoop-shaded-protobuf_3_7' \
      'org.eclipse.jetty:*' 'com.google.re2j:re2j' 'com.google.code.gson:gson' 'com.jcraft:jsch' 'com.google.code.findbugs:jsr305' \
      'io.dropwizard.metrics:metrics-core' 'dnsjava:dnsjava' 'org.xerial.snappy:snappy-java' 'commons-cli:commons-cli' \
      'com.github.pjfanning:jersey-json'; do
    g="${ga%%:*}"; a="${ga#*:}"
    printf '        <exclusion><groupId>%s</groupId><artifactId>%s</artifactId></exclusion>\n' "$g" "$a"
  done
}

dep() { # groupId artifactId version [classifier]
  printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>%s</dependency>\n' \
    "$1" "$2" "$3" "${4:+<classifier>$4</classifier>}"
}

cat > "$HOME_DIR/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by cassberg's scripts/rest-catalog/install.sh: only used to resolve the REST fixture's runtime jars into lib/. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.cassberg</groupId>
  <artifactId>iceberg-rest-fixture-runtime</artifactId>
  <version>$ICEBERG_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
$(dep org.apache.iceberg iceberg-open-api "$ICEBERG_VERSION" test-fixtures)
$(dep org.apache.iceberg iceberg-core "$ICEBERG_VERSION")
$(dep org.apache.iceberg iceberg-core "$ICEBERG_VERSION" tests)
$(dep org.apache.iceberg iceberg-api "$ICEBERG_VERSION")
$(dep org.eclipse.jetty jetty-servlet "$JETTY_VERSION")
$(dep org.eclipse.jetty jetty-server "$JETTY_VERSION")
$(dep org.xerial sqlite-jdbc "$SQLITE_JDBC_VERSION")
$(dep org.slf4j slf4j-api "$SLF4J_VERSION")
$(dep org.slf4j slf4j-simple "$SLF4J_VERSION")
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-common</artifactId><version>$HADOOP_VERSION</version>
      <exclusions>
$(hadoop_exclusions)
      </exclusions>
    </dependency>
  </dependencies>
</project>
POM

# A fresh lib/ so jars of an older version never share the classpath with the new ones.
rm -rf "$LIB"
(cd "$HOME_DIR" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime) >&2
[ -f "$FIXTURE_JAR" ] || { echo "rest-catalog: $FIXTURE_JAR missing after mvn" >&2; exit 1; }
date -u +%FT%TZ > "$STAMP"
echo "$LIB"
