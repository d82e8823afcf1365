"""Argument checks of the Lua libraries (lauxlib's luaL_check*), in Lua's words."""

from ._core import LuaError, LuaTable, type_name, metamethod, str2number, toint, tostr

_MIN = -0x8000000000000000
_MAX = 0x7fffffffffffffff


class _NoValue:
    __slots__ = ()

    def __repr__(self):
        return 'NA'


NA = _NoValue()     # default of a required argument: "no value"


def argerror(n, fname, msg):
    raise LuaError(("bad argument #%d to '%s' (%s)" % (n, fname, msg)).encode())


def typename_of(v):
    if v is NA:
        return 'no value'
    tn = metamethod(v, b'__name')
    if tn.__class__ is bytes:
        return tn.decode('latin-1')
    return type_name(v)


def typeerror(n, fname, expected, v):
    argerror(n, fname, '%s expected, got %s' % (expected, typename_of(v)))


def checkstr(v, n, fname):
    if v.__class__ is bytes:
        return v
    s = tostr(v)
    if s is None:
        typeerror(n, fname, 'string', v)
    return s


def optstr(v, n, fname, default):
    if v is None or v is NA:
        return default
    return checkstr(v, n, fname)


def checkint(v, n, fname):
    if v.__class__ is int:
        return v
    i = toint(v)
    if i is None:
        c = v.__class__
        if c is float or (c is bytes and str2number(v) is not None):
            argerror(n, fname, 'number has no integer representation')
        typeerror(n, fname, 'number', v)
    return i


def optint(v, n, fname, default):
    if v is None or v is NA:
        return default
    return checkint(v, n, fname)


def checknum(v, n, fname):
    c = v.__class__
    if c is int or c is float:
        return v
    if c is bytes:
        x = str2number(v)
        if x is not None:
            return x
    typeerror(n, fname, 'number', v)


def checktable(v, n, fname):
    if v.__class__ is not LuaTable:
        typeerror(n, fname, 'table', v)
    return v


def checkany(v, n, fname):
    if v is NA:
        argerror(n, fname, 'value expected')
    return v


def isnone(v):
    return v is NA or v is None
