"""When the iterable of a call's `*` argument is iterated (docs/translation.md,
"Calls"). CPython makes the tuple of a call's only positional argument
`*it` at the call itself (CALL_FUNCTION_EX), after the keyword arguments
and `**` mappings ran: in `k(*gen(), z=h())` the generator starts after
h(), and `k(*xs, z=xs.append(9))` passes the 9. Translated code iterated
first (the log of side effects differed, and the list missed the item).
With other positional arguments CPython builds a list in order
(LIST_EXTEND), as translated code does. Each function runs natively and
translated; results and logs must be the same.
"""

import pytest

import tandem
from xlate_same import check_case, check_outcome, outcome, run_source

SRC = '''
class O:
    def m(self, *a, **kw):
        return a, sorted(kw.items())

def k(*a, **kw):
    return a, sorted(kw.items())

def mk(log):
    def gen(tag="g"):
        log.append(tag + "-start")
        yield 1
        log.append(tag + "-end")
    def h(v=2):
        log.append("h%r" % (v,))
        return v
    def d():
        log.append("d")
        return {"q": 3}
    return gen, h, d

def only_star_kw():
    log = []
    gen, h, d = mk(log)
    return k(*gen(), z=h()), log

def only_star_dstar():
    log = []
    gen, h, d = mk(log)
    return k(*gen(), **d()), log

def only_star_both():
    log = []
    gen, h, d = mk(log)
    return k(*gen(), z=h(), **d()), log

def kw_first():
    log = []
    gen, h, d = mk(log)
    return k(z=h(), *gen()), log

def positional_before():
    log = []
    gen, h, d = mk(log)
    return k(h(0), *gen(), z=h()), log

def two_stars():
    log = []
    gen, h, d = mk(log)
    return k(*gen("a"), *gen("b"), z=h()), log

def list_appended():
    xs = [1, 2]
    return k(*xs, z=xs.append(9)), xs

def method_call():
    log = []
    gen, h, d = mk(log)
    return O().m(*gen(), z=h()), log

def builtin_call():
    log = []
    gen, h, d = mk(log)
    return max(*gen("a"), 0, key=lambda x: (log.append("key"), x)[1]), log

def python_callable(f):
    log = []
    gen, h, d = mk(log)
    return f(*gen(), z=h()), log

def not_iterable():
    log = []
    gen, h, d = mk(log)
    try:
        k(*5, z=h())
    except TypeError as e:
        return str(e), log

def duplicate_keyword():
    log = []
    gen, h, d = mk(log)
    try:
        k(*gen(), a=1, **{"a": 2})
    except TypeError as e:
        return str(e), log

def star_no_keywords():
    log = []
    gen, h, d = mk(log)
    return k(*gen()), log
'''

NAMES = ["only_star_kw", "only_star_dstar", "only_star_both", "kw_first", "positional_before",
         "two_stars", "list_appended", "method_call", "builtin_call", "not_iterable",
         "star_no_keywords", "duplicate_keyword"]


@pytest.fixture(scope="module")
def env():
    return tandem.LuaRuntime(), run_source(SRC, "<tandem-test star order>")


@pytest.mark.parametrize("name", NAMES)
def test_star_iterated_when_cpython_iterates_it(env, name):
    check_case(env[0], (env[1][name], ()))


def test_python_callable_callee(env):
    lua, ns = env
    f = ns["python_callable"]

    def pyk(*a, **kw):
        return a, sorted(kw.items())
    check_outcome(outcome(f, (pyk,)), outcome(lua.translate(f), (pyk,)))
