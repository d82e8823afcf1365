"""An error raised by Lua code that translated Python code calls (error("..."),
error(table), a Lua runtime error, error(42)) is what Python code calling that
Lua code gets: tandem.LuaError, with the bridge's message and lua_value. So
`except Exception`, a bare except, `except LuaError`, sys.exc_info(), a with
block's __exit__, a finally block and __context__ see it as in CPython; and
the value itself goes on propagating (a bare raise, `raise e`, a finally
block), so Lua code that catches it gets the value Lua raised. Before, no
except clause caught it, and a finally block or a with statement turned it
into AttributeError("'str' object has no attribute '__traceback__'")."""

import pytest

import tandem
from xlate_same import run_source, outcome, same

SRC = '''
import sys
import tandem
LOG = []

class CM:
    def __enter__(self):
        return self

    def __exit__(self, t, v, tb):
        LOG.append(("exit", t.__name__ if t else None, str(v)))
        return False

def catch(g):
    try:
        g()
    except Exception as e:
        lv = getattr(e, "lua_value", "none")
        return type(e).__name__, str(e), lv if not hasattr(lv, "values") else dict(lv)

def bare(g):
    try:
        g()
    except:
        return sys.exc_info()[0].__name__, str(sys.exc_info()[1])

def named(g):
    try:
        g()
    except tandem.LuaError as e:
        return "LuaError", isinstance(e, Exception)

def with_block(g):
    with CM():
        g()

def finally_block(g):
    try:
        g()
    finally:
        LOG.append("finally")

def other_class(g):
    try:
        g()
    except ValueError:
        return "wrong"

def reraise(g):
    try:
        try:
            g()
        except Exception:
            LOG.append("inner")
            raise
    except Exception as y:
        return str(y)

def context(g):
    try:
        g()
    except Exception:
        try:
            raise KeyError("k")
        except KeyError as k:
            return type(k.__context__).__name__, str(k.__context__)

def raise_it(g):
    try:
        g()
    except Exception as x:
        raise x

def else_finally(g):
    try:
        g()
    except LookupError:
        LOG.append("lookup")
    else:
        LOG.append("else")
    finally:
        LOG.append("finally")
'''

LUA_RAISERS = [
    "function() error('boom') end",
    "function() error('boom', 0) end",
    "function() error(T) end",
    "function() local x = nil; return x.y end",
    "function() error(42) end",
    "function() return 1 // 0 end",
]
NAMES = ["catch", "bare", "named", "with_block", "finally_block", "other_class", "reraise",
         "context", "raise_it", "else_finally"]


@pytest.fixture(scope="module")
def env():
    ns = run_source(SRC, "/tmp/tandem_test_lua_errors.py")
    lua = tandem.LuaRuntime()
    lua.execute("T = setmetatable({code = 1}, {__tostring = function() return 'T!' end})")
    return ns, lua, [lua.eval(s) for s in LUA_RAISERS]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("raiser", range(len(LUA_RAISERS)))
def test_as_python_code_calling_lua(env, name, raiser):
    ns, lua, gs = env
    g = gs[raiser]
    ns["LOG"].clear()
    native = outcome(ns[name], (g,))
    native_log = list(ns["LOG"])
    ns["LOG"].clear()
    translated = outcome(lua.translate(ns[name]), (g,))
    assert native[0] == translated[0], (native, translated)
    if native[0] == "ok":
        assert same(native[1], translated[1]), (native, translated)
    else:
        assert native[1:] == translated[1:]
    assert ns["LOG"] == native_log


@pytest.mark.parametrize("name", ["raise_it", "reraise", "with_block", "finally_block"])
def test_lua_catches_the_value_lua_raised(env, name):
    ns, lua, gs = env
    drive = lua.eval("function(f, g) local ok, e = pcall(f, g) "
                     "return ok, type(e), tostring(e), rawequal(e, T) end")
    for g in gs:
        assert drive(ns[name], g) == drive(lua.translate(ns[name]), g)
