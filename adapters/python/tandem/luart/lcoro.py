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

from . import _core
from ._core import (LuaError, isfunc, LuaTable, liberror, libwhere, where, Multi, allv, call, cfunc,
                    metamethod, CHUNKS, _RTFILES, QUALNAMES)
from ._aux import NA, checkany, typeerror
from .lbase import error_value, xpcall_handle, lua_pcall, lua_xpcall, close_value

_frames = {}        # id(frame running a coroutine's body) -> weakref to the coroutine


class Coroutine:
    """A Lua thread.  .status is 'suspended', 'active' (resumed: running,
    or normal when it resumed another) or 'dead'."""
    _is_lua_thread = True
    __slots__ = ('fn', 'gen', 'st', 'frame', 'fast', 'pending', 'err', 'closing',
                 '__weakref__')

    def __init__(self, fn):
        self.fn = fn
        self.gen = None     # the body's generator once started
        self.st = 'suspended'   # the status while gen is None
        self.frame = None   # the frame running the body (registered in _frames)
        self.fast = False   # iterated directly by a generic for (forinw)
        self.pending = None     # to-be-closed values an error left open (innermost first)
        self.err = None     # (error value,) when the body died by an error
        self.closing = False    # its pending values are being closed (no yields)

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


def is_base_frame(frame):
    """Does frame run a coroutine's body (the first frame of its stack)?"""
    r = _frames.get(id(frame))
    co = r() if r is not None else None
    return co is not None and co.frame is frame


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


def yvals(y):
    """The values a coroutine's generator yielded: a yield of one integer
    yields it bare (the back end's yield statements), anything else the
    tuple of its values."""
    return (y,) if y.__class__ is int else y


def _body(f):
    g = getattr(f, '__luaco__', None)
    if g is not None:
        return g, True
    return f, inspect.isgeneratorfunction(f)


def gfunc(f):
    """The generator function that runs a call of f in a coroutine chain:
    f's __luaco__, or, for a value with a __call metamethod that may yield,
    that metamethod's (called with f first, as Lua calls it); None when the
    call is a plain one."""
    g = getattr(f, '__luaco__', None)
    if g is not None:
        return g
    if f.__class__ is LuaTable or not callable(f):
        h = metamethod(f, b'__call')
        g = getattr(h, '__luaco__', None) if h is not None else None
        if g is not None:
            return lambda *args: g(f, *args)
    return None


def _gyield(*args):
    """coroutine.yield as the body of a pcall/xpcall in yielding code
    (`pcall(coroutine.yield, v)`: Lua 5.4 yields through the pcall)."""
    return yret((yield args), args)


def _pbody(f):
    """(body, isgen) of what pcall/xpcall call in yielding code:
    coroutine.yield itself and pcall/xpcall (pcall(pcall, coroutine.yield,
    v)) run in the chain too."""
    if f is co_yield:
        return _gyield, True
    if f is lua_pcall:
        return gpcall, True
    if f is lua_xpcall:
        return gxpcall, True
    g = gfunc(f)
    if g is not None:
        return g, True
    return f, inspect.isgeneratorfunction(f)


def co_create(f=NA, *_):
    if not isfunc(f):
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
            return False, (_failed(co, e),)
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
        return False, (_failed(co, e),)
    return True, yvals(y)


_core.BOUNDARIES.add(_start.__code__)     # (where: a level past it is outside)


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
        return False, (_failed(co, e),)
    return True, yvals(y)


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
                return Multi((False, _failed(co, e)))
            return Multi((True, y) if y.__class__ is int else (True,) + y)
    elif not isinstance(co, Coroutine):
        typeerror(1, 'resume', 'thread', co)
    ok, vals = _resume(co, args)
    return Multi((ok,) + tuple(vals))


def co_wrap(f=NA, *_):
    if not isfunc(f):
        # checked here (luaB_cowrap runs luaB_cocreate's check as itself):
        # the message names wrap as its caller called it, at its position
        typeerror(1, 'wrap', 'function', f)
    co = Coroutine(f)

    @cfunc
    def wrapped(*args):
        gen = co.gen        # _resume's common case inline: a started coroutine
        if gen is not None and not co.fast and not gen.gi_running \
                and gen.gi_frame is not None:
            try:
                vals = gen.send(args)
                if vals.__class__ is int:
                    return vals
                ok = True
            except StopIteration as e:
                _dead(co)
                return e.value
            except Exception as e:
                ok, vals = False, (_failed(co, e),)
        else:
            ok, vals = _resume(co, args)
        if not ok:
            e = vals[0]
            if co.err is not None:      # the body's error: auxwrap resets the thread
                e = _reset(co, e)
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
            if co.err is not None:      # the body's error: auxwrap resets the thread
                e = _reset(co, e)
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
    if not isinstance(e, Exception):
        _dead(co)
        return
    v = _reset(co, _failed(co, e))
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


# Set by tandem (a function of no arguments): whether the code running now
# was called by a Lua coroutine of the runtime (not its main thread), which
# translated code runs outside of, and cannot yield to. None standalone.
OUTER = None


def _outer_error(what):
    """The refusal of what in translated code outside its coroutines when a
    Lua coroutine of the runtime called it (native Lua would answer for that
    coroutine), else None."""
    if OUTER is not None and OUTER():
        return _core.Refusal(
            '%s in translated code called by a Lua coroutine of the runtime: translated '
            'code cannot yield to a native coroutine (docs/translation.md)' % what)
    return None


def _refuse_outer(what):
    e = _outer_error(what)
    if e is not None:
        raise e


def co_yield(*args):
    """coroutine.yield called as a value from non-generator code."""
    if _current() is None:
        _refuse_outer('coroutine.yield')
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
    _refuse_outer('coroutine.running')
    return Multi((MAIN, True))


def co_isyieldable(co=NA, *_):
    if co is NA:
        if _current() is not None:
            return True
        _refuse_outer('coroutine.isyieldable')
        return False
    if not isinstance(co, Coroutine):       # an explicit nil too (lua_isnone)
        typeerror(1, 'isyieldable', 'thread', co)
    return co is not MAIN


def co_close(co=NA, *_):
    if not isinstance(co, Coroutine):
        typeerror(1, 'close', 'thread', co)
    st = co.status
    if st == 'suspended' or st == 'dead':
        gen = co.gen
        if gen is not None:
            # its pending to-be-closed values close (GeneratorExit: a nil
            # error, no yields), the coroutine still registered as running
            # them (a yield in a __close is "across a C-call boundary")
            co.closing = True
            try:
                gen.close()
            except Exception as e:
                return Multi((False, error_value(e)))
            finally:
                co.closing = False
                _dead(co)
            return True
        if co.err is not None:
            # dead by an error: lua_closethread closes the values the error
            # left open and answers false and the error (once)
            return Multi((False, _reset(co, co.err[0])))
        _dead(co)
        return True
    liberror('cannot close a %s coroutine' % co_status(co).decode())


def _failed(co, e):
    """co's body raised e: co is dead by an error, whose value is returned
    and kept (coroutine.close answers it, after closing the to-be-closed
    values the error left open, co.pending)."""
    _dead(co)
    v = error_value(e)
    co.err = (v,)
    return v


def _reset(co, err):
    """lua_resetthread of co, dead by the error err: its pending
    to-be-closed values close, innermost first, each __close called with
    the current error and unable to yield (an error in one replaces err).
    Returns the final error value."""
    pend = co.pending
    co.pending = None
    co.err = None
    if pend:
        co.closing = True
        _register(co, sys._getframe())
        try:
            for v in pend:
                try:
                    close_value(v, err)
                except Exception as e:
                    err = error_value(e)
        finally:
            co.closing = False
            _dead(co)
    return err


def run_plain(gen):
    """Run a yielding function's generator from a non-yielding caller: a
    yield is Lua's error, raised at the yield (so a pcall around it there,
    or a __close handler on the way out, sees it, as in Lua)."""
    try:
        gen.send(None)
    except StopIteration as e:
        return e.value
    outside = _current() is None
    exc = _outer_error('coroutine.yield') if outside else None
    msg = (b'attempt to yield from outside a coroutine' if outside
           else b'attempt to yield across a C-call boundary')
    while True:
        try:
            gen.throw(exc if exc is not None else LuaError(msg))
        except StopIteration as e:
            return e.value


@cfunc
def gpcall(f=NA, *args):
    """pcall for yielding code: `r = yield from gpcall(f, ...)` (a yield
    inside f passes through, as Lua 5.4's pcall allows)."""
    checkany(f, 1, 'pcall')
    try:
        body, isgen = _pbody(f)
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
    if not isfunc(msgh):
        typeerror(2, 'xpcall', 'function', msgh)
    try:
        body, isgen = _pbody(f)
        if isgen:
            r = yield from body(*args)
        else:
            r = call(f, *args)
    except Exception as e:
        if getattr(e, '_xpf', None) is sys._getframe():
            return Multi((False, error_value(e)))   # handled where a __close saw it
        return xpcall_handle(msgh, error_value(e), e)
    if r.__class__ is Multi:
        return Multi((True,) + r)
    return Multi((True, r))


# named as the functions they stand for when another function (a pcall
# around them) calls them: pcall(xpcall, f) in yielding code
QUALNAMES.setdefault(gpcall.__code__, 'pcall')
QUALNAMES.setdefault(gxpcall.__code__, 'xpcall')

_CATCHERS = frozenset((lua_pcall.__code__, lua_xpcall.__code__, gpcall.__code__,
                       gxpcall.__code__))


_XPCALLS = frozenset((lua_xpcall.__code__, gxpcall.__code__))


def _close_mode(f):
    """How the to-be-closed values an error leaves at frame f close: (co,
    caught), co the innermost coroutine running f (None: the main thread),
    caught the frame of the innermost pcall/xpcall of Lua code between f and
    co's body, or of a Python function that is neither translated code nor
    the runtime (a foreign caller: natively the bridge's protected call into
    Lua would catch the error there); None: none."""
    caught = None
    frames = _frames
    catch = _CATCHERS
    rt = _RTFILES
    chunks = CHUNKS
    while f is not None:
        if caught is None:
            code = f.f_code
            if code in catch:
                caught = f
            else:
                fn = code.co_filename
                if fn not in rt and fn not in chunks:
                    caught = f
        r = frames.get(id(f))
        if r is not None:
            c = r()
            if c is not None and c.frame is f:
                return c, caught
        f = f.f_back
    return None, caught


def _defer(co, v):
    p = co.pending
    if p is None:
        co.pending = [v]
    else:
        p.append(v)


def close_errval(e, caught):
    """The error value a __close gets for the exception e, caught the frame
    of the pcall/xpcall that will catch it (_close_mode). Lua runs an
    xpcall's message handler where the error is raised, before any value
    closes: the first __close that sees e applies it, once (e is marked,
    and that xpcall answers the handled value without calling it again)."""
    if _core.refused(e):
        return e    # (no handler catches it: error_value)
    if caught is not None and caught.f_code in _XPCALLS and \
            getattr(e, '_xpf', None) is not caught:
        v = xpcall_handle(caught.f_locals.get('msgh'), error_value(e), e)[1]
        if isinstance(e, LuaError):
            e.value = v
            e.args = (v,)
        else:
            e._xpv = (v,)
        e._xpf = caught
    return error_value(e)


def close_err(v, e):
    """Leave the scope of the to-be-closed value v by the exception e, in
    plain code. Lua 5.4 closes it now (with the error value) when the error
    stays inside the running coroutine (a pcall of Lua code catches it) or
    there is no coroutine; an error leaving a coroutine leaves its values
    open until the coroutine is closed (coroutine.close, or at once by a
    coroutine.wrap function: _reset); GeneratorExit (coroutine.close of a
    suspended coroutine) closes with a nil error."""
    if v is None or v is False:
        return
    if isinstance(e, GeneratorExit):
        close_value(v, None)
        return
    co, caught = _close_mode(sys._getframe(1))
    if co is not None and caught is None and not co.closing:
        _defer(co, v)
        return
    close_value(v, close_errval(e, caught))
