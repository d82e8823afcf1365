#!/bin/sh
# test_install.sh BUILD — `make install` into a temporary prefix, then build
# examples/embed.c against it with pkg-config and run it; import the installed
# Python package and require the installed Lua module.
set -u
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
LUA=${3:-lua5.4}
P=$(mktemp -d)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "install test failed: $*" >&2; }

if make -s install PREFIX="$P" BUILD="$BUILD" >/dev/null; then ok; else ko "make install"; fi
for f in include/tandem.h lib/libtandem.so lib/libtandem.a lib/pkgconfig/tandem.pc \
         lib/lua/5.4/tandem.so; do
    if [ -e "$P/$f" ]; then ok; else ko "missing $f"; fi
done
if PKG_CONFIG_PATH="$P/lib/pkgconfig" cc examples/embed.c -o "$P/embed" \
       $(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs tandem) \
       -Wl,-rpath,"$P/lib" && "$P/embed" >/dev/null; then ok; else ko "pkg-config build of examples/embed.c"; fi
if PYTHONPATH="$P/lib/python3/dist-packages" "$PYTHON" -c \
       'import tandem; assert tandem.LuaRuntime().eval("40+2") == 42' ; then ok; else ko "installed Python package"; fi
if LUA_CPATH="$P/lib/lua/5.4/?.so" "$LUA" -e \
       'assert(require("tandem").eval("40+2") == 42)'; then ok; else ko "installed Lua module"; fi
rm -rf "$P"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
