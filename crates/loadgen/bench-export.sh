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

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source crates/loadgen/bench-lib.sh
number=+14155552671
bench_start "${1:?usage: bench-export.sh sqlite|postgres}" 18091 bench-export

"$bin/textdesk-loadgen" setup --url "$url" --number "$number" >/dev/null
"$bin/textdesk-loadgen" seed-inbox --database-url "$database_url" --conversations "${CONVERSATIONS:-200000}" \
    --open "${OPEN:-20000}" --messages "${MESSAGES:-1000000}" | tail -1
sleep 5

token=$(curl -fs "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"owner@loadgen.textdesk.local","password":"loadgen-password-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
echo "== $backend at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
echo "server peak memory before the export: $(bench_peak)"
curl -fsS -o "$out/export.csv" -w 'exported %{size_download} bytes in %{time_total} s (first byte after %{time_starttransfer} s)\n' \
    -H "authorization: Bearer $token" "$url/api/v1/exports/messages?format=csv"
echo "lines: $(wc -l <"$out/export.csv")"
echo "server peak memory after the export: $(bench_peak)"
