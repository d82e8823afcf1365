"""Every fenced example of the docs runs (docs/*.md and README.md).

A block is taken by its language: ```python (run in a fresh namespace; an
expression statement followed by a comment that is a Python literal, as in
`lua.eval("1 + 1")  # 2`, must have that value), ```lua (run by lua5.4 with
the built module on LUA_CPATH; when the block has `print(...)  --> text`
lines, its output must be those texts in order, compared word by word), ```sh (run by sh from the
top of the tree, build/ meaning the build under test) and ```c (a fragment
without main() is compiled inside one, against include/ and the built
libtandem, and must run with nothing on stderr). A block the line
`<!-- no-test -->` precedes is not run; unlabelled blocks (diagrams) neither.
"""
import ast
import glob
import io
import linecache
import os
import re
import subprocess
import sys
import tokenize

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BUILD = os.path.abspath(os.environ.get("TANDEM_BUILD", os.path.join(_ROOT, "build")))
_DOCS = sorted(glob.glob(os.path.join(_ROOT, "docs", "*.md"))) + [os.path.join(_ROOT, "README.md")]
_RUNNABLE = ("python", "lua", "sh", "c")
_FENCE = re.compile(r"^(\s*)```(\w*)\s*$")


def extract(path):
    """[(language, first line number, code, skipped)] of the fenced blocks."""
    blocks = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, lang = m.group(1), m.group(2)
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        skipped = j >= 0 and lines[j].strip() == "<!-- no-test -->"
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line)
            i += 1
        blocks.append((lang, i - len(body), "\n".join(body) + "\n", skipped))
        i += 1
    return blocks


def _cases():
    for path in _DOCS:
        for lang, line, code, skipped in extract(path):
            if lang in _RUNNABLE:
                yield pytest.param(lang, code, skipped,
                                   id="%s:%d" % (os.path.relpath(path, _ROOT), line))


def test_the_docs_have_examples_and_few_skip_marks():
    cases = list(_cases())
    langs = {c.values[0] for c in cases}
    assert {"python", "lua", "sh", "c"} <= langs, langs
    skipped = [c.id for c in cases if c.values[2]]
    assert len(skipped) * 3 <= len(cases), skipped


def _comments(code):
    """line number -> comment text (without '#') of the block's comments."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string[1:].strip()
    return out


def run_python(code):
    tree = ast.parse(code)
    comments = _comments(code)
    ns = {"__name__": "__doc_example__"}
    # the example's source is findable as a script file's would be (linecache),
    # so functions it defines can be translated (docs/translation.md)
    filename = "<doc-%d>" % len(linecache.cache)
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    checked = 0
    for stmt in tree.body:
        expected = None
        if isinstance(stmt, ast.Expr) and stmt.end_lineno in comments:
            try:
                expected = (ast.literal_eval(comments[stmt.end_lineno]),)
            except (ValueError, SyntaxError):
                expected = None
        if expected is None:
            exec(compile(ast.Module([stmt], []), filename, "exec"), ns)
        else:
            value = eval(compile(ast.Expression(stmt.value), filename, "eval"), ns)
            assert value == expected[0], (ast.unparse(stmt), value, expected[0])
            checked += 1
    return checked


def _env():
    env = dict(os.environ)
    if env.get("TANDEM_DOC_EXAMPLE"):
        pytest.fail("a doc example started the doc examples again")
    env["TANDEM_DOC_EXAMPLE"] = "1"
    env["LUA_CPATH"] = os.path.join(_BUILD, "lua", "?.so") + ";;"
    env["PYTHONPATH"] = os.path.join(_BUILD, "python")
    env["LD_LIBRARY_PATH"] = os.path.join(_BUILD, "lib")
    return env


def run_lua(code):
    expected = [m.group(1).split() for m in re.finditer(r"^\s*print\(.*?--> ?(.*)$", code, re.M)]
    r = subprocess.run(["lua5.4", "-"], input=code, capture_output=True, text=True,
                       env=_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    if expected:
        assert [line.split() for line in r.stdout.split("\n")[:-1]] == expected, r.stdout


def run_sh(code):
    if _BUILD != os.path.join(_ROOT, "build"):
        code = re.sub(r"(?<![\w/.])build/", _BUILD + "/", code)
    r = subprocess.run(["sh", "-e", "-c", code], capture_output=True, text=True,
                       env=_env(), cwd=_ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def run_c(code, tmp_path):
    if not re.search(r"\bmain\s*\(", code):
        code = ("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
                "#include \"tandem.h\"\n\nint main(void)\n{\n" + code + "return 0;\n}\n")
    src = tmp_path / "example.c"
    src.write_text(code)
    exe = tmp_path / "example"
    cc = subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", "-I" + os.path.join(_ROOT, "include"),
                         str(src), "-o", str(exe), "-L" + os.path.join(_BUILD, "lib"), "-ltandem"],
                        capture_output=True, text=True, timeout=120)
    assert cc.returncode == 0, cc.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, env=_env(), timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr


@pytest.mark.parametrize("lang, code, skipped", list(_cases()))
def test_doc_example(lang, code, skipped, tmp_path):
    if skipped:
        pytest.skip("marked <!-- no-test --> in the doc")
    if lang == "sh" and re.search(r"\bmake\b", code):
        pytest.fail("a sh example that runs make would run the tests again: mark it <!-- no-test -->")
    if lang == "python":
        run_python(code)
    elif lang == "lua":
        run_lua(code)
    elif lang == "sh":
        run_sh(code)
    else:
        run_c(code, tmp_path)


def test_value_comments_are_checked():
    """The checker itself: a wrong value in a comment fails."""
    assert run_python("x = 1\nx + 1  # 2\n") == 1
    with pytest.raises(AssertionError):
        run_python("1 + 1  # 3\n")
    with pytest.raises(AssertionError):
        run_lua("print(1 + 1)  --> 3\n")
    run_lua("print(1 + 1)  --> 2\n")
