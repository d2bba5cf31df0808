#!/usr/bin/env bash
# Every benchmark in bench/, each figure beside its floor from the same run (see bench/RESULTS.md):
# the release bundle's size, the drop-to-render time in Chromium, the 100,000-row import, and the
# school of BENCH_LEADS (default 1,000,000) leads on SQLite and PostgreSQL — search, board, list,
# lead card, moves (one writer and concurrent ones) and 200 users over HTTP.
# Exits non-zero when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export CI=true
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
LEADS="${BENCH_LEADS:-1000000}"

cargo leptos build --release --split
cargo build --release -p bench
BENCH="$CARGO_TARGET_DIR/release/voronka-bench"
status=0

echo "== bundle size"
"$BENCH" wasm --site "$LEPTOS_SITE_ROOT" || status=1

echo "== drop to render in Chromium"
dir="$(mktemp -d)"
port=3260
export VORONKA_DEMO_PASSWORD=bench-password-1
DATABASE_URL="sqlite://$dir/drop.db" RUST_LOG=warn "$VORONKA_BIN" demo --leads 5000 > /dev/null
DATABASE_URL="sqlite://$dir/drop.db" RUST_LOG=warn "$VORONKA_BIN" serve --addr "127.0.0.1:$port" > /dev/null &
server=$!
trap 'kill $server 2> /dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.2; done
node bench/drop.mjs "http://127.0.0.1:$port" admin "$VORONKA_DEMO_PASSWORD" || status=1
kill "$server"

echo "== import"
"$BENCH" import --rows 100000 --db both || status=1

echo "== a school of $LEADS leads"
"$BENCH" scale --leads "$LEADS" --db both --server "$VORONKA_BIN" || status=1
exit "$status"
