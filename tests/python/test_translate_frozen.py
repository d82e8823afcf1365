"""Functions of frozen modules (`<frozen posixpath>`: CPython 3.11 freezes
os, posixpath, genericpath, stat ... at start) translate from the file the
module was frozen from, when that file compiles to the function's very code
(tandem/_frozensrc.py); inspect cannot read them, and translating
posixpath.split said "the source ... is not available"."""

import posixpath
import sys
import types

import pytest

import tandem
from xlate_same import outcome, same

CASES = [
    (posixpath.join, [("a", "b"), ("/a", "b/", "c"), ("a", "/b"), ("a",), ("a", 1),
                      (b"a", "b"), (b"a", b"b")]),
    (posixpath.normpath, [("a//b/../c",), ("/../x",), ("",), ("./",), ("//a",), ("///a",)]),
    (posixpath.split, [("a/b/c",), ("/",), ("abc",), ("//x//y",)]),
    (posixpath.splitext, [("a.tar.gz",), (".bashrc",), ("a/b.c/d",), ("x.",)]),
    (posixpath.basename, [("a/b/c",), ("a/",)]),
    (posixpath.dirname, [("a/b/c",), ("/a",)]),
    (posixpath.isabs, [("/a",), ("a",)]),
    (posixpath.commonprefix, [(["abc", "abd"],), ([],), (["x"],)]),
]


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("fn,inputs", CASES, ids=[f.__name__ for f, _ in CASES])
def test_frozen_stdlib_functions(lua, fn, inputs):
    assert fn.__code__.co_filename.startswith("<frozen ")
    tf = lua.translate(fn)
    for args in inputs:
        native, got = outcome(fn, args), outcome(tf, args)
        assert got[0] == native[0] and same(got[1:], native[1:]), (args, native, got)


def _fake_frozen(tmp_path, name, frozen_src, file_src):
    """A module `name` whose functions were compiled from frozen_src under
    `<frozen name>`, its spec naming a file holding file_src."""
    path = tmp_path / (name + ".py")
    path.write_text(file_src)
    mod = types.ModuleType(name)
    mod.__file__ = str(path)
    exec(compile(frozen_src, "<frozen %s>" % name, "exec"), mod.__dict__)
    sys.modules[name] = mod
    return mod


SRC = "def f(x):\n    return x + 1\n"


def test_the_file_is_used_when_it_compiles_to_the_same_code(lua, tmp_path):
    mod = _fake_frozen(tmp_path, "tandem_frozen_same", SRC, SRC)
    try:
        assert lua.translate(mod.f)(4) == 5
    finally:
        del sys.modules["tandem_frozen_same"]


def test_a_file_that_differs_is_never_translated(lua, tmp_path):
    """A file edited since the module was frozen: the translation would
    silently be of other code, so the source counts as unavailable."""
    mod = _fake_frozen(tmp_path, "tandem_frozen_other", SRC,
                       "def f(x):\n    return x + 2\n")
    try:
        with pytest.raises(tandem.TranslationError, match="source of f is not available"):
            lua.translate(mod.f)
    finally:
        del sys.modules["tandem_frozen_other"]
