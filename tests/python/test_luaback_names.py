"""Lua names that are IR words (tandem/_luaback.py read_ir): `local call`,
`for set, v in ...`, `local index = function ... end`. The names a `local`
or generic `for` binds are a list in the IR; walks over the tree took
`(local 1 (call x) ...)`'s names for a node `(call x)` and crashed with an
IndexError (found by translating the Lua authors' vararg.lua). Each chunk is
translated whole and run natively and translated."""

import pytest

import tandem

WORDS = ["call", "def", "forin", "fornum", "index", "lbin", "lun", "set", "method", "global",
         "func", "lambda", "str", "paren", "free", "vararg", "concat", "len", "x"]

SRC = """
local {h} = function(a, b) return a + b end
local {h}c = {h}(1, 2)
local {h}2, {h}3 = 2, 3
local function f({h}, q)
  local t = {{}}
  for {h}4, v in ipairs({{10, 20}}) do t[#t + 1] = {h}4 + v end
  for {h}5 = 1, 2 do t[#t + 1] = {h}5 end
  for {h}, w in pairs({{a = 1}}) do t[#t + 1] = {h} .. w end
  return {h} + q + #t, t
end
local function {h}6(a) return a * 2 end
local {h}7 <const> = 5
return function(x)
  local a, b = f(x, {h}c)
  return a + {h}2 + {h}3 + {h}6(x) + {h}7, table.concat(b, ",")
end
"""


@pytest.mark.parametrize("word", WORDS)
def test_ir_words_as_lua_names(word):
    lua = tandem.LuaRuntime()
    chunk = lua.eval("function(s) return load(s) end")(SRC.format(h=word))
    native = chunk()(3)
    translated = lua.translate(chunk)()(3)
    assert translated == native == (27, "11,22,1,2,a1")
