#!/bin/sh
# run.sh BUILD PYTHON LUA — every benchmark, each against its peer in the same run.
set -eu
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
cd "$(dirname "$0")/.."
echo "== crossings: tandem vs lupa"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_lupa.py "${BENCH_FLAGS:-}"
for b in bench/bench_ffi*.py; do
    [ -f "$b" ] || continue
    echo "== $(basename "$b" .py)"
    PYTHONPATH="$BUILD/python" "$PYTHON" "$b" "${BENCH_FLAGS:-}"
done
for b in bench/*.sh; do
    case "$b" in */run.sh) continue ;; esac
    echo "== $(basename "$b" .sh)"
    sh "$b" "$BUILD" "$PYTHON"
done
