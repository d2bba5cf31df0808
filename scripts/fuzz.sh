#!/usr/bin/env bash
# Fuzzes the import's row parser and the phone/date parsers, each for a bounded time (default
# 60 s; FUZZ_SECONDS overrides) on
# stable Rust: cargo-fuzz with `--sanitizer none` (libFuzzer's coverage guidance, no ASan — the
# parser has no unsafe code). A failing input is saved under fuzz/artifacts/ and the script fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz (once per machine)"
  cargo install cargo-fuzz --locked
fi
cd fuzz
# Its own target dir: fuzzing builds every crate with coverage instrumentation.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR}-fuzz"
for target in import_row phone_and_dates; do
  echo "==> fuzzing $target"
  cargo fuzz run "$target" --sanitizer none -- -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=1024
done
