"""error(msg, level) through tail calls in Lua -> Python translation
(luart/_core.py where, docs/translation.md "The thirty-first session's
survey (issue 10)"). A Lua tail call (`return check(x)`) replaces the
caller's frame, so level 2 of check's error is the caller's caller: pcall
(no position) or the function below. Translated code is Python, whose
frames stay: it named the removed caller's line. Each chunk runs natively
and translated, in separate runtimes, and the results must be the same
(chunk names without their numbers)."""

import re

import pytest

import tandem

HEAD = """local function check(v, lvl) if not v then error('bad value', lvl or 2) end return v end
local function caller(v, lvl) return check(v, lvl) end
local function paren(v, lvl) return (check(v, lvl)) end
local function plain(v, lvl) check(v, lvl) return 1 end
local function deep(v, lvl) return caller(v, lvl) end
local function viaerr(v) if not v then return error('direct', 2) end end
local function outer(v, lvl) local r = deep(v, lvl) return r end
"""

CASES = {
    "tail_level2": "return pcall(caller, false)",
    "paren_level2": "return pcall(paren, false)",
    "plain_level2": "return pcall(plain, false)",
    "tail_level3": "return pcall(function() local x = caller(false, 3) return x end)",
    "two_tails_level2": "return pcall(deep, false)",
    "two_tails_level3": "return pcall(outer, false, 3)",
    "two_tails_level4": "return pcall(outer, false, 4)",
    "tail_into_c": "return pcall(viaerr, false)",
    "level1": "return pcall(caller, false, 1)",
    "no_error": "return pcall(deep, 5)",
    "wrap": "local co = coroutine.wrap(function() return caller(false) end) return pcall(co)",
    "tail_in_closure": "local f = function() return caller(false) end return pcall(f)",
    "xpcall": "return xpcall(caller, function(m) return 'h:' .. tostring(m) end, false)",
    # tail calls through the runtime's call paths: a method, varargs, a
    # return inside a loop, a table's __call
    "method": "local obj = {m = function(self, v) if not v then error('bad value', 2) end end}\n"
              "local function f(v)\nreturn obj:m(v)\nend\nreturn pcall(f, false)",
    "varargs": "local function f(...)\nreturn check(...)\nend\nreturn pcall(f, false)",
    "in_loop": "local function f(v)\nfor i = 1, 2 do\nreturn check(v)\nend\nend\n"
               "return pcall(f, false)",
    "call_meta": "local C = setmetatable({}, {__call = function(self, v) if not v then "
                 "error('bad value', 2) end end})\nlocal function f(v)\nreturn C(v)\nend\n"
                 "return pcall(f, false)",
    # a level past the coroutine's own stack has no position
    "coroutine_level3": "local co = coroutine.create(caller)\nreturn coroutine.resume(co, false, 3)",
    "wrap_level3": "local co = coroutine.wrap(caller)\nlocal function w() return (co(false, 3)) end\n"
                   "return pcall(w)",
    # returned values computed by a metamethod: no tail call, the line kept
    "index_meta": "local t = setmetatable({}, {__index = function(_, k) error('no ' .. k, 2) end})\n"
                  "local function g() return t.x end\nreturn pcall(g)",
    "arith_meta": "local mt = {__add = function() error('no add', 2) end}\n"
                  "local a = setmetatable({}, mt)\nlocal function g() return a + 1 end\n"
                  "return pcall(g)",
    "global_meta": "local function g() return UNDECLARED_X end\n"
                   "setmetatable(_ENV, {__index = function(_, k) error('undeclared ' .. k, 2) end})\n"
                   "local ok, e = pcall(g)\nsetmetatable(_ENV, nil)\nreturn ok, e",
}


def _norm(v):
    return tuple(re.sub(r"<lua:\d+>", "<lua>", x) if isinstance(x, str) else x
                 for x in (v if isinstance(v, tuple) else (v,)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_levels_through_tail_calls(name):
    src = HEAD + "return function()\n" + CASES[name] + "\nend"
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    want = native_rt.execute(src)()
    got = xl_rt.translate(xl_rt.execute(src))()
    assert _norm(got) == _norm(want)


def test_entry_tail_call():
    """The function Python calls doing `return check(false)`: level 2 is
    the boundary, no position."""
    src = HEAD + "return function()\nreturn check(false)\nend"
    got = []
    for translated in (False, True):
        lua = tandem.LuaRuntime()
        f = lua.execute(src)
        try:
            (lua.translate(f) if translated else f)()
        except tandem.LuaError as e:
            got.append(str(e).split("\n")[0])
    assert got == ["bad value", "bad value"]
