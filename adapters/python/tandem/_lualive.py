"""The globals of translated Lua code inside a runtime (issue 10): the
runtime's own, read live (docs/translation.md "Globals and upvalues").

Translated code's global table is the view of the runtime's `_G`: a global,
a library table (`string`, `math` ...) and a library field (`math.pi`,
`string.trim` a Lua program added) are what native code reads at that
moment; the standard library's C functions read there become luart's own
(Boundary.stdlib), and any other value converts as every value does
(Boundary.to_lt: a Lua function translated, a table as its view). Writes go
to the runtime's tables.

Reads are cached, and a cache holds only while what it read is still
there: a raw hit of `_G` (a global) or of a table held there (a library
field): a value that is not nil, which Lua's indexing gives without
consulting any metatable. The runtime's Lua state changes only while Lua
or Python code other than translated code runs, so every entry into
translated code from the bridge, every crossing out of it that runs code
(a call of a Lua function through the bridge, of a Python callable, a
Python function called directly, a Python object's attribute or item or
other operation, a view's `__pairs`), and translated code's own
write into `_G` or into a table a cache read (Boundary.wrote) check the
caches (Live.sync): each raw read a cache holds is read again in C without
a frame (`_tandem._peek`: a plain value compared by type and value, a Lua
object by its identity, 'id'), and only when one changed (or cannot be
read so: other Python threads) do all caches end. A value read again after
that is found by its object's identity (the memo) without a crossing.
String methods (`s:upper()`) are the runtime string metatable's `__index`
fields, cached the same way.
"""

import sys
import weakref
from typing import Any, Dict

from . import _tandem, _luastrmt, _luatypemt
from .luart import _core as _lcore
from .luart import lemit as _lemit
from .luart import lpattern as _lpattern
from .luart import lbase as _lbase
from .luart import LuaTable

_lcore.runtime_file(__file__)

_EPOCH = _lcore.EPOCH
_PROOFS = _lcore.PROOFS
_peek = _tandem._peek
_MISS = object()
_str_gmatch = _lpattern.str_gmatch
_iter_gmatch = _lpattern.iter_gmatch

# (o, k) -> o[k], and whether it was a raw hit of the string metatable's
# __index table (one without a metatable: nothing ran, it may be cached)
_STRFIELD = """local rawget, type, dgm = rawget, type, debug and debug.getmetatable
return function(o, k)
  local mt = dgm and dgm(o)
  local ix = type(mt) == "table" and rawget(mt, "__index")
  if type(ix) == "table" and dgm(ix) == nil then
    local v = rawget(ix, k)
    if v ~= nil then return v, true, ix end
  end
  return o[k], false
end"""


class Live:
    """The live globals of one runtime's translated code: the caches, and
    the functions the generated code runs for them (bound by
    lemit.emit_globals: _ENVget, _ENVmiss, _libget, _mlook, _gmlook, _SYNC)."""

    def __init__(self, bd: Any, box_cls: Any) -> None:
        self.bd = bd        # the runtime's first Boundary (its shared caches)
        self.box_cls = box_cls      # the class of a view's box (_luabound._Box)
        self.G = bd.G
        self.gcache: Dict[bytes, Any] = {}     # global name -> value (raw hits)
        self.scache: Dict[bytes, Any] = {}     # string method name -> value
        self.env: Any = None
        self.strfield_fn: Any = None
        self.ENVget = self.gcache.get
        self.co_yield = _lemit._co_yield
        # the runtime's string metatable in luart's string arithmetic
        self.strmt = _luastrmt.for_runtime(bd)
        # and its metatables of numbers, booleans, nil, functions
        self.typemt = _luatypemt.for_runtime(bd)
        # [whether a cache was filled since the last sync]: when none was,
        # every cache is already older than the last sync and an entry
        # need not end them (a function reading no global pays one test)
        self.filled = [False]
        # identity of a Lua object read raw (_peek 'id') -> (its proxy, its
        # value in translated code): a read again after a sync, no crossing
        self.memo: Dict[int, Any] = {}
        # the raw reads the caches hold: (id(table), key) -> (table, key,
        # identity or plain value, whether an object), validated by sync;
        # blind[0]: a cached read that cannot be read again without a frame
        self.log: Dict[Any, Any] = {}
        self.loglist: list = []     # log's entries, for _tandem._peek_same
        self.pending: Any = None    # (t, k, identity): known()'s last miss
        self.keys: Dict[bytes, Any] = {}    # key(): string keys as one object each
        self.blind = [False]
        self.sync = self.make_sync()
        # the runtime's string metatable (a proxy), which translated code
        # may read but not change (writing)
        try:
            self.smt = bd.lua.execute('local d = rawget(_ENV, "debug") '
                                      'return (d and d.getmetatable or getmetatable)("")')
        except Exception:
            self.smt = None

    def environment(self) -> LuaTable:
        """_ENV: the view of the runtime's _G (its live reads and writes)."""
        if self.env is None:
            self.env = self.bd.to_lt(self.G)
        return self.env

    def make_sync(self) -> Any:
        """sync(): something may have changed the runtime's tables, every
        cached read is read again (the epoch of every call site's cache,
        and the caches of globals and string methods). A closure with
        _core.bump inline: it runs at every entry."""
        log, loglist, blind, same = self.log, self.loglist, self.blind, _tandem._peek_same

        def sync(_E: Any = _EPOCH, _o: Any = object, _P: Any = _PROOFS,
                 g: Any = self.gcache, s: Any = self.scache, f: Any = self.filled) -> None:
            if not f[0]:
                return      # no cache filled since the last sync
            if not blind[0] and same(loglist):
                # every raw read a cache holds, read again in C (no frame):
                # all still there, every cache holds
                return
            f[0] = False
            blind[0] = False
            log.clear()
            loglist.clear()
            _E[0] = _o()
            if _P:
                _lcore.bump()
            if g:
                g.clear()
            if s:
                s.clear()
        return sync

    def raw(self, t: Any, k: Any) -> Any:
        """rawget(t, k) of the Lua table t (k a bridge value): without a
        frame when _peek can, else through the bridge. A value that is not
        nil is what indexing t gives whatever its metatable: Lua consults
        __index only for a nil raw value."""
        r = _peek(t, k, _MISS)
        if r is _MISS:
            bd = self.bd
            try:
                r = bd.raw_helpers()[0](t, k)
            except Exception as e:
                bd.raised(e)
        return r

    def rawlt(self, t: Any, k: Any) -> Any:
        """raw(t, k) as translated code sees it (to_lt), None for nil. An
        object read before is known by its identity without a crossing
        (_peek's 'id': a raw read in C), its value taken from the memo,
        which holds the object (so the identity stays its own)."""
        tok = _peek(t, k, _MISS, 'id')
        if tok is not _MISS:
            v = self.memo_get(tok)
            if v is not None:
                return v
        r = self.raw(t, k)
        if r is None:
            return None
        bd = self.bd
        v = bd.to_lt(r)
        if tok is _MISS and bd.lua_type(r) is not None:
            tok = _peek(t, k, _MISS, 'id')    # (the key may be known now)
        if tok is not _MISS:
            self.memo_put(tok, r, v)
        return v

    def memo_get(self, tok: int) -> Any:
        """The value the memo keeps for the object of identity tok, or None
        (unknown, or a view that died)."""
        hit = self.memo.get(tok)
        if hit is None:
            return None
        if hit.__class__ is tuple:
            return hit[1]
        return hit()

    def memo_put(self, tok: int, r: Any, v: Any) -> None:
        """Keep v, the value of the object of identity tok (r: what holds
        that object, or None when v does). A view holds its table (so the
        identity stays its own while the entry lives) but is held weakly: a
        table the program drops is not kept alive by the memo; any other
        value is kept with what holds its object (stdlib's map, a bridged
        function's wrapper, the translation's origin)."""
        memo = self.memo
        if len(memo) >= 4096:
            memo.clear()
        memo[tok] = weakref.ref(v) if v.__class__ is LuaTable else (r, v)

    def key(self, k: bytes) -> Any:
        """The bridge key of the string k, the same str object each time:
        the Lua adapter's string cache (which _peek needs to push a key
        without allocating) knows a key by its object."""
        v = self.keys.get(k)
        if v is None:
            v = self.bd.from_lt(k)
            if v.__class__ is str:
                v = sys.intern(v)
            if len(self.keys) >= 4096:
                self.keys.clear()
            self.keys[k] = v
        return v

    def known(self, t: Any, k: Any) -> Any:
        """The value in translated code of the object t[k] holds raw, when
        the memo knows it (a view's read: a raw hit is the index); else
        None, and the read takes its frame. What the read converts is
        remembered (remember)."""
        tok = _peek(t, k, _MISS, 'id')
        if tok is _MISS:
            self.pending = None
            return None
        v = self.memo_get(tok)
        if v is None:
            self.pending = (t, k, tok)
        return v

    def remember(self, t: Any, k: Any, v: Any) -> None:
        """v (to_lt's value) is what the raw read of t[k] that known() last
        missed gave: the memo keeps it by the object's identity (memo_put;
        v holds its object)."""
        p = self.pending
        self.pending = None
        if p is None or p[0] is not t or p[1] != k or v is None:
            return
        self.memo_put(p[2], None, v)

    def note(self, t: Any, k: Any) -> None:
        """A cache now holds t[k]'s raw value (k a bridge key): sync reads
        it again to tell whether the caches still hold."""
        key = (id(t), k)
        if key in self.log:
            return
        tok = _peek(t, k, _MISS, 'id')
        if tok is not _MISS:
            e = self.log[key] = (t, k, tok, True)
            self.loglist.append(e)
            return
        val = _peek(t, k, _MISS)
        if val is _MISS or val is None:
            self.blind[0] = True        # (other threads, an unknown key)
            return
        e = self.log[key] = (t, k, val, False)
        self.loglist.append(e)

    def ENVmiss(self, k: bytes) -> Any:
        """The global k not in the cache: the runtime's _G[k]. A raw hit is
        cached; a nil raw value takes the index protocol of the view (_G's
        own __index, run as natively), uncached."""
        fk = self.key(k)
        v = self.rawlt(self.G, fk)
        if v is None:
            return _lcore.index(self.environment(), k)
        self.note(self.G, fk)
        self.gcache[k] = v
        self.filled[0] = True
        return v

    def libget(self, s: list, H: Any, k1: bytes, k2: bytes) -> Any:
        """lemit._libget for the runtime: the value of k1.k2 when both are
        raw hits (_G's field k1 a table holding k2),
        cached in the call site's s with the epoch; else None (the site
        takes the full reads until the epoch changes)."""
        ep = _EPOCH[0]
        t = self.gcache.get(k1)
        if t is None:
            t = self.ENVmiss(k1)
        if t.__class__ is LuaTable and t.meta is not None and self.gcache.get(k1) is t:
            box = t.meta.hash.get(_VIEW_OF)
            if box.__class__ is self.box_cls:
                tt = box.v
                fk = self.key(k2)
                v = self.rawlt(tt, fk)
                if v is not None:
                    if ep is _EPOCH[0]:
                        self.note(tt, fk)
                        self.filled[0] = True
                        s[0] = ep
                        s[1] = v
                        if v is self.co_yield and len(s) > 2:
                            s[2] = True         # the proof a yield statement tests
                            _PROOFS.append(s)
                            if ep is not _EPOCH[0]:
                                s[2] = False
                        return v
                    s[0] = None     # ended while reading (a callee translated)
                    return v
        s[0] = ep
        s[1] = None
        self.filled[0] = True
        return None

    def strfield(self, o: bytes, name: bytes) -> Any:
        """o[name] for a string o, by the runtime's string metatable;
        cached when it was a raw hit of its __index table."""
        bd = self.bd
        f = self.strfield_fn
        if f is None:
            f = self.strfield_fn = bd.lua.execute(_STRFIELD)
        try:
            r = f(bd.from_lt(o), bd.from_lt(name))
        except Exception as e:
            bd.raised(e)
        v = bd.to_lt(r[0])
        if r[1] is True and v is not None and self.smt is not None:
            self.note(self.smt, '__index' if bd.enc is not None else b'__index')
            self.note(r[2], self.key(name))
            self.scache[name] = v
            self.filled[0] = True
        return v

    def strmethod(self, o: bytes, name: bytes) -> Any:
        """The method name of the string o: cached, else strfield."""
        f = self.scache.get(name)
        if f is None:
            f = self.strfield(o, name)
        return f

    def ix(self, o: Any, k: Any, desc: Any) -> Any:
        """lemit._ix: a string's field (`s.k`, `s['k']`) is the runtime's
        string metatable's, as its methods are."""
        if o.__class__ is bytes and k.__class__ is bytes:
            return self.strmethod(o, k)
        return _lemit._ix(o, k, desc)

    def gix(self, o: Any, k: Any, desc: Any) -> Any:
        """lemit._gix (in a generator body): the same."""
        if o.__class__ is bytes and k.__class__ is bytes:
            return self.strmethod(o, k)
        return (yield from _lemit._gix(o, k, desc))

    def mlook(self, o: Any, name: bytes, desc: Any) -> Any:
        """lemit._mlook: a string's method is the runtime's."""
        if o.__class__ is bytes:
            return self.strmethod(o, name)
        return _lemit._mlook(o, name, desc)

    def gmlook(self, o: Any, name: bytes, desc: Any) -> Any:
        """lemit._gmlook (in a generator body): the same."""
        if o.__class__ is bytes:
            return self.strmethod(o, name)
        return (yield from _lemit._gmlook(o, name, desc))

    def forin_gmatch(self, s: Any, p: Any, desc: Any) -> Any:
        """lemit._forin_gmatch: `for ... in s:gmatch(p)` is luart's
        generator when the runtime's strings' gmatch is the library's."""
        if s.__class__ is bytes and p.__class__ is bytes:
            f = self.strmethod(s, b'gmatch')
            if f is _str_gmatch:
                return _iter_gmatch(s, p)
            return _lemit._forin((*_lcore.allv(_lemit._invokef(f, b'gmatch', s, p)),))
        return _lemit._forin_gmatch(s, p, desc)

    def getmetatable_fn(self, cf: Any) -> Any:
        """luart's getmetatable in the runtime, where Lua's C getmetatable
        is cf: the metatable of a string, a number, a boolean or nil is the
        runtime's (cf's answer, its view: `getmetatable("").__index ==
        string`; one `debug.setmetatable(10, mt)` gave numbers), else
        luart's."""
        bd, base = self.bd, _lbase.lua_getmetatable
        basic = (bytes, int, float, bool, type(None))

        def getmetatable(*a: Any) -> Any:
            if a and a[0].__class__ in basic:
                try:
                    r = cf(bd.from_lt(a[0]))
                except Exception as e:
                    bd.raised(e)
                return bd.to_lt(r)
            return base(*a)
        _lcore.CFUNCS.add(getmetatable.__code__)
        _lcore.QUALNAMES.setdefault(getmetatable.__code__, 'getmetatable')
        return getmetatable

    def writing(self, t: Any, k: Any) -> None:
        """Translated code is about to write t[k] into the Lua table t (a
        view's), by an assignment or rawset: the runtime's string metatable
        is refused (its methods are read live, mlook, but luart's own string
        operations, `s.k`, string arithmetic, `#`, run on luart's, which
        would not see the change), and so are `__tostring` and `__name` in
        the metatable of numbers, booleans, nil or functions (luart's
        tostring of those values does not read it: _luatypemt)."""
        if t is self.smt:
            raise _lcore.Refusal(
                "translated code cannot change the string metatable: luart's "
                "string operations would not see the change")
        if (k == b'__tostring' or k == b'__name') and _luatypemt.is_type_metatable(self.bd, t):
            raise _lcore.Refusal(
                "translated code cannot set %s in the metatable of a basic type: luart's "
                "tostring would not run it (docs/translation.md)" % k.decode())

    def wrote(self, t: Any) -> None:
        """Translated code wrote into the Lua table t (a view's): when a
        cache read t (a log entry's table, or any table while a read could
        not be logged), the caches are checked."""
        if self.blind[0] or any(e[0] is t for e in self.loglist):
            self.sync()

    def names(self) -> Dict[str, Any]:
        """The generated code's names for the live globals."""
        return dict(_ENV=self.environment(), _ENVget=self.ENVget, _ENVmiss=self.ENVmiss,
                    _libget=self.libget, _mlook=self.mlook, _gmlook=self.gmlook,
                    _ix=self.ix, _gix=self.gix,
                    _forin_gmatch=self.forin_gmatch, _SYNC=self.sync,
                    _FILLED=self.filled, _STRMT_RT=self.strmt, _TYPEMT_RT=self.typemt)


_VIEW_OF = b'__view_of'   # the key of a view's _Box in its metatable (as _luabound's)
