#!/usr/bin/env bash
# The project's test command (`npm test`). Installs what the tests need that npm does not (the Python
# venv with pyspark/delta-spark/deltalake/great_expectations and the delta-spark jars), builds the app,
# type-checks, lints, then runs every vitest suite. Nothing is skipped: a suite whose dependency is
# missing fails.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Python venv (Spark, delta-rs, great_expectations)"
bash scripts/setup-python.sh

step "Chromium (Data Docs rendering test)"
bash scripts/setup-chromium.sh

step "Build"
npm run build --silent

step "Type-check"
npx tsc -p tsconfig.json --noEmit

step "Lint"
npx eslint . --max-warnings=0

if [ "$#" -gt 0 ]; then
  step "Tests ($*)"
  npx vitest run "$@"
  exit 0
fi

step "Tests"
npx vitest run --exclude 'test/e2e/**'

# Alone, because `npm start` rebuilds dist/ which other suites load.
step "End-to-end: npm start"
npx vitest run test/e2e
