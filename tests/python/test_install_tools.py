"""pip install . and luarocks make (issue 11): each installs tandem the way
its ecosystem installs things, and the result works from outside the source
tree. Run against this checkout (the fresh-machine check runs them from a
clean clone)."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.skipif(shutil.which("pip3") is None and shutil.which("pip") is None,
                    reason="needs Debian's python3-pip")
def test_pip_install_into_a_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation",
                        "--no-deps", "--no-index", ROOT], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    code = ("import tandem, sys; assert tandem.__file__.startswith(sys.prefix), "
            "tandem.__file__; lua = tandem.LuaRuntime(); "
            "print(lua.eval('1 + 1'), 'ok')")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=str(tmp_path),
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH="")).stdout
    assert out.split() == ["2", "ok"]
    help_text = subprocess.run([str(venv / "bin" / "tandem"), "--help"], cwd=str(tmp_path),
                               capture_output=True, text=True, check=True,
                               env=dict(os.environ, PYTHONPATH="")).stdout
    assert "dual REPL" in help_text


@pytest.mark.skipif(shutil.which("luarocks") is None or shutil.which("lua5.4") is None,
                    reason="needs Debian's luarocks and lua5.4")
def test_luarocks_make_into_a_tree(tmp_path):
    tree = tmp_path / "rocks"
    r = subprocess.run(["luarocks", "--lua-version", "5.4", "make", "--tree", str(tree),
                        "tandem-scm-1.rockspec"], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    so = tree / "lib" / "lua" / "5.4" / "tandem.so"
    assert so.exists()
    lua = ("package.cpath = %r .. ';' .. package.cpath "
           "local py = require 'tandem' print(py.eval('6 * 7')) "
           "local ffi = require 'tandem.ffi' ffi.cdef 'int abs(int);' print(ffi.C.abs(-5))"
           % (str(tree / "lib" / "lua" / "5.4" / "?.so"),))
    out = subprocess.run(["lua5.4", "-e", lua], cwd=str(tmp_path), capture_output=True,
                         text=True, check=True,
                         env=dict(os.environ, LUA_CPATH="", LUA_PATH="")).stdout
    assert out.split() == ["42", "5"]
