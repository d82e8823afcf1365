"""Values a translated function hands to Lua code (thirty-second session):
what Lua code gets is what it gets from the Python function called through
the bridge (`python.as_function(f)`), for bytes (a Lua string, also when
not UTF-8 or empty) and ints beyond 64 bits (the runtime's overflow_handler,
else OverflowError), on every way the value reaches Lua code: returned
(one result, several, a tuple), yielded to a Lua for loop, passed to a Lua
callback, stored into a Lua table, an item of a returned container.

Before, a translated function returning such a value to a Lua caller gave
the Python object itself (a userdata: `type(r)` 'userdata', `r == 'ab'`
false, string.* refusing it, no overflow_handler and no OverflowError),
while every other path already went through the bridge. So each case also
checks that the value returned by the function agrees, in the same driver,
with the value reaching Lua by the path under test.

Each case runs a Lua driver against the plain function and against its
translation, and compares what the driver sees: type, math.type and value
of each value, or the error's Python type and message.
"""

import pytest

import tandem
from xlate_same import run_source

# the values, each an expression translated code evaluates itself
VALUES = {
    "bytes_not_utf8": r'b"\xff\x00a"',
    "bytes_empty": 'b""',
    "bytes_encoded": '"h\\u00e9".encode()',
    "big_pos": "2 ** 70",
    "big_neg": "-2 ** 64",
    "big_past_int64": "2 ** 63",
    "big_below_int64": "-(2 ** 63) - 1",
}
BYTES = [k for k in VALUES if k.startswith("bytes")]
BIGS = [k for k in VALUES if k.startswith("big")]

TEMPLATE = '''
def ret_{k}():
    return {e}

def two_{k}():
    return {e}, {e}

def tup_{k}():
    return ({e},)

def gen_{k}():
    yield {e}
    yield {e}

def cb_{k}(cb):
    return cb({e})

def store_{k}(t):
    t[1] = {e}
    t["k"] = {e}
    t.x = {e}

def key_{k}(t):
    t[{e}] = True

def box_{k}():
    return [{e}, {{"k": {e}}}]
'''

SRC = "".join(TEMPLATE.format(k=k, e=e) for k, e in VALUES.items())

# d(x): type, math.type and value of x; P(f, ...): d of each result of
# f(...), or the error's Python type and message
PRELUDE = r'''
local function d(x)
    local t = type(x)
    local v
    if t == "string" then
        v = string.format("%q", x)
    elseif t == "number" then
        v = string.format("%.17g", x)
    else
        v = tostring(x)
    end
    return t .. "/" .. tostring(math.type(x)) .. "/" .. v
end
local function P(f, ...)
    local r = table.pack(pcall(f, ...))
    if not r[1] then
        local e = r[2]
        if type(e) == "userdata" then
            return "error " .. python.builtins.type(e).__name__ .. ": "
                   .. python.builtins.str(e)
        end
        return "error " .. tostring(e)
    end
    local out = {}
    for i = 2, r.n do
        out[#out + 1] = d(r[i])
    end
    return table.concat(out, ", ")
end
local parts = {}
local function add(s) parts[#parts + 1] = s end
'''

# path -> Lua code run with ret, two, tup, gen, cb, store, key, box bound to
# the plain functions or to their translations (the last line of each: the
# value returned, to agree with the path's)
PATHS = {
    "returned": '''
        add(P(ret))
        add(P(function() local r = ret(); return r == ret(), #tostring(r) end))
    ''',
    "results": '''
        add(P(two))
        add(P(function() local a, b = two(); return select("#", two()), a == b end))
        add(P(tup))
    ''',
    "yielded": '''
        add(P(function()
            local s = {}
            for x in python.iter(gen()) do s[#s + 1] = d(x) end
            return table.concat(s, " ")
        end))
    ''',
    "callback_arg": '''
        add(P(function()
            local got
            cb(function(x) got = x end)
            return got
        end))
        add(P(function() return cb(string.len) end))
    ''',
    "stored": '''
        add(P(function() local t = {}; store(t); return t[1], t.k, t.x end))
        add(P(function() local t = {}; key(t); return next(t) end))
    ''',
    "container_item": '''
        add(P(function() local l = box(); return l[0], l[1].k end))
    ''',
}


def lua_handler_runtime(unpack):
    lua = tandem.LuaRuntime(unpack_returned_tuples=unpack)
    lua.execute('python.set_overflow_handler(function(n) '
                'return "lua:" .. tostring(n) end)')
    return lua


HANDLERS = {
    "none": lambda unpack: tandem.LuaRuntime(unpack_returned_tuples=unpack),
    "float": lambda unpack: tandem.LuaRuntime(overflow_handler=float,
                                              unpack_returned_tuples=unpack),
    "str": lambda unpack: tandem.LuaRuntime(
        overflow_handler=lambda n: "big%d" % n.bit_length(), unpack_returned_tuples=unpack),
    "raises": lambda unpack: tandem.LuaRuntime(
        overflow_handler=lambda n: int("x"), unpack_returned_tuples=unpack),
    "lua": lua_handler_runtime,
}

NAMES = ("ret", "two", "tup", "gen", "cb", "store", "key", "box")


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_results_to_lua>")


def drive(ns, k, path, mode, handler="none", unpack=False):
    """What the driver of path sees, for value k, with the plain functions
    (mode "plain") or their translations."""
    lua = HANDLERS[handler](unpack)
    G = lua.globals()
    for n in NAMES:
        f = ns["%s_%s" % (n, k)]
        if mode == "plain":
            G["_p"] = f
            lua.execute(n + " = python.as_function(_p)")
        else:
            G[n] = lua.translate(f)
    body = "local ret, two, tup, gen, cb, store, key, box = " + ", ".join(NAMES) + "\n"
    r = lua.execute(PRELUDE + body + PATHS[path] +
                    "\nadd(P(ret))\nreturn table.concat(parts, ' | ')")
    # (a Lua string that is not UTF-8 reaches Python as bytes)
    return r.decode("latin-1") if isinstance(r, bytes) else r


def check(ns, k, path, handler="none", unpack=False):
    want = drive(ns, k, path, "plain", handler, unpack)
    got = drive(ns, k, path, "translated", handler, unpack)
    assert got == want
    # a Python caller of the translation still gets the Python object (the
    # conversion is the Lua caller's): bytes, the exact int
    lua = HANDLERS[handler](unpack)
    f = ns["ret_" + k]
    r = lua.translate(f)()
    assert type(r) is type(f()) and r == f()
    assert list(lua.translate(ns["gen_" + k])()) == list(ns["gen_" + k]())
    return want


@pytest.mark.parametrize("unpack", [False, True])
@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("k", BYTES)
def test_bytes_reach_lua_as_strings(ns, k, path, unpack):
    want = check(ns, k, path, unpack=unpack)
    assert "userdata/nil/b'" not in want.rpartition(" | ")[2]
    assert want.rpartition(" | ")[2].startswith("string/")


@pytest.mark.parametrize("unpack", [False, True])
@pytest.mark.parametrize("handler", list(HANDLERS))
@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("k", BIGS)
def test_big_ints_go_through_overflow_handler(ns, k, path, handler, unpack):
    want = check(ns, k, path, handler, unpack)
    last = want.rpartition(" | ")[2]
    if handler == "none":
        assert last.startswith("error OverflowError: Python int too large for a Lua integer")
    elif handler == "raises":
        assert last.startswith("error ValueError: invalid literal for int()")
    elif handler == "float":
        assert last.startswith("number/float/")


def returned_outcome(lua, f):
    """The outcome of Lua code calling f and using its result, as Python sees
    it: the values, or the exception's type and message."""
    G = lua.globals()
    G["f"] = f
    try:
        return ("ok", lua.eval("(function() local r = f(); "
                               "return type(r), math.type(r), r end)()"))
    except Exception as e:      # noqa: BLE001 — the exception is the outcome
        return ("raise", type(e), str(e))


def pair(ns, name, **kw):
    plain_rt, xl_rt = tandem.LuaRuntime(**kw), tandem.LuaRuntime(**kw)
    plain_rt.globals()["_p"] = ns[name]
    plain = returned_outcome(plain_rt, plain_rt.eval("python.as_function(_p)"))
    return plain, returned_outcome(xl_rt, xl_rt.translate(ns[name]))


@pytest.mark.parametrize("k", BIGS)
def test_big_int_without_handler_raises_overflow_error(ns, k):
    """The exception reaching Python through the Lua caller: OverflowError
    with the bridge's message, as for the plain function."""
    plain, xl = pair(ns, "ret_" + k)
    assert plain[0] == "raise" and plain[1] is OverflowError
    assert "set an overflow handler" in plain[2]
    assert xl == plain


@pytest.mark.parametrize("k", BIGS)
def test_big_int_with_float_handler_is_lua_float(ns, k):
    plain, xl = pair(ns, "ret_" + k, overflow_handler=float)
    assert plain[0] == "ok" and plain[1][:2] == ("number", "float")
    assert xl == plain


@pytest.mark.parametrize("k", BYTES)
def test_bytes_returned_work_with_string_functions(ns, k):
    """The Lua caller's string functions take the result (a gsub callback
    returning bytes too)."""
    code = ("(function() local r = f(); return type(r), string.upper(r), #r, "
            "r == %s, (string.gsub('x', 'x', function() return f() end)) end)()")
    outs = []
    for mode in ("plain", "translated"):
        lua = tandem.LuaRuntime()
        G = lua.globals()
        if mode == "plain":
            G["_p"] = ns["ret_" + k]
            lua.execute("f = python.as_function(_p)")
        else:
            G["f"] = lua.translate(ns["ret_" + k])
        lit = {"bytes_not_utf8": r"'\255\0a'", "bytes_empty": "''",
               "bytes_encoded": r"'h\195\169'"}[k]
        outs.append(lua.eval(code % lit))
    assert outs[1] == outs[0]
    assert outs[0][0] == "string" and outs[0][3] is True



SUB_SRC = '''
import enum


class Color(enum.IntEnum):
    RED = 1


class Shout(str):
    pass


class Blob(bytes):
    pass


class Real(float):
    pass


PAIR = (1, b"x")


def int_sub():
    return Color.RED


def str_sub():
    return Shout("hi")


def bytes_sub():
    return Blob(b"\\xffyo")


def float_sub():
    return Real(1.5)


def py_tuple():
    return PAIR
'''


@pytest.mark.parametrize("name,unpack", [
    (n, u) for n in ("int_sub", "str_sub", "bytes_sub", "float_sub") for u in (False, True)
] + [("py_tuple", True)])      # (without unpacking, a tuple is one userdata in both)
def test_other_python_objects_returned_as_the_bridge_converts(name, unpack):
    """The same conversion covers the other Python objects translated code
    holds as objects: an instance of a subclass of int, str, bytes or float
    is a Lua number or string, a tuple from Python several results in a
    runtime that unpacks returned tuples (each was the object itself)."""
    sub = run_source(SUB_SRC, "<test_translate_results_to_lua_sub>")
    outs = []
    for mode in ("plain", "translated"):
        lua = tandem.LuaRuntime(unpack_returned_tuples=unpack)
        G = lua.globals()
        if mode == "plain":
            G["_p"] = sub[name]
            lua.execute("f = python.as_function(_p)")
        else:
            G["f"] = lua.translate(sub[name])
        outs.append(lua.eval("(function() local a, b = f(); return type(a), math.type(a), "
                             "type(b), f() == f() end)()"))
    assert outs[1] == outs[0]
    assert outs[0][0] in ("number", "string")
