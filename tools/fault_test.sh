#!/bin/sh
# fault_test.sh BUILD PYTHON LUA [sweep args] — the fault sweeps on the
# fault builds (mk/fault.mk): the Python extension (tests/fault/sweep.py),
# a C host through libtandem (tests/fault/sweep_embed.c) and a lua5.4 host
# (tests/fault/sweep.lua). Under a sanitizer build, with ASan preloaded as
# tools/run_tests.sh does. Ends with "N passed, N failed" (one per sweep).
set -u
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
LUA=${3:-lua5.4}
shift 3
cd "$(dirname "$0")/.." || exit 1
SANENV=""
case "$BUILD" in
    *san*)
        SANENV="TANDEM_SANITIZER=1 LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1" ;;
esac
PASSED=0
FAILED=0
LOG=$(mktemp)
sweep() {  # name command...
    name=$1; shift
    echo "=== fault sweep: $name"
    "$@" 2>&1 | tee "$LOG"
    if grep -q '^1 passed, 0 failed$' "$LOG"; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
    fi
}
PYDIR=$(cd "$BUILD/python" && pwd)
# shellcheck disable=SC2086
sweep "Python host" env $SANENV "$PYTHON" tests/fault/sweep.py "$BUILD/fault/python" "$@"
# shellcheck disable=SC2086
sweep "C host" env $SANENV TANDEM_PYTHONPATH="$PYDIR" "$BUILD/fault/sweep_embed" "$@"
# shellcheck disable=SC2086
sweep "lua5.4 host" env $SANENV TANDEM_PYTHONPATH="$PYDIR" LUA_CPATH="$BUILD/fault/lua/?.so;;" \
    "$LUA" tests/fault/sweep.lua "$BUILD/fault/lua/tandem.so" "$@"
rm -f "$LOG"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
