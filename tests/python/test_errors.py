"""Errors crossing between Python and Lua, in both directions."""
import sys
import traceback

import pytest

import tandem


def tb_entries(exc):
    return [(f.filename, f.lineno, f.name) for f in traceback.extract_tb(exc.__traceback__)]


def test_lua_error_raises_lua_error(lua):
    with pytest.raises(tandem.LuaError) as ei:
        lua.execute("error('boom')")
    assert "boom" in str(ei.value)


def test_lua_error_non_string_value(lua):
    with pytest.raises(tandem.LuaError) as ei:
        lua.execute("error({code = 7})")
    value = getattr(ei.value, "lua_value", None)    # when the Lua side gives it
    assert value is None or value.code == 7


def test_syntax_error(lua):
    with pytest.raises(tandem.LuaSyntaxError) as ei:
        lua.execute("x = = 1")
    assert str(ei.value).startswith("error loading code: ")
    with pytest.raises(tandem.LuaSyntaxError):
        lua.eval("1 +")
    with pytest.raises(tandem.LuaSyntaxError):
        lua.compile("function (")
    assert issubclass(tandem.LuaSyntaxError, tandem.LuaError)


def test_memory_error_class():
    assert issubclass(tandem.LuaMemoryError, tandem.LuaError)
    assert issubclass(tandem.LuaMemoryError, MemoryError)


def test_max_memory_raises_lua_memory_error():
    rt = tandem.LuaRuntime(max_memory=200_000)
    with pytest.raises(tandem.LuaMemoryError):
        rt.execute("local t = {} for i = 1, 1e7 do t[i] = i end")
    assert rt.eval("1 + 1") == 2        # still usable afterwards
    assert rt.get_max_memory() == 200_000


def test_lua_frames_are_traceback_entries(lua):
    code = ("local function inner()\n"
            "  error('boom')\n"
            "end\n"
            "local function outer() inner() end\n"
            "outer()\n")
    with pytest.raises(tandem.LuaError) as ei:
        lua.execute(code, name="=mychunk")
    entries = tb_entries(ei.value)
    lua_entries = [e for e in entries if e[0] == "mychunk"]
    assert [e[2] for e in lua_entries][-2:] == ["outer", "inner"]
    assert lua_entries[-1][1] == 2
    assert entries[0][0] == __file__        # the Python caller comes first
    text = "".join(traceback.format_exception(ei.value))
    assert "error('boom')" in text          # the Lua source line is shown


def test_python_exception_comes_back_identical(lua):
    err = ValueError("inner")

    def cb():
        raise err

    f = lua.eval("function(f) f() end")
    with pytest.raises(ValueError) as ei:
        f(cb)
    assert ei.value is err
    entries = tb_entries(ei.value)
    names = [e[2] for e in entries]
    # Python caller, then the Lua function, then the callback: call order
    assert names.index("cb") > 0
    assert any(e[0].startswith("<lua") for e in entries[:names.index("cb")])


def test_python_exception_in_lua_pcall(lua):
    def cb():
        raise KeyError("nope")

    ok, msg = lua.eval("function(f) local ok, e = pcall(f) return ok, tostring(e) end")(cb)
    assert ok is False
    assert "KeyError" in msg and "nope" in msg and "Traceback" in msg


def test_python_exception_object_in_lua(lua):
    err = RuntimeError("x")

    def cb():
        raise err

    got = lua.eval("function(f) local ok, e = pcall(f) return e end")(cb)
    assert got is err


def test_error_inside_callback_argument_conversion(lua):
    f = lua.eval("function(f) return f() end")
    with pytest.raises(OverflowError):
        f(lambda: 2**100)


def test_call_non_callable_python_from_lua(lua):
    with pytest.raises(TypeError):
        lua.eval("function(o) return o() end")(object())


def test_call_non_callable_lua_from_python(lua):
    t = lua.eval("{}")
    with pytest.raises(tandem.LuaError):
        t()


def test_wrong_types(lua):
    with pytest.raises(TypeError):
        lua.eval(42)
    with pytest.raises(TypeError):
        lua.execute(None)
    with pytest.raises(TypeError):
        lua.require(3)
    with pytest.raises(tandem.LuaError):
        lua.eval("1 + {}")
    with pytest.raises(TypeError):
        lua.eval("function() end", name=3)
    with pytest.raises(TypeError):
        lua.eval("function(x) return x end")(1, key=2)


def test_ping_pong_recursion_is_clean(lua):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    lua.execute("function down(f, n) return f(n) end")
    down = lua.globals().down

    def up(n):
        if n >= 100_000:
            return n
        return down(up, n + 1)

    with pytest.raises((RecursionError, tandem.LuaError)):
        up(0)
    assert down(lambda n: n, 5) == 5        # the runtime still works


def test_lua_stack_overflow_is_clean():
    # in a subprocess: a regression here must fail, not hang the suite
    import os
    import subprocess
    code = ("import tandem\n"
            "rt = tandem.LuaRuntime()\n"
            "try:\n"
            "    rt.execute('local function f() return 1 + f() end f()')\n"
            "except tandem.LuaError as e:\n"
            "    print('LuaError', 'stack overflow' in str(e))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=env)
    assert out.stdout.strip() == "LuaError True", out.stderr


def test_error_message_from_lua_tostring_of_python_error(lua):
    def cb():
        raise ZeroDivisionError("zero")

    msg = lua.eval("function(f) local ok, e = pcall(f) return tostring(e) end")(cb)
    assert msg.strip().endswith("ZeroDivisionError: zero")


def test_chunk_names_are_unique_across_runtimes():
    """Lua chunks appear in Python tracebacks under a registered name; two
    runtimes must never show each other's source for the same name."""
    texts = []
    for marker in ("first_runtime_line", "second_runtime_line"):
        rt = tandem.LuaRuntime()
        try:
            with pytest.raises(tandem.LuaError) as ei:
                rt.execute("local x = 1\nerror('boom in ' .. '%s')" % marker)
            texts.append("".join(traceback.format_exception(ei.value)))
        finally:
            rt.close()
    assert "second_runtime_line" not in texts[0]
    assert "first_runtime_line" not in texts[1]
    assert "error('boom in ' .. 'second_runtime_line')" in texts[1]


# ---- issue 7, items 12-16 ----

@pytest.mark.parametrize("expr", ["{}", "'str'", "42", "1.5", "true", "function() end",
                                  "coroutine.create(print)", "nil"])
def test_lua_error_value_comes_back_to_lua_as_itself(lua, expr):
    t = lua.eval(expr)
    f = lua.eval("function(t) return function() error(t, 0) end end")(t)   # noqa: F841
    ok, same = lua.eval("""function(t)
        local ok, e = pcall(python.eval, "f()")
        return ok, rawequal(e, t)
    end""")(t)
    assert ok is False and same is True


def test_lua_error_value_attribute(lua):
    for code, value in [("error({code = 7})", None), ("error('plain', 0)", "plain"),
                        ("error(42)", 42), ("error(nil)", None), ("error(false)", False)]:
        with pytest.raises(tandem.LuaError) as ei:
            lua.execute(code)
        assert hasattr(ei.value, "lua_value")
        if value is not None or code == "error(nil)":
            assert ei.value.lua_value == value
        else:
            assert ei.value.lua_value.code == 7


def test_lua_error_crossing_lua_again_is_the_same_exception(lua):
    h = lua.eval("function() error('deep') end")
    def g():
        return h()
    seen = []
    def g_catching():
        try:
            return h()
        except tandem.LuaError as e:
            seen.append(e)
            raise
    f = lua.eval("function(g) return g() end")
    with pytest.raises(tandem.LuaError) as ei:
        f(g_catching)
    assert ei.value is seen[0]
    with pytest.raises(tandem.LuaError) as ei:
        f(g)
    names = [e[2] for e in tb_entries(ei.value)]
    assert "g" in names      # the inner frames survive the second crossing


def _pingpong(lua, n):
    lf = lua.eval("function(py, n) return py(n) end")
    def py(k):
        if k == 0:
            raise ValueError("bottom")
        return lf(py, k - 1)
    with pytest.raises(ValueError) as ei:
        lf(py, n - 1)
    return [e for e in tb_entries(ei.value) if e[0].startswith("<lua")]


def test_pingpong_traceback_has_each_lua_frame_once(lua):
    for n in range(1, 11):
        assert len(_pingpong(lua, n)) == n


def test_pingpong_error_is_not_formatted_at_every_crossing(lua, monkeypatch):
    # issue 7, item 13: the exception raised at the bottom of 40 levels
    # crosses into Lua 40 times; formatting its whole traceback at each
    # crossing made the cost quadratic (0.6 s at the depth limit from C). Lua
    # only raises the exception object: nothing is formatted on the way up.
    real = traceback.format_exception
    calls = []

    def counting(*args, **kw):
        calls.append(1)
        return real(*args, **kw)
    monkeypatch.setattr(traceback, "format_exception", counting)
    assert len(_pingpong(lua, 40)) == 40
    assert len(calls) <= 1, len(calls)


def test_pingpong_traceback_at_depth(lua):
    # near the crossing limit: each of the 85 Lua frames once (not 85*86/2)
    assert len(_pingpong(lua, 85)) == 85


def test_failing_close_after_body_error_reports_the_close_error(lua):
    code = """local x <close> = setmetatable({}, {__close = function() error('close err', 0) end})
              error('body err', 0)"""
    # as plain Lua: pcall reports the __close error
    assert lua.execute("return pcall(function() %s end)" % code) == (False, "close err")
    with pytest.raises(tandem.LuaError) as ei:
        lua.execute(code)
    assert str(ei.value) == "close err"


def test_parser_c_stack_overflow_is_a_syntax_error(lua):
    with pytest.raises(tandem.LuaSyntaxError, match="C stack overflow") as ei:
        lua.execute("return " + "(" * 300)
    assert not isinstance(ei.value, tandem.LuaMemoryError)
    with pytest.raises(tandem.LuaSyntaxError):
        lua.eval("(" * 300)


def test_python_source_with_nul_is_an_error(lua):
    ok, err = lua.execute("return pcall(python.eval, '1\\0+1')")
    assert ok is False
    assert isinstance(err, ValueError) and "null bytes" in str(err)
    ok, err = lua.execute("return pcall(python.exec, 'x = 1\\0; raise')")
    assert ok is False and isinstance(err, ValueError)


def test_lua_error_message_keeps_nul_bytes(lua):
    with pytest.raises(tandem.LuaError) as ei:
        lua.execute("error('a\\0b', 0)")
    assert str(ei.value) == "a\x00b"
    assert ei.value.lua_value == "a\x00b"
    with pytest.raises(tandem.LuaError) as ei:
        lua.execute("error('a\\0b')")
    assert str(ei.value).endswith("a\x00b")
    # a Python message with NUL crossing Lua keeps it too
    ok, text = lua.execute("""local ok, e = pcall(python.eval("lambda: exec('raise ValueError(\\"c\\\\\\\\0d\\")')"))
                              return ok, python.builtins.str(e)""")
    assert ok is False and text == "c\x00d"


def test_lua_source_keeps_its_bytes_after_nul(lua):
    # Lua allows NUL in a chunk: the whole source is loaded, not cut at it
    assert lua.execute("return #'a\x00b'") == 3
    assert lua.eval("'a\x00b'") == "a\x00b"


def test_pingpong_to_the_depth_limit_lists_each_lua_frame_once(lua):
    lf = lua.eval("function(py, n) return py(n + 1) end")
    calls = []
    def py(n):
        calls.append(n)
        return lf(py, n)
    with pytest.raises(RecursionError) as ei:
        lf(py, 0)
    lua_entries = [e for e in tb_entries(ei.value) if e[0].startswith("<lua")]
    # every py call but the last entered Lua once more: one entry per Lua call
    assert len(lua_entries) == len(calls) < 100
