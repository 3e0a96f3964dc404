#!/usr/bin/env bash
# Builds the Leptos frontend into frontend/dist (served by `daoshi serve`).
# Idempotent: installs only what is missing (wasm target, wasm-bindgen CLI at
# the Cargo.lock version, binaryen's wasm-opt from npm), then builds.
#   CARGO_TARGET_DIR  where cargo builds (default: target)
#   SKIP_WASM_OPT=1   skip the wasm-opt pass (faster, larger)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
DIST="$ROOT/frontend/dist"
PROFILE=wasm-release
BINARYEN_VERSION=132

log() { printf '[build-frontend] %s\n' "$*" >&2; }
start=$(date +%s)

# 1. The wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen CLI, exactly the version in Cargo.lock.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if [ -z "$WB_VERSION" ]; then
  log "could not find wasm-bindgen in Cargo.lock"; exit 1
fi
if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (takes several minutes once)"
  # Not --locked: its lockfile wants a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# 3. wasm-opt from npm's binaryen (Debian's wasm-opt 108 breaks release builds).
WASM_OPT="$ROOT/tools/node_modules/.bin/wasm-opt"
if [ "${SKIP_WASM_OPT:-0}" != 1 ] && ! { [ -x "$WASM_OPT" ] && "$WASM_OPT" --version | grep -q "version $BINARYEN_VERSION"; }; then
  log "installing binaryen@$BINARYEN_VERSION into tools/"
  npm install --prefix "$ROOT/tools" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >&2
fi

# 4. Compile.
log "cargo build (profile $PROFILE, target dir $TARGET_DIR)"
# A target dir shared by several checkouts keeps one uplifted frontend.wasm;
# removing it makes cargo link this checkout's artifact again.
rm -f "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/frontend.wasm"
# `erase_components` type-erases Leptos views: ~10% smaller wasm, faster builds.
# (--config appends to the rustflags of .cargo/config.toml.)
CARGO_TARGET_DIR="$TARGET_DIR" cargo build -p frontend --lib \
  --target wasm32-unknown-unknown --profile "$PROFILE" \
  --config 'target.wasm32-unknown-unknown.rustflags=["--cfg","erase_components"]'
WASM="$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/frontend.wasm"

# 5. Bindings, optimisation and static files, staged then swapped in.
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/daoshi-dist.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$STAGE/pkg" --out-name app "$WASM"
if [ "${SKIP_WASM_OPT:-0}" != 1 ]; then
  "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$STAGE/pkg/app_bg.wasm" -o "$STAGE/pkg/app_bg.wasm"
fi
cp "$ROOT/frontend/index.html" "$STAGE/"
cp -r "$ROOT/frontend/static/." "$STAGE/"
chmod 755 "$STAGE"
rm -rf "$DIST"
mv "$STAGE" "$DIST"
trap - EXIT

raw=$(stat -c %s "$DIST/pkg/app_bg.wasm")
gz=$(gzip -9 -c "$DIST/pkg/app_bg.wasm" | wc -c)
log "done in $(( $(date +%s) - start ))s: app_bg.wasm ${raw} bytes raw, ${gz} bytes gzipped"
