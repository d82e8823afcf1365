"""The string library (lstrlib.c) on Lua strings represented as bytes."""

from . import _core
from ._core import liberror, Multi, NORES, retv
from ._aux import NA, argerror, checkint, checkstr, optint, optstr, posrelat
from .lformat import string_format
from .lpattern import str_find, str_match, str_gmatch, str_gsub

_MAXSIZE = 0x7fffffff


def _endpos(pos, ln):
    if pos > ln:
        return ln
    if pos >= 0:
        return pos
    if pos < -ln:
        return 0
    return ln + pos + 1


def str_len(s=NA, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'len')
    return len(s)


def str_sub(s=NA, i=NA, j=-1, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'sub')
    if i.__class__ is not int:
        i = checkint(i, 2, 'sub')
    if j.__class__ is not int:
        j = optint(j, 3, 'sub', -1)
    ln = len(s)
    start = posrelat(i, ln)
    end = _endpos(j, ln)
    if start <= end:
        return s[start - 1:end]
    return b''


def str_upper(s=NA, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'upper')
    return s.upper()        # bytes.upper changes ASCII letters only, as in the C locale


def str_lower(s=NA, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'lower')
    return s.lower()


def str_reverse(s=NA, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'reverse')
    return s[::-1]


def str_rep(s=NA, n=NA, sep=b'', *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'rep')
    if n.__class__ is not int:
        n = checkint(n, 2, 'rep')
    if sep.__class__ is not bytes:
        sep = optstr(sep, 3, 'rep', b'')
    if n <= 0:
        return b''
    if len(s) + len(sep) > _MAXSIZE // n:     # lstrlib.c's MAXSIZE is INT_MAX
        liberror(b'resulting string too large')
    if sep:
        return sep.join([s] * n)
    return s * n


def str_byte(s=NA, i=None, j=None, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'byte')
    ln = len(s)
    pi = optint(i, 2, 'byte', 1)
    pose = _endpos(optint(j, 3, 'byte', pi), ln)
    pi = posrelat(pi, ln)
    if pi > pose:
        return NORES
    if pose - pi >= 0x7fffffff:
        liberror(b'string slice too long')
    if pi == pose:
        return s[pi - 1]
    return Multi(s[pi - 1:pose])


def str_char(*args):
    out = bytearray()
    for k, v in enumerate(args):
        if v.__class__ is not int:
            v = checkint(v, k + 1, 'char')
        if not 0 <= v <= 255:
            argerror(k + 1, 'char', 'value out of range')
        out.append(v)
    return bytes(out)


def _str_arith(ev, name):
    """The string metatable's arithmetic metamethod for event ev (lstrlib.c
    `stringmetamethods`): Lua's operators on strings run luart's own
    operators (_core.arith, which gives what these give); these are the
    values getmetatable('').__add ... are, callable directly. Two numbers or
    numeric strings: the operation (`lua_arith`: an integer `%` or `//` by
    zero raised without a position, a C function's). Otherwise `trymt`: the
    second operand's metamethod when it is not a string, or the error at the
    caller's position (luaL_error). Called with one argument, the second
    operand is the first's number (`tonum` pushed it where the second
    argument would be: getmetatable('').__add('1') is 2)."""
    def mm(a=None, b=NA, *_):
        x = _core.tonum(a)
        if b is NA:
            b = None
            y = x
        else:
            y = _core.tonum(b)
        if x is not None and y is not None:
            if ev == b'__unm':
                return _core.unm(y)     # lua_arith negates the top: the second
            if y == 0 and x.__class__ is int and y.__class__ is int and \
                    ev in (b'__mod', b'__idiv'):
                raise _core.LuaError(b"attempt to perform 'n%0'" if ev == b'__mod'
                                     else b'attempt to divide by zero')
            return _core._arith_num(ev, x, y)
        h = None if b.__class__ is bytes else _core.metamethod(b, ev)
        if h is None:
            liberror("attempt to %s a '%s' with a '%s'" % (name, _core.type_name(a),
                                                          _core.type_name(b)))
        return _core.first(_core.call(h, a, b))
    mm.__name__ = mm.__qualname__ = 'arith_' + name
    return mm


# the metamethods of the string metatable besides __index (lstrlib.c)
STRING_ARITH = {'__' + n: _str_arith(('__' + n).encode(), n)
                for n in ('add', 'sub', 'mul', 'mod', 'pow', 'div', 'idiv', 'unm')}


__all__ = ['str_len', 'str_sub', 'str_upper', 'str_lower', 'str_reverse',
           'str_rep', 'str_byte', 'str_char', 'string_format', 'str_find',
           'str_match', 'str_gmatch', 'str_gsub', 'retv']
