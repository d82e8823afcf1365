"""The runtime's string metatable in translated code's string arithmetic
(docs/translation.md "Values at the boundary").

Lua 5.4 does arithmetic on strings through the string metatable: the string
library puts C functions there (`__add` ... `__unm`) that convert the
operands with `tonumber` and fall back on the other operand's metamethod,
and puts none for the bitwise events (`"3" & 1` is an error). luart does
the same by itself, which is exact while the runtime's string metatable
holds the library's functions. A program may change them (Lua's
`bwcoercion.lua` adds `__band` ...; a program may replace `__add`):
luart's arithmetic and bitwise operators with a string operand then ask
(`luart._core.STRMT`, installed here) the runtime of the crossing running
now for its handler, and run it as Lua would.

`strmt(ev)`: None when luart's own behaviour is the runtime's (no runtime:
no frame of a runtime's generated code runs the operation, or the handler
is the library's: a C function for an arithmetic event, none for a bitwise one);
False when the runtime has no handler where the library has one (the
string is not coerced: Lua's error); else the handler, as translated code
calls it. A C function other than the library's in an arithmetic slot is
taken for the library's (Lua code cannot tell them apart either without
the debug library's addresses). Read at each such operation (one crossing:
only arithmetic with a string operand pays it).
"""

import sys
from typing import Any

from ._perrt import PerRuntime

# runtime -> the probe Lua function of the runtime
_probe: Any = PerRuntime('strmt')

_ARITH = frozenset((b'__add', b'__sub', b'__mul', b'__mod', b'__pow', b'__div', b'__idiv',
                    b'__unm'))

# (kind, handler) of event ev in the string metatable (raw, past
# __metatable): 0 none, 1 a C function, 2 something else
_PROBE_LUA = ('local dbg = rawget(_ENV, "debug")\n'
              'local getmt = type(dbg) == "table" and rawget(dbg, "getmetatable") or nil\n'
              'local getinfo = type(dbg) == "table" and rawget(dbg, "getinfo") or nil\n'
              'return function(ev)\n'
              '  local mt = getmt and getmt("") or getmetatable("")\n'
              '  local h = type(mt) == "table" and rawget(mt, ev) or nil\n'
              '  if h == nil then return 0, nil end\n'
              '  if type(h) == "function" and getinfo and getinfo(h, "S").what == "C" then\n'
              '    return 1, nil\n'
              '  end\n'
              '  return 2, h\n'
              'end')


def for_runtime(bd: Any) -> Any:
    """The handler lookup of the runtime of the Boundary bd (see the
    module), bound in its translations' generated code
    (_lualive.Live.names: _STRMT_RT)."""
    # made now (the first translation), not at the first use: the probe
    # reads the debug library through the globals, which the program may
    # change later (a program's `type = nil` made it fail)
    probe = bd.lua_chunk(_probe, _PROBE_LUA, name="=(tandem probe)")

    def lookup(ev: bytes) -> Any:
        kind, h = probe(ev)
        if ev in _ARITH:
            if kind == 1:
                return None
            if kind == 0:
                return False
        elif kind == 0:
            return None
        return bd.to_lt(h)
    return lookup


def strmt(ev: bytes) -> Any:
    """luart._core.STRMT: the lookup of the runtime whose translated code
    runs the operation (the nearest frame of generated code names it), or
    None (no runtime: luart's own behaviour)."""
    lookup = nearest('_STRMT_RT', sys._getframe(2))
    return None if lookup is None else lookup(ev)


def nearest(key: str, f: Any) -> Any:
    """The value the nearest frame of a runtime's generated code, from f
    outwards, binds to key (_lualive.Live.names), or None."""
    while f is not None:
        v = f.f_globals.get(key)
        if v is not None:
            return v
        f = f.f_back
    return None
