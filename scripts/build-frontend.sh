#!/usr/bin/env bash
# Builds the browser app (frontend/, Leptos compiled to wasm32) into frontend/dist, which the
# server serves as STATIC_DIR.
#
# With rustup's wasm32-unknown-unknown target installed this is a plain cargo build. Where
# rustup cannot fetch that target (offline machines), it falls back to Debian's Rust, which
# ships the standard library's source, and builds std for wasm32 itself.
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

rustup_has_target() {
    local installed
    command -v rustup >/dev/null 2>&1 || return 1
    # Read the whole list first: `grep -q` quitting early could fail the pipe under pipefail.
    installed="$(rustup target list --installed 2>/dev/null)" || return 1
    grep -qx "$target" <<<"$installed"
}

# Installs the Debian packages of the fallback toolchain, updating the package lists only
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

# Asks rustup for the target once; on machines where its download hangs, gives up after two
# minutes and leaves the Debian route to do the work.
try_rustup_target() {
    rustup_has_target && return 0
    command -v rustup >/dev/null 2>&1 || return 1
    log "asking rustup for the $target target"
    timeout 120 rustup target add "$target" >&2 || return 1
    rustup_has_target
}

build_wasm() {
    local args=(build --profile "$profile" --target "$target" -p textdesk-frontend --target-dir "$target_dir")
    if try_rustup_target; then
        log "building with rustup's $target target"
        cargo "${args[@]}"
    else
        log "rustup has no $target target: building std from source with Debian's Rust"
        ensure_debian_toolchain
        # RUSTC_BOOTSTRAP lets the stable compiler accept -Zbuild-std; RUSTC must be Debian's
        # compiler, the one matching the std sources in rust-web-src.
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
            /usr/bin/cargo "${args[@]}" -Zbuild-std=std,panic_abort
    fi
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

main() {
    build_wasm
    ensure_bindgen_cli
    log "generating bindings into ${dist#"$root/"}"
    rm -rf "$dist"
    mkdir -p "$dist"
    # The name section (function names for stack traces) would be two thirds of the download;
    # panics still reach the console with their messages through console_error_panic_hook.
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
        --out-name textdesk_frontend --out-dir "$dist" "$wasm"
    cp "$root/frontend/index.html" "$root/frontend/style.css" "$dist/"

    local raw bound gzipped
    raw="$(file_size "$wasm")"
    bound="$(file_size "$dist/textdesk_frontend_bg.wasm")"
    gzipped="$(gzip -9 -c "$dist/textdesk_frontend_bg.wasm" | wc -c)"
    echo "wasm: $(human "$raw") from cargo, $(human "$bound") after wasm-bindgen ($(human "$gzipped") gzipped)"
    echo "built ${dist#"$root/"}"
}

main "$@"
