"""The bridge boundary of the Lua -> Python translation (issue 10): values
converted between a tandem.LuaRuntime and luart, the translated function's
entry, callees translated on first use, and the per-runtime caches
(docs/translation.md "Values at the boundary", "Callees"). Imported by
tandem._luaback, which re-exports its public names.
"""

import _thread
import re
import sys
import types
import weakref
from typing import Any, Dict, Optional, Tuple

from . import _tandem, luart
from .luart import _core as _lcore
from .luart import lemit as _lemit
from .luart import lcoro as _lcoro
from .luart import LuaTable, Multi, LuaError as _LError
from ._translate import TranslationError
from ._luaback import compile_ir_late
from ._lualive import Live as _Live
from ._perrt import PerRuntime
from . import _luastrmt, _luatypemt
from ._luaudata import userdata as _userdata
from . import _luapylib
from ._luadebug import guard as _debug_guard, guarded as _debug_guarded

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
            views: Dict[int, Any] = {}
            shared = _shared[lua] = (views, weakref.WeakKeyDictionary(),
                                     weakref.WeakValueDictionary(),
                                     weakref.WeakValueDictionary(),
                                     weakref.WeakKeyDictionary(),
                                     weakref.WeakValueDictionary(),
                                     weakref.WeakKeyDictionary(),
                                     [64], [None], _thread.RLock(), [None], {}, [None],
                                     [None], [None, None, None, None])
        # id(Lua table proxy) -> weak reference to its view, while the view
        # lives (it holds the proxy, so the id is its proxy's while it does)
        self.views: Dict[int, Any] = shared[0]
        self.views_sweep: Any = shared[7]   # [the size at which views drops its dead entries]
        self.views_lock: Any = shared[9]    # held to make a view and to sweep (threads)
        self.view_last: Any = shared[10]    # [the last view made]: kept, see new_view
        self.vfns: Any = shared[8]      # [the metamethods every view shares], made on first use
        # class -> whether the bridge gives its objects back as themselves
        # after a trip into Lua (pushed)
        self.same_cls: Dict[Any, bool] = shared[11]
        # [translated code's python.none], [{python module C function: its
        # version for translated code}] (_luapylib), made on first use
        self.nonemark: Any = shared[13]
        self.pylibmap: Any = shared[14]
        self.wrappers: Any = shared[1]
        self.bridged: Any = shared[2]   # Lua function -> its bridged wrapper, while used
        self.pycalls: Any = shared[3]   # id(Python callable) -> its PyCallable, while used
        self.metafns: Any = shared[4]   # translated function -> its Lua function (lua_function)
        self.metafn_of: Any = shared[5]  # that Lua function -> the translated function
        self.origins: Any = shared[6]   # translated function -> the Lua function it translates
        # the runtime's translations (explicit, automatic): the same dicts
        # translate_lua fills, read first by to_lt
        per = _lcache.get(lua)
        if per is None:
            per = _lcache[lua] = {}
        autos = _auto.get(lua)
        if autos is None:
            autos = _auto[lua] = {}
        self.per: Dict[Any, Any] = per
        self.autos: Dict[Any, Any] = autos
        self.err_cls = tandem.LuaError
        self.lua_err = tandem.LuaError    # what a bridged Lua function raises
        self.G = lua.globals()
        self.tcls = self.G.__class__        # the class of the runtime's Lua table proxies
        # the runtime's encoding (None: Lua strings are bytes in Python and
        # a str is a Python object in Lua), as the bridge converts strings
        self.enc = getattr(lua, '_encoding', 'UTF-8')
        if self.enc is not None and self.enc.replace('-', '').lower() == 'utf8':
            self.enc = 'utf-8'
        self.next = self.G[self.key('next')]
        self.setmetatable = self.G[self.key('setmetatable')]
        # the live globals of the runtime's translated code (_lualive.Live)
        live = shared[12]
        if live[0] is None:
            self.live = live[0] = _Live(self, _Box)
            # the standard library's C functions, found before translated
            # code runs here (the scan runs Lua's pairs: a replacement
            # made by translated code would need this very map)
            self.stdlib()
        self.live = live[0]

    def arg_in(self, v: Any) -> Any:
        """A value the bridge side passes to a translated function: an int
        past 64 bits converted as the bridge converts it for Lua (the
        runtime's overflow handler, else the bridge's OverflowError, raised
        as itself from the call as natively), then to_lt."""
        if isinstance(v, int) and v.__class__ is not bool:
            v = int.__int__(v)      # (an IntEnum member: its value, as the bridge's)
            if not -0x8000000000000000 <= v <= 0x7fffffffffffffff:
                v = self.pycall_helpers()[7](v)
        return self.to_lt(v)

    def key(self, name: str) -> Any:
        """A str key as the runtime's tables want it (bytes with encoding=None)."""
        return name if self.enc is not None else name.encode()

    def to_lt(self, v: Any) -> Any:
        c = v.__class__
        if c is self.tcls:
            r = self.views.get(id(v))
            if r is not None:
                view = r()
                if view is not None:
                    return view
            return self.new_view(v)
        if c is str:
            enc = self.enc
            if enc is None:
                return self.foreign(v, PyObject)    # a Python object in Lua, as natively
            return v.encode(enc)
        if c is int:
            if -0x8000000000000000 <= v <= 0x7fffffffffffffff:
                return v
            # an int past 64 bits from Lua: a Python object there (the
            # bridge keeps one an operator of a Python object returns);
            # from Python, arg_in converts it first
            return self.foreign(v, PyObject)
        if v is None or c is bool or c is float or c is bytes:
            return v
        if c is types.FunctionType:
            # a translated function's wrapper coming back: the function itself
            # (so `made == g` holds after a round trip through Lua)
            f = getattr(v, '__luart__', None)
            if f is not None:
                return f
            fn = v.__code__.co_filename
            if fn in _lcore.CHUNKS or fn in _lcore._RTFILES:
                return v        # translated code or luart's own function
            return self.foreign(v, PyCallable)
        if c is PyCallable or c is PyObject:
            return v
        # an instance of a subclass of int, float or str (an IntEnum member,
        # a str Enum's): the bridge gives Lua its value, a number or string
        if isinstance(v, int):
            return self.to_lt(int.__int__(v))
        if isinstance(v, float):
            return float.__float__(v)
        if isinstance(v, str):
            return self.to_lt(str.__str__(v)) if self.enc is not None \
                else self.foreign(v, PyObject)
        lt = self.lua_type(v)
        if lt == 'table':
            # a table proxy of another class than tcls (another module
            # instance's): new_view finds its view as the fast path does
            return self.new_view(v)
        if lt == 'userdata':
            return _userdata(self, v)
        if lt == 'thread':
            raise _lcore.Refusal(
                "a Lua coroutine of the runtime (%s) reached translated code: its "
                "translated coroutines are luart's, and resuming a native one from "
                "translated code is not supported" % (self.lua.globals().tostring(v),))
        if lt == 'function':
            done = self.per.get(v)
            if done is None:
                done = self.autos.get(v)
            if done is not None:       # translated already: call its Python code
                return done.__luart__
            done = self.metafn_of.get(v)
            if done is not None:       # a metamethod of translated code coming back
                return done
            done = _luapylib.functions(self).get(v)
            if done is not None:        # python.iter ...: their meaning kept
                return done
            done = self.translate_callee(v)
            if done is not None:
                return done.__luart__
            std = self.stdlib()[0].get(v)
            if std is not None:
                # a C function of Lua's standard library (`local insert =
                # table.insert`): luart's, as the translated code calling
                # table.insert by name runs it (the bridge would pass
                # translated tables as copies)
                return std
            return self.to_lt_bridged(v)
        if lt is None:
            if v is _lua_eval:
                return _luapylib.eval_fn(self)      # its frame: the caller's
            if c is types.BuiltinFunctionType and _luapylib.is_frame_builtin(v):
                return _luapylib.frame_builtin(self, v)     # (eval, locals ... the same)
            if callable(v):
                return self.foreign(v, PyCallable)
            if not (c is LuaTable or c is Multi or getattr(c, '_is_lua_thread', False)
                    or getattr(c, 'lua_meta', None) is not None):
                if v is _NONEK:     # python.none read raw (protocol, raw_helpers)
                    return _luapylib.none(self)
                if c is self.lua_err:
                    xv = getattr(v, '_xl_value', _MISS)
                    if xv is not _MISS:     # an error of translated code (lua_function)
                        return xv
                return self.foreign(v, PyObject)     # luart's own values stay
        return v

    def to_lt_bridged(self, v: Any) -> Any:
        """The Lua function v as translated code calls it through the
        bridge: one wrapper per function while it lives."""
        w = self.bridged.get(v)
        if w is not None:          # the same Lua function, the same value
            return w
        fl = self.from_lt
        counted = self.pycall_helpers()[0]
        res = self.lua_result
        live = self.live

        def lua_fn(*args: Any) -> Any:
            # a translated table becomes the Lua table Lua gets (adopt:
            # in place, its view), so what the Lua function keeps of it
            # (load's environment, a field of another table) is the
            # table translated code goes on using, as natively
            memo: Dict[int, Any] = {-1: []}
            a = [fl(x, memo) for x in args]
            if memo[-1]:
                self.adopt(memo[-1])
            try:
                # called by a Lua function counting its results, so
                # one Python tuple result and several results differ
                try:
                    r = counted(v, *a)
                finally:
                    live.sync()     # Lua code ran: the globals are read again
            except Exception as e:
                # the error of the bridged function: its Lua value (or
                # the exception object), as translated code's pcall
                # and error expect it, at the caller's position
                self.raised_by(e, v, sys._getframe(1))
            if r.__class__ is not tuple:
                return _lcore.NORES
            if r[0] == 1:
                return res(r[1])
            return Multi([res(x) for x in r[1:]])
        dname = _debug_guarded(self).get(v)
        if dname is not None:       # the debug library's frame functions
            lua_fn = _debug_guard(self, dname, lua_fn)
        lua_fn.__lua_proxy__ = v   # type: ignore[attr-defined]
        self.bridged[v] = lua_fn
        return lua_fn

    def foreign(self, v: Any, cls: Any) -> Any:
        """A Python object (not translated code, not luart's) reaching
        translated code: a PyCallable for a callable, a PyObject otherwise,
        one per object while it lives, so that translated code calling,
        indexing or printing it sees what native Lua sees through the bridge
        (docs/translation.md "Python callables called by translated code")."""
        w = self.pycalls.get(id(v))
        if w is not None and w.__lua_proxy__ is v:
            return w
        w = cls(v, self)
        self.pycalls[id(v)] = w
        return w

    def raised(self, e: BaseException) -> None:
        """Raise, as translated code's error, what native Lua code sees of
        the exception e that a bridge operation (a call of a Lua function,
        an indexing of a Lua table, a read of a global) raised: the Lua value
        a LuaError carries, else the exception object itself (a userdata:
        a Python exception raised by Python code that Lua called, or a
        LuaError Python code raised itself)."""
        lv = getattr(e, 'lua_value', _NOLV) if isinstance(e, self.lua_err) else _NOLV
        if lv is _NOLV:
            self.py_raised(e)
        raise _LError(self.lua_result(lv)) from None

    def raised_by(self, e: BaseException, fn: Any, frame: Any) -> None:
        """raised(e) for the error of a bridged Lua function fn called by
        the Python frame frame. An error made at level 1 of the call helper
        (a C function's luaL_error, a Lua function's error(msg, 2)) is at the
        position of its caller natively: the helper's position is replaced
        by the translated caller's (none when luart's pcall and the like
        called it), and in 'bad argument' messages the helper's local name
        for the function by the function's name (lauxlib.c: the field name;
        the qualified name when called from a C function)."""
        lv = getattr(e, 'lua_value', _NOLV) if isinstance(e, self.lua_err) else _NOLV
        c = lv.__class__
        if c is str or c is bytes:
            prefix, local = self.call_where()
            s = lv if c is str else lv.decode('latin-1')
            if prefix is not None and s.startswith(prefix):
                where = _lcore.where(1, frame).decode('latin-1')
                rest = s[len(prefix):]
                m = re.match(r"bad argument #(\d+) to '%s' " % re.escape(local or ''), rest)
                if m is not None:
                    name, method = self.func_name(fn, not where)
                    n = int(m.group(1)) - method
                    rest = rest[m.end():]
                    if n == 0:      # lauxlib.c: the self argument of a method
                        rest = "calling '%s' on bad self %s" % (name, rest)
                    else:
                        rest = "bad argument #%d to '%s' %s" % (n, name, rest)
                s = where + rest
                raise _LError(self.lua_result(s if c is str else s.encode('latin-1'))) \
                    from None
        self.raised(e)

    def call_where(self) -> Tuple[Optional[str], Optional[str]]:
        """(the position prefix, the function's name) in the message of an
        error a C function called by the call helper raises (None, None when
        the probe does not give one)."""
        w = _callwhere.get(self.lua)
        if w is None:
            msg = self.pycall_helpers()[8]()
            m = re.match(r"(.*?:\d+: )bad argument #1 to '(\w+)'", str(msg))
            w = _callwhere[self.lua] = (m.group(1), m.group(2)) if m else (None, None)
        return w

    def func_name(self, fn: Any, qualified: bool) -> Tuple[str, int]:
        """(fn's name for 'bad argument' messages, 1 for a method else 0):
        its key in package.loaded's tables ('write'; qualified, 'io.write',
        '_G.' dropped), else its key in a registry metatable's __index table
        (a method, called as one: o:write(...) counts o as no argument),
        '?' when none holds it."""
        r = self.pycall_helpers()[9](fn)
        if not isinstance(r, tuple):
            return '?', 0
        m, k = r
        k = k if isinstance(k, str) else k.decode('latin-1')
        if m is False:
            return k, 1
        m = m if isinstance(m, str) else m.decode('latin-1')
        if not qualified:
            return k, 0
        return (k if m == '_G' else m + '.' + k), 0

    def py_raised(self, e: BaseException) -> None:
        """A Python exception as the Lua error value native Lua sees: the
        exception object, a userdata, with the traceback of the frames the
        bridge saw (this module's frames and the Lua frames the bridge adds
        when the error leaves Lua for us dropped, so tostring() gives native
        Lua's text)."""
        tb = e.__traceback__
        while tb is not None and (tb.tb_frame.f_code.co_filename == __file__
                                  or _is_lua_frame(tb.tb_frame)):
            tb = tb.tb_next
        e.__traceback__ = tb
        raise _LError(self.foreign(e, PyObject)) from None

    def lua_result(self, v: Any) -> Any:
        """A value the bridge gave for a Lua value (to_lt: a str is a Lua
        string in the runtime's encoding; with encoding=None it came from a
        Python str, which Lua holds as a Python object)."""
        return self.to_lt(v)

    def lua_chunk(self, cache: Any, src: str, *args: Any, name: Optional[str] = None) -> Any:
        """The results of the Lua chunk src run with args in this runtime,
        once per runtime (cache: a PerRuntime map runtime -> results); name:
        its chunk name, when not the default."""
        h = cache.get(self.lua)
        if h is None:
            kw = {} if name is None else {"name": name}
            h = cache[self.lua] = self.lua.execute(src, *args, **kw)
        return h

    # Lua's index protocol on a Lua table t (a view's: the globals' too) with
    # its metamethods run as translated code runs them: the raw access
    # through the bridge, then a metamethod function reaching translated
    # code as any Lua function does (translated when it can be), so its
    # errors, error levels and positions are native Lua's; a metamethod
    # table or userdata is indexed in turn. Without the debug library (the
    # raw metatable is unreachable) the whole operation runs in Lua.
    def protocol(self) -> Any:
        # the index helper gives the value itself when the access is
        # done (no tuple on the common path), else MISS and the
        # metamethod: MISS is a Python object no Lua value converts to
        return self.lua_chunk(
            _protocol,
            'local MISS, NONE, NONEK = ...\n'
            'local rawget, rawset, rawlen, rawequal = rawget, rawset, rawlen, rawequal\n'
            + _GETMT_LUA +
            'local function meta(t, ev)\n'
            '  local mt = getmt(t)\n'
            '  if mt ~= nil then return rawget(mt, ev) end\n'
            'end\n'
            'return function(t, k)\n'
            '  if not getmt then\n'
            '    local v = t[k]\n'
            '    if rawequal(v, NONE) then return NONEK end\n'
            '    return v\n'
            '  end\n'
            '  local v = rawget(t, k)\n'
            '  if v ~= nil then\n'
            '    if rawequal(v, NONE) then return NONEK end\n'
            '    return v\n'
            '  end\n'
            '  local h = meta(t, "__index")\n'
            '  if h == nil then return nil end\n'
            '  return MISS, h\n'
            'end, function(t, k, v)\n'
            '  if not getmt then t[k] = v return true end\n'
            '  if rawget(t, k) == nil then\n'
            '    local h = meta(t, "__newindex")\n'
            '    if h ~= nil or k == nil or k ~= k then return false, h end\n'
            '  end\n'
            '  rawset(t, k, v)\n'
            '  return true\n'
            'end, function(t)\n'
            '  if not getmt then return true, #t end\n'
            '  local h = meta(t, "__len")\n'
            '  if h == nil then return true, rawlen(t) end\n'
            '  return false, h\n'
            'end, function(t, ev)\n'
            '  if getmt then return meta(t, ev) end\n'
            'end', _MISS, _tandem._as_object(None), _NONEK)

    def lookup_fn(self) -> Any:
        """lookup(t, k): Lua's raw access of t[k] through the bridge, the
        value, or the __index metamethod boxed (_Meta) when the raw access
        did not find it."""
        idx = self.protocol()[0]
        fl, tl, raised = self.from_lt, self.to_lt, self.raised
        miss = _MISS

        def lookup(t: Any, k: Any, fk: Any = miss) -> Any:
            # (fk: k already converted, a string key as _lualive.key's one
            # object, which the Lua adapter's string cache then knows)
            if fk is miss:
                fk = fl(k)
            try:
                r = idx(t, fk)
            except Exception as e:
                raised(e)
            if r.__class__ is tuple and len(r) == 2 and r[0] is miss:
                return _Meta(tl(r[1]))
            return tl(r)
        return lookup

    def index_fn(self) -> Any:
        """The __index every view shares (view_fns): Lua's index protocol
        (above) on the Lua table of the view it is called with, a
        metamethod function called with that view."""
        lookup = self.lookup_fn()
        tl = self.to_lt
        peek, miss = _tandem._peek, _MISS
        live = self.live

        def index(s: Any, k: Any) -> Any:
            t = s.meta.hash[_VIEW_OF].v
            c = k.__class__
            if c is int or c is float or c is bytes:
                # a table without a metatable: its raw read, no frame
                fk = k if c is not bytes else live.key(k)
                r = peek(t, fk, miss)
                if r is not miss:
                    return tl(r)
                # an object it holds raw that translated code has seen:
                # its value by its identity, no frame (_lualive memo)
                r = live.known(t, fk)
                if r is not None:
                    return r
                r = lookup(t, k, fk)
                if r.__class__ is not _Meta:
                    live.remember(t, fk, r)
                    return r
            else:
                r = lookup(t, k)
            if r.__class__ is not _Meta:
                return r
            if not _lcore.isfunc(r.f):
                return _lcore.index(r.f, k)
            return _lcore.first(_lcore.call(r.f, s, k))

        def index_co(s: Any, k: Any) -> Any:
            # in a coroutine (luart's _gix): a metamethod that may yield
            # runs through the chain, as Lua 5.4 lets __index yield
            r = lookup(s.meta.hash[_VIEW_OF].v, k)
            if r.__class__ is not _Meta:
                return r
            h = r.f
            if _lcore.isfunc(h):
                g = getattr(h, '__luaco__', None)
                if g is not None:
                    return _lcore.first((yield from g(s, k)))
                return _lcore.first(_lcore.call(h, s, k))
            return (yield from _lemit._gix(h, k, None))
        index.__luaco__ = index_co    # type: ignore[attr-defined]
        return index

    def newindex_fn(self) -> Any:
        """The __newindex every view shares (as index_fn)."""

        def newindex(s: Any, k: Any, v: Any) -> Any:
            return self.lua_setindex(s.meta.hash[_VIEW_OF].v, s, k, v)

        def newindex_co(s: Any, k: Any, v: Any) -> Any:
            h = self.lua_setindex(s.meta.hash[_VIEW_OF].v, s, k, v, True)
            if h.__class__ is _SetInto:
                yield from _lemit._gsetix(h.v, k, v, None)
            elif h is not None:
                g = getattr(h, '__luaco__', None)
                if g is not None:
                    yield from g(s, k, v)
                else:
                    _lcore.call(h, s, k, v)
            return _lcore.NORES
        newindex.__luaco__ = newindex_co    # type: ignore[attr-defined]
        return newindex

    def view_fns(self) -> Tuple[Any, Any, Any, Any]:
        """The metamethods every view of the runtime shares (Lua calls each
        with the view first; the view's Lua table is in its metatable's
        _Box): __index, __newindex, __len, __pairs. Sharing them leaves no
        cycle through a view, so a view nothing holds is freed at once."""
        got = self.vfns[0]
        if got is not None:
            return got
        tl, fl, raised = self.to_lt, self.from_lt, self.raised
        lua_next = self.raw_helpers()[3]     # (python.none kept)
        lua_pairs = self.pycall_helpers()[6]
        results_in = self.results_in

        peek, miss = _tandem._peek, _MISS

        def length(s: Any, *a: Any) -> Any:
            t = s.meta.hash[_VIEW_OF].v
            r = peek(t, None, miss, 'len')      # a table without a metatable
            if r is not miss:
                return r
            return self.lua_length(t, s)

        def length_co(s: Any, *a: Any) -> Any:
            h = self.lua_length(s.meta.hash[_VIEW_OF].v, s, True)
            if h.__class__ is not _Meta:
                return h
            g = getattr(h.f, '__luaco__', None)
            if g is not None:
                return _lcore.first((yield from g(s, s)))
            return _lcore.first(_lcore.call(h.f, s, s))
        length.__luaco__ = length_co    # type: ignore[attr-defined]

        def pairs(s: Any, *a: Any) -> Any:
            # Lua's pairs of the table: its own __pairs when it has one
            t = s.meta.hash[_VIEW_OF].v
            try:
                p = lua_pairs(t)
            except Exception as e:
                raised(e)
            if p is not True:
                self.live.sync()    # its __pairs ran
                return Multi([tl(x) for x in p])

            def nxt(_t: Any, k: Any) -> Any:
                try:
                    r = lua_next(t, fl(k))
                except Exception as e:
                    raised(e)
                return results_in(r)
            return Multi((nxt, s, None))
        got = self.vfns[0] = (self.index_fn(), self.newindex_fn(),
                              length, pairs)
        return got

    def raw_helpers(self) -> Any:
        return self.lua_chunk(
            _rawhelpers,
            'local NONE, NONEK = ...\n'
            'local rawget, rawset, rawlen, next = rawget, rawset, rawlen, next\n'
            'local getmetatable, setmetatable, rawequal = getmetatable, setmetatable, rawequal\n'
            + _GETMT_LUA +
            '-- python.none (which the bridge gives as None) as NONEK\n'
            'local function nx(k, v)\n'
            '  if k == nil then return nil end\n'
            '  if rawequal(k, NONE) then k = NONEK end\n'
            '  if rawequal(v, NONE) then v = NONEK end\n'
            '  return k, v\n'
            'end\n'
            'return function(t, k)\n'
            '    local v = rawget(t, k)\n'
            '    if rawequal(v, NONE) then return NONEK end\n'
            '    return v\n'
            '  end, function(t, k, v) rawset(t, k, v) end, rawlen,\n'
            '  function(t, k) return nx(next(t, k)) end,\n'
            '  getmetatable, function(t, mt)\n'
            '    local m = getmt and getmt(t)\n'
            '    if m ~= nil and rawget(m, "__metatable") ~= nil then return false end\n'
            '    setmetatable(t, mt)\n'
            '    return true\n'
            '  end', _tandem._as_object(None), _NONEK)

    def lua_setindex(self, t: Any, view: Any, k: Any, v: Any, co: bool = False) -> Any:
        """Lua's t[k] = v by the protocol; co: a metamethod function is
        given back, not called (for newindex_co to run through the chain)."""
        self.live.writing(t, k)
        try:
            r = self.protocol()[1](t, self.from_lt(k), self.from_lt(v))
        except Exception as e:
            self.raised(e)
        if r is True:
            self.live.wrote(t)
            return None if co else _lcore.NORES
        h = self.to_lt(r[1])
        if h is None:       # a new key that cannot be one: Lua's error, here
            _lcore.rterror('table index is nil' if k is None else 'table index is NaN')
        if _lcore.isfunc(h):
            if co:
                return h
            _lcore.call(h, view, k, v)
        elif co:
            # a __newindex table or userdata: assigned in turn, through
            # the chain's own walk (a function there may yield too)
            return _SetInto(h)
        else:
            _lcore.setindex(h, k, v)
        return None if co else _lcore.NORES

    def lua_length(self, t: Any, view: Any, co: bool = False) -> Any:
        """Lua's #t by the protocol; co: a __len function is given back
        boxed (_Meta), not called."""
        try:
            done, v = self.protocol()[2](t)
        except Exception as e:
            self.raised(e)
        v = self.to_lt(v)
        if done:
            return v
        if co:
            return _Meta(v)
        return _lcore.first(_lcore.call(v, view, view))

    def stdlib(self) -> Tuple[Dict[Any, Any], Dict[Any, Any]]:
        """({Lua standard library C function: luart's}, the reverse), per
        runtime: the functions the runtime's library tables and base
        library hold when first asked, that debug.getinfo says are C
        functions (string.dump refuses them, without the debug library),
        each under one name only (a function found under two
        names, or names luart lacks, are left out: they are bridged)."""
        m = _stdmaps.get(self.lua)
        if m is not None:
            return m
        found = self.lua.execute(
            'local rawget, type, pairs, pcall = rawget, type, pairs, pcall\n'
            'local dbg = rawget(_ENV, "debug")\n'
            'local getinfo = type(dbg) == "table" and rawget(dbg, "getinfo") or nil\n'
            'local str = rawget(_ENV, "string")\n'
            'local dump = type(str) == "table" and rawget(str, "dump") or nil\n'
            'local out, n = {}, 0\n'
            'if not getinfo and not dump then return out, 0 end\n'
            '-- without the debug library, string.dump refuses exactly the C functions\n'
            'local function isC(v)\n'
            '  if getinfo then return getinfo(v, "S").what == "C" end\n'
            '  return not pcall(dump, v)\n'
            'end\n'
            'local smt = getinfo and rawget(dbg, "getmetatable")\n'
            'smt = smt and smt("")\n'
            'for _, lib in pairs({"_G", "string", "table", "math", "coroutine", "utf8",\n'
            '                     "os", "(string metatable)"}) do\n'
            '  local t = lib == "_G" and _ENV or lib == "(string metatable)" and smt\n'
            '            or rawget(_ENV, lib)\n'
            '  if type(t) == "table" then\n'
            '    for k, v in pairs(t) do\n'
            '      if type(k) == "string" and type(v) == "function" and isC(v) then\n'
            '        n = n + 1; out[n] = {lib, k, v}\n'
            '      end\n'
            '    end\n'
            '  end\n'
            'end\n'
            'return out, n')
        env = luart.new_env()
        fwd: Dict[Any, Any] = {}
        names: Dict[Any, int] = {}
        entries = []
        for i in range(1, found[1] + 1):
            lib, name, f = found[0][i][1], found[0][i][2], found[0][i][3]
            lib = lib if isinstance(lib, str) else lib.decode()
            name = name if isinstance(name, str) else name.decode('latin-1')
            if (lib, name) in _COMPAT_ALIASES or (lib, name) in _NATIVE_IO:
                continue        # Lua's own second name for a function; native I/O
            names[f] = names.get(f, 0) + 1
            t = env if lib == '_G' else _lcore.STRING_META if lib == '(string metatable)' \
                else _lcore.rawget(env, lib.encode())
            lf = _lcore.rawget(t, name.encode('latin-1')) if t.__class__ is LuaTable else None
            if lf.__class__ is types.FunctionType:
                entries.append((f, lf))
        rev: Dict[Any, Any] = {}
        for f, lf in entries:
            if names[f] == 1 and lf not in rev:
                if lf is luart.lbase.lua_getmetatable:
                    # a string's metatable is the runtime's (_lualive)
                    lf = self.live.getmetatable_fn(f)
                fwd[f] = lf
                rev[lf] = f
        m = _stdmaps[self.lua] = (fwd, rev)
        return m

    def pycall_helpers(self) -> Tuple[Any, Any]:
        """The Lua functions a PyCallable runs: the call (its results
        counted first, so none, one nil and a tuple stay apart), Lua's
        tostring, indexing, assignment and `#`, all through the bridge as
        native code runs them, next (copy_back), and Lua's pairs of a table
        (true when it is the plain next: views)."""
        return self.lua_chunk(
            _helpers,
            'local NONE, NONEK = ...\n'
            'local select, tostring, next, pairs, rawequal = select, tostring, next, pairs, rawequal\n'
            '-- the results counted; python.none (which the bridge gives as None) as NONEK\n'
            'local function pk(...)\n'
            '  local n = select("#", ...)\n'
            '  for i = 1, n do\n'
            '    if rawequal((select(i, ...)), NONE) then\n'
            '      local t = {...}\n'
            '      for j = i, n do if rawequal(t[j], NONE) then t[j] = NONEK end end\n'
            '      return n, table.unpack(t, 1, n)\n'
            '    end\n'
            '  end\n'
            '  return n, ...\n'
            'end\n'
            'local function call(f, ...) return pk(f(...)) end\n'
            'local pcall, type, loaded = pcall, type, rawget(_ENV, "package")\n'
            'local dbg = rawget(_ENV, "debug")\n'
            'loaded = type(loaded) == "table" and loaded.loaded\n'
            'return call, tostring, next,\n'
            '  function(o, k) return o[k] end, function(o, k, v) o[k] = v end,\n'
            '  function(o) return #o end,\n'
            '  function(t) local f, s, c = pairs(t)\n'
            '    if f == next and rawequal(s, t) and c == nil then return true end\n'
            '    return f, s, c end,\n'
            '  function(x) return x end,\n'
            '  -- the error of a C function call makes at level 1 (luaL_where: this line)\n'
            '  function() return select(2, pcall(call, rawequal)) end,\n'
            '  -- the name of f in package.loaded (lauxlib.c pushglobalfuncname),\n'
            '  -- else its key in the __index table of a metatable the registry\n'
            '  -- names (luaL_newmetatable): a method\n'
            '  function(f)\n'
            '    local function find(t)\n'
            '      for k, v in next, t do\n'
            '        if rawequal(v, f) and type(k) == "string" then return k end\n'
            '      end\n'
            '    end\n'
            '    if type(loaded) == "table" then\n'
            '      for m, t in next, loaded do\n'
            '        local k = type(t) == "table" and type(m) == "string" and find(t)\n'
            '        if k then return m, k end\n'
            '      end\n'
            '    end\n'
            '    local reg = type(dbg) == "table" and rawget(dbg, "getregistry")\n'
            '    reg = reg and reg()\n'
            '    if type(reg) ~= "table" then return nil end\n'
            '    for n, mt in next, reg do\n'
            '      local ix = type(n) == "string" and type(mt) == "table" and rawget(mt, "__index")\n'
            '      local k = type(ix) == "table" and find(ix)\n'
            '      if k then return false, k end\n'
            '    end\n'
            '  end', _tandem._as_object(None), _NONEK)

    def pushed(self, v: Any) -> Any:
        """What translated code gets of v, a Python value that native Lua
        would get from the bridge (the result of indexing a Python object):
        the value after a trip into Lua and back, made here without the trip
        for the values whose trip is known (numbers, booleans, None, bytes,
        str in the runtime's encoding, objects of a class that comes back as
        itself)."""
        c = v.__class__
        if c is int:
            if -0x8000000000000000 <= v <= 0x7fffffffffffffff:
                return v
        elif c is float or c is bool or c is bytes or v is None:
            return v
        elif c is str:
            enc = self.enc
            if enc is not None:
                try:
                    return v.encode(enc)
                except UnicodeEncodeError:
                    pass        # the bridge's own error, below
            else:
                return self.to_lt(v)
        elif self.keeps(v):
            return self.to_lt(v)
        return self.to_lt(self.tripped(v))

    def keeps(self, v: Any) -> bool:
        """Whether the bridge gives v back as itself after a trip into Lua.
        The bridge converts by class (its proxies, protocol wrappers, FFI
        data, subclasses of int, float, str and bytes are converted; any
        other object comes back as itself): the trip of a class's first
        object decides for the class."""
        c = v.__class__
        same = self.same_cls.get(c)
        if same is None:
            try:
                r = self.pycall_helpers()[7](v)
            except Exception:
                r = None
            same = r is v and not issubclass(c, (int, float, str, bytes))
            if len(self.same_cls) >= 256:
                self.same_cls.clear()
            self.same_cls[c] = same
        return same

    def tripped(self, v: Any) -> Any:
        """v passed into Lua and back through the bridge: the bridge's
        conversion, its error (an int past 64 bits, the overflow handler's)
        raised as translated code's error."""
        try:
            return self.pycall_helpers()[7](v)
        except Exception as e:
            self.raised(e)

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

    def new_view(self, v: Any) -> LuaTable:
        """The view of the Lua table v when to_lt found none alive: made
        and entered under the runtime's lock of views, so two threads
        meeting the same table make one view, and a sweep never drops an
        entry another thread has just replaced (the hit path reads without
        the lock: a dict read and a weak reference's call are atomic)."""
        views = self.views
        with self.views_lock:
            r = views.get(id(v))
            if r is not None:
                view = r()
                if view is not None:
                    return view
            view = self.make_view(v)
            views[id(v)] = weakref.ref(view)
            # the last view made stays alive (with its Lua table) until
            # the next is made: a table passed call after call (a Python
            # loop holding it, a Lua loop passing it) keeps one view
            self.view_last[0] = view
            if len(views) >= self.views_sweep[0]:
                _sweep_views(views, self.views_sweep)
            return view

    def make_view(self, t: Any) -> LuaTable:
        """A view of the Lua table t: an empty LuaTable whose metatable
        holds the shared metamethods (view_fns) and t (its _Box); its other
        events are the Lua table's own, read from its metatable at each
        operation (_Box.event)."""
        view = LuaTable()
        view.meta = self.view_meta(t)
        return view

    def view_meta(self, t: Any) -> LuaTable:
        """The metatable of a view of the Lua table t: the metamethods
        every view shares and t's _Box."""
        f = self.view_fns()
        return LuaTable(None, {b'__index': f[0], b'__newindex': f[1], b'__len': f[2],
                               b'__pairs': f[3], _VIEW_OF: _Box(t, self)})

    def adopt(self, pairs: list) -> None:
        """Each table made by translated code that has just become the Lua
        table t (a result, a value or key stored into a Lua table or a
        global, an upvalue, an error value) becomes t's view, in place: the
        same LuaTable object, now empty, whose metatable runs every
        operation on t. So translated code that still holds it changes the
        Lua table the Lua side holds (`v.x = t; t.a = 1` gives `v.x.a == 1`),
        and it crosses again as that same table (identity, table keys).
        Its old parts are replaced, not cleared: generated code holding one
        in the middle of an expression reads what it held. Luart's own
        tables (the standard library's and the string metatable, watched
        dicts) are not made by translated code: they stay copies."""
        views = self.views
        with self.views_lock:
            for v, t in pairs:
                if v.hash.__class__ is not dict:
                    continue
                v.arr = []
                v.hash = {}
                v._it = None
                v.meta = self.view_meta(t)
                views[id(t)] = weakref.ref(v)
            if len(views) >= self.views_sweep[0]:
                _sweep_views(views, self.views_sweep)

    def table_event(self, t: Any, ev: bytes) -> Any:
        """The metamethod ev of the Lua table t (its raw metatable's
        field, as Lua looks an event up), as translated code sees it, or
        None."""
        try:
            h = self.protocol()[3](t, ev if self.enc is None else ev.decode())
        except Exception as e:
            self.raised(e)
        return None if h is None else self.to_lt(h)

    def from_lt(self, v: Any, memo: Optional[Dict[int, Any]] = None,
                copies: Optional[list] = None) -> Any:
        c = v.__class__
        if c is float:
            return v if v == v else -(-v)   # a NaN: a new float (_pyc_key)
        if c is bytes:
            if copies is not None:
                return v    # to a PyCallable: the bridge decodes as the runtime says
            enc = self.enc
            if enc is None:
                return v
            try:
                return v.decode(enc)
            except UnicodeDecodeError:
                return v
        if c is LuaTable:
            mt = v.meta
            if mt is not None:
                box = mt.hash.get(_VIEW_OF)
                if box.__class__ is _Box:
                    return box.v
            top = memo is None and copies is None
            if memo is None:
                memo = {}
                if top:
                    memo[-1] = []   # the tables converted: they become views (adopt)
            got = memo.get(id(v))
            if got is not None:
                return got
            arr = v.arr
            if None in arr:
                # an array part with holes ({1, nil, 3}): a Lua table made by
                # a constructor of as many values has that array part, so its
                # length is the same border (#t 3, python.args{1, nil, 3})
                h = v.hash
                if h:
                    # and a hash part ({n = 3, 1, nil, 3} of table.pack,
                    # {1, nil, 3, x = 1}): its keys must find room made for
                    # them, as the constructor's (lua_createtable(n, nh)),
                    # or the first one's rehash counts the array's keys and
                    # shrinks it (#t 1). table_from sizes the array part by
                    # the keys 1, 2 ... n leading its pairs and the hash part
                    # by the others: these are keys 1 ... again, whose nils
                    # land in the array part, inserting nothing
                    t = self.lua.table_from(*_hole_pads(len(arr), len(h)))
                else:
                    t = self.lua_chunk(_holes, 'return function(...) return {...} end')(
                        *([None] * len(arr)))
            else:
                t = self.lua.table()
            memo[id(v)] = t
            if copies is not None:
                copies.append((v, t))
            else:
                kept = memo.get(-1)
                if kept is not None:
                    kept.append((v, t))
            k = None
            while True:
                r = _lcore.lua_next(v, k)
                if r is None or (r.__class__ is Multi and (not r or r[0] is None)):
                    break
                k, val = (r[0], r[1]) if r.__class__ is Multi else (r, None)
                t[self.key_out(k, memo, copies)] = self.from_lt(val, memo, copies)
            if mt is not None:
                self.setmetatable(t, self.from_lt(mt, memo, copies))
            if top:
                self.adopt(memo[-1])
            return t
        lp = getattr(v, '__lua_proxy__', None)
        if lp is not None:
            if lp.__class__ is int:
                # an int past 64 bits Lua held as a Python object (to_lt):
                # the bridge would refuse to convert it, so it crosses
                # wrapped, as the Python object it was
                return _tandem._as_object(lp)
            return lp
        if c is types.FunctionType:
            fn = v.__code__.co_filename
            if fn in _lcore.CHUNKS:
                # a function of translated code leaving for Lua/Python: a Lua
                # function (the Lua function it translates, or one calling it)
                lf = self.metafns.get(v)
                if lf is None:
                    lf = self.lua_function(v)
                return lf
            if fn in _lcore._RTFILES:
                lf = self.stdlib()[1].get(v)
                if lf is not None:
                    return lf       # luart's table.insert leaving: Lua's own
                # another function of luart (a coroutine.wrap function, a
                # gmatch or ipairs iterator): a Lua function calling it, as
                # for a closure of translated code (natively a Lua function)
                lf = self.metafns.get(v)
                if lf is None:
                    lf = self.lua_function(v)
                return lf
        elif getattr(c, '_is_lua_thread', False):
            # a coroutine of translated code is a luart object: it cannot be
            # the Lua thread native code would give (docs/translation.md)
            raise _lcore.Refusal(
                'a coroutine made by translated code cannot leave it (%r): '
                'native Lua would give a Lua thread' % (v,))
        return v

    def entry(self, pf: Any, twin: Any = None, g: Any = None) -> Any:
        """The function the bridge side calls: twin (the generated
        <name>_entry, converting in its own body) when there is one, else a
        wrapper around pf."""
        tl, out, plain = self.arg_in, self.results_out, _PLAIN
        if twin is not None:
            err_cls = self.err_cls

            def err(e: Any) -> None:
                v = e.value if isinstance(e, _LError) else luart.lbase.error_value(e)
                raise self.error_out(v, err_cls) from None
            g.update(_PLAIN=_PLAIN, _TL=tl, _OUT=out, _ERR=err, _LError=_LError)
            twin.__name__ = twin.__qualname__ = pf.__name__
            twin.__luart__ = pf   # type: ignore[attr-defined]
            return twin

        sync = self.live.sync

        def entry(*args: Any) -> Any:
            sync()      # an entry: the runtime may have changed (_lualive)
            try:
                for a in args:
                    if a.__class__ not in plain or a.__class__ is int and \
                            not -0x8000000000000000 <= a <= 0x7fffffffffffffff:
                        args = tuple([tl(x) for x in args])
                        break
                r = pf(*args)
                if r.__class__ in plain and r.__class__ is not bytes:
                    return r
                return out(r)
            except _LError as e:
                raise self.error_out(e.value, self.err_cls) from None
            except (RecursionError, MemoryError) as e:
                # Lua's stack overflow and not enough memory, as in pcall
                raise self.error_out(luart.lbase.error_value(e), self.err_cls) from None
        entry.__name__ = pf.__name__
        entry.__qualname__ = pf.__name__
        entry.__luart__ = pf   # type: ignore[attr-defined]
        return entry

    def lua_function(self, pf: Any) -> Any:
        """The Lua function a function of translated code is outside it:
        the Lua function it is the translation of (native identity), else a
        Lua function calling it (a closure made by translated code), which
        converts as the bridge converts a Lua function's arguments and
        results: none, one (a Python tuple included) and several results
        stay apart. Errors leave with their Lua value (error_out's
        lua_value, which the bridge gives back to Lua). Coming back into
        translated code, it is pf again (metafn_of)."""
        lf = self.origins.get(pf)
        if lf is None:
            make, sent = self.lua_chunk(
                _metamakers,
                'local rawequal, unpack = rawequal, table.unpack\n'
                'local SENT = {}\n'
                'return function(f, take)\n'
                '  return function(...)\n'
                '    local r = f(...)\n'
                '    if not rawequal(r, SENT) then return r end\n'
                '    local t = take()\n'
                '    return unpack(t, 1, t[0])\n'
                '  end\n'
                'end, SENT')
            tl, fl, plain = self.to_lt, self.from_lt, _PLAIN
            lua, box, live = self.lua, [], self.live

            def from_lua(*args: Any) -> Any:
                live.sync()     # an entry: the runtime may have changed
                for a in args:
                    if a.__class__ not in plain or a.__class__ is int and \
                            not -0x8000000000000000 <= a <= 0x7fffffffffffffff:
                        args = tuple([tl(x) for x in args])
                        break
                try:
                    r = pf(*args)
                except _LError as e:
                    exc = self.error_out(e.value, self.err_cls)
                    if exc.__class__ is self.err_cls:
                        # the bridge gives Lua the value, but the value
                        # crossing out again (load's message of a failed
                        # reader) would be this exception: to_lt maps it back
                        exc._xl_value = e.value
                    raise exc from None
                if r.__class__ is Multi:
                    if len(r) != 1:
                        box.append(r)
                        return sent
                    r = r[0]
                if r.__class__ in plain:
                    return r
                v = fl(r)
                if v.__class__ is tuple:    # one value, not unpacked by the bridge
                    box.append((r,))
                    return sent
                return v

            def take() -> Any:
                vals = box.pop()
                t = lua.table()
                t[0] = len(vals)
                for i, x in enumerate(vals):
                    if x is not None:
                        t[i + 1] = fl(x)
                return t
            lf = make(from_lua, take)
        self.metafns[pf] = lf
        self.metafn_of[lf] = pf
        return lf

    def error_out(self, v: Any, err_cls: Any) -> BaseException:
        """The exception a Lua error value v leaving translated code is, as
        the bridge makes it of a native error: a Python exception as the
        error value is itself; anything else a LuaError whose message is
        the value's Lua string (decoded as UTF-8 with replacement) and whose
        lua_value is the value converted as a result (a table as a Lua
        table of the runtime)."""
        if v.__class__ is PyObject and isinstance(v.__lua_proxy__, BaseException):
            v = v.__lua_proxy__
        if isinstance(v, BaseException):
            return v
        s = v if v.__class__ is bytes else _lcore.tostring(v)
        exc = err_cls(s.decode('utf-8', 'replace'))
        exc.lua_value = self.from_lt(v)
        return exc

    def key_out(self, k: Any, memo: Dict[int, Any], copies: Optional[list] = None) -> Any:
        if k is _lcore._TRUEK:
            return True
        if k is _lcore._FALSEK:
            return False
        return self.from_lt(k, memo, copies)

    @staticmethod
    def copy_refs(copies: list) -> list:
        """The reference counts of the copies' proxies, before a call."""
        return [sys.getrefcount(t) for _, t in copies]

    def copy_kept(self, copies: list, before: list, r: Any, who: str) -> Optional[BaseException]:
        """After a call that returned r: a copy whose proxy Python code still
        holds (a reference more than before, beyond r's own items) was kept
        by the callee, and its later changes would not reach the translated
        table (nor the translated table's reach it): a refusal, as
        NotImplementedError, instead of that silent difference. A copy that
        came back into translated code during the call (a metamethod's
        argument) is a view there, alive while translated code holds it:
        not told apart, not checked (docs/translation.md, "Left")."""
        top = r if r.__class__ is tuple else (r,)
        views = self.views
        for (_, t), n in zip(copies, before):
            r = views.get(id(t))
            if r is not None and r() is not None:
                continue
            own = sum(1 for x in top if x is t)
            if sys.getrefcount(t) > n + own:
                return _lcore.Refusal(
                    "%s kept a table translated code passed to it: translated tables are"
                    " passed as copies, so its later changes would not be seen"
                    " (tandem translation)" % who)
        return None

    @staticmethod
    def copies_back(copies: list, r: Any) -> Any:
        """r (a call's raw results) with a copy's proxy given back as the
        translated table it copies: `return t` gives the caller its own
        table, as natively (it was a view of the copy)."""
        if r.__class__ is not tuple:
            return r
        back = {id(t): lt for lt, t in copies}
        return tuple([back.get(id(x), x) for x in r])

    def copy_back(self, copies: list, tl: Any) -> None:
        """After a PyCallable's call: the Lua tables that carried copies of
        translated tables give their contents back (changed fields set,
        removed ones deleted, a table copied in for a translated table
        becoming that table again), so a callable that changes a table it
        was passed is seen by translated code as natively. Metatables are
        not copied back."""
        back = {id(t): lt for lt, t in copies}
        lua_next = self.raw_helpers()[3]    # (python.none kept: _NONEK)
        none = _tandem._as_object(None)

        def val(x: Any) -> Any:
            hit = back.get(id(x))
            if hit is not None:
                return hit
            return tl(x)
        for lt, t in copies:
            new = LuaTable()
            k = None
            while True:
                r = lua_next(t, none if k is _NONEK else k)
                if r is None:
                    break
                k = r[0]
                new.set(val(k), val(r[1]))
            old = []
            k = None
            while True:
                r = _lcore.lua_next(lt, k)
                if r is None or (r.__class__ is Multi and (not r or r[0] is None)):
                    break
                k = r[0] if r.__class__ is Multi else r
                old.append(k)
            for k in old:
                kk = True if k is _lcore._TRUEK else False if k is _lcore._FALSEK else k
                if _lcore.rawget(new, kk) is None:
                    lt.set(kk, None)
            k = None
            while True:
                r = _lcore.lua_next(new, k)
                if r is None or (r.__class__ is Multi and (not r or r[0] is None)):
                    break
                k, nv = r[0], r[1]
                kk = True if k is _lcore._TRUEK else False if k is _lcore._FALSEK else k
                ov = _lcore.rawget(lt, kk)
                if ov is not nv and not (ov.__class__ is nv.__class__ and ov == nv):
                    lt.set(kk, nv)

    def results_out(self, r: Any) -> Any:
        if r.__class__ is Multi:
            if not r:
                return None
            if len(r) == 1:
                return self.result_out(r[0])
            return tuple(self.result_out(x) for x in r)
        return self.result_out(r)

    def result_out(self, v: Any) -> Any:
        """A result for the Python caller: from_lt, a Python object as
        itself (from_lt wraps an int past 64 bits for Lua; a protocol
        wrapper, python.none or a python.as_attrgetter view, is the object
        it stands for, as the bridge gives it)."""
        c = v.__class__
        if c is PyObject or (c is PyCallable and v.__lua_proxy__.__class__ is _Wrapper):
            o = v.__lua_proxy__
            if o.__class__ is _Wrapper:
                return _luapylib.unwrap(self, o)
            return o
        return self.from_lt(v)

    def env(self) -> LuaTable:
        """The global table of translated code: the view of the runtime's
        _G, read live (_lualive)."""
        return self.live.environment()


_PLAIN = frozenset((int, float, bool, type(None)))
_index = _tandem._index
_Wrapper = _tandem._PyProtocolWrapper
_lua_eval = _tandem._lua_eval
_PyArguments = _tandem._PyArguments
# tandem's own Python files: functions there may ask which runtime called
# them, so translated code calls them through the bridge
_OWN_DIR = __file__.rpartition('/')[0] + '/'
_MethodType = types.MethodType
_FunctionType = types.FunctionType


class PyObject:
    """A Python object that is not callable reached by translated code (a
    list, dict or tuple result, any other object): a userdata whose
    tostring, indexing, assignment and `#` run through the bridge, as
    natively (PyCallable's operations without the call)."""
    __slots__ = ('__lua_proxy__', 'bd', 'call', 'lerr', 'enc', '__weakref__')

    def __init__(self, f: Any, bd: 'Boundary') -> None:
        self.__lua_proxy__ = f
        self.bd = bd
        self.call = bd.pycall_helpers()[0]
        self.lerr = bd.lua_err
        self.enc = getattr(bd.lua, '_encoding', 'UTF-8')

    def lua_error(self, e: Any) -> None:
        self.bd.raised(e)

    def py_error(self, e: Any) -> None:
        """A Python exception raised by the object's code: the Lua error
        value native Lua sees is the exception object (Boundary.py_raised)."""
        self.bd.py_raised(e)

    def result(self, v: Any) -> Any:
        return self.bd.lua_result(v)

    def converting(self, args: Any) -> Any:
        return self.results(self.run(self.call, (self,) + args))

    def run(self, fn: Any, args: Any) -> Any:
        """fn (a Lua function of the runtime) called with args (luart
        values) converted as the bridge converts Lua values for Python (a
        translated table as a copy, copied back when fn returns or raises);
        an error as the error value native Lua sees. Its raw result."""
        bd = self.bd
        copies: list = []
        memo: Dict[int, Any] = {}
        a = [bd.from_lt(x, memo, copies) for x in args]
        before = bd.copy_refs(copies) if copies else None
        try:
            try:
                r = fn(*a)
            finally:
                bd.live.sync()  # Python or Lua code ran: the globals are read again
        except self.lerr as e:
            if copies:
                bd.copy_back(copies, self.result)
            self.lua_error(e)
        except Exception as e:
            if copies:
                bd.copy_back(copies, self.result)
            self.py_error(e)
        except BaseException:
            if copies:
                bd.copy_back(copies, self.result)
            raise
        if copies:
            bd.copy_back(copies, self.result)
            kept = bd.copy_kept(copies, before, r, repr(self.__lua_proxy__))
            if kept is not None:
                self.py_error(kept)
            r = bd.copies_back(copies, r)
        return r

    def results(self, r: Any) -> Any:
        # the helper's results: the count, then the values (0 alone: none)
        if r.__class__ is not tuple:
            return _lcore.NORES
        if r[0] == 1:
            v = r[1]
            if v.__class__ in _PLAIN:
                return v
            return self.result(v)
        return Multi([self.result(x) for x in r[1:]])

    def bridged_call(self, args: Any) -> Any:
        """The object called by translated code through the bridge, as
        native Lua calls it (a Python object that is not callable: Python's
        TypeError as the error value)."""
        for a in args:
            if a.__class__ not in _PLAIN:
                return self.converting(args)
        try:
            r = self.call(self.bd.from_lt(self), *args)
        except self.lerr as e:
            self.lua_error(e)
        except Exception as e:
            self.py_error(e)
        return self.results(r)

    def __repr__(self) -> str:
        return '<translated code\'s view of %r>' % (self.__lua_proxy__,)


class PyCallable(PyObject):
    """A Python callable reached by translated code (an argument, a global,
    an upvalue, a field of a Lua table, a result). Native Lua sees such a
    callable as a userdata and calls it through the bridge; so does
    translated code: the call runs through the runtime (a Lua function that
    calls it and counts its results), so its arguments are converted as the
    bridge converts Lua values for Python (luart strings arrive as `str`, or
    `bytes` when not UTF-8; a table made by translated code as a Lua table of
    the runtime holding a copy, whose changes are copied back when the call
    returns) and its results as the bridge converts Python values for Lua
    (`str` -> a Lua string, tuples kept whole or unpacked as the runtime's
    unpack_returned_tuples says, lists and dicts staying Python objects).
    An exception it raises is the error value native Lua sees: the
    exception object itself, or the Lua value a Lua error carried through
    it. type() is 'userdata' and tostring() the bridge's, as natively."""
    __slots__ = ('direct',)

    def __init__(self, f: Any, bd: 'Boundary') -> None:
        super().__init__(f, bd)
        self.direct = _direct_kind(f)

    def __call__(self, *args: Any) -> Any:
        kind = self.direct
        if kind:
            return _direct_call(self.bd, self.__lua_proxy__, kind, args, self)
        return self.bridged_call(args)

    def returned_as(self, r: Any) -> Any:
        """What translated code gets of r returned by a Python callable:
        the bridge's conversion of a call's result (a str, bytes, a tuple
        kept whole or unpacked, an int past 64 bits through the overflow
        handler, an object): Boundary.pushed, and for a tuple a call through
        the runtime of a function returning it."""
        if not isinstance(r, tuple):
            return self.bd.pushed(r)
        try:
            got = self.call(lambda: r)
        except self.lerr as e:
            self.lua_error(e)
        except Exception as e:
            self.py_error(e)
        return self.results(got)


def _direct_kind(f: Any) -> int:
    """How PyCallable calls f without the bridge: 1 a plain Python function
    (it takes every argument), 2 a method of one (given its own object
    first, the bridge calls the function with every argument), 3 a method
    of a built-in type (given its own object first, the bridge drops it);
    0 through the bridge: tandem's own functions and types (they may ask
    which runtime called them) and anything else."""
    c = f.__class__
    if c is types.FunctionType:
        return 0 if f.__code__.co_filename.startswith(_OWN_DIR) else 1
    if c is types.MethodType:
        fn = f.__func__
        if fn.__class__ is types.FunctionType and not fn.__code__.co_filename.startswith(_OWN_DIR):
            return 2
        return 0
    if c is types.BuiltinMethodType:
        o = f.__self__
        if o is None or type(o).__module__.startswith('tandem'):
            return 0
        if o.__class__ is types.ModuleType:
            # a module's function (math.sqrt) takes every argument
            return 0 if o.__name__.startswith('tandem') else 1
        return 3
    return 0


def _direct_call(bd: 'Boundary', f: Any, kind: int, args: Any, w: Any) -> Any:
    """f (of _direct_kind kind) called by translated code with args, as the
    bridge would call it: a plain Python function or method called with
    numbers, booleans, nil, strings and Python objects is called here
    (op_call: a function takes every argument, a method given its own
    object first drops it; a Lua string arrives as the runtime's encoding
    decodes it, bytes when it does not; a Python object as itself), its
    result as the bridge gives it to Lua (returned_as). Other arguments: the
    call through the bridge (w, f's PyCallable, or None to make it). It was
    a call through the bridge and back: 665-891 ns per call of `lambda x:
    x + 1`."""
    a = args
    for x in args:
        if x.__class__ not in _PLAIN or x != x:    # (a NaN: _direct_args copies it)
            a = _direct_args(bd, args)
            if a is None:
                if w is None:
                    w = bd.foreign(f, PyCallable)
                return w.converting(args)
            break
    if kind != 1 and a and a[0] is f.__self__:
        if kind == 2:
            f = f.__func__      # Lua's o:m(x) passes o twice
        else:
            a = a[1:]
    try:
        try:
            r = f(*a)
        finally:
            bd.live.sync()      # Python code ran: it may have changed the runtime
    except Exception as e:
        bd.raised(e)
    c = r.__class__
    if c is int:
        if -0x8000000000000000 <= r <= 0x7fffffffffffffff:
            return r
    elif c is float or c is bool or r is None:
        return r
    return _direct_result(bd, r, f, w)


def _direct_result(bd: 'Boundary', r: Any, f: Any, w: Any) -> Any:
    """f's result r as the bridge gives it to Lua, r not a number that
    stays one, a boolean or None (those: r itself)."""
    if not isinstance(r, tuple):
        return bd.pushed(r)
    if w is None:
        w = bd.foreign(f, PyCallable)
    return w.returned_as(r)


def _direct_args(bd: 'Boundary', args: Any) -> Any:
    """args of a direct call as the bridge gives them to Python (a Lua
    string decoded, a Python object as itself), or None when one of them is
    anything else (a table, a function: the call goes through the bridge)."""
    a = []
    for x in args:
        c = x.__class__
        if c in _PLAIN:
            a.append(x if x == x else -(-x))    # a NaN: a new float (_pyc_key)
        elif c is bytes:
            a.append(bd.from_lt(x))
        elif c is PyObject or c is PyCallable:
            o = x.__lua_proxy__
            if o.__class__ is _PyArguments or not bd.keeps(o):
                return None     # (python.args{...}: the bridge unpacks it)
            a.append(o)
        else:
            return None
    return a


def _pyc_op(w: Any, i: int, *args: Any) -> Any:
    """A bridge operation on the callable, run by Lua code as native Lua runs
    it; errors as from a call."""
    try:
        try:
            r = w.bd.pycall_helpers()[i](w.bd.from_lt(w), *args)
        finally:
            w.bd.live.sync()    # Python code ran: the globals are read again
    except w.lerr as e:
        w.lua_error(e)
    except Exception as e:
        w.py_error(e)
    return w.result(r)


def _pyc_tostring(w: Any, *_: Any) -> Any:
    return _pyc_op(w, 1)


def _pyc_key(bd: Any, k: Any) -> Any:
    """The Python value the bridge gives for k, a key or a value translated
    code indexes a Python object with (a translated table: the Lua table it
    becomes, adopted: Boundary.adopt)."""
    c = k.__class__
    if c in _PLAIN:
        # a NaN as a new float, as every crossing of the bridge makes one
        # (luart's NaNs are often one object: a dict key, list.count's
        # identity test would tell them apart)
        return k if k == k else -(-k)
    if c is bytes:
        return bd.from_lt(k)    # decoded as the bridge decodes a Lua string
    if c is PyObject or c is PyCallable:
        # the object, when the bridge gives it back as itself
        o = k.__lua_proxy__
        return o if bd.keeps(o) else _MISS
    return bd.from_lt(k)


def _pyc_index(w: Any, k: Any, *_: Any) -> Any:
    """o[k] (o.k) of a Python object in translated code: Lua's indexing of a
    Python object (the runtime's attribute handlers and filter, items for an
    object with __getitem__, else attributes), run here by the bridge's own
    rules (_tandem._index) without a trip into Lua; the value as the bridge
    gives it to Lua (Boundary.pushed). It was 8 us a step through Lua."""
    bd = w.bd
    o = w.__lua_proxy__
    if o.__class__ is _Wrapper:
        return _pyc_op(w, 3, bd.from_lt(k))    # its own protocol
    if k.__class__ is bytes and bd.enc == 'utf-8':
        try:
            key = k.decode('utf-8')     # (_pyc_key, inline: the common name)
        except UnicodeDecodeError:
            key = k
    else:
        key = _pyc_key(bd, k)
    if key is _MISS:
        return _pyc_op(w, 3, bd.from_lt(k))
    try:
        try:
            v = _index(bd.lua, o, key)
        finally:
            bd.live.sync()      # a property or __getitem__ may have changed the runtime
    except Exception as e:
        bd.raised(e)
    return bd.pushed(v)


def _pyc_mlook(w: Any, name: Any) -> Any:
    """What translated code's o:name(...) calls, o a Python object: Lua's
    indexing of o (_pyc_index) and, for a plain Python function or method
    found there, a function calling it directly with (o, args) as the bridge
    would call the value (_direct_call), without making its PyCallable."""
    bd = w.bd
    o = w.__lua_proxy__
    if name.__class__ is bytes and bd.enc == 'utf-8':
        try:
            key = name.decode('utf-8')  # (_pyc_key, inline: the common name)
        except UnicodeDecodeError:
            key = name
    else:
        key = _pyc_key(bd, name)
    if o.__class__ is _Wrapper or key is _MISS:
        return _pyc_op(w, 3, bd.from_lt(name))
    try:
        try:
            v = _index(bd.lua, o, key)
        finally:
            bd.live.sync()      # (as _pyc_index)
    except Exception as e:
        bd.raised(e)
    if v.__class__ is _MethodType and v.__self__ is o and bd.same_cls.get(o.__class__) is True:
        fn = v.__func__
        if fn.__class__ is _FunctionType and not fn.__code__.co_filename.startswith(_OWN_DIR):
            # a method of a Python function on o, o kept by the bridge
            # (the common o:m(x)): given w first, with arguments that
            # cross unchanged, fn(o, ...) is what _direct_call would run
            def bound(*args: Any) -> Any:
                if args and args[0] is w:
                    a = args[1:]
                    for x in a:
                        if x.__class__ not in _PLAIN or x != x:
                            break
                    else:
                        try:
                            try:
                                r = fn(o, *a)
                            finally:
                                bd.live.sync()      # (as _direct_call)
                        except Exception as e:
                            bd.raised(e)
                        c = r.__class__
                        if c is int:
                            if -0x8000000000000000 <= r <= 0x7fffffffffffffff:
                                return r
                        elif c is float or c is bool or r is None:
                            return r
                        return _direct_result(bd, r, v, None)
                return _direct_call(bd, v, 2, args, None)
            return bound
    kind = _direct_kind(v)
    if not kind:
        return bd.pushed(v)

    def method(*args: Any) -> Any:
        return _direct_call(bd, v, kind, args, None)
    return method


def _pyc_newindex(w: Any, k: Any, v: Any, *_: Any) -> Any:
    bd = w.bd
    o = w.__lua_proxy__
    key = _pyc_key(bd, k)
    val = _pyc_key(bd, v)
    if o.__class__ is _Wrapper or key is _MISS or val is _MISS:
        _pyc_op(w, 4, bd.from_lt(k), bd.from_lt(v))
        return _lcore.NORES
    try:
        try:
            _index(bd.lua, o, key, val)
        finally:
            bd.live.sync()      # (as _pyc_index: a setter ran)
    except Exception as e:
        bd.raised(e)
    return _lcore.NORES


def _pyc_len(w: Any, *_: Any) -> Any:
    return _pyc_op(w, 5)


# The operators of Lua on a Python object: the bridge's metatable for Python
# objects has every event (lforeign.c `metamethods`); translated code runs the
# same Lua operation on the same values, so the bridge's metamethod answers
# (Python's operator, its exception as the error value) as natively.
_OPS = (('__add', 'a + b'), ('__sub', 'a - b'), ('__mul', 'a * b'), ('__div', 'a / b'),
        ('__mod', 'a % b'), ('__pow', 'a ^ b'), ('__idiv', 'a // b'), ('__band', 'a & b'),
        ('__bor', 'a | b'), ('__bxor', 'a ~ b'), ('__shl', 'a << b'), ('__shr', 'a >> b'),
        ('__concat', 'a .. b'), ('__eq', 'a == b'), ('__lt', 'a < b'), ('__le', 'a <= b'),
        ('__unm', '-a'), ('__bnot', '~a'), ('__call', 'a(...)'))


def _op_helpers(lua: Any) -> Dict[str, Any]:
    """The Lua functions running each operator of _OPS natively, per runtime."""
    h = _ophelpers.get(lua)
    if h is None:
        fns = lua.execute('return ' + ', '.join(
            'function(a, b, ...) return %s end' % code for _, code in _OPS))
        h = _ophelpers[lua] = {ev: f for (ev, _), f in zip(_OPS, fns)}
    return h


def _pyc_run(w: Any, fn: Any, args: Any) -> Any:
    """An operator's Lua function run for the Python object w: its one result."""
    return w.result(w.run(fn, args))


def _pyc_mm(ev: str) -> Any:
    if ev in ('__unm', '__bnot'):
        def unary(a: Any, *_: Any) -> Any:
            return _pyc_run(a, _op_helpers(a.bd.lua)[ev], (a,))
        return unary
    if ev == '__call':
        def call(a: Any, *args: Any) -> Any:
            # a Python object that is not callable, called: the bridge's
            # __call (Python's TypeError as the error value), as natively
            return a.bridged_call(args)
        return call

    def binary(a: Any, b: Any, *_: Any) -> Any:
        # Lua chose this metamethod: a Python object is one of the operands
        w = a if isinstance(a, PyObject) else b
        return _pyc_run(w, _op_helpers(w.bd.lua)[ev], (a, b))
    return binary


PyObject.lua_meta = _lcore.table_new(kv=[   # type: ignore[attr-defined]
    (b'__tostring', _pyc_tostring), (b'__name', b'python_object'),
    (b'__index', _pyc_index), (b'__newindex', _pyc_newindex), (b'__len', _pyc_len)]
    + [(ev.encode(), _pyc_mm(ev)) for ev, _ in _OPS])
_lcore.USERDATA_EQ.update((PyObject, PyCallable))
# translated code run by a Lua coroutine of a runtime cannot yield to it
_lcoro.OUTER = _tandem._caller_in_coroutine
# string arithmetic under the runtime's string metatable (_luastrmt)
_lcore.STRMT = _luastrmt.strmt
# ... and under its metatables of numbers, booleans, nil, functions (_luatypemt)
_lcore.TYPEMT = _luatypemt.typemt
_lcore.MLOOK.update({PyObject: _pyc_mlook, PyCallable: _pyc_mlook})
_lcore.UDINDEX.update({PyObject: _pyc_index, PyCallable: _pyc_index})
_lcore.UDSETINDEX.update({PyObject: _pyc_newindex, PyCallable: _pyc_newindex})


def _is_lua_frame(f: Any) -> bool:
    """f is a frame the bridge made for a Lua level in a Python traceback
    (perror.c's lua_traceback runs code raising its _Mark there)."""
    m = f.f_globals.get('_e')
    return m is not None and getattr(m, '__name__', None) == '_Mark'


class _Meta:
    """A metamethod given back by Boundary.lua_length or a view's index
    lookup (index_fn), not a value."""
    __slots__ = ('f',)

    def __init__(self, f: Any) -> None:
        self.f = f


class _SetInto:
    """A __newindex table or userdata given back by Boundary.lua_setindex."""
    __slots__ = ('v',)

    def __init__(self, v: Any) -> None:
        self.v = v


class _Box(_lcore.ViewOps):
    """Holds the Lua table of a view inside the view's metatable (not a Lua
    value), with the raw operations luart's rawget, rawset, rawlen, next,
    getmetatable and setmetatable run on a view: Lua's own on the table."""
    __slots__ = ('v', 'bd')

    def __init__(self, v: Any, bd: 'Boundary') -> None:
        self.v = v
        self.bd = bd

    def event(self, ev: Any) -> Any:
        """An operator event or __name of the Lua table, read from its
        metatable when the operation runs, so one changed while translated
        code runs is seen (found by luaback_fuzz --objects: `t .. 'x'`,
        `1 + t`, `t()`, `-t` of a table with those events raised Lua's
        "attempt to ..." error)."""
        if ev not in _VIEW_EVENTS:
            return None
        return self.bd.table_event(self.v, ev)

    def lua(self, i: int, *args: Any) -> Any:
        bd = self.bd
        try:
            return bd.raw_helpers()[i](self.v, *[bd.from_lt(a) for a in args])
        except Exception as e:
            bd.raised(e)

    def rawget(self, k: Any) -> Any:
        return self.bd.to_lt(self.lua(0, k))

    def rawset(self, k: Any, v: Any) -> None:
        self.bd.live.writing(self.v, k)
        self.lua(1, k, v)
        self.bd.live.wrote(self.v)

    def rawlen(self) -> Any:
        return self.lua(2)

    def next(self, k: Any) -> Any:
        return self.bd.results_in(self.lua(3, k))

    def getmetatable(self) -> Any:
        return self.bd.to_lt(self.lua(4))

    def setmetatable(self, mt: Any) -> None:
        if self.lua(5, mt) is False:    # Lua's error, with the caller's position
            _lcore.liberror(b'cannot change a protected metatable')
        self.bd.live.wrote(self.v)


_lcache: Any = PerRuntime('lcache')  # runtime -> {lua function: entry}
_sources: Any = weakref.WeakKeyDictionary()   # entry -> generated Python source
_refused: Any = PerRuntime('refused')  # runtime -> {lua function: why not translated}
_auto: Any = PerRuntime('auto')  # runtime -> {lua function: entry}, callees
_VIEW_OF = b'__view_of'   # the key of a view's _Box in its metatable (luart's ViewOps)


def _sweep_views(views: Dict[int, Any], at: list) -> None:
    """Drop the entries of the views collected since the last sweep, and
    sweep next when the live ones have doubled (at least 64): amortised
    constant time per view made, without a callback per view."""
    for k, r in views.copy().items():
        # (the copy: code run by an allocation here may enter a view)
        if r() is None and views.get(k) is r:
            del views[k]
    at[0] = max(64, 2 * len(views))


_shared: Any = PerRuntime('shared')  # runtime -> (views, wrappers, bridged, pycalls) of its Boundaries
_callwhere: Any = PerRuntime('callwhere')  # runtime -> Boundary.call_where's result
_helpers: Any = PerRuntime('helpers')  # runtime -> (call, tostring) Lua functions of PyCallable
_ophelpers: Any = PerRuntime('ophelpers')  # runtime -> {event: Lua function}, _op_helpers
_protocol: Any = PerRuntime('protocol')  # runtime -> Boundary.protocol's Lua functions
_rawhelpers: Any = PerRuntime('rawhelpers')  # runtime -> Boundary.raw_helpers' Lua functions
_metamakers: Any = PerRuntime('metamakers')  # runtime -> (maker, sentinel) of lua_function
# names a compatibility build of Lua 5.4 gives to a function it also has
# under its own name (lmathlib.c: math.atan2 is math_atan): stdlib maps the
# function by its own name
_COMPAT_ALIASES = frozenset([('math', 'atan2')])
# the standard library functions translated code runs natively, through the
# bridge: the io library (its files are the runtime's userdata, its default
# input and output the runtime's: io.output(f) natively is seen by
# translated io.write) and print (Lua's C stdout, not Python's sys.stdout,
# so the output of both interleaves in order and a redirection of Python's
# sys.stdout does not move it); os functions that read or change the
# process are luart's own equivalents
_NATIVE_IO = frozenset([('_G', 'print')])
_stdmaps: Any = PerRuntime('stdmaps')  # runtime -> Boundary.stdlib's two dicts
# the prologue of the Lua helpers that read raw metatables: getmt is
# debug.getmetatable, nil without the debug library
_GETMT_LUA = ('local getmt = rawget(_ENV, "debug")\n'
              'getmt = type(getmt) == "table" and rawget(getmt, "getmetatable") or nil\n')
# The events of a Lua table's metatable a view forwards as they are when the
# operation runs (_Box.event; the view's own are __index, __newindex, __len,
# __pairs).
_VIEW_EVENTS = frozenset((b'__add', b'__sub', b'__mul', b'__div', b'__mod', b'__pow',
                          b'__unm', b'__idiv', b'__band', b'__bor', b'__bxor', b'__shl',
                          b'__shr', b'__bnot', b'__concat', b'__call', b'__eq', b'__lt',
                          b'__le', b'__name', b'__tostring', b'__close'))


_NOLV = object()
_holes: Any = PerRuntime('holes')   # runtime -> a Lua function returning {...}


def _hole_pads(n: int, nh: int) -> list:
    """table_from's arguments for an empty Lua table with an array part of
    n and a hash part of room for nh keys: n nils for the keys 1 ... n, then
    nh pairs of keys 1 ... again with nil values (stored into the array
    part, so no key is inserted, even where Lua would insert a nil-valued
    one)."""
    objs: list = [[None] * n]
    while nh > 0:
        objs.append(dict.fromkeys(range(1, min(nh, n) + 1)))
        nh -= n
    return objs


_MISS = object()    # Boundary.protocol's "not found, here is the metamethod"
# what Boundary.protocol and raw_helpers give for python.none, which the
# bridge would give as None (nil): a value, not nil (_luapylib)
_NONEK = object()
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
        r = acc(i + 1)
        if r is None:
            # nil, or a userdata the bridge gives as None: python.none
            return _luapylib.none(bd) if acc(-i - 1) else None
        return bd.to_lt(r)
    if isinstance(text, bytes):
        text = text.decode('utf-8')
    pf, src, fill = compile_ir_late(text, bd.env(), uv if acc is not None else None,
                                    bd.live.names())
    bd.err_cls = err_cls
    entry = bd.entry(pf, fill.entry, fill.globals)
    bd.wrappers[pf] = entry
    bd.origins[pf] = fn     # leaving translated code, pf is fn again
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


# what _luapylib makes its values of
Boundary.pyobject_cls = PyObject
Boundary.pycallable_cls = PyCallable
Boundary.own_dir = _OWN_DIR
