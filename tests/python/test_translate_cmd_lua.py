"""tandem translate FILE.lua --to python (docs/translation.md, "tandem
translate"): sample Lua files translated by the command, the standalone
output run by plain /usr/bin/python3 with tandem unimportable (PYTHONPATH
holds only a `tandem` package that raises ImportError) and compared byte
for byte with lua5.4 running the original: stdout, exit status and the
error message of an uncaught error. Also: the module an import gives, the
listing of three unresolvable names, refusals and exit statuses."""
import os
import shutil
import subprocess
import sys

import pytest

import tandem as _tandem_pkg

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "xcmd_lua")
SAMPLES = ["strings.lua", "tables.lua", "closures.lua", "meta.lua", "numbers.lua",
           "errors.lua", "args.lua", "libcache.lua", "closes.lua", "files.lua", "envs.lua"]
ARGS = ["3", "4.5", "x y"]
LUA = shutil.which("lua5.4")

pytestmark = pytest.mark.skipif(LUA is None, reason="lua5.4 is not installed")


def tandem(*args, cwd=None):
    """python3 -m tandem ARGS with the tandem package these tests import."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(_tandem_pkg.__file__)))
    env = dict(os.environ, PYTHONPATH=pkg + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tandem"] + list(args), cwd=cwd,
                          capture_output=True, timeout=300, env=env)


def blocker(tmp_path):
    """A directory whose `tandem` package cannot be imported."""
    d = tmp_path / "block"
    (d / "tandem").mkdir(parents=True, exist_ok=True)
    (d / "tandem" / "__init__.py").write_text(
        "raise ImportError('tandem must not be imported by a standalone module')\n")
    return str(d)


def plain_python(argv, cwd, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = blocker(tmp_path)
    return subprocess.run(["/usr/bin/python3", "-s"] + argv, cwd=cwd, capture_output=True,
                          timeout=300, env=env)


def plain_lua(argv, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUA_")}
    return subprocess.run([LUA] + argv, cwd=cwd, capture_output=True, timeout=120, env=env)


def copy_sample(tmp_path, name):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    shutil.copy(os.path.join(DATA, name), src / name)
    return src


def error_message(stderr):
    """The message of an uncaught error: the first stderr line without the
    program name ('lua5.4: ' or 'FILE.py: ')."""
    line = stderr.decode("utf-8", "replace").splitlines()[0] if stderr else ""
    return line.split(": ", 1)[1] if ": " in line else line


@pytest.mark.parametrize("single", [False, True], ids=["package", "single-file"])
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_runs_as_in_lua(tmp_path, name, single):
    src = copy_sample(tmp_path, name)
    out = tmp_path / "out"
    out.mkdir()
    target = out / (name[:-4] + ".py")
    opts = ["--single-file"] if single else []
    r = tandem("translate", name, "--to", "python", "-o", str(target), *opts, cwd=str(src))
    assert r.returncode == 0, r.stderr.decode()
    assert (out / "tandem_luart").is_dir() != single
    want = plain_lua([name] + ARGS, str(src))
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    got = plain_python([str(target)] + ARGS, str(elsewhere), tmp_path)
    assert b"tandem must not be imported" not in got.stderr
    assert got.stdout == want.stdout, got.stderr.decode()
    assert got.returncode == want.returncode, got.stderr.decode()
    assert error_message(got.stderr) == error_message(want.stderr)
    if want.returncode == 1:
        assert got.stderr.startswith(str(target).encode() + b": ")


STDIN_BYTES = (b" 42abc\nline two\nfive5rest\n 0x10 -2e1 tail\none\ntwo\nstop\n"
               b"x1 y 2 z\nlast")


@pytest.mark.parametrize("data", [STDIN_BYTES, b"", b"7"], ids=["text", "empty", "one-byte"])
def test_stdin_reads_as_in_lua(tmp_path, data):
    """io.read's formats, io.lines() and io.stdin:lines over the standard
    input: the same bytes on stdin give the same output."""
    src = copy_sample(tmp_path, "stdin.lua")
    target = tmp_path / "stdin.py"
    r = tandem("translate", "stdin.lua", "--to", "python", "-o", str(target),
               "--single-file", cwd=str(src))
    assert r.returncode == 0, r.stderr.decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUA_")}
    want = subprocess.run([LUA, "stdin.lua"], cwd=str(src), input=data,
                          capture_output=True, timeout=120, env=env)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = blocker(tmp_path)
    got = subprocess.run(["/usr/bin/python3", "-s", str(target)], cwd=str(src), input=data,
                         capture_output=True, timeout=300, env=env)
    assert want.returncode == 0, want.stderr.decode()
    assert got.stdout == want.stdout, got.stderr.decode()
    assert got.returncode == 0, got.stderr.decode()


def test_os_exit_flushes_open_files(tmp_path):
    """os.exit ends the process as C's exit does: what was written to files
    still open is in them (and a file closed at collection is too)."""
    (tmp_path / "x.lua").write_text(
        "local f = io.open('pending.txt', 'w')\n"
        "f:write('written ', 'before exit')\n"
        "io.output('second.txt'):write('by the default output')\n"
        "os.exit(0)\n")
    r = tandem("translate", "x.lua", "--to", "python", "--single-file", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr.decode()
    for run in (lambda: plain_lua(["x.lua"], str(tmp_path)),
                lambda: plain_python([str(tmp_path / "x.py")], str(tmp_path), tmp_path)):
        for name in ("pending.txt", "second.txt"):
            if (tmp_path / name).exists():
                (tmp_path / name).unlink()
        p = run()
        assert p.returncode == 0, p.stderr.decode()
        assert (tmp_path / "pending.txt").read_text() == "written before exit"
        assert (tmp_path / "second.txt").read_text() == "by the default output"


def test_files_sample_leaves_no_files(tmp_path):
    """files.lua removes what it creates (so the comparison above compared
    runs that really wrote, read and removed files)."""
    src = copy_sample(tmp_path, "files.lua")
    r = plain_lua(["files.lua"], str(src))
    assert r.returncode == 0, r.stderr.decode()
    assert b"Bad file descriptor" in r.stdout and b"Is a directory" in r.stdout
    assert sorted(os.listdir(src)) == ["files.lua"]


def test_samples_cover_errors_and_exit_status():
    """The samples really exercise an uncaught error and os.exit (so the
    comparisons above compare something)."""
    assert plain_lua(["errors.lua"], DATA).returncode == 1
    assert plain_lua(["args.lua"], DATA).returncode == 3


MODULE_CHECK = r"""
import sys
import module
print(sorted(k for k in dir(module) if not k.startswith('__')))
print(module.VERSION, module.ANSWER, module.RATIO, module.FLAG)
print(module.greet('Ada'), module.greet('Bob'), module.calls())
print(module.divmod(7, 2), module.divmod(-7, 2.0), module.sum([1, 2, 3.5]))
print(module.nothing(), type(module.data).__name__, module.data.arr)
try:
    module.fail('boom')
except Exception as e:
    print(type(e).__name__, e)
import module as again
print(again is module, module.__lua__ is not None, 'tandem' in sys.modules)
print(module.args())
"""


@pytest.mark.parametrize("single", [False, True], ids=["package", "single-file"])
def test_import_gives_the_returned_table(tmp_path, single):
    src = copy_sample(tmp_path, "module.lua")
    out = tmp_path / "out"
    out.mkdir()
    opts = ["--single-file"] if single else []
    r = tandem("translate", "module.lua", "--to", "python", "-o", str(out / "module.py"),
               *opts, cwd=str(src))
    assert r.returncode == 0, r.stderr.decode()
    (out / "check.py").write_text(MODULE_CHECK)
    got = plain_python(["check.py", "a1"], str(out), tmp_path)
    assert got.returncode == 0, got.stderr.decode()
    assert got.stdout.decode().splitlines() == [
        "['ANSWER', 'FLAG', 'RATIO', 'VERSION', 'args', 'calls', 'data', 'divmod', "
        "'fail', 'greet', 'nothing', 'sum']",
        "1.2 42 0.5 True",
        "hello, Ada! hello, Bob! 2",
        "(3, 1) (-4.0, 1.0) 6.5",
        "None LuaTable [1, 2, 3]",
        "LuaError module.lua:13: boom",
        "True True False",
        "check.py|a1",
    ]


def test_three_errors_listed_at_once(tmp_path):
    src = copy_sample(tmp_path, "bad3.lua")
    r = tandem("translate", "bad3.lua", "--to", "python", cwd=str(src))
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 4, lines
    assert lines[0].startswith("bad3.lua:2: require 'lfs'")
    assert lines[1].startswith("bad3.lua:3: io.popen is not available")
    assert lines[2].startswith("bad3.lua:5: a call of the unknown global 'compute_answer'")
    assert lines[3] == "tandem translate: 3 errors, nothing written"
    assert sorted(os.listdir(src)) == ["bad3.lua"]


@pytest.mark.parametrize("code,msg", [
    ("local f = load('return 1')\n", "t.lua:1: 'load' is not available"),
    ("print(debug.traceback())\n", "t.lua:1: 'debug' is not available"),
    ("print(string.dump(print))\n", "t.lua:1: string.dump is not available"),
    ("local t = {}\nt.x = helper.value\n", "t.lua:2: an index of the unknown global 'helper'"),
    ("obj:method()\n", "t.lua:1: a method call on the unknown global 'obj'"),
    ("local ok = pcall(require, 'socket')\n", "t.lua:1: 'require' is not available"),
    ("os.execute('true')\n", "t.lua:1: os.execute is not available"),
])
def test_refusals(tmp_path, code, msg):
    (tmp_path / "t.lua").write_text(code)
    r = tandem("translate", "t.lua", "--to", "python", cwd=str(tmp_path))
    assert r.returncode == 1, r.stderr.decode()
    assert r.stderr.decode().startswith(msg), r.stderr.decode()
    assert not (tmp_path / "t.py").exists()


def test_globals_the_file_assigns_are_resolved(tmp_path):
    (tmp_path / "g.lua").write_text(
        "function helper(x) return x * 2 end\n"
        "local function later() return config.name end\n"
        "config = {name = 'cfg'}\n"
        "print(helper(21), later(), undefined_is_nil, string.format('%d', 7))\n")
    r = tandem("translate", "g.lua", "--to", "python", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr.decode()
    got = plain_python(["g.py"], str(tmp_path), tmp_path)
    assert got.stdout == plain_lua(["g.lua"], str(tmp_path)).stdout == b"42\tcfg\tnil\t7\n"


def test_syntax_error_is_status_1(tmp_path):
    (tmp_path / "s.lua").write_text("local x = = 1\n")
    r = tandem("translate", "s.lua", "--to", "python", cwd=str(tmp_path))
    assert r.returncode == 1
    assert r.stderr.decode().startswith("s.lua:1: unexpected symbol near '='")


def test_usage_errors_are_status_2(tmp_path):
    (tmp_path / "a.txt").write_text("print(1)\n")
    r = tandem("translate", "a.txt", "--to", "python", cwd=str(tmp_path))
    assert r.returncode == 2 and b"FILE.lua" in r.stderr
    r = tandem("translate", "missing.lua", "--to", "python", cwd=str(tmp_path))
    assert r.returncode == 2 and b"cannot read missing.lua" in r.stderr
    (tmp_path / "ok.lua").write_text("print(1)\n")
    r = tandem("translate", "ok.lua", "--to", "python", "-o", "no-dir/x.py",
               cwd=str(tmp_path))
    assert r.returncode == 2 and b"cannot write" in r.stderr
    r = tandem("translate", "ok.lua", "--to", "python", "-o", "a-script.py",
               cwd=str(tmp_path))       # not importable, but a script
    assert r.returncode == 0, r.stderr.decode()
    assert plain_python(["a-script.py"], str(tmp_path), tmp_path).stdout == b"1\n"
    r = tandem("translate", "--help")
    assert r.returncode == 0
    assert b"--to" in r.stdout and b"standalone Python 3 module" in r.stdout


def test_error_positions_are_lua_lines(tmp_path):
    (tmp_path / "p.lua").write_text(
        "local t = {}\n\n\nlocal function f()\n  return t.a.b\nend\n"
        "print(pcall(f))\nprint(pcall(error, 'x', 1))\nlocal y = nil + 1\n")
    r = tandem("translate", "p.lua", "--to", "python", "--single-file", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr.decode()
    got = plain_python(["p.py"], str(tmp_path), tmp_path)
    want = plain_lua(["p.lua"], str(tmp_path))
    assert got.stdout == want.stdout
    assert error_message(got.stderr) == error_message(want.stderr) == \
        "p.lua:9: attempt to perform arithmetic on a nil value"
