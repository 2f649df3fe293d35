#!/usr/bin/env bash
# The shared inbox at scale (BENCHMARKS.md, "Issue 11"): a fresh database, 50 agents, 10 groups,
# 200,000 conversations (20,000 open) and 1,000,000 messages seeded with `seed-inbox`, then
# `inbox` times the view counts, every view's first page, searches, and what round robin adds to
# an inbound text. Build first:
#   cargo build --release -p textdesk -p textdesk-loadgen
#
#   crates/loadgen/bench-inbox.sh sqlite
#   crates/loadgen/bench-inbox.sh postgres     # PG_URL=postgres://postgres@127.0.0.1:5432 by default
#
# Environment: PORT (18090), BIN_DIR (target/release), OUT (target/bench-inbox/<backend>),
# CONVERSATIONS, OPEN, MESSAGES, REQUESTS (500), CONCURRENCY (2), INGEST (500), ENDPOINT_SECONDS
# (45: an endpoint stops being timed after that long), WARMUP (30 untimed requests per endpoint), KEEP=1 to keep
# the database, and SQL_AFTER: statements run on the database after a first round of
# measurements, followed by a second round (indexes tried before a migration holds them; on
# PostgreSQL they are followed by the ANALYZE of the new index's table that Textdesk's migrations
# end with); AGAIN=1 measures a second round with nothing changed (what the first round's
# figures owe to the housekeeping that follows the seed).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source crates/loadgen/bench-lib.sh
plain_number=+14155552671
round_robin_number=+14155552672
bench_start "${1:?usage: bench-inbox.sh sqlite|postgres}" 18090 bench-inbox
curl -fs "$url/readyz" >/dev/null || { cat "$out/server.log" >&2; exit 1; }

loadgen() { timeout 1800 "$bin/textdesk-loadgen" "$@"; }
echo "== $backend at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load:$(uptime | sed 's/.*load average://')"
loadgen setup --url "$url" --number "$plain_number" >/dev/null
loadgen setup --url "$url" --number "$round_robin_number" >/dev/null

echo "== $backend: seed the inbox"
loadgen seed-inbox --database-url "$database_url" --conversations "${CONVERSATIONS:-200000}" \
    --open "${OPEN:-20000}" --messages "${MESSAGES:-1000000}" --round-robin-number "$round_robin_number" \
    | tee "$out/seed.txt"
# Nothing is analysed by hand: on PostgreSQL the server's own housekeeping analyses every table
# that changed by more than 10 % within 2 seconds, as a new install's would.
sleep 10
if [ "$backend" = postgres ]; then
    psql "$database_url" -Atc "SELECT relname || ' analysed ' || coalesce(last_analyze::text, 'never') FROM pg_stat_user_tables
        WHERE relname IN ('conversations', 'messages', 'contacts', 'read_states') ORDER BY relname" | tee -a "$out/seed.txt"
fi

measure() {
    loadgen inbox --url "$url" --number "$plain_number" --round-robin-number "$round_robin_number" \
        --database-url "$database_url" --requests "${REQUESTS:-500}" --concurrency "${CONCURRENCY:-2}" \
        --ingest-messages "${INGEST:-500}" --endpoint-seconds "${ENDPOINT_SECONDS:-45}" --warmup "${WARMUP:-30}" --first-sender "$1" | tee "$out/inbox-$2.txt"
}
echo "== $backend: measure"
measure 1000000 before
if [ -n "${SQL_AFTER:-}" ]; then
    echo "== $backend: $SQL_AFTER"
    if [ "$backend" = postgres ]; then
        psql "$database_url" -qc "$SQL_AFTER"
        psql "$database_url" -qc "ANALYZE"
    else
        sqlite3 "$database_url" "$SQL_AFTER"
    fi
    echo "== $backend: measure again"
    measure 2000000 after
elif [ "${AGAIN:-0}" = 1 ]; then
    echo "== $backend: measure again, nothing changed"
    measure 2000000 again
fi
