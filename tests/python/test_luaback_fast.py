"""The back end's fast paths (docs/performance.md "Lua -> Python
translation"): each case runs natively in Lua and translated end to end
(lua.translate), results compared for value and type (errors by message),
including the cases a fast path must not take; the generated source is
checked to show that the fast path is (or is not) emitted."""

import re

import pytest

import tandem


def _norm(v):
    if tandem.lua_type(v) == 'table':
        return ('table', sorted((repr(k), repr(_norm(x))) for k, x in v.items()))
    if isinstance(v, tuple):
        return tuple(_norm(x) for x in v)
    return (type(v).__name__, v if v == v else 'nan')


def _run(f, args):
    try:
        return ('ok', _norm(f(*args)))
    except tandem.LuaError as e:
        return ('err', str(e))


def both(src, *args, lua=None, calls=None):
    """src: a chunk returning the function. Runs it natively and translated
    with each argument tuple of calls (or args); returns (source, lua)."""
    lua = lua or tandem.LuaRuntime()
    f = lua.execute(src)
    pf = lua.translate(f)
    for a in (calls if calls is not None else [args]):
        a = tuple(lua.eval(x[2:]) if isinstance(x, str) and x.startswith('T:') else x
                  for x in a)
        assert _run(f, a) == _run(pf, a), (src, a, tandem.translated_source(pf))
    return tandem.translated_source(pf), lua


# ---- upvalues: (fixed ...) read once, (self ...) called by name

FIB = """local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
return fib"""


def test_self_recursion_calls_itself_by_name():
    src, _ = both(FIB, calls=[(20,), (1,), (2.5,), (-3,), ('12',)])
    assert 'lua_fib(' in src.split('\n', 1)[1] and '_uv(' not in src


def test_self_recursion_wraps_like_lua():
    both("""local function f(n) if n == 0 then return math.maxinteger end
            return f(n - 1) + 1 end return f""", calls=[(0,), (3,)])


def test_self_call_with_several_results_keeps_them():
    src, _ = both("""local function f(n) if n == 0 then return 1, 2 end
                     return (f(n - 1)) end return f""", calls=[(0,), (2,)])
    both("""local function f(n) if n > 0 then return f(n - 1) end end return f""",
         calls=[(0,), (3,)])
    both("""local function f(n) if n > 0 then return 1 + f(n - 1) end return 0 end
            return f""", calls=[(5,)])


def test_reassigned_local_function_is_not_fixed():
    lua = tandem.LuaRuntime()
    lua.execute("""local function f(n) if n == 0 then return 'f' end return f(n - 1) end
                   F = f
                   function swap() f = function() return 'g' end end""")
    pf = lua.translate(lua.globals().F)
    assert '_uv(' in tandem.translated_source(pf)
    assert pf(2) == 'f'
    lua.globals().swap()
    assert pf(2) == 'g' == lua.globals().F(2)


def test_upvalue_written_by_a_sibling_is_read_every_time():
    lua = tandem.LuaRuntime()
    lua.execute("""local x = 1
                   function get() return x end
                   function set(v) x = v end""")
    g = lua.translate(lua.globals().get)
    assert '_K0' not in tandem.translated_source(g) and g() == 1
    lua.globals().set(5)
    assert g() == 5
    lua.globals().set('s')
    assert g() == 's'


def test_fixed_upvalue_table_contents_stay_live():
    lua = tandem.LuaRuntime()
    lua.execute("""local t = {1, 2}
                   function first() return t[1], #t end
                   function push(v) t[#t + 1] = v; t[1] = v end""")
    g = lua.translate(lua.globals().first)
    assert '_K0' in tandem.translated_source(g)
    assert g() == (1, 2)
    lua.globals().push(7)
    assert g() == (7, 3)


def test_fixed_upvalues_ir():
    lua = tandem.LuaRuntime()
    src = ("local a, b = 1, 2 local function f() return a + b end b = 3 "
           "return f")
    ir = lua._source_ir(lua.execute(src), src)[0]
    assert ir.rstrip().endswith('(fixed a))')
    ir = lua._source_ir(lua.execute(FIB), FIB)[0]
    assert ir.rstrip().endswith('(fixed fib) (self fib))')
