"""Lua 5.4.4 (Debian 12's liblua5.4) corrupts memory when the stack grows
while a __concat metamethod runs for a concatenation of six values: "attempt
to call a nil value", "error in error handling", then a segmentation fault
(a 15-line C host of liblua5.4 with one value below the called function
shows it, no tandem involved). tandem's states reserve stack at their base
level (lstate.c l_open, TDML_BASE_STACK), which the collector never shrinks
below: calls from Python at the base level run these concatenations
correctly. Each case runs in a child process (a crash must not take the
test runner with it)."""

import subprocess
import sys

import pytest

CHILD = r'''
import tandem
lua = tandem.LuaRuntime()
f = lua.execute("""
local log = {}
local mt = {__concat = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  log[#log + 1] = tostring(x) .. "+" .. tostring(y)
  return setmetatable({v = tostring(x) .. tostring(y)}, getmetatable(a) or getmetatable(b))
end}
local function T(v) return setmetatable({v = v}, mt) end
return function(a)
  log = {}
  local r = T(1) .. T(2) .. T(3) .. T(4) .. T(5) .. T(6)
  collectgarbage()
  local s = T(7) .. T(8) .. T(9) .. T(10) .. T(11) .. T(12) .. T(13)
  return r.v .. "/" .. s.v, table.concat(log, " ")
end
""")
for arg in ARGS:
    print(f(arg))
'''


@pytest.mark.parametrize("args", ["[0]", "['A']", "[None, 1.5, 0]"])
def test_concat_metamethods_while_the_stack_would_grow(args):
    r = subprocess.run([sys.executable, "-c", CHILD.replace("ARGS", args)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    want = ("('123456/78910111213', '5+6 4+56 3+456 2+3456 1+23456 12+13 11+1213 "
            "10+111213 9+10111213 8+910111213 7+8910111213')")
    lines = r.stdout.splitlines()
    assert lines == [want] * len(eval(args)), r.stdout
