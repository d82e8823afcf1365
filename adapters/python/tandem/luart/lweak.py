"""Weak tables (`__mode`): what a collection removes from them.

A table whose metatable has a string `__mode` containing 'k' or 'v' when
`setmetatable` gives it (Lua reads the mode at each collection; a mode set
on the metatable later is not seen: docs/luart.md) is remembered here.
`collectgarbage("collect")` and `("step")` sweep them as a Lua cycle does:
the weak parts of their entries are held only weakly while Python's
collector runs, and an entry whose weak key or value was freed is gone
afterwards; the others are back in their order (a `next` traversal of the
table goes on). Only luart's own objects are judged: tables that are not
views, translated functions and coroutines; strings, numbers and booleans
are values (never removed, as in Lua), and the objects of another runtime
reached through a bridge (a view, a bridged function, a userdata) are kept:
their life is decided elsewhere. A weak key whose value refers back to it
stays (Lua 5.4's tables are ephemerons: Lua would remove it).
"""

import gc
import types
import weakref

from ._core import LuaTable, mtfield

_WEAK = weakref.WeakSet()       # the tables setmetatable gave a weak mode
_FUNC = types.FunctionType


def note(t, mt):
    """setmetatable(t, mt): remember t when mt makes it weak."""
    if mt is not None:
        m = mtfield(mt, b'__mode')
        if m.__class__ is bytes and (b'k' in m or b'v' in m):
            _WEAK.add(t)


def _collectable(v):
    c = v.__class__
    if c is LuaTable:
        mt = v.meta
        return mt is None or mt.hash.get(b'__view_of') is None
    if c is _FUNC:
        return getattr(v, '__lua_proxy__', None) is None
    return getattr(c, '_is_lua_thread', False)


class _Gone:
    """A weak part of an entry while the collector runs."""
    __slots__ = ('r',)

    def __init__(self, v):
        self.r = weakref.ref(v)


def _hold(v, weak):
    return _Gone(v) if weak and _collectable(v) else v


def _back(v):
    """The value held, or _Gone when it was freed."""
    if v.__class__ is _Gone:
        o = v.r()
        return _Gone if o is None else o
    return v


def collect():
    """A full cycle: the weak tables swept around Python's collector."""
    held = []
    for t in list(_WEAK):
        mt = t.meta
        m = mtfield(mt, b'__mode') if mt is not None else None
        if m.__class__ is not bytes:
            continue
        wk, wv = b'k' in m, b'v' in m
        if not (wk or wv):
            continue
        arr = None
        if wv and any(x is not None and _collectable(x) for x in t.arr):
            arr = [_hold(x, True) for x in t.arr]
            t.arr[:] = [None] * len(arr)
        items = None
        h = t.hash
        if any((wk and _collectable(k)) or (wv and _collectable(v)) for k, v in h.items()):
            items = [(_hold(k, wk), _hold(v, wv)) for k, v in h.items()]
            t._it = None        # (a traversal's snapshot holds the keys)
            h.clear()
        if arr is not None or items is not None:
            held.append((t, arr, items))
    gc.collect()
    for t, arr, items in held:
        if arr is not None:
            a = [_back(x) for x in arr]
            a = [None if x is _Gone else x for x in a]
            while a and a[-1] is None:
                a.pop()
            t.arr[:] = a
        if items is not None:
            h = t.hash
            for k, v in items:
                k = _back(k)
                v = _back(v)
                if k is not _Gone and v is not _Gone:
                    h[k] = v
