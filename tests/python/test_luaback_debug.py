"""The debug library called by translated Lua (tandem/_luadebug.py,
docs/translation.md "Values at the boundary"): what would name the bridge's
frames or functions instead of translated code's is refused at run time
(NotImplementedError); the rest gives native Lua's answer (each natively
and translated in separate runtimes). Before, `debug.getinfo(1, 'l')` gave
the line of the bridge's call helper, `debug.getlocal(1, 1)` its local
'f', and `debug.getupvalue` of a closure translated code made the helper's
upvalue: silently different."""

import pytest

import tandem

from test_luaback_fast import both

REFUSED = {
    'getinfo_level': "return debug.getinfo(1, 'l').currentline",
    'getinfo_level_float': "return debug.getinfo(1.0, 'S').short_src",
    'getlocal_level': "local x = 5 return debug.getlocal(1, 1)",
    'setlocal': "local x = 5 debug.setlocal(1, 1, 6) return x",
    'getupvalue_of_a_translated_closure': "local up = 1 local f = function() return up end\n"
                                          " return debug.getupvalue(f, 1)",
    'setupvalue_of_a_translated_closure': "local up = 1 local f = function() return up end\n"
                                          " debug.setupvalue(f, 1, 2) return f()",
    'upvalueid_of_a_translated_closure': "local up = 1 local f = function() return up end\n"
                                         " return debug.upvalueid(f, 1)",
    'getinfo_of_a_translated_closure': "local f = function() end\n"
                                       " return debug.getinfo(f, 'S').linedefined",
    'sethook': "debug.sethook(function() end, 'l') debug.sethook() return 1",
    # a translated function may hold the value of an upvalue no statement
    # assigns (read once): a change by setupvalue would not be seen
    'setupvalue_of_a_translated_function': "debug.setupvalue(TR, 1, 5) return TR()",
    'upvaluejoin_of_a_translated_function': "debug.upvaluejoin(TR, 1, TR2, 1) return TR()",
    'through_a_local': "local gi = debug.getinfo return gi(1, 'l').currentline",
    # the metatable of all strings: luart's string operations do not read
    # it (those of numbers, booleans, nil and functions are read since the
    # twenty-ninth session: ALLOWED; one with __tostring is refused:
    # test_luaback_typemt.py)
    'setmetatable_of_strings': "debug.setmetatable('', {__index = {f = 1}}) return ('x').f",
}


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refused(name):
    lua = tandem.LuaRuntime()
    lua.execute("local k, k2 = 1, 2\nfunction TR() return k end\nfunction TR2() return k2 end")
    f = lua.execute("return function()\n " + REFUSED[name] + "\nend")
    f()                                     # natively: an answer
    pf = lua.translate(f)
    with pytest.raises(NotImplementedError) as e:
        pf()
    assert str(e.value).startswith('debug.')
    assert 'in translated code' in str(e.value)


ALLOWED = {
    'getinfo_of_a_c_function': "return debug.getinfo(print).what",
    # the metatable of a whole type, read where Lua reads it (_luatypemt)
    'setmetatable_of_numbers': "debug.setmetatable(10, {__index = function(a, b) return a + b end})\n"
                               " return (10)[3]",
    'setmetatable_of_booleans': "debug.setmetatable(true, {__len = function() return 1 end})\n"
                                " return #true",
    'setmetatable_of_functions': "debug.setmetatable(print, {__index = {n = 2}}) return print.n",
    'setmetatable_of_nil': "debug.setmetatable(nil, {__index = {n = 3}}) return (nil).n",
    'getinfo_of_a_native_function': "return debug.getinfo(NATIVE, 'S').linedefined, "
                                    "debug.getinfo(NATIVE, 'u').nparams",
    'getlocal_of_a_native_function': "return debug.getlocal(NATIVE, 2)",
    'getupvalue_of_a_native_function': "return debug.getupvalue(NATIVE, 1)",
    'setupvalue_of_a_native_function': "debug.setupvalue(NATIVE, 1, 41) return NATIVE(1)",
    'upvalueid_equal': "return debug.upvalueid(NATIVE, 1) == debug.upvalueid(NATIVE, 1)",
    'gethook': "return select('#', debug.gethook())",
    'clear_hook': "debug.sethook() return true",
    'getmetatable': "return debug.getmetatable('').__index == string",
    'getregistry': "return type(debug.getregistry())",
    'setmetatable_of_a_table': "local t = debug.setmetatable({}, {__index = {a = 1}}) return t.a",
    'setmetatable_of_a_userdata': "local mt = debug.getmetatable(io.stdout)\n"
                                  " return debug.setmetatable(io.stdout, mt) == io.stdout",
    'traceback_message': "return (debug.traceback('m', 1):match('^m\\nstack traceback:\\n'))",
    'xpcall_traceback': "local ok, m = xpcall(error, debug.traceback, 'boom', 0)\n"
                        " return ok, (m:match('^boom\\n'))",
}

NATIVE = ("local u = 1\n"
          "-- (reaching a <const> Lua folds and the front end does not, an and/or:\n"
          "-- refused, stays native, bridged)\n"
          "NATIVE = load('local u = 1\\nlocal Z <const> = 1 and 0\\n"
          "return function(a, b) return a + u + (ZERO or Z) end')()\n")


@pytest.mark.parametrize('name', sorted(ALLOWED))
def test_allowed(name):
    both(NATIVE + "return function()\n " + ALLOWED[name] + "\nend", calls=[()], separate=True)


def test_a_translated_function_is_its_lua_function():
    # a global function translated: in Lua it is the function it translates,
    # so getinfo describes it as natively
    lua = tandem.LuaRuntime()
    lua.execute("function G(a, b, c)\n  return a\nend")
    f = lua.execute("return function()\n local i = debug.getinfo(G, 'Su')\n"
                    " return i.linedefined, i.lastlinedefined, i.nparams, G(7)\nend")
    assert f() == (1, 3, 3, 7)
    pf = lua.translate(f)
    assert pf() == (1, 3, 3, 7)
    assert lua.translate(lua.globals().G)(8) == 8


def test_string_dump_of_a_translated_closure_is_refused():
    # in Lua the closure is a small function calling the Python one: its
    # dump loads as a function whose upvalue is gone ('attempt to call a
    # table value (upvalue '?')' at the first call, or worse)
    lua = tandem.LuaRuntime()
    f = lua.execute("return function()\n local g = function(a) return a + 1 end\n"
                    " return load(string.dump(g, true))(3)\nend")
    assert f() == 4
    with pytest.raises(NotImplementedError) as e:
        lua.translate(f)()
    assert str(e.value).startswith('string.dump in translated code')


def test_string_dump_of_a_native_function():
    both(NATIVE + "return function()\n return load(string.dump(NATIVE))(1)\nend",
         calls=[()], separate=True)


def test_getmetatable_of_basic_values_is_the_runtimes():
    # a metatable native code gave numbers (booleans, nil): translated
    # getmetatable answers as Lua does (before: luart's own, nil)
    lua = tandem.LuaRuntime()
    lua.execute("MT = {} MT2 = {}")
    f = lua.eval("function() return getmetatable(-2) == MT, getmetatable(1.5) == MT, "
                 "getmetatable(true) == MT2, getmetatable(nil) end")
    pf = lua.translate(f)
    assert pf() == f() == (False, False, False, None)
    lua.execute("debug.setmetatable(1, MT) debug.setmetatable(false, MT2)")
    assert pf() == f() == (True, True, True, None)
    lua.execute("debug.setmetatable(1, nil) debug.setmetatable(false, nil)")
    assert pf() == f() == (False, False, False, None)


def test_a_refusal_is_not_caught_by_pcall():
    # natively pcall(debug.getinfo, 1, 'l') succeeds: a pcall of translated
    # code answering false would take a path native Lua never takes. Until
    # the twenty-ninth session the error value was the exception (and before
    # the twenty-eighth, tostring gave 'userdata: 0x...');
    # test_luaback_refusal_caught.py has the other catching constructs
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.eval("function()\n local ok, e = pcall(debug.getinfo, 1, 'l')\n"
                                " return ok, type(e)\nend"))
    with pytest.raises(NotImplementedError, match='debug.getinfo in translated code'):
        pf()


def test_tostring_of_a_python_exception_as_natively():
    # a Python function raising, caught by pcall: the same text both ways
    lua = tandem.LuaRuntime()

    def boom():
        raise ValueError("nope")
    lua.globals().boom = boom
    f = lua.eval("function()\n local ok, e = pcall(boom)\n"
                 " return ok, type(e), (tostring(e):match('ValueError: nope'))\nend")
    assert lua.translate(f)() == f() == (False, 'userdata', 'ValueError: nope')
