"""A table made by translated code whose metatable is a table of the Lua
runtime (`setmetatable({}, mt)` where mt is a native Lua table reached
through the bridge: a view in translated code). Its metamethods are that
table's fields: luart read the view's own (empty) fields and ignored them
all, so `#t` gave 0 instead of __len's 42, `t.k` nil instead of __index's,
`tostring(t)` an address, `a == b` false, and `..`, `+`, `<`, calls raised.
luart's lookups now read a view metatable's fields through it
(_core.mtfield). Natively and translated, each metamethod."""

import pytest

import tandem

SRC = """
local mt = {__concat = function(a, b) return "C" end, __add = function(a, b) return "A" end,
  __index = function(t, k) return "I" .. k end, __len = function() return 42 end,
  __tostring = function() return "TS" end, __call = function(self, x) return "call" .. x end,
  __eq = function() return true end, __lt = function() return true end,
  __le = function() return false end, __unm = function() return "U" end,
  __newindex = function(t, k, v) rawset(t, k, v * 2) end, __name = "MyType",
  __metatable = "locked", __close = function() end}
local cls = {}
cls.__index = cls
function cls.hello(self) return "hello " .. self.name end
local function T(v) return setmetatable({v = v}, mt) end
local function C(n) return setmetatable({name = n}, cls) end
return function(k)
  local a, b = T(1), T(2)
  if k == 1 then return a .. b elseif k == 2 then return a + b elseif k == 3 then return a.zz
  elseif k == 4 then return #a elseif k == 5 then return tostring(a) elseif k == 6 then return a(5)
  elseif k == 7 then return a == b elseif k == 8 then return a < b
  elseif k == 9 then return a <= b elseif k == 10 then return -a
  elseif k == 11 then a.w = 4; return rawget(a, "w")
  elseif k == 12 then return getmetatable(a)
  elseif k == 13 then return pcall(setmetatable, a, {})
  elseif k == 14 then return C("x"):hello()
  elseif k == 15 then return a .. "s" .. b .. 1 .. a .. "t"
  elseif k == 16 then return string.format("%s", a)
  end
end
"""


@pytest.mark.parametrize("k", range(1, 17))
def test_metamethods_of_a_native_metatable(k):
    lua = tandem.LuaRuntime()
    f = lua.execute(SRC)
    pf = lua.translate(f)

    def run(g):
        try:
            return ("ok", g(k))
        except tandem.LuaError as e:
            return ("err", str(e))
    assert run(pf) == run(f)
