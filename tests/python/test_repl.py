"""The tandem REPL (docs/repl.md) driven as a terminal program under a
pseudo-terminal (pexpect), and its scripted demo session without one."""
import os
import subprocess

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("TANDEM_BUILD", os.path.join(ROOT, "build"))
TANDEM = os.path.join(BUILD, "bin", "tandem")
PROMPT_PY, PROMPT_LUA, MORE = "py> ", "lua> ", "... "


@pytest.fixture
def repl(tmp_path):
    env = dict(os.environ, TERM="dumb", HOME=str(tmp_path), NO_COLOR="1")
    child = pexpect.spawn(TANDEM, env=env, encoding="utf-8", timeout=30,
                          dimensions=(50, 200))
    child.expect_exact(PROMPT_PY)
    yield child
    if child.isalive():
        child.sendeof()
        child.expect(pexpect.EOF)
    child.close()


def send(child, line, prompt=PROMPT_PY):
    """Type line, wait for the next prompt; the output in between."""
    child.sendline(line)
    child.expect_exact(prompt)
    return child.before.replace("\r", "")


def test_python_multiline_and_result(repl):
    send(repl, "def f(a, b):", MORE)
    send(repl, "    return a * 10 + b", MORE)
    send(repl, "")
    assert "42" in send(repl, "f(4, 2)")
    assert "'ab'" in send(repl, "'a' + 'b'")


def test_lua_multiline_expressions_and_switching(repl):
    send(repl, ":lua", PROMPT_LUA)
    send(repl, "function g(x)", MORE)
    send(repl, "  return x * 2, 'two'", MORE)
    send(repl, "end", PROMPT_LUA)
    assert "42\ttwo" in send(repl, "=g(21)", PROMPT_LUA)
    assert "3" in send(repl, "1 + 2", PROMPT_LUA)
    assert "nil" not in send(repl, "x = 5", PROMPT_LUA)
    assert "5\t6" in send(repl, "local y = x + 1 return x, y", PROMPT_LUA)
    # the other language for one line, then back
    assert "8" in send(repl, "!py 2 ** 3", PROMPT_LUA)
    assert "6" in send(repl, "!lua x + 1", PROMPT_LUA)
    send(repl, ":py")
    assert "10" in send(repl, "lua.eval('x') * 2")
    assert "25" in send(repl, "!lua x * x")


def test_each_language_sees_the_other(repl):
    send(repl, "names = ['a', 'b']")
    send(repl, ":lua", PROMPT_LUA)
    assert "b" in send(repl, "=py.names[1]", PROMPT_LUA)
    assert "3" in send(repl, "=python.eval('1 + 2')", PROMPT_LUA)


def test_translate_python_function_into_lua(repl):
    send(repl, "def cmp(a, b):", MORE)
    send(repl, "    return a % 7 < b % 7", MORE)
    send(repl, "")
    out = send(repl, ":translate cmp")
    assert "local v_a, v_b = ..." in out and "installed as Lua global 'cmp'" in out
    assert "<py-" in out                      # commented with the Python line
    send(repl, ":lua", PROMPT_LUA)
    assert "true" in send(repl, "=cmp(7, 6)", PROMPT_LUA)
    out = send(repl, ":source cmp", PROMPT_LUA)
    assert "local v_a, v_b = ..." in out
    send(repl, ":py")
    assert "a % 7 < b % 7" in send(repl, ":source cmp")


def test_translation_error_installs_nothing(repl):
    send(repl, "class K: pass", MORE)
    send(repl, "")
    send(repl, "def uses_class():", MORE)
    send(repl, "    return K()", MORE)
    send(repl, "")
    send(repl, "def dir_use(x):", MORE)
    send(repl, "    if x:", MORE)
    send(repl, "        return dir(x)", MORE)
    send(repl, "")
    out = send(repl, ":translate dir_use")
    assert "TranslationError" in out and "<py-" in out and "nothing installed" in out
    send(repl, ":lua", PROMPT_LUA)
    assert "nil" in send(repl, "=dir_use", PROMPT_LUA)


def test_lua_translation_error_installs_nothing(repl):
    send(repl, ":lua", PROMPT_LUA)
    # a function reaching a <const> Lua folds (no upvalue in Lua) is refused
    send(repl, "local K <const> = 1 and 2 function h(x) return x * K end", PROMPT_LUA)
    out = send(repl, ":translate h", PROMPT_LUA)
    assert "TranslationError" in out and "nothing installed" in out
    assert "function h(x) return x * K end" in send(repl, ":source h", PROMPT_LUA)
    send(repl, ":py")
    assert "NameError" in send(repl, "h")


def test_race_and_time(repl):
    send(repl, "def add(a, b):", MORE)
    send(repl, "    return a + b", MORE)
    send(repl, "")
    out = send(repl, ":race add 20, 22")
    assert "add -> 42 (same result both ways)" in out
    assert "across the bridge" in out and "translated is" in out
    out = send(repl, ":time add(1, 2)")
    assert "per call (median of 5 rounds" in out
    send(repl, ":lua", PROMPT_LUA)
    assert "per call" in send(repl, ":time 1 + 1", PROMPT_LUA)


def test_vars_and_save(repl, tmp_path):
    send(repl, "answer = 42")
    send(repl, "def f():", MORE)
    send(repl, "    return answer", MORE)
    send(repl, "")
    send(repl, "!lua t = {1, 2}")
    out = send(repl, ":vars")
    assert "py   answer  int" in out and "py   f       function" in out
    assert "lua  t       table" in out
    path = tmp_path / "defs.py"
    assert "saved" in send(repl, ":save %s" % path)
    ns = {}
    exec(path.read_text(), ns)
    assert ns["f"]() == 42


def test_errors_never_end_the_session(repl):
    assert "SyntaxError" in send(repl, "x = = 1")
    out = send(repl, "1 / 0")
    assert "ZeroDivisionError: division by zero" in out and "<py-" in out
    send(repl, ":lua", PROMPT_LUA)
    assert "unexpected symbol" in send(repl, "x = = 1", PROMPT_LUA)
    send(repl, "function bad() error('boom') end", PROMPT_LUA)
    out = send(repl, "bad()", PROMPT_LUA)
    assert "boom" in out and "lua-" in out
    assert "unknown command" in send(repl, ":nope", PROMPT_LUA)
    assert "usage: :translate NAME" in send(repl, ":translate", PROMPT_LUA)
    assert "2" in send(repl, "=1 + 1", PROMPT_LUA)


def test_mixed_language_traceback(repl):
    send(repl, "!lua function check(x) if x < 0 then error('negative') end return x end")
    send(repl, "def total(xs):", MORE)
    send(repl, "    return sum(lua.globals().check(x) for x in xs)", MORE)
    send(repl, "")
    out = send(repl, "total([1, -2])")
    assert "in total" in out and "lua-" in out and "negative" in out


@pytest.mark.parametrize("lang,loop", [("lua", "while true do end"),
                                       ("py", "while True: pass")])
def test_ctrl_c_stops_a_computation(repl, lang, loop):
    prompt = PROMPT_LUA if lang == "lua" else PROMPT_PY
    if lang == "lua":
        send(repl, ":lua", PROMPT_LUA)
    repl.sendline(loop)
    if lang == "py":
        repl.expect_exact(MORE)
        repl.sendline("")
    import time
    time.sleep(0.5)
    repl.sendintr()
    repl.expect("KeyboardInterrupt")
    repl.expect_exact(prompt)
    assert "7" in send(repl, "!py 3 + 4", prompt)


def test_ctrl_c_at_the_prompt_and_ctrl_d_exits(repl, tmp_path):
    repl.sendintr()
    repl.expect("KeyboardInterrupt")
    repl.expect_exact(PROMPT_PY)
    send(repl, "1 + 1")
    repl.sendeof()
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0
    assert "1 + 1" in (tmp_path / ".tandem_history").read_text()


def test_help_lists_the_commands(repl):
    out = send(repl, ":help")
    for cmd in (":translate", ":source", ":race", ":time", ":vars", ":save", "!lua"):
        assert cmd in out


def test_scripted_demo_without_a_terminal():
    r = subprocess.run([TANDEM], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "py> :translate cmp" in out and "installed as Lua global 'cmp'" in out
    # the sorted order, the same across the bridge and translated
    line = next(x for x in out.splitlines() if x.startswith("lua> =by_bridge[1]"))
    values = out.splitlines()[out.splitlines().index(line) + 1].split("\t")
    assert len(values) == 6 and values[:3] == values[3:]
    assert "across the bridge" in out and "translated" in out
    assert "cmp -> " in out and "same result both ways" in out
    assert "negative: -2" in out and "in total" in out
    # Lua -> Python: the generated Python shown, installed, raced, called
    assert "lua> :translate clamp" in out and "def lua_clamp(" in out
    assert "installed as Python global 'clamp'" in out
    assert "clamp -> 10 (same result both ways)" in out
    assert "across the bridge (Python calls the Lua function)" in out
    assert "translated (runs in Python)" in out
    assert "py> clamp(-3, 0, 10), clamp(7.5, 0, 10)\n(0, 7.5)" in out
    assert "Traceback" not in r.stderr


def test_translate_lua_function_into_python(repl):
    send(repl, ":lua", PROMPT_LUA)
    send(repl, "function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end",
         PROMPT_LUA)
    out = send(repl, ":translate fib", PROMPT_LUA)
    assert "def " in out and "installed as Python global 'fib'" in out
    assert "144" in send(repl, ":race fib 12", PROMPT_LUA)
    send(repl, ":py")
    assert "55" in send(repl, "fib(10)")
