"""A userdata of the runtime reached by translated code (a file handle such
as ``io.stdout``, an object of a C module): docs/translation.md "Values at
the boundary".

It is a ``LuaUserdata``: ``type()`` gives ``'userdata'`` and its metatable
(luart reads a userdata's metatable from its class, ``lua_meta``) is the
view of the userdata's own Lua metatable, so indexing, method calls,
``tostring``, operators, comparisons, ``__name`` in messages and
``getmetatable`` run what native Lua runs, through the bridge. One class
per metatable (per runtime), one wrapper per userdata while it lives
(``rawequal`` and table keys see one value); given back to Lua or Python,
it is the userdata itself (``__lua_proxy__``).
"""

import collections
import weakref
from typing import Any, Dict, List

from .luart import _core as _lcore
from ._perrt import PerRuntime

# runtime -> (the raw-metatable reader, {id(metatable view): (class, view)},
#             {id(userdata proxy): its wrapper}, the last wrappers made,
#             the classes made) of Boundary.userdata
_KEEP = 16      # wrappers kept alive after their last use (io.write returns
                # its file: a loop would make a wrapper per call otherwise)
_udata: Any = PerRuntime('udata')

# debug.getmetatable reads a userdata's metatable past __metatable
_RAWMT_LUA = ('local dbg = rawget(_ENV, "debug")\n'
              'local getmt = type(dbg) == "table" and rawget(dbg, "getmetatable") or nil\n'
              'return function(u)\n'
              '  if getmt == nil then return false end\n'
              '  return getmt(u)\n'
              'end')


class _UserdataType(type):
    """The type of the per-metatable classes: a class's ``lua_meta`` is read
    through a weak reference, so luart's registry of userdata classes
    (``USERDATA_EQ``, a module global) does not hold the runtime alive; the
    runtime's own state holds the views (``_state``)."""

    @property
    def lua_meta(cls) -> Any:
        ref = cls.__dict__.get('_meta_ref')
        return ref() if ref is not None else None


class LuaUserdata(metaclass=_UserdataType):
    """A userdata of the runtime in translated code (see the module)."""
    __slots__ = ('__lua_proxy__', '__weakref__')

    def __init__(self, v: Any) -> None:
        self.__lua_proxy__ = v


def _forget(made: List[Any]) -> None:
    # the runtime is gone: its classes leave luart's registry
    _lcore.USERDATA_EQ.difference_update(made)


def _state(bd: Any) -> Any:
    st = _udata.get(bd.lua)
    if st is None:
        made: List[Any] = []     # the classes (not their views: see _UserdataType)
        st = _udata[bd.lua] = (bd.lua.execute(_RAWMT_LUA), {}, weakref.WeakValueDictionary(),
                               collections.deque(maxlen=_KEEP), made)
        weakref.finalize(bd.lua, _forget, made)
    return st


def userdata(bd: Any, v: Any) -> Any:
    """The LuaUserdata of the userdata proxy v, for the Boundary bd."""
    rawmt, classes, alive, last, made = _state(bd)
    w = alive.get(id(v))
    if w is not None and w.__lua_proxy__ is v:
        return w
    mt = rawmt(v)
    if mt is False:
        raise _lcore.Refusal(
            "a userdata (%s) reached translated code in a runtime without the debug "
            "library: its metatable cannot be read" % (bd.lua.globals().tostring(v),))
    meta = bd.to_lt(mt) if mt is not None else None
    key = id(meta)
    entry = classes.get(key)
    if entry is not None and entry[1] is meta:
        cls = entry[0]
    else:
        # the state holds the view; the class refers to it weakly
        cls = _UserdataType('LuaUserdata', (LuaUserdata,), {
            '__slots__': (), '_meta_ref': weakref.ref(meta) if meta is not None else None})
        classes[key] = (cls, meta)
        made.append(cls)
        # two distinct userdata compare with their __eq, as in Lua
        _lcore.USERDATA_EQ.add(cls)
    w = cls(v)
    alive[id(v)] = w
    last.append(w)
    return w


def classes_of(lua: Any) -> Dict[int, Any]:
    """The wrapper classes made for the runtime lua (tests)."""
    st = _udata.get(lua)
    return st[1] if st is not None else {}
