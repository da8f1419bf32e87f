#!/usr/bin/env bash
# schemathesis against a live server on the sample map (the README's run
# command on a fresh SQLite file), from the server's own /api/openapi.json:
# no 5xx, and every answer's status, content type and body as documented.
# Two phases, each bounded in time: reads anonymously, then every operation
# (writes too) with the admin token. Called by scripts/test.sh once
# `cargo test --release` has built target/release/assetmap; installs
# schemathesis into a venv under ~/.cache the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
venv="${XDG_CACHE_HOME:-$HOME/.cache}/assetmap/schemathesis-$version"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$version"
fi

work=$(mktemp -d)
port=$((20000 + RANDOM % 10000))
token="schemathesis-$RANDOM$RANDOM"
base="http://127.0.0.1:$port"
target/release/assetmap serve --listen "127.0.0.1:$port" \
  --database-url "sqlite://$work/assetmap.db" --admin-token "$token" \
  --basemap none >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  if curl -fsS "$base/api/health" 2>/dev/null | grep -q '"assets_indexed":[1-9]'; then break; fi
  sleep 0.5
done
curl -fsS "$base/api/health" | grep -q '"assets_indexed":[1-9]' || {
  echo "the server did not come up with the sample map:"; tail -20 "$work/server.log"; exit 1
}

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
# One worker: with two, hypothesis parses lambdas' source (ast.parse) in
# two threads at once, and CPython 3.11's AST recursion counter is shared
# between threads (CPython issue 106905): schemathesis then stops on
# "AST constructor recursion depth mismatch", a fault of neither it nor us.
run() {
  "$venv/bin/st" run "$base/api/openapi.json" --checks "$checks" \
    --workers 1 --seed 14 --no-shrink --request-timeout 30 \
    --suppress-health-check all --warnings off --phases examples,coverage,fuzzing "$@"
}

# Both phases run, and the script fails if either found anything.
failed=0
echo "schemathesis: reads, anonymous"
run --include-method GET --max-examples 25 --max-time 150 || failed=1
echo "schemathesis: every operation, with the admin token"
run -H "Authorization: Bearer $token" --max-examples 15 --max-time 150 || failed=1

if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked:"; grep -A5 panicked "$work/server.log"; exit 1
fi
exit "$failed"
