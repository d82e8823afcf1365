"""The recursion depth of translated code (docs/translation.md, "Recursion"):
one counter and one limit for every translated function of a runtime, each
chunk's upvalues DEPTH and MAXD joined to the runtime library's
(rt.joindepth), the limit the last translation's sys.getrecursionlimit(), the
counter back where it was after a RecursionError left translated code."""
import sys

import pytest

import tandem
from xlate_same import recursion_threshold


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1


def ping(n):
    if n == 0:
        return 0
    return pong(n - 1) + 1


def pong(n):
    if n == 0:
        return 0
    return ping(n - 1) + 1


def also_down(n):
    if n == 0:
        return 0
    return also_down(n - 1) + 1


def gen_down(n):
    if n > 0:
        yield n
        yield from gen_down(n - 1)


def threshold(f):
    """The smallest n for which f(n) raises RecursionError."""
    return recursion_threshold(f, 20000)


def test_one_counter_across_chunks(lua):
    # ping and pong are two chunks: a counter per chunk would let the
    # mutual recursion go twice as deep
    td, tp = lua.translate(down), lua.translate(ping)
    a, b = threshold(td), threshold(tp)
    assert abs(a - b) <= 1, (a, b)
    assert sys.getrecursionlimit() // 2 < a <= sys.getrecursionlimit() + 1, a
    assert threshold(td) == a           # the counter is back after each error
    assert td(a - 2) == a - 2 and tp(a - 2) == a - 2


def test_limit_follows_the_last_translation(lua):
    td = lua.translate(down)
    before = threshold(td)
    saved = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(saved + 700)
        other = lua.translate(also_down)    # loads a chunk: the limit is read again
        assert abs(threshold(other) - (before + 700)) <= 1
        assert abs(threshold(td) - (before + 700)) <= 1     # one limit for all
    finally:
        sys.setrecursionlimit(saved)
    lua.translate(gen_down)                 # back to the saved limit
    assert threshold(td) == before


def test_generators_count_on_the_same_counter(lua):
    tg = lua.translate(gen_down)
    assert sum(tg(50)) == sum(gen_down(50))
    with pytest.raises(RecursionError):
        sum(tg(20000))
    assert sum(tg(50)) == 1275
    assert lua.translate(down)(300) == 300


def through_all_clauses(n):
    try:
        r = 0 if n == 0 else through_all_clauses(n - 1) + 1
    except KeyError:
        return -1
    else:
        r += 0
    finally:
        pass
    return r


class _Managed:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def through_with(n):
    with _Managed():
        return 0 if n == 0 else through_with(n - 1) + 1


def through_try(n):
    try:
        return 0 if n == 0 else through_try(n - 1) + 1
    except KeyError:
        return -1


def test_a_try_statement_nests_one_pcall_per_level(lua):
    # Lua allows 200 nested C calls, and each try is a pcall: a
    # try/except/else/finally (or a `with`, lowered to one) runs its clauses
    # and else block after the body's pcall, not around it, so a recursion
    # through it goes as deep as through a plain try/except (it went half as
    # deep: 98 levels)
    plain = threshold(lua.translate(through_try))
    assert 190 < plain < 200, plain
    for f in (through_all_clauses, through_with):
        assert threshold(lua.translate(f)) == plain
        assert lua.translate(f)(plain - 2) == f(plain - 2)
