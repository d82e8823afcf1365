"""What the Lua -> Python translation tests of the luaback/*.lua samples
(test_luaback_cofast, _goto, _libcache, _yield) share: the outcome of a call,
native or translated, in a form the two can be compared in."""

import re

import tandem


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
