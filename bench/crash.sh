#!/usr/bin/env bash
# The crash drill of tests/api/crash.rs, longer: tinbao (release build) is killed with
# SIGKILL 20 times while 8 clients send tips, each with its own Idempotency-Key; after
# each restart the clients retry what went unanswered, and at the end every key once
# more. Prints, per backend, the kills, keys, tips acknowledged before the last start,
# how many of them are stored, and the tips in all (which must equal the keys).
# Usage: bench/crash.sh [CYCLES] [KEYS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tinbao/target}"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
TINBAO_CRASH_CYCLES="${1:-20}" TINBAO_CRASH_KEYS="${2:-20000}" \
    cargo test --release --quiet --test api crash -- --nocapture 2>&1 | grep -E "crash drill|test result|panicked|FAILED"
