#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the API tests on SQLite and on PostgreSQL, the
# browser tests in headless Chromium on both databases, and a client generated from the OpenAPI
# document used against the server on both. Installs what it needs on first run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(repo_root)"

ensure_packages build-essential pkg-config libpq-dev
ensure_command chromium chromium
ensure_command node nodejs
ensure_command npm npm
ensure_postgres
echo "PostgreSQL for tests: $TEST_POSTGRES_URL"

results=$(mktemp)

echo "== Rust tests (unit, and API on SQLite and PostgreSQL)"
cargo test --workspace --exclude textdesk-frontend 2>&1 | tee -a "$results"

echo "== Browser tests (headless Chromium)"
scripts/build-frontend.sh
# `cargo test` built target/debug/textdesk (crates/server/tests/cli.rs runs it) with the test
# run's features; `cargo build -p textdesk` would recompile much of the workspace for its own.
if [ ! -x target/debug/textdesk ]; then
    echo "error: cargo test did not leave target/debug/textdesk" >&2
    exit 1
fi
(cd tests/e2e && npm ci --no-audit --no-fund --silent)
e2e_database="textdesk_e2e_$$"
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE $e2e_database"
postgres_e2e_url="${TEST_POSTGRES_URL%/*}/$e2e_database"
status=0
TEXTDESK_BIN=target/debug/textdesk node tests/e2e/run.mjs 2>&1 | tee -a "$results" || status=1
TEXTDESK_BIN=target/debug/textdesk E2E_DATABASE_URL="$postgres_e2e_url" node tests/e2e/run.mjs 2>&1 | tee -a "$results" || status=1
psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE $e2e_database WITH (FORCE)"

echo "== Generated API client (openapi-python-client)"
TEXTDESK_BIN=target/debug/textdesk tests/client/run.sh 2>&1 | tee -a "$results" || status=1

# One closing line for the whole run, summed over every runner.
awk '
    /^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
    /^(e2e|client): [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
    END { printf "all: %d passed, %d failed\n", p, f; exit (f > 0) }
' "$results" || status=1
rm -f "$results"
exit $status
