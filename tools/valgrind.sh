#!/bin/sh
# valgrind.sh BUILD — memcheck over the C unit tests (strict: any error
# fails) and the embedding tests (CPython's own uninitialised-read reports are
# suppressed or ignored; a report whose innermost frame is tandem or Lua fails).
# Ends with "N passed, N failed".
set -u
BUILD=${1:-build}
SUPP=/usr/lib/valgrind/python3.supp
pass=0
fail=0
for t in "$BUILD"/tests/unit/test_*; do
    [ -x "$t" ] || continue
    if valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
            "$t" >/dev/null 2>"$BUILD/valgrind.log"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "valgrind: $t" >&2; tail -30 "$BUILD/valgrind.log" >&2
    fi
done
for t in "$BUILD"/tests/embed/* "$BUILD"/examples/embed; do
    [ -x "$t" ] || continue
    supp=""
    [ -f "$SUPP" ] && supp="--suppressions=$SUPP"
    PYTHONMALLOC=malloc valgrind -q $supp --leak-check=no --num-callers=30 \
        "$t" >/dev/null 2>"$BUILD/valgrind.log"
    if grep -Eq '^==[0-9]+== +at 0x[0-9A-F]+: (tdm|lua_|luaL_|luaH|luaV|luaD|l_|lua[A-Z])' \
            "$BUILD/valgrind.log"; then
        fail=$((fail + 1)); echo "valgrind: $t" >&2
        grep -E -B3 -A12 '(tdm|lua_|luaL_)' "$BUILD/valgrind.log" | head -60 >&2
    else
        pass=$((pass + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
