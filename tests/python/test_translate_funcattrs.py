"""Attributes given to functions in translated code (`wrapper.calls = 0`,
`wrapper.cache = {}`: counting and memoizing decorators): a nested
function keeps them in translated code; a module-level function's are set
on the Python function it is, where Python code sees them. Until the
thirtieth session the assignment raised a catchable AttributeError
("'function' object has no attribute 'calls'"), a silently different path
for `try: f.x = ... except AttributeError:`. Dunders stay refused."""

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
def counted(fn):
    def wrapper(*args):
        wrapper.calls += 1
        return fn(*args)
    wrapper.calls = 0
    return wrapper

def memo(fn):
    def wrapper(n):
        if n not in wrapper.cache:
            wrapper.cache[n] = fn(n)
        return wrapper.cache[n]
    wrapper.cache = {}
    return wrapper

def use_counted(xs):
    double = counted(lambda x: 2 * x)
    out = [double(x) for x in xs]
    return out, double.calls

def use_memo(n):
    @memo
    def fib(k):
        return k if k < 2 else fib(k - 1) + fib(k - 2)
    return fib(n), sorted(fib.cache)[:5], len(fib.cache)

def kinds():
    def f():
        return 1
    f.none = None
    f.false = False
    f.zero = 0
    f.items = [1]
    f.items.append(2)
    out = [f.none, f.false, f.zero, f.items, hasattr(f, "none"), hasattr(f, "other"),
           getattr(f, "other", "dflt")]
    del f.zero
    out.append(hasattr(f, "zero"))
    try:
        del f.zero
    except AttributeError as e:
        out.append(str(e))
    try:
        f.missing
    except AttributeError as e:
        out.append(str(e))
    return out

def helper():
    return 1

def top_level(x):
    helper.tag = x
    return helper.tag, getattr(helper, "tag")

def guarded():
    def w():
        return 1
    try:
        w.calls = 0
    except AttributeError:
        return "no function attributes"
    return w.calls
'''

NS = run_source(SRC, "<test_translate_funcattrs>")


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("name,args", [("use_counted", ([1, 2, 3],)), ("use_counted", ([],)),
                                       ("use_memo", (20,)), ("kinds", ()),
                                       ("guarded", ())])
def test_function_attributes(lua, name, args):
    check_outcome(outcome(NS[name], args), outcome(lua.translate(NS[name]), args))


def test_module_level_function_attribute_is_pythons(lua):
    """helper.tag set by translated code is on the Python function helper."""
    assert lua.translate(NS["top_level"])("t1") == ("t1", "t1")
    assert NS["helper"].tag == "t1"
    NS["helper"].tag = "from python"
    f = run_source("def g():\n    return helper.tag\n", "<funcattrs_g>", NS)["g"]
    assert lua.translate(f)() == "from python"


def test_dunders_refused(lua):
    f = run_source("def f():\n    def g():\n        pass\n    g.__doc__ = 'x'\n    return 1\n",
                   "<funcattrs_dunder>")["f"]
    with pytest.raises(NotImplementedError, match=r"\(tandem translation\)"):
        lua.translate(f)()


def test_module_level_attribute_held_list_refused(lua):
    """A list translated code still holds, stored on a module-level
    function (a Python object), is refused as on any Python object: the
    function would keep a copy."""
    f = run_source("def h():\n    return 1\n\ndef f():\n    xs = [1]\n    h.items = xs\n"
                   "    xs.append(2)\n    return h.items\n", "<funcattrs_held>")["f"]
    assert f() == [1, 2]
    with pytest.raises(NotImplementedError, match=r"attribute 'items'.*\(tandem translation\)"):
        lua.translate(f)()
