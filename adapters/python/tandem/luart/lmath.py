"""The math library (lmathlib.c), including xoshiro256** for math.random."""

import math
import time

from ._core import liberror, Multi, _MIN, _MAX, _MASK, _DNAN, _fmodf, _fpow, lt
from ._aux import NA, argerror, checkint, checknum, checkany, typename_of, typeerror

huge = math.inf
pi = math.pi
maxinteger = _MAX
mininteger = _MIN
_PNAN = -_DNAN if math.copysign(1.0, _DNAN) < 0 else _DNAN


def _f2i(x):
    """A float with an integral value as an int when it fits, else None."""
    if -9.3e18 < x < 9.3e18:
        i = int(x)
        if _MIN <= i <= _MAX:
            return i
    return None


def m_abs(x=NA, *_):
    c = x.__class__
    if c is int:
        return _MIN if x == _MIN else abs(x)
    if c is float:
        return abs(x)
    return abs(float(checknum(x, 1, 'abs')))


def m_floor(x=NA, *_):
    c = x.__class__
    if c is int:
        return x
    if c is not float:
        # a string: luaL_checknumber's float, even of an integer numeral
        # (lua_isinteger is false for a string): math.floor("0x7fffffffffffffff")
        # is 2^63, a float
        x = float(checknum(x, 1, 'floor'))
    if x != x or x in (math.inf, -math.inf):
        return x
    f = math.floor(x)
    return f if _MIN <= f <= _MAX else float(f)


def m_ceil(x=NA, *_):
    c = x.__class__
    if c is int:
        return x
    if c is not float:
        # a string: luaL_checknumber's float, even of an integer numeral
        # (lua_isinteger is false for a string): math.ceil("0x7fffffffffffffff")
        # is 2^63, a float
        x = float(checknum(x, 1, 'ceil'))
    if x != x or x in (math.inf, -math.inf):
        return x
    f = math.ceil(x)
    return f if _MIN <= f <= _MAX else float(f)


def m_fmod(a=NA, b=NA, *_):
    if a.__class__ is int and b.__class__ is int:
        if b == 0:
            argerror(2, 'fmod', 'zero')
        if b == -1:
            return 0
        r = abs(a) % abs(b)
        return -r if a < 0 else r       # C's truncating remainder
    # fmod(luaL_checknumber(L, 1), luaL_checknumber(L, 2)): the C compiler
    # lua5.4 is built with evaluates the second argument first, so when
    # both are bad Lua names #2
    b = float(checknum(b, 2, 'fmod'))
    a = float(checknum(a, 1, 'fmod'))
    return _fmodf(a, b)


def _pushnumint(d):
    if d.is_integer():
        i = _f2i(d)
        if i is not None:
            return i
    return d


def m_modf(x=NA, *_):
    if x.__class__ is int:
        return Multi((x, 0.0))
    x = float(checknum(x, 1, 'modf'))
    if x in (math.inf, -math.inf):
        return Multi((x, 0.0))
    if x != x:
        return Multi((x, x))
    ip = float(math.floor(x)) if x >= 0 else float(math.ceil(x))
    return Multi((_pushnumint(ip), 0.0 if x == ip else x - ip))


def m_deg(x=NA, *_):
    # lmathlib.c: x * (180.0 / PI), the constant folded in double as C does
    return float(checknum(x, 1, 'deg')) * (180.0 / math.pi)


def m_rad(x=NA, *_):
    return float(checknum(x, 1, 'rad')) * (math.pi / 180.0)


def m_sqrt(x=NA, *_):
    x = float(checknum(x, 1, 'sqrt'))
    if x < 0:
        return _DNAN
    return math.sqrt(x)


def _wrap1(name, fn, domain_nan=_DNAN):
    # domain_nan: what C's function gives outside its domain (glibc: the
    # hardware's default NaN, -nan on x86, for sin/cos/tan of an infinity;
    # a positive NaN for asin/acos past 1, printed `nan`)
    def f(x=NA, *_):
        x = float(checknum(x, 1, name))
        try:
            return fn(x)
        except ValueError:
            if x != x:
                return x
            return domain_nan
        except OverflowError:
            return math.inf
    f.__name__ = name
    # a code object of its own: errors name a library function by its code
    # (_aux.QUALNAMES), and the five would share one
    f.__code__ = f.__code__.replace(co_name=name)
    return f


m_sin = _wrap1('sin', math.sin)
m_cos = _wrap1('cos', math.cos)
m_tan = _wrap1('tan', math.tan)
m_asin = _wrap1('asin', math.asin, _PNAN)
m_acos = _wrap1('acos', math.acos, _PNAN)


def m_exp(x=NA, *_):
    x = float(checknum(x, 1, 'exp'))
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _catan2(y, x):
    # C's atan2 gives a NaN operand itself (x's first: glibc's x + y), sign
    # included; Python's math.atan2 a positive NaN
    if x != x:
        return x
    if y != y:
        return y
    return math.atan2(y, x)


def m_atan(y=NA, x=1.0, *_):
    y = float(checknum(y, 1, 'atan'))
    x = 1.0 if x is None else float(checknum(x, 2, 'atan'))
    return _catan2(y, x)


def _clog(x):
    if x > 0 or x != x:
        return math.log(x) if x != math.inf else x
    if x == 0:
        return -math.inf
    return _DNAN


def m_log(x=NA, base=None, *_):
    x = float(checknum(x, 1, 'log'))
    if base is None:
        return _clog(x)
    base = checknum(base, 2, 'log')
    if base == 2:
        if x > 0 and x != math.inf:
            return math.log2(x)
        return _clog(x)
    if base == 10:
        if x > 0 and x != math.inf:
            return math.log10(x)
        if x < 0:               # glibc's log10 (lmathlib calls it): a positive NaN
            return _PNAN
        return _clog(x)
    b = _clog(float(base))
    a = _clog(x)
    try:
        return a / b
    except ZeroDivisionError:
        if a != a:
            return a            # C's NaN / 0.0: the NaN itself, its sign kept
        if a == 0:
            return _DNAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def m_pow(a, b):
    return _fpow(float(a), float(b))


# The compatibility functions Debian's lua5.4 is built with
# (LUA_COMPAT_MATHLIB in lmathlib.c): each the C library's function of
# luaL_checknumber's value.

def m_atan2(y=NA, x=1.0, *_):
    y = float(checknum(y, 1, 'atan2'))
    x = 1.0 if x is None else float(checknum(x, 2, 'atan2'))
    return _catan2(y, x)


def m_cosh(x=NA, *_):
    x = float(checknum(x, 1, 'cosh'))
    try:
        return math.cosh(x)
    except OverflowError:       # C: HUGE_VAL
        return math.inf


def m_sinh(x=NA, *_):
    x = float(checknum(x, 1, 'sinh'))
    try:
        return math.sinh(x)
    except OverflowError:       # C: HUGE_VAL with the sign of x
        return math.copysign(math.inf, x)


def m_tanh(x=NA, *_):
    return math.tanh(float(checknum(x, 1, 'tanh')))


def m_powf(x=NA, y=NA, *_):
    x = float(checknum(x, 1, 'pow'))
    return _fpow(x, float(checknum(y, 2, 'pow')))


def m_frexp(x=NA, *_):
    m, e = math.frexp(float(checknum(x, 1, 'frexp')))
    return Multi((m, e))


def m_ldexp(x=NA, e=NA, *_):
    x = float(checknum(x, 1, 'ldexp'))
    e = checkint(e, 2, 'ldexp')
    e = ((e + 0x80000000) & 0xffffffff) - 0x80000000     # C's (int) cast
    try:
        return math.ldexp(x, e)
    except OverflowError:       # C: HUGE_VAL with the sign of x
        return math.copysign(math.inf, x)


def m_log10(x=NA, *_):
    x = float(checknum(x, 1, 'log10'))
    if x > 0 and x != math.inf:
        return math.log10(x)
    if x < 0:                   # glibc's log10 gives a positive NaN here
        return _PNAN
    return _clog(x)


def m_tointeger(x=NA, *_):
    c = x.__class__
    if c is int:
        return x
    if c is float:
        if x.is_integer():
            return _f2i(x)
        return None
    if c is bytes:
        from ._core import str2number
        v = str2number(x)
        if v is not None:
            return m_tointeger(v)
        return None
    checkany(x, 1, 'tointeger')
    return None


def m_type(x=NA, *_):
    c = x.__class__
    if c is int:
        return b'integer'
    if c is float:
        return b'float'
    checkany(x, 1, 'type')
    return None


def m_ult(a=NA, b=NA, *_):
    a = checkint(a, 1, 'ult')
    b = checkint(b, 2, 'ult')
    return (a & _MASK) < (b & _MASK)


def m_max(*args):
    if not args:
        argerror(1, 'max', 'value expected')
    best = args[0]
    for i in range(1, len(args)):
        v = args[i]
        if lt(best, v):
            best = v
    return best


def m_min(*args):
    if not args:
        argerror(1, 'min', 'value expected')
    best = args[0]
    for i in range(1, len(args)):
        v = args[i]
        if lt(v, best):
            best = v
    return best


# ---------------------------------------------------------------- random

def _rotl(x, n):
    return ((x << n) | (x >> (64 - n))) & _MASK


class _Xoshiro:
    __slots__ = ('s',)

    def __init__(self):
        self.s = [0, 0, 0, 0]

    def next(self):
        s = self.s
        s0, s1, s2, s3 = s
        s2 ^= s0
        s3 ^= s1
        res = (_rotl((s1 * 5) & _MASK, 7) * 9) & _MASK
        s[0] = s0 ^ s3
        s[1] = s1 ^ s2
        s[2] = s2 ^ ((s1 << 17) & _MASK)
        s[3] = _rotl(s3, 45)
        return res

    def seed(self, n1, n2):
        s = self.s
        s[0] = n1 & _MASK
        s[1] = 0xff
        s[2] = n2 & _MASK
        s[3] = 0
        for _ in range(16):
            self.next()


_RNG = _Xoshiro()


def _signed(u):
    return u - (1 << 64) if u & (1 << 63) else u


def m_randomseed(*args):
    if not args:
        n1 = time.time_ns() & _MASK
        n2 = id(_RNG) & _MASK
    else:
        n1 = checkint(args[0], 1, 'randomseed')
        n2 = checkint(args[1], 2, 'randomseed') if len(args) > 1 and args[1] is not None else 0
    _RNG.seed(n1, n2)
    return Multi((_signed(n1 & _MASK), _signed(n2 & _MASK)))


def _project(ran, n):
    if (n & (n + 1)) == 0:
        return ran & n
    lim = n
    lim |= lim >> 1
    lim |= lim >> 2
    lim |= lim >> 4
    lim |= lim >> 8
    lim |= lim >> 16
    lim |= lim >> 32
    while True:
        ran &= lim
        if ran <= n:
            return ran
        ran = _RNG.next()


def m_random(*args):
    rv = _RNG.next()
    na = len(args)
    if na == 0:
        return (rv >> 11) * (0.5 / (1 << 52))
    if na == 1:
        low = 1
        up = checkint(args[0], 1, 'random')
        if up == 0:
            return _signed(rv)
    elif na == 2:
        low = checkint(args[0], 1, 'random')
        up = checkint(args[1], 2, 'random')
    else:
        liberror(b'wrong number of arguments')
    if not low <= up:
        argerror(1, 'random', 'interval is empty')
    r = _project(rv, (up - low) & _MASK)
    return _signed((r + low) & _MASK)


m_randomseed()

__all__ = ['typename_of', 'typeerror']
