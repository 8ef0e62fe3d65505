#!/usr/bin/env bash
# Installs what clickstream needs, builds it, and runs the main job.
# Until `clickstream up` exists this is the broker on the sample configuration
# (examples/clickstream/config/server.properties, data under /tmp/kafka-logs).
# Extra arguments go to the broker, e.g. scripts/run.sh --log-level debug
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLICKSTREAM_BENCHMARKS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target clickstream
exec build/release/src/cli/clickstream broker --config examples/clickstream/config/server.properties "$@"
