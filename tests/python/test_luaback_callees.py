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
local function uses_env() local e = _ENV; return e ~= nil end
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
    per = _luaback._lcache[lua]
    assert M.mk in per
    assert lua.translate(M.mk) is per[M.mk]


def test_globals_fields_and_c_functions(rt):
    lua, M = rt
    want = M.calls(2.5)
    assert want == (6.25, 5.0, '002.5', True)
    assert lua.translate(M.calls)(2.5) == want
    per = _luaback._lcache[lua]
    assert lua.eval('square') in per and M.helpers.twice in per
    # string.format is a C function, uses_env is refused (_ENV as a value):
    # both are called through the bridge, the refusal is remembered
    refused = _luaback._refused[lua]
    assert M.uses_env in refused and '_ENV used as a value' in refused[M.uses_env]
    assert lua.eval('string.format') in refused


def test_table_made_by_a_callee_is_a_translated_table(rt):
    lua, M = rt
    assert lua.translate(M.table_from_callee)() == M.table_from_callee() == (7, True, 'table')


def test_callee_translated_once_for_two_callers():
    lua = tandem.LuaRuntime()
    A, B = lua.execute('return load([[\nlocal function h(x) return x + 1 end\n'
                       'local function a(x) return h(x) end\n'
                       'local function b(x) return h(h(x)) end\nreturn a, b]])()')
    assert lua.translate(A)(1) == 2 and lua.translate(B)(1) == 3
    per = _luaback._lcache[lua]
    hs = [fn for fn in per if fn not in (A, B)]
    assert len(hs) == 1
