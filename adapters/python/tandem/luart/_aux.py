"""Argument checks of the Lua libraries (lauxlib's luaL_check*), in Lua's words."""

import sys

from ._core import iter_for, CFUNCS, QUALNAMES, _RTFILES as RTFILES, LuaTable, liberror, type_name, metamethod, str2number, toint, tostr

_MIN = -0x8000000000000000
_MAX = 0x7fffffffffffffff


class _NoValue:
    __slots__ = ()

    def __repr__(self):
        return 'NA'


NA = _NoValue()     # default of a required argument: "no value"


class _LightUserdata:
    __slots__ = ()


LUD = _LightUserdata()  # a C library's internal stack slot, seen in messages
_FORITER = iter_for.__code__     # calls from it are named 'for iterator' 
# code objects of methods (file:read ...): their arguments are numbered as
# in a method call (self 0), one more when a C function calls them
METHODS = set()


# code objects of the runtime's method calls (lemit._invoke: o:name(...),
# its `name` local; lemit._gcall in yielding code, its `desc` "method 'x'")
INVOKERS = set()
GCALLS = set()


def _method_name(c):
    """The method name when the library function whose caller frame is c was
    called by a method call of translated code, else None."""
    while c is not None and c.f_code.co_filename in RTFILES and c.f_code not in CFUNCS:
        code = c.f_code
        if code in INVOKERS:
            name = c.f_locals.get('name')
            return name.decode('latin-1') if name.__class__ is bytes else None
        if code in GCALLS:
            d = c.f_locals.get('desc')
            if d.__class__ is str and d.startswith("method '") and d.endswith("'"):
                return d[8:-1]
            return None
        c = c.f_back
    return None


def argerror(n, fname, msg):
    """luaL_argerror: the function is named as the call site names it; we
    cannot see the call site's expression, so a call from translated code
    uses the library's short name ('rep'), as `string.rep(...)` does, and a
    call from a C function (pcall, gsub ...) the global name ('string.rep'),
    as Lua's pushglobalfuncname does."""
    f = sys._getframe(1)
    cf = CFUNCS
    while f is not None and f.f_code not in cf:
        f = f.f_back
    if f is not None:
        c = f.f_back
        while (c is not None and c.f_code is not _FORITER and c.f_code not in cf
               and c.f_code.co_filename in RTFILES):
            c = c.f_back
        from_c = False
        if c is not None:
            if c.f_code is _FORITER:
                fname = 'for iterator'
            elif c.f_code in cf:
                fname = QUALNAMES.get(f.f_code, '?')
                from_c = True
        if f.f_code in METHODS:
            # self as 0: a bad self means the call was not `f:m(...)` but
            # `f.m(x, ...)`, numbered from self as a C function's call is
            n += 1 if from_c or n == 0 else 0
        elif not from_c:
            m = _method_name(f.f_back)
            if m is not None:
                # called as o:name(...) (namewhat "method"): self is not
                # counted, and the function is named by the call site
                n -= 1
                fname = m
                if n == 0:
                    liberror("calling '%s' on bad self (%s)" % (fname, msg))
    liberror("bad argument #%d to '%s' (%s)" % (n, fname, msg))


def typename_of(v):
    if v is NA:
        return 'no value'
    if v is LUD:
        return 'light userdata'
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


def posrelat(pos, ln):
    """A string position pos (negative: from the end) relative to a string
    of length ln, as lstrlib.c's posrelat (clipped to 1 below; the string
    and string.pack libraries' init and start arguments)."""
    if pos > 0:
        return pos
    if pos == 0:
        return 1
    if pos < -ln:
        return 1
    return ln + pos + 1
