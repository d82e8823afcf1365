#!/bin/sh
# test_install.sh BUILD PYTHON LUA — `make install` as a user meets it:
#  - into a custom prefix: every file is there; a C program built with
#    pkg-config starts (with LD_LIBRARY_PATH, or with the rpath docs/c-api.md
#    shows); the Python package imports from the directory install printed;
#    the Lua module loads;
#  - PREFIX=/usr/local (into a DESTDIR, never the real /usr/local): the Python
#    package and the Lua module land in directories PYTHON and LUA search
#    without PYTHONPATH / LUA_CPATH;
#  - into a venv made from PYTHON with that venv's python: `import tandem`
#    works there with no PYTHONPATH at all.
set -u
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
LUA=${3:-lua5.4}
T=$(mktemp -d)
P=$T/prefix
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "install test failed: $*" >&2; }
check() {  # description command...
    what=$1; shift
    if "$@"; then ok; else ko "$what"; fi
}
# No inherited search paths: each check says what it relies on.
unset PYTHONPATH LD_LIBRARY_PATH LUA_CPATH LUA_CPATH_5_4 LUA_PATH LUA_PATH_5_4

# --- custom prefix ---------------------------------------------------------
check "make install PREFIX=$P" make -s install PREFIX="$P" BUILD="$BUILD" PYTHON="$PYTHON" \
    >"$T/install.log"
SITE=$("$PYTHON" tools/python_site.py "$P")
for f in include/tandem.h lib/libtandem.so lib/libtandem.a lib/pkgconfig/tandem.pc \
         lib/lua/5.4/tandem.so; do
    check "missing $f" test -e "$P/$f"
done
check "Python package in $SITE" test -e "$SITE/tandem/__init__.py"
check "install names the package directory" grep -q "$SITE/tandem" "$T/install.log"

PC="env PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config"
# shellcheck disable=SC2046
check "pkg-config build of examples/embed.c" \
    cc examples/embed.c -o "$T/embed" $($PC --cflags --libs tandem)
check "embed finds libtandem.so through LD_LIBRARY_PATH (README.md)" \
    env LD_LIBRARY_PATH="$P/lib" "$T/embed" >/dev/null
# shellcheck disable=SC2046
check "pkg-config build with rpath" \
    cc examples/embed.c -o "$T/embed-rpath" $($PC --cflags --libs tandem) \
       -Wl,-rpath,"$($PC --variable=libdir tandem)"
check "embed built with the libdir rpath starts alone (README.md)" "$T/embed-rpath" >/dev/null

check "installed Python package (PYTHONPATH=$SITE)" env PYTHONPATH="$SITE" "$PYTHON" -c \
    'import tandem; assert tandem.LuaRuntime().eval("40+2") == 42'
check "installed Lua module" env LUA_CPATH="$P/lib/lua/5.4/?.so" "$LUA" -e \
    'assert(require("tandem").eval("40+2") == 42)'

# --- PREFIX=/usr/local into a DESTDIR ----------------------------------------
D=$T/dest
check "make install DESTDIR PREFIX=/usr/local" \
    make -s install DESTDIR="$D" PREFIX=/usr/local BUILD="$BUILD" PYTHON="$PYTHON" >/dev/null
LSITE=$("$PYTHON" tools/python_site.py /usr/local)
check "PREFIX=/usr/local: package in $LSITE" test -e "$D$LSITE/tandem/__init__.py"
check "$PYTHON searches $LSITE without PYTHONPATH" "$PYTHON" -c \
    "import sys; assert '$LSITE' in sys.path, sys.path"
check "PREFIX=/usr/local: Lua module" test -e "$D/usr/local/lib/lua/5.4/tandem.so"
check "$LUA searches /usr/local/lib/lua/5.4 without LUA_CPATH" "$LUA" -e \
    'assert(package.cpath:find("/usr/local/lib/lua/5.4/?.so", 1, true), package.cpath)'

# --- a prefix the Python searches: import without PYTHONPATH ----------------
V=$T/venv
if "$PYTHON" -m venv --without-pip "$V"; then
    check "make install into a venv" \
        make -s install PREFIX="$V" BUILD="$BUILD" PYTHON="$V/bin/python3" >/dev/null
    check "import tandem in the venv, no PYTHONPATH" "$V/bin/python3" -c "
import tandem
assert tandem.__file__.startswith('$V/'), tandem.__file__
assert tandem.LuaRuntime().eval('40+2') == 42"
else
    ko "python -m venv"
fi
rm -rf "$T"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
