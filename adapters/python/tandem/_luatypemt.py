"""The runtime's metatables of whole types (numbers, booleans, nil,
functions) in translated code's operations (docs/translation.md "Values
at the boundary").

Lua 5.4 keeps one metatable per basic type (`debug.setmetatable(10, mt)`
gives every number `mt`). Its events run only where an operation on such a
value has no meaning of its own: indexing a number (`(10)[3]`), its length
(`#3.45`), calling it, arithmetic with an operand that is not a number
(`10 + nil`), comparing or concatenating it with another type. luart's
operations reach exactly those places through `luart._core.metamethod`,
which asks `luart._core.TYPEMT` (installed here) for such a value: the
runtime of the generated code running the operation (the nearest frame of
generated code names it, as for the string metatable, _luastrmt) is asked
for the metatable of the value's type (one crossing, on those error paths
only). `__tostring` of such a metatable would change `tostring(10)`, which
luart answers by itself: translated code setting one, or writing
`__tostring`/`__name` into one, is refused (_luadebug, _luabound).
"""

import sys
from typing import Any

from . import _luastrmt
from ._perrt import PerRuntime
from .luart import _core as _lcore

# runtime -> the probe Lua function of the runtime
_probe: Any = PerRuntime('typemt')

# a value of each type Lua gives one metatable to: the probe's argument
_PROBE_LUA = ('local dbg = rawget(_ENV, "debug")\n'
              'local getmt = type(dbg) == "table" and rawget(dbg, "getmetatable") or nil\n'
              'local samples = {number = 0, boolean = false, ["function"] = print}\n'
              'return function(kind)\n'
              '  if getmt == nil then return nil end\n'
              '  if kind == "nil" then return getmt(nil) end\n'
              '  return getmt(samples[kind])\n'
              'end')


_KINDS = frozenset(('number', 'boolean', 'nil', 'function'))


def kind_of(v: Any) -> Any:
    """The Lua type whose metatable v's is ('number', 'boolean', 'nil',
    'function'), or None (a table, a string, a userdata, a coroutine: their
    metatables are found elsewhere)."""
    k = _lcore.type_name(v)
    return k if k in _KINDS else None


def for_runtime(bd: Any) -> Any:
    """The type-metatable lookup of the runtime of the Boundary bd, bound in
    its translations' generated code (_lualive.Live.names: _TYPEMT_RT):
    v -> the metatable (as translated code sees it) or None."""
    # made now (the first translation), not at the first use: the probe
    # reads the debug library through the globals, which the program may
    # change later (a program's `type = nil` made it fail)
    probe = bd.lua_chunk(_probe, _PROBE_LUA, name="=(tandem probe)")

    def lookup(v: Any) -> Any:
        kind = kind_of(v)
        if kind is None:
            return None
        mt = probe(kind)
        return None if mt is None else bd.to_lt(mt)
    return lookup


def is_type_metatable(bd: Any, t: Any) -> bool:
    """Whether the Lua table t (a proxy) is the runtime's metatable of
    numbers, booleans, nil or functions (of the runtime of Boundary bd)."""
    probe = _probe.get(bd.lua)
    return probe is not None and any(probe(k) is t for k in _KINDS)


def typemt(v: Any) -> Any:
    """luart._core.TYPEMT: the metatable of v's type in the runtime whose
    translated code runs the operation, or None (no runtime)."""
    lookup = _luastrmt.nearest('_TYPEMT_RT', sys._getframe(2))
    return None if lookup is None else lookup(v)
