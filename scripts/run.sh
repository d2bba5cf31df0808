#!/usr/bin/env bash
# Builds Voronka, fills a fresh SQLite file with a demo school and serves it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/tools.sh
. scripts/env.sh

cargo leptos build --release --split
db="${VORONKA_DEMO_DB:-voronka-demo.db}"
rm -f "$db" "$db-wal" "$db-shm"
export DATABASE_URL="sqlite://$db"
"$VORONKA_BIN" demo --leads "${VORONKA_DEMO_LEADS:-1000}"
echo
echo "Open http://${VORONKA_ADDR:-127.0.0.1:3000} and sign in as admin with the password above."
exec "$VORONKA_BIN" serve --addr "${VORONKA_ADDR:-127.0.0.1:3000}"
