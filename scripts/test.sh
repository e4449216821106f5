#!/usr/bin/env bash
# The one test command: bootstrap the tools (idempotent, cached), typecheck, then every test file through
# node's own test runner, whose closing summary CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc --noEmit -p .
# Cassandra nodes started by test/harness/cassandra.ts outlive the test file that started them (each file runs in
# its own process) and are shared by later files through this run dir; the trap stops them however the run ends.
export CASSBERG_TEST_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cassberg-test-run-XXXXXX")"
cleanup() {
  bash scripts/cassandra/cassandra.sh stop-all "$CASSBERG_TEST_RUN_DIR" >/dev/null 2>&1 || true
  rm -rf "$CASSBERG_TEST_RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-reporter=spec --test-concurrency=1 "${files[@]}"
