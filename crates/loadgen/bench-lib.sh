# Sourced by the bench-*.sh scripts: a fresh database of the backend they were given and a
# release server on it, stopped when the script exits (the PostgreSQL database dropped too,
# unless KEEP=1).
#
# bench_start BACKEND DEFAULT_PORT NAME sets backend, bin, port, out (target/NAME/BACKEND),
# pg_url, database (textdesk_NAME), database_url, secret, url and server_pid, and waits until
# the server is ready. Environment: PORT, BIN_DIR (target/release), OUT, PG_URL
# (postgres://postgres@127.0.0.1:5432), PG_DATABASE, KEEP.

bench_start() {
    backend=$1
    bin=${BIN_DIR:-target/release}
    port=${PORT:-$2}
    out=${OUT:-target/$3/$backend}
    pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
    database=${PG_DATABASE:-textdesk_${3//-/_}}
    secret=loadgen-benchmark-secret-0123456789abcdef
    url=http://127.0.0.1:$port

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
    trap bench_stop EXIT
    DATABASE_URL=$database_url BIND=127.0.0.1:$port PUBLIC_URL=$url JWT_SECRET=$secret LOG_LEVEL=warn \
        DATA_DIR=$out/data "$bin/textdesk" serve >"$out/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        curl -fs "$url/readyz" >/dev/null && break
        sleep 0.1
    done
}

bench_stop() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ "$backend" = postgres ] && [ "${KEEP:-0}" != 1 ]; then
        psql "$pg_url/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
    fi
}

# The server's peak resident memory so far.
bench_peak() { awk '/VmHWM/ { print $2 " kB" }' "/proc/$server_pid/status"; }
