"""Several functions on one line: the front end picks the one being
translated by its parameters, vararg flag and upvalue names, and, when those
leave several, by where Lua put the upvalue _ENV among them (Lua adds it at
the function's first global name). Each case runs natively and translated
(in two runtimes) and compares; functions alike in all of that are still
refused."""

import pytest

import tandem
from luaback_outcome import outcome

# (chunk returning the function to translate, arguments)
PICKED = [
    # the outer one reads a global first, the inner one none
    ("local cfg = {name = 'n'}\n"
     "return function() return pcall(function() return cfg.name end) end", ()),
    ("local cfg = {name = 'n'}\n"
     "return function() return pcall(function() return cfg.nope.x end) end", ()),
    # the inner one, with the same upvalue names and no global
    ("local cfg = {name = 'n'}\n"
     "local inner\n"
     "local outer = function() inner = function() return cfg.name end return pcall(inner) end\n"
     "outer() return inner", ()),
    # both read globals, in a different order from their other upvalues
    ("local u = 5\n"
     "return function(t) return select('#', function() return u, tostring end), u + #t end",
     ({1: 1, 2: 2},)),
    ("local u = 5\n"
     "local g\n"
     "local f = function(t) g = function() return u, tostring(u) end return u + #t end\n"
     "f({}) return g", ()),
    # table.sort's comparator and the function around it
    ("local key = 'k'\n"
     "return function(t) table.sort(t, function(a, b) return a[key] < b[key] end) "
     "return t[1][key] end", ([{"k": 3}, {"k": 1}],)),
]

# alike in parameters, upvalue names and the place of _ENV: refused
REFUSED = [
    "local cfg = {name = 'n'}\n"
    "return function() return (function() return cfg.name end)() end",
    "local cfg = {}\n"
    "return function() return function() return cfg.name, print end end",
]


def _table_args(lua, args):
    return tuple(lua.table_from(a, recursive=True) if isinstance(a, (list, dict)) else a
                 for a in args)


@pytest.mark.parametrize("src,args", PICKED)
def test_the_function_is_picked(src, args):
    ln, lt = tandem.LuaRuntime(), tandem.LuaRuntime()
    native = outcome(ln.execute(src, name="=oneline"), _table_args(ln, args))
    translated = outcome(lt.translate(lt.execute(src, name="=oneline")), _table_args(lt, args))
    assert native == translated
    assert native[0] == "ok"


@pytest.mark.parametrize("src", REFUSED)
def test_functions_alike_are_refused(src):
    lt = tandem.LuaRuntime()
    with pytest.raises(tandem.TranslationError, match="several functions start at line 2"):
        lt.translate(lt.execute(src))
