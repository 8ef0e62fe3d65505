#!/usr/bin/env bash
# Installs everything clickstream needs to build, run and test, from Debian's
# packages (and npm for test tooling). Idempotent: when every package is
# already present it only checks and returns within a second.
#
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the test suite needs
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libspdlog-dev libfmt-dev libcli11-dev libasio-dev
  librdkafka-dev libpq-dev libsqlite3-dev libsimdjson-dev
  libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev
  libssl-dev libcurl4-openssl-dev
  tzdata  # /usr/share/zoneinfo: named time zones (base/time_zone.h)
  libgtest-dev libgmock-dev libbenchmark-dev
)
test_pkgs=(
  kcat python3 python3-confluent-kafka python3-kafka
  clang  # libFuzzer targets: -DCLICKSTREAM_FUZZ=ON with CXX=clang++
  postgresql sqlite3 procps
  nodejs  # node + npm for tests/e2e/js (kafkajs) and tests/parquet (DuckDB), via npm ci
)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#want[@]} packages present"
fi

# npm test tooling, exactly as locked in each folder's package-lock.json:
# kafkajs (tests/e2e/js) and @duckdb/node-api (tests/parquet, the Parquet
# writer's DuckDB check), s3rver (tests/s3, the S3 sink's emulator). A
# folder is skipped when its node_modules is already newer than its lock file.
if [[ "${1:-}" == "--test" ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for rel in tests/e2e/js tests/parquet tests/s3; do
    js_dir="$root/$rel"
    if ! command -v npm >/dev/null 2>&1; then
      echo "install-deps: npm not found; install nodejs and npm to run the tests in $rel" >&2
    elif [[ ! -d "$js_dir/node_modules" || "$js_dir/package-lock.json" -nt "$js_dir/node_modules" ]]; then
      echo "install-deps: npm ci in $rel"
      npm ci --prefix "$js_dir" --no-audit --no-fund
      touch "$js_dir/node_modules"
    else
      echo "install-deps: $rel/node_modules up to date"
    fi
  done
fi
