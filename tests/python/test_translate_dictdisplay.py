"""`**` in dict displays (`{**a, "k": v, **b}`; pyrt/expr.lua
B.tdm_dictupdate): built as CPython 3.11 builds it, the pairs before the
first `**` one dict, then DICT_UPDATE with each mapping, the pairs between
two `**` a dict of their own merged after the mapping before them. Natively
and translated: values, key order and equality (1 == 1.0 == True), the
order in which keys(), __getitem__ and the items' expressions run, and
CPython's "'X' object is not a mapping"."""

import pytest

import tandem
from xlate_same import outcome, run_source, same

SRC = '''
import collections.abc

LOG = []

def note(x):
    LOG.append(x)
    return x

class Logged(collections.abc.Mapping):
    def __init__(self, **kw):
        self.d = kw
    def __len__(self):
        return len(self.d)
    def __iter__(self):
        return iter(self.d)
    def keys(self):
        LOG.append("keys")
        return list(self.d)
    def __getitem__(self, k):
        LOG.append(("getitem", k))
        return self.d[k]

class NoKeys:
    pass

def merge(a, b):
    return {**a, "k": 1, **b}

def order(a, b):
    del LOG[:]
    d = {note("x"): note(1), **a, note("y"): note(2), note("z"): note(3), **b, note("w"): 4}
    return list(d.items()), list(LOG)

def only(a):
    return {**a}

def twice(a):
    return {**a, **a}

def numeric(a):
    return {1: "int", **a, True: "bool"}

def native(n):
    inner = {i: i * i for i in range(n)}
    return {**inner, n: None, **{"s": inner}}

def in_comprehension(ds):
    return [{**d, "n": i} for i, d in enumerate(ds)]

def error_after(a):
    del LOG[:]
    try:
        d = {note(1): 1, **a, note(2): 2}
    except TypeError as e:
        return str(e), list(LOG)
    return d, list(LOG)
'''


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_dictdisplay>")


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def _cases(ns):
    L, N = ns["Logged"], ns["NoKeys"]
    return [
        ("merge", ({"a": 1}, {"k": 2, "b": 3})), ("merge", ({}, {})), ("merge", ({"k": 0}, {})),
        ("merge", (L(a=1), L(k=5))), ("merge", (1, {})), ("merge", ({}, [("a", 1)])),
        ("merge", ({}, "ab")), ("merge", (N(), {})), ("merge", ({}, None)),
        ("order", ({"y": 0, "q": 9}, L(w=7, x=8))), ("order", (L(), {})),
        ("only", ({1: None},)), ("only", (L(a=2),)), ("only", (5,)),
        ("twice", ({"a": 1},)), ("numeric", ({1.0: "float"},)), ("numeric", ({},)),
        ("native", (4,)), ("in_comprehension", ([{"a": 1}, {"n": 0}],)),
        ("error_after", ({3: 3},)), ("error_after", ([1],)), ("error_after", (L(b=1),)),
    ]


_N = len(_cases(run_source(SRC, "<ids>")))


@pytest.mark.parametrize("k", range(_N))
def test_dict_display_as_cpython(ns, lua, k):
    name, args = _cases(ns)[k]
    native = outcome(ns[name], args)
    got = outcome(lua.translate(ns[name]), args)
    assert got[0] == native[0] and same(got[1:], native[1:]), (native[:2], got[:2])


def test_dict_display_in_a_standalone_file(tmp_path):
    from test_translate_cmd import plain_lua, python_run, tandem as tandem_cmd
    (tmp_path / "m.py").write_text(
        "def f(a, b):\n    return {**a, 'k': 1, **b, 2: None}\n"
        "print(f({'a': 1}, {'k': 2}))\nprint(f({}, {1: 1, 2: 2}))\n"
        "try:\n    f([], {})\nexcept TypeError as e:\n    print(e)\n")
    r = tandem_cmd("translate", "m.py", "--to", "lua", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    native = python_run("m.py", str(tmp_path))
    lua = plain_lua(["m.lua"], str(tmp_path))
    assert lua.stdout == native.stdout and native.stdout.count("\n") == 3, (native.stdout,
                                                                             lua.stdout)
