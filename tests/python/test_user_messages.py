"""One wording per error, as a user meets it (issue 8, "Docs and install")."""
import os
import subprocess

import pytest

import tandem

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BUILD = os.path.abspath(os.environ.get("TANDEM_BUILD", os.path.join(_ROOT, "build")))


def run_lua(code, timeout=60):
    env = dict(os.environ, LUA_CPATH=os.path.join(_BUILD, "lua", "?.so") + ";;")
    return subprocess.run(["lua5.4", "-e", code], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.mark.parametrize("enc", ["utf-16", "UTF-32", b"utf-16-le"])
def test_encoding_that_is_not_ascii_compatible_is_refused_clearly(enc):
    with pytest.raises(ValueError, match="does not encode ASCII text as itself") as e:
        tandem.LuaRuntime(encoding=enc)
    assert "no message" not in str(e.value)
    with pytest.raises(ValueError, match="source_encoding"):
        tandem.LuaRuntime(source_encoding=enc)


def test_ascii_compatible_encodings_still_work():
    for enc in ("latin-1", "cp1252", "utf8"):
        assert tandem.LuaRuntime(encoding=enc).eval("1 + 1") == 2


def test_overflow_message_names_both_ways_to_set_a_handler(lua):
    with pytest.raises(OverflowError) as e:
        lua.eval("function(x) return x end")(2 ** 70)
    assert "overflow_handler=f" in str(e.value)
    assert "python.set_overflow_handler(f)" in str(e.value)


def test_overflow_message_in_a_lua54_host_points_to_what_it_can_set():
    r = run_lua('local py = require "tandem"\n'
                'local ok, e = pcall(py.eval, "2**70")\n'
                'assert(not ok); io.write(tostring(e))\n'
                'py.set_overflow_handler(function(n) return 1.5 end)\n'
                'assert(py.eval("2**70") == 1.5)')
    assert r.returncode == 0, r.stderr
    assert "python.set_overflow_handler(f)" in r.stdout


def test_calling_a_started_coroutine_has_one_wording(lua):
    msg = r"attempt to call a thread value: a started coroutine is resumed with send\(\) or next\(\)"
    gen = lua.eval("function() coroutine.yield(1) end").coroutine()
    next(gen)
    with pytest.raises(tandem.LuaError, match=msg):
        gen()
    co = lua.execute("local co = coroutine.create(function() coroutine.yield(1) end)\n"
                     "coroutine.resume(co)\nreturn co")
    with pytest.raises(tandem.LuaError, match=msg):
        co()


@pytest.mark.parametrize("name, shown", [
    ("mylib_tum1.lua", '[string "mylib_tum1.lua"]'),
    ("=mylib_tum2", "mylib_tum2"),
    ("@mylib_tum3.lua", "mylib_tum3.lua"),
    ("tum4" + "x" * 60, '[string "tum4' + "x" * 41 + '..."]'),
    ("tum5 first line\nsecond", '[string "tum5 first line..."]'),
])
def test_lua_source_lines_print_for_every_chunk_name(lua, name, shown):
    import traceback
    code = "local x = 1\nerror('boom_' .. x)\n"
    for run in (lambda: lua.execute(code, name=name), lambda: lua.compile(code, name=name)()):
        with pytest.raises(tandem.LuaError) as e:
            run()
        text = "".join(traceback.format_exception(e.value))
        assert 'File "%s", line 2, in <main chunk>\n    error(\'boom_\' .. x)\n' % shown in text, text
        assert str(e.value).startswith(shown + ":2: boom_1")


def test_lua_value_is_there_exactly_as_docs_python_md_says():
    lua = tandem.LuaRuntime()
    cases = {"error('m', 0)": "m", "error(3)": 3, "error(nil)": None, "error(true)": True}
    for code, value in cases.items():
        with pytest.raises(tandem.LuaError) as e:
            lua.execute(code)
        assert e.value.lua_value == value
    with pytest.raises(tandem.LuaError) as e:
        lua.execute("error({1})")
    assert e.value.lua_value[1] == 1 and str(e.value).startswith("table: 0x")
    with pytest.raises(tandem.LuaSyntaxError) as e:
        lua.execute("x =")
    assert not hasattr(e.value, "lua_value")
    small = tandem.LuaRuntime(max_memory=50000)
    with pytest.raises(tandem.LuaMemoryError) as e:
        small.execute("local t = {} for i = 1, 1e6 do t[i] = i end")
    assert not hasattr(e.value, "lua_value")
    lua.close()
    with pytest.raises(tandem.LuaError) as e:
        lua.eval("1")
    assert not hasattr(e.value, "lua_value")


def test_memory_errors_have_one_wording():
    """Lua's own words, "not enough memory", from the Lua limit and from the
    FFI in both languages (they said "out of memory" and "cannot allocate")."""
    r = run_lua('local ffi = require "tandem.ffi"\n'
                'for _, n in ipairs{2^46, 2^40} do\n'
                '  local ok, e = pcall(ffi.new, "char[?]", n)\n'
                '  assert(not ok); print(e)\n'
                'end')
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and all(l.startswith("not enough memory (allocating ") for l in lines), lines
    ffi = tandem.FFI()
    for n in (2 ** 46, 2 ** 40):
        with pytest.raises(MemoryError, match=r"^not enough memory \(allocating"):
            ffi.new("char[]", n)
    small = tandem.LuaRuntime(max_memory=50000)
    with pytest.raises(tandem.LuaMemoryError, match="^not enough memory"):
        small.execute("local t = {} for i = 1, 1e6 do t[i] = i end")
    with pytest.raises(tandem.LuaError, match=r"not enough memory \(allocating"):
        tandem.LuaRuntime().execute("require('tandem.ffi').new('char[?]', 2^46)")


def test_closed_has_one_wording_in_python():
    lua = tandem.LuaRuntime()
    t, f = lua.eval("{1, 2}"), lua.eval("function() return 1 end")
    lua.close()
    uses = [lambda: lua.eval("1"), lambda: t[1], lambda: f(), lambda: len(t),
            lambda: list(t), lambda: lua.table(), lambda: lua.globals()]
    for use in uses:
        with pytest.raises(tandem.LuaError) as e:
            use()
        assert str(e.value) == "the LuaRuntime is closed"
    with pytest.raises(ValueError, match="the LuaRuntime is closed$"):
        tandem.FFI(lua)


def test_lua54_uncaught_python_exception_shows_lua_position_and_both_tracebacks(tmp_path):
    script = tmp_path / "script.lua"
    script.write_text('local python = require "tandem"\n'
                      'python.execute("def f():\\n    return {}[\'missing\']\\n")\n'
                      'local function g() return python.eval("f")() end\n'
                      'local d = python.eval("{}")\n'
                      'local ok, e = pcall(function() return d.gone end)\n'
                      'io.write(tostring(e))\n'
                      'g()\n')
    env = dict(os.environ, LUA_CPATH=os.path.join(_BUILD, "lua", "?.so") + ";;")
    r = subprocess.run(["lua5.4", "script.lua"], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=60)
    assert r.returncode == 1
    # caught: tostring starts with the Lua position, as a Lua error message
    assert r.stdout.startswith("script.lua:5: KeyError: 'gone'\nstack traceback:\n"), r.stdout
    # uncaught: lua5.4 prints the position, the Python traceback, the Lua one
    err = r.stderr
    assert err.startswith("lua5.4: script.lua:3: Traceback (most recent call last):\n"), err
    assert "in f\n" in err and "KeyError: 'missing'\nstack traceback:\n" in err, err
    assert "script.lua:3: in local 'g'" in err and "script.lua:7: in main chunk" in err, err


def test_tostring_of_a_python_error_in_a_python_made_runtime_is_the_traceback(lua):
    def cb():
        raise KeyError("k")
    s = lua.eval("function(f) local ok, e = pcall(f) return tostring(e) end")(cb)
    assert s.startswith("Traceback (most recent call last):") and s.endswith("KeyError: 'k'\n"), s
