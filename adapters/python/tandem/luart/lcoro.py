"""Coroutines on Python generators (see docs/luart.md, "Coroutines").

A Lua function that may yield is translated into a generator function:
`coroutine.yield(...)` becomes `(yield (...,))`, a plain tuple of the
yielded values, whose value is what the next resume passes (yret: a plain
tuple, or the markers of a fast generic `for`, below), and a call of another
yielding function becomes `yield from g(...)` (its return value is the
call's result).  The generator function is the function's `__luaco__`
attribute; the function itself is a plain wrapper (run_plain) for calls
from non-yielding code, where a yield is Lua's "attempt to yield across a
C-call boundary".  Functions that never yield stay plain functions.

No bookkeeping per resume: a coroutine's status is read off its generator
(gi_running: running or normal; gi_frame None: dead), and the running
coroutine is found, when something asks (coroutine.running, status,
isyieldable, a yield outside a coroutine), by walking the Python frames up
to the first frame that runs a coroutine's body (_frames).
"""

import inspect
import sys
import weakref

from ._core import LuaError, liberror, libwhere, where, Multi, allv, call, cfunc
from ._aux import NA, checkany, typeerror
from .lbase import error_value, xpcall_handle

_frames = {}        # id(frame running a coroutine's body) -> weakref to the coroutine


class Coroutine:
    """A Lua thread.  .status is 'suspended', 'active' (resumed: running,
    or normal when it resumed another) or 'dead'."""
    _is_lua_thread = True
    __slots__ = ('fn', 'gen', 'st', 'frame', 'fast', '__weakref__')

    def __init__(self, fn):
        self.fn = fn
        self.gen = None     # the body's generator once started
        self.st = 'suspended'   # the status while gen is None
        self.frame = None   # the frame running the body (registered in _frames)
        self.fast = False   # iterated directly by a generic for (forinw)

    @property
    def status(self):
        g = self.gen
        if g is None:
            return self.st
        if g.gi_running:
            return 'active'
        return 'suspended' if g.gi_frame is not None else 'dead'

    def __repr__(self):
        return '<Lua thread 0x%x %s>' % (id(self), self.status)


class _MainThread(Coroutine):
    __slots__ = ()


MAIN = _MainThread(None)
MAIN.st = 'active'


def _register(co, frame):
    """Record that frame runs co's body (for _current)."""
    key = id(frame)
    co.frame = frame

    def gone(r, key=key):
        if _frames.get(key) is r:
            del _frames[key]
    _frames[key] = weakref.ref(co, gone)


def _dead(co):
    fr = co.frame
    if fr is not None:
        r = _frames.get(id(fr))
        if r is not None and r() is co:
            del _frames[id(fr)]
        co.frame = None
    co.gen = None
    co.st = 'dead'


def _current():
    """The running coroutine (None in the main thread): the innermost frame
    that runs a coroutine's body, from the caller's caller up."""
    if not _frames:
        return None
    frames = _frames
    f = sys._getframe(1)
    while f is not None:
        r = frames.get(id(f))
        if r is not None:
            c = r()
            if c is not None and c.frame is f:
                return c
        f = f.f_back
    return None


class _Foreign:
    """What a resume sends into a coroutine that a fast generic `for` also
    iterates (forinw): its values and the coroutine (see yret)."""
    __slots__ = ('args', 'co')

    def __init__(self, args, co):
        self.args, self.co = args, co


_pending = weakref.WeakKeyDictionary()  # coroutine -> control value of its fast for


def yret(r, args):
    """The result of a yield of the values args (a tuple) that the resume
    answered with r. r is the tuple of resume values, except in a coroutine
    that a fast generic `for v in coroutine.wrap(f)` iterates by plain
    iteration of its generator (lemit.forinw): that loop sends None, which
    stands for (nil, control value), the control value being the first value
    yielded to the loop (args[0]: this yield's own, unless a resume from
    elsewhere came in between, see _Foreign and _pending)."""
    if r.__class__ is tuple:
        return r[0] if len(r) == 1 else Multi(r)
    if r is None:
        if _pending:
            co = _current()
            if co in _pending:
                return Multi((None, _pending.pop(co)))
        return Multi((None, args[0] if args else None))
    co = r.co           # _Foreign: this yield's values went to the for loop,
    if co not in _pending:      # unless an earlier resume from elsewhere
        _pending[co] = args[0] if args else None
    r = r.args
    return r[0] if len(r) == 1 else Multi(r)


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
    if not isgen:
        co.st = 'active'
        _register(co, sys._getframe())
        try:
            r = call(body, *args)
        except Exception as e:
            _dead(co)
            return False, (error_value(e),)
        _dead(co)
        return True, allv(r)
    gen = co.gen = body(*args)
    _register(co, gen.gi_frame)
    try:
        y = gen.send(None)
    except StopIteration as e:
        _dead(co)
        return True, allv(e.value)
    except Exception as e:
        _dead(co)
        return False, (error_value(e),)
    return True, y


def _resume(co, args):
    """(ok, values): the results of resuming co with args (values a tuple)."""
    gen = co.gen
    if gen is None or gen.gi_running or gen.gi_frame is None:
        st = co.status
        if st == 'suspended':
            return _start(co, args)
        if st == 'dead':
            return False, (b'cannot resume dead coroutine',)
        return False, (b'cannot resume non-suspended coroutine',)
    try:
        y = gen.send(_Foreign(args, co) if co.fast else args)
    except StopIteration as e:
        _dead(co)
        return True, allv(e.value)
    except Exception as e:
        _dead(co)
        return False, (error_value(e),)
    return True, y


@cfunc
def co_resume(co=NA, *args):
    if co.__class__ is Coroutine:
        gen = co.gen        # _resume's common case inline: a started coroutine
        if gen is not None and not co.fast and not gen.gi_running \
                and gen.gi_frame is not None:
            try:
                y = gen.send(args)
            except StopIteration as e:
                _dead(co)
                return Multi((True,) + allv(e.value))
            except Exception as e:
                _dead(co)
                return Multi((False, error_value(e)))
            return Multi((True,) + y)
    elif not isinstance(co, Coroutine):
        typeerror(1, 'resume', 'thread', co)
    ok, vals = _resume(co, args)
    return Multi((ok,) + tuple(vals))


def co_wrap(f=NA, *_):
    co = co_create(f)

    @cfunc
    def wrapped(*args):
        gen = co.gen        # _resume's common case inline: a started coroutine
        if gen is not None and not co.fast and not gen.gi_running \
                and gen.gi_frame is not None:
            try:
                vals = gen.send(args)
                ok = True
            except StopIteration as e:
                _dead(co)
                return e.value
            except Exception as e:
                _dead(co)
                ok, vals = False, (error_value(e),)
        else:
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
    resume = _resume
    while True:
        ok, vals = resume(co, (s, ctl))
        if not ok:
            e = vals[0]
            if e.__class__ is bytes:
                e = where(1, sys._getframe(1)) + e
            raise LuaError(e)
        if not vals or vals[0] is None:
            return
        ctl = vals[0]
        yield vals


def fast_start(co, g):
    """Start co (fresh, its body the generator function g) for a fast
    generic for (lemit.forinw): its generator, which the loop iterates."""
    gen = co.gen = g(None, None)
    co.fast = True
    _register(co, gen.gi_frame)
    return gen


def fast_raised(co, gen, e, frame):
    """The generic for iterating gen (co's body) directly ended by the
    exception e: when gen raised it (it is finished and still co's), co is
    dead and the error leaves as the wrap function's, position-prefixed as
    Lua's auxwrap does; otherwise (the loop's body raised) returns."""
    if co.gen is not gen or gen.gi_frame is not None:
        return
    _dead(co)
    if not isinstance(e, Exception):
        return
    v = error_value(e)
    if v.__class__ is bytes:
        v = where(1, frame) + v
    raise LuaError(v) from None


def fast_ended(co, gen, frame):
    """The generic for iterating gen directly ran out: co's body returned
    (it returns no values, so the wrap call gave none: the loop ends), or
    something else closed or finished co, so the loop's next call of the
    wrap function resumes a dead coroutine."""
    if co.gen is gen:
        _dead(co)
        return
    raise LuaError(where(1, frame) + b'cannot resume dead coroutine')


def co_yield(*args):
    """coroutine.yield called as a value from non-generator code."""
    if _current() is None:
        raise LuaError(b'attempt to yield from outside a coroutine')
    raise LuaError(b'attempt to yield across a C-call boundary')


def co_status(co=NA, *_):
    if not isinstance(co, Coroutine):
        typeerror(1, 'status', 'thread', co)
    st = co.status
    if st == 'active':
        if co is (_current() or MAIN):
            return b'running'
        return b'normal'
    return st.encode()


def co_running(*_):
    c = _current()
    if c is not None:
        return Multi((c, False))
    return Multi((MAIN, True))


def co_isyieldable(co=None, *_):
    if co is None:
        return _current() is not None
    return co is not MAIN


def co_close(co=NA, *_):
    if not isinstance(co, Coroutine):
        typeerror(1, 'close', 'thread', co)
    st = co.status
    if st == 'suspended' or st == 'dead':
        gen = co.gen
        _dead(co)
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
    if _current() is None:
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
