"""The table library's lengths through __len (luaL_len: lua_tointegerx of
the result): an integral float or a numeric string is the integer (2.0 and
"2" are 2), anything else "object length is not an integer". luart took
only ints: table.concat/insert/remove/sort raised where Lua goes on, and
table.unpack leaked Python's TypeError (`range()` of a float, `>` between
an int and bytes). Each chunk runs natively and translated."""

import pytest

import tandem
from luaback_outcome import outcome

SRC = """
return function(len)
  local function t() return setmetatable({10, 20, 30, 40}, {__len = function() return len end}) end
  local out = {}
  local function log(...)
    local p = table.pack(...)
    for i = 1, p.n do p[i] = tostring(p[i]) end
    out[#out + 1] = table.concat(p, ' ', 1, p.n)
  end
  log(pcall(table.concat, t(), ','))
  log(pcall(function() return select('#', table.unpack(t())) end))
  local a = t()
  log(pcall(table.insert, a, 99), rawget(a, 3), rawget(a, 4))
  local b = t()
  log(pcall(table.remove, b), rawget(b, 2), rawget(b, 3))
  log(pcall(table.sort, t()))
  return table.concat(out, ' | ')
end
"""


@pytest.mark.parametrize("length", [2, 2.0, "2", " 3 ", "0x2", 2.5, "2.5", "x", True, 0, -1.0])
def test_len_results_in_the_table_library(length):
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    load = 'return function(s) return load(s, "=lenmeta")() end'
    native = native_rt.execute(load)(SRC)
    translated = xl_rt.translate(xl_rt.execute(load)(SRC))
    assert outcome(translated, (length,)) == outcome(native, (length,))
