#!/usr/bin/env bash
# Installs what the tests need, builds clickstream, and runs every test:
#   1. formatting check (clang-format, the repo's .clang-format)
#   2. optimized build with warnings as errors, all CTest labels (slow included)
#   3. AddressSanitizer + UndefinedBehaviorSanitizer build, unit tests (label !slow)
#   4. libFuzzer on the Kafka request decoder for a bounded time (clang)
#
#   scripts/test.sh            everything (what CI runs, via .ci/run)
#   scripts/test.sh --quick    skip the slow label and the sanitizer build
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

scripts/install-deps.sh --test

jobs=$(nproc)
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-10G}"
# Paths relative to the checkout, so clones in other folders share the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
start=$SECONDS
section() { printf '\n=== %s (%ds)\n' "$1" $((SECONDS - start)); }

# Both builds with debug info plus the cache take ~12 GB; a full disk shows up
# much later as a linker error, so say it first.
free_gb=$(df -Pk . | awk 'NR==2 {print int($4 / 1048576)}')
if ((free_gb < 15)); then
  echo "warning: only ${free_gb} GB free under $PWD; the builds need ~12 GB" >&2
fi

section "format check"
mapfile -t sources < <(git ls-files -co --exclude-standard -- 'src/*.h' 'src/*.cc' 'bench/*.cc' 'bench/*.h')
if ((${#sources[@]})); then
  clang-format --dry-run --Werror "${sources[@]}"
fi

section "build (RelWithDebInfo)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/ci -j "$jobs"

section "tests"
label_args=()
((quick)) && label_args=(-LE slow)
ctest --test-dir build/ci -j "$jobs" --output-on-failure --timeout 600 "${label_args[@]}"

if ((!quick)); then
  section "build (ASan + UBSan)"
  cmake -S . -B build/ci-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCLICKSTREAM_SANITIZE=ON \
    -DCLICKSTREAM_BENCHMARKS=OFF >/dev/null
  cmake --build build/ci-asan -j "$jobs"
  section "unit tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/ci-asan -j "$jobs" --output-on-failure --timeout 600 -LE slow
fi

if ((!quick)); then
  section "fuzz the request decoder (${CLICKSTREAM_FUZZ_SECONDS:-60} s)"
  cmake -S . -B build/ci-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCLICKSTREAM_FUZZ=ON -DCLICKSTREAM_BENCHMARKS=OFF >/dev/null
  cmake --build build/ci-fuzz -j "$jobs" --target protocol_request_fuzz
  mkdir -p build/ci-fuzz/corpus
  build/ci-fuzz/src/protocol/protocol_request_fuzz -max_total_time="${CLICKSTREAM_FUZZ_SECONDS:-60}" \
    -print_final_stats=1 build/ci-fuzz/corpus 2>&1 | tail -n 12
fi

section "done"
