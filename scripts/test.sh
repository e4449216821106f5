#!/usr/bin/env bash
# The one test command: bootstrap the tools (idempotent, cached), typecheck, then every test file through
# node's own test runner, whose closing summary CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsc --noEmit -p .
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-reporter=spec --test-concurrency=1 "${files[@]}"
