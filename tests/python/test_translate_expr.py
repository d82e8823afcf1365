"""Translation of comprehensions, generator expressions, sets, star-unpacking,
slice assignment, del, global, raise ... from, map, filter, hash
(docs/translation.md; issue 9).

PYTEST_DONT_REWRITE: the cases' own assert statements must give CPython's
messages, not pytest's rewritten ones.

Table-driven like test_translate.py: every case runs natively in CPython and
translated in Lua; the results must be equal in value AND type (recursively;
sets also in iteration order), or both must raise the same exception type with
the same message.
"""

import enum
import random

import pytest

import tandem
from tandem import TranslationError
from xlate_same import case_id, check_case, same


# ---- helpers the cases call (translated too) ------------------------------------

def helper_stop(x):
    if x > 1:
        raise StopIteration
    return x


def helper_log(log, x):
    log.append(x)
    return x


# ---- comprehensions -------------------------------------------------------------

def c_listcomp(xs):
    return [x * x for x in xs], [x for x in xs if x % 2], [x for x in xs if x if x > 2]


def c_listcomp_range(n):
    return [i * 2 for i in range(n)], [i for i in range(n, 0, -2)], [i for i in range(2, n)]


def c_listcomp_nested_for(n):
    return [(i, j) for i in range(n) for j in range(i) if (i + j) % 2]


def c_listcomp_nested_comp(n):
    return [[y * x for y in range(x)] for x in range(n)]


def c_comp_no_leak(n):
    x = "outer"
    ys = [x for x in range(n)]
    return x, ys


def c_comp_enclosing(xs):
    k = 10
    return [x + k for x in xs], {x: k for x in xs}


def c_comp_late_binding(n):
    fs = [lambda: i for i in range(n)]
    return [f() for f in fs]


def c_comp_str(s):
    return [c.upper() for c in s if c != " "]


def c_comp_unpack(pairs):
    return [a + b for a, b in pairs], {k: v for k, v in pairs}


def c_comp_star_target(rows):
    return [(a, rest) for a, *rest in rows]


def c_dictcomp(n):
    return {x % 3: x for x in range(n)}, {str(x): [x] * x for x in range(n)}


def c_dictcomp_order(n):
    log = []
    d = {helper_log(log, "k" + str(i)): helper_log(log, i) for i in range(n)}
    return d, log


def c_setcomp(n):
    s = {x % 5 for x in range(n)}
    return s, len(s), sorted(s)


def c_comp_error_inside(xs):
    return [10 // x for x in xs]


def c_comp_first_iter_error(n):
    return [x for x in n]


def c_comp_unbound_in_enclosing(n):
    if not n:
        y = 1
    return [y for _ in range(1)]


def c_comp_shadows_global(n):
    return [len for len in range(n)], len("abc")


# ---- generator expressions ------------------------------------------------------

def c_genexp_builtins(xs):
    return (sum(x for x in xs), list(x * 2 for x in xs), tuple(x for x in xs if x),
            max(x % 3 for x in xs), min((x for x in xs), default=-1),
            sorted((-x for x in xs)), dict((x, x) for x in xs), "".join(str(x) for x in xs))


def c_genexp_lazy(xs):
    seen = []

    def f(x):
        seen.append(x)
        return x > 2
    r = any(f(x) for x in xs)
    r2 = all(f(x) for x in xs)
    return r, r2, seen


def c_genexp_creation(n):
    try:
        (x for x in n)
    except TypeError as e:
        return "at creation", str(e)
    return "later"


def c_genexp_late_error(xs):
    g = (10 // x for x in xs)
    out = []
    try:
        for v in g:
            out.append(v)
    except ZeroDivisionError as e:
        return out, str(e)
    return out


def c_genexp_range(a, b):
    return list(x * x for x in range(a, b)), sum(x for x in range(b)), \
        list(x for x in range(b, a, -3))


def c_genexp_range_creation(a):
    try:
        (x for x in range(a))
    except TypeError as e:
        return "at creation", str(e)
    return "later"


def c_genexp_stopiteration(xs):
    return list(helper_stop(x) for x in xs)


def c_genexp_exhausted(xs):
    g = (x for x in xs)
    return list(g), list(g)


def c_genexp_zip_enumerate(xs):
    return list(zip((x for x in xs), (y * 2 for y in xs))), \
        list(enumerate(x for x in xs if x > 1))


def c_genexp_nested(n):
    return sum(sum(j for j in range(i)) for i in range(n))


def c_genexp_none_values(n):
    return list(None for _ in range(n)), list(False for _ in range(n))


def c_genexp_late_binding(n):
    k = 1
    g = (x + k for x in range(n))
    k = 100
    return list(g)


def c_genexp_multi_for(n):
    seen = []
    g = ((i, j) for i in range(n) for j in range(i) if helper_log(seen, j) % 2 == 0)
    first = next_of(g)
    return first, list(g), seen


def next_of(g):
    for v in g:
        return v
    return None


def c_genexp_lambda_late(n):
    fs = list((lambda: x) for x in range(n))
    return [f() for f in fs]


def c_genexp_inner_late(n):
    gens = list((x * 10 + y for y in range(2)) for x in range(n))
    return [list(g) for g in gens]


def c_genexp_step_reentry(xs):
    g = (x for x in xs)
    out = []
    for a in g:
        for b in g:
            out.append((a, b))
            break
    return out


# ---- map, filter, hash ----------------------------------------------------------

def c_map_filter(xs):
    return (list(map(abs, xs)), list(map(lambda a, b: a * b, xs, [1, 2])),
            list(filter(None, xs)), list(filter(lambda x: x > 0, xs)))


def c_map_lazy(xs):
    log = []
    m = map(lambda x: helper_log(log, x), xs)
    first = [v for _, v in zip([0, 1], m)]
    return first, log


def c_map_error(x):
    return list(map(len, [x]))


def c_hash(x):
    return hash(x)


def c_hash_unhashable(x):
    return hash([x])


def c_hash_eq_keys(n):
    return hash(n) == hash(float(n)), hash(True) == hash(1), hash((n, "a")) == hash((n, "a"))


# ---- sets ----------------------------------------------------------------------------

def c_set_display(a, b):
    return {a, b}, {a, b, a}, {3, 1, 2}, {-1, -5, 17, 9}, {(1, 2), (2, 1), 3.5}


def c_set_basic(xs):
    s = set(xs)
    return len(s), 3 in s, 99 not in s, sorted(s), s, repr(s), str(s), list(s)


def c_set_empty(n):
    s = set()
    return s, repr(s), len(s), bool(s), bool({n})


def c_set_methods(xs):
    s = set(xs)
    s.add(100)
    s.add(3)
    s.discard(1)
    s.discard(12345)
    s.remove(2)
    t = s.copy()
    s.update([7, 8], (9,))
    return s, t, list(s), s.union([0, -1]), s.intersection(range(5)), s.difference([7]), \
        s.symmetric_difference({8, 55})


def c_set_ops(a, b):
    s, t = set(a), set(b)
    return s | t, s & t, s - t, t - s, s ^ t, s <= t, s < t, s >= t, s > t, s == t, \
        s != t, s.issubset(t), s.issuperset(b), s.isdisjoint(t)


def c_set_inplace_alias(xs):
    s = set(xs)
    alias = s
    s |= {50, 51}
    s -= {50}
    s &= set(range(60))
    s ^= {1, 2, 70}
    alias.add(-1)
    return len(s), list(alias)


def c_set_update_ops(xs):
    s = set(range(20))
    s.intersection_update(xs, range(10))
    t = set(range(20))
    t.difference_update(xs)
    u = set(xs)
    u.symmetric_difference_update(range(5))
    return s, t, u


def c_set_pop(xs):
    s = set(xs)
    out = []
    while s:
        out.append(s.pop())
    return out


def c_set_pop_empty(n):
    return set().pop()


def c_set_remove_missing(x):
    s = {1, 2}
    s.remove(x)
    return s


def c_set_unhashable(x):
    return {x, [x]}


def c_set_in_unhashable(x):
    return [x] in {1, 2}


def c_set_strings(words):
    s = set(words)
    s.add("zeta")
    s.discard(words[0])
    return s, list(s), repr(s), sorted(s)


def c_set_mixed(n):
    s = {n, float(n), True, None, "x", (1, 2), 2.5, -7}
    return s, list(s), len(s)


def c_set_changed_during_iteration(n):
    s = set(range(n))
    for x in s:
        s.add(x + 100)
    return s


def c_set_big(n):
    s = set()
    for i in range(n):
        s.add(i * i % 997)
        if i % 4 == 0:
            s.discard(i % 50)
    return list(s), len(s)


def c_set_binop_type_error(xs):
    return {1} | xs


def c_set_ordering_type_error(xs):
    return {1} <= xs


def c_set_star_display(a, b):
    return {*a, *b}, {*a, 99}, {0, *b}


def c_set_of_tuples_sorted(pairs):
    return sorted({(a, b) for a, b in pairs}), len(set(pairs))


def c_set_isinstance(xs):
    return isinstance(set(xs), set), isinstance(xs, set)


def c_set_random_ops(ops):
    s = set()
    out = []
    for op, x in ops:
        if op == 0:
            s.add(x)
        elif op == 1:
            s.discard(x)
        elif op == 2:
            if s:
                out.append(s.pop())
        elif op == 3:
            s |= {x, x + 1, x * 3}
        elif op == 4:
            s -= {x, x + 2}
        elif op == 5:
            s &= set(range(x, x + 120))
        elif op == 6:
            s ^= {x, -x}
        elif op == 7:
            s = s.copy()
        elif op == 8:
            s = s | set(range(x % 7))
        elif op == 9:
            s = s - {x}
        out.append(list(s))
    return out


# ---- star-unpacking ---------------------------------------------------------------

def c_star_assign(xs):
    a, *b = xs
    *c, d = xs
    e, *f, g = xs
    return a, b, c, d, e, f, g


def c_star_assign_str(s):
    first, *mid, last = s
    return first, mid, last


def c_star_assign_short(xs):
    a, *b, c = xs
    return a, b, c


def c_star_assign_nested(xs):
    (a, *b), c = xs
    return a, b, c


def c_star_assign_not_iterable(n):
    a, *b = n
    return a, b


def c_star_for(rows):
    out = []
    for a, *rest in rows:
        out.append((a, rest))
    return out


def c_star_display(a, b):
    return [*a, *b], (*a, 1, *b), [0, *a, 0], (*b,), [*"ab", *range(3)]


def c_star_display_order(n):
    log = []
    r = [*[helper_log(log, 1)], helper_log(log, 2), *(helper_log(log, x) for x in range(n))]
    return r, log


def c_star_display_error(n):
    return [1, *n]


# ---- slice assignment and del -------------------------------------------------------

def c_slice_assign(xs):
    a = list(xs)
    a[1:3] = [7, 8, 9]
    b = list(xs)
    b[:] = []
    c = list(xs)
    c[::2] = [0] * len(c[::2])
    d = list(xs)
    d[10:20] = [1]
    e = list(xs)
    e[-2:] = "xy"
    f = list(xs)
    f[1:] = f
    g = list(xs)
    g[::-1] = list(xs)
    h = list(xs)
    h[3:1] = [None]
    return a, b, c, d, e, f, g, h


def c_slice_assign_extended_mismatch(xs):
    a = list(xs)
    a[::2] = [1, 2]
    return a


def c_slice_assign_not_iterable(xs):
    a = list(xs)
    a[1:2] = 5
    return a


def c_slice_assign_tuple(t):
    t[1:2] = [1]
    return t


def c_del_items(xs):
    a = list(xs)
    del a[0]
    del a[-1]
    b = list(xs)
    del b[1:3]
    c = list(xs)
    del c[::2]
    d = list(xs)
    del d[::-3]
    e = {1: "a", 2: "b", 3: "c"}
    del e[2]
    e[4] = "d"
    f = list(xs)
    del f[0], f[0]
    return a, b, c, d, e, list(e), f


def c_del_index_error(i):
    a = [1, 2]
    del a[i]
    return a


def c_del_key_error(k):
    d = {"a": 1}
    del d[k]
    return d


def c_del_tuple_item(i):
    t = (1, 2)
    del t[i]
    return t


def c_del_local(x):
    y = x
    if x:
        del y
    return y


def c_del_local_then_rebind(x):
    y = x
    del y
    y = x + 1
    return y


def c_del_unbound(x):
    if x:
        z = 1
    del z
    return x


def c_list_remove(xs):
    a = list(xs)
    a.remove(2)
    a.remove(None)
    return a


def c_list_remove_missing(x):
    a = [1, 2]
    a.remove(x)
    return a


def c_dict_update(pairs):
    d = {"a": 1}
    d.update({"b": 2, "a": 3})
    d.update(pairs)
    d.update([("z", 0)])
    return d


def c_dict_update_bad(x):
    d = {}
    d.update([x])
    return d


# ---- raise ... from ---------------------------------------------------------------

def c_raise_from(x):
    try:
        return 1 // x
    except ZeroDivisionError as e:
        raise ValueError("bad " + str(x)) from e


def c_raise_from_none(x):
    raise KeyError(x) from None


def c_raise_from_class(x):
    raise ValueError from TypeError


def c_raise_from_bad(x):
    raise ValueError("v") from x


def c_raise_from_caught(x):
    try:
        raise ValueError("inner") from KeyError("k")
    except ValueError as e:
        return str(e)


# ---- global ----------------------------------------------------------------------------

G_VALUE = 0
G_LIST = None


def helper_read_gvalue():
    return G_VALUE


def c_global_write(x):
    global G_VALUE
    G_VALUE = x * 2
    return helper_read_gvalue(), G_VALUE


G_COUNT = 0


def c_global_aug(n):
    global G_COUNT
    G_COUNT = 0
    for i in range(n):
        G_COUNT += i

    def inner():
        return G_COUNT * 2
    return G_COUNT, inner(), [G_COUNT + k for k in range(2)]


def c_proxy_targets(lst):
    lst[1:3] = [7, 8, 9]
    del lst[0]
    del lst[-2:]
    a, *b = lst
    return a, b, [*lst, *lst], {*lst}


def c_range_object(n):
    r = range(1, n, 2)
    return (len(r), list(r), 3 in r, 4 in r, 3.0 in r, r[0], r[-1], repr(r), r == range(1, n, 2),
            list(range(n)), sum(range(n)), list(zip(range(3), "abc")), set(range(n)),
            len(range(10, 0, -3)), list(range(10, 0, -3)), range(0) == range(5, 5))


def c_range_errors(n):
    return range(n)


def c_range_index_error(n):
    return range(n)[n]


CASES = [
    (c_listcomp, ([1, 2, 3, 4, 0],)), (c_listcomp_range, (7,)), (c_listcomp_range, (0,)),
    (c_listcomp_nested_for, (5,)), (c_listcomp_nested_comp, (4,)), (c_comp_no_leak, (3,)),
    (c_comp_enclosing, ([1, 2],)), (c_comp_late_binding, (3,)), 
    (c_comp_str, ("a b c",)), (c_comp_unpack, ([(1, 2), (3, 4)],)),
    (c_comp_star_target, ([(1, 2, 3), (4,)],)), (c_dictcomp, (5,)), (c_dictcomp_order, (3,)),
    (c_setcomp, (12,)), (c_comp_error_inside, ([1, 0],)), (c_comp_first_iter_error, (5,)),
    (c_comp_unbound_in_enclosing, (1,)), (c_comp_shadows_global, (3,)),
    (c_genexp_builtins, ([3, 1, 2, 0, 5],)), (c_genexp_lazy, ([1, 5, 2, 7],)),
    (c_genexp_creation, (5,)), (c_genexp_late_error, ([1, 2, 0, 4],)),
    (c_genexp_range, (2, 11)), (c_genexp_range_creation, ("a",)),
    (c_genexp_range_creation, (3,)), (c_genexp_stopiteration, ([0, 1, 2, 3],)),
    (c_genexp_exhausted, ([1, 2],)), (c_genexp_zip_enumerate, ([1, 2, 3],)),
    (c_genexp_nested, (6,)), (c_genexp_multi_for, (5,)), (c_genexp_lambda_late, (3,)),
    (c_genexp_inner_late, (3,)), (c_genexp_step_reentry, ([1, 2, 3, 4, 5],)), (c_genexp_none_values, (3,)), (c_genexp_late_binding, (3,)),
    (c_map_filter, ([-1, 0, 2, -3],)), (c_map_lazy, ([5, 6, 7, 8],)), (c_map_error, (5,)),
    (c_hash, (0,)), (c_hash, (-1,)), (c_hash, (2 ** 61 - 1,)), (c_hash, (2 ** 63 - 1,)),
    (c_hash, (-2 ** 63,)), (c_hash, (True,)), (c_hash, (1.5,)), (c_hash, (-0.0,)),
    (c_hash, (1e300,)), (c_hash, (5e-324,)), (c_hash, (float("inf"),)),
    (c_hash, (-123.456,)), (c_hash, ((1, (2, "x"), None),)), (c_hash, ("héllo",)),
    (c_hash, (None,)), (c_hash, ((),)), (c_hash_unhashable, (1,)), (c_hash_eq_keys, (7,)),
    (c_set_display, (1, 9)), (c_set_display, ("a", "b")), (c_set_basic, ([3, 1, 4, 1, 5, 9],)),
    (c_set_empty, (0,)), (c_set_methods, ([1, 2, 3, 4, 5, 6, 13],)),
    (c_set_ops, ([1, 2, 3, 8, 9], [2, 3, 4, 16])), (c_set_ops, ([1, 2], [1, 2, 3])),
    (c_set_ops, ([5], [5])), (c_set_inplace_alias, ([1, 2, 3],)),
    (c_set_update_ops, ([1, 3, 5, 7, 9, 11],)), (c_set_pop, ([9, 1, 17, 25, 3, 0, -8],)),
    (c_set_pop_empty, (0,)), (c_set_remove_missing, (5,)), (c_set_unhashable, (1,)),
    (c_set_in_unhashable, (1,)), (c_set_strings, (["b", "a", "c", "d"],)),
    (c_set_mixed, (1,)), (c_set_changed_during_iteration, (3,)), (c_set_big, (300,)),
    (c_set_binop_type_error, ([1],)), (c_set_ordering_type_error, ([1],)),
    (c_set_star_display, ([1, 8, 16], (3, 24))), (c_set_of_tuples_sorted, ([(1, 2), (0, 5)],)),
    (c_set_isinstance, ([1],)),
    (c_star_assign, ([1, 2, 3, 4],)), (c_star_assign, ((1, 2),)), (c_star_assign_str, ("hello",)),
    (c_star_assign_short, ([1],)), (c_star_assign_nested, ([[1, 2, 3], 4],)),
    (c_star_assign_not_iterable, (5,)), (c_star_for, ([(1, 2), (3,), (4, 5, 6)],)),
    (c_star_display, ([1, 2], (3,))), (c_star_display_order, (2,)), (c_star_display_error, (3,)),
    (c_slice_assign, ([1, 2, 3, 4, 5],)), (c_slice_assign_extended_mismatch, ([1, 2, 3, 4, 5],)),
    (c_slice_assign_not_iterable, ([1, 2, 3],)), (c_slice_assign_tuple, ((1, 2, 3),)),
    (c_del_items, ([1, 2, 3, 4, 5, 6, 7],)), (c_del_index_error, (5,)), (c_del_index_error, (-3,)),
    (c_del_key_error, ("b",)), (c_del_tuple_item, (0,)), (c_del_local, (1,)),
    (c_del_local_then_rebind, (1,)), (c_del_unbound, (0,)), (c_del_unbound, (1,)),
    (c_list_remove, ([1, None, 2, 3, 2],)), (c_list_remove_missing, (5,)),
    (c_dict_update, ([("c", 1), ("a", 9)],)), (c_dict_update_bad, ((1, 2, 3),)),
    (c_dict_update_bad, (5,)),
    (c_raise_from, (0,)), (c_raise_from, (2,)), (c_raise_from_none, ("k",)),
    (c_raise_from_class, (0,)), (c_raise_from_bad, (5,)), (c_raise_from_caught, (0,)),
    (c_global_write, (21,)), (c_global_aug, (5,)),
    (c_range_object, (9,)), (c_range_object, (0,)), (c_range_errors, ("x",)),
    (c_range_errors, (2.5,)), (c_range_index_error, (3,)),
]


def _random_ops(seed):
    r = random.Random(seed)
    pool = [r.randrange(-40, 300) for _ in range(50)]
    return [(r.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]), r.choice(pool))
            for _ in range(r.randrange(20, 160))]


CASES += [(c_set_random_ops, (_random_ops(seed),)) for seed in range(12)]


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_case(lua, case):
    check_case(lua, case)


# ---- behaviour beyond a value -------------------------------------------------------

def test_raise_from_sets_cause(lua):
    lf = lua.translate(c_raise_from)
    with pytest.raises(ValueError) as info:
        lf(0)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert str(info.value.__cause__) == "integer division or modulo by zero"
    assert info.value.__suppress_context__
    lf = lua.translate(c_raise_from_none)
    with pytest.raises(KeyError) as info:
        lf("k")
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_global_write_reaches_module(lua):
    global G_VALUE
    lf = lua.translate(c_global_write)
    assert lf(5) == (10, 10)
    assert G_VALUE == 10
    G_VALUE = 3
    assert lf(1) == (2, 2) and G_VALUE == 2


def g_fresh_list(n):
    global G_LIST
    G_LIST = [n, n + 1]
    return G_LIST


def g_aliased_list(n):
    global G_LIST
    mine = [n]
    G_LIST = mine
    mine.append(2)
    return G_LIST


def g_del_global(n):
    global G_LIST
    del G_LIST
    return n


def test_global_containers(lua):
    assert lua.translate(g_fresh_list)(4) == [4, 5] and G_LIST == [4, 5]
    with pytest.raises(NotImplementedError, match="global 'G_LIST'"):
        lua.translate(g_aliased_list)(1)
    assert lua.translate(g_del_global)(1) == 1
    assert "G_LIST" not in globals()
    with pytest.raises(NameError):
        lua.translate(g_del_global)(1)
    globals()["G_LIST"] = None


def r_nan_hash(x):
    return hash(x)


def r_nan_in_set(x):
    return {x, 1}


def test_nan_hash_is_refused(lua):
    # CPython 3.10+ hashes a NaN by its address: no exact answer exists
    with pytest.raises(NotImplementedError, match="NaN"):
        lua.translate(r_nan_hash)(float("nan"))
    with pytest.raises(NotImplementedError, match="NaN"):
        lua.translate(r_nan_in_set)(float("nan"))


def r_return_collided_set(n):
    s = {8, 0}
    s.discard(8)
    s.add(16)
    return s


def test_set_leaving_keeps_order_or_refuses(lua):
    # a set crosses back as a new Python set built in the translated set's order;
    # when CPython would order that rebuild differently it is refused, never reordered
    lf = lua.translate(r_return_collided_set)
    native = r_return_collided_set(0)
    try:
        got = lf(0)
    except NotImplementedError as e:
        assert "order" in str(e)
    else:
        assert list(got) == list(native)
    s = lua.translate(c_set_display)(1, 9)
    assert [list(x) for x in s] == [list(x) for x in c_set_display(1, 9)]


def r_comp_var_reserved(xs):
    return [_tdm_r for _tdm_r in xs]


def r_async_comp(xs):
    global G_WALRUS
    return [(G_WALRUS := x) for x in xs]


def test_refused(lua):
    with pytest.raises(TranslationError, match="reserved by tandem"):
        lua.translate(r_comp_var_reserved)
    with pytest.raises(TranslationError, match="':=' in a comprehension assigning the global"):
        lua.translate(r_async_comp)


def test_genexp_leaving(lua):
    # a generator expression leaves translated code as a generator object
    # (pyrt/gen.lua, tandem._translate.LuaGenerator) that Python iterates
    import collections.abc
    g = lua.translate(g_genexp_leak)([1, 2])
    assert isinstance(g, collections.abc.Generator)
    assert g.__qualname__ == g_genexp_leak([]).__qualname__
    assert next(g) == 1
    assert list(g) == [2]
    with pytest.raises(StopIteration):
        next(g)


def g_genexp_leak(xs):
    return (x for x in xs)


def test_comprehension_in_source(lua):
    lua.translate(c_listcomp_nested_comp)
    src = tandem.translated_source(c_listcomp_nested_comp)
    assert "<listcomp>" in src


def test_deep_genexp_chain(lua):
    # genexps nested 50 deep (each a coroutine) still give the right answer
    def chain(n):
        g = (x for x in range(n))
        for _ in range(50):
            g = (x + 1 for x in g)
        return sum(g)
    lf = lua.translate(g_chain)
    assert lf(10) == g_chain(10)
    del chain


def g_chain(n):
    g = (x for x in range(n))
    for _ in range(50):
        g = (x + 1 for x in g)
    return sum(g)


def test_abandoned_genexps_do_not_leak_depth(lua):
    lf = lua.translate(g_abandon)
    for _ in range(3):
        assert lf(3000) == g_abandon(3000)


def g_abandon(n):
    t = 0
    for i in range(n):
        if any(x > 0 for x in range(5)):
            t += 1
    return t


def r_random_set(ops):
    s = set()
    for op, x in ops:
        if op < 5:
            s.add(x)
        elif op < 8:
            s.discard(x)
        elif s:
            s.pop()
    return s


def test_returned_sets_keep_order_or_refuse(lua):
    # a set leaving translated code iterates exactly as CPython's, or is refused
    lf = lua.translate(r_random_set)
    kept = 0
    for seed in range(60):
        r = random.Random(seed)
        ops = [(r.randrange(10), r.randrange(-50, 400)) for _ in range(r.randrange(1, 120))]
        native = r_random_set(ops)
        try:
            got = lf(ops)
        except NotImplementedError as e:
            assert "order" in str(e)
            continue
        assert list(got) == list(native)
        kept += 1
    assert kept > 30


def test_python_list_targets(lua):
    # a Python list passed in is a proxy: slice assignment, del and unpacking go
    # through the bridge and change the caller's list
    a, b = [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]
    assert same(lua.translate(c_proxy_targets)(b), c_proxy_targets(a))
    assert a == b


def c_set_with_dicts(n):
    d = {}
    for i in range(n):
        d[i * 8 % 37] = i
    s = set(range(0, 40, 3))
    t = s.copy()
    t.symmetric_difference_update(d)
    u = s.difference(d)
    v = s.intersection(d)
    w = set(d)
    w.update({100: 1, 8: 2})
    return list(t), list(u), list(v), list(w), s.issubset(d), s.isdisjoint(d)


def test_set_with_dicts(lua):
    for n in (3, 10, 30):
        assert same(lua.translate(c_set_with_dicts)(n), c_set_with_dicts(n))


def c_set_with_python_dict(d):
    s = set(range(0, 40, 3))
    t = s.copy()
    t.symmetric_difference_update(d)
    w = set(d)
    w.update(d)
    return list(t), list(s.difference(d)), list(s.intersection(d)), list(w), list(s - set(d))


def test_set_with_python_dict(lua):
    d = {i * 8 % 37: i for i in range(25)}
    assert same(lua.translate(c_set_with_python_dict)(d), c_set_with_python_dict(d))


def r_global_def(x):
    global helper_log

    def helper_log():
        return x
    return helper_log


def r_global_except(x):
    global G_VALUE
    try:
        return 1 // x
    except ZeroDivisionError as G_VALUE:
        return str(G_VALUE)


def test_global_binding_forms_refused(lua):
    with pytest.raises(TranslationError, match="nested def of a name declared global"):
        lua.translate(r_global_def)
    with pytest.raises(TranslationError, match="a name declared global"):
        lua.translate(r_global_except)


def test_set_order_mixed_elements(lua):
    # strings (hashed by the host: randomized per process), floats, tuples, big and
    # negative ints, None, bools: CPython's order after random operations
    lf = lua.translate(c_set_random_ops)
    for seed in range(25):
        r = random.Random(seed)
        pool = [r.randrange(-10 ** 6, 10 ** 6) for _ in range(10)] + \
            ["w%d" % r.randrange(100) for _ in range(12)] + \
            [r.random() * 50 for _ in range(4)] + [(1, "a"), (2, (3.5, None)), None, True,
                                                   2 ** 62, -2 ** 63, 0.5, -7.25]
        ops = [(r.choice([0, 0, 0, 1, 1, 2, 7]), r.choice(pool)) for _ in range(r.randrange(5, 150))]
        assert same(lf(ops), c_set_random_ops(ops)), seed


# ---- frozenset ---------------------------------------------------------------------------

def c_frozenset(xs):
    f = frozenset(xs)
    s = set(xs)
    e = frozenset()
    return (f, list(f), repr(f), repr(e), str(e), len(f), 3 in f, f == s, s == f, f <= s,
            f < s | {99}, isinstance(f | s, frozenset), list(f | {50}), list(s | f), f & {1, 2},
            f - {1}, f ^ {1, 77}, len(frozenset(f)), len(f.copy()), list(f.union([5, 6])),
            f.intersection(range(3)), f.difference([2]), f.symmetric_difference([2, 8]),
            f.issubset(s), f.issuperset([1]), f.isdisjoint([100]), isinstance(f, frozenset),
            isinstance(f, set), e == set())


def c_frozenset_hash(xs):
    return hash(frozenset(xs)), hash(frozenset()), hash(frozenset(xs)) == hash(frozenset(
        reversed(xs)))


def c_frozenset_in_set(xs):
    s = {frozenset(xs), frozenset(), frozenset([1])}
    s.add(frozenset(reversed(xs)))
    return len(s), frozenset(xs) in s, list(s)


def c_frozenset_immutable(xs):
    f = frozenset(xs)
    f.add(1)
    return f


def c_frozenset_inplace(xs):
    f = frozenset(xs)
    g = f
    f |= {100}
    return f, g, len(f) == len(g)


CASES2 = [
    (c_frozenset, ([1, 2, 3, 9, 17],)), (c_frozenset, ([],)), (c_frozenset_hash, ([1, 2, 3],)),
    (c_frozenset_hash, ([(1, 2), "a", 2.5, None],)), (c_frozenset_in_set, ([3, 1, 2],)),
    (c_frozenset_immutable, ([1],)), (c_frozenset_inplace, ([5, 6],)),
]


@pytest.mark.parametrize("case", CASES2, ids=[case_id(c) for c in CASES2])
def test_case_frozenset(lua, case):
    test_case(lua, case)


def test_global_write_after_other_translations(lua):
    # the write goes through the hook of the function's own translation unit
    global G_VALUE
    import test_translate
    lf = lua.translate(c_global_write)
    lua.translate(test_translate.c_int_arith)     # another module's unit, loaded last
    assert lf(7) == (14, 14) and G_VALUE == 14
    assert not hasattr(test_translate, "G_VALUE")


# Found by the fuzzer's statement grammar: unpacking a non-iterable said
# "'int' object is not iterable" (CPython: "cannot unpack non-iterable int
# object") for a plain `x, y = v` (the star form had it right, except for a
# Python object), and tuple.index said "5 is not in list". Then by probing
# Python objects: [*v] of one said "'int' object is not iterable" and {*v}
# of a Lua value "Value after * must be ..." (CPython: the other way round).

def u_pair(v):
    x, y = v
    return x, y


def u_for(v):
    for x, y in [v]:
        return x, y


def u_comp(v):
    return [(x, y) for x, y in [v]]


def u_nested(v):
    (x, y), z = v, 1
    return x, y, z


def u_star(v):
    x, *y = v
    return x, y


def u_tuple_index(v):
    out = []
    for k in range(4):
        try:
            if k == 0:
                out.append((1, 2, v).index(5))
            elif k == 1:
                out.append((1, 2).index(v, 0, 1))
            elif k == 2:
                out.append((v, v).index("zz"))
            else:
                out.append([1, 2].index(v))
        except ValueError as e:
            out.append(str(e))
    return out


def u_star_displays(v):
    out = []
    for k in range(4):
        try:
            out.append([*v] if k == 0 else (*v,) if k == 1 else {*v} if k == 2 else [1, *v, 2])
        except TypeError as e:
            out.append(str(e))      # [*5]: "Value after * must be an iterable, not int";
    return out                      # {*5}: "'int' object is not iterable"


class _IntEnum(enum.IntEnum):
    A = 5


class _Seq:
    def __getitem__(self, i):
        if i < 2:
            return i * 10
        raise IndexError(i)


CASES3 = [(f, (v,)) for f in (u_pair, u_for, u_comp, u_nested, u_star, u_tuple_index,
                               u_star_displays)
          for v in (3, 2 ** 70, None, 1.5, b"ab", "ab", 2, range(2), {1: 2, 3: 4}, _Seq(),
                    object(), True, _IntEnum.A)]


@pytest.mark.parametrize("case", CASES3, ids=[case_id(c) for c in CASES3])
def test_case_unpack_messages(lua, case):
    test_case(lua, case)
