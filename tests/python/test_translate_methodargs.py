"""Method calls with any keyword, `*` and `**` arguments, and the `...`
constant (docs/translation.md, "Calls" and "Python's own builtins").

PYTEST_DONT_REWRITE: the cases' own assert statements must give CPython's
messages, not pytest's rewritten ones.

Each case runs natively in CPython and translated (on copies of its
arguments) and must give the same value and type, the same arguments after
the call, or the same exception type and message: the receiver's type is
known only at run time, so a Python object gets its own method with the
keywords (through the host), a value of the runtime's own (a str, list,
dict ... made by translated code) its method or CPython 3.11's TypeError.
Until the twenty-fifth session these were TranslationErrors: "the keyword
argument tzinfo= of replace()", "'*' arguments to a method", "'**'
arguments to a builtin function or method", "a constant of type ellipsis".
"""

import ast
import calendar
import collections
import contextlib
import dataclasses
import datetime
import email.utils
import functools
import inspect
import io

import pytest

import tandem
from xlate_same import case_id, check, check_outcome, outcome


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def boom():
    raise ValueError("boom")


# ---- keywords to a method the runtime knows by name -----------------------------------

def kw_replace(o):
    return o.replace(tzinfo=None)


def kw_replace_str():
    return "abc".replace("a", "b", count=1)


def kw_replace_made(o):
    s = str(o)                       # a str of the runtime's own
    return s.replace(tzinfo=1)


def kw_pop():
    return [1].pop(i=0)


def kw_get(d):
    return d.get(1, default=2)


def kw_union_set():
    s = {2}
    return s.union({1}, foo=1)


def kw_union_bound():
    m = {2}.union
    return m({1}, foo=1)


def kw_union_frozen():
    return frozenset({2}).union({1}, foo=1)


def kw_union_desc():
    return set.union({2}, foo=1)


def kw_find():
    return "abc".find("b", start=0)


def kw_find_bound():
    m = "abc".find
    return m("b", start=0)


def kw_split_bad():
    return "a b".split(" ", foo=1)


def kw_split_count():
    return "a b".split(" ", 1, foo=1)


def kw_split_both():
    return "a b".split(" ", sep=" ")


def kw_split_desc():
    return str.split("a b", foo=" ")


def kw_splitlines():
    return "a\nb".splitlines(keepends=True, foo=2)


def kw_sort(xs, k):
    xs.sort(**k)
    return xs


def kw_sort_native(xs, k):
    xs = list(xs)                   # the runtime's own list (xs: a Python list)
    xs.sort(**k)
    return xs


def kw_sort_native_kw(xs):
    xs = list(xs)
    xs.sort(key=len, foo=1)
    return xs


def kw_sort_pos(xs):
    return xs.sort(1, foo=2)


def kw_sort_three(xs):
    return xs.sort(1, 2, foo=3)


def kw_fromkeys():
    return dict.fromkeys([1], value=1)


def kw_bit_length(n):
    return n.bit_length(foo=1)


def kw_send():
    def g():
        yield 1
    return g().send(value=1)


def kw_format_map():
    return "x".format_map({}, foo=1)


def kw_update(d):
    d.update([(1, 2)], a=3, b=4)
    return d


def kw_update_native(d, k):
    d = dict(d)                     # the runtime's own dict (d: a Python dict)
    d.update([(1, 2)], a=3, **k)
    return d


def kw_update_only(d):
    d.update(x=1)
    return d


def kw_update_two(d):
    d = dict(d)                     # the runtime's own dict
    return d.update({}, 3, a=1)


def kw_update_two_py(d):
    return d.update(1, 3, a=1)      # a Python dict: its own error


def kw_index_range():
    return range(5).index(2, start=0)


def kw_encode():
    return "abc".encode(encoding="ascii", errors="strict")


def kw_missing_first(o):
    return o.nosuch(k=boom())


def kw_missing_first_pos(o):
    return o.replace(1, k=boom())


def kw_python_effects(o):
    return o.union(1, foo=int("1"))


class Sig:
    def replace(self, *, parameters=None, tzinfo=None):
        return ("replaced", parameters, tzinfo)

    def __eq__(self, other):            # (the cases' copies compare equal)
        return type(other) is Sig

    __hash__ = object.__hash__


class SetSub(set):
    pass


class DictSub(dict):
    def get(self, k, d=None):
        return ("mine", k, d)


def kw_py_union(o):
    return o.union(1, foo=1)


def kw_py_params(o, ps):
    return o.replace(parameters=ps)


KW_CASES = [
    (kw_replace, (datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc),)),
    (kw_replace, (datetime.time(1, 2, tzinfo=datetime.timezone.utc),)),
    (kw_replace, ("abc",)), (kw_replace, ([],)), (kw_replace, ({},)), (kw_replace, (5,)),
    (kw_replace, (Sig(),)), (kw_replace, (None,)),
    (kw_replace_str, ()), (kw_replace_made, (12,)), (kw_pop, ()),
    (kw_get, ({1: 1},)), (kw_get, (DictSub(),)), (kw_get, (collections.OrderedDict(),)),
    (kw_union_set, ()), (kw_union_bound, ()), (kw_union_frozen, ()), (kw_union_desc, ()),
    (kw_find, ()), (kw_find_bound, ()), (kw_split_bad, ()), (kw_split_count, ()),
    (kw_split_both, ()), (kw_split_desc, ()), (kw_splitlines, ()),
    (kw_sort, ([3, 1, 2], {"reverse": True})), (kw_sort, ([3, 1, 2], {"foo": 1})),
    (kw_sort, ([3, 1, 2], {"key": None, "foo": 1})),
    (kw_sort, ([3, 1, 2], {"foo": 1, "bar": 2, "baz": 3})),
    (kw_sort_native, ([3, 1, 2], {"reverse": True})), (kw_sort_native, ([3, 1, 2], {"foo": 1})),
    (kw_sort_native, ([3, 1, 2], {"key": None, "foo": 1})),
    (kw_sort_native, ([3, 1, 2], {"foo": 1, "bar": 2, "baz": 3})),
    (kw_sort_native, ([3, 1, 2], {"key": abs, "reverse": 1})), (kw_sort_native_kw, (["a"],)),
    (kw_sort_pos, ([2, 1],)), (kw_sort_three, ([2, 1],)),
    (kw_fromkeys, ()), (kw_bit_length, (5,)), (kw_bit_length, (True,)),
    (kw_bit_length, (2 ** 70,)), (kw_send, ()), (kw_format_map, ()),
    (kw_update, ({},)), (kw_update, ({"a": 0, 1: 1},)), (kw_update_only, ({"x": 0, "y": 1},)),
    (kw_update_native, ({"a": 0, 1: 1}, {})), (kw_update_native, ({"b": 0}, {"b": 5, "c": 6})),
    (kw_update_native, ({}, {"a": 1})), (kw_update_native, ({}, {1: 1})),
    (kw_update_two, ({},)), (kw_update_two_py, ({},)), (kw_index_range, ()), (kw_encode, ()),
    (kw_missing_first, ([],)), (kw_missing_first, ("s",)), (kw_missing_first, (Sig(),)),
    (kw_missing_first_pos, ([],)), (kw_missing_first_pos, (Sig(),)),
    (kw_missing_first_pos, ("s",)),
    (kw_python_effects, (set(),)), (kw_python_effects, (SetSub(),)),
    (kw_py_union, (set(),)), (kw_py_union, (SetSub(),)), (kw_py_union, (frozenset(),)),
    (kw_py_params, (Sig(), (1, 2))), (kw_py_params, ("s", (1, 2))),
]


@pytest.mark.parametrize("case", KW_CASES, ids=[case_id(c) for c in KW_CASES])
def test_method_keywords(lua, case):
    f, args = case
    check(lua, f, args, args_too=True)


# ---- '*' and '**' arguments to a method --------------------------------------------------

def st_append(xs, a):
    xs.append(*a)
    return xs


def st_append_native(xs, a):
    xs = list(xs)                   # the runtime's own list (xs: a Python list)
    xs.append(*a)
    return xs


def st_get_native(d, a):
    d = dict(d)
    return d.get(*a)


def st_union_native(s):
    s = set(list(s))            # (set() of a Python set stays partly Python's)
    return (s.union(*[[2], (3,)]), s.union(*[]), s.union(*({4},)))


def st_union_native_bad(s):
    s = set(list(s))
    return s.union(*[5])


def st_pop_native(xs, k):
    xs = list(xs)
    return xs.pop(**k)


def st_update_native(d, a, k):
    d = dict(d)
    d.update(*a, **k)
    return d


def st_get(d, a):
    return d.get(*a)


def st_find(s, a):
    return s.find(*a)


def st_format(a):
    return "{} and {}".format(*a)


def st_union(s, a):
    return s.union(*a)


def st_bound_count(a):
    return range(5).index(*a)


def st_py(o, a, k):
    return o.replace(*a, **k)


def st_dstar(o, k):
    return o.pop(**k)


def st_missing_first(o):
    return o.nosuch(*boom())


def st_missing_first_dstar(o):
    return o.nosuch(**boom())


def st_not_iterable(xs):
    return xs.append(*5)


def st_not_mapping(xs):
    return xs.append(**5)


def st_order():
    log = []
    xs = [log]
    xs.append(*[log.append(1) or 2])
    return xs


def st_calendar(y, k):
    cal = calendar.TextCalendar()
    return cal.formatmonth(y, 2, **k)


def st_kw_and_star(s, a):
    return s.split(*a, maxsplit=1)


STAR_CASES = [
    (st_append, ([], [1])), (st_append, ([], [1, 2])), (st_append, ([], [])),
    (st_append, ([], "a")),
    (st_append_native, ([], [1])), (st_append_native, ([], [1, 2])),
    (st_append_native, ([], [])), (st_append_native, ([], "a")),
    (st_get_native, ({1: 2}, [1])), (st_get_native, ({1: 2}, [3, 4])),
    (st_get_native, ({1: 2}, [1, 2, 3])), (st_get_native, ({1: 2}, [])),
    (st_union_native, ({1},)), (st_union_native_bad, ({1},)),
    (st_pop_native, ([1, 2], {})), (st_pop_native, ([1, 2], {"index": 0})),
    (st_update_native, ({1: 2}, [[(3, 4)]], {"a": 1})), (st_update_native, ({}, [], {})),
    (st_update_native, ({}, [1, 2], {})), (st_update_native, ({}, [5], {})),
    (st_get, ({1: 2}, [1])), (st_get, ({1: 2}, [3, 4])),
    (st_get, ({1: 2}, [1, 2, 3])), (st_get, ({1: 2}, [])),
    (st_find, ("abcb", ["b"])), (st_find, ("abcb", ["b", 2])), (st_find, ("abcb", ["b", 0, 5, 6])),
    (st_find, ("abcb", [])), (st_format, ([1, 2],)), (st_format, ([1],)),
    (st_union, ({1}, [[2], (3,)])), (st_union, (frozenset({1}), [])),
    (st_union, ({1}, [5])), (st_bound_count, ([2],)), (st_bound_count, ([2, 3],)),
    (st_py, (datetime.date(2020, 1, 2), [2021], {"day": 5})),
    (st_py, (datetime.date(2020, 1, 2), [2021], {"year": 5})),
    (st_py, (datetime.date(2020, 1, 2), [2021, 1, 1, 1], {})),
    (st_py, ("aXa", ["a", "b"], {})), (st_py, ("aXa", ["a", "b"], {"count": 1})),
    (st_py, (Sig(), [], {"tzinfo": 1})), (st_py, (Sig(), [1], {})),
    (st_dstar, ([1, 2], {})), (st_dstar, ([1, 2], {"index": 0})), (st_dstar, ({1: 2}, {"k": 1})),
    (st_missing_first, ([],)), (st_missing_first, (Sig(),)),
    (st_missing_first_dstar, ([],)), (st_missing_first_dstar, (Sig(),)),
    (st_not_iterable, ([],)), (st_not_mapping, ([],)), (st_order, ()),
    (st_calendar, (2023, {})), (st_calendar, (2023, {"w": 3, "l": 2})),
    (st_calendar, (2023, {"bogus": 1})),
    (st_kw_and_star, ("a b c", [" "])), (st_kw_and_star, ("a b c", [" ", 2])),
]


@pytest.mark.parametrize("case", STAR_CASES, ids=[case_id(c) for c in STAR_CASES])
def test_method_star_arguments(lua, case):
    f, args = case
    check(lua, f, args, args_too=True)


# ---- `*` arguments of any call: what is iterable, and CPython's two messages ----------

def _g(*a):
    return a


def sa_iterables():
    return (_g(*{1, 2}), _g(*range(3)), _g(*(x for x in [1, 2])), _g(*frozenset([1])),
            _g(*{1: 2}.items()), _g(*"ab"), _g(*b"ab"), _g(*zip([1], [2])), _g(*{3: 4}))


def sa_sole(x):
    return _g(*x)               # CPython: CALL_FUNCTION_EX names the callee


def sa_listed(x):
    return _g(1, *x)            # CPython: a list built, LIST_EXTEND's message


def sa_two(x):
    return _g(*[1], *x)


def sa_method_sole(x):
    return {}.update(*x)


def sa_method_listed(x):
    return [].append(1, *x)


def sa_bool_method(x):
    return True.bit_length(*x)


def sa_type(x):
    return type(...)(*x)


def sa_fromkeys(x):
    return dict.fromkeys(*x)


def sa_bool_bound(x):
    m = x.bit_length
    return m(1)


def sa_bool_call(x):
    return x.bit_length(1)


def sa_dstar_dup():
    d = {}
    return d.update(**{"a": 1}, a=2)


class _Seq:
    def __getitem__(self, i):
        if i < 2:
            return i
        raise IndexError(i)


STARARG_CASES = [(sa_iterables, ())] + [
    (f, (x,)) for f in (sa_sole, sa_listed, sa_two, sa_method_sole, sa_method_listed,
                        sa_bool_method, sa_type, sa_fromkeys)
    for x in (5, None, object(), {"a": 1}, _Seq(), [1, 2][:0])
] + [(sa_dstar_dup, ()), (sa_bool_bound, (True,)), (sa_bool_call, (True,)),
       (sa_bool_bound, (3,)), (sa_bool_call, (3,))]


@pytest.mark.parametrize("case", STARARG_CASES, ids=[case_id(c) for c in STARARG_CASES])
def test_star_arguments_of_calls(lua, case):
    f, args = case
    check(lua, f, args)


# ---- `...` ---------------------------------------------------------------------------

def el_value():
    return ...


def el_is(x):
    return (x is ..., x is not ..., x == ...)


def el_text():
    return (repr(...), str(...), type(...).__name__, [..., ...], ... is ...)


def el_default(x=...):
    return x is ...


def el_in(xs):
    return ... in xs


ELLIPSIS_CASES = [
    (el_value, ()), (el_is, (...,)), (el_is, (None,)), (el_is, (0,)), (el_text, ()),
    (el_default, ()), (el_default, (1,)), (el_in, ([1, ...],)), (el_in, ([1],)),
]


@pytest.mark.parametrize("case", ELLIPSIS_CASES, ids=[case_id(c) for c in ELLIPSIS_CASES])
def test_ellipsis(lua, case):
    f, args = case
    check(lua, f, args)


def test_ellipsis_crosses_back_as_itself(lua):
    assert lua.translate(el_value)() is Ellipsis


# ---- the stdlib functions these unblocked -------------------------------------------------

@dataclasses.dataclass
class Point:
    x: int
    y: int = 2
    z: int = dataclasses.field(default=0, init=False)


def _sample(a, b=1, *c, d, e=2, **f):
    pass


class _K:
    def m(self, a, b=2):
        pass


def _run(f, args, kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        r = outcome(f, args, kwargs)
    return r, out.getvalue()


def _dumped(r):
    """An outcome with an ast node's value as its dump (nodes compare by identity)."""
    if r[0] == "ok" and isinstance(r[1], ast.AST):
        return ("ok", ast.dump(r[1]))
    return r


_SIG = inspect.signature(_sample)
STDLIB_CASES = [
    (email.utils.localtime, (datetime.datetime(2020, 5, 17, 12, tzinfo=datetime.timezone.utc),),
     {}),
    (email.utils.localtime, (datetime.datetime(2020, 5, 17, 12),), {}),
    (inspect._signature_bound_method, (inspect.signature(_K.m),), {}),
    (inspect._signature_bound_method, (inspect.signature(lambda: 0),), {}),
    (inspect._signature_from_callable, (_K().m,), {"sigcls": inspect.Signature}),
    (inspect._signature_from_callable, (functools.partial(_sample, 1, d=3),),
     {"sigcls": inspect.Signature}),
    (inspect._signature_get_partial, (_SIG, functools.partial(_sample, 1, d=4)), {}),
    (inspect._signature_get_partial, (_SIG, functools.partial(_sample, 1, 2, 3, zz=4)), {}),
    (dataclasses.replace, (Point(1, 3),), {"y": 5}),
    (dataclasses.replace, (Point(1, 3),), {"z": 5}),
    (dataclasses.replace, (Point(1, 3),), {"w": 5}),
    (dataclasses.replace, (5,), {"w": 5}),
    (ast._new, (ast.Num, 5), {}),
    (ast._new, (ast.Str,), {"value": "s"}),
    (inspect.getblock, (["def f(x):\n", "    return x\n", "y = 1\n"],), {}),
    (inspect.getblock, (["x = 1\n"],), {}),
    (inspect._missing_arguments, ("f", ["a", "b", "c"], True, {}), {}),
    (inspect._missing_arguments, ("f", ["a", "b"], False, {}), {}),
    (inspect._missing_arguments, ("f", ["a"], True, {}), {}),
    (ast.dump, (ast.parse("x = f(1, *a, k=...)"),), {}),
    (ast.dump, (ast.parse("x = 1"),), {"indent": 2, "include_attributes": True}),
    (ast.dump, (ast.parse("def f(): ..."),), {"annotate_fields": False}),
    (calendar.main, (["calendar", "2023", "2"],), {}),
    (calendar.main, (["calendar", "-w", "3", "-l", "2", "2023"],), {}),
]


@pytest.mark.parametrize("case", STDLIB_CASES,
                         ids=["%s%d" % (c[0].__name__, i) for i, c in enumerate(STDLIB_CASES)])
def test_stdlib_functions(lua, case):
    f, args, kwargs = case
    native, out = _run(f, args, kwargs)
    translated, tout = _run(lua.translate(f), args, kwargs)
    check_outcome(_dumped(native), _dumped(translated))
    assert tout == out
