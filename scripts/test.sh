#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit and property tests, the API and
# isolation suites against PostgreSQL (with RLS) and SQLite, Redis-backed
# tests, browser tests in headless Chromium, plus fmt, clippy and the
# checked-in GraphQL schema. Idempotent set-up: installs only what is missing.
#   DAOSHI_TEST_PG     admin URL of PostgreSQL (default postgres://postgres@127.0.0.1:5432/test)
#   DAOSHI_TEST_REDIS  Redis URL (default redis://127.0.0.1:6379)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[test] %s\n' "$*" >&2; }
start=$(date +%s)

# Services: PostgreSQL and Redis must answer (started here when installed but stopped).
PG_URL="${DAOSHI_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
if ! psql "$PG_URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    sleep 2
  fi
  psql "$PG_URL" -qtAc 'SELECT 1' >/dev/null || { log "PostgreSQL is not reachable at $PG_URL"; exit 1; }
fi
if ! redis-cli -u "${DAOSHI_TEST_REDIS:-redis://127.0.0.1:6379}" ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    sleep 1
  fi
  redis-cli -u "${DAOSHI_TEST_REDIS:-redis://127.0.0.1:6379}" ping >/dev/null || { log "Redis is not reachable"; exit 1; }
fi

# Chromium for the browser tests (Debian's package; never a downloaded browser).
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  log "installing Chromium from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# Chinese fonts: embedded (subset) in the PDFs the server generates
# (tests/paper.rs), and readable browser screenshots (test artefacts).
if [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] && command -v apt-get >/dev/null 2>&1; then
  log "installing fonts-noto-cjk from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

# The sqlite3 CLI (test fixtures on SQLite).
if ! command -v sqlite3 >/dev/null 2>&1; then
  log "installing sqlite3 from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq sqlite3 >/dev/null
fi

# The deployment files (Kubernetes, compose, HAProxy, Dockerfile), offline;
# also installs haproxy, which the three-replica tests put in front of the servers.
scripts/check-infra.sh

# The frontend (wasm) the browser tests load, and the server binary the tests start.
scripts/build-frontend.sh
log "building the server"
cargo build -p backend --bin daoshi

log "checking formatting"
cargo fmt --all -- --check
log "clippy"
cargo clippy --workspace --all-targets -- -D warnings

log "tests"
OUT="$(mktemp)"
set +e
cargo test --workspace --no-fail-fast 2>&1 | tee "$OUT"
status=${PIPESTATUS[0]}
set -e
log "done in $(( $(date +%s) - start )) s"
# One closing line over every test binary (cargo's own last line is a doc-test run).
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$OUT"
rm -f "$OUT"
exit "$status"
