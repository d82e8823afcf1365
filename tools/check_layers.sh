#!/bin/sh
# check_layers.sh OBJDIR — fail if a layer depends outward.
#  * bridge/ and ffi/ include neither lua.h nor Python.h and call neither API;
#  * adapters/c (C data's language table) sees neither interpreter;
#  * adapters/lua and its FFI face adapters/lua/ffi never include Python.h nor
#    call Py*;
#  * adapters/python and adapters/python/ffi never include lua.h nor call
#    lua_*/luaL_* (the Python zone never touches the Lua API: every Lua call
#    goes through a frame);
#  * adapters/embed sees neither interpreter;
#  * the adapters meet only through the core: no adapter (nor the embedding
#    layer, the core or ffi/) calls another adapter's functions (tdmL_* are
#    the Lua adapter's, tdmP_* the Python adapter's) or includes its
#    headers. Starting, controlling and stopping a language goes through
#    the registry, adapters/langs.c: the one file that names each adapter's
#    table (and itself sees no interpreter).
# Subfolders of an adapter (e.g. adapters/python/ffi/) count as the adapter.
# Checked on the compiler's dependency files (-MMD) and on undefined symbols,
# so an indirect include or a stray call is caught too.
set -u
OBJ=${1:-build/obj}
fail=0
LUAH='(^|/)(lua|lauxlib|lualib|luaconf)\.h'
PYH='(^|/)Python\.h'

# Files of a layer: its folder, subfolders included (never the registry,
# which sits alone in adapters/).
files() {  # dir ext
    [ -d "$OBJ/$1" ] || return 0
    find "$OBJ/$1" -name "*.$2" -type f
}
check_deps() {  # dir pattern what
    for d in $(files "$1" d); do
        if grep -Eq "$2" "$d"; then
            echo "check-layers: $d: $3" >&2
            fail=1
        fi
    done
}
check_syms() {  # dir pattern what
    for o in $(files "$1" o); do
        bad=$(nm -u "$o" | awk '{print $2}' | grep -E "$2" | head -3 | tr '\n' ' ')
        if [ -n "$bad" ]; then
            echo "check-layers: $o calls $bad: $3" >&2
            fail=1
        fi
    done
}

check_deps bridge "$LUAH|$PYH" "the core includes an interpreter header"
check_deps ffi "$LUAH|$PYH" "ffi/ includes an interpreter header"
check_deps adapters/c "$LUAH|$PYH" "C data's language table includes an interpreter header"
check_deps adapters/lua "$PYH" "the Lua adapter includes Python.h"
check_deps adapters/lua/ffi "$PYH" "the Lua face of the FFI includes Python.h"
check_deps adapters/python "$LUAH" "the Python adapter includes a Lua header"
check_deps adapters/python/ffi "$LUAH" "the Python face of the FFI includes a Lua header"
check_deps adapters/embed "$LUAH|$PYH" "the embedding layer includes an interpreter header"
check_syms bridge '^(lua_|luaL_|Py|_Py)' "the core calls an interpreter"
check_syms ffi '^(lua_|luaL_|Py|_Py)' "ffi/ calls an interpreter"
check_syms adapters/c '^(lua_|luaL_|Py|_Py)' "C data's language table calls an interpreter"
check_syms adapters/lua '^(Py|_Py)' "the Lua adapter calls Python"
check_syms adapters/lua/ffi '^(Py|_Py)' "the Lua face of the FFI calls Python"
check_syms adapters/python '^(lua_|luaL_)' "the Python adapter calls the Lua API"
check_syms adapters/python/ffi '^(lua_|luaL_)' "the Python face of the FFI calls the Lua API"
check_syms adapters/embed '^(lua_|luaL_|Py|_Py)' "the embedding layer calls an interpreter"
check_syms adapters/lua '^tdmP_' "the Lua adapter calls into the Python adapter (go through the core or adapters/langs.c)"
check_syms adapters/python '^tdmL_' "the Python adapter calls into the Lua adapter (go through the core or adapters/langs.c)"
check_syms adapters/embed '^tdm[LP]_' "the embedding layer calls an adapter (go through the core or adapters/langs.c)"
check_syms bridge '^tdm[LP]_' "the core calls an adapter"
check_syms ffi '^tdm[LP]_' "ffi/ calls an adapter"
check_syms adapters/c '^tdm[LP]_' "C data's language table calls an adapter"
check_deps adapters/lua '(^|[ /])adapters/python/' "the Lua adapter includes a Python adapter header"
check_deps adapters/python '(^|[ /])adapters/lua/' "the Python adapter includes a Lua adapter header"
check_deps adapters/embed '(^|[ /])adapters/(lua|python)/' "the embedding layer includes an adapter header"
# the registry: names the tables, includes no interpreter nor adapter header
if [ -f "$OBJ/adapters/langs.d" ]; then
    if grep -Eq "$LUAH|$PYH|(^|[ /])adapters/(lua|python)/" "$OBJ/adapters/langs.d"; then
        echo "check-layers: $OBJ/adapters/langs.d: the registry includes an interpreter or adapter header" >&2
        fail=1
    fi
fi

for dir in bridge ffi adapters/c adapters/lua adapters/lua/ffi adapters/python \
           adapters/python/ffi; do
    n=$(ls "$OBJ/$dir"/*.o 2>/dev/null | wc -l)
    if [ "$n" -eq 0 ]; then
        echo "check-layers: no objects under $OBJ/$dir (build first, or a layer moved)" >&2
        exit 1
    fi
done
if [ $fail -ne 0 ]; then
    echo "check-layers: FAILED" >&2
    exit 1
fi
echo "check-layers: ok (dependencies point inward)"
