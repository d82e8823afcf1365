#!/bin/sh
# check_layers.sh OBJDIR — fail if a layer depends outward.
#  * bridge/ and ffi/ include neither lua.h nor Python.h and call neither API;
#  * adapters/lua never includes Python.h nor calls Py*;
#  * adapters/python never includes lua.h nor calls lua_*/luaL_* (the Python
#    zone never touches the Lua API: every Lua call goes through a frame);
#  * adapters/embed sees neither interpreter.
# Checked on the compiler's dependency files (-MMD) and on undefined symbols,
# so an indirect include or a stray call is caught too.
set -u
OBJ=${1:-build/obj}
fail=0
LUAH='(^|/)(lua|lauxlib|lualib|luaconf)\.h'
PYH='(^|/)Python\.h'

check_deps() {  # dir pattern what
    for d in "$OBJ/$1"/*.d; do
        [ -f "$d" ] || continue
        if grep -Eq "$2" "$d"; then
            echo "check-layers: $d: $3" >&2
            fail=1
        fi
    done
}
check_syms() {  # dir pattern what
    for o in "$OBJ/$1"/*.o; do
        [ -f "$o" ] || continue
        bad=$(nm -u "$o" | awk '{print $2}' | grep -E "$2" | head -3 | tr '\n' ' ')
        if [ -n "$bad" ]; then
            echo "check-layers: $o calls $bad: $3" >&2
            fail=1
        fi
    done
}

check_deps bridge "$LUAH|$PYH" "the core includes an interpreter header"
check_deps ffi "$LUAH|$PYH" "ffi/ includes an interpreter header"
check_deps adapters/lua "$PYH" "the Lua adapter includes Python.h"
check_deps adapters/python "$LUAH" "the Python adapter includes a Lua header"
check_deps adapters/embed "$LUAH|$PYH" "the embedding layer includes an interpreter header"
check_syms bridge '^(lua_|luaL_|Py|_Py)' "the core calls an interpreter"
check_syms ffi '^(lua_|luaL_|Py|_Py)' "ffi/ calls an interpreter"
check_syms adapters/lua '^(Py|_Py)' "the Lua adapter calls Python"
check_syms adapters/python '^(lua_|luaL_)' "the Python adapter calls the Lua API"
check_syms adapters/embed '^(lua_|luaL_|Py|_Py)' "the embedding layer calls an interpreter"

n=$(ls "$OBJ"/bridge/*.o 2>/dev/null | wc -l)
if [ "$n" -eq 0 ]; then
    echo "check-layers: no objects under $OBJ (build first)" >&2
    exit 1
fi
if [ $fail -ne 0 ]; then
    echo "check-layers: FAILED" >&2
    exit 1
fi
echo "check-layers: ok (dependencies point inward)"
