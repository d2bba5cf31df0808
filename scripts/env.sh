# Shared settings for the scripts: where tools and build output live (outside the clone, so a
# fresh clone on the same machine reuses them). Source it: `. scripts/env.sh`.
export VORONKA_TOOLS="${VORONKA_TOOLS:-$HOME/.cache/voronka-tools}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/voronka-target}"
export PATH="$VORONKA_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Incremental artefacts grow by gigabytes per edit; CI and one-off runs do not need them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export VORONKA_BIN="$CARGO_TARGET_DIR/release/voronka"
# cargo-leptos writes the site next to the workspace, whatever the target dir.
VORONKA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$VORONKA_ROOT/target/site}"
