#!/bin/sh
# run.sh BUILD PYTHON LUA — every benchmark, each against its peer in the same run.
set -eu
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
cd "$(dirname "$0")/.."
echo "== crossings: tandem vs lupa (LuaJIT), lupa on Lua 5.4 and the hand-written floor"
# cython3 (lupa's build) and linux-perf (instruction counts): the bench's own needs,
# installed here rather than for every build (tools/deps.sh --bench)
sh tools/deps.sh --bench || echo "(could not install the bench's packages)" >&2
# lupa 1.14.1 on Debian's Lua 5.4, the issue's peer: built once into BUILD/peers
if [ ! -f "$BUILD/peers/lupa54/lupa/__init__.py" ] \
        || ! ls "$BUILD"/peers/lupa54/lupa/_lupa*.so >/dev/null 2>&1; then
    mkdir -p "$BUILD/peers"
    sh ../shared/tools/build_lupa54.sh "$BUILD/peers/lupa54" \
        || echo "(lupa on Lua 5.4 did not build; no lupa54 column)" >&2
fi
if ls "$BUILD"/peers/lupa54/lupa/_lupa*.so >/dev/null 2>&1; then
    TANDEM_LUPA54=$(cd "$BUILD/peers/lupa54" && pwd); export TANDEM_LUPA54
fi
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
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_lupa.py --instructions "${BENCH_FLAGS:-}"
echo "== memory per proxy, each way, and RSS of import + one runtime (bench/bench_memory.py)"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_memory.py "${BENCH_FLAGS:-}"
echo "== translation: translated vs hand-written Lua vs CPython (bench/bench_translate.py)"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_translate.py "${BENCH_FLAGS:-}"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_translate.py --instructions --perf-only \
    "${BENCH_FLAGS:-}"
echo "== budgets and the sandbox: hook cost (bench/bench_budget.py)"
PYTHONPATH="$BUILD/python" "$PYTHON" bench/bench_budget.py "${BENCH_FLAGS:-}"
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
