"""The bridge boundary of the Lua -> Python translation (issue 10): values
converted between a tandem.LuaRuntime and luart, the translated function's
entry, callees translated on first use, and the per-runtime caches
(docs/translation.md "Values at the boundary", "Callees"). Imported by
tandem._luaback, which re-exports its public names.
"""

import re
import types
import weakref
from typing import Any, Dict, Optional, Tuple

from . import luart
from .luart import _core as _lcore
from .luart import LuaTable, Multi, LuaError as _LError
from ._translate import TranslationError
from ._luaback import compile_ir_late

_lcore.runtime_file(__file__)


class Boundary:
    """Conversions between bridge values (a tandem.LuaRuntime's) and luart
    values, for one runtime.

    bridge -> luart: str -> bytes (UTF-8); a Lua table proxy -> a LuaTable
    view (an empty LuaTable whose metatable forwards __index, __newindex,
    __len, __pairs to the Lua table: type() is 'table', indexing, #, pairs,
    ipairs, table.* through the metamethods work on the live Lua table); a Lua
    function proxy -> a Python callable converting both ways.
    luart -> bridge: bytes -> str (bytes when not UTF-8, as the bridge gives
    Lua strings); a view -> its Lua table; a LuaTable made by translated code
    -> a NEW Lua table of the runtime with the same contents (converted
    recursively, sharing and cycles kept, metatable converted too); results:
    one value bare, Multi -> tuple, none -> None (as a bridge call gives).
    """

    def __init__(self, lua: Any) -> None:
        import tandem
        self.lua = lua
        self.lua_type = tandem.lua_type
        # shared by every translation of the runtime: the same Lua table is
        # the same view, the same translated function the same wrapper,
        # whichever translated function (a callee, a caller) it crosses in
        shared = _shared.get(lua)
        if shared is None:
            shared = _shared[lua] = ({}, weakref.WeakKeyDictionary(),
                                     weakref.WeakValueDictionary())
        self.views: Dict[int, Tuple[Any, LuaTable]] = shared[0]
        self.wrappers: Any = shared[1]
        self.bridged: Any = shared[2]   # Lua function -> its bridged wrapper, while used
        self.err_cls = tandem.LuaError
        self.lua_err = tandem.LuaError    # what a bridged Lua function raises
        self.G = lua.globals()

    def to_lt(self, v: Any) -> Any:
        c = v.__class__
        if c is str:
            return v.encode('utf-8')
        if v is None or c is bool or c is int or c is float or c is bytes:
            return v
        if c is types.FunctionType:
            # a translated function's wrapper coming back: the function itself
            # (so `made == g` holds after a round trip through Lua)
            return getattr(v, '__luart__', v)
        lt = self.lua_type(v)
        if lt == 'table':
            hit = self.views.get(id(v))
            if hit is not None and hit[0] is v:
                return hit[1]
            view = self.make_view(v)
            self.views[id(v)] = (v, view)
            return view
        if lt == 'function':
            done = _lcache.get(self.lua, {}).get(v)
            if done is not None:       # translated already: call its Python code
                return done.__luart__
            done = self.translate_callee(v)
            if done is not None:
                return done.__luart__
            w = self.bridged.get(v)
            if w is not None:          # the same Lua function, the same value
                return w
            fl, tl = self.from_lt, self.to_lt
            err_cls = self.lua_err

            def lua_fn(*args: Any) -> Any:
                try:
                    r = v(*[fl(a) for a in args])
                except err_cls as e:
                    # a Lua error of the bridged function: its value, as
                    # translated code's pcall/error expect it
                    raise _LError(tl(getattr(e, 'lua_value', str(e)))) from None
                return self.results_in(r)
            lua_fn.__lua_proxy__ = v   # type: ignore[attr-defined]
            self.bridged[v] = lua_fn
            return lua_fn
        return v

    def translate_callee(self, v: Any) -> Any:
        """A Lua function reaching translated code is translated too when it
        can be (issue 10: callees with source run as Python, once per
        runtime); None when it cannot (a C function, no source, a construct
        refused): it is then called through the bridge. A refusal is
        remembered per runtime."""
        refused = _refused.get(self.lua)
        if refused is None:
            refused = _refused[self.lua] = {}
        if v in refused:
            return None
        try:
            return translate_lua(self.lua, v, auto=True)
        except TranslationError as e:
            if len(refused) >= _AUTO_MAX:
                refused.pop(next(iter(refused)))
            refused[v] = str(e)
            return None

    def results_in(self, r: Any) -> Any:
        if r.__class__ is tuple:
            return Multi(self.to_lt(x) for x in r)
        return self.to_lt(r)

    def make_view(self, t: Any) -> LuaTable:
        view = LuaTable()
        mt = LuaTable()
        tl, fl = self.to_lt, self.from_lt
        mt.set(b'__index', lambda _s, k: tl(t[fl(k)]))

        def newindex(_s: Any, k: Any, v: Any) -> None:
            t[fl(k)] = fl(v)
        mt.set(b'__newindex', newindex)
        lua_len = self.lua.eval('function(t) return #t end')
        mt.set(b'__len', lambda _s, *a: lua_len(t))
        lua_next = self.G['next']

        def pairs(_s: Any, *a: Any) -> Any:
            def nxt(_t: Any, k: Any) -> Any:
                return self.results_in(lua_next(t, fl(k)))
            return Multi((nxt, view, None))
        mt.set(b'__pairs', pairs)
        mt.set(b'__view_of', _Box(t))
        view.meta = mt
        return view

    def from_lt(self, v: Any, memo: Optional[Dict[int, Any]] = None) -> Any:
        c = v.__class__
        if c is bytes:
            try:
                return v.decode('utf-8')
            except UnicodeDecodeError:
                return v
        if c is LuaTable:
            mt = v.meta
            if mt is not None:
                box = mt.hash.get(b'__view_of')
                if box.__class__ is _Box:
                    return box.v
            if memo is None:
                memo = {}
            got = memo.get(id(v))
            if got is not None:
                return got
            t = self.lua.table()
            memo[id(v)] = t
            k = None
            while True:
                r = _lcore.lua_next(v, k)
                if r is None or (r.__class__ is Multi and (not r or r[0] is None)):
                    break
                k, val = (r[0], r[1]) if r.__class__ is Multi else (r, None)
                t[self.key_out(k, memo)] = self.from_lt(val, memo)
            if mt is not None:
                self.G['setmetatable'](t, self.from_lt(mt, memo))
            return t
        lp = getattr(v, '__lua_proxy__', None)
        if lp is not None:
            return lp
        if c is types.FunctionType and v.__code__.co_filename in _lcore.CHUNKS:
            # a function of translated code leaving for Lua/Python: converting
            # wrapper (arguments to luart values, results as the bridge gives)
            w = self.wrappers.get(v)
            if w is None:
                w = self.wrappers[v] = self.entry(v)
            return w
        return v

    def entry(self, pf: Any, twin: Any = None, g: Any = None) -> Any:
        """The function the bridge side calls: twin (the generated
        <name>_entry, converting in its own body) when there is one, else a
        wrapper around pf."""
        tl, out, plain = self.to_lt, self.results_out, _PLAIN
        if twin is not None:
            err_cls = self.err_cls

            def err(e: Any) -> None:
                v = e.value
                if v.__class__ is not bytes:
                    v = _lcore.tostring(v)
                raise err_cls(v.decode('utf-8', 'replace')) from None
            g.update(_PLAIN=_PLAIN, _TL=tl, _OUT=out, _ERR=err, _LError=_LError)
            twin.__name__ = twin.__qualname__ = pf.__name__
            twin.__luart__ = pf   # type: ignore[attr-defined]
            return twin

        def entry(*args: Any) -> Any:
            try:
                for a in args:
                    if a.__class__ not in plain:
                        args = tuple([tl(x) for x in args])
                        break
                r = pf(*args)
                if r.__class__ in plain and r.__class__ is not bytes:
                    return r
                return out(r)
            except _LError as e:
                v = e.value
                if v.__class__ is not bytes:
                    v = _lcore.tostring(v)
                raise self.err_cls(v.decode('utf-8', 'replace')) from None
        entry.__name__ = pf.__name__
        entry.__qualname__ = pf.__name__
        entry.__luart__ = pf   # type: ignore[attr-defined]
        return entry

    def key_out(self, k: Any, memo: Dict[int, Any]) -> Any:
        if k is _lcore._TRUEK:
            return True
        if k is _lcore._FALSEK:
            return False
        return self.from_lt(k, memo)

    def results_out(self, r: Any) -> Any:
        if r.__class__ is Multi:
            if not r:
                return None
            if len(r) == 1:
                return self.from_lt(r[0])
            return tuple(self.from_lt(x) for x in r)
        return self.from_lt(r)

    def env(self) -> LuaTable:
        """luart's standard library, then the runtime's globals: reads fall
        through to lua.globals() at call time, new globals are written there."""
        g = luart.new_env()
        mt = LuaTable()
        G = self.G
        tl, fl = self.to_lt, self.from_lt
        mt.set(b'__index', lambda _s, k: tl(G[fl(k)]))

        def newindex(_s: Any, k: Any, v: Any) -> None:
            G[fl(k)] = fl(v)
        mt.set(b'__newindex', newindex)
        g.meta = mt
        return g


_PLAIN = frozenset((int, float, bool, type(None)))


class _Box:
    """Holds a bridge object inside a metatable (not a Lua value)."""
    __slots__ = ('v',)

    def __init__(self, v: Any) -> None:
        self.v = v


_lcache: Any = weakref.WeakKeyDictionary()    # runtime -> {lua function: entry}
_sources: Any = weakref.WeakKeyDictionary()   # entry -> generated Python source
_refused: Any = weakref.WeakKeyDictionary()   # runtime -> {lua function: why not translated}
_auto: Any = weakref.WeakKeyDictionary()      # runtime -> {lua function: entry}, callees
_shared: Any = weakref.WeakKeyDictionary()    # runtime -> (views, wrappers, bridged) of its Boundaries
_AUTO_MAX = 512         # automatic translations and refusals kept per runtime (oldest go)


def translate_lua(lua: Any, fn: Any, auto: bool = False) -> Any:
    """LuaRuntime.translate(lua_fn): a Python function running lua_fn's
    translation (interned: the same function twice gives the same result).
    auto: a callee reaching translated code, kept in the runtime's bounded
    cache of automatic translations (_auto: a closure made anew each time
    must not pile up); an explicit translation of it moves it to _lcache."""
    import tandem
    per = _lcache.get(lua)
    if per is None:
        per = _lcache[lua] = {}
    hit = per.get(fn)
    if hit is not None:
        return hit
    autos = _auto.get(lua)
    if autos is None:
        autos = _auto[lua] = {}
    hit = autos.get(fn)
    if hit is not None:
        if not auto:
            per[fn] = autos.pop(fn)
        return hit
    source_ir = getattr(lua, '_source_ir', None)
    if source_ir is None:
        raise TranslationError('the Lua front end (TDM_OP_SOURCEIR) is not available '
                               'in this build')
    text, acc = source_ir(fn)
    if text is None:
        text, acc = _remembered_source(lua, source_ir, fn, str(acc))
    if auto and len(autos) >= _AUTO_MAX:
        autos.pop(next(iter(autos)))
    return wrap_translated(lua, fn, text, acc, autos if auto else per, tandem.LuaError)


_NOSRC = re.compile(r"source not available \(chunk name '=(.*)'\)$")


def _remembered_source(lua: Any, source_ir: Any, fn: Any, why: str) -> Tuple[Any, Any]:
    """A chunk lua.execute/lua.eval loaded ("=<lua:N>": Lua keeps no source)
    whose text the runtime remembered: the front end reads that text (an
    eval chunk is the expression after "return "); otherwise the refusal."""
    m = _NOSRC.search(why)
    getsrc = getattr(lua, '_chunk_source', None)
    src = getsrc(m.group(1)) if m is not None and getsrc is not None else None
    if src is None:
        raise TranslationError(why)
    text, acc = source_ir(fn, src)
    if text is None:
        text2, acc2 = source_ir(fn, 'return ' + src)
        if text2 is not None:
            return text2, acc2
    if text is None:
        raise TranslationError(str(acc))
    return text, acc


def wrap_translated(lua: Any, fn: Any, text: Any, acc: Any, per: Dict[Any, Any],
                    err_cls: Any) -> Any:
    bd = Boundary(lua)

    def uv(i: int, *v: Any) -> Any:
        if v:
            acc(i + 1, bd.from_lt(v[0]))
            return None
        return bd.to_lt(acc(i + 1))
    if isinstance(text, bytes):
        text = text.decode('utf-8')
    pf, src, fill = compile_ir_late(text, bd.env(), uv if acc is not None else None)
    bd.err_cls = err_cls
    entry = bd.entry(pf, fill.entry, fill.globals)
    bd.wrappers[pf] = entry
    per[fn] = entry
    _sources[entry] = src
    try:
        fill()      # registered first: a fixed upvalue may hold fn itself
    except BaseException:
        del per[fn]
        raise
    return entry


def translated_source(fn: Any) -> Optional[str]:
    return _sources.get(fn)
