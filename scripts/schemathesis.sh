#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against a real server on a fresh database and reports server
# errors and statuses the OpenAPI document does not list. Build first (cargo build -p textdesk).
#
#   scripts/schemathesis.sh sqlite [SECONDS]
#   scripts/schemathesis.sh postgres [SECONDS]    # PG_URL=postgres://postgres@127.0.0.1:5432
#
# The demo workspace gives the fuzzer an owner's token; every operation is called with it.
set -euo pipefail

backend=${1:?usage: schemathesis.sh sqlite|postgres [seconds]}
seconds=${2:-300}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${BIN:-target/debug/textdesk}
port=${PORT:-18190}
out=${OUT:-target/schemathesis/$backend}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
command -v schemathesis >/dev/null || python3 -m pip install --quiet schemathesis

rm -rf "$out"
mkdir -p "$out"
case $backend in
    sqlite) database_url=$out/textdesk.db ;;
    postgres)
        psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS textdesk_fuzz WITH (FORCE)"
        psql "$pg_url/postgres" -qc "CREATE DATABASE textdesk_fuzz"
        database_url=$pg_url/textdesk_fuzz
        ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
esac

DATABASE_URL=$database_url BIND=127.0.0.1:$port JWT_SECRET=schemathesis-secret-0123456789abcdef0123 \
    LOG_LEVEL=warn DATA_DIR=$out/data "$bin" serve --demo >"$out/server.log" 2>&1 &
server=$!
cleanup() {
    kill $server 2>/dev/null
    wait $server 2>/dev/null || true
    [ "$backend" = postgres ] && psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS textdesk_fuzz WITH (FORCE)"
    return 0
}
trap cleanup EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

token=$(curl -fs "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"owner@demo.textdesk.local","password":"textdesk-demo"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# Signing out or changing the password would end the fuzzer's own session.
status=0
schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance \
    --exclude-path /api/v1/auth/logout --exclude-path /api/v1/me/password \
    --max-time "$seconds" --workers 1 --continue-on-failure \
    --report junit --report-dir "$out" >"$out/report.txt" 2>&1 || status=$?
tail -40 "$out/report.txt"
exit $status
