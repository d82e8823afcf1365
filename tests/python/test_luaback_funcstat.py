"""`function g() ... end` where g is a local already in scope assigns that
local (Lua 5.4 manual 3.4.11: the statement is `g = function () ... end`);
only `local function g` declares a new one. The Lua front end wrote both as
the declaration, so closures that had captured g (the forward declaration
of mutual recursion: `local isodd` ... `function isodd(k) ... end`) kept
seeing the old value. Each chunk runs natively and translated and the
outcomes are compared."""

import pytest

import tandem
from luaback_outcome import outcome

CASES = {
    # the forward declaration of mutual recursion
    "mutual": ("""
return function(n)
  local isodd
  local function iseven(k) if k == 0 then return true end return isodd(k - 1) end
  function isodd(k) if k == 0 then return false end return iseven(k - 1) end
  return iseven(n)
end""", [(0,), (1,), (4,), (7,)]),
    # a value captured before: replaced, not shadowed
    "replaced": ("""
return function()
  local g = 5
  local function h() return g end
  function g() return 1 end
  return type(h()), type(g), h()()
end""", [()]),
    # a parameter rebound
    "parameter": ("""
return function(cb)
  local function run() return cb() end
  function cb() return 'replaced' end
  return run(), cb == run
end""", [(None,), (7,)]),
    # a local of a loop body: one variable per iteration, each assigned
    "loop": ("""
return function(n)
  local out = {}
  for i = 1, n do
    local g
    local h = function() return g() end
    function g() return i * 10 end
    out[i] = h()
  end
  return table.concat(out, ',')
end""", [(3,), (0,)]),
    # `local function g` then `function g`: the second replaces the first
    # for the closures of both
    "redefined": ("""
return function(x)
  local function g() return 'first' end
  local function call() return g() end
  local a = call()
  function g() return 'second' .. x end
  return a, call(), g()
end""", [(1,), ('!',)]),
    # a shadowing local function after the assignment is a new variable
    "shadow": ("""
return function()
  local g = 1
  local function before() return g end
  function g() return 2 end
  local function g() return 3 end
  return before()(), g()
end""", [()]),
    # the function assigned refers to itself through the local
    "recursive": ("""
return function(n)
  local fact
  function fact(k) if k <= 1 then return 1 end return k * fact(k - 1) end
  local f = fact
  fact = nil
  return pcall(f, n)
end""", [(1,), (5,)]),
    # a function assigned this way that yields, called from a coroutine
    # through a closure that captured the local before
    "yields": ("""
return function(n)
  local step
  local function run(k)
    local s = 0
    for i = 1, k do s = s + step(i) end
    return s
  end
  function step(i) return coroutine.yield(i) end
  local co = coroutine.wrap(run)
  local out = {co(n)}
  for i = 1, n do out[#out + 1] = co(i * 100) end
  return table.concat(out, ',')
end""", [(3,), (1,)]),
    # errors name the local as Lua does
    "error_name": ("""
return function()
  local g
  local function h() return g(1) end
  function g(x) return x + nil end
  return h()
end""", [()]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_function_statement_assigns_a_local(name):
    src, argsets = CASES[name]
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    load = 'return function(s, n) return load(s, "=" .. n)() end'
    native = native_rt.execute(load)(src, name)
    translated = xl_rt.translate(xl_rt.execute(load)(src, name))
    for args in argsets:
        want = outcome(native, args)
        assert outcome(translated, args) == want, (name, args)
        assert want[0] == 'ok' or name == 'error_name', want
