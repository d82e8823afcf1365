"""coroutine.resume and coroutine.wrap in a LuaRuntime (adapters/lua/lcoro.c
replaces them to record the running coroutine for interrupts) behave as
Lua 5.4's own: tests/lua/data/coroutine_lib.lua prints the same lines under plain
lua5.4 and inside a LuaRuntime."""
import os
import shutil
import subprocess

import pytest

import tandem

SCRIPT = os.path.join("tests", "lua", "data", "coroutine_lib.lua")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.skipif(shutil.which("lua5.4") is None, reason="needs lua5.4")
def test_same_lines_as_lua54():
    native = subprocess.run(["lua5.4", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.splitlines()
    lua = tandem.LuaRuntime()
    lines = []
    lua.globals().OUT = lines.append
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        lua.execute("assert(loadfile(...))()", SCRIPT)
    finally:
        os.chdir(cwd)
    assert lines[-1] == "end" and len(lines) > 30
    assert lines == native


def test_replacements_are_installed():
    lua = tandem.LuaRuntime()
    # Lua's own resume and wrap have no upvalues; the replacements carry the state
    assert lua.eval("debug.getupvalue(coroutine.resume, 1)") is not None
    assert lua.eval("debug.getupvalue(coroutine.wrap, 1)") is not None
