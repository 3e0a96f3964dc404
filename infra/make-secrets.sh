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
printf 'postgres://postgres:%s@postgres:5432/daoshi' "$(cat secrets/postgres_password)" > secrets/database_url
printf 'postgres://daoshi_app:%s@postgres:5432/daoshi' "$(cat secrets/db_app_password)" > secrets/database_app_url
echo "secrets in $(pwd)/secrets"
