"""Lua -> Python translated functions called by a Lua coroutine of the
runtime (a native `coroutine.wrap`/`coroutine.create` body calling one).

Translated code runs outside that coroutine (a Python function the bridge
calls) and cannot yield to it. Before, inside `coroutine.wrap` a translated
`coroutine.yield(x)` gave the function's final result (4 where Lua yields
3): every call the bridge made from Python there returned the callee and
its arguments in front of its results (`coroutine.yield` read as the
`coroutine` table). Under `coroutine.create` the yield raised "attempt to
yield from outside a coroutine", `coroutine.isyieldable()` was false and
`coroutine.running()` gave the main thread, where Lua answers for the
coroutine. Now: code that does not ask about coroutines gives Lua's
answers; a yield, `isyieldable` and `running` outside translated code's
own coroutines raise NotImplementedError (docs/translation.md)."""
import pytest

import tandem

STARTS = {
    'main': "return function(f, ...) return f(...) end",
    'wrap': "return function(f, ...) return coroutine.wrap(function(...) return f(...) end)(...) end",
    'create': "return function(f, ...) local co = coroutine.create(function(...) return f(...) end) "
              "return select(2, coroutine.resume(co, ...)) end",
    'wrap_in_wrap': "return function(f, ...) local a = table.pack(...) return coroutine.wrap("
                    "function() return coroutine.wrap(function() return f(table.unpack(a, 1, a.n)) "
                    "end)() end)() end",
}

# functions that give the same answers natively and translated, anywhere
PLAIN = {
    'arith': ("function(x) return x * 2, x // 3, tostring(x / 2) end", (7,)),
    'tables': ("function(n) local t = {} for i = 1, n do t[i] = i * i end "
               "return #t, table.concat(t, ','), select('#', table.unpack(t)) end", (5,)),
    'globals': ("function(v) G_X = v return G_X, type(print), math.type(v) end", (3,)),
    'strings': ("function(s) return s:upper(), (s:gsub('a', 'o')), s:rep(2, '-') end", ('banana',)),
    'own_coroutine': ("function(n)\n local co = coroutine.wrap(function(a) for i = 1, a do "
                      "coroutine.yield(i * 10) end return 'end' end)\n local r = {} "
                      "for i = 1, n + 1 do r[i] = tostring(co(n)) end return table.concat(r, ' ') end",
                      (3,)),
    'own_coroutine_asks': ("function()\n local co = coroutine.create(function() "
                           "local _, main = coroutine.running() coroutine.yield(coroutine.isyieldable(), "
                           "main) end)\n return coroutine.resume(co) end", ()),
    'errors': ("function(x) local ok, e = pcall(error, {code = x}) return ok, e.code end", (5,)),
    'native_callback': ("function(t)\n table.sort(t, function(a, b) return a > b end)\n "
                        "return table.concat(t, ',') end", ('T:{3, 1, 2}',)),
}


def _args(lua, args):
    return tuple(lua.eval(a[2:]) if isinstance(a, str) and a.startswith('T:') else a
                 for a in args)


@pytest.mark.parametrize('start', sorted(STARTS))
@pytest.mark.parametrize('name', sorted(PLAIN))
def test_plain_code_gives_lua_answers(start, name):
    src, args = PLAIN[name]
    native, translated = tandem.LuaRuntime(), tandem.LuaRuntime()
    run_n = native.execute(STARTS[start])
    run_t = translated.execute(STARTS[start])
    pf = translated.translate(translated.eval(src))
    want = run_n(native.eval(src), *_args(native, args))
    assert run_t(pf, *_args(translated, args)) == want


# coroutine.resume gives the error (the NotImplementedError): raised again
CREATE_RAISES = ("return function(f, ...) local co = coroutine.create(function(...) return f(...) end) "
                 "local ok, e = coroutine.resume(co, ...) if not ok then error(e, 0) end return e end")

ASKS = {
    'yield': "function(x) coroutine.yield(x) return x + 1 end",
    'yield_in_a_callee': "function(x)\n local function y(v) coroutine.yield(v) end\n y(x) return 1 end",
    'isyieldable': "function() return coroutine.isyieldable() end",
    'running': "function() local co, main = coroutine.running() return main end",
    'yield_as_a_value': "function(x) local y = coroutine.yield local t = {y} return t[1](x) end",
}


@pytest.mark.parametrize('start', ['wrap', 'create_raises', 'wrap_in_wrap'])
@pytest.mark.parametrize('name', sorted(ASKS))
def test_asking_about_the_native_coroutine_is_refused(start, name):
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.eval(ASKS[name]))
    run = lua.execute(STARTS[start] if start in STARTS else CREATE_RAISES)
    with pytest.raises(NotImplementedError, match='called by a Lua coroutine of the runtime'):
        run(pf, 3)


def test_main_thread_answers_are_kept():
    # the same functions called on the main thread: Lua's answers there
    for name, want in [('isyieldable', False), ('running', True)]:
        native, translated = tandem.LuaRuntime(), tandem.LuaRuntime()
        assert native.eval(ASKS[name])() is want
        assert translated.translate(translated.eval(ASKS[name]))() is want
    lua = tandem.LuaRuntime()
    with pytest.raises(tandem.LuaError, match='attempt to yield from outside a coroutine'):
        lua.translate(lua.eval(ASKS['yield']))(3)


def test_nested_through_a_native_function():
    # native coroutine -> translated f -> native g (run on the main thread by
    # the bridge) -> translated h: h is still inside the coroutine
    lua = tandem.LuaRuntime()
    h = lua.translate(lua.eval("function() return coroutine.isyieldable() end"))
    lua.globals().h = h
    lua.execute("function g() return h() end")
    f = lua.translate(lua.eval("function() return g() end"))
    lua.globals().f = f
    assert f() is False
    with pytest.raises(NotImplementedError):
        lua.execute("return coroutine.wrap(function() return f() end)()")
