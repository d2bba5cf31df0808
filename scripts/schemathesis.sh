#!/usr/bin/env bash
# A bounded schemathesis run against the API's own OpenAPI document: every operation with
# generated inputs (valid and not), failing on any 5xx or a response that breaks the schema.
# Starts a demo school on a scratch SQLite file with a token holding every scope.
# Needs the release binary (`cargo leptos build --release --split`); installs schemathesis into a venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
venv="$HOME/.cache/voronka-schemathesis"
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "==> installing schemathesis (PyPI, once per machine)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis
fi
bin="$CARGO_TARGET_DIR/release/voronka"
work=$(mktemp -d)
port=${SCHEMATHESIS_PORT:-3190}
export DATABASE_URL="sqlite://$work/api.db" VORONKA_DEMO_PASSWORD=demo-password-1 RUST_LOG=warn
"$bin" demo --leads 50 >/dev/null
token=$("$bin" create-token --name schemathesis --scopes leads:write,leads:read,calls:write)
"$bin" serve --addr "127.0.0.1:$port" --api-requests-per-minute 100000 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --generation-deterministic
