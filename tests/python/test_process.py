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
