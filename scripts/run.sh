#!/usr/bin/env bash
# Installs what clickstream needs, builds it, and runs the main job:
# `clickstream up`, the whole pipeline on embedded defaults (broker on
# 127.0.0.1:9092, Connect REST on :8083, data in ./clickstream-data).
# Extra arguments go to `up`, e.g. scripts/run.sh --rate 500 --count 100000
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLICKSTREAM_BENCHMARKS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target clickstream
exec build/release/src/cli/clickstream up "$@"
