"""Long `..` chains (tandem/_luaback.py concat_chain, luart lemit._concatv,
_gconcatv): Lua runs `a .. b .. c ...` as one OP_CONCAT; six operands or
more are one call here (as nested operations, 150 operands nested past
Python's parser: the Lua authors' heavy.lua). Natively and translated:
strings, numbers, __concat metamethods (the order of their calls, their
arguments), errors naming the operand Lua names, a __concat that yields
inside a coroutine."""

import pytest

import tandem

from test_luaback_fast import both

CHAIN = """
local log = {}
local mt = {__concat = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  log[#log + 1] = tostring(x) .. "+" .. tostring(y)
  return {v = tostring(x) .. tostring(y)}
end}
local function T(v) return setmetatable({v = v}, mt) end
up = "U"
return function(kind, a, b)
  log = {}
  local r
  local l1, l2 = "x", 7
  if kind == 1 then r = "a" .. l1 .. l2 .. 1.5 .. "b" .. -3 .. a .. b
  elseif kind == 2 then r = "a" .. T("t") .. "b" .. "c" .. l2 .. T(2) .. "d"
  elseif kind == 3 then r = T(1) .. T(2) .. T(3) .. T(4) .. T(5) .. T(6)
  elseif kind == 4 then r = "a" .. l1 .. a .. "b" .. l1 .. "c"
  elseif kind == 5 then r = "a" .. l1 .. up .. b .. l1 .. "c"
  elseif kind == 6 then r = l1 .. l1 .. l1 .. l1 .. l1 .. {} .. l1
  elseif kind == 7 then r = ("a" .. l1) .. l1 .. (l1 .. a) .. l1 .. l1 .. "z"
  elseif kind == 8 then r = l1 .. l1 .. l1 .. l1 .. l1 .. math.huge .. 2^63 .. a
  end
  if type(r) == "table" then r = r.v end
  return r, table.concat(log, " ")
end
"""


@pytest.mark.parametrize("kind,a,b", [
    (1, "A", "B"), (1, 3, 4.0), (1, None, "B"), (1, "A", True),
    (2, "A", "B"), (3, 0, 0), (4, "A", "B"), (4, None, "B"), (4, {}, 1),
    (5, "A", "B"), (5, "A", None), (6, 0, 0), (7, "A", 1), (7, None, 1),
    (8, "A", 0), (8, -0.0, 0)])
def test_long_chain_as_lua(kind, a, b):
    lua = tandem.LuaRuntime()
    args = [lua.table() if isinstance(x, dict) else x for x in (kind, a, b)]
    src, _ = both(CHAIN, *args, lua=lua)
    assert "_concatv(" in src


def test_heavy_chain_of_150_operands():
    body = " .. ".join(["a"] * 150)
    src, _ = both("return function(a) return %s end" % body, calls=[("xy",), (1,), (None,)])
    assert "_concatv(" in src and "(_t3 + _t4)" not in src


def test_yielding_concat_in_a_coroutine():
    both("""
      local mt = {__concat = function(a, b)
        local x = coroutine.yield(type(a) == "table" and "T" or a)
        return x .. (type(b) == "table" and "T" or b)
      end}
      return function(n)
        local t = setmetatable({}, mt)
        local co = coroutine.wrap(function()
          return "a" .. "b" .. t .. "c" .. "d" .. n .. "e"
        end)
        local out = {co()}
        out[#out + 1] = co("Y")
        return table.concat(out, "|")
      end""", calls=[(1,), (2.5,)])
