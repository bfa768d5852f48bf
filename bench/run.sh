#!/usr/bin/env bash
# `make bench`: the side-by-side benchmark of stapled against hitch, HAProxy and nginx.
#
#   1. installs what is missing from Debian (hitch haproxy nginx wrk and a C compiler, besides
#      the packages every build needs: scripts/install-deps.sh);
#   2. builds stapled in release mode (skipped when STAPLED_BIN names a binary to measure);
#   3. builds the handshake load generator (bench/handshake-load.c);
#   4. runs bench/bench.py: test PKI + OCSP responder, plaintext backend, every terminator, the
#      five measurements, tables on stdout and in bench/results/<run>/.
#
# Settings are environment variables (BENCH_ROUNDS, BENCH_DURATION, ...): see bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STAPLED_EXTRA_PACKAGES="hitch haproxy nginx wrk gcc libc6-dev ${STAPLED_EXTRA_PACKAGES:-}" scripts/install-deps.sh

# By default the binary measured is built as `make install` builds the one it ships:
# --static-swift-stdlib (no shared Swift libraries to load at exec: about 7 ms less from exec to
# the first handshake here). BENCH_BUILD_FLAGS= (empty) measures the dynamically linked build.
BENCH_BUILD_FLAGS="${BENCH_BUILD_FLAGS---static-swift-stdlib}"
read -r -a build_flags <<<"${BENCH_BUILD_FLAGS}"
if [[ -z "${STAPLED_BIN:-}" ]]; then
    echo "bench: building stapled (release${BENCH_BUILD_FLAGS:+ $BENCH_BUILD_FLAGS})"
    ${SWIFT:-swift} build -c release --product stapled "${build_flags[@]}"
    STAPLED_BIN="$(${SWIFT:-swift} build -c release "${build_flags[@]}" --show-bin-path)/stapled"
    STAPLED_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [[ -n "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ]]; then
        STAPLED_COMMIT+=" with uncommitted changes to Sources"
    fi
    STAPLED_COMMIT+="${BENCH_BUILD_FLAGS:+, $BENCH_BUILD_FLAGS}"
    export STAPLED_BIN STAPLED_COMMIT
fi

mkdir -p bench/results/bin
cc -O2 -Wall -Wextra -o bench/results/bin/handshake-load bench/handshake-load.c -lssl -lcrypto -lpthread

exec python3 bench/bench.py "$@"
