"""The table library (ltablib.c): insert, remove, concat, unpack, pack, move, sort."""

from ._core import (liberror, isfunc, LuaTable, Multi, NORES, first, call, index,
                    setindex, length, lt, metamethod, toint, tostr, truth, type_name)
from ._aux import NA, argerror, checkint, optint, optstr, typeerror

_MAXSTACK = 1000000


def _checktab(t, n, fname, need):
    """aux_getn/checktab: a table, or a value with the metamethods needed."""
    if t.__class__ is LuaTable:
        return
    ok = True
    for ev in need:
        if metamethod(t, ev) is None:
            ok = False
    if not ok or (metamethod(t, b'__index') is None and metamethod(t, b'__newindex') is None and metamethod(t, b'__len') is None):
        typeerror(n, fname, 'table', t)


def _getn(t, fname, need=(b'__index', b'__newindex', b'__len')):
    if t.__class__ is LuaTable and t.meta is None:
        return len(t.arr)
    _checktab(t, 1, fname, need)
    return _lenint(length(t))


def _lenint(n):
    """luaL_len's integer: lua_tointegerx of #t (__len may give an
    integral float or a numeric string: 2.0 and "2" are 2)."""
    if n.__class__ is not int:
        n = toint(n)
        if n is None:
            liberror(b"object length is not an integer")
    return n


def t_insert(t=NA, *args):
    na = len(args)
    e = _getn(t, 'insert')
    e = e + 1 if e != 0x7fffffffffffffff else -0x8000000000000000     # luaL_intop
    if na == 1:
        v = args[0]
        if t.__class__ is LuaTable and t.meta is None:
            t.set(e, v)
        else:
            setindex(t, e, v)
        return NORES
    if na != 2:
        liberror(b"wrong number of arguments to 'insert'")
    pos = checkint(args[0], 2, 'insert')
    v = args[1]
    if not ((pos - 1) & 0xffffffffffffffff) < (e & 0xffffffffffffffff):     # as unsigned
        argerror(2, 'insert', 'position out of bounds')
    if t.__class__ is LuaTable and t.meta is None and e - 1 == len(t.arr):
        if v is None and pos == e:
            return NORES
        t.arr.insert(pos - 1, v)
        if t.hash:
            t._migrate()
        a = t.arr
        while a and a[-1] is None:
            a.pop()
        return NORES
    for i in range(e, pos, -1):
        setindex(t, i, index(t, i - 1))
    setindex(t, pos, v)
    return NORES


def t_remove(t=NA, pos=NA, *_):
    size = _getn(t, 'remove')
    if pos is NA or pos is None:
        pos = size
    else:
        pos = checkint(pos, 2, 'remove')
        if pos != size and not ((pos - 1) & 0xffffffffffffffff) <= (size & 0xffffffffffffffff):
            argerror(1, 'remove', 'position out of bounds')
    if t.__class__ is LuaTable and t.meta is None and size == len(t.arr) and 1 <= pos <= size:
        a = t.arr
        v = a.pop(pos - 1)
        while a and a[-1] is None:
            a.pop()
        return v
    v = index(t, pos)
    while pos < size:
        setindex(t, pos, index(t, pos + 1))
        pos += 1
    setindex(t, pos, None)
    return v


def t_concat(t=NA, sep=None, i=None, j=None, *_):
    last = _getn(t, 'concat', (b'__index', b'__len'))    # aux_getn(TAB_R): TAB_R | TAB_L
    sep = optstr(sep, 2, 'concat', b'')
    i = optint(i, 3, 'concat', 1)
    last = optint(j, 4, 'concat', last)
    plain = t.__class__ is LuaTable and t.meta is None
    if plain and 1 <= i and last <= len(t.arr):
        try:
            return sep.join(t.arr[i - 1:last])     # all strings: one C call
        except TypeError:
            pass
    out = []
    k = i
    while k <= last:
        v = t.get(k) if plain else index(t, k)
        if v.__class__ is not bytes:
            s = tostr(v)
            if s is None:
                liberror("invalid value (%s) at index %d in table for 'concat'" % (type_name(v), k))
            v = s
        out.append(v)
        k += 1
    return sep.join(out)


def t_pack(*args):
    t = LuaTable()
    a = list(args)
    while a and a[-1] is None:
        a.pop()
    t.arr = a
    t.set(b'n', len(args))
    return t


def t_unpack(t=None, i=None, j=None, *_):
    # (no argument is a nil: unpack reads it as any value, `#nil` its error)
    i = optint(i, 2, 'unpack', 1)
    if j is None or j is NA:
        e = _lenint(length(t))
    else:
        e = checkint(j, 3, 'unpack')
    if i > e:
        return NORES
    n = e - i
    if n >= 0x7fffffff or n + 1 >= _MAXSTACK:
        liberror(b'too many results to unpack')
    if t.__class__ is LuaTable and t.meta is None:
        a = t.arr
        if 1 <= i and e <= len(a):
            if i == e:
                return a[i - 1]
            return Multi(a[i - 1:e])
        g = t.get
        vals = [g(k) for k in range(i, e + 1)]
    else:
        vals = [index(t, k) for k in range(i, e + 1)]
    if len(vals) == 1:
        return vals[0]
    return Multi(vals)


def t_move(a1=NA, f=NA, e=NA, t=NA, a2=None, *_):
    f = checkint(f, 2, 'move')
    e = checkint(e, 3, 'move')
    t = checkint(t, 4, 'move')
    tt = 5      # the argument checked for writing: a1 when a2 is absent
    if a2 is None or a2 is NA:
        a2 = a1
        tt = 1
    _checktab(a1, 1, 'move', (b'__index',))
    _checktab(a2, tt, 'move', (b'__newindex',))
    if e >= f:
        if not (f > 0 or e < 0x7fffffffffffffff + f):
            argerror(3, 'move', 'too many elements to move')
        if not t <= 0x7fffffffffffffff - (e - f):
            argerror(4, 'move', 'destination wrap around')
        if t > e or t <= f or (a1 is not a2):
            for i in range(0, e - f + 1):
                setindex(a2, t + i, index(a1, f + i))
        else:
            for i in range(e - f, -1, -1):
                setindex(a2, t + i, index(a1, f + i))
    return a2


# ---------------------------------------------------------------- sort

def _sort_fast_ok(a):
    """True when Python's sort gives exactly Lua's result: no comparator and
    values that are equal only when indistinguishable."""
    if not a:
        return True
    c = a[0].__class__
    if c is int or c is bytes:
        for v in a:
            if v.__class__ is not c:
                return False
        return True
    if c is float:
        for v in a:
            if v.__class__ is not float or v != v or v == 0:
                return False
        return True
    return False


def t_sort(t=NA, comp=None, *_):
    n = _getn(t, 'sort')
    if n > 1:
        if n >= 0x7fffffff:
            argerror(1, 'sort', 'array too big')
        if comp is not None and comp is not NA and not isfunc(comp):
            typeerror(2, 'sort', 'function', comp)
        if comp is NA:
            comp = None
        plain = t.__class__ is LuaTable and t.meta is None and n == len(t.arr)
        if plain and comp is None and _sort_fast_ok(t.arr):
            t.arr.sort()
            return NORES
        _Sorter(t, comp, plain).auxsort(1, n, 0)
    return NORES


class _Sorter:
    """ltablib.c's quicksort, step for step (the same comparisons in the
    same order, so the same result for any comparator)."""

    def __init__(self, t, comp, plain):
        self.t = t
        self.comp = comp
        if plain:
            geti = t.get
            seti = t.set
        else:
            def geti(i):
                return index(t, i)

            def seti(i, v):
                setindex(t, i, v)
        self.geti = geti
        self.seti = seti

    def lt(self, a, b):
        c = self.comp
        if c is None:
            return lt(a, b)
        return truth(first(call(c, a, b)))

    def partition(self, lo, up, P):
        geti = self.geti
        seti = self.seti
        slt = self.lt
        i = lo
        j = up - 1
        while True:
            i += 1
            ai = geti(i)
            while slt(ai, P):
                if i == up - 1:
                    liberror(b'invalid order function for sorting')
                i += 1
                ai = geti(i)
            j -= 1
            aj = geti(j)
            while slt(P, aj):
                if j < i:
                    liberror(b'invalid order function for sorting')
                j -= 1
                aj = geti(j)
            if j < i:
                seti(up - 1, ai)
                seti(i, P)
                return i
            seti(i, aj)
            seti(j, ai)

    def auxsort(self, lo, up, rnd):
        geti = self.geti
        seti = self.seti
        slt = self.lt
        while lo < up:
            alo = geti(lo)
            aup = geti(up)
            if slt(aup, alo):
                seti(lo, aup)
                seti(up, alo)
            if up - lo == 1:
                break
            if up - lo < 100 or rnd == 0:
                p = (lo + up) // 2
            else:
                r4 = (up - lo) // 4
                p = rnd % (r4 * 2) + (lo + r4)
            ap = geti(p)
            alo = geti(lo)
            if slt(ap, alo):
                seti(p, alo)
                seti(lo, ap)
            else:
                aup = geti(up)
                if slt(aup, ap):
                    seti(p, aup)
                    seti(up, ap)
            if up - lo == 2:
                break
            P = geti(p)
            aup1 = geti(up - 1)
            seti(p, aup1)
            seti(up - 1, P)
            p = self.partition(lo, up, P)
            if p - lo < up - p:
                self.auxsort(lo, p - 1, rnd)
                n = p - lo
                lo = p + 1
            else:
                self.auxsort(p + 1, up, rnd)
                n = up - p
                up = p - 1
            if (up - lo) // 128 > n:
                # Lua takes a "random" pivot from clock() and time() here;
                # any fixed choice is as valid (see docs/luart.md).
                rnd = 0x9e3779b9


__all__ = ['type_name']
