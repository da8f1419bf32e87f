#!/usr/bin/env bash
# Runs every test. Installs and starts what the tests need (PostGIS,
# Chromium, npm packages) and is safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages: PostGIS for the PostgreSQL store, Chromium for the map,
# tilemaker to build the test basemap, fonts for its labels; GDAL (ogrinfo,
# ogr2ogr) as a real client of the OGC API; Python's venv for the JSON
# Schema validator below and for schemathesis (scripts/schemathesis.sh
# installs it from PyPI), and curl; openssl to make the certificates of the
# TLS test's own PostgreSQL.
missing=()
for pkg in postgresql-15-postgis-3 chromium tilemaker \
  fonts-noto-core fonts-dejavu-core gdal-bin python3-venv curl openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. A PostgreSQL server the tests may create databases on: the one already
# on 127.0.0.1:5432 if it lets us in, otherwise a throwaway cluster of our own.
pg_ok() { psql "$1/postgres" -qAtc 'select 1' >/dev/null 2>&1; }
pg="${ASSETMAP_TEST_PG:-postgres://postgres@127.0.0.1:5432}"
if ! pg_ok "$pg"; then
  own_dir=/tmp/assetmap-test-pg
  own_port=55432
  pg="postgres://postgres@127.0.0.1:$own_port"
  if ! pg_ok "$pg"; then
    echo "starting a throwaway PostgreSQL on port $own_port"
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    as_root rm -rf "$own_dir"
    as_root mkdir -p "$own_dir"
    as_root chown postgres:postgres "$own_dir"
    as_root runuser -u postgres -- "$bin/initdb" -D "$own_dir/data" -A trust -U postgres >/dev/null
    as_root runuser -u postgres -- "$bin/pg_ctl" -D "$own_dir/data" -l "$own_dir/log" -w \
      -o "-p $own_port -k $own_dir -c listen_addresses=127.0.0.1" start >/dev/null
  fi
fi
export ASSETMAP_TEST_PG="$pg"
# Databases left by earlier, interrupted runs.
psql "$pg/postgres" -qAtc "select datname from pg_database where datname like 'assetmap_test_%'" |
  while read -r db; do psql "$pg/postgres" -qc "drop database if exists $db" >/dev/null; done

# check-jsonschema (PyPI) validates the HSDS output against the published
# schemas, and openapi-spec-validator the OGC API's OpenAPI 3.0 definition:
# pip-installed into a virtual environment of their own, since Debian's
# Python takes no system-wide pip installs.
venv=target/python-venv
if [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema openapi-spec-validator
fi
export ASSETMAP_CHECK_JSONSCHEMA="$PWD/$venv/bin/check-jsonschema"
export ASSETMAP_OPENAPI_SPEC_VALIDATOR="$PWD/$venv/bin/openapi-spec-validator"

# 3. npm packages for the map page and the browser tests.
if [ -f web/package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund --loglevel=error
fi

# 4. The tests: Rust (unit, API on both stores, import, analysis), then the
# browser tests against a real server. No separate `cargo build`: the test
# build makes target/release/assetmap too (with the dev-dependencies'
# features, so a plain build would compile the library a second time), and
# the browser tests and schemathesis run that binary. Every failure is
# reported, not just the first binary's.
cargo test --release --locked --no-fail-fast
# 5. schemathesis against a live server on the sample map, from the
# OpenAPI document: no 5xx, every answer as documented.
bash scripts/schemathesis.sh
if [ -d tests/browser ]; then
  node --test --test-concurrency=1 tests/browser/
fi
# 6. The house rules a reviewer would check: formatted, and no lint.
cargo fmt --check
cargo clippy --release --all-targets --locked -- -D warnings
