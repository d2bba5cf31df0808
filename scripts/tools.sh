#!/usr/bin/env bash
# Installs what building and testing Voronka needs, skipping whatever is already there.
# Versions are pinned to what TOOLCHAIN.md verified on rustc 1.95.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

missing_apt=()
command -v chromium >/dev/null || missing_apt+=(chromium)
command -v brotli >/dev/null || missing_apt+=(brotli)
command -v npm >/dev/null || missing_apt+=(nodejs npm)
if [ ${#missing_apt[@]} -gt 0 ]; then
  say "installing ${missing_apt[*]} (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi

if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos 0.3.10" ]; then
  say "installing cargo-leptos 0.3.10 (about 13 minutes, once per machine)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want_bindgen" ]; then
  say "installing wasm-bindgen-cli $want_bindgen"
  cargo install wasm-bindgen-cli --version "$want_bindgen"
fi

# wasm-opt from npm: Debian's binaryen (108) breaks release hydration.
if [ "$("$VORONKA_TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "132" ]; then
  say "installing wasm-opt 132 (npm binaryen)"
  mkdir -p "$VORONKA_TOOLS"
  (cd "$VORONKA_TOOLS" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --silent --no-audit --no-fund binaryen@132)
fi

if [ ! -x end2end/node_modules/.bin/playwright ]; then
  say "installing Playwright (the test runner only; Chromium comes from Debian)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
fi
