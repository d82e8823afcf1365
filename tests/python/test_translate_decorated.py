"""Decorated nested functions (`@d def f` inside a translated function),
run natively in CPython and translated into Lua: same value and type, or the
same exception and message.

CPython 3.11 evaluates the decorator expressions first (top down), then the
def's defaults, makes the function, applies the decorators bottom up (each
at its own line) and stores the result; the name read inside the body is
the decorated value. Until the twenty-ninth session every decorated nested
def was a TranslationError."""
import linecache
import traceback

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
import functools

def twice(f):
    def g(x):
        return f(f(x))
    return g

def tag(name, log):
    def deco(f):
        log.append("apply " + name)
        def g(*a):
            return (name, f(*a))
        return g
    log.append("made " + name)
    return deco

def simple(x):
    @twice
    def inc(y):
        return y + 1
    return inc(x)

def stacked(x):
    log = []
    def default():
        log.append("default")
        return 10
    @tag("outer", log)
    @tag("inner", log)
    def f(a, b=default()):
        return a + b
    return f(x), log

def memo_recursion(n):
    calls = []
    def memo(f):
        cache = {}
        def g(k):
            if k not in cache:
                cache[k] = f(k)
            return cache[k]
        return g
    @memo
    def fib(k):
        calls.append(k)
        return k if k < 2 else fib(k - 1) + fib(k - 2)
    return fib(n), len(calls)

def not_callable(x):
    @(lambda f: [f.__name__, x])
    def named():
        return 1
    return named

def with_args(x):
    def times(k):
        return lambda f: (lambda y: f(y) * k)
    @times(3)
    @times(x)
    def base(y):
        return y - 1
    return base(5)

def generator_decorated(n):
    def listify(f):
        return lambda *a: list(f(*a))
    @listify
    def squares(k):
        for i in range(k):
            yield i * i
    return squares(n)

def in_generator(n):
    @twice
    def inc(y):
        return y + n
    yield inc(0)
    yield inc(1)

def nonlocal_name(x):
    def h(y):
        return -y
    def rebind():
        nonlocal h
        @twice
        def h(y):
            return y * 10
    rebind()
    return h(x)

def python_decorator(n):
    @functools.lru_cache(maxsize=None)
    def sq(k):
        return k * k
    return sq(n) + sq(n), sq.cache_info().hits

def self_reference(x):
    @f
    def f(y):
        return y
    return f(x)

def raising_decorator(x):
    def bad(f):
        raise ValueError("no %s" % f.__name__)
    @twice
    @bad
    def g():
        return x
    return g

def not_a_decorator(x):
    @twice
    @x
    def g():
        return 1
    return g

def function_names(x):
    def inner():
        return x
    lam = lambda: x
    return (inner.__name__, inner.__qualname__, lam.__name__, lam.__qualname__,
            twice.__name__, twice(inner).__qualname__)

def name_and_qualname(x):
    def keep(f):
        return f
    @keep
    def inner():
        return x
    return inner.__name__, inner.__qualname__, inner()
'''

NS = run_source(SRC, "<decorated>")

CASES = [
    ("simple", (3,)), ("stacked", (1,)), ("memo_recursion", (20,)),
    ("not_callable", (7,)), ("with_args", (2,)), ("generator_decorated", (5,)),
    ("nonlocal_name", (4,)), ("python_decorator", (6,)), ("self_reference", (1,)),
    ("raising_decorator", (1,)), ("name_and_qualname", (2,)), ("not_a_decorator", (1,)),
    ("function_names", (1,)),
]


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_decorated_nested_def(lua, name, args):
    f = NS[name]
    check_outcome(outcome(f, args), outcome(lua.translate(f), args))


def test_decorated_in_a_generator(lua):
    f = NS["in_generator"]
    assert list(lua.translate(f)(5)) == list(f(5)) == [10, 11]


def test_decorator_error_names_its_line(lua):
    """Applying a decorator that is not callable fails at the decorator's
    line, as CPython 3.11 reports it."""
    f = NS["not_a_decorator"]
    lines = []
    for run in (f, lua.translate(f)):
        with pytest.raises(TypeError, match="'int' object is not callable") as ei:
            run(1)
        frames = [fr for fr in traceback.extract_tb(ei.value.__traceback__)
                  if fr.filename == "<decorated>"]
        lines.append(frames[-1].lineno)
    assert lines[0] == lines[1]
    assert linecache.getline("<decorated>", lines[0]).strip() == "@x"


def test_decorated_translation_is_lua_code(lua):
    """The decorated def is translated, not handed to Python: the result of
    a translated decorator is a translated function called in Lua."""
    lua.translate(NS["simple"])
    src = tandem.translated_source(NS["simple"])
    assert "twice" in src and "inc" in src
