#!/usr/bin/env bash
# Offline checks of the deployment files (no container engine, no cluster):
#  - infra/k8s/*.yaml against the Kubernetes OpenAPI schemas, strictly
#    (kubernetes-validate from PyPI, which ships its schemas);
#  - infra/haproxy.cfg with `haproxy -c` (Debian's haproxy);
#  - infra/compose.yaml's structure (python3 + PyYAML): three replicas,
#    migrations first, secrets as files, health checks, the LB's backends;
#  - infra/Dockerfile: multi-stage, non-root, health check via `daoshi
#    probe`, and its build steps are the ones scripts/test.sh runs outside
#    a container (build-frontend.sh, cargo build of the daoshi binary with
#    the lockfile as is).
# Idempotent set-up: installs only what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[check-infra] %s\n' "$*" >&2; }
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

if ! command -v haproxy >/dev/null 2>&1; then
  log "installing haproxy from Debian"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq haproxy >/dev/null
fi
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  log "installing PyYAML"
  python3 -m pip install -q pyyaml
fi
if ! command -v kubernetes-validate >/dev/null 2>&1; then
  log "installing kubernetes-validate"
  python3 -m pip install -q "kubernetes-validate==1.37.*"
fi

log "Kubernetes manifests (strict schema validation)"
kubernetes-validate --strict --quiet infra/k8s/*.yaml

log "HAProxy configuration"
# The compose service names resolve only inside compose: check with them
# mapped to loopback.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -e 's/ app\([123]\):8080/ 127.0.0.1:808\1/' -e 's/ resolvers docker init-addr last,libc,none//' \
  infra/haproxy.cfg > "$tmp/haproxy.cfg"
haproxy -c -q -f "$tmp/haproxy.cfg"

log "compose file and Dockerfile"
python3 scripts/check_infra.py

log "Cargo.lock is current (the image builds with --locked)"
cargo metadata --locked --format-version 1 >/dev/null

log "infra: all checks passed"
