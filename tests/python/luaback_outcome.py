"""What the Lua -> Python translation tests of the luaback/*.lua samples
(test_luaback_cofast, _goto, _libcache, _yield) share: the outcome of a call,
native or translated, in a form the two can be compared in; and (with
test_luaback_boundary and _pyops) a Lua function giving the outcome of a
pcall as a text."""

import re

import tandem

# Lua source of a local function show(ok, ...): the results of a pcall as
# one text (ok, the count, then type:tostring of each value), for chunks
# that run natively and translated and compare the texts
LUA_SHOW = r'''local function show(ok, ...)
  local out = {tostring(ok), tostring(select('#', ...))}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    out[#out + 1] = type(v) .. ':' .. tostring(v)
  end
  return table.concat(out, ' ')
end
'''


def norm(v):
    """v as (type name, value), a tuple of results item by item: equal
    values of different types (1 and 1.0, b'1' and 1) stay different."""
    if isinstance(v, tuple):
        return tuple(norm(x) for x in v)
    return (type(v).__name__, v)


def outcome(f, args):
    """('ok', norm(f(*args))), or ('err', the first line of the LuaError's
    message with addresses written ADDR)."""
    try:
        return ('ok', norm(f(*args)))
    except tandem.LuaError as e:
        return ('err', re.sub(r'0x[0-9a-f]+', 'ADDR', str(e)).split('\n')[0])
