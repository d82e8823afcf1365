#!/bin/sh
# deps.sh — install the Debian packages tandem needs, only those missing.
# Called by `make` (through a stamp file) so that a fresh Debian 12 machine needs no
# manual set-up. Usage: tools/deps.sh [--bench] [extra-package ...]
# --bench adds what only `make bench` needs (bench/run.sh asks for it): linux-perf for
# instruction counts (valgrind's callgrind where perf has no counters), cython3 to build
# lupa on Lua 5.4 (../shared/tools/build_lupa54.sh).
set -eu

BENCH=""
if [ "${1:-}" = "--bench" ]; then
    BENCH="linux-perf valgrind cython3"
    shift
fi

PKGS="lua5.4 liblua5.4-dev python3 python3-dev python3-pytest python3-lupa python3-cffi
libffi-dev lua-lpeg lua-cjson pkg-config gcc make python3-pexpect
python3-pip python3-setuptools python3-wheel python3-venv luarocks $BENCH $*"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "tools/deps.sh: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "tools/deps.sh: not root and no sudo; install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
