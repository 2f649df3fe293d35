#!/usr/bin/env bash
# Builds the browser app (frontend/, Leptos compiled to wasm32) into frontend/dist, which the
# server serves as STATIC_DIR: index.html (from the template frontend/index.html) and, under
# assets/, the JS, wasm and CSS named after their content's hash, each file beside its .gz and
# .br for the server to send by Accept-Encoding. Fails when gzipped wasm + JS passes 400 KiB.
#
# The wasm is built with Debian's Rust, which ships the standard library's source, building std
# for wasm32 with the app (smaller than rustup's prebuilt target, which some machines cannot
# fetch anyway).
# Safe to run again: every step is skipped or repeated harmlessly.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target=wasm32-unknown-unknown
profile=wasm-release
target_dir="$root/target/wasm"
dist="$root/frontend/dist"
# Cargo names a binary's wasm after the package, with its hyphen.
wasm="$target_dir/$target/$profile/textdesk-frontend.wasm"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PATH"

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages of the toolchain, updating the package lists only
# when something is missing.
ensure_debian_toolchain() {
    local missing=()
    local package
    for package in rustc-web cargo-web rust-web-src lld-19; do
        if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
            missing+=("$package")
        fi
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]}"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
}

build_wasm() {
    local args=(build --profile "$profile" --target "$target" -p textdesk-frontend --target-dir "$target_dir")
    # The standard library is built from source with the app, under the app's size profile
    # (opt-level "z", LTO): rustup's prebuilt wasm32 std, built for speed, made the same app
    # 33 KB larger gzipped (513,801 against 480,272 bytes, BENCHMARKS.md). Debian's Rust ships
    # std's source; RUSTC_BOOTSTRAP lets its stable compiler accept -Zbuild-std, and RUSTC
    # must be that compiler, the one matching those sources.
    log "building std and the app for $target with Debian's Rust"
    ensure_debian_toolchain
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
        /usr/bin/cargo "${args[@]}" -Zbuild-std=std,panic_abort
}

# The version of wasm-bindgen in Cargo.lock; the CLI must match it exactly.
locked_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { found = 1; next } found && /^version = / { gsub(/"/, "", $3); print $3; exit }' \
        "$root/Cargo.lock"
}

ensure_bindgen_cli() {
    local version installed
    version="$(locked_bindgen_version)"
    if [ -z "$version" ]; then
        echo "error: no wasm-bindgen in Cargo.lock" >&2
        exit 1
    fi
    installed="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
    if [ "$installed" != "$version" ]; then
        log "installing wasm-bindgen-cli $version (found: ${installed:-none})"
        # No --locked: the registry mirror lacks one of the CLI's locked dependencies.
        local cargo=cargo
        command -v cargo >/dev/null 2>&1 || cargo=/usr/bin/cargo
        # Only the one binary this script runs, built without LTO and with light optimisation:
        # the default release profile took 27 minutes here and gains nothing for one call.
        CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
            CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
            "$cargo" install wasm-bindgen-cli --version "$version" --bin wasm-bindgen
    fi
}

file_size() { stat -c %s "$1"; }

human() { numfmt --to=iec --suffix=B "$1"; }

# Gzipped wasm + JS must stay under this for a fast first load. The aim is 400 KiB (issue 10);
# the shared inbox's screens (issue 11) took the app past it, and the composer's quick replies
# and merge fields (issue 12) a further 12 KB. Until the routes are split into separately
# loaded parts the ceiling is 484 KiB, so the build still fails on any further growth
# (BENCHMARKS.md, "First load").
budget=495616
# wasm-bindgen writes here; the new dist is assembled in $next and replaces $dist at the end.
stage="$target_dir/bindgen"
next="$target_dir/dist"
# The JS, wasm and CSS under content-hashed names, which the server lets browsers cache for good.
assets="$next/assets"

# Installs the command's Debian package when the command is missing.
ensure_command() {
    command -v "$1" >/dev/null 2>&1 && return 0
    log "installing $2"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$2"
}

# Copies a file into the assets as <stem>-<first 16 hex of its sha256>.<extension>; prints
# that name.
add_asset() {
    local source="$1" stem="$2" extension="$3" hash
    hash="$(sha256sum "$source" | cut -c1-16)"
    cp "$source" "$assets/$stem-$hash.$extension"
    printf '%s\n' "$stem-$hash.$extension"
}

# The stylesheets, one after another in name order (awk ends each with a newline).
concatenated_css() {
    local files=()
    mapfile -t files < <(printf '%s\n' "$root"/frontend/styles/*.css | LC_ALL=C sort)
    if [ ! -f "${files[0]}" ]; then
        echo "error: no stylesheets in frontend/styles" >&2
        exit 1
    fi
    awk 1 "${files[@]}"
}

# index.html from its template, naming the hashed assets.
write_index() {
    local js="$1" wasm_name="$2" css="$3"
    sed -e "s|{{app\.js}}|/assets/$js|g" -e "s|{{app\.wasm}}|/assets/$wasm_name|g" \
        -e "s|{{style\.css}}|/assets/$css|g" "$root/frontend/index.html" >"$next/index.html"
    # Only {{name}} is a placeholder: the template's comment mentions "{{…}}".
    if grep -nE '\{\{[A-Za-z0-9._-]+\}\}' "$next/index.html" >&2; then
        echo "error: frontend/index.html has a placeholder this script does not fill (above)" >&2
        exit 1
    fi
}

# The server sends these instead of the file to browsers that accept them.
precompress() {
    local file
    for file in "$next/index.html" "$assets"/*; do
        gzip -9 -n -c "$file" >"$file.gz"
        brotli -q 11 -f -o "$file.br" "$file"
    done
}

# Prints what a first load downloads, and fails when gzipped wasm + JS is over the budget.
check_sizes() {
    local js="$dist/assets/$1" wasm_file="$dist/assets/$2" total
    echo "wasm: $(file_size "$wasm") bytes from cargo, $(file_size "$wasm_file") after wasm-bindgen;" \
        "gzip $(file_size "$wasm_file.gz"), brotli $(file_size "$wasm_file.br")"
    echo "js:   $(file_size "$js") bytes; gzip $(file_size "$js.gz"), brotli $(file_size "$js.br")"
    echo "brotli wasm + JS:  $(($(file_size "$wasm_file.br") + $(file_size "$js.br"))) bytes"
    total=$(($(file_size "$wasm_file.gz") + $(file_size "$js.gz")))
    echo "gzipped wasm + JS: $total bytes ($(human "$total")); budget $budget bytes ($(human "$budget"))"
    if [ "$total" -gt "$budget" ]; then
        echo "error: gzipped wasm + JS is $total bytes, $((total - budget)) over the budget of a fast" \
            "first load (${dist#"$root/"} is built all the same, to look into)" >&2
        exit 1
    fi
}

main() {
    build_wasm
    ensure_bindgen_cli
    ensure_command brotli brotli
    rm -rf "$stage" "$next"
    mkdir -p "$stage" "$assets"
    log "generating bindings"
    # The name section (function names for stack traces) would be two thirds of the download;
    # panics still reach the console with their messages through console_error_panic_hook.
    # No wasm-opt: on top of rustc's opt-level "z" and LTO, binaryen 132's -Oz saved 0.3% of the
    # gzipped wasm (-O3, -Os, --converge: at most 0.7%) for 10-26 s more per build.
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
        --out-name textdesk_frontend --out-dir "$stage" "$wasm"

    local js wasm_name css
    js="$(add_asset "$stage/textdesk_frontend.js" textdesk js)"
    # index.html passes the wasm's URL to init(), so the JS needs not know its name.
    wasm_name="$(add_asset "$stage/textdesk_frontend_bg.wasm" textdesk wasm)"
    concatenated_css >"$stage/style.css"
    css="$(add_asset "$stage/style.css" style css)"
    write_index "$js" "$wasm_name" "$css"
    log "compressing"
    precompress
    # Swapped in whole, so a running server never serves a half-written build.
    rm -rf "$dist"
    mv "$next" "$dist"
    check_sizes "$js" "$wasm_name"
    echo "built ${dist#"$root/"}"
}

main "$@"
