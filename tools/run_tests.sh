#!/bin/sh
# run_tests.sh BUILD PYTHON LUA — run every suite, each ending with
# "N passed, N failed", and end with the sum in the same form.
# Exit status: 0 when every suite ran and nothing failed.
set -u
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
LUA=${3:-lua5.4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
TOTAL_P=0
TOTAL_F=0
BROKEN=0
LOG=$(mktemp)

# Sanitizer builds: the interpreters are not instrumented, so preload the
# runtime, and leave leak checking to valgrind (CPython keeps globals).
SANENV=""
case "$BUILD" in
    *san*)
        SANENV="TANDEM_SANITIZER=1 LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
        ;;
esac

run_suite() {  # name command...
    name=$1; shift
    echo "=== $name"
    : > "$LOG"
    "$@" 2>&1 | tee "$LOG"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG" | tail -1)
    if [ -z "$line" ]; then
        echo "!!! $name: no summary line (crashed?)"
        BROKEN=$((BROKEN + 1))
        TOTAL_F=$((TOTAL_F + 1))
        return
    fi
    p=${line%% passed*}
    f=${line#*passed, }; f=${f%% failed}
    TOTAL_P=$((TOTAL_P + p))
    TOTAL_F=$((TOTAL_F + f))
}

for t in "$BUILD"/tests/unit/test_* "$BUILD"/tests/embed/*; do
    [ -x "$t" ] || continue
    run_suite "$(basename "$t")" env $SANENV LD_LIBRARY_PATH="$BUILD/lib" "$t"
done

run_example() {  # a program without its own summary: exit status decides
    if env $SANENV "$@" >/dev/null; then echo "1 passed, 0 failed"; else
        echo "example $* failed"; echo "0 passed, 1 failed"; fi
}
for t in "$BUILD"/examples/*; do
    [ -x "$t" ] || continue
    run_suite "example $(basename "$t")" run_example "$t"
done

# The Lua front end against luac5.4 -p on Lua's own test suite (and truncations).
run_suite "lua front corpus" sh tests/lua_front/corpus.sh "$BUILD/tests/unit/lfront_check"

run_suite pytest env $SANENV PYTHONPATH="$BUILD/python:tools" \
    TANDEM_BUILD="$BUILD" "$PYTHON" -m pytest -q -p pytest_summary tests/python

for t in tests/lua/*.lua; do
    case "$t" in */testlib.lua) continue ;; esac
    run_suite "$(basename "$t")" env $SANENV LUA_CPATH="$BUILD/lua/?.so;;" \
        LUA_PATH="tests/lua/?.lua;;" TANDEM_BUILD="$BUILD" "$LUA" "$t"
done
case "$BUILD" in
    *san*) ;;       # the installed copy is the normal build's
    *) run_suite install sh tools/test_install.sh "$BUILD" "$PYTHON" "$LUA" ;;
esac
rm -f "$LOG"
echo "=== all suites"
[ $BROKEN -gt 0 ] && echo "($BROKEN suite(s) ended without a summary line)"
echo "$TOTAL_P passed, $TOTAL_F failed"
[ "$TOTAL_F" -eq 0 ]
