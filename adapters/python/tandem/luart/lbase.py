"""The base library (lbaselib.c): error handling, iteration, metatables,
tostring/tonumber, select, print."""

import sys

from . import _core
from ._core import (LuaError, refused, isfunc, liberror, libwhere, LuaTable, Multi, NORES, CHUNKS, lualine, allv, call,
                    cfunc, first, getmetatable_raw, index, lua_next, metamethod,
                    str2number, tostring, type_name, where, _MASK, _SIGN)
from ._aux import NA, argerror, checkany, checkint, checkstr, checktable, optint, typeerror
from . import lweak
from . import ltraceback


def lua_print(*args):
    out = b'\t'.join([tostring(v) for v in args]) + b'\n'
    buf = getattr(sys.stdout, 'buffer', None)
    if buf is not None:
        sys.stdout.flush()
        buf.write(out)
        buf.flush()
    else:
        sys.stdout.write(out.decode('utf-8', 'replace'))
    return NORES


def lua_type(v=NA, *_):
    if v is NA:
        argerror(1, 'type', 'value expected')
    return type_name(v).encode()


def lua_tostring(v=NA, *_):
    checkany(v, 1, 'tostring')
    return tostring(v)


_DIGITS = {}
for _i in range(10):
    _DIGITS[48 + _i] = _i
for _i in range(26):
    _DIGITS[65 + _i] = 10 + _i
    _DIGITS[97 + _i] = 10 + _i


def lua_tonumber(v=NA, base=None, *_):
    if base is None or base is NA:
        c = v.__class__
        if c is int or c is float:
            return v
        if c is bytes:
            return str2number(v)
        checkany(v, 1, 'tonumber')
        return None
    base = checkint(base, 2, 'tonumber')
    if v.__class__ is not bytes:
        typeerror(1, 'tonumber', 'string', v)
    if not 2 <= base <= 36:
        argerror(2, 'tonumber', 'base out of range')
    s = v.strip(b' \t\n\v\f\r')
    neg = False
    if s[:1] == b'-':
        neg = True
        s = s[1:]
    elif s[:1] == b'+':
        s = s[1:]
    if not s:
        return None
    n = 0
    for c in s:
        d = _DIGITS.get(c)
        if d is None or d >= base:
            return None
        n = (n * base + d) & _MASK
    if neg:
        n = (-n) & _MASK
    return n - 0x10000000000000000 if n & _SIGN else n


def ipairs_aux(t, i):
    # luaL_checkinteger, then i + 1 wrapping as Lua's integers do
    if i.__class__ is not int:
        i = checkint(i, 2, '?')
    i = i + 1 if i != 0x7fffffffffffffff else -0x8000000000000000
    v = index(t, i)
    if v is None:
        return None
    return Multi((i, v))


def lua_ipairs(t=NA, *_):
    checkany(t, 1, 'ipairs')
    return Multi((ipairs_aux, t, 0))


def lua_nextf(t=NA, k=None, *_):
    if t.__class__ is not LuaTable:
        typeerror(1, 'next', 'table', t)
    if t.meta is not None and _core.viewops(t) is not None:
        return _core.viewops(t).next(k)
    r = lua_next(t, k)
    return r


def lua_pairs(t=NA, *_):
    h = metamethod(t, b'__pairs')
    if h is not None:
        r = allv(call(h, t))
        r = tuple(r[:3]) + (None,) * (3 - len(r[:3]))
        return Multi(r)
    checkany(t, 1, 'pairs')     # (next checks the type, as 'for iterator')
    return Multi((lua_nextf, t, None))


def lua_pairs_co(t=NA, *_):
    """pairs inside a coroutine (lemit._gcall): its __pairs may yield, as
    Lua 5.4's luaB_pairs calls it with lua_callk."""
    h = metamethod(t, b'__pairs')
    if h is not None:
        g = getattr(h, '__luaco__', None)
        r = allv((yield from g(t)) if g is not None else call(h, t))
        r = tuple(r[:3]) + (None,) * (3 - len(r[:3]))
        return Multi(r)
    checkany(t, 1, 'pairs')
    return Multi((lua_nextf, t, None))


lua_pairs.__luaco__ = lua_pairs_co


def lua_select(n=NA, *args):
    if n == b'#':
        return len(args)
    n = checkint(n, 1, 'select')
    if n < 0:
        n = len(args) + n
        if n < 0:
            argerror(1, 'select', 'index out of range')
        return Multi(args[n:]) if len(args) - n != 1 else args[n]
    if n == 0:
        argerror(1, 'select', 'index out of range')
    if n > len(args):
        return NORES
    if n == len(args):
        return args[-1]
    return Multi(args[n - 1:])


def lua_rawget(t=NA, k=NA, *_):
    checktable(t, 1, 'rawget')
    checkany(k, 2, 'rawget')
    if t.meta is not None and _core.viewops(t) is not None:
        return _core.viewops(t).rawget(k)
    return t.get(k)


def lua_rawset(t=NA, k=NA, v=NA, *_):
    checktable(t, 1, 'rawset')
    checkany(k, 2, 'rawset')
    checkany(v, 3, 'rawset')
    if t.meta is not None and _core.viewops(t) is not None:
        _core.viewops(t).rawset(k, v)
        return t
    t.set(k, v)
    return t


def lua_rawequal(a=NA, b=NA, *_):
    checkany(a, 1, 'rawequal')
    checkany(b, 2, 'rawequal')
    return _core.rawequal(a, b)


def lua_rawlen(v=NA, *_):
    if v.__class__ is LuaTable:
        if v.meta is not None and _core.viewops(v) is not None:
            return _core.viewops(v).rawlen()
        return len(v.arr)
    if v.__class__ is bytes:
        return len(v)
    typeerror(1, 'rawlen', 'table or string', v)


def lua_setmetatable(t=NA, mt=NA, *_):
    if t.__class__ is not LuaTable:
        typeerror(1, 'setmetatable', 'table', t)
    if mt is not None and mt.__class__ is not LuaTable:
        typeerror(2, 'setmetatable', 'nil or table', mt)
    if t.meta is not None and _core.viewops(t) is not None:
        _core.viewops(t).setmetatable(mt)
        return t
    if t.meta is not None and _core.mtfield(t.meta, b'__metatable') is not None:
        liberror(b'cannot change a protected metatable')
    t.meta = mt
    if mt is not None and (b'__mode' in mt.hash or mt.meta is not None):
        lweak.note(t, mt)       # a weak table (__mode; a view metatable's too)
    return t


def lua_getmetatable(v=NA, *_):
    checkany(v, 1, 'getmetatable')
    if v.__class__ is LuaTable and v.meta is not None and _core.viewops(v) is not None:
        return _core.viewops(v).getmetatable()
    mt = getmetatable_raw(v)
    if mt is None:
        return None
    p = _core.mtfield(mt, b'__metatable')
    if p is not None:
        return p
    return mt


def lua_assert(*args):
    if not args:
        argerror(1, 'assert', 'value expected')
    v = args[0]
    if v is not None and v is not False:
        return args[0] if len(args) == 1 else Multi(args)
    msg = args[1] if len(args) > 1 else b'assertion failed!'
    if msg.__class__ is bytes:
        msg = libwhere() + msg
    raise LuaError(msg)


def lua_error(msg=None, level=1, *_):
    if level.__class__ is not int:
        level = checkint(level, 2, 'error') if level is not None else 1
    if msg.__class__ is bytes and level > 0:
        msg = where(level, sys._getframe(1)) + msg
    raise LuaError(msg)


def _tb_where(tb):
    pos = b''
    while tb is not None:
        fn = tb.tb_frame.f_code.co_filename
        src = CHUNKS.get(fn)
        if src is not None:
            pos = src + b':' + str(lualine(fn, tb.tb_lineno)).encode() + b': '
        tb = tb.tb_next
    return pos


def error_value(e):
    """The Lua error value of a Python exception caught by pcall. A
    refusal is raised again: nothing in translated code catches it."""
    if isinstance(e, LuaError):
        return e.value
    if refused(e):
        raise e
    if isinstance(e, RecursionError):
        return _tb_where(e.__traceback__) + b'stack overflow'
    if isinstance(e, MemoryError):
        return b'not enough memory'
    xp = getattr(e, '_xpv', None)   # an xpcall's message handler applied (lcoro)
    if xp is not None:
        return xp[0]
    return e


@cfunc
def lua_pcall(f=NA, *args):
    checkany(f, 1, 'pcall')
    try:
        r = call(f, *args)
    except Exception as e:
        return Multi((False, error_value(e)))
    if r.__class__ is Multi:
        return Multi((True,) + r)
    return Multi((True, r))


def xpcall_handle(msgh, v, exc=None):
    """xpcall's result for the error value v (of the exception exc): false
    and what the handler gives. An error in the handler calls the handler
    again (luaG_errormsg), until the C stack limit: "error in error
    handling". (debug.traceback in the handler finds exc's frames:
    ltraceback.)"""
    for _ in range(220):
        try:
            return Multi((False, first(call(msgh, v))))
        except Exception as e2:
            v = error_value(e2)
    return Multi((False, b'error in error handling'))


ltraceback.HANDLERS.add(xpcall_handle.__code__)


@cfunc
def lua_xpcall(f=NA, msgh=NA, *args):
    if not isfunc(msgh):
        typeerror(2, 'xpcall', 'function', msgh)
    try:
        r = call(f, *args)
    except Exception as e:
        if getattr(e, '_xpf', None) is sys._getframe():
            return Multi((False, error_value(e)))   # handled where a __close saw it
        return xpcall_handle(msgh, error_value(e), e)
    if r.__class__ is Multi:
        return Multi((True,) + r)
    return Multi((True, r))


# the collector's mode and whether it runs, as collectgarbage reports them
# (luart's objects are Python's: neither changes how they are collected)
_GC = {'mode': b'incremental', 'running': True,
       b'setpause': 200, b'setstepmul': 100}     # lgc.c's defaults (LUAI_GCPAUSE, LUAI_GCMUL)


def _gcparam(opt, v):
    """setpause/setstepmul: the previous value; the new one stored as lgc.c
    stores it (a quarter, so 101 reads back as 100)."""
    old = _GC[opt]
    _GC[opt] = (v // 4) * 4
    return old


def lua_collectgarbage(opt=b'collect', *args):
    if opt in (b'collect', None):
        lweak.collect()     # Python's collector, the weak tables swept
        return 0
    if opt == b'count':
        # one float, as Lua 5.4 (5.1 gave two results): the memory in use in
        # KB, here Python's allocated blocks at 64 bytes each (luart's
        # values are Python objects: an estimate that grows and shrinks
        # with them, docs/luart.md)
        return sys.getallocatedblocks() / 16.0
    if opt in (b'isrunning',):
        return _GC['running']
    if opt in (b'step',):
        lweak.collect()     # (a step that completes a cycle)
        return True
    if opt in (b'incremental', b'generational'):
        old = _GC['mode']   # the previous mode, as lgc.c's luaC_changemode callers
        _GC['mode'] = opt
        if opt == b'incremental':   # its pause and step multiplier, when not 0
            for i, name in enumerate((b'setpause', b'setstepmul')):
                v = optint(args[i] if len(args) > i else None, i + 2, 'collectgarbage', 0)
                if v:
                    _gcparam(name, v)
        return old
    if opt in (b'stop', b'restart'):
        _GC['running'] = opt == b'restart'
        return 0
    if opt in (b'setpause', b'setstepmul'):
        return _gcparam(opt, optint(args[0] if args else None, 2, 'collectgarbage', 0))
    argerror(1, 'collectgarbage', "invalid option '%s'" % checkstr(opt, 1, 'collectgarbage').decode('latin-1'))


def close_check(v, name):
    """A <close> variable's value must be nil, false or have __close."""
    if v is None or v is False:
        return v
    if metamethod(v, b'__close') is None:
        _core.rterror("variable '%s' got a non-closable value" % name)
    return v


def close_value(v, err=None):
    """Call v's __close (leaving the scope of a <close> variable)."""
    if v is None or v is False:
        return
    h = metamethod(v, b'__close')
    if h is None:
        _core.rterror('metamethod \'close\' is not callable')   # value lost its __close
    call(h, v, err)


__all__ = ['NORES']
