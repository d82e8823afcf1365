"""debug.traceback in translated Lua code (luart.ltraceback): the Lua
functions on the stack as translated code runs them, in luaL_traceback's
format, compared with the native run of the same chunk. Lua names a
function by how its caller reached it (`in upvalue 'inner'`); translated
frames are written as Lua writes a function it has no name for (`in function
<chunk:line>`): the comparison sets those names aside, and one test pins
the translated text exactly. Before, the traceback showed the bridge's own
helper chunk (`<lua:4>:15: in function <<lua:4>:15>`)."""

import re

import pytest

import tandem

SRC = '''local function inner(x) error("bad " .. tostring(x)) end
local function outer(x) inner(x) end
local function tc(x) return outer(x) end
local function rec(n) if n == 0 then return debug.traceback("deep") end local r = rec(n - 1) return r end
return function(x, mode)
  if mode == 1 then local ok, tb = xpcall(outer, debug.traceback, x) return tb end
  if mode == 2 then return debug.traceback("hi") end
  if mode == 3 then return debug.traceback("level 2", 2) end
  if mode == 4 then local ok, tb = xpcall(tc, debug.traceback, x) return tb end
  if mode == 5 then
    local ok, tb = xpcall(outer, function(m) return debug.traceback(m, 2) end, x)
    return tb
  end
  if mode == 6 then return debug.traceback(nil, 0) end
  if mode == 7 then
    local ok, tb = xpcall(function() local y = nil; return y.z end, debug.traceback)
    return tb
  end
  if mode == 8 then return rec(x) end
  if mode == 9 then return debug.traceback(12, -1) end
  if mode == 10 then return debug.traceback(2.5) end
  if mode == 11 then
    local co = coroutine.wrap(function(a)
      local function g() return debug.traceback("in co") end
      local r = g()
      coroutine.yield(r)
    end)
    return co(1)
  end
  if mode == 13 then
    local co = coroutine.wrap(function(a)
      coroutine.yield(0)
      local ok, tb = xpcall(outer, debug.traceback, a)
      return tb
    end)
    co(x)
    return co()
  end
  if mode == 12 then
    local ok, tb = pcall(function() return debug.traceback("m", "x") end)
    return tb
  end
end'''

# (x, mode)
CASES = [(1, m) for m in range(1, 14) if m != 8] + [(n, 8) for n in (0, 3, 18, 19, 20, 21, 40)]


def _named(text):
    """The text with the name of each Lua function's level set aside."""
    return re.sub(r"(?m)^(\t[^\[\t][^:]*:\d+: in ).*$", r"\1F", text)


@pytest.fixture(scope="module")
def runs():
    ln, lt = tandem.LuaRuntime(), tandem.LuaRuntime()
    return ln.execute(SRC, name="@app.lua"), lt.translate(lt.execute(SRC, name="@app.lua"))


@pytest.mark.parametrize("x,mode", CASES)
def test_as_native_but_for_names(runs, x, mode):
    native, translated = runs
    a, b = native(x, mode), translated(x, mode)
    assert isinstance(a, str) and isinstance(b, str)
    assert _named(a) == _named(b)
    assert "<lua:" not in b


def test_the_translated_text(runs):
    _, translated = runs
    assert translated(1, 4) == (
        "app.lua:1: bad 1\n"
        "stack traceback:\n"
        "\t[C]: in function 'error'\n"
        "\tapp.lua:1: in function <app.lua:1>\n"
        "\tapp.lua:2: in function <app.lua:2>\n"
        "\t(...tail calls...)\n"
        "\t[C]: in function 'xpcall'\n"
        "\tapp.lua:9: in function <app.lua:5>")
    deep = translated(30, 8).split("\n")
    assert deep[12] == "\t...\t(skipping 9 levels)" and len(deep) == 2 + 10 + 1 + 11 + 1


def test_a_main_chunk():
    src = 'local x = ...\nlocal t = debug.traceback("m")\nreturn t'
    ln, lt = tandem.LuaRuntime(), tandem.LuaRuntime()
    native = ln.execute('return load(...)', src, "@main.lua")
    translated = lt.translate(lt.execute('return load(...)', src, "@main.lua"))
    assert native(1) == translated(1) == "m\nstack traceback:\n\tmain.lua:2: in main chunk"


def test_a_non_string_message_is_returned_as_it_is():
    src = "return function() local t = {} return debug.traceback(t) == t end"
    lt = tandem.LuaRuntime()
    assert lt.translate(lt.execute(src))() is True
