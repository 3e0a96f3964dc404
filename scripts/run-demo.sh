#!/usr/bin/env bash
# Builds and runs Daoshi with the demo district (示范区) on the embedded
# SQLite database under ./data. Idempotent: installs only what is missing.
#   PROFILE=dev   build the server in debug mode (faster to compile)
#   BIND=ADDR     listen address (default 127.0.0.1:8080)
#   DATABASE_URL / REDIS_URL  point it at PostgreSQL / Redis instead
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
scripts/build-frontend.sh
PROFILE="${PROFILE:-release}"
# The demo accounts share a public password: development mode only.
export DAOSHI_ENV="${DAOSHI_ENV:-development}"
exec cargo run --profile "$PROFILE" -p backend --bin daoshi -- serve --demo
