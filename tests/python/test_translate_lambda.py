"""Lambdas translated by themselves (tandem/_lambdasrc.py): `lua.translate(
lambda a, b: a < b)` finds the lambda in its file by its code (several on
one line, nested ones, closures), and refuses when the file is not the one
the lambda was compiled from. Each runs natively and translated."""

import importlib
import linecache
import sys

import pytest

import tandem
from xlate_same import outcome, run_source, same

SRC = '''
K = 10

def outer(m):
    return lambda x, y=2: (x * m + y, K)

def nested(m):
    return lambda x: lambda z: z + m + x

PAIR = (lambda a, b: a < b, lambda a, b: a > b)
KEYED = [lambda s: s.upper() * 2, lambda s: -len(s), lambda *a, **kw: (a, sorted(kw.items()))]
MULTI = (lambda: (lambda: 1,
                  lambda: 2),
         lambda v=lambda: 3: v())
'''


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_lambda>")


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def _cases(ns):
    return [
        (ns["PAIR"][0], (1, 2)), (ns["PAIR"][0], (2, 1)), (ns["PAIR"][1], (1, 2)),
        (ns["PAIR"][1], ("b", "a")), (ns["PAIR"][0], (1,)), (ns["PAIR"][0], (1, "a")),
        (ns["KEYED"][0], ("ab",)), (ns["KEYED"][1], ("abc",)), (ns["KEYED"][2], (1, 2)),
        (ns["outer"](3), (4,)), (ns["outer"](3), (4, 5)), (ns["outer"](3), ()),
        (ns["nested"](1)(2), (3,)), (ns["MULTI"][0]()[0], ()), (ns["MULTI"][0]()[1], ()),
        (ns["MULTI"][1], ()),
    ]


@pytest.mark.parametrize("k", range(16))
def test_lambda_as_cpython(ns, lua, k):
    f, args = _cases(ns)[k]
    native = outcome(f, args)
    got = outcome(lua.translate(f), args)
    assert got[0] == native[0] and same(got[1:], native[1:]), (native, got)


def test_lambda_comparator_in_lua(ns, lua):
    lt = lua.translate(ns["PAIR"][0])
    assert lua.translate(ns["PAIR"][0]) is lt          # interned, as functions are
    lua.globals().lt = lt
    assert list(lua.eval("(function() local t = {5, 3, 9, 1}; table.sort(t, lt); "
                         "return t end)()").values()) == [1, 3, 5, 9]
    assert "-- <test_translate_lambda>:10" in tandem.translated_source(ns["PAIR"][0])


def test_lambda_whose_file_changed_is_refused(lua, tmp_path):
    mod = tmp_path / "lam_changed.py"
    mod.write_text("F = lambda x: x + 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        m = importlib.import_module("lam_changed")
        mod.write_text("F = lambda x: x - 1\n")
        linecache.checkcache(str(mod))
        with pytest.raises(tandem.TranslationError, match=r"lam_changed\.py:1: the source of a "
                                                          r"lambda is not available, or its file"):
            lua.translate(m.F)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("lam_changed", None)


def test_lambda_without_source_is_refused(lua):
    f = eval("lambda x: x")
    with pytest.raises(tandem.TranslationError, match="the source of a lambda is not available"):
        lua.translate(f)
