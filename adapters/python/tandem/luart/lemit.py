"""The helpers that Python code translated from Lua (tandem._luaback, and
the standalone modules of `tandem translate FILE.lua --to python`) calls
besides the operators and libraries: calls and indexing with Lua's error
messages naming the variable, table constructors, the generic `for`, calls
inside yielding functions. Plain Python 3, like the rest of luart.

`emit_globals(env)` is the namespace the generated code runs in.
"""

import functools
import sys
import types
from typing import Any, Dict, Optional, Tuple

from . import _aux as _laux
from . import _core as _lcore
from . import lbase as _lbase
from . import lcoro as _lcoro
from . import lpattern as _lpattern
from . import ltable as _ltable
from .lstring import str_sub as _lcore_str_sub
from ._core import LuaTable, Multi, NORES, LuaError as _LError

_lcore.runtime_file(__file__)
_FT = types.FunctionType
_MLOOK = _lcore.MLOOK
_UDINDEX = _lcore.UDINDEX
_UDSETINDEX = _lcore.UDSETINDEX


def _adj(n: int, vals: Any) -> Any:
    """vals adjusted to exactly n values (Lua's assignment rule)."""
    k = len(vals)
    if k == n:
        return vals
    if k > n:
        return vals[:n]
    return tuple(vals) + (None,) * (n - k)


def _callv(f: Any, desc: Optional[str], *args: Any) -> Any:
    """A call of a value that is not a Python function: __call, or Lua's
    error naming the variable."""
    if callable(f) and f.__class__ is not LuaTable:
        return f(*args)
    h = _lcore.metamethod(f, b'__call')
    if h is None:
        _lcore.rterror('attempt to call a %s value%s' % (
            _lcore.objtypename(f), ' (%s)' % desc if desc else ''))
    return _lcore.call(h, f, *args)


def _callable(f: Any, desc: Optional[str]) -> Any:
    """What calling f runs when f is not a Python function: f itself, its
    __call, or a function raising Lua's error naming the variable (after the
    arguments are evaluated, as in Lua)."""
    if callable(f) and f.__class__ is not LuaTable:
        return f
    h = _lcore.metamethod(f, b'__call')
    if h is None:
        def fail(*args: Any) -> Any:
            _lcore.rterror('attempt to call a %s value%s' % (
                _lcore.objtypename(f), ' (%s)' % desc if desc else ''))
        return fail
    return lambda *args: _lcore.call(h, f, *args)


def _ixv(o: Any, k: Any, desc: Optional[str]) -> Any:
    """o[k] where o is not a plain table: __index, or Lua's error naming o."""
    if o.__class__ is not LuaTable:
        h = _lcore.metamethod(o, b'__index')
        if h is None:
            _lcore.rterror('attempt to index a %s value%s' % (
                _lcore.objtypename(o), ' (%s)' % desc if desc else ''))
        if h.__class__ is types.FunctionType:
            # an __index function (a userdata's): its first result, as
            # index's first step takes it
            r = h(o, k)
            if r.__class__ is Multi:
                return r[0] if r else None
            return r
    return _lcore.index(o, k)


def _ix(o: Any, k: Any, desc: Optional[str]) -> Any:
    """o[k] off the inline fast path."""
    if o.__class__ is LuaTable:
        return _lcore.index(o, k)
    ix = _UDINDEX.get(o.__class__)
    if ix is not None:
        return ix(o, k)
    return _ixv(o, k, desc)


def _setixv(o: Any, k: Any, v: Any, desc: Optional[str]) -> None:
    ix = _UDSETINDEX.get(o.__class__)
    if ix is not None:
        ix(o, k, v)
        return
    if o.__class__ is not LuaTable and _lcore.metamethod(o, b'__newindex') is None:
        _lcore.rterror('attempt to index a %s value%s' % (
            _lcore.objtypename(o), ' (%s)' % desc if desc else ''))
    _lcore.setindex(o, k, v)


def _invoke(o: Any, name: bytes, desc: str, *args: Any) -> Any:
    """o:name(args), o evaluated once."""
    if o.__class__ is LuaTable:
        f = _lcore.index(o, name)
    else:
        f = _ixv(o, name, desc)
    if f.__class__ is types.FunctionType:
        return f(o, *args)
    return _callv(f, "method '%s'" % name.decode('latin-1'), o, *args)


def _mlook(o: Any, name: bytes, desc: str) -> Any:
    """The function o:name(...) calls, looked up before the arguments are
    evaluated, as Lua's OP_SELF does (an error indexing o, or an __index
    function's effects, come before the arguments')."""
    if o.__class__ is LuaTable:
        return _lcore.index(o, name)
    ml = _MLOOK.get(o.__class__)
    if ml is not None:
        return ml(o, name)
    return _ixv(o, name, desc)


def _invokef(f: Any, name: bytes, o: Any, *args: Any) -> Any:
    """o:name(args) with f = _mlook(o, name, ...) evaluated first."""
    if f.__class__ is types.FunctionType:
        return f(o, *args)
    return _callv(f, "method '%s'" % name.decode('latin-1'), o, *args)


def _gmlook(o: Any, name: bytes, desc: str) -> Any:
    """_mlook inside a yielding function (an __index function may yield)."""
    if o.__class__ is LuaTable:
        f = o.hash.get(name)
        if f is None:
            f = yield from _gix(o, name, desc)
        return f
    return (yield from _gix(o, name, desc))


_ARITH_DESC = {'add', 'sub', 'mul', 'div', 'mod', 'pow', 'idiv', 'unm'}


def _all_bytes(vals: Tuple[Any, ...]) -> bool:
    """Every value a Lua string (luart's bytes): a chain joined at once."""
    for v in vals:
        if v.__class__ is not bytes:
            return False
    return True


def _concatv(descs: Tuple[Optional[str], ...], *vals: Any) -> Any:
    """v1 .. v2 .. ... .. vn, a long chain (one OP_CONCAT in Lua): all
    strings at once; else pairwise from the right as luaV_concat (strings
    and numbers joined, else __concat of the pair), an error naming the
    operand whose register Lua reads: the right one of a pair holds the
    partial result in operand i+1's register, named as operand i+1."""
    if _all_bytes(vals):
        return b''.join(vals)
    concat = _lcore.concat
    acc = vals[-1]
    for i in range(len(vals) - 2, -1, -1):
        d = (descs[i], descs[i + 1])
        acc = _opv(concat, d, vals[i], acc) if d[0] or d[1] else concat(vals[i], acc)
    return acc


def _opv(op: Any, descs: Tuple[Optional[str], Optional[str]], *args: Any) -> Any:
    """An operator whose error message gains variable information."""
    try:
        return op(*args)
    except _LError as e:
        v = e.value
        if v.__class__ is bytes and v.startswith(_lcore.where(1, sys._getframe(1))) \
                and (b'attempt to' in v or b'no integer rep' in v) and not v.endswith(b')'):
            # which operand is the culprit: the first non-number (arith), as Lua
            bad = None
            if b"with a '" in v:
                raise
            if b'number has no integer representation' in v:
                for a, d in zip(args, descs):
                    # the first float without an integer value or out of
                    # range is the culprit (luaG_tointerror); named if it can be
                    if a.__class__ is float and not (
                            a.is_integer() and -2.0 ** 63 <= a < 2.0 ** 63):
                        if d:
                            e.value = v.replace(b'number has', ('number (%s) has' % d).encode('latin-1'), 1)
                            e.args = (e.value,)
                        break
                raise
            for a, d in zip(args, descs):
                c = a.__class__
                if op is _lcore.length:
                    bad = d
                    break
                if b'no integer representation' in v:
                    break
                if op in _BITFNS:
                    if c is not int and c is not float:
                        bad = d
                        break
                    continue
                if op is _lcore.concat:
                    if c is not bytes and c is not int and c is not float:
                        bad = d
                        break
                elif c is not int and c is not float and not (
                        c is bytes and _lcore.str2number(a) is not None
                        and not getattr(e, 'strmt_culprit', False)):
                    bad = d
                    break
            if bad:
                e.value = v + (' (%s)' % bad).encode('latin-1')
                e.args = (e.value,)
        raise


_BITFNS = (_lcore.band, _lcore.bor, _lcore.bxor, _lcore.shl, _lcore.shr, _lcore.bnot)


def _tcons(pos: Any, kv: Any) -> LuaTable:
    """A table constructor: keyed items in order, then the positional values
    as Lua's SETLIST stores them (into the array part, holes included, so
    `#{1, nil, 3}` is 3 as in Lua; a keyed integer key among the positional
    indices is overwritten)."""
    t = LuaTable()
    n = len(pos)
    for k, v in kv:
        if k is None:
            _lcore.rterror('table index is nil')
        if k.__class__ is float and k.is_integer() and -9.3e18 < k < 9.3e18:
            k = int(k)
        if k.__class__ is int and 0 < k <= n:
            continue
        t.set(k, v)
    if n:
        arr = list(pos)
        while arr and arr[-1] is None:
            arr.pop()
        h = t.hash
        t.arr = arr
        if h:
            for k in [k for k in h if k.__class__ is int and 0 < k <= len(arr)]:
                del h[k]
            if len(arr) + 1 in h:
                t._migrate()
    return t


def _tcons_o(spec: str, *vals: Any) -> LuaTable:
    """A table constructor mixing positional ('p', '*' for the expanded
    rest) and keyed ('k': key then value) items, values in source order."""
    pos = []
    kv = []
    j = 0
    for c in spec:
        if c == 'p':
            pos.append(vals[j])
            j += 1
        elif c == 'k':
            kv.append((vals[j], vals[j + 1]))
            j += 2
        else:
            pos.extend(vals[j:])
    return _tcons(pos, kv)


def _forin(vals: Any) -> Any:
    """Generic for over f, s, ctl and a to-be-closed value."""
    f, s, c, cl = _adj(4, vals)
    if cl is None or cl is False:
        return _lcore.iter_for(f, s, c)
    _lbase.close_check(cl, '(for state)')
    return _ForinClose(f, s, c, cl)


def _forin_gmatch(s: Any, p: Any, desc: Optional[str]) -> Any:
    """for ... in s:gmatch(p): luart's generator (iter_gmatch) when s and p
    are strings and the strings' gmatch is still the library's, else the
    method call and the generic for (s and p are evaluated once, by the
    caller, in Lua's order)."""
    if s.__class__ is bytes and p.__class__ is bytes:
        mt = _lcore.STRING_META
        idx = mt.hash.get(b'__index') if mt is not None else None
        if idx.__class__ is LuaTable and idx.hash.get(b'gmatch') is _lpattern.str_gmatch:
            return _lpattern.iter_gmatch(s, p)
    return _forin((*_lcore.allv(_invoke(s, b'gmatch', desc, p)),))


def _forin_pairs(f: Any, t: Any) -> Any:
    """for ... in pairs(t) where f is the value of the global pairs:
    iter_pairs when f is the library's pairs and t a table without __pairs,
    else the call and the generic for (a __pairs may return a to-be-closed
    value)."""
    if f is _lbase.lua_pairs and t.__class__ is LuaTable and (
            t.meta is None or _lcore.mtfield(t.meta, b'__pairs') is None):
        return _lcore.iter_pairs(t)
    if f.__class__ is not types.FunctionType:
        f = _callable(f, "global 'pairs'")
    return _forin((*_lcore.allv(f(t)),))


class _ForinClose:
    """The iterator of a generic for with a to-be-closed value cl in plain
    code (the emitted loop calls end() when it ends normally, breaks, jumps
    or returns, and err(e) when an error leaves it, its body's or the
    iterator function's: cl closes then, with that error, as in Lua)."""
    __slots__ = ('it', 'cl')

    def __init__(self, f: Any, s: Any, c: Any, cl: Any) -> None:
        self.it = _lcore.iter_for(f, s, c)
        self.cl = cl

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        try:
            return next(self.it)
        except StopIteration:
            self.end()
            raise
        except BaseException as e:
            self.err(e)
            raise

    def end(self) -> None:
        cl = self.cl
        if cl is not None:
            self.cl = None
            _lbase.close_value(cl, None)

    def err(self, e: BaseException) -> None:
        cl = self.cl
        if cl is not None:
            self.cl = None
            _lcoro.close_err(cl, e)


def _gcall(f: Any, desc: Optional[str], *args: Any) -> Any:
    """A call inside a yielding (generator) function: `yield from
    _gcall(...)`. coroutine.yield yields the plain tuple of its arguments
    and returns what the next resume passes; a yielding translated function
    (one with __luaco__) runs as a generator in the chain; pcall lets yields
    through (gpcall); anything else is an ordinary call."""
    if f is _co_yield:
        return _yret((yield args), args)
    g = getattr(f, '__luaco__', None)
    if g is not None:
        return (yield from g(*args))
    if f is _lua_pcall:
        return (yield from _lcoro.gpcall(*args))
    if f is _lua_xpcall:
        return (yield from _lcoro.gxpcall(*args))
    if f.__class__ is types.FunctionType:
        return f(*args)
    if not callable(f) or f.__class__ is LuaTable:
        h = _lcore.metamethod(f, b'__call')     # a __call that may yield
        g = getattr(h, '__luaco__', None) if h is not None else None
        if g is not None:
            return (yield from g(f, *args))
    return _callable(f, desc)(*args)


# (_core.where: a tail call through these is a tail call of the function
# they call: a coroutine's calls, o:m(...), a table's __call)
_lcore.TRAMPOLINES.update((_gcall.__code__, _invokef.__code__, _invoke.__code__,
                           _lcore.call.__code__))
_lcore.TRAMPOLINES.update(c for c in _callable.__code__.co_consts
                          if isinstance(c, types.CodeType) and c.co_name == '<lambda>')


def _gclose(v: Any, e: Optional[BaseException] = None) -> Any:
    """`yield from _gclose(v, e)`: leave the scope of the to-be-closed value
    v in a generator body (e the exception leaving it; None on a normal
    exit, a break, a goto or a return): __close runs through the coroutine
    chain (_gcall), so a yield inside it reaches the resumer as in Lua 5.4.4.
    An error: as lcoro.close_err (closed now, with the error value, when a
    pcall inside the coroutine catches it; left to coroutine.close when it
    leaves the coroutine). While a coroutine's pending values close
    (coroutine.close, a wrap function's error) the handler cannot yield,
    as in Lua."""
    if v is None or v is False:
        return None
    err = None
    if e is not None:
        if isinstance(e, GeneratorExit):
            _lbase.close_value(v, None)
            return None
        co, caught = _lcoro._close_mode(sys._getframe(1))
        err = _lcoro.close_errval(e, caught)
        if co is not None:
            if co.closing:
                _lbase.close_value(v, err)
                return None
            if caught is None:
                _lcoro._defer(co, v)
                return None
    elif _lcoro._frames:
        co, _ = _lcoro._close_mode(sys._getframe(1))
        if co is not None and co.closing:
            _lbase.close_value(v, None)
            return None
    h = _lcore.metamethod(v, b'__close')
    if h is None:
        _lcore.rterror("metamethod 'close' is not callable")
    yield from _gcall(h, None, v, err)
    return None


class _GFor:
    """The generic for over an iterator function that may yield, or with a
    to-be-closed value, in a generator body: step() calls the iterator
    function through the coroutine chain (g its generator function; g None:
    f the plain function, or coroutine.yield itself when f is None);
    gclose() closes the to-be-closed value through it too."""
    __slots__ = ('g', 'f', 's', 'c', 'cl')

    def __init__(self, g: Any, s: Any, c: Any, cl: Any = None, f: Any = None) -> None:
        self.g, self.s, self.c, self.cl, self.f = g, s, c, cl, f

    def gclose(self, e: Optional[BaseException]) -> Any:
        """The loop ended, by the exception e or (None) normally: close
        its to-be-closed value with that error (`yield from`: its __close
        may yield, as in Lua 5.4.4)."""
        cl = self.cl
        if cl is not None:
            self.cl = None
            yield from _gclose(cl, e)

    def step(self) -> Any:
        g = self.g
        if g is None:
            f = self.f
            if f is not None:   # a plain iterator function
                if (not callable(f) or f.__class__ is LuaTable) and \
                        _lcore.metamethod(f, b'__call') is None:
                    _lcore.forcall_error(f)
                r = _lcore.call(f, self.s, self.c)
            else:               # coroutine.yield as the iterator function
                a = (self.s, self.c)
                r = _yret((yield a), a)
        else:
            r = yield from g(self.s, self.c)
        if r.__class__ is Multi:
            if not r or r[0] is None:
                return None
            self.c = r[0]
            return r
        if r is None:
            return None
        self.c = r
        return (r,)


def _forinw(vals: Any) -> Any:
    """(iterator, coroutine) for a generic for over one expression in plain
    code. When the values are a fresh coroutine.wrap function alone and the
    coroutine's body is a translated generator that returns no values (its
    docstring is _NORET), the iterator is the body's generator itself, which
    the loop iterates with no Python code per step (the loop breaks at the
    first nil, ends through lcoro.fast_ended, and passes exceptions to
    lcoro.fast_raised; yields read the None each step sends as (nil, control
    value): lcoro.yret). Otherwise (_forin(vals), None)."""
    f = vals[0] if vals else None
    co = getattr(f, 'lua_coroutine', None) if f.__class__ is types.FunctionType else None
    if co is not None and co.gen is None and co.st == 'suspended' and (
            len(vals) == 1 or vals[1] is None and vals[2:3] in ((), (None,))
            and vals[3:4] in ((), (None,), (False,))):
        g = getattr(co.fn, '__luaco__', None)
        if g is not None and g.__doc__ == _NORET:
            return _lcoro.fast_start(co, g), co
    return _forin(vals), None


_NORET = 'returns no values'


def _gforin(vals: Any) -> Any:
    """_forin in a generator body: a _GFor when the iterator function may
    yield or there is a to-be-closed value (closed when the loop ends,
    through the coroutine chain: _gforend), else the plain iterator."""
    f, s, c, cl = _adj(4, vals)
    g = _lcoro.gfunc(f)     # a translated function's, or a __call's that may yield
    if cl is not None and cl is not False:
        _lbase.close_check(cl, '(for state)')
        if g is not None or f is _co_yield:
            return _GFor(g, s, c, cl)
        return _GFor(None, s, c, cl, f)
    if g is not None or f is _co_yield:
        return _GFor(g, s, c)
    return _forin(vals)


def _gforend(it: Any, e: Optional[BaseException]) -> Any:
    """`yield from _gforend(it, e)`: the generic for over it ended (e the
    exception leaving it, or None)."""
    if it.__class__ is _GFor:
        if it.cl is not None:
            yield from it.gclose(e)


def _gix(o: Any, k: Any, desc: Optional[str]) -> Any:
    """o[k] off the fast path in a generator body: an __index function that
    may yield (__luaco__), the table's own or reached through __index
    tables as luart's index walks them, runs through the chain."""
    t = o
    for _ in range(2000):
        if t.__class__ is LuaTable:
            mt = t.meta
            if mt is None:
                return t.get(k)     # (raw: no metatable)
            v = t.get(k)
            if v is not None:
                return v
            h = _lcore.mtfield(mt, b'__index')
        else:       # a string's (or other value's) metatable
            h = _lcore.metamethod(t, b'__index')
        if h is None:
            break
        if h.__class__ is not _FT and not _lcore.isfunc(h):
            t = h
            continue
        g = getattr(h, '__luaco__', None)
        if g is not None:
            r = yield from g(t, k)
            if r.__class__ is Multi:
                return r[0] if r else None
            return r
        break
    return _ix(o, k, desc)


_EVENT = {'add': b'__add', 'sub': b'__sub', 'mul': b'__mul', 'div': b'__div',
          'mod': b'__mod', 'pow': b'__pow', 'idiv': b'__idiv', 'band': b'__band',
          'bor': b'__bor', 'bxor': b'__bxor', 'shl': b'__shl', 'shr': b'__shr',
          'concat': b'__concat', 'unm': b'__unm', 'length': b'__len', 'bnot': b'__bnot'}


def _gmeta(op: str, a: Any, b: Any) -> Any:
    """(generator function of the metamethod, its arguments, negate) when
    the operator op on a, b calls a metamethod that may yield (a translated
    function's __luaco__), chosen as Lua 5.4 chooses it; None otherwise
    (numbers, strings and tables without one: the plain operator)."""
    mm = _lcore.metamethod
    if op in ('gt', 'ge'):
        a, b = b, a
        op = 'lt' if op == 'gt' else 'le'
    if op in ('eq', 'ne'):
        if a.__class__ is not LuaTable or b.__class__ is not LuaTable or a is b:
            return None
        h = mm(a, b'__eq')
        if h is None:
            h = mm(b, b'__eq')
        g = getattr(h, '__luaco__', None)
        return None if g is None else (g, (a, b), op == 'ne')
    if a.__class__ is not LuaTable and b.__class__ is not LuaTable:
        return None
    if op == 'lt' or op == 'le':
        h = mm(a, b'__lt' if op == 'lt' else b'__le')
        if h is None:
            h = mm(b, b'__lt' if op == 'lt' else b'__le')
        if h is None and op == 'le':
            # LUA_COMPAT_LT_LE, as luart's le: a <= b is not (b < a)
            h = mm(b, b'__lt')
            if h is None:
                h = mm(a, b'__lt')
            g = getattr(h, '__luaco__', None)
            return None if g is None else (g, (b, a), True)
        g = getattr(h, '__luaco__', None)
        return None if g is None else (g, (a, b), False)
    ev = _EVENT[op]
    h = mm(a, ev)
    if h is None:
        h = mm(b, ev)
    g = getattr(h, '__luaco__', None)
    return None if g is None else (g, (a, b), None)


def _gop(op: str, a: Any, b: Any, descs: Any = None) -> Any:
    """A binary operator off its inline fast path in a generator body:
    `r = yield from _gop('add', a, b)`. A metamethod that may yield runs
    through the coroutine chain (Lua 5.4 lets metamethods yield); anything
    else is luart's operator (with the operands' names in its errors when
    descs is given)."""
    if a.__class__ is LuaTable or b.__class__ is LuaTable:
        m = _gmeta(op, a, b)
        if m is not None:
            g, args, neg = m
            r = _lcore.first((yield from g(*args)))
            if neg is None:
                return r
            return (r is None or r is False) if neg else (r is not None and r is not False)
    fn = getattr(_lcore, op)
    if descs is not None:
        return _opv(fn, descs, a, b)
    return fn(a, b)


def _gconcatv(descs: Tuple[Optional[str], ...], *vals: Any) -> Any:
    """_concatv in a generator body: each pair through _gop (a __concat
    function may yield)."""
    if _all_bytes(vals):
        return b''.join(vals)
    acc = vals[-1]
    for i in range(len(vals) - 2, -1, -1):
        d = (descs[i], descs[i + 1])
        acc = yield from _gop('concat', vals[i], acc, d if d[0] or d[1] else None)
    return acc


def _gun(op: str, a: Any, desc: Optional[str] = None) -> Any:
    """A unary operator (unm, length, bnot) in a generator body, as _gop,
    the metamethod called with the operand twice, as Lua calls it."""
    if a.__class__ is LuaTable:
        g = getattr(_lcore.metamethod(a, _EVENT[op]), '__luaco__', None)
        if g is not None:
            return _lcore.first((yield from g(a, a)))
    fn = getattr(_lcore, op)
    if desc is not None:
        return _opv(fn, (desc,), a)
    return fn(a)


def _gsetix(o: Any, k: Any, v: Any, desc: Optional[str]) -> Any:
    """o[k] = v off the fast path in a generator body: a __newindex function
    that may yield, reached through __newindex tables as luart's setindex
    walks them, runs through the coroutine chain."""
    t = o
    for _ in range(2000):
        if t.__class__ is LuaTable:
            if t.meta is None:
                break
            h = _lcore.mtfield(t.meta, b'__newindex')
            if h is None or t.get(k) is not None:
                break
        else:       # a string's (or other value's) metatable
            h = _lcore.metamethod(t, b'__newindex')
            if h is None:
                break
        if h.__class__ is not _FT and not _lcore.isfunc(h):
            t = h
            continue
        g = getattr(h, '__luaco__', None)
        if g is not None:
            yield from g(t, k, v)
            return None
        break
    _setixv(o, k, v, desc)
    return None


def _ginvoke(o: Any, name: bytes, desc: str, *args: Any) -> Any:
    """o:name(args) inside a yielding function."""
    if o.__class__ is LuaTable:
        f = o.hash.get(name)
        if f is None:
            f = yield from _gix(o, name, desc)
    else:
        f = yield from _gix(o, name, desc)
    return (yield from _gcall(f, "method '%s'" % name.decode('latin-1'), o, *args))


def _luaco(g: Any) -> Any:
    """The plain function of a yielding function whose generator is g."""
    run = _lcoro.run_plain

    def f(*args: Any) -> Any:
        return run(g(*args))
    f.__luaco__ = g   # type: ignore[attr-defined]
    f.__name__ = g.__name__[:-3]
    return f


_EPOCH = _lcore.EPOCH
_PROOFS = _lcore.PROOFS
_WDict = _lcore.WDict


def _libget(s: Any, H: Any, k1: bytes, k2: bytes) -> Any:
    """The value of `k1.k2` (k1 a global) for a call site's cache s, a list
    [epoch, value], H the global table's dict, when the site's epoch is not
    the current one. When H holds k1 itself (a raw hit) and it is a table
    whose own dict holds k2, both watched dicts (WDict: the global table,
    the standard library tables), that is what Lua's two reads give until a
    watched key changes: the value is cached with the current epoch and
    returned. Otherwise None: the site takes the full reads (index() and
    __index), and s remembers that until the epoch changes. The keys are
    watched before the values that are cached are read (a thread switch in
    between cannot hide a write), and the epoch is read first."""
    ep = _EPOCH[0]
    if H.__class__ is _WDict:
        t = H.get(k1)
        if t.__class__ is LuaTable and t.hash.__class__ is _WDict:
            h = t.hash
            w = H.w
            if w is not None and k1 not in w:
                w.add(k1)
            w = h.w
            if w is not None and k2 not in w:
                w.add(k2)
            v = h.get(k2)
            if v is not None:
                if H.get(k1) is t and ep is _EPOCH[0]:
                    s[0] = ep
                    s[1] = v
                    if v is _co_yield and len(s) > 2:
                        s[2] = True         # the proof a yield statement tests
                        _PROOFS.append(s)
                        if ep is not _EPOCH[0]:     # a bump in between
                            s[2] = False
                    return v
                s[0] = None     # changed while reading: read it all again
                return None
    s[0] = ep
    s[1] = None
    return None


_co_yield = _lcoro.co_yield
# argument errors of library functions called as methods count self out
_laux.INVOKERS.add(_invoke.__code__)
_laux.INVOKERS.add(_invokef.__code__)
_laux.GCALLS.add(_gcall.__code__)
_yret = _lcoro.yret
_lua_pcall = _lbase.lua_pcall
_lua_xpcall = _lbase.lua_xpcall


def _chunk_uv(env: LuaTable) -> Any:
    """The upvalue accessor of a main chunk run without a host (a
    standalone module): its one upvalue, 0, is the chunk's _ENV, first the
    global table env (the IR reads it when the chunk assigns _ENV:
    docs/lua-ir.md "_ENV")."""
    cell = [env]

    def uv(i: int, *v: Any) -> Any:
        if i != 0:
            _lcore.rterror('the translated function has no upvalues')
        if v:
            cell[0] = v[0]
            return None
        return cell[0]
    return uv


def emit_globals(env: LuaTable, uv: Any = None,
                 live: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The globals of generated code: luart's public names, these helpers,
    the global table env (_ENV; _ENVH its hash part, never replaced), the
    upvalue accessor uv(i) / uv(i, v), and live: in a runtime, the names
    that read its globals live instead (tandem._lualive.Live.names)."""
    pkg = sys.modules[__name__.rpartition('.')[0]]
    g: Dict[str, Any] = {name: getattr(pkg, name) for name in pkg.__all__}
    g.update(_ENV=env, _ENVH=env.hash, _ENVget=env.hash.get, _uv=uv or _chunk_uv(env),
             _NUMS=frozenset((int, float)),
             FunctionType=types.FunctionType, Multi=Multi, NORES=NORES, LuaTable=LuaTable,
             _adj=_adj, _ix=_ix, _callv=_callv, _callable=_callable, _ixv=_ixv,
             _setixv=_setixv, _invoke=_invoke, _opv=_opv, _concatv=_concatv,
             _gconcatv=_gconcatv,
             _co_yield=_co_yield,
             _mlook=_mlook, _invokef=_invokef, _gmlook=_gmlook,
             _GFor=_GFor, _gforin=_gforin, _gop=_gop, _gun=_gun, _gsetix=_gsetix,
             _gforend=_gforend, _FC=_ForinClose,
             _gclose=_gclose,
             close_err=_lcoro.close_err,
             _forinw=_forinw, _yret=_yret, _Foreign=_lcoro._Foreign,
             _fast_raised=_lcoro.fast_raised, _fast_ended=_lcoro.fast_ended,
             _getframe=sys._getframe, _gix=_gix, _gcall=_gcall, _ginvoke=_ginvoke,
             _luaco=_luaco, _tcons=_tcons, _tcons_o=_tcons_o, _forin=_forin,
             _forin_gmatch=_forin_gmatch, _forin_pairs=_forin_pairs,
             _EP=_EPOCH, _libget=_libget, _t_insert=_ltable.t_insert,
             _str_sub=_lcore_str_sub, _NAN=_lcore._DNAN, _INF=float('inf'),
             wrap=_lcore.wrap, close_value=_lbase.close_value,
             close_check=_lbase.close_check, error_value=_lbase.error_value,
             _ENVmiss=functools.partial(_lcore.index, env))
    if live is not None:
        g.update(live)
    return g
