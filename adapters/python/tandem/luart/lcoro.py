"""Coroutines on Python generators (see docs/luart.md, "Coroutines").

A Lua function that may yield is translated into a generator function:
`coroutine.yield(...)` becomes `(yield (...,))`, a plain tuple of the
yielded values, whose value is the plain tuple of the values passed to the
next resume, and a call of another
yielding function becomes `yield from g(...)` (its return value is the
call's result).  The generator function is the function's `__luaco__`
attribute; the function itself is a plain wrapper (run_plain) for calls
from non-yielding code, where a yield is Lua's "attempt to yield across a
C-call boundary".  Functions that never yield stay plain functions.
"""

import inspect
import sys

from ._core import LuaError, liberror, libwhere, where, Multi, allv, call, cfunc
from ._aux import NA, checkany, typeerror
from .lbase import error_value, xpcall_handle

_stack = []         # resumed coroutines, innermost (the running one) last


class Coroutine:
    """A Lua thread.  .status is 'suspended', 'active' (resumed: running,
    or normal when it resumed another) or 'dead'."""
    _is_lua_thread = True
    __slots__ = ('fn', 'gen', 'status', '__weakref__')

    def __init__(self, fn):
        self.fn = fn
        self.gen = None
        self.status = 'suspended'

    def __repr__(self):
        return '<Lua thread 0x%x %s>' % (id(self), self.status)


class _MainThread(Coroutine):
    __slots__ = ()


MAIN = _MainThread(None)
MAIN.status = 'active'


def _body(f):
    g = getattr(f, '__luaco__', None)
    if g is not None:
        return g, True
    return f, inspect.isgeneratorfunction(f)


def co_create(f=NA, *_):
    if not callable(f):
        typeerror(1, 'create', 'function', f)
    return Coroutine(f)


def _start(co, args):
    """The first resume: (ok, values)."""
    body, isgen = _body(co.fn)
    co.status = 'active'
    _stack.append(co)
    try:
        if not isgen:
            r = call(body, *args)
            co.status = 'dead'
            return True, allv(r)
        gen = co.gen = body(*args)
        y = gen.send(None)
    except StopIteration as e:
        co.status = 'dead'
        co.gen = None
        return True, allv(e.value)
    except Exception as e:
        co.status = 'dead'
        co.gen = None
        return False, (error_value(e),)
    finally:
        _stack.pop()
    co.status = 'suspended'
    return True, y


def _resume(co, args):
    """(ok, values): the results of resuming co with args (values a tuple)."""
    if co.status != 'suspended':
        if co.status == 'dead':
            return False, (b'cannot resume dead coroutine',)
        return False, (b'cannot resume non-suspended coroutine',)
    gen = co.gen
    if gen is None:
        return _start(co, args)
    co.status = 'active'
    _stack.append(co)
    try:
        y = gen.send(args)
    except StopIteration as e:
        co.status = 'dead'
        co.gen = None
        return True, allv(e.value)
    except Exception as e:
        co.status = 'dead'
        co.gen = None
        return False, (error_value(e),)
    finally:
        _stack.pop()
    co.status = 'suspended'
    return True, y


@cfunc
def co_resume(co=NA, *args):
    if not isinstance(co, Coroutine):
        typeerror(1, 'resume', 'thread', co)
    ok, vals = _resume(co, args)
    return Multi((ok,) + tuple(vals))


def co_wrap(f=NA, *_):
    co = co_create(f)

    @cfunc
    def wrapped(*args):
        ok, vals = _resume(co, args)
        if not ok:
            e = vals[0]
            if e.__class__ is bytes:
                e = libwhere() + e
            raise LuaError(e)
        if len(vals) == 1:
            return vals[0]
        return vals if vals.__class__ is Multi else Multi(vals)
    wrapped.lua_coroutine = co
    return wrapped


def iter_wrap(co, s=None, ctl=None):
    """iter_for over a coroutine.wrap function (`for v in coroutine.wrap(f)`)
    without a call per step: each step resumes co with (s, ctl), exactly as
    the generic for calling the wrap function does."""
    stack = _stack
    while True:
        gen = co.gen
        if gen is None or co.status != 'suspended':
            ok, vals = _resume(co, (s, ctl))
        else:
            co.status = 'active'
            stack.append(co)
            try:
                vals = gen.send((s, ctl))
                ok = True
                co.status = 'suspended'
            except StopIteration as e:
                co.status = 'dead'
                co.gen = None
                ok, vals = True, allv(e.value)
            except Exception as e:
                co.status = 'dead'
                co.gen = None
                ok, vals = False, (error_value(e),)
            finally:
                stack.pop()
        if not ok:
            e = vals[0]
            if e.__class__ is bytes:
                e = where(1, sys._getframe(1)) + e
            raise LuaError(e)
        if not vals or vals[0] is None:
            return
        ctl = vals[0]
        yield vals


def co_yield(*args):
    """coroutine.yield called as a value from non-generator code."""
    if not _stack:
        raise LuaError(b'attempt to yield from outside a coroutine')
    raise LuaError(b'attempt to yield across a C-call boundary')


def co_status(co=NA, *_):
    if not isinstance(co, Coroutine):
        typeerror(1, 'status', 'thread', co)
    st = co.status
    if st == 'active':
        if co is (_stack[-1] if _stack else MAIN):
            return b'running'
        return b'normal'
    return st.encode()


def co_running(*_):
    if _stack:
        return Multi((_stack[-1], False))
    return Multi((MAIN, True))


def co_isyieldable(co=None, *_):
    if co is None:
        return bool(_stack)
    return co is not MAIN


def co_close(co=NA, *_):
    if not isinstance(co, Coroutine):
        typeerror(1, 'close', 'thread', co)
    st = co.status
    if st == 'suspended' or st == 'dead':
        gen = co.gen
        co.status = 'dead'
        co.gen = None
        if gen is not None:
            try:
                gen.close()
            except Exception as e:
                return Multi((False, error_value(e)))
        return True
    liberror('cannot close a %s coroutine' % co_status(co).decode())


def run_plain(gen):
    """Run a yielding function's generator from a non-yielding caller."""
    try:
        gen.send(None)
    except StopIteration as e:
        return e.value
    gen.close()
    if not _stack:
        raise LuaError(b'attempt to yield from outside a coroutine')
    raise LuaError(b'attempt to yield across a C-call boundary')


@cfunc
def gpcall(f=NA, *args):
    """pcall for yielding code: `r = yield from gpcall(f, ...)` (a yield
    inside f passes through, as Lua 5.4's pcall allows)."""
    checkany(f, 1, 'pcall')
    try:
        body, isgen = _body(f)
        if isgen:
            r = yield from body(*args)
        else:
            r = call(f, *args)
    except Exception as e:
        return Multi((False, error_value(e)))
    if r.__class__ is Multi:
        return Multi((True,) + r)
    return Multi((True, r))


@cfunc
def gxpcall(f=NA, msgh=NA, *args):
    """xpcall for yielding code: `r = yield from gxpcall(f, msgh, ...)` (a
    yield inside f passes through, as Lua 5.4's xpcall allows; the handler
    runs as a plain call, where Lua cannot yield either)."""
    if not callable(msgh):
        typeerror(2, 'xpcall', 'function', msgh)
    try:
        body, isgen = _body(f)
        if isgen:
            r = yield from body(*args)
        else:
            r = call(f, *args)
    except Exception as e:
        return xpcall_handle(msgh, error_value(e))
    if r.__class__ is Multi:
        return Multi((True,) + r)
    return Multi((True, r))
