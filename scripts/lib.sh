# Shared by run.sh and test.sh: install what the project needs from the system's package
# manager, and find (or start) a PostgreSQL for the tests.

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian/Ubuntu packages that are missing; does nothing when all are there.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        echo "Please install: ${missing[*]} (this script installs them with apt-get on Debian and Ubuntu)" >&2
        return 1
    fi
    echo "Installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Installs a package only when the command it provides is missing (it may come from elsewhere,
# such as Node.js from its own repository).
ensure_command() {
    command -v "$1" >/dev/null 2>&1 || ensure_packages "$2"
}

postgres_answers() {
    psql "$1" -Atqc 'select 1' >/dev/null 2>&1
}

# Exports TEST_POSTGRES_URL: the given one, the local server on 127.0.0.1:5432, or a private
# server started from the system's binaries in a temporary folder (stopped on exit).
ensure_postgres() {
    ensure_command psql postgresql-client
    local local_url="postgres://postgres@127.0.0.1:5432/postgres"
    if [ -n "${TEST_POSTGRES_URL:-}" ]; then
        postgres_answers "$TEST_POSTGRES_URL" && return 0
        echo "TEST_POSTGRES_URL=$TEST_POSTGRES_URL does not answer" >&2
        return 1
    fi
    if postgres_answers "$local_url"; then
        export TEST_POSTGRES_URL="$local_url"
        return 0
    fi
    echo "No PostgreSQL on 127.0.0.1:5432: starting a private one for the tests"
    ensure_packages postgresql
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PRIVATE_PG_DIR=$(mktemp -d /tmp/textdesk-pg.XXXXXX)
    local run=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$PRIVATE_PG_DIR"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$PRIVATE_PG_DIR/data" -U postgres --auth=trust >/dev/null
    "${run[@]}" "$bin/pg_ctl" -D "$PRIVATE_PG_DIR/data" -l "$PRIVATE_PG_DIR/log" -w \
        -o "-p 55432 -k $PRIVATE_PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    trap '"${run[@]}" "$bin/pg_ctl" -D "$PRIVATE_PG_DIR/data" -m fast stop >/dev/null; rm -rf "$PRIVATE_PG_DIR"' EXIT
    export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:55432/postgres"
}
