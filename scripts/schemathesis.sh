#!/usr/bin/env bash
# Fuzzes Sarnakh's JSON API from its own OpenAPI document with schemathesis (PyPI): a real
# server on a loopback port, demo data, one run per role with that role's token, a bounded
# number of examples per operation. Fails on any server error (5xx), any response whose body
# does not match the documented schema, or a wrong content type. Routes that would lock the
# fuzzer out (sign-in, disabling users, revoking its token, changing its password) are left
# to the authorization matrix and API tests.
#
#   scripts/schemathesis.sh              # 25 examples per operation and role
#   EXAMPLES=100 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES="${EXAMPLES:-25}"
VERSION="4.32.5"
BIN="${SARNAKH_BIN:-target/debug/sarnakh}"
VENV="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"

if [ ! -x "$BIN" ]; then
    cargo build -p sarnakh-server
fi
if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version | grep -q "$VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "schemathesis==$VERSION"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export SARNAKH_DATABASE_URL="sqlite://$WORK/fuzz.db"
export RUST_LOG=warn
"$BIN" demo --leads 150 --seed 3 >/dev/null

declare -A TOKENS
for role in admin sales_manager sales_rep marketing; do
    "$BIN" user add --email "$role@fuzz.example" --role "$role" --team North >/dev/null
    TOKENS[$role]="$("$BIN" token create --user "$role@fuzz.example" --scope write | grep -o 'snk_[A-Za-z0-9_-]*' | head -n1)"
done

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# Without per-token rate limits: the fuzzer sends far more than a person or integration would.
"$BIN" serve --bind "127.0.0.1:$PORT" --rate-limit-per-token 0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done

status=0
fuzz() {
    "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/openapi.json" \
        --header "Authorization: Bearer ${TOKENS[$1]}" \
        --checks not_a_server_error,response_schema_conformance,content_type_conformance \
        --max-examples "$EXAMPLES" \
        --seed 20261129 \
        --exclude-path /api/v1/session \
        --exclude-path "/api/v1/users/{id}/disable" \
        --exclude-path "/api/v1/me/tokens/{id}" \
        --exclude-path /api/v1/me/password \
        --workers 1 \
        --no-color
}
for role in admin sales_manager sales_rep marketing; do
    echo "==> schemathesis as $role ($EXAMPLES examples per operation)"
    # The run is seeded, so a finding repeats; a second try only absorbs the fuzzer's own
    # occasional internal crash (seen once: a CPython "AST constructor recursion depth" error
    # with two worker threads, hence one worker).
    if ! fuzz "$role"; then
        echo "==> schemathesis as $role: second try"
        fuzz "$role" || status=1
    fi
done
if grep -q "panicked" "$WORK/server.log"; then
    echo "FAIL: the server panicked during the run" >&2
    grep -A5 "panicked" "$WORK/server.log" >&2
    status=1
fi
exit "$status"
