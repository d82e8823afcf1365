"""Python code run by a Lua coroutine calling back into Lua.

While a coroutine runs, the runtime's main thread waits inside the C
function that resumed it (`coroutine.wrap`'s function, `coroutine.resume`),
and calls from Python run on the main thread above that function's frame.
`coroutine.wrap` moves its arguments to the coroutine, so that frame can be
empty: the call's message handler then sat at index 1 and was taken for the
base level's own handler, and every result came back with the callee and
its arguments in front (`ident(t)` gave `(<function>, t)`). Each case runs
the same Python callback plainly and inside coroutines started every way.
"""
import pytest

import tandem

STARTS = {
    'plain': "return function(...) return cb(...) end",
    'wrap': "return function(...) return coroutine.wrap(F)(...) end",
    'wrap_no_arguments': "return function(...) local a = {...} "
                         "return coroutine.wrap(function() return cb(table.unpack(a)) end)() end",
    'resume': "return function(...) return select(2, coroutine.resume(coroutine.create(F), ...)) end",
    'wrap_in_wrap': "return function(...) local a = {...} return coroutine.wrap(function() "
                    "return coroutine.wrap(F)(table.unpack(a)) end)() end",
    'pcall_in_wrap': "return function(...) return select(2, coroutine.wrap(function(...) "
                     "return pcall(F, ...) end)(...)) end",
}


def callbacks(lua):
    ident = lua.eval("function(...) return ... end")
    mk = lua.eval("function(n) return {n = n, n * 2} end")
    fail = lua.eval("function(m) error(m) end")
    g = lua.globals()

    def results(x):
        return repr(ident(x)), repr(ident()), ident(1, 'two', 3.0)

    def tables(n):
        t = mk(n)
        return t['n'], t[1], len(t), lua.eval("type")(t)

    def errors(m):
        try:
            fail(m)
        except tandem.LuaError as e:
            return str(e).split(': ', 1)[1]
        return 'no error'

    def globals_(v):
        g.X = v
        return g.X, lua.eval("X"), lua.execute("return X, X")

    def many(n):
        return ident(*range(n))
    return {'results': (results, (7,)), 'tables': (tables, (21,)),
            'errors': (errors, ('boom',)), 'globals': (globals_, ('v',)),
            'many': (many, (40,))}


@pytest.mark.parametrize('start', sorted(STARTS))
@pytest.mark.parametrize('case', ['results', 'tables', 'errors', 'globals', 'many'])
def test_callback_calls_lua(start, case):
    lua = tandem.LuaRuntime()
    fn, args = callbacks(lua)[case]
    want = fn(*args)
    lua.globals().cb = fn
    lua.execute("F = function(...) return cb(...) end")   # (a Lua function to resume)
    run = lua.execute(STARTS[start])
    assert run(*args) == want


def test_wrap_result_is_the_callee_result():
    # the report: a table passed through a Lua function inside coroutine.wrap
    lua = tandem.LuaRuntime()
    ident = lua.eval("function(t) return t end")
    lua.globals().pyf = lambda a: lua.eval("type")(ident(a))
    assert lua.execute("return coroutine.wrap(function(a) return pyf(a) end)({})") == 'table'
    assert lua.execute("return coroutine.wrap(function(...) return pyf(...) end)({})") == 'table'
