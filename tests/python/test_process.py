"""Process-level lifetime: fork() while another thread is inside Lua, and
tandem next to lupa (LuaJIT) in one process. Each case runs in a fresh
interpreter, so a crash or a hang fails the test instead of the suite."""
import os
import subprocess
import sys
import textwrap

import pytest

_BUILD_PY = os.path.dirname(os.path.dirname(__import__("tandem").__file__))


def run_py(code, timeout=60):
    env = dict(os.environ)
    env["PYTHONPATH"] = _BUILD_PY + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, env=env, timeout=timeout)


def test_fork_while_another_thread_is_inside_lua():
    out = run_py("""
        import os, signal, threading
        import tandem
        lua = tandem.LuaRuntime()
        inside = threading.Event()
        stop = threading.Event()
        spin = lua.eval('''function(entered, stop)
            entered()
            while not stop() do end
            return "done"
        end''')
        result = []
        t = threading.Thread(target=lambda: result.append(spin(inside.set, stop.is_set)))
        t.start()
        assert inside.wait(30)
        pid = os.fork()
        if pid == 0:
            signal.alarm(20)       # blocked on the inherited lock: dies
            ok = lua.eval("6 * 7") == 42
            lua.execute("forked = true")
            ok = ok and lua.eval("forked") is True
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        stop.set()
        t.join(30)
        print("child", os.waitstatus_to_exitcode(status), result, lua.eval("forked"))
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["child", "0", "['done']", "None"], out.stdout + out.stderr


def _lupa_available():
    try:
        r = run_py("import lupa, sys; sys.exit(0 if hasattr(lupa, 'LuaRuntime') else 1)")
        return r.returncode == 0
    except Exception:
        return False


needs_lupa = pytest.mark.skipif(not _lupa_available(), reason="python3-lupa not installed")
no_deepbind = pytest.mark.skipif(bool(os.environ.get("TANDEM_SANITIZER")),
                                 reason="RTLD_DEEPBIND is refused by the sanitizer runtime")

_USE_BOTH = """
        t = tandem.LuaRuntime()
        l = lupa.LuaRuntime()
        assert t.eval("_VERSION") == "Lua 5.4", t.eval("_VERSION")
        assert t.eval("math.type(3)") == "integer"
        assert l.eval("_VERSION") == "Lua 5.1", l.eval("_VERSION")
        assert l.eval("1 + 2") == 3
        assert t.eval("function(x) return x * 2 end")(21) == 42
        assert l.eval("function(x) return x * 2 end")(21) == 42
        assert t.eval("string.format('%d', 7)") == "7"
        """


@needs_lupa
@no_deepbind
def test_lupa_then_tandem():
    out = run_py("""
        import lupa
        import tandem
    """ + _USE_BOTH + """
        # C modules would bind to lupa's LuaJIT: a clear Lua error, no crash
        try:
            t.require("lpeg")
        except tandem.LuaError as e:
            msg = str(e)
        else:
            msg = "loaded"
        assert "global lua_* symbols belong to another Lua" in msg, msg
        assert "luajit" in msg, msg
        res = t.eval('{package.loadlib("/no/such/lib.so", "luaopen_x")}')
        assert res[1] is None and "another Lua" in res[2], list(res.values())
        # a missing module still says "not found"
        ok, err = t.eval('pcall(require, "no_such_c_module_xyz")')
        assert not ok and "not found" in err, err
        print("ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok", out.stdout + out.stderr


@needs_lupa
def test_tandem_then_lupa():
    out = run_py("""
        import tandem
        t0 = tandem.LuaRuntime()
        ok, err = t0.eval('pcall(require, "no_such_c_module_xyz")')
        assert not ok and "not found" in err, err   # claims nothing
        import lupa
    """ + _USE_BOTH + """
        # now LuaJIT owns the global names: C modules are refused, clearly
        try:
            t.require("cjson")
        except tandem.LuaError as e:
            msg = str(e)
        else:
            msg = "loaded"
        assert "belong to another Lua" in msg and "luajit" in msg, msg
        assert l.eval("1 + 1") == 2
        print("ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok", out.stdout + out.stderr


@needs_lupa
def test_lupa_refused_after_tandem_loaded_a_c_module():
    out = run_py("""
        import tandem
        t = tandem.LuaRuntime()
        assert t.eval('require("lpeg").match(require("lpeg").R("09") ^ 1, "123x")') == 4
        try:
            import lupa
            lupa.LuaRuntime().eval("1")
        except ImportError as e:
            msg = str(e)
        else:
            msg = "imported"
        assert "tandem's Lua 5.4 owns the process's global lua_* symbols" in msg, msg
        assert t.eval('require("cjson").encode({1, 2})') == "[1,2]"
        print("ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok", out.stdout + out.stderr
