"""Tail calls of a function to itself in Lua -> Python translation
(_luaback._self_tail_calls, docs/translation.md "Speed"): `return f(args)`
of a `local function f` outside any loop is the function's body run again
with the new arguments, in constant stack, as Lua's tail call. Each case
natively and translated in separate runtimes. Before, a tail recursion of
about a thousand calls raised Python's RecursionError (since this session,
Lua's 'stack overflow')."""

import pytest

import tandem

from test_luaback_fast import both

LOOP = """local function loop(i, acc)
  if i == 0 then return acc end
  return loop(i - 1, acc + i)
end
return loop"""


def test_deep_tail_recursion():
    src, _ = both(LOOP, calls=[(100000, 0), (10, 0.5), (3, '1'), (0, 'x'), (2, None)])
    assert '(a tail call of itself)' in src


CASES = {
    'strings_coerced': (LOOP, [(5, '10')]),
    'one_parameter': ("local function f(n) if n <= 0 then return n end return f(n - 1) end\n"
                      "return f", [(100000,), (2.5,), ('7',)]),
    'no_parameters': ("""local n = 0
local function count()
  n = n + 1
  if n >= 50000 then return n end
  return count()
end
return function() n = 0 return count() end""", [()]),
    'closures_per_iteration': ("""local function f(n, acc)
  if n == 0 then return acc end
  local m = n * 10
  acc[#acc + 1] = function() return m end
  return f(n - 1, acc)
end
return function(n)
  local t = f(n, {})
  local s = {}
  for i = 1, #t do s[i] = t[i]() end
  return table.concat(s, ',')
end""", [(4,), (3000,)]),
    'tail_call_in_a_branch_and_a_do_block': ("""local function f(n, acc)
  if n % 2 == 0 then
    do return f(n - 1, acc .. 'e') end
  elseif n > 0 then
    return f(n - 1, acc .. 'o')
  end
  return acc
end
return f""", [(7, ''), (5000, '')]),
    'not_a_tail_call_in_a_loop': ("""local function f(n)
  if n == 0 then return 'done' end
  for i = 1, 1 do return f(n - 1) end
end
return f""", [(50,)]),
    'fewer_arguments': ("""local function f(n, x)
  if n == 0 then return x end
  return f(n - 1)
end
return f""", [(3, 'kept?')]),
    'multi_valued_argument': ("""local function two(n) return n - 1, n end
local function f(n, m)
  if n == 0 then return m end
  return f(two(n))
end
return f""", [(30,)]),
    'close_runs_after_the_call': ("""local log = {}
local function closer(n) return setmetatable({}, {__close = function() log[#log + 1] = n end}) end
local function f(n)
  local c <close> = closer(n)
  if n == 0 then return 0 end
  return f(n - 1)
end
return function(n) log = {} f(n) return table.concat(log, ',') end""", [(3,)]),
    'error_level_2_after_tail_calls': ("""local function f(n)
  if n == 0 then error('bottom', 2) end
  return f(n - 1)
end
return function(n)
  local ok, e = pcall(f, n)
  local ok2, e2 = pcall(function() local r = f(n) return r end)
  return e, (e2:gsub('^<lua:%d+>', 'CHUNK'))
end""", [(5,)]),
    'error_inside_the_loop': ("""local function f(n, t)
  if n == 0 then return t.x.y end
  return f(n - 1, t)
end
return f""", [(10, 'T:{}')]),
    'nested_local_function': ("""return function(n)
  local function loop(i, acc)
    if i == 0 then return acc end
    return loop(i - 1, acc + i)
  end
  return loop(n, 0)
end""", [(100000,), (3,)]),
    'nested_local_function_per_iteration': ("""return function(n)
  local fs = {}
  for k = 1, 3 do
    local function f(i, acc)
      if i == 0 then return acc end
      return f(i - 1, acc .. k)
    end
    fs[k] = f
  end
  return fs[1](n, ''):len(), fs[3](4, '')
end""", [(50000,)]),
    'nested_local_function_reassigned': ("""return function(n)
  local function f(i) if i == 0 then return 'f' end return f(i - 1) end
  local g = f
  f = function() return 'other' end
  return g(n)
end""", [(3,)]),
    'nested_in_nested': ("""return function(n)
  local function outer(m)
    local function inner(i, acc) if i == 0 then return acc end return inner(i - 1, acc + 1) end
    return inner(m, 0)
  end
  return outer(n)
end""", [(40000,)]),
    'method_calling_itself': ("""local a = {}
function a:deep(n) if n > 0 then return self:deep(n - 1) else return 101 end end
return function(n) return a:deep(n) end""", [(30000,), (0,)]),
    'nested_method_calling_itself': ("""return function(n)
  local a = {}
  function a:deep(n) if n > 0 then return self:deep(n - 1) else return 101 end end
  return a:deep(n)
end""", [(30000,), (2,)]),
    'method_of_a_class_on_other_objects': ("""local C = {} C.__index = C
function C:walk(n, acc)
  if n == 0 then return acc .. self.k end
  local nxt = self.next or self
  return nxt:walk(n - 1, acc .. self.k)
end
return function(n)
  local b = setmetatable({k = 'b'}, C)
  local a = setmetatable({k = 'a', next = b}, C)
  return a:walk(n, ''):sub(1, 10), #a:walk(n, '')
end""", [(3,), (40000,)]),
    'method_looked_up_once_through_index_function': ("""local C = {}
local lookups = 0
function C.m(self, n) if n == 0 then return lookups end return self:m(n - 1) end
local o = setmetatable({}, {__index = function(t, k) lookups = lookups + 1 return C[k] end})
return function(n) lookups = 0 return o:m(n) end""", [(5,), (3000,)]),
    'method_replaced_midway': ("""local a = {}
function a:m(n, acc)
  if n == 0 then return acc end
  if n == 2 then self.m = function(s, k, x) return x .. '!' end end
  return self:m(n - 1, acc .. n)
end
return function() local r = a:m(5, '') a.m = nil return r end""", [()]),
    'method_of_a_dotted_function': ("""local a = {}
function a.deep(o, n) if n > 0 then return o:deep(n - 1) else return n end end
return function(n) return a.deep(a, n) end""", [(30000,)]),
    'method_on_a_non_table': ("""local a = {}
function a:m(n) if n == 0 then return self:m(nil) end return self.x end
return function() local ok, e = pcall(a.m, 5, 0) return ok, (e:gsub('^<lua:%d+>', 'C')) end""", [()]),
    'rebound_upvalue_is_not_self': ("""local function f(n)
  if n == 0 then return 'f' end
  return f(n - 1)
end
local g = f
f = function() return 'other' end
return g""", [(3,)]),
}


def test_global_function_calling_itself():
    # calls.lua: function deep (n) if n>0 then return deep(n-1) ... end end
    src = "function deep (n) if n>0 then return deep(n-1) else return 101 end end\nreturn deep"
    out, _ = both(src, calls=[(30000,), (0,), (2.5,)], separate=True)
    assert '(the global holds this function)' in out


def test_global_rebound_between_calls():
    # the loop runs only while the global holds the function itself
    both("""function walk(n, acc)
  if n == 0 then return acc end
  if n == 3 then walk = function(m, a) return a .. '!' .. m end end
  return walk(n - 1, acc .. n)
end
return function() local w = walk local r = w(6, '') walk = w return r end""",
         calls=[()], separate=True)


def test_nested_global_function_calling_itself():
    # calls.lua defines `deep` inside the chunk translated whole
    src = """return function(n)
  function deep (n) if n>0 then return deep(n-1) else return 101 end end
  return deep(n)
end"""
    out, _ = both(src, calls=[(30000,), (0,), (2.5,)], separate=True)
    assert '(the global holds this function)' in out


# the global holds the newest closure: an older one calling it by name runs
# the newest (its own loop would run its own upvalues: 111, 11)
GLOBAL_REDEFINED = {
    'in_a_loop': """return function()
  local olds = {}
  for i = 1, 2 do
    function g(n, acc) if n == 0 then return acc end return g(n - 1, acc .. i) end
    olds[i] = g
  end
  return olds[1](3, '')
end""",
    'in_a_function_called_twice': """local olds = {}
local function make(i)
  function h(n, acc) if n == 0 then return acc end return h(n - 1, acc .. i) end
  olds[i] = h
end
return function() make(1) make(2) return olds[1](3, ''), olds[2](2, '') end""",
    'by_goto': """return function()
  local olds, i = {}, 1
  ::again::
  function g(n, acc) if n == 0 then return acc end return g(n - 1, acc .. i) end
  olds[i] = g
  i = i + 1
  if i <= 2 then goto again end
  return olds[1](3, '')
end""",
}


@pytest.mark.parametrize('name', sorted(GLOBAL_REDEFINED))
def test_global_redefined_older_closure(name):
    both(GLOBAL_REDEFINED[name], calls=[()], separate=True)


@pytest.mark.parametrize('name', sorted(CASES))
def test_tail(name):
    src, calls = CASES[name]
    both(src, calls=calls, separate=True)


def test_a_loop_only_where_it_applies():
    lua = tandem.LuaRuntime()
    for name in ('not_a_tail_call_in_a_loop', 'close_runs_after_the_call',
                 'rebound_upvalue_is_not_self', 'multi_valued_argument',
                 'nested_local_function_reassigned'):
        src = CASES[name][0]
        pf = lua.translate(lua.execute(src))
        assert '(a tail call of itself)' not in tandem.translated_source(pf), name


def test_nested_functions_loop():
    lua = tandem.LuaRuntime()
    for name in ('nested_local_function', 'nested_in_nested',
                 'nested_local_function_per_iteration', 'nested_method_calling_itself'):
        pf = lua.translate(lua.execute(CASES[name][0]))
        assert '(a tail call of itself)' in tandem.translated_source(pf), name
