#!/usr/bin/env bash
# The integrators' path: generates a Python client from api-spec/openapi.json with
# openapi-python-client and runs tests/client/integration.py with it against the real server,
# on SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set. Called by scripts/test.sh; prints
# `client: N passed, M failed` last.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$(repo_root)"

venv=target/client-venv
if [ ! -x "$venv/bin/openapi-python-client" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/client/requirements.txt
fi
generated=target/generated-client
rm -rf "$generated"
mkdir -p "$generated"
if ! "$venv/bin/openapi-python-client" generate --path api-spec/openapi.json --meta none \
    --output-path "$generated/textdesk_client" >"$generated/generate.log" 2>&1; then
    cat "$generated/generate.log"
    echo "client: 0 passed, 1 failed"
    exit 1
fi

bin=${TEXTDESK_BIN:-target/debug/textdesk}
passed=0
failed=0
run() {
    if PYTHONPATH="$generated" "$venv/bin/python" tests/client/integration.py "$bin" "$1"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
}
run sqlite
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
    database="textdesk_client_$$"
    psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE $database"
    run "${TEST_POSTGRES_URL%/*}/$database"
    psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE $database WITH (FORCE)"
fi
echo "client: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
