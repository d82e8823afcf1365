"""`yield from` chains deeper than Lua's C-call limit (pyrt/gen.lua): below
the recursion depth GENNEST a delegate runs inside its delegator's coroutine;
from there on the resume that runs a generator runs its delegates itself, so
a recursive `yield from` stops where CPython's does (its recursion limit),
not at about 190 levels. Each case runs natively and translated, driven from
Python with next/send/throw/close, at depths on both sides of GENNEST, and
compares what is yielded, returned and raised, and what the generators'
except and finally blocks log."""

import functools
import sys

import pytest

import tandem
from xlate_same import run_source, recursion_threshold

SRC = '''
import sys
LOG = []

def inner():
    try:
        x = yield 1
        LOG.append(("sent", x))
        yield x
        yield 3
    except KeyError as e:
        LOG.append(("inner caught", sys.exc_info()[0].__name__))
        yield "caught %r" % (e,)
    except GeneratorExit:
        LOG.append("inner exit")
        raise
    finally:
        LOG.append("inner fin")
    return "ret"

def mid():
    try:
        r = yield from inner()
        LOG.append(("mid got", r))
        yield r
    except ValueError:
        LOG.append("mid caught")
        yield "v"
    finally:
        LOG.append("mid fin")
    return "mid ret"

def outer():
    try:
        r = yield from mid()
        LOG.append(("outer got", r))
        yield r
    finally:
        LOG.append("outer fin")

def stubborn_inner():
    try:
        yield 1
    except GeneratorExit:
        LOG.append("stubborn")
        yield 2

def stubborn_outer():
    try:
        yield from stubborn_inner()
    except RuntimeError as e:
        LOG.append(("outer saw", str(e)))
        yield "after"

def sees_handled():
    yield sys.exc_info()[0].__name__ if sys.exc_info()[0] else None

def handling():
    try:
        raise KeyError("h")
    except KeyError:
        yield from deep_handled(60)
    yield from deep_handled(60)

def chain(n):
    if n:
        yield from chain(n - 1)
    else:
        yield 1

def flat_count(n):
    return len(list(chain(n)))
'''

# deep_X(n): X's generator under n levels of a recursive `yield from`
SRC += "".join('''
def deep_%s(n):
    if n:
        r = yield from deep_%s(n - 1)
        return r
    r = yield from %s()
    return r
''' % (name, name, gen) for name, gen in (("handled", "sees_handled"), ("outer", "outer"),
                                         ("mid", "mid"), ("stub", "stubborn_outer")))

SCENARIOS = [
    ["next", "send:s", "next", "next", "next", "next"],
    ["next", "throw:K", "next", "next", "next"],
    ["next", "throw:V", "next", "next"],
    ["next", "throw:T", "next"],
    ["next", "close", "next"],
    ["next", "send:a", "close"],
    ["close", "next"],
]
EXC = {"K": KeyError, "V": ValueError, "T": TypeError}


@pytest.fixture(scope="module")
def env():
    return run_source(SRC, "/tmp/tandem_test_yieldfrom_deep.py"), tandem.LuaRuntime()


def drive(ns, make, ops):
    log = ns["LOG"]
    log.clear()
    g, out = make(), []
    for op in ops:
        try:
            if op == "next":
                out.append(("y", next(g)))
            elif op.startswith("send:"):
                out.append(("y", g.send(op[5:])))
            elif op.startswith("throw:"):
                out.append(("y", g.throw(EXC[op[6]]("e"))))
            else:
                out.append(("c", g.close()))
        except StopIteration as e:
            out.append(("stop", e.value))
        except Exception as e:      # noqa: BLE001 — every exception is an outcome
            out.append(("exc", type(e).__name__, str(e)))
    out.append(list(log))
    log.clear()
    return repr(out)


@pytest.mark.parametrize("ops", SCENARIOS)
@pytest.mark.parametrize("depth", [0, 48, 49, 50, 51, 120])
@pytest.mark.parametrize("name", ["deep_outer", "deep_mid", "deep_stub"])
def test_as_cpython_at_every_depth(env, name, depth, ops):
    ns, lua = env
    native = drive(ns, functools.partial(ns[name], depth), ops)
    translated = drive(ns, functools.partial(lua.translate(ns[name]), depth), ops)
    assert native == translated


def test_a_delegate_sees_its_delegators_handled_exception(env):
    ns, lua = env
    assert list(lua.translate(ns["handling"])()) == list(ns["handling"]()) == ["KeyError",
                                                                                 None]


def test_recursion_goes_as_deep_as_cpythons(env):
    ns, lua = env
    t = lua.translate(ns["flat_count"])
    assert t(900) == 1
    limit = sys.getrecursionlimit()
    native = recursion_threshold(ns["flat_count"], 3 * limit)
    translated = recursion_threshold(t, 3 * limit)
    # (it stopped at about 196: Lua's 200 nested C calls; CPython also
    # counts the frames of its caller, pytest's)
    assert native - 10 <= translated <= limit + 10, (native, translated)
    assert t(300) == 1          # the depth counter is back after the error
