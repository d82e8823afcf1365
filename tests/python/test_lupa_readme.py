"""lupa's own documentation, run against tandem.

Debian's python3-lupa (a dependency, tools/deps.sh) ships lupa's README with
~180 interactive examples. They run here as doctests with `lupa` bound to
tandem, so "import tandem as lupa" is checked against what lupa documents,
not against our reading of it. Each behaviour the README pinned down that
tandem lacked also has its own test below.
"""
import doctest
import gzip
import os
import sys

import pytest

import tandem

README = "/usr/share/doc/python3-lupa/README.rst.gz"


def test_lupa_readme_examples_pass_on_tandem(monkeypatch):
    if not os.path.exists(README):
        pytest.fail("%s is missing: python3-lupa is a build dependency" % README)
    with gzip.open(README, "rt", encoding="utf-8") as fh:
        text = fh.read()
    monkeypatch.setitem(sys.modules, "lupa", tandem)
    test = doctest.DocTestParser().get_doctest(text, {}, "lupa README", README, 0)
    assert len(test.examples) > 150
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out = []
    runner.run(test, out=out.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(out)


def test_python_eval_ignores_leading_blanks(lua):
    assert lua.eval('python.eval(" 2 ** 2 ")') == 4
    assert lua.eval('python.eval("\\t1 + 1")') == 2
    with pytest.raises(SyntaxError):        # the Python exception itself
        lua.eval('python.eval(" 1 +")')


def test_unpack_returned_tuples_applies_to_python_eval():
    rt = tandem.LuaRuntime(unpack_returned_tuples=True)
    try:
        rt.execute('a, b, c = python.eval("(1, 2)")')
        g = rt.globals()
        assert (g.a, g.b, g.c) == (1, 2, None)
    finally:
        rt.close()
    rt = tandem.LuaRuntime()
    try:
        rt.execute('a, b = python.eval("(1, 2)")')
        assert rt.globals().a == (1, 2) and rt.globals().b is None
    finally:
        rt.close()


def test_iterex_none_first_value_does_not_end_the_loop(lua):
    f = lua.eval("""function(items)
        local out = {}
        for a, b in python.iterex(items) do
            out[#out + 1] = {a == python.none, a == nil, b == python.none, b == nil}
        end
        return out
    end""")
    rows = f([(None, None), (1, None), (None, 2)])
    got = [list(rows[i].values()) for i in (1, 2, 3)]
    assert got == [[True, False, False, True], [False, False, False, True],
                   [True, False, False, False]]
    # plain iter: a None item stays python.none too
    g = lua.eval("function(it) local n = 0 for x in python.iter(it) do n = n + 1 end return n end")
    assert g([None, None, 3]) == 3


def test_calling_an_unstarted_coroutine_gives_fresh_generators(lua):
    co, started = lua.execute("""
        local function f(n) for i = 0, n do coroutine.yield(i % 2) end end
        local c1, c2 = coroutine.create(f), coroutine.create(f)
        coroutine.resume(c2, 3)
        return c1, c2""")
    assert list(co(4)) == [0, 1, 0, 1, 0]
    assert list(co(2)) == [0, 1, 0]            # co itself is untouched
    assert tandem.lua_type(co) == "thread"
    with pytest.raises(tandem.LuaError, match="started"):
        started(1)
    assert list(started) == [1, 0, 1]
