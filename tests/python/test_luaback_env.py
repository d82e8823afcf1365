"""_ENV in Lua -> Python translation (docs/translation.md "Globals and
upvalues", docs/lua-ir.md "_ENV"): the chunk's _ENV as a value, _ENV.x, a
local _ENV (parameter, local, captured), each natively and translated in
separate runtimes, results compared by value and type (errors by message);
and the refusals that replace what used to be silently different answers
(a chunk loaded with an environment, a chunk assigning its _ENV)."""

import re

import pytest

import tandem

from test_luaback_fast import both


CASES = {
    'env_is_G': ("return function() return _ENV == _G, rawequal(_ENV, _G) end", [()]),
    'env_fields': ("return function() x = 4 _ENV.y = 5 return _ENV.x, _ENV['y'], y end", [()]),
    'env_as_argument': ("return function() return rawget(_ENV, 'x'), type(_ENV) end", [()]),
    'env_through_a_local': ("return function() local e = _ENV e.z = 3 return z, e.z end", [()]),
    'env_in_nested_function': ("return function() local f = function() return _ENV end\n"
                               "return f() == _G end", [()]),
    'function_env_dot_name': ("return function() function _ENV.gf(a) return a * 2 end\n"
                              "return gf(4) end", [()]),
    'env_arithmetic_error': ("return function() return _ENV + 1 end", [()]),
    'env_field_error': ("return function() return _ENV.nope.x end", [()]),
    'env_index_error': ("return function() return _ENV['nope'].x end", [()]),
    'local_env': ("return function(t) local _ENV = t return x, y end", [('T:{x = 1, y = 2}',)]),
    'local_env_write': ("return function(t) local _ENV = t x = 3 y = x + 1 return t end",
                        [('T:{}',)]),
    'local_env_missing_global': ("return function(t) local _ENV = t return print end",
                                 [('T:{}',)]),
    'local_env_error_names_global': ("return function(t) local _ENV = t return z.w end",
                                     [('T:{}',)]),
    'local_env_metatable': ("return function(t) local _ENV = setmetatable(t, {__index = _G})\n"
                            "return type(print), x end", [('T:{x = 8}',)]),
    'local_env_block': ("return function() do local _ENV = {print = 1} x = 2 end\n"
                        "return print ~= 1, x end", [()]),
    'param_env': ("return function(_ENV) return x + 1 end", [('T:{x = 41}',)]),
    'const_env': ("return function() local _ENV <const> = {x = 'c'} return x end", [()]),
    'captured_env': ("return function(t) local _ENV = t\n"
                     "local g = function() x = (x or 0) + 1 return x end\n"
                     "g() return g(), t.x end", [('T:{}',)]),
    'env_upvalue_of_chunk': ("local _ENV = {v = 7, type = type}\n"
                             "return function() return v, type(v) end", [()]),
    'env_reassigned_local': ("return function(a, b) local _ENV = a x = 1 _ENV = b x = 2\n"
                             "return a.x, b.x end", [('T:{}', 'T:{}')]),
    'env_loop_variable': ("return function(ts) local s = 0\n"
                          "for _, _ENV in ipairs(ts) do s = s + v end return s end",
                          [('T:{{v = 1}, {v = 2}, {v = 3}}',)]),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_env(name):
    src, calls = CASES[name]
    both(src, calls=calls, separate=True)


def test_env_field_reads_are_global_reads():
    # _ENV.x is the global x: the same fast global read in the source
    src, _ = both("return function() return _ENV.math.pi end", calls=[()], separate=True)
    assert '_ENVget(' in src


def refusal(lua, fn):
    with pytest.raises(tandem.TranslationError) as e:
        lua.translate(fn)
    return str(e.value)


def test_chunk_loaded_with_an_environment():
    # translated code read the runtime's global table: before, this gave
    # nil (the global x) where Lua gives 5; then it was refused; now the
    # globals of such a function are fields of its _ENV upvalue
    lua = tandem.LuaRuntime()
    f = lua.eval('load("return function() x = x + 1 return x, print end", "=c", "t", {x = 5})()')
    assert f() == (6, None)
    pf = lua.translate(f)
    assert pf() == (7, None)
    assert f() == (8, None)
    assert '_ENVget(' not in tandem.translated_source(pf)


def test_chunk_loaded_with_an_environment_using_no_global_translates():
    lua = tandem.LuaRuntime()
    f = lua.eval('load("return function(a) return a + 1 end", "=c", "t", {})()')
    assert lua.translate(f)(1) == 2


def test_chunk_assigning_env():
    # before, translated f kept reading the runtime's globals after
    # setenv: 1 where Lua gives 2; then it was refused
    lua = tandem.LuaRuntime()
    lua.execute("function f() return x end\nx = 1\nfunction setenv(e) _ENV = e end\n")
    pf = lua.translate(lua.globals().f)
    assert pf() == 1
    lua.execute("setenv({x = 2})")
    assert pf() == 2
    assert lua.globals().f() == 2


def test_chunk_assigning_env_translates_functions_not_reading_it_plainly():
    lua = tandem.LuaRuntime()
    f = lua.execute("local function add(a, b) return a + b end\n"
                    "_ENV = setmetatable({}, {__index = _G})\nreturn add")
    assert lua.translate(f)(2, 3) == 5


ENV_VARIABLE = {
    # chunks assigning their _ENV, translated whole (the main chunk) or a
    # function of theirs, natively and translated in separate runtimes
    'main_chunk_swaps_env': ("""local f = function() return x end
x = 1
local a = f()
local saved = _ENV
_ENV = {x = 2}
local b = f()
_ENV = saved
local function g() y = (y or 0) + 1 return y end
g() g()
return a, b, x, y, g()""", []),
    'main_chunk_env_nil': ("""local pcall = pcall
_ENV = nil
return pcall(function() return x end)""", []),
    'main_chunk_env_nil_call': ("""local pcall = pcall
_ENV = nil
return pcall(function() print('x') end)""", []),
    'sandbox_with_index': ("""local G = _G
_ENV = setmetatable({}, {__index = G})
z = 10
return z, rawget(G, 'z'), type(print), math.max(z, 3)""", []),
    'global_names_in_errors': ("""_ENV = setmetatable({}, {__index = _G})
local ok, e = pcall(function() return nope.x end)
local ok2, e2 = pcall(function() nope2() end)
return ok, e, ok2, e2""", []),
    'function_definitions': ("""_ENV = setmetatable({}, {__index = _G})
function gf(a) return a * 3 end
local t = {}
function t.m(a) return gf(a) + 1 end
return gf(2), t.m(2), rawget(_G, 'gf')""", []),
    'env_dot_names': ("""_ENV = setmetatable({}, {__index = _G})
_ENV.q = 4
return q, _ENV.q, _ENV == _G""", []),
}


def _chunk(lua, src):
    return lua.eval("function(s) return load(s, s) end")(src)


@pytest.mark.parametrize('name', sorted(ENV_VARIABLE))
def test_chunk_assigning_env_translated_whole(name):
    src, _ = ENV_VARIABLE[name]
    native, translated = tandem.LuaRuntime(), tandem.LuaRuntime()
    want = _chunk(native, src)()
    got = translated.translate(_chunk(translated, src))()
    norm = (lambda r: tuple(re.sub(r'^\[string "[^"]*"\]', 'CHUNK', x) if isinstance(x, str)
                            else x for x in (r if isinstance(r, tuple) else (r,))))
    assert norm(got) == norm(want)


def test_env_of_main_chunk_assigned_translates():
    lua = tandem.LuaRuntime()
    f = lua.eval("load('_ENV = {x = 1}\\nreturn x')")
    assert lua.translate(f)() == 1


def test_translated_function_sees_writes_through_env():
    # a write through the _ENV value reaches the runtime's global table and
    # the translated code's own cached reads of it
    lua = tandem.LuaRuntime()
    f = lua.execute("return function() local a = g_v _ENV.g_v = 'new' return a, g_v end")
    lua.execute("g_v = 'old'")
    pf = lua.translate(f)
    assert pf() == ('old', 'new')
    assert lua.eval('g_v') == 'new'
    lua.execute("g_v = 'lua'")
    assert pf() == ('lua', 'new')
