#!/usr/bin/env bash
# Writes random secrets for infra/compose.yaml into infra/secrets/ (mode
# 0600, ignored by git). Existing files are kept, so re-running is safe.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
umask 077
mkdir -p secrets
rand() { head -c 36 /dev/urandom | base64 | tr -d '/+=\n'; }
[ -s secrets/postgres_password ] || rand > secrets/postgres_password
[ -s secrets/db_app_password ] || rand > secrets/db_app_password
[ -s secrets/jwt_secret ] || { rand; rand; } | tr -d '\n' > secrets/jwt_secret
# Web Push's VAPID key (P-256, PKCS#8 DER, base64url; `daoshi vapid-key` prints one too).
[ -s secrets/vapid_private_key ] || openssl ecparam -name prime256v1 -genkey -noout -outform DER \
  | openssl pkcs8 -topk8 -nocrypt -inform DER -outform DER | base64 -w0 | tr '+/' '-_' | tr -d '=' > secrets/vapid_private_key
printf 'postgres://postgres:%s@postgres:5432/daoshi' "$(cat secrets/postgres_password)" > secrets/database_url
printf 'postgres://daoshi_app:%s@postgres:5432/daoshi' "$(cat secrets/db_app_password)" > secrets/database_app_url
echo "secrets in $(pwd)/secrets"
