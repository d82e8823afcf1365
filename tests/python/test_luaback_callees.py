"""Callees translated automatically (issue 10: "functions it calls that are
Lua functions with source are translated once too, the rest are reached
through the bridge"): a Lua function reaching translated code (an upvalue,
a global, a table field) is translated on first use, once per runtime."""

import pytest

import tandem
from tandem import _luaback

CHUNK = '''
return load([[
local log = {}
local function mk(n)
  return setmetatable({v = n}, {__close = function () log[#log + 1] = n end})
end
local fmt = string.format
local uses_env = load('return function() local e = _ENV; return e ~= nil end', '=envd', 't', {})()
function square(x) return x * x end
local M = {helpers = {}}
function M.helpers.twice(x) return 2 * x end
function M.closes()
  log = {}
  for i = 1, 3 do
    local x <close> = mk(i)
    if i == 2 then break end
  end
  return table.concat(log, ",")
end
function M.calls(x)
  return square(x), M.helpers.twice(x), fmt("%05.1f", x), uses_env()
end
function M.table_from_callee()
  local t = mk(7)
  -- through the bridge this would be a view: rawget nil, no __close
  return rawget(t, "v"), getmetatable(t).__close ~= nil, type(t)
end
M.mk, M.uses_env = mk, uses_env
return M
]])()
'''


@pytest.fixture
def rt():
    lua = tandem.LuaRuntime()
    return lua, lua.execute(CHUNK)


def test_callee_with_source_is_translated(rt):
    lua, M = rt
    # natively and translated: the <close> values made by the callee close
    assert M.closes() == '1,2'
    assert lua.translate(M.closes)() == '1,2'
    # the callee was translated once: lua.translate gives that translation
    # (moved from the bounded cache of automatic translations to the interned one)
    autos = _luaback._auto[lua]
    assert M.mk in autos
    entry = autos[M.mk]
    assert lua.translate(M.mk) is entry
    assert _luaback._lcache[lua][M.mk] is entry and M.mk not in autos


def test_globals_fields_and_c_functions(rt):
    lua, M = rt
    want = M.calls(2.5)
    assert want == (6.25, 5.0, '002.5', True)
    assert lua.translate(M.calls)(2.5) == want
    autos = _luaback._auto[lua]
    assert lua.eval('square') in autos and M.helpers.twice in autos
    # string.format is a C function: called through the bridge, the refusal
    # is remembered; uses_env, whose _ENV is not the global table, was
    # refused too before the twenty-eighth session (its globals are fields
    # of its _ENV upvalue now)
    refused = _luaback._refused[lua]
    assert lua.eval('string.format') in refused
    assert M.uses_env not in refused and M.uses_env in autos


def test_table_made_by_a_callee_is_a_translated_table(rt):
    lua, M = rt
    assert lua.translate(M.table_from_callee)() == M.table_from_callee() == (7, True, 'table')


def test_callee_translated_once_for_two_callers():
    lua = tandem.LuaRuntime()
    A, B = lua.execute('return load([[\nlocal function h(x) return x + 1 end\n'
                       'local function a(x) return h(x) end\n'
                       'local function b(x) return h(h(x)) end\nreturn a, b]])()')
    assert lua.translate(A)(1) == 2 and lua.translate(B)(1) == 3
    assert len(_luaback._auto[lua]) == 1      # h


def test_fresh_closures_do_not_pile_up():
    # a native function returning a new closure each call: every closure is
    # translated on reaching translated code, compiled once, and the
    # automatic translations kept are bounded
    lua = tandem.LuaRuntime()
    # (adder is refused: it reaches a <const> Lua folds and the front end
    # does not, an and/or, as an upvalue; it runs natively through the bridge)
    run = lua.execute('return load([[\nlocal K <const> = 1 and 2\nlocal function adder(k)\n'
                      '  local e = K\n  return function(x) return x + k end\nend\n'
                      'return function(n)\n  local s = 0\n  for i = 1, n do s = s + adder(i)(1) end\n'
                      '  return s\nend]])()')
    compiled = len(_luaback._compiled)
    assert lua.translate(run)(600) == run(600) == 600 + 600 * 601 // 2
    assert len(_luaback._auto[lua]) <= _luaback._AUTO_MAX
    assert len(_luaback._compiled) - compiled == 2    # run and the closure
    assert len(_luaback._auto[lua]) == _luaback._AUTO_MAX   # 600 closures were translated


def test_identity_across_translations():
    # a Lua table reached by a caller and by its (translated) callee is one
    # table for both; a closure made by translated code is one function in Lua
    # (mk and its closure: translated when on lines of their own; bridged
    # when on one line with nothing to tell them apart)
    for mk in ('local function mk()\n  return function() return 1 end\nend\n',
               'local function mk() return function() return 1 end end\n'):
        src = ('return load([[\nlocal T = {1}\nlocal function get() return T end\n' + mk
               + 'local made\nlocal function keep(g) made = made or g; return made == g end\n'
               'local function f()\n  local a = get()\n  local c = mk()\n'
               '  return a == T, rawequal(a, T), get() == get(), keep(c), keep(c)\nend\n'
               'return f]])()')
        native = tandem.LuaRuntime().execute(src)()       # (keep's upvalue: a fresh state each)
        lua = tandem.LuaRuntime()
        assert lua.translate(lua.execute(src))() == native == (True,) * 5, mk
