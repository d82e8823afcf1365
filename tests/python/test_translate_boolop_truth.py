"""How often the truth of an `and`/`or` operand is asked. CPython compiles
a condition (`if`, `while`, `assert`, `x if c else y`, `not`, a
comprehension's `if`) into jumps on each operand's truth, and threads the
jumps of nested `and`/`or` in a value (`a and b or c`: a false `a` goes
straight to `c`): each operand's `__bool__` (or `__len__`) runs at most
once. The translation computed the value of `a and b` and then its truth,
asking a false `a`'s `__bool__` twice (docs/translation.md, "The Lua back
end"). Each shape runs natively and translated over every combination of
truths; the results and the logs of `__bool__`/`__len__` calls must be the
same.
"""

import itertools

import pytest

import tandem
from xlate_same import run_source

HEAD = '''
class B:
    def __init__(self, name, v, log):
        self.name, self.v, self.log = name, v, log
    def __bool__(self):
        self.log.append(self.name)
        return self.v
    def __repr__(self):
        return self.name

class L:
    def __init__(self, name, v, log):
        self.name, self.v, self.log = name, v, log
    def __len__(self):
        self.log.append(self.name)
        return int(self.v)
    def __repr__(self):
        return self.name
'''

# expressions over a, b, c
EXPRS = [
    "a and b", "a or b", "a and b and c", "a or b or c", "a and b or c",
    "a or b and c", "(a or b) and c", "a and (b or c)", "not a or b",
    "not (a and b)", "not (a or b) and c", "(a and b) or (b and c)",
    "a and not b", "not not a", "(a or b) or c", "(a and b) and c",
    # a conditional expression in a condition: each branch jumps too
    "((a and c) if b else c)", "(a if (b or c) else (c and a))", "not (a if b else c)",
]

# contexts the expression appears in, as a function body
CONTEXTS = {
    "value": "    return repr(%s)\n",
    "if": "    if %s:\n        return 'yes'\n    return 'no'\n",
    "while": "    n = 0\n    while %s:\n        n += 1\n        if n == 2:\n            break\n"
             "    return n\n",
    "assert": "    try:\n        assert %s, 'm'\n    except AssertionError:\n        return 'failed'\n"
              "    return 'held'\n",
    "ifexp": "    return 'y' if %s else 'n'\n",
    "not": "    return not (%s)\n",
    "bool": "    return bool(%s)\n",
    "filter": "    return [i for i in range(2) if %s]\n",
    "elif": "    if False:\n        return 0\n    elif %s:\n        return 1\n    return 2\n",
    "gen": "    def g():\n        if %s:\n            yield 1\n        yield 2\n    return list(g())\n",
}

CASES = [(e, c) for e in EXPRS for c in CONTEXTS]


def _src():
    out = [HEAD]
    for i, (e, c) in enumerate(CASES):
        out.append("def f%d(a, b, c):\n" % i + CONTEXTS[c] % e)
    return "".join(out)


@pytest.fixture(scope="module")
def env():
    ns = run_source(_src(), "<tandem-test boolop truth>")
    return tandem.LuaRuntime(), ns


def _run(f, kind, truths):
    log = []
    args = [kind(n, v, log) for n, v in zip("abc", truths)]
    try:
        r = f(*args)
    except Exception as e:  # noqa: BLE001 — an outcome
        r = (type(e), str(e))
    return r, log


@pytest.mark.parametrize("i", range(len(CASES)), ids=["%s|%s" % c for c in CASES])
def test_truth_asked_as_cpython_asks(env, i):
    lua, ns = env
    f = ns["f%d" % i]
    tf = lua.translate(f)
    for kind in (ns["B"], ns["L"]):
        for truths in itertools.product((False, True), repeat=3):
            native = _run(f, kind, truths)
            assert native[0] is not None
            assert _run(tf, kind, truths) == native, (CASES[i], kind.__name__, truths)


def test_a_false_operand_asked_once_in_a_condition(env):
    """The first shape of the report, spelled out."""
    lua, ns = env
    i = CASES.index(("a and b", "if"))
    r, log = _run(lua.translate(ns["f%d" % i]), ns["B"], (False, True, True))
    assert (r, log) == ("no", ["a"])
