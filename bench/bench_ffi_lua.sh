#!/bin/sh
# bench_ffi_lua.sh BUILD — builds the bench library and the hand-written Lua
# module into BUILD/bench, then times tandem.ffi against it (same run).
set -eu
BUILD=${1:-build}
CC=${CC:-gcc}
cd "$(dirname "$0")/.."
mkdir -p "$BUILD/bench"
LUA_CFLAGS=$(pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
$CC -O2 -fPIC -shared -o "$BUILD/bench/libbenchadd.so" bench/bench_add.c
# shellcheck disable=SC2086
$CC -O2 -fPIC -shared $LUA_CFLAGS -o "$BUILD/bench/bench_addmod.so" bench/bench_addmod.c \
    -L"$BUILD/bench" -lbenchadd -Wl,-rpath,"$(pwd)/$BUILD/bench"
LUA_CPATH="${TANDEM_LUA_CPATH:-$BUILD/lua/?.so};$BUILD/bench/?.so;;" lua5.4 bench/bench_ffi_lua.lua "$BUILD"
