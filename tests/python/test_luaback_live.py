"""Translated Lua code reads the runtime's own globals and standard library,
live (tandem/_lualive.py). It read luart's private copies: a program that
extended a library (`function string.trim`), changed a field (`math.pi =
3`) or replaced a base function (`tostring`) was not seen, silently, and
what translated code wrote into a library table was not seen natively.
Each case runs natively and translated, each in a fresh runtime."""

import pytest

import tandem

CASES = {
    "library extended before": (
        'function string.trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end',
        'return function() return ("  a "):trim(), string.trim(" b ") end'),
    "table library extended": (
        'function table.contains(t, x) for _, v in ipairs(t) do if v == x then return true end end'
        ' return false end',
        'return function() return table.contains({1, 2}, 2) end'),
    "library field changed": ('math.pi = 3', 'return function() return math.pi * 2 end'),
    "base function replaced": (
        'local old = tostring; tostring = function(x) return "<" .. old(x) .. ">" end',
        'return function() return tostring(1) end'),
    "require gives the same table": ('', 'return function() return require "string" == string end'),
    "write seen natively": ('', 'return function() math.foo = 7; return NATIVE_READ() end'),
    "global raw and _G": ('', 'return function() x1 = 5; return rawget(_G, "x1"), _G.x1, x1 end'),
    "getmetatable of a string": (
        '', 'return function() return getmetatable("").__index == string end'),
    "native change during the call": (
        '', 'return function() local a = math.pi; NATIVE_SET(); return a, math.pi, print == 1 end'),
    "method added during the call": (
        '', 'return function() NATIVE_ADD(); return ("x"):shout() end'),
    "translated write then read in a loop": (
        '', 'return function() local r = {} for i = 1, 3 do string.k = i; r[i] = string.k end'
            ' return table.concat(r, ",") end'),
}

SETUP = '''
NATIVE_READ = function() return math.foo end
NATIVE_SET = function() math.pi = 4; print = 1 end
NATIVE_ADD = function() function string.shout(s) return s:upper() .. "!" end end
'''


def run(translated, setup, src):
    lua = tandem.LuaRuntime()
    lua.execute(SETUP)
    lua.execute(setup)
    f = lua.execute(src)
    if translated:
        f = lua.translate(f)
    try:
        return ('ok', f())
    except tandem.LuaError as e:
        return ('err', str(e))


@pytest.mark.parametrize('name', sorted(CASES))
def test_translated_code_reads_the_runtime_globals(name):
    setup, src = CASES[name]
    assert run(True, setup, src) == run(False, setup, src)


def change_between_calls():
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.execute(
        'return function() return math.floor(2.5), string.rep("a", 2), math.pi, ("x"):upper() end'))
    assert pf() == (2, 'aa', 3.141592653589793, 'X')
    assert pf() == (2, 'aa', 3.141592653589793, 'X')
    lua.execute('math.floor = function() return "mine" end; string.rep = nil')
    with pytest.raises(tandem.LuaError, match="attempt to call a nil value"):
        pf()
    lua.execute('string.rep = function() return "r" end; math.pi = 3')
    assert pf() == ('mine', 'r', 3, 'X')
    lua.execute('math.pi = 3.0; string.upper = string.lower')
    assert pf() == ('mine', 'r', 3.0, 'x')
    lua.execute('math = {floor = function() return 0 end, pi = 1}')
    assert pf() == (0, 'r', 1, 'x')


def test_change_between_calls_is_seen():
    # what a call cached is read again at the next entry (in C, without a
    # frame): native code changes the library between two calls
    change_between_calls()


def test_change_between_calls_is_seen_with_threads():
    # with another Python thread the raw reads need a frame: every entry
    # ends the caches instead
    import threading
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        change_between_calls()
    finally:
        stop.set()
        t.join()


def test_change_by_a_bridged_call_is_seen():
    # a Lua function run through the bridge (a C function here: no source)
    # may change the globals: the caches end when it returns
    lua = tandem.LuaRuntime()
    lua.execute('SETPI = load(string.dump(function() math.pi = 5 end), "b", "b")')
    pf = lua.translate(lua.execute('return function() local a = math.pi; SETPI(); return a, math.pi end'))
    assert pf() == (3.141592653589793, 5)


def test_changing_the_string_metatable_is_refused():
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.execute('return function() getmetatable("").__index = {} end'))
    with pytest.raises(NotImplementedError, match='string metatable'):
        pf()
    assert lua.eval('("x"):upper()') == 'X'


def test_values_whose_identity_is_not_held_are_read_again():
    # a Python function and a coroutine.wrap function (a C closure) in a
    # global: the Lua object is not held by what translated code makes of
    # it (its address may be taken by a new one), so an entry does not
    # trust its identity: each replacement is seen
    import gc
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.execute('return function(x) return PYF(x), WRAPPED() end'))
    for i in range(50):
        lua.globals().PYF = (lambda k: lambda x: x * k)(i)
        lua.execute('local i = ... WRAPPED = coroutine.wrap(function() return i end)', i)
        gc.collect()
        lua.execute('collectgarbage()')
        assert pf(2) == (2 * i, i)


class _Changer:
    """A Python object whose code changes the runtime's globals."""

    def __init__(self, lua):
        self.lua = lua

    def method(self):
        self.lua.execute('X = X + 1; math.pi = 4')
        return 0

    @property
    def prop(self):
        self.lua.execute('X = X + 10')
        return 0



class _Items:
    """A Python mapping whose item access changes the runtime's globals."""

    def __init__(self, lua):
        self.lua = lua

    def __setitem__(self, k, v):
        self.lua.execute('X = X + 100')

    def __getitem__(self, k):
        self.lua.execute('X = X + 1000')
        return 0


@pytest.mark.parametrize('how', ['fn()', 'o:method()', 'o.method(o)', 'local _ = o.prop',
                                 'd[1] = 1', 'local _ = d[1]', 'pcall(fail)'])
def test_python_code_called_directly_is_a_crossing(how):
    # translated code calls a Python function or reads a Python object's
    # attribute directly (no trip through Lua): its code may change the
    # runtime's globals, which translated code read and cached before
    src = ('return function(o, d, fn, fail) local r = {} for i = 1, 3 do r[#r + 1] = X;'
           ' r[#r + 1] = math.pi; do %s end end return table.concat(r, " ") end' % how)
    out = []
    for translated in (False, True):
        lua = tandem.LuaRuntime()
        lua.execute('X = 1')
        o = _Changer(lua)

        def fn():
            lua.execute('X = X + 1')

        def fail():
            lua.execute('X = X + 5')
            raise ValueError('x')
        f = lua.execute(src)
        if translated:
            f = lua.translate(f)
        out.append(f(o, _Items(lua), fn, fail))
    assert out[1] == out[0]
