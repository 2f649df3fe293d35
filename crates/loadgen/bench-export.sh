#!/usr/bin/env bash
# A 1,000,000-message export in bounded memory (BENCHMARKS.md, "Issue 12: exports"): a fresh
# database seeded as for the inbox benchmark, then the organization's every message exported
# as CSV by the owner, streamed to a file; the server's peak resident memory (VmHWM) is read
# before and after, with the export's time and size. Build first:
#   cargo build --release -p textdesk -p textdesk-loadgen
#
#   crates/loadgen/bench-export.sh sqlite
#   crates/loadgen/bench-export.sh postgres     # PG_URL=postgres://postgres@127.0.0.1:5432 by default
#
# Environment: PORT (18091), BIN_DIR (target/release), OUT (target/bench-export/<backend>),
# CONVERSATIONS (200000), OPEN (20000), MESSAGES (1000000).
set -euo pipefail

backend=${1:?usage: bench-export.sh sqlite|postgres}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bin=${BIN_DIR:-target/release}
port=${PORT:-18091}
out=${OUT:-target/bench-export/$backend}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
database=textdesk_bench_export
url=http://127.0.0.1:$port
number=+14155552671

rm -rf "$out"
mkdir -p "$out"
case $backend in
    sqlite) database_url=$out/textdesk.db ;;
    postgres)
        psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"
        psql "$pg_url/postgres" -qc "CREATE DATABASE $database"
        database_url=$pg_url/$database
        ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
esac

server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ "$backend" = postgres ]; then
        psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
    fi
}
trap cleanup EXIT

DATABASE_URL=$database_url BIND=127.0.0.1:$port PUBLIC_URL=$url JWT_SECRET=loadgen-benchmark-secret-0123456789abcdef \
    LOG_LEVEL=warn DATA_DIR=$out/data "$bin/textdesk" serve >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fs "$url/readyz" >/dev/null && break
    sleep 0.1
done

"$bin/textdesk-loadgen" setup --url "$url" --number "$number" >/dev/null
"$bin/textdesk-loadgen" seed-inbox --database-url "$database_url" --conversations "${CONVERSATIONS:-200000}" \
    --open "${OPEN:-20000}" --messages "${MESSAGES:-1000000}" | tail -1
sleep 5

peak() { awk '/VmHWM/ { print $2 " kB" }' "/proc/$server_pid/status"; }
token=$(curl -fs "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"owner@loadgen.textdesk.local","password":"loadgen-password-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
echo "== $backend at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
echo "server peak memory before the export: $(peak)"
curl -fsS -o "$out/export.csv" -w 'exported %{size_download} bytes in %{time_total} s (first byte after %{time_starttransfer} s)\n' \
    -H "authorization: Bearer $token" "$url/api/v1/exports/messages?format=csv"
echo "lines: $(wc -l <"$out/export.csv")"
echo "server peak memory after the export: $(peak)"
