"""Function-local imports in translated Python code (_translate.py
import_stmt, _Hooks "import"): each statement runs as CPython runs it, in
the function's globals (relative imports, IMPORT_FROM's fallback to
sys.modules, the same ImportError messages), its names bound as locals.
It was a TranslationError ("import is not supported"), the commonest
refusal over the standard library's functions. Native against translated."""

import sys
import textwrap

import pytest

import tandem
from xlate_same import outcome, run_source, same

SRC = '''
def plain(p):
    import posixpath
    return posixpath.basename(p)

def names(p):
    from posixpath import basename, dirname as dn
    return basename(p), dn(p)

def dotted():
    import os.path
    return os.path.sep, os.__name__

def dotted_as():
    import os.path as op
    return op.__name__

def submodule():
    from json import decoder
    return decoder.__name__

def missing_name():
    from posixpath import nothing_here
    return 1

def missing_module():
    import no_such_module_tandem
    return 1

def second_missing():
    from posixpath import basename, nothing_here
    return basename

def two():
    import json, colorsys
    return json.dumps([1]), colorsys.rgb_to_hsv(1, 0, 0)

def in_loop(n):
    s = 0
    for k in range(n):
        import math
        s += math.floor(k / 2)
    return s

def local_before(p):
    try:
        return posixpath.basename(p)
    except NameError as e:
        import posixpath
        return str(e), posixpath.basename(p)

def gen(n):
    import math
    for k in range(n):
        yield math.sqrt(k)
    from math import floor, ceil
    yield floor(2.5), ceil(2.5)

def collect(n):
    return list(gen(n))
'''

CASES = [("plain", ("x/y",)), ("names", ("x/y",)), ("dotted", ()), ("dotted_as", ()),
         ("submodule", ()), ("missing_name", ()), ("missing_module", ()),
         ("second_missing", ()), ("two", ()), ("in_loop", (10,)), ("local_before", ("a/b",)),
         ("collect", (4,))]


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_imports>")


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_imports_as_cpython(ns, lua, name, args):
    native, got = outcome(ns[name], args), outcome(lua.translate(ns[name]), args)
    assert got[0] == native[0] and same(got[1:], native[1:]), (native, got)


def test_relative_imports_use_the_functions_package(lua, tmp_path):
    pkg = tmp_path / "tandem_relpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "sib.py").write_text("X = 41\n")
    (pkg / "mod.py").write_text(textwrap.dedent('''
        def f():
            from . import sib
            from .sib import X
            return sib.X + 1, X

        def g():
            from .nothere import Y
            return Y
    '''))
    sys.path.insert(0, str(tmp_path))
    try:
        from tandem_relpkg import mod
        assert lua.translate(mod.f)() == mod.f() == (42, 41)
        native, got = outcome(mod.g, ()), outcome(lua.translate(mod.g), ())
        assert native[0] == "raise" and got == native
    finally:
        sys.path.remove(str(tmp_path))
        for m in ("tandem_relpkg", "tandem_relpkg.mod", "tandem_relpkg.sib"):
            sys.modules.pop(m, None)


def test_an_import_error_points_at_the_statement(ns, lua):
    f = lua.translate(ns["missing_module"])
    with pytest.raises(ModuleNotFoundError) as info:
        f()
    lines = [(fr.filename, fr.lineno) for fr in __import__("traceback").extract_tb(
        info.value.__traceback__)]
    assert ("<test_translate_imports>", ns["missing_module"].__code__.co_firstlineno + 1) \
        in lines, lines
