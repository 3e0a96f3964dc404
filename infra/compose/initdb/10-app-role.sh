#!/bin/sh
# First start of the compose PostgreSQL: the application's login role, with
# the password from the db_app_password secret. `daoshi migrate` grants it
# its table privileges (never ownership, never BYPASSRLS).
set -eu
pw="$(cat /run/secrets/db_app_password)"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v pw="$pw" <<'SQL'
SELECT format('CREATE ROLE daoshi_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %L', :'pw')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'daoshi_app') \gexec
SQL
