#!/bin/sh
# run.sh BUILD PYTHON LUA — every benchmark, each against its peer in the same run.
set -eu
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
cd "$(dirname "$0")/.."
echo "== crossings: tandem vs lupa (and the hand-written floor, bench/floor.c)"
# tandem_floor: the hand-written Lua 5.4 <-> CPython minimum for each crossing.
mkdir -p "$BUILD/bench"
PY_EXT=$("$PYTHON" -c 'import sysconfig;print(sysconfig.get_config_var("EXT_SUFFIX"))')
PY_INC=$("$PYTHON" -c 'import sysconfig;print(sysconfig.get_paths()["include"])')
LUA_CFLAGS=$(pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS=$(pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
# shellcheck disable=SC2086
if ${CC:-gcc} -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$PY_INC" $LUA_CFLAGS \
        -o "$BUILD/bench/tandem_floor$PY_EXT" bench/floor.c $LUA_LIBS; then
    TANDEM_FLOOR=$(cd "$BUILD/bench" && pwd); export TANDEM_FLOOR
else
    echo "(bench/floor.c did not build; no floor column)" >&2
fi
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_lupa.py "${BENCH_FLAGS:-}"
echo "== crossings: instructions per op (perf stat; skipped without perf)"
# perf comes from Debian's linux-perf, installed here rather than for every build
sh tools/deps.sh linux-perf || echo "(could not install linux-perf)" >&2
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_lupa.py --instructions "${BENCH_FLAGS:-}"
echo "== translation: translated vs hand-written Lua vs CPython (bench/bench_translate.py)"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_translate.py "${BENCH_FLAGS:-}"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_translate.py --instructions --perf-only \
    "${BENCH_FLAGS:-}"
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
