"""What a proxy and an import cost (docs/performance.md, "Memory per object")."""
import os
import subprocess
import sys

import pytest

import tandem


def test_table_proxy_is_64_bytes_with_the_gc_header():
    lua = tandem.LuaRuntime()
    t = lua.eval("{}")
    u = lua.eval("io.stdout")
    assert sys.getsizeof(t) <= 64
    assert sys.getsizeof(u) <= 64
    # a function carries its vectorcall slot, a coroutine its arguments
    assert sys.getsizeof(lua.eval("print")) <= 80
    assert sys.getsizeof(lua.eval("coroutine.create(print)")) <= 80


def test_tables_and_coroutines_called_without_vectorcall():
    lua = tandem.LuaRuntime()
    t = lua.eval("setmetatable({}, {__call = function(self, a, b) return a * b end})")
    assert t(6, 7) == 42
    assert callable(t)
    with pytest.raises(TypeError, match="keyword"):
        t(1, b=2)
    plain = lua.eval("{}")
    with pytest.raises(tandem.LuaError):
        plain()
    co = lua.eval("coroutine.create(function(a) coroutine.yield(a + 1) end)")
    assert list(co(1)) == [2]
    started = lua.eval("function(a) coroutine.yield(a) end").coroutine(5)
    assert next(started) == 5
    with pytest.raises(tandem.LuaError, match="started coroutine"):
        started()
    assert tandem.lua_type(t) == "table" and tandem.lua_type(co) == "thread"


def test_identity_survives_many_proxies_coming_and_going():
    lua = tandem.LuaRuntime()
    tables = lua.eval("function(n) local t = {} for i = 1, n do t[i] = {} end return t end")(
        5000)
    first = [tables[i] for i in range(1, 5001)]
    assert all(tables[i] is first[i - 1] for i in range(1, 5001))
    del first[::2]                      # half the proxies die: their entries go
    again = [tables[i] for i in range(1, 5001)]
    assert all(again[i] is first[i // 2] for i in range(1, 5000, 2))
    assert len({id(x) for x in again}) == 5000


def test_import_and_runtime_do_not_pull_in_heavy_modules():
    code = ("import sys, tandem\n"
            "tandem.LuaRuntime().eval('1')\n"
            "heavy = ('ast', 'inspect', 'typing', 'dis', 'threading', 'ctypes',\n"
            "         'importlib.machinery')\n"
            "print(','.join(m for m in heavy if m in sys.modules))\n"
            "print(tandem.Sandbox.__name__, tandem.TranslationError.__name__,\n"
            "      'translated_source' in dir(tandem))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    loaded, names = r.stdout.splitlines()
    assert loaded == ""
    assert names == "Sandbox TranslationError True"
