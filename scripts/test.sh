#!/usr/bin/env bash
# The whole test run: static checks, then every test on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export KINLINK_VAR_DIR="${KINLINK_VAR_DIR:-$PWD/var/test}"

echo "== lint"
$BIN/ruff check src tests benchmarks
$BIN/ruff format --check src tests benchmarks

echo "== migrations are up to date"
$BIN/kinlink makemigrations --check --dry-run >/dev/null

echo "== translations complete and compile"
bash scripts/check_translations.sh
(cd src/kinlink && ../../$BIN/kinlink compilemessages --ignore '.venv' >/dev/null)

echo "== SQLite"
$BIN/pytest -n 2 -p no:cacheprovider "$@"

echo "== PostgreSQL"
PG_URL="${KINLINK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/kinlink}"
DATABASE_URL="$PG_URL" $BIN/pytest -n 2 -p no:cacheprovider -m "not browser and not spark" "$@"
