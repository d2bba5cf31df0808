#!/usr/bin/env bash
# Every check CI runs: formatting, clippy (server and WASM), unit and integration tests on SQLite
# and PostgreSQL, then the Playwright suite in Chromium at desktop and 360 px touch sizes.
# The last line printed is Playwright's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/tools.sh
. scripts/env.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "formatting"
cargo fmt --all -- --check

say "clippy (server side)"
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
say "clippy (browser side)"
cargo clippy -p frontend -p wasm-floor --target wasm32-unknown-unknown -- -D warnings

# PostgreSQL must answer: CI=true turns a skipped PostgreSQL test into a failure.
export CI=true
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

# Databases left by an interrupted earlier run (a test drops its own when it finishes).
psql "$TEST_POSTGRES_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'voronka_test_%'" 2>/dev/null |
  while read -r stale; do psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$stale\" WITH (FORCE)" >/dev/null 2>&1 || true; done

say "unit and integration tests (SQLite and PostgreSQL)"
cargo test --workspace --exclude frontend

say "release build for the browser tests"
cargo leptos build --release --split

say "Playwright (Chromium: 1280x800 and 360x740 touch)"
cd end2end
rm -rf tmp test-results
exec npx playwright test
