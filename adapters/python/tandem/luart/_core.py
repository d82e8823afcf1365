"""Lua 5.4 values and operators in plain Python (the core of tandem.luart).

Representation (see docs/luart.md):
  nil -> None, boolean -> bool, integer -> int (always in [-2**63, 2**63)),
  float -> float, string -> bytes, table -> LuaTable, function -> any Python
  callable, thread -> luart.coroutine.Coroutine.
Multiple results: a function returning exactly one value returns it bare; any
other number of results is returned as a Multi (a tuple subclass), NORES for
none.  first() and allv() adjust a call result to one value / a tuple.
"""

import math
import re
import sys
import traceback as _traceback
import weakref

_MIN = -0x8000000000000000
_MAX = 0x7fffffffffffffff
_MASK = 0xffffffffffffffff
_SIGN = 0x8000000000000000
_INF = math.inf
_DNAN = math.inf - math.inf     # the hardware's default NaN (what C's 0.0/0.0 gives)
_copysign = math.copysign
_fmod = math.fmod


class Multi(tuple):
    """Zero or several results of a Lua call (one result is returned bare)."""
    __slots__ = ()


NORES = Multi()


def first(r):
    """The first value of a call result (nil for no results)."""
    if r.__class__ is Multi:
        return r[0] if r else None
    return r


def allv(r):
    """All values of a call result, as a tuple."""
    if r.__class__ is Multi:
        return r
    return (r,)


def ret(*vals):
    """Build a call result from values (one value bare)."""
    if len(vals) == 1:
        return vals[0]
    return Multi(vals)


def retv(vals):
    """Build a call result from a sequence of values."""
    if len(vals) == 1:
        return vals[0]
    return Multi(vals)


class Refusal(NotImplementedError):
    """What translated code cannot do as native Lua would do it (a
    debug.getinfo of a level, a native coroutine reaching it, ...). Native
    Lua would not have raised there, so no pcall, xpcall or coroutine.resume
    of translated code catches it (lbase.error_value): the handler would
    take a path native Lua never takes. It ends the translated call."""


def refused(e):
    """Whether the exception e is a refusal: luart's, or a Python ->
    Lua translated function's (a NotImplementedError ending with '(tandem
    translation)', docs/translation.md)."""
    return isinstance(e, NotImplementedError) and (
        isinstance(e, Refusal) or str(e).endswith('(tandem translation)'))


class LuaError(Exception):
    """A Lua error: .value is the Lua error value (any Lua value)."""

    def __init__(self, value, traceback=None):
        Exception.__init__(self, value)
        self.value = value
        self.lua_traceback = traceback

    def __str__(self):
        v = self.value
        if v.__class__ is bytes:
            return v.decode('utf-8', 'replace')
        if v.__class__ is int or v.__class__ is float:
            return tostring(v).decode()
        return '(error object is a %s value)' % type_name(v)


# ---------------------------------------------------------------- positions

# Python file names of translated chunks -> Lua short source (bytes).
CHUNKS = {}
# Python file names of chunks whose Python lines are not the Lua lines ->
# a sequence mapping a Python line to its Lua line (standalone modules).
LINEMAPS = {}
# code objects of runtime functions that count as Lua C functions (levels).
CFUNCS = set()
# code object of a library function -> its global name ('string.rep')
QUALNAMES = {}
# code objects of translated main chunks (their Python line is 1, not 0)
MAINS = weakref.WeakSet()
_RTFILES = set()


def register_chunk(pyfilename, short_src, lines=None):
    """Declare that Python code compiled under pyfilename is Lua chunk short_src
    (its lines are the Lua lines, or lines[python_line] is the Lua line):
    errors get 'short_src:line:' positions."""
    if short_src.__class__ is str:
        short_src = short_src.encode()
    CHUNKS[pyfilename] = short_src
    if lines is not None:
        LINEMAPS[pyfilename] = lines
    else:
        LINEMAPS.pop(pyfilename, None)


def lualine(pyfilename, line):
    """The Lua line of a Python line of a registered chunk."""
    m = LINEMAPS.get(pyfilename)
    if m is None:
        return line
    return m[line] if 0 <= line < len(m) else 0


def runtime_file(fn):
    _RTFILES.add(fn)


runtime_file(__file__)


def cfunc(f):
    """Mark a runtime function as a Lua-level (C) function for error levels."""
    CFUNCS.add(f.__code__)
    return f


def where(level, frame=None):
    """luaL_where: b'chunk:line: ' for the Lua function at `level` (1 = the
    function that called the runtime), b'' for a C function or Python code.
    A function that tail-called the Lua function below it is no level: Lua
    replaced its frame (`return check(x)` and check's error(msg, 2))."""
    f = frame if frame is not None else sys._getframe(2)
    rt = _RTFILES
    below_lua = False
    while f is not None:
        code = f.f_code
        fn = code.co_filename
        if code in BOUNDARIES:
            return b''      # the level is outside the running coroutine
        if fn in rt and code not in CFUNCS:
            # (a function of the runtime between: the frame above called
            # it, not the Lua function, so its call is no tail call of one:
            # `return UNDECLARED` runs __index from _ENVmiss; a coroutine's
            # call trampoline, lemit._gcall, is the call itself)
            if code not in TRAMPOLINES:
                below_lua = False
            f = f.f_back
            continue
        if below_lua and fn in CHUNKS and _tail_calling(f):
            f = f.f_back        # (still below a Lua function: the one it called)
            continue
        if level <= 1:
            src = CHUNKS.get(fn)
            if src is None or code in CFUNCS:
                return b''
            return src + b':' + str(lualine(fn, f.f_lineno)).encode() + b': '
        level -= 1
        below_lua = fn in CHUNKS and code not in CFUNCS
        f = f.f_back
    return b''


_TAILS = {}     # code object -> f_lasti of its calls whose result it returns
TRAMPOLINES = set()     # code of runtime functions that are a call of translated code
BOUNDARIES = set()      # code of runtime functions below which a coroutine's stack ends


def _tail_calling(f):
    """Is frame f (of translated code) in a call whose result it returns at
    once (`return g(x)`: a Lua tail call)?"""
    return tail_calling_at(f.f_code, f.f_lasti)


def tail_calling_at(code, lasti):
    """_tail_calling of a frame of code stopped at lasti (a traceback's)."""
    tails = _TAILS.get(code)
    if tails is None:
        import dis
        tails = set()
        ins = list(dis.get_instructions(code))
        returns = {i.offset for i in ins if i.opname == 'RETURN_VALUE'}
        calls = ('CALL', 'CALL_FUNCTION_EX')
        entry = code.co_name.endswith('_entry')
        for n, i in enumerate(ins):
            if i.opname == 'SEND' and i.argval in returns:
                tails.add(i.offset)     # `return (yield from g(x))` in a coroutine
            if i.opname != 'RETURN_VALUE':
                continue
            j = n - 1
            while j >= 1 and ins[j].opname == 'POP_TOP' and ins[j - 1].opname == 'SWAP':
                j -= 2      # (a return inside a for loop pops its iterator first)
            if j < 0 or ins[j].opname not in calls:
                continue
            # (a frame in a call has f_lasti at the call's last code unit,
            # its inline caches included: the one before the next instruction)
            tails.add(ins[j + 1].offset - 2)
            if entry and j >= 2 and ins[j - 1].opname == 'PRECALL' and ins[j - 2].opname in calls:
                tails.add(ins[j - 1].offset - 2)    # the entry's `return _OUT(g(x))`
        if len(_TAILS) >= 512:
            _TAILS.clear()
        _TAILS[code] = tails
    return lasti in tails


def rterror(msg):
    """A runtime error raised by an operator: position of the running Lua
    function (luaG_runerror). Names in a str message (variable
    information) are Lua's bytes decoded as latin-1."""
    if msg.__class__ is str:
        try:
            msg = msg.encode('latin-1')
        except UnicodeEncodeError:
            msg = msg.encode()
    raise LuaError(where(1, sys._getframe(1)) + msg)


def libwhere():
    """luaL_where(L, 1) inside a library function: the position of the Lua
    function that called it (b'' when a C function or Python code did)."""
    f = sys._getframe(1)
    cf = CFUNCS
    while f is not None and f.f_code not in cf:
        f = f.f_back
    if f is None or f.f_back is None:
        return b''
    return where(1, f.f_back)


def liberror(msg):
    """An error raised by a library function (luaL_error)."""
    if msg.__class__ is str:
        msg = msg.encode('latin-1')
    raise LuaError(libwhere() + msg)


# ---------------------------------------------------------------- tables

class _BoolKey:
    __slots__ = ('v',)

    def __init__(self, v):
        self.v = v


_TRUEK = _BoolKey(True)
_FALSEK = _BoolKey(False)


# The epoch of the watched dicts: EPOCH[0] is replaced by a new object
# whenever a watched key of a WDict is written or removed. Generated code
# caches `lib.name` (a global holding a library table, then its field) per
# call site together with the epoch it was read at (lemit._libget): while
# EPOCH[0] is that object, neither dict has changed those keys since.
EPOCH = [object()]
# Call-site caches [epoch, value, proof] whose proof is set: proof True
# says "the epoch is current and the value is coroutine.yield" in one test
# (a yield statement's, lemit._libget); every bump clears them first.
PROOFS = []


def bump():
    """A watched key changed: a new epoch, and no cache's proof holds."""
    EPOCH[0] = object()
    if PROOFS:
        for c in PROOFS:
            c[2] = False
        PROOFS.clear()


class WDict(dict):
    """The hash part of the global table (w: the set of keys some call site
    cached) and of the standard library tables (w None: every key counts).
    Every way Python code can change a dict goes through these methods
    (luart and generated code change tables only from Python), so a change
    of a watched key bumps EPOCH (bump()); reads are dict's own."""
    __slots__ = ('w',)

    def __init__(self, w=None):
        dict.__init__(self)
        self.w = w

    def __setitem__(self, k, v):
        dict.__setitem__(self, k, v)
        w = self.w
        if w is None or k in w:
            bump()

    def __delitem__(self, k):
        dict.__delitem__(self, k)
        w = self.w
        if w is None or k in w:
            bump()

    def pop(self, k, *d):
        r = dict.pop(self, k, *d)
        w = self.w
        if w is None or k in w:
            bump()
        return r

    def setdefault(self, k, d=None):
        if k not in self:
            self[k] = d
        return dict.__getitem__(self, k)

    def popitem(self):
        bump()
        return dict.popitem(self)

    def clear(self):
        bump()
        dict.clear(self)

    def update(self, *a, **kw):
        bump()
        dict.update(self, *a, **kw)

    def __ior__(self, other):
        self.update(other)
        return self

    def __reduce__(self):
        return (dict, (dict(self),))


class LuaTable:
    """A Lua table: arr holds keys 1..len(arr) (None for a hole, never a
    trailing None), hash the other keys (booleans as _TRUEK/_FALSEK).
    Invariant: hash holds no integer key in 1..len(arr)+1, so len(arr) is
    always a border."""
    __slots__ = ('arr', 'hash', 'meta', '_it', '__weakref__')

    def __init__(self, arr=None, hash=None):
        self.arr = [] if arr is None else arr
        self.hash = {} if hash is None else hash
        self.meta = None
        self._it = None

    def __repr__(self):
        return '<LuaTable 0x%x>' % id(self)

    def get(self, k):
        c = k.__class__
        if c is int:
            a = self.arr
            if 0 < k <= len(a):
                return a[k - 1]
            return self.hash.get(k)
        if c is bytes:
            return self.hash.get(k)
        if c is float:
            if k.is_integer() and -9.3e18 < k < 9.3e18:
                i = int(k)
                if _MIN <= i <= _MAX:
                    return self.get(i)
        elif c is bool:
            k = _TRUEK if k else _FALSEK
        elif k is None:
            return None
        return self.hash.get(k)

    def set(self, k, v):
        c = k.__class__
        if c is int:
            a = self.arr
            n = len(a)
            if 0 < k <= n:
                if v is None and k == n:
                    a.pop()
                    while a and a[-1] is None:
                        a.pop()
                else:
                    a[k - 1] = v
                return
            if k == n + 1:
                if v is not None:
                    a.append(v)
                    h = self.hash
                    if h:
                        self._migrate()
                return
        elif c is bytes:
            pass
        elif c is float:
            if k != k:
                rterror('table index is NaN')
            if k.is_integer() and -9.3e18 < k < 9.3e18:
                i = int(k)
                if _MIN <= i <= _MAX:
                    return self.set(i, v)
        elif c is bool:
            k = _TRUEK if k else _FALSEK
        elif k is None:
            rterror('table index is nil')
        if v is None:
            self.hash.pop(k, None)
        else:
            self.hash[k] = v

    def _migrate(self):
        a = self.arr
        h = self.hash
        k = len(a) + 1
        while k in h:
            a.append(h.pop(k))
            k += 1

    def length(self):
        """The raw border (#t without __len)."""
        return len(self.arr)


class ViewOps:
    """The raw operations of a view: a LuaTable standing for a table of
    another runtime (tandem's bridge), found in the view's metatable under
    b'__view_of'. rawget, rawset, rawlen, next, getmetatable and
    setmetatable of a view run these on the table it stands for; an event
    the view's metatable lacks (an operator's, __name) is asked of it."""
    __slots__ = ()

    def event(self, ev):
        """The metamethod ev of the table this view stands for, or None."""
        return None


def mtfield(mt, ev):
    """rawget(mt, ev) of a metatable (LuaTable): its own field; for a
    metatable that is a view (setmetatable(t, mt) with mt a table of another
    runtime, reached through tandem's bridge) the field of the table it
    stands for, which holds the metamethods."""
    h = mt.hash.get(ev)
    if h is None and mt.meta is not None:
        o = mt.meta.hash.get(b'__view_of')
        if isinstance(o, ViewOps):
            return o.rawget(ev)
    return h


def viewops(t):
    """The ViewOps of a LuaTable that is a view, else None."""
    mt = t.meta
    if mt is None:
        return None
    o = mt.hash.get(b'__view_of')
    return o if isinstance(o, ViewOps) else None


def table_new(arr=None, kv=None):
    """A table from a constructor: arr the positional items (trailing nils
    trimmed; nils are holes), kv an iterable of (key, value) pairs assigned in
    order after them."""
    t = LuaTable()
    if arr:
        a = list(arr)
        while a and a[-1] is None:
            a.pop()
        t.arr = a
    if kv:
        for k, v in kv:
            t.set(k, v)
    return t


def table_from_list(vals):
    t = LuaTable()
    a = list(vals)
    while a and a[-1] is None:
        a.pop()
    t.arr = a
    return t


def lua_next(t, k=None):
    """next(t, k): the next (key, value) after k, or nil."""
    a = t.arr
    n = len(a)
    if k is None:
        i = 0
    elif k.__class__ is int and 0 < k <= n:
        i = k
    else:
        if k.__class__ is float and k.is_integer() and -9.3e18 < k < 9.3e18 \
                and _MIN <= int(k) <= _MAX:
            # lua_next does not normalise its key: a float with an integer
            # value is never a key of a table (a store converts it), so
            # Lua's findindex does not find it
            raise LuaError(b"invalid key to 'next'")
        hk = k
        if k.__class__ is bool:
            hk = _TRUEK if k else _FALSEK
        it = t._it
        j = None
        if it is not None:
            keys, pos = it
            if pos < len(keys):
                kk = keys[pos]
                if kk is hk or (kk.__class__ is hk.__class__ and kk == hk):
                    j = pos + 1
        if j is None:
            if k.__class__ is int and k > 0 and hk not in t.hash:
                # an array index that left the array part: go on from there
                return _next_from(t, k if k <= n else n)
            keys = list(t.hash)
            try:
                j = _keyindex(keys, hk) + 1
            except ValueError:
                raise LuaError(b"invalid key to 'next'")   # luaG_runerror in a C function: no position
        return _next_hash(t, keys, j)
    return _next_from(t, i)


def _keyindex(keys, hk):
    c = hk.__class__
    for i, x in enumerate(keys):
        if x is hk or (x == hk and x.__class__ is c):
            return i
    raise ValueError


def _next_from(t, i):
    a = t.arr
    n = len(a)
    while i < n:
        v = a[i]
        i += 1
        if v is not None:
            return Multi((i, v))
    h = t.hash
    if not h:
        return None
    return _next_hash(t, list(h), 0)


def _next_hash(t, keys, j):
    h = t.hash
    nk = len(keys)
    while j < nk:
        k = keys[j]
        v = h.get(k)
        if v is not None:
            t._it = (keys, j)
            if k.__class__ is _BoolKey:
                k = k.v
            return Multi((k, v))
        j += 1
    t._it = None
    return None


def iter_pairs(t):
    """Generator of (key, value) in next() order, for a for-in loop of
    translated code over a table without __pairs (assigning to existing
    fields and clearing fields during the traversal is allowed)."""
    a = t.arr
    i = 0
    while i < len(a):
        v = a[i]
        i += 1
        if v is not None:
            yield i, v
    h = t.hash
    if h:
        for k in list(h):
            v = h.get(k)
            if v is not None:
                if k.__class__ is _BoolKey:
                    k = k.v
                yield k, v


def iter_ipairs(t):
    """Generator of (i, t[i]) for i = 1, 2, ... until t[i] is nil (with
    __index, as ipairs in 5.4)."""
    i = 1
    if t.__class__ is LuaTable and t.meta is None:
        a = t.arr
        while True:
            if i <= len(a):
                v = a[i - 1]
            else:
                v = t.get(i)
            if v is None:
                return
            yield i, v
            i += 1
    while True:
        v = index(t, i)
        if v is None:
            return
        yield i, v
        i += 1


# ---------------------------------------------------------------- types

def type_name(v):
    c = v.__class__
    if v is None:
        return 'nil'
    if c is bool:
        return 'boolean'
    if c is int or c is float:
        return 'number'
    if c is bytes:
        return 'string'
    if c is LuaTable:
        return 'table'
    if c is _FuncType:
        return 'function'
    if getattr(c, '_is_lua_thread', False):
        return 'thread'
    if getattr(c, 'lua_meta', None) is not None:
        return 'userdata'       # a userdata type of the runtime, callable or not
    if callable(v):
        return 'function'
    return 'userdata'


def objtypename(v):
    """luaT_objtypename, the type in operator messages: a table's or a
    userdata's metatable's __name when it is a string (read raw), else
    type_name."""
    c = v.__class__
    n = None
    if c is LuaTable:
        m = v.meta
        if m is not None:
            n = m.hash.get(b'__name') if m.__class__ is LuaTable else None
            if n is None and m.__class__ is LuaTable:
                n = metamethod(v, b'__name')    # a view: its table's
    elif getattr(c, 'lua_meta', None) is not None:
        n = metamethod(v, b'__name')            # a userdata type (files: FILE*)
    if n.__class__ is bytes:
        return n.split(b'\0', 1)[0].decode('latin-1')
    return type_name(v)


# ---------------------------------------------------------------- numbers

_WS = rb'[ \t\n\v\f\r]*'
_DEC_RE = re.compile(_WS + rb'([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)' + _WS + rb'\Z')
_INT_RE = re.compile(_WS + rb'([-+]?)([0-9]+)' + _WS + rb'\Z')
_HEX_RE = re.compile(_WS + rb'([-+]?)0[xX]([0-9a-fA-F]*)(?:(\.)([0-9a-fA-F]*))?(?:[pP]([-+]?[0-9]+))?' + _WS + rb'\Z')


def str2number(s):
    """luaO_str2num: an int or float from a Lua string, or None."""
    m = _INT_RE.match(s)
    if m is not None:
        v = int(m.group(2))
        if m.group(1) == b'-':
            v = -v
        if _MIN <= v <= _MAX:
            return v
        return float(v)      # decimal overflow: read as a float
    m = _HEX_RE.match(s)
    if m is not None:
        sign, ip, dot, fp, ex = m.groups()
        if not ip and not fp:
            return None
        if dot is None and ex is None:      # hexadecimal integer: wraps around
            v = int(ip, 16) & _MASK
            if sign == b'-':
                v = (-v) & _MASK
            return v - 0x10000000000000000 if v & _SIGN else v
        txt = '0x' + (ip or b'0').decode() + '.' + (fp or b'').decode() + 'p' + (ex or b'0').decode()
        try:
            v = float.fromhex(txt)
        except OverflowError:
            v = _INF
        return -v if sign == b'-' else v
    m = _DEC_RE.match(s)
    if m is not None:
        return float(m.group(1))
    return None


def tonum(v):
    """The number v converts to in arithmetic (strings coerced), or None."""
    c = v.__class__
    if c is int or c is float:
        return v
    if c is bytes:
        return str2number(v)
    return None


def toint(v):
    """lua_tointeger: an int from an int, an integral float or a string, or None."""
    c = v.__class__
    if c is int:
        return v
    if c is bytes:
        v = str2number(v)
        c = v.__class__
        if c is int:
            return v
    if c is float:
        if v.is_integer() and -9.3e18 < v < 9.3e18:
            i = int(v)
            if _MIN <= i <= _MAX:
                return i
    return None


def fmtfloat(x):
    """A float as Lua's tostring writes it ('%.14g', '.0' added to integral values)."""
    if x != x:
        return b'-nan' if _copysign(1.0, x) < 0 else b'nan'
    s = '%.14g' % x
    if s.lstrip('-').isdigit():
        s += '.0'
    return s.encode()


def wrap(r):
    """An integer wrapped into 64-bit two's complement."""
    return ((r + _SIGN) & _MASK) - _SIGN


# ---------------------------------------------------------------- tostring

STRING_META = None   # set by the string library (its __index is the string table)


def getmetatable_raw(v):
    c = v.__class__
    if c is LuaTable:
        return v.meta
    if c is bytes:
        return STRING_META
    return getattr(c, 'lua_meta', None)


def metamethod(v, ev):
    """The metamethod ev (bytes) of v, or None."""
    c = v.__class__
    if c is LuaTable:
        mt = v.meta
        if mt is None:
            return None
        h = mtfield(mt, ev)
        if h is None:
            o = mt.hash.get(b'__view_of')
            if o is not None:
                return o.event(ev)      # a view: the table's own (ViewOps)
        return h
    if c is bytes:
        mt = STRING_META
        if mt is None:
            return None
        return mt.hash.get(ev)
    mt = getattr(c, 'lua_meta', None)       # userdata types of the runtime (files)
    if mt is None:
        h = TYPEMT      # a number, boolean, nil, function: its type's (tandem)
        if h is None:
            return None
        mt = h(v)
        if mt is None:
            return None
    return mtfield(mt, ev)      # (a runtime's userdata: the view of its metatable)


# Set by tandem (_luatypemt.typemt): TYPEMT(v) is the metatable the runtime
# whose crossing runs now gives v's type (numbers, booleans, nil, functions:
# debug.setmetatable), or None. Asked only where an operation on such a
# value has no meaning of its own (metamethod). None standalone.
TYPEMT = None


def _addr(v):
    return ('0x%014x' % id(v)).encode()


def tostring(v):
    """luaL_tolstring: a Lua string (bytes) for any value, __tostring and
    __name included."""
    c = v.__class__
    if c is bytes:
        return v
    if c is int:
        return str(v).encode()
    if c is float:
        return fmtfloat(v)
    if v is None:
        return b'nil'
    if c is bool:
        return b'true' if v else b'false'
    if isinstance(v, BaseException):
        # a Python exception as an error value (a refusal of tandem's, an
        # exception of Python code luart called): its traceback text, as
        # the bridge's __tostring gives it to Lua code
        return ''.join(_traceback.format_exception(c, v, v.__traceback__)).encode(
            'utf-8', 'replace')
    h = metamethod(v, b'__tostring')
    if h is not None:
        r = first(call(h, v))
        s = tostr(r)
        if s is None:
            liberror("'__tostring' must return a string")
        return s
    tn = metamethod(v, b'__name')
    if tn.__class__ is not bytes:
        tn = type_name(v).encode()
    if c is bytes:
        return v
    return tn + b': ' + _addr(v)


def tostr(v):
    """The string a number or string converts to (luaL_checklstring), or None."""
    c = v.__class__
    if c is bytes:
        return v
    if c is int:
        return b'%d' % v
    if c is float:
        return fmtfloat(v)
    return None


# ---------------------------------------------------------------- calls

def isfunc(v):
    """v is a Lua function (lua_isfunction): a callable that is neither a
    table nor a userdata type of the runtime (a Python callable reached
    through the bridge is a userdata, as in Lua)."""
    c = v.__class__
    if c is _FuncType:
        return True
    return callable(v) and c is not LuaTable and getattr(c, 'lua_meta', None) is None


_FuncType = type(isfunc)


def mcall(h, ev, *args):
    """Call the metamethod h of the event ev (bytes, b'__add'), as
    luaT_callTMres: a value that cannot be called is Lua's error naming the
    metamethod ('attempt to call a number value (metamethod 'add')')."""
    if callable(h) and h.__class__ is not LuaTable:
        return h(*args)
    if metamethod(h, b'__call') is None:
        rterror("attempt to call a %s value (metamethod '%s')"
                % (objtypename(h), ev[2:].decode('latin-1')))
    return call(h, *args)


def call(f, *args):
    """Call any Lua value (a table or other value with __call, too)."""
    if callable(f) and f.__class__ is not LuaTable:
        return f(*args)
    h = metamethod(f, b'__call')
    if h is None:
        rterror('attempt to call a %s value' % objtypename(f))
    return call(h, f, *args)


def invoke(o, name, *args):
    """o:name(args): o evaluated once, looked up with __index, called with
    __call."""
    f = index(o, name)
    if callable(f) and f.__class__ is not LuaTable:
        return f(o, *args)
    return call(f, o, *args)


# ---------------------------------------------------------------- indexing

def index(o, k):
    """o[k] with __index."""
    if o.__class__ is LuaTable:
        c = k.__class__
        if c is bytes:
            v = o.hash.get(k)
        elif c is int:
            a = o.arr
            v = a[k - 1] if 0 < k <= len(a) else o.hash.get(k)
        else:
            v = o.get(k)
        if v is not None:
            return v
        mt = o.meta
        if mt is None:
            return None
        # the two common shapes, as _index_meta's first step would take
        # them: an __index function, an __index table (a class) holding k
        h = mtfield(mt, b'__index')
        if h is None:
            return None
        if h.__class__ is _FuncType:
            r = h(o, k)
            if r.__class__ is Multi:
                return r[0] if r else None
            return r
        if h.__class__ is LuaTable and c is bytes:
            v = h.hash.get(k)
            if v is not None or h.meta is None:
                return v
    return _index_meta(o, k)


def _index_meta(o, k):
    for _ in range(2000):
        if o.__class__ is LuaTable:
            v = o.get(k)
            if v is not None:
                return v
            mt = o.meta
            if mt is None:
                return None
            h = mtfield(mt, b'__index')
            if h is None:
                return None
        else:
            h = metamethod(o, b'__index')
            if h is None:
                rterror('attempt to index a %s value' % objtypename(o))
        if h.__class__ is not _FuncType and not isfunc(h):
            o = h
            continue
        return first(h(o, k))
    rterror("'__index' chain too long; possible loop")


def setindex(o, k, v):
    """o[k] = v with __newindex."""
    if o.__class__ is LuaTable and o.meta is None:
        c = k.__class__
        if c is bytes:
            if v is None:
                o.hash.pop(k, None)
            else:
                o.hash[k] = v
            return
        if c is int and v is not None:
            a = o.arr
            if 0 < k <= len(a):
                a[k - 1] = v
                return
            if k == len(a) + 1 and not o.hash:
                a.append(v)
                return
        o.set(k, v)
        return
    _setindex_meta(o, k, v)


def _setindex_meta(o, k, v):
    for _ in range(2000):
        if o.__class__ is LuaTable:
            mt = o.meta
            if mt is None:
                o.set(k, v)
                return
            h = mtfield(mt, b'__newindex')
            if h is None or o.get(k) is not None:
                o.set(k, v)
                return
        else:
            h = metamethod(o, b'__newindex')
            if h is None:
                rterror('attempt to index a %s value' % objtypename(o))
        if h.__class__ is not _FuncType and not isfunc(h):
            o = h
            continue
        h(o, k, v)
        return
    rterror("'__newindex' chain too long; possible loop")


def rawget(t, k):
    return t.get(k)


def rawset(t, k, v):
    t.set(k, v)
    return t


def length(v):
    """#v."""
    c = v.__class__
    if c is LuaTable:
        mt = v.meta
        if mt is None:
            return len(v.arr)
        else:
            h = mtfield(mt, b'__len')
            if h is not None:
                return first(mcall(h, b'__len', v, v))     # the operand twice, as Lua
        return len(v.arr)
    if c is bytes:
        return len(v)
    h = metamethod(v, b'__len')
    if h is None:
        rterror('attempt to get length of a %s value' % objtypename(v))
    return first(mcall(h, b'__len', v, v))


# ---------------------------------------------------------------- arithmetic

def _fdiv(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        if a != a:
            return a
        if a == 0:
            return _DNAN
        return _copysign(_INF, a) * _copysign(1.0, b)


def _fmodf(a, b):
    """C fmod."""
    try:
        return _fmod(a, b)
    except ValueError:
        if a != a:
            return a
        if b != b:
            return b
        return _DNAN


def _fmodlua(a, b):
    """luai_nummod."""
    m = _fmodf(a, b)
    if (b < 0) if m > 0 else (m < 0 and b > 0):
        m += b
    return m


def _ffloor(x):
    if x == 0 or x != x or x in (_INF, -_INF):
        return x
    return float(math.floor(x))


def _fpow(a, b):
    """C pow (glibc's: a NaN base is x * x, negated when x's sign is set and
    b is an odd integer, so (0/0)^3 is `nan` where x86's 0/0 is `-nan`;
    math.pow returns the NaN as it is)."""
    if a != a and b == b and b != 0 and b not in (_INF, -_INF):
        if b.is_integer() and int(b) % 2 == 1 and _copysign(1.0, a) < 0:
            return -a
        return a
    try:
        return math.pow(a, b)
    except OverflowError:
        if a < 0 and b.is_integer() and int(b) % 2 == 1:
            return -_INF
        return _INF
    except ValueError:
        if a == 0:      # 0 ^ negative
            if _copysign(1.0, a) < 0 and b.is_integer() and int(b) % 2 == 1:
                return -_INF
            return _INF
        return _DNAN    # negative ^ non-integer


def _iadd(a, b):
    r = a + b
    if _MIN <= r <= _MAX:
        return r
    return ((r + _SIGN) & _MASK) - _SIGN


def _isub(a, b):
    r = a - b
    if _MIN <= r <= _MAX:
        return r
    return ((r + _SIGN) & _MASK) - _SIGN


def _imul(a, b):
    r = a * b
    if _MIN <= r <= _MAX:
        return r
    return ((r + _SIGN) & _MASK) - _SIGN


def _iidiv(a, b):
    if b == 0:
        rterror('attempt to divide by zero')
    r = a // b
    if r > _MAX:
        return _MIN
    return r


def _imod(a, b):
    if b == 0:
        rterror("attempt to perform 'n%0'")
    return a % b


_ARITH_OPS = {
    b'__add': (_iadd, lambda a, b: a + b),
    b'__sub': (_isub, lambda a, b: a - b),
    b'__mul': (_imul, lambda a, b: a * b),
    b'__mod': (_imod, _fmodlua),
    b'__idiv': (_iidiv, lambda a, b: _ffloor(_fdiv(a, b))),
    b'__div': (None, _fdiv),
    b'__pow': (None, _fpow),
}


def _arith_num(ev, x, y):
    fi, ff = _ARITH_OPS[ev]
    if fi is not None and x.__class__ is int and y.__class__ is int:
        return fi(x, y)
    return ff(float(x), float(y))


# Set by tandem (_luastrmt.strmt): STRMT(ev) is the handler of event ev
# (bytes) in the string metatable of the runtime whose crossing runs now
# when it is not the string library's (luart's own arithmetic on strings is
# the library's), False when the runtime has none where the library has
# one, else None. None standalone.
STRMT = None
_OWN = object()     # (_strmt_op: luart's own path gives Lua's answer)


def _strmt_op(ev, a, b, what):
    """a op b with a string operand under a runtime's string metatable:
    _OWN when luart's own path gives Lua's answer."""
    if a.__class__ is not bytes and metamethod(a, ev) is not None:
        return _OWN         # the first operand's own metamethod comes first
    h = STRMT(ev)
    if h is None:
        return _OWN
    if h is False:
        bad = a if a.__class__ is bytes else b
        try:
            rterror('attempt to perform %s on a %s value' % (what, objtypename(bad)))
        except LuaError as e:
            e.strmt_culprit = True      # (lemit._opv: a numeric string is the culprit)
            raise
    return first(mcall(h, ev, a, b))


def arith(ev, a, b):
    """The slow path of an arithmetic operator (ev b'__add' ...): string
    coercion, metamethods, errors."""
    if STRMT is not None and (a.__class__ is bytes or b.__class__ is bytes):
        r = _strmt_op(ev, a, b, 'arithmetic')
        if r is not _OWN:
            return r
    x = tonum(a)
    y = tonum(b)
    if x is not None and y is not None:
        if y == 0 and y.__class__ is int and x.__class__ is int and \
                (a.__class__ is bytes or b.__class__ is bytes) and ev in (b'__mod', b'__idiv'):
            # a string operand: the string library's metamethod computes it
            # (lua_arith in a C function), so Lua's error has no position
            raise LuaError(b"attempt to perform 'n%0'" if ev == b'__mod'
                           else b'attempt to divide by zero')
        return _arith_num(ev, x, y)
    opname = ev[2:].decode()
    if a.__class__ is bytes:        # the string library's metamethod (trymt)
        if b.__class__ is bytes or metamethod(b, ev) is None:
            rterror("attempt to %s a '%s' with a '%s'" % (opname, type_name(a), type_name(b)))
        return first(call(metamethod(b, ev), a, b))
    h = metamethod(a, ev)
    if h is None:
        if b.__class__ is bytes:
            rterror("attempt to %s a '%s' with a '%s'" % (opname, type_name(a), type_name(b)))
        h = metamethod(b, ev)
    if h is not None:
        return first(mcall(h, ev, a, b))
    bad = b if a.__class__ in (int, float) else a
    rterror('attempt to perform arithmetic on a %s value' % objtypename(bad))


def add(a, b):
    if a.__class__ is int and b.__class__ is int:
        r = a + b
        if _MIN <= r <= _MAX:
            return r
        return ((r + _SIGN) & _MASK) - _SIGN
    if a.__class__ is float and b.__class__ is float:
        return a + b
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        return a + b
    return arith(b'__add', a, b)


def sub(a, b):
    if a.__class__ is int and b.__class__ is int:
        r = a - b
        if _MIN <= r <= _MAX:
            return r
        return ((r + _SIGN) & _MASK) - _SIGN
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        return a - b
    return arith(b'__sub', a, b)


def mul(a, b):
    if a.__class__ is int and b.__class__ is int:
        r = a * b
        if _MIN <= r <= _MAX:
            return r
        return ((r + _SIGN) & _MASK) - _SIGN
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        return a * b
    return arith(b'__mul', a, b)


def div(a, b):
    """a / b: always a float."""
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        if b:
            return float(a) / float(b) if a.__class__ is int or b.__class__ is int else a / b
        return _fdiv(float(a), float(b))
    return arith(b'__div', a, b)


def mod(a, b):
    if a.__class__ is int and b.__class__ is int:
        if b:
            return a % b
        rterror("attempt to perform 'n%0'")
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        return _fmodlua(float(a), float(b))
    return arith(b'__mod', a, b)


def idiv(a, b):
    if a.__class__ is int and b.__class__ is int:
        if b:
            r = a // b
            return _MIN if r > _MAX else r
        rterror('attempt to divide by zero')
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        return _ffloor(_fdiv(float(a), float(b)))
    return arith(b'__idiv', a, b)


def pow(a, b):
    """a ^ b: always a float."""
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        return _fpow(float(a), float(b))
    return arith(b'__pow', a, b)


def unm(a):
    c = a.__class__
    if c is int:
        return _MIN if a == _MIN else -a
    if c is float:
        return -a
    if c is bytes and STRMT is not None:
        r = _strmt_op(b'__unm', a, a, 'arithmetic')
        if r is not _OWN:
            return r
    x = tonum(a)
    if x is not None:
        return unm(x)
    if c is bytes:
        rterror("attempt to unm a 'string' with a 'string'")
    h = metamethod(a, b'__unm')
    if h is not None:
        return first(mcall(h, b'__unm', a, a))
    rterror('attempt to perform arithmetic on a %s value' % objtypename(a))


# ---------------------------------------------------------------- bitwise

def _bitint(v):
    c = v.__class__
    if c is int:
        return v
    if c is float:
        return toint(v)
    return None


def bitwise(ev, a, b):
    x = _bitint(a)
    y = _bitint(b)
    if x is not None and y is not None:
        return _BITOPS[ev](x, y)
    if STRMT is not None and (a.__class__ is bytes or b.__class__ is bytes):
        r = _strmt_op(ev, a, b, 'bitwise operation')
        if r is not _OWN:
            return r
    h = metamethod(a, ev)
    if h is None:
        h = metamethod(b, ev)
    if h is not None:
        return first(mcall(h, ev, a, b))
    if a.__class__ in (int, float) and b.__class__ in (int, float):
        rterror('number has no integer representation')
    bad = b if a.__class__ in (int, float) else a
    rterror('attempt to perform bitwise operation on a %s value' % objtypename(bad))


def _shl(x, n):
    if n <= -64 or n >= 64:
        return 0
    if n >= 0:
        r = (x << n) & _MASK
    else:
        r = (x & _MASK) >> -n
    return r - 0x10000000000000000 if r & _SIGN else r


def _shr(x, n):
    if n == _MIN:
        return 0
    return _shl(x, -n)


_BITOPS = {
    b'__band': lambda x, y: x & y,
    b'__bor': lambda x, y: x | y,
    b'__bxor': lambda x, y: x ^ y,
    b'__shl': _shl,
    b'__shr': _shr,
}


def band(a, b):
    if a.__class__ is int and b.__class__ is int:
        return a & b
    return bitwise(b'__band', a, b)


def bor(a, b):
    if a.__class__ is int and b.__class__ is int:
        return a | b
    return bitwise(b'__bor', a, b)


def bxor(a, b):
    if a.__class__ is int and b.__class__ is int:
        return a ^ b
    return bitwise(b'__bxor', a, b)


def shl(a, b):
    if a.__class__ is int and b.__class__ is int:
        return _shl(a, b)
    return bitwise(b'__shl', a, b)


def shr(a, b):
    if a.__class__ is int and b.__class__ is int:
        return _shr(a, b)
    return bitwise(b'__shr', a, b)


def bnot(a):
    x = _bitint(a)
    if x is not None:
        return ~x
    if a.__class__ is bytes and STRMT is not None:
        r = _strmt_op(b'__bnot', a, a, 'bitwise operation')
        if r is not _OWN:
            return r
    h = metamethod(a, b'__bnot')
    if h is not None:
        return first(mcall(h, b'__bnot', a, a))
    if a.__class__ is float:
        rterror('number has no integer representation')
    rterror('attempt to perform bitwise operation on a %s value' % objtypename(a))


# ---------------------------------------------------------------- concat

def concat(a, b):
    """a .. b"""
    ca = a.__class__
    cb = b.__class__
    if ca is bytes:
        if cb is bytes:
            return a + b
        if cb is int:
            return a + b'%d' % b
    elif ca is int and cb is bytes:
        return b'%d' % a + b
    x = tostr(a)
    y = tostr(b)
    if x is not None and y is not None:
        return x + y
    h = metamethod(a, b'__concat')
    if h is None:
        h = metamethod(b, b'__concat')
    if h is not None:
        return first(mcall(h, b'__concat', a, b))
    bad = b if x is not None else a
    rterror('attempt to concatenate a %s value' % objtypename(bad))


def concatn(*vals):
    """v1 .. v2 .. ... .. vn (right associative, metamethods as in Lua)."""
    try:
        return b''.join(vals)
    except TypeError:
        pass
    acc = vals[-1]
    for i in range(len(vals) - 2, -1, -1):
        v = vals[i]
        # Lua concatenates the longest run of strings/numbers at once, then
        # calls __concat; for string/number operands the result is the same.
        acc = concat(v, acc)
    return acc


# ---------------------------------------------------------------- comparison

# Userdata classes whose values Lua compares with __eq (two distinct values
# of these classes, in either order): the bridge's Python objects in
# translated code (tandem._luabound adds them). Files compare by identity.
USERDATA_EQ = set()
# userdata classes with their own lookup for o:name(...): class ->
# lookup(o, name), giving what the call runs with (o, args) (lemit._mlook)
MLOOK = {}
# userdata classes whose o[k] is one function (their metatable's __index,
# giving one value): class -> index(o, k) (lemit._ix)
UDINDEX = {}
# and whose o[k] = v is one function (their __newindex): class ->
# setindex(o, k, v) (lemit._setixv)
UDSETINDEX = {}


def _eq_meta(a, b):
    h = metamethod(a, b'__eq')
    if h is None:
        h = metamethod(b, b'__eq')
    if h is None:
        return False
    r = first(mcall(h, b'__eq', a, b))
    return r is not None and r is not False


def eq(a, b):
    """a == b with __eq (two tables, or two userdata, not raw equal)."""
    ca = a.__class__
    cb = b.__class__
    if ca is cb:
        if ca is LuaTable:
            return a is b or _eq_meta(a, b)
        if ca in USERDATA_EQ:
            return a is b or _eq_meta(a, b)
        return a == b
    if (ca is int and cb is float) or (ca is float and cb is int):
        return a == b
    if ca in USERDATA_EQ and cb in USERDATA_EQ:
        return _eq_meta(a, b)
    return False


def ne(a, b):
    return not eq(a, b)


def rawequal(a, b):
    ca = a.__class__
    cb = b.__class__
    if ca is cb or (ca is int and cb is float) or (ca is float and cb is int):
        return a == b
    return False


def _cmperror(a, b):
    t1 = objtypename(a)
    t2 = objtypename(b)
    if t1 == t2:
        rterror('attempt to compare two %s values' % t1)
    rterror('attempt to compare %s with %s' % (t1, t2))


def lt(a, b):
    """a < b with __lt."""
    ca = a.__class__
    cb = b.__class__
    if (ca is int or ca is float) and (cb is int or cb is float):
        return a < b
    if ca is bytes and cb is bytes:
        return a < b
    h = metamethod(a, b'__lt')
    if h is None:
        h = metamethod(b, b'__lt')
    if h is None:
        _cmperror(a, b)
    r = first(mcall(h, b'__lt', a, b))
    return r is not None and r is not False


def le(a, b):
    """a <= b with __le."""
    ca = a.__class__
    cb = b.__class__
    if (ca is int or ca is float) and (cb is int or cb is float):
        return a <= b
    if ca is bytes and cb is bytes:
        return a <= b
    h = metamethod(a, b'__le')
    if h is None:
        h = metamethod(b, b'__le')
    if h is None:
        # LUA_COMPAT_LT_LE (on in Lua 5.4 builds): a <= b is not (b < a)
        h = metamethod(b, b'__lt')
        if h is None:
            h = metamethod(a, b'__lt')
        if h is None:
            _cmperror(a, b)
        r = first(mcall(h, b'__lt', b, a))
        return r is None or r is False
    r = first(mcall(h, b'__le', a, b))
    return r is not None and r is not False


def gt(a, b):
    return lt(b, a)


def ge(a, b):
    return le(b, a)


def truth(v):
    """Lua truthiness: only nil and false are false."""
    return v is not None and v is not False


# ---------------------------------------------------------------- numeric for

def _forerror(v, what):
    rterror("bad 'for' %s (number expected, got %s)" % (what, objtypename(v)))


def _forlimit(init, lim, step):
    """forlimit: the integer limit of an integer loop, or None to skip it."""
    c = lim.__class__
    if c is float or c is bytes:
        if c is bytes:
            x = str2number(lim)
            if x is None:
                _forerror(lim, 'limit')
            if x.__class__ is int:
                return x if (init <= x if step > 0 else init >= x) else None
            lim = x
        if lim in (_INF, -_INF) or lim != lim:
            f = None
        else:
            f = math.ceil(lim) if step < 0 else math.floor(lim)
        if f is not None and _MIN <= f <= _MAX:
            p = f
        elif lim > 0:       # (a NaN limit is taken as below mininteger, as forlimit does)
            if step < 0:
                return None
            p = _MAX
        else:
            if step > 0:
                return None
            p = _MIN
    elif c is int:
        p = lim
    else:
        _forerror(lim, 'limit')
    if (init > p) if step > 0 else (init < p):
        return None
    return p


def _floatfor(i, limit, step):
    if step > 0:
        if limit < i:
            return
        while True:
            yield i
            i += step
            if not i <= limit:
                return
    else:
        if i < limit:
            return
        while True:
            yield i
            i += step
            if not limit <= i:
                return


def numfor(init, limit, step=1):
    """The values of a numeric for loop `for v = init, limit, step` (Lua 5.4
    forprep/forloop: bounds evaluated once, an integer loop never overflows,
    float loops accumulate, strings are coerced)."""
    if init.__class__ is int and step.__class__ is int:
        if step == 0:
            rterror("'for' step is zero")
        if limit.__class__ is not int:
            limit = _forlimit(init, limit, step)
            if limit is None:
                return ()
        if step > 0:
            return range(init, limit + 1, step)
        return range(init, limit - 1, step)
    fl = tonum(limit)
    if fl is None:
        _forerror(limit, 'limit')
    st = tonum(step)
    if st is None:
        _forerror(step, 'step')
    fi = tonum(init)
    if fi is None:
        _forerror(init, 'initial value')
    if st == 0:
        rterror("'for' step is zero")
    return _floatfor(float(fi), float(fl), float(st))


# ---------------------------------------------------------------- generic for

def iter_for(f, s=None, ctl=None, *_):
    """The generic `for` protocol as a Python iterator: calls f(s, ctl)
    until its first result is nil, yielding each call's results as a tuple
    (at least one value).  (A fourth, to-be-closed value is the back end's
    business.)"""
    co = getattr(f, 'lua_coroutine', None)
    if co is not None:          # a coroutine.wrap function: no call per step
        from .lcoro import iter_wrap
        yield from iter_wrap(co, s, ctl)
        return
    if (not callable(f) or f.__class__ is LuaTable) and metamethod(f, b'__call') is None:
        forcall_error(f)
    while True:
        r = call(f, s, ctl)
        if r.__class__ is Multi:
            if not r or r[0] is None:
                return
            ctl = r[0]
            yield r
        else:
            if r is None:
                return
            ctl = r
            yield (r,)


def forcall_error(f):
    """Lua's error for a generic for whose iterator cannot be called."""
    rterror("attempt to call a %s value (for iterator 'for iterator')" % objtypename(f))


def iter_in_pairs(t):
    """for k, v in pairs(t): iter_pairs for a plain table, else __pairs and
    the generic protocol (pairs's own errors included)."""
    if t.__class__ is LuaTable and (t.meta is None or mtfield(t.meta, b'__pairs') is None):
        return iter_pairs(t)
    from .lbase import lua_pairs
    return iter_for(*allv(lua_pairs(t)))
