"""Generators whose closing runs code (docs/translation.md, "Generators"):
CPython runs a suspended generator's finally the moment its last reference
goes. Translated code follows it where that moment is known (a for loop's
iterable, yield from, list() and the like, a generator Python holds) and
refuses to translate the rest."""

import pytest

import tandem
from tandem import TranslationError
from xlate_same import outcome, same


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def logged(log, n):
    try:
        for i in range(n):
            log.append("yield %d" % i)
            yield i
    finally:
        log.append("finally")


def relay(log):
    for x in logged(log, 3):
        yield x


def delegating(log):
    yield from logged(log, 3)


def except_value(log):
    try:
        yield 1
        yield 2
    except ValueError:
        log.append("value")


def catch_base(log):
    try:
        yield 1
    except BaseException:
        log.append("base")
        raise


def finally_before_yield(log):
    try:
        log.append("body")
    finally:
        log.append("fin")
    yield 1
    yield 2


def stubborn():
    try:
        yield 1
    except GeneratorExit:
        pass
    yield 2


# ---- where translated code may hold such a generator ---------------------------

def a_break(log):
    for x in logged(log, 5):
        if x == 1:
            break
    log.append("after")
    return log


def a_return(log):
    for x in logged(log, 5):
        if x == 2:
            return list(log)
    return None


def a_raise(log):
    try:
        for x in logged(log, 5):
            if x == 1:
                raise KeyError(x)
    except KeyError:
        log.append("caught")
    return log


def a_relay_break(log):
    for x in relay(log):
        break
    log.append("after")
    return log


def a_delegating_break(log):
    for x in delegating(log):
        break
    log.append("after")
    return log


def a_consumers(log):
    return (list(logged(log, 2)), tuple(logged(log, 1)), sorted(logged(log, 3)),
            set(logged(log, 1)), frozenset(logged(log, 1)), log)


def a_relay_raises(log):
    def inner():
        for x in logged(log, 3):
            yield x
            raise ValueError("in relay")
    try:
        for x in inner():
            log.append("got %d" % x)
    except ValueError as e:
        log.append(str(e))
    return log


def a_not_cleanup(log):
    g = except_value(log)
    h = finally_before_yield(log)
    return (next(g), next(h), log)


ACCEPTED = [a_break, a_return, a_raise, a_relay_break, a_delegating_break, a_consumers,
            a_relay_raises, a_not_cleanup]


@pytest.mark.parametrize("f", ACCEPTED, ids=[f.__name__ for f in ACCEPTED])
def test_closed_where_cpython_closes(lua, f):
    native = outcome(f, ([],))
    translated = outcome(lua.translate(f), ([],))
    assert native[0] == translated[0] == "ok", (native, translated)
    assert same(native[1], translated[1]), (native[1], translated[1])


# ---- where it may not: refused -------------------------------------------------

def r_bound(log):
    g = logged(log, 3)
    return next(g)


def r_argument(log):
    return next(logged(log, 3))


def r_returned(log):
    return logged(log, 3)


def r_value(log):
    f = logged
    return f


def r_comprehension(log):
    return [x for x in logged(log, 3)]


def r_relay_bound(log):
    g = relay(log)
    return next(g)


def r_delegating_bound(log):
    g = delegating(log)
    return next(g)


def r_catch_base(log):
    g = catch_base(log)
    return next(g)


def r_nested(log):
    def inner():
        try:
            yield 1
        finally:
            log.append("fin")
    g = inner()
    return next(g)


def r_nested_bare_except(log):
    def inner():
        try:
            yield 1
        except:         # noqa: E722 — catches GeneratorExit
            log.append("bare")
    return next(inner())


REFUSED = [(r_bound, "logged"), (r_argument, "logged"), (r_returned, "logged"),
           (r_value, "logged"), (r_comprehension, "logged"), (r_relay_bound, "relay"),
           (r_delegating_bound, "delegating"), (r_catch_base, "catch_base"),
           (r_nested, "inner"), (r_nested_bare_except, "inner")]


@pytest.mark.parametrize("case", REFUSED, ids=[c[0].__name__ for c in REFUSED])
def test_refused_where_the_moment_is_unknown(lua, case):
    f, gen = case
    with pytest.raises(TranslationError) as info:
        lua.translate(f)
    msg = str(info.value)
    assert "a call of the generator '%s'" % gen in msg, msg
    assert ":%d:" % (f.__code__.co_firstlineno + 1) in msg or \
        ":%d:" % (f.__code__.co_firstlineno + 2) in msg or \
        ":%d:" % (f.__code__.co_firstlineno + 6) in msg, msg


# ---- a generator Python holds ----------------------------------------------------

def test_dropped_by_python_closes_at_once(lua):
    for gf in (logged, lua.translate(logged)):
        log = []
        g = gf(log, 3)
        next(g)
        del g
        log.append("after")
        assert log == ["yield 0", "finally", "after"], gf


def test_dropped_unstarted_or_finished_runs_nothing(lua):
    tl = lua.translate(logged)
    log = []
    g = tl(log, 2)
    del g
    assert log == []
    g = tl(log, 1)
    assert list(g) == [0]
    del g
    assert log == ["yield 0", "finally"]


def test_close_error_on_drop_is_unraisable(lua, monkeypatch):
    import sys
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda a: seen.append(
        (type(a.exc_value), str(a.exc_value))))
    for gf in (stubborn, lua.translate(stubborn)):
        g = gf()
        next(g)
        del g
    assert seen == [(RuntimeError, "generator ignored GeneratorExit")] * 2


def test_generator_reaching_python_otherwise_is_not_closed(lua):
    # relayed through translated code that keeps it: dropping Python's
    # wrapper must not close the generator Lua still holds
    def keep_and_give(log, box):
        g = (x for x in [1, 2, 3])
        box.append(g)
        return g
    box = []
    g = lua.translate(keep_and_give)([], box)
    assert next(g) == 1
    del g
    assert next(box[0]) == 2


def test_refusal_is_at_translation_not_run_time(lua):
    calls = []

    def late(log):
        calls.append(1)
        g = logged(log, 1)
        return g
    with pytest.raises(TranslationError):
        lua.translate(late)
    assert calls == []
