#!/usr/bin/env bash
# 100,000 contacts imported from CSV (BENCHMARKS.md, "Issue 12: contact import"): a fresh
# database and server, a generated file of 100,000 rows (number in a different format on
# each row, names, company, email, two labels, a custom date field; one row in a hundred
# opted out), checked, then confirmed and run by the server's worker until done. The same
# file is imported a second time, so every row updates an existing contact. Reports each
# step's time, rows per second and the server's peak resident memory (VmHWM). Build first:
#   cargo build --release -p textdesk -p textdesk-loadgen
#
#   crates/loadgen/bench-import.sh sqlite
#   crates/loadgen/bench-import.sh postgres     # PG_URL=postgres://postgres@127.0.0.1:5432 by default
#
# Environment: PORT (18092), BIN_DIR (target/release), OUT (target/bench-import/<backend>),
# ROWS (100000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source crates/loadgen/bench-lib.sh
rows=${ROWS:-100000}
bench_start "${1:?usage: bench-import.sh sqlite|postgres}" 18092 bench-import

python3 - "$rows" >"$out/contacts.csv" <<'PY'
import sys
rows = int(sys.argv[1])
print("number,first_name,last_name,company,email,labels,opted_out,Member since")
formats = ["(415) {a}{b}-{c}", "415-{a}{b}-{c}", "+1 415 {a}{b} {c}", "1415{a}{b}{c}"]
for n in range(rows):
    exchange, line = 200 + n // 10000, n % 10000
    number = formats[n % 4].format(a=str(exchange)[0], b=str(exchange)[1:], c=f"{line:04d}")
    opted_out = "yes" if n % 100 == 0 else ""
    print(f"{number},First{n},Last{n},Company {n % 500},person{n}@example.com,"
          f"\"customers;batch {n % 20}\",{opted_out},2026-{1 + n % 12:02d}-{1 + n % 28:02d}")
PY

"$bin/textdesk-loadgen" setup --url "$url" --number +14155552671 >/dev/null
token=$(curl -fs "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"owner@loadgen.textdesk.local","password":"loadgen-password-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
auth="authorization: Bearer $token"
curl -fs "$url/api/v1/custom-fields" -H "$auth" -H 'content-type: application/json' \
    -d '{"name":"Member since","kind":"date"}' >/dev/null

field() { sed "s/.*\"$1\":\"\{0,1\}\([^,\"]*\).*/\1/"; }
now() { date +%s.%N; }
since() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }
rate() { awk "BEGIN { printf \"%.0f\", $1 / $2 }"; }
echo "== $backend at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $rows rows, $(wc -c <"$out/contacts.csv") bytes"
echo "server peak memory before: $(bench_peak)"
for round in new update; do
    start=$(now)
    checked=$(curl -fsS "$url/api/v1/contact-imports?file_name=contacts.csv&add_country_code=true" -H "$auth" \
        -H 'content-type: text/csv' --data-binary "@$out/contacts.csv")
    checked_at=$(now)
    id=$(echo "$checked" | field id)
    echo "$round: checked in $(since "$start" "$checked_at") s: valid $(echo "$checked" | field rows_valid), existing $(echo "$checked" | field rows_existing), issues $(echo "$checked" | field issues)"
    curl -fsS "$url/api/v1/contact-imports/$id/start" -H "$auth" -H 'content-type: application/json' \
        -d '{"existing":"update"}' >/dev/null
    while :; do
        state=$(curl -fsS "$url/api/v1/contact-imports/$id" -H "$auth")
        status=$(echo "$state" | field status)
        [ "$status" = done ] || [ "$status" = failed ] && break
        sleep 0.2
    done
    done_at=$(now)
    seconds=$(since "$checked_at" "$done_at")
    echo "$round: $status in $seconds s ($(rate "$rows" "$seconds") rows/s): created $(echo "$state" | field created), updated $(echo "$state" | field updated), failed $(echo "$state" | field failed); check + import $(since "$start" "$done_at") s"
    echo "server peak memory after the $round round: $(bench_peak)"
done
