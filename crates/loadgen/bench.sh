#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md against one backend, on a fresh database, and stops by
# itself. Build first: cargo build --release -p textdesk -p textdesk-loadgen
#
#   crates/loadgen/bench.sh sqlite
#   crates/loadgen/bench.sh postgres        # PG_URL=postgres://postgres@127.0.0.1:5432 by default
#
# Environment: PORT (18080; postgres also uses PORT+1 for a second server process), BIN_DIR
# (target/release), OUT (where logs go), MESSAGES, CONVERSATIONS, THREAD_MESSAGES, and
# ANALYZE=0 to skip the VACUUM ANALYZE after seeding, PG_STATEMENTS=1 to list the top statements (needs pg_stat_statements in shared_preload_libraries).
set -euo pipefail

backend=${1:?usage: bench.sh sqlite|postgres}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bin=${BIN_DIR:-target/release}
port=${PORT:-18080}
out=${OUT:-target/bench/$backend}
messages=${MESSAGES:-20000}
conversations=${CONVERSATIONS:-100000}
thread_messages=${THREAD_MESSAGES:-50000}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
secret=loadgen-benchmark-secret-0123456789abcdef
url=http://127.0.0.1:$port

rm -rf "$out"
mkdir -p "$out"
case $backend in
    sqlite) database_url=$out/textdesk.db ;;
    postgres)
        database=textdesk_bench
        psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"
        psql "$pg_url/postgres" -qc "CREATE DATABASE $database"
        database_url=$pg_url/$database
        ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
esac

pids=()
stop_servers() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT

# Starts a server on port $1; every process signs webhooks against the first one's URL, as
# replicas behind one load balancer do.
start_server() {
    DATABASE_URL=$database_url BIND=127.0.0.1:$1 PUBLIC_URL=$url JWT_SECRET=$secret LOG_LEVEL=warn \
        DATA_DIR=$out/data-$1 "$bin/textdesk" serve >"$out/server-$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$1/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server on port $1 did not start:" >&2
    cat "$out/server-$1.log" >&2
    exit 1
}

echo "== $backend at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load:$(uptime | sed 's/.*load average://')"
start_server "$port"
server_pid=${pids[0]}
loadgen() { timeout 600 "$bin/textdesk-loadgen" "$@"; }

# Where PostgreSQL's time goes, when the server has pg_stat_statements loaded.
statements=false
if [ "$backend" = postgres ] && [ "${PG_STATEMENTS:-0}" = 1 ]; then
    psql "$database_url" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" && statements=true
fi

echo "== $backend: workspace and business number"
loadgen setup --url "$url" >/dev/null

echo "== $backend: seed $conversations conversations and a $thread_messages-message thread"
# ANALYZE=0 leaves the statistics to Textdesk itself, as on a new install whose autovacuum has
# not run (or is off, as on this machine's PostgreSQL).
analyze_flag=--vacuum-analyze
[ "${ANALYZE:-1}" = 0 ] && analyze_flag=
loadgen seed --database-url "$database_url" --conversations "$conversations" \
    --thread-messages "$thread_messages" $analyze_flag | tee "$out/seed.txt"

echo "== $backend: reads"
loadgen read --url "$url" --requests 300 | tee "$out/read.txt"

echo "== $backend: inbound webhooks"
if $statements; then psql "$database_url" -qAtc "SELECT pg_stat_statements_reset()" >/dev/null; fi
loadgen inbound --url "$url" --concurrency 64 --messages "$messages" --warmup 2000 --senders 5000 \
    --server-pid "$server_pid" --verify-database-url "$database_url" | tee "$out/inbound.txt"
if $statements; then
    psql "$database_url" -c "SELECT calls, round(total_exec_time) AS total_ms,
        round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" | tee "$out/statements.txt"
fi
psql_sizes() {
    if [ "$backend" = postgres ]; then
        psql "$database_url" -Atc "SELECT 'organizations heap after the run: ' || pg_size_pretty(pg_relation_size('organizations'))"
    fi
}
psql_sizes | tee -a "$out/inbound.txt"

echo "== $backend: change feed"
loadgen feed --url "$url" --rounds 50 | tee "$out/feed.txt"
if [ "$backend" = postgres ]; then
    start_server $((port + 1))
    echo "== $backend: change feed across two server processes"
    loadgen feed --url "$url" --webhook-url "http://127.0.0.1:$((port + 1))" --rounds 50 | tee "$out/feed-cross.txt"
fi
