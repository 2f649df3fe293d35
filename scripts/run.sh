#!/usr/bin/env bash
# Builds everything and serves Textdesk at http://localhost:8080 on SQLite, with a demo
# workspace. Installs what it needs (system packages, the wasm toolchain) on first run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(repo_root)"

ensure_packages build-essential pkg-config libpq-dev
scripts/build-frontend.sh
cargo build --release -p textdesk
exec target/release/textdesk serve --demo "$@"
