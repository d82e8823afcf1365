"""Weak tables in translated Lua (luart/lweak.py, docs/luart.md "Weak
tables"): after collectgarbage(), the entries whose weak key or value is
gone are gone, as natively; each case natively and translated in separate
runtimes, compared by value and type. Before, `__mode` was ignored (weak
tables held their entries: a cache never emptied, and a loop waiting for a
collection never ended). The objects are made and dropped by other calls:
a translated function's temporaries hold what its own expressions made
until it returns (docs/luart.md)."""

import pytest

import tandem

from test_luaback_fast import both


CASES = {
    'weak_keys': """local function fill(c, keep) c[keep] = 1 c[{}] = 2 c['s'] = 3 end
return function()
  local cache = setmetatable({}, {__mode = 'k'})
  local keep = {}
  fill(cache, keep)
  collectgarbage()
  local n = 0 for k, v in pairs(cache) do n = n + 1 end
  return n, cache[keep], cache.s
end""",
    'weak_values': """local function fill(t, keep)
  t[1] = keep t[2] = {} t[3] = keep t[4] = {} t.x = {} t.y = keep t.z = 'str'
  t[5] = function() end t[6] = 7
end
return function()
  local t = setmetatable({}, {__mode = 'v'})
  local keep = {}
  fill(t, keep)
  collectgarbage()
  return t[1] == keep, t[2], t[3] == keep, t[4], t.x, t.y == keep, t.z, t[5], t[6]
end""",
    'weak_values_border': """local function fill(t) for i = 1, 5 do t[i] = {} end end
return function()
  local t = setmetatable({}, {__mode = 'v'})
  fill(t)
  collectgarbage()
  return #t, next(t)
end""",
    'strong_without_mode': """local function fill(t) t[{}] = 1 t[1] = {} end
return function()
  local t = setmetatable({}, {__mode = 'x'})
  local u = {}
  fill(t) fill(u)
  collectgarbage()
  local n = 0 for _ in pairs(t) do n = n + 1 end
  for _ in pairs(u) do n = n + 1 end
  return n
end""",
    'loop_until_collected': """local function mk() return setmetatable({{}}, {__mode = 'v'}) end
local function alive(x) return x[1] ~= nil end
return function()
  local x = mk()
  local n = 0
  while alive(x) do n = n + 1 collectgarbage() if n > 5 then break end end
  return n
end""",
    'traversal_goes_on': """local function fill(t, keep)
  for i = 1, 10 do t['k' .. i] = (i % 2 == 0) and keep or {} end
end
return function()
  local t = setmetatable({}, {__mode = 'v'})
  local keep = {}
  fill(t, keep)
  local seen = {}
  for k, v in pairs(t) do
    if k == 'k2' then collectgarbage() end
    seen[#seen + 1] = k
  end
  local left = 0 for _ in pairs(t) do left = left + 1 end
  return left, #seen >= 5
end""",
    'step_collects': """local function fill(c) c[{}] = true end
return function()
  local c = setmetatable({}, {__mode = 'k'})
  fill(c)
  collectgarbage('step')
  return next(c)
end""",
    'closures_and_coroutines': """local function fill(t)
  t.f = function() return 1 end
  t.co = coroutine.create(function() end)
end
return function()
  local t = setmetatable({}, {__mode = 'v'})
  fill(t)
  collectgarbage()
  return t.f, t.co
end""",
    # (gc.lua 12-16) the mode switches report the previous mode
    'modes_and_running': """return function()
  local a = collectgarbage('incremental')
  local b = collectgarbage('generational')
  local c = collectgarbage('generational')
  local d = collectgarbage('incremental')
  collectgarbage('stop')
  local r1 = collectgarbage('isrunning')
  collectgarbage('restart')
  return a, b, c, d, r1, collectgarbage('isrunning')
end""",
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_weak(name):
    both(CASES[name], calls=[()], separate=True)


def test_a_lua_table_in_a_weak_table_is_kept():
    # a view (a table of the runtime) lives as long as Lua holds it: kept
    lua = tandem.LuaRuntime()
    lua.execute("KEPT = {}")
    f = lua.translate(lua.execute("""local function fill(t) t[1] = KEPT end
    return function()
      local t = setmetatable({}, {__mode = 'v'})
      fill(t)
      collectgarbage()
      return t[1] == KEPT
    end"""))
    assert f() is True
