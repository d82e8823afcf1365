#!/bin/sh
# corpus.sh LFC [CORPUS] — the Lua front end against luac5.4 -p: every file of
# Lua's own test suite, and each file truncated at 8 points, must be accepted
# or rejected alike, with the same message (chunk:line: text near token);
# each file's main-chunk IR must pass tdmX_load (or be refused by name).
# Ends with "N passed, N failed".
LFC=$1
CORPUS=${2:-../shared/corpus/lua-5.4-testes}
LUAC=${LUAC:-luac5.4}
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
compare() {  # file
    a=$("$LFC" "$1" 2>&1)
    b=$("$LUAC" -p "$1" 2>&1 && echo ok)
    b=${b#"$LUAC": }
    if [ "$a" = "$b" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "DIFF $1: front [$a] luac [$b]" >&2; fi
}
# the corpus comes with ../shared (CI, the dev machine); a bare clone has none
if [ ! -d "$CORPUS" ]; then echo "skipped: no corpus at $CORPUS"; echo "0 passed, 0 failed"; exit 0; fi
for f in "$CORPUS"/*.lua; do
    compare "$f"
    # the main chunk's IR passes the core's validator (or is refused, by name)
    v=$("$LFC" -v "$f" 2>&1)
    case "$v" in
        ok|*": the chunk assigns _ENV: "*|*"may be a compile-time constant in Lua"*) pass=$((pass + 1)) ;;
        *) fail=$((fail + 1)); echo "IR $f: $v" >&2 ;;
    esac
    size=$(wc -c < "$f")
    for k in 1 2 3 4 5 6 7; do
        cut=$((size * k / 8 + k * 7))
        base=$(basename "$f" .lua)
        head -c "$cut" "$f" > "$tmp/${base}_$k.lua"
        compare "$tmp/${base}_$k.lua"
    done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
