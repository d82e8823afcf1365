"""The entry protocol and loop fast paths of translated code (docs/translation.md,
"Speed"; docs/performance.md): the C entry, the entry of leaves, fixed-arity
bodies called directly by translated callers, store-only range loops, inline
list.append, lists walked by index in `for`, range() in C, [x] * k.

PYTEST_DONT_REWRITE

Every case runs in CPython and translated; value and type must be equal, or
the same exception type and message. Where a fast path is meant to be taken,
the generated source is checked for it, so a case cannot pass by falling back.
"""


import pytest

import tandem
from xlate_same import check, raises_recursion, recursion_threshold

MAXI, MINI = 2 ** 63 - 1, -2 ** 63


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


# ---- leaves: their own entry runs them on integers without any bookkeeping ----

def leaf_cmp(a, b):
    if a % 7 != b % 7:
        return a % 7 < b % 7
    return a < b


def leaf_locals(a, b):
    c = a % 5
    d = b // 3
    if c > d or a == b:
        return c
    return d


def leaf_ifexp(a, b, c):
    return a if a < b and not b < c else (c if c % 2 == 0 else b)


def leaf_none(a):
    if a < 0:
        return None
    if a > 10:
        return True
    return a


def not_leaf_cmp(a, b):
    x = [a]                 # a list: not a leaf
    return x[0] % 7 < b % 7


VALUES = [0, 1, -1, 6, 7, -7, 13, 100, MAXI, MINI, True, False, 2.5, -0.0, "s", None]
LEAVES = [leaf_cmp, leaf_locals]


def test_leaf_versions_are_generated(lua):
    for f in LEAVES + [leaf_ifexp, leaf_none]:
        lua.translate(f)
        assert "local LEAF = function(" in tandem.translated_source(f), f.__name__
    lua.translate(not_leaf_cmp)
    assert "local LEAF" not in tandem.translated_source(not_leaf_cmp)


@pytest.mark.parametrize("f", LEAVES + [not_leaf_cmp], ids=lambda f: f.__name__)
def test_leaf_two_args(lua, f):
    for a in VALUES:
        for b in VALUES:
            check(lua, f, (a, b))


def test_leaf_three_args(lua):
    for a in [0, 1, 5, -3, MAXI, 2.5, None]:
        for b in [0, 2, -7, MINI, "x"]:
            for c in [0, 3, 4, -4, True]:
                check(lua, leaf_ifexp, (a, b, c))


def test_leaf_results_none_bool_int(lua):
    for a in [-5, 0, 3, 10, 11, MAXI, MINI, True, 1.5, "a"]:
        check(lua, leaf_none, (a,))


def test_leaf_argument_count(lua):
    for args in [(), (1,), (1, 2, 3), (1, 2, None)]:
        check(lua, leaf_cmp, args)


def test_leaf_from_lua_sort(lua):
    data = [(x * 7919) % 1009 - 500 for x in range(300)]
    t = lua.table_from(data)
    lua.execute("local t, f = ... table.sort(t, f)", t, lua.translate(leaf_cmp))
    import functools
    expected = sorted(data, key=functools.cmp_to_key(
        lambda a, b: -1 if leaf_cmp(a, b) else (1 if leaf_cmp(b, a) else 0)))
    assert [t[i] for i in range(1, len(data) + 1)] == expected


def deep(n, g, f):
    if n == 0:
        return g(f, 1, 2)
    return deep(n - 1, g, f)


def test_leaf_depth_limit_is_the_general_one(lua):
    """A leaf called at the recursion limit raises RecursionError exactly where
    a function taking the general path does (the C entry checks the depth)."""
    g = lua.eval("function(f, a, b) return f(a, b) end")
    tdeep = lua.translate(deep)
    lf, nf = lua.translate(leaf_cmp), lua.translate(not_leaf_cmp)

    def fails(f, n):
        return raises_recursion(lambda k: tdeep(k, g, f), n)

    hi = recursion_threshold(lambda k: tdeep(k, g, nf), 5000)
    lo = hi - 1
    assert not fails(lf, lo)
    assert fails(lf, hi)
    assert tdeep(lo, g, lf) is True


# ---- fixed-arity bodies: translated callers call them directly -------------------

def body_callee(a, b):
    return a * 3 + b


def body_caller(x, y):
    return body_callee(x, y) + body_callee(y, x)


def body_caller_typed(x):
    if x < 0:
        return 0
    return body_callee(x - 1, 2) + body_caller_typed(x - 1)


def body_caller_short(x):
    return body_callee(x)


def body_defaults(a, b=2):
    return a - b


def body_caller_defaults(x):
    return (body_defaults(x), body_defaults(x, x), body_defaults(x, b=5))


def body_rec(n):
    if n < 2:
        return n
    return body_rec(n - 1) + body_rec(n - 2)


def test_bodies_are_registered(lua):
    lua.translate(body_caller)
    assert "XB[2][" in tandem.translated_source(body_caller)
    lua.translate(body_caller_typed)
    src = tandem.translated_source(body_caller_typed)
    # the callers' ints pass TT: true in the statement's typed version
    # (if T then ... else ... end), nothing in the general one
    assert "if T then " in src and ", true) elseif XF[" in src
    assert "BODY = function(v_x, TT)" in src and "local T = TT or INTS(v_x)" in src


@pytest.mark.parametrize("x", [0, 1, 5, -1, MINI, 1.5, True, None, "s"], ids=repr)
def test_body_typed_callers(lua, x):
    check(lua, body_caller_typed, (x,))


@pytest.mark.parametrize("args", [(1, 2), (MAXI, 1), (MINI, -1), (2.5, 1), ("ab", "c"),
                                  (True, 2), (None, 1), ([1], [2])], ids=repr)
def test_body_direct_calls(lua, args):
    check(lua, body_caller, args)


def test_body_argument_count_from_translated_code(lua):
    check(lua, body_caller_short, (1,))


@pytest.mark.parametrize("x", [0, 7, -3, 1.5, MINI])
def test_body_defaults(lua, x):
    check(lua, body_caller_defaults, (x,))


@pytest.mark.parametrize("n", [0, 1, 2, 15, True, 2.0, -1])
def test_body_recursion(lua, n):
    check(lua, body_rec, (n,))


# ---- store-only range loops: bounds checked once --------------------------------

def store_one(n, a, b, s):
    t = [0] * n
    for j in range(a, b, s):
        t[j] = 1
    return t


def store_two(n, a, b, s):
    t = [0] * n
    u = [None] * (n + 2)
    for j in range(a, b, s):
        t[j] = True
        u[j] = -5
    return t, u, j


def store_partial(n):
    t = [0] * n
    try:
        for j in range(n + 3):
            t[j] = 7
    except IndexError:
        return t
    return None


def test_store_loop_is_fast(lua):
    lua.translate(store_one)
    assert "t[t" in tandem.translated_source(store_one).replace("v_t[", "t[")
    # the fast loop stores by the Lua index; the loop variable is set after it
    assert "] = 1 end if " in tandem.translated_source(store_one)


@pytest.mark.parametrize("args", [(10, 0, 10, 1), (10, 2, 10, 3), (10, 9, -1, -1),
                                  (10, 9, 0, -4), (10, -3, 3, 1), (10, 0, 11, 1),
                                  (10, -11, 0, 1), (10, 5, 5, 1), (10, 0, 10, 0),
                                  (0, 0, 1, 1), (True, 0, 1, 1), (10, 0.0, 3, 1),
                                  (10, 0, 10, MAXI), (10, 9, MINI, MINI)], ids=repr)
def test_store_loops(lua, args):
    check(lua, store_one, args)
    check(lua, store_two, args)


def test_store_loop_partial_effects(lua):
    check(lua, store_partial, (4,))


# ---- list.append inline, lists walked by index ------------------------------------

def append_many(n):
    p = []
    for i in range(n):
        p.append(i * 2)
    p.append(None)
    return p


def append_order():
    p = []
    p.append(p.append(1))
    p.append(len(p))
    return p


def append_rebind():
    p = [9]
    q = p
    p.append((p := [1, 2]))
    return p, q


def iter_mutating(n):
    xs = list(range(n))
    s = 0
    for x in xs:
        if x < 3:
            xs.append(x + 10)
        s += x
    return s, xs


def iter_shrinking():
    xs = [1, 2, 3, 4, 5, 6]
    out = []
    for x in xs:
        out.append(x)
        xs.pop(0)
    return out, xs


def iter_kinds(v):
    out = []
    for x in v:
        if x == 3:
            continue
        if x == 9:
            break
        out.append(x)
    else:
        out.append("else")
    return out


def iter_nested():
    out = []
    for a in [1, 2]:
        for b in (a, a * 10):
            out.append(a + b)
    return out


def iter_made(n):
    total = 0
    for w in ("a b  c " * n).split():
        total += len(w)
    for t in [(1, 2), (3, 4)]:
        total += t[0] * t[1]
    return total


@pytest.mark.parametrize("f,args", [(append_many, (0,)), (append_many, (5,)),
                                    (append_order, ()), (append_rebind, ()),
                                    (iter_mutating, (0,)), (iter_mutating, (6,)),
                                    (iter_shrinking, ()), (iter_nested, ()),
                                    (iter_made, (3,))],
                         ids=lambda v: getattr(v, "__name__", repr(v)))
def test_lists(lua, f, args):
    check(lua, f, args)


def test_append_is_inline(lua):
    lua.translate(append_many)
    src = tandem.translated_source(append_many)
    body = src[src.index("BODY = function"):]
    assert "MAPPEND" not in body and ".n + 1;" in body


@pytest.mark.parametrize("v", [[1, 2, 3, 4], [1, 9, 2], (5, 3, 6), "ab3", {1: 2, 3: 4},
                               {4, 5}, range(5), [], (), None, 7, [None, False, 0]],
                         ids=repr)
def test_iter_kinds(lua, v):
    check(lua, iter_kinds, (v,))


def iter_gen(n):
    out = []
    for x in (i * i for i in range(n)):
        out.append(x)
    return out


def test_iter_generator(lua):
    check(lua, iter_gen, (5,))


# ---- range() in C, [x] * k --------------------------------------------------------

def range_sum(a, b, c):
    t = 0
    last = None
    for i in range(a, b, c):
        t += 1
        last = i
        if t > 5:
            break
    return t, last


@pytest.mark.parametrize("args", [(0, 10, 1), (10, 0, -3), (5, 5, 1), (5, 5, -1), (0, 10, 0),
                                  (True, 5, True), (0, 2.0, 1), (0, "3", 1), (None, 3, 1),
                                  (MAXI - 2, MAXI, 1), (MINI + 2, MINI, -1), (MINI, MINI + 3, 1),
                                  (MAXI, MAXI - 3, -1), (0, MAXI, MAXI), (0, MINI, MINI)],
                         ids=repr)
def test_range(lua, args):
    check(lua, range_sum, args)


def repeat(x, k):
    return [x] * k, [x, 1] * k, k * [x]


@pytest.mark.parametrize("args", [(1, 3), (None, 2), (False, 4), ("s", 0), (0, -2),
                                  ([1], 2), (1, True), (1, 2.0)], ids=repr)
def test_repeat(lua, args):
    check(lua, repeat, args)


# ---- d[k] = d.get(k, c) + n as one call ------------------------------------------

def dincr(keys, start):
    d = {"a": start, 1: start, None: 0}
    for k in keys:
        d[k] = d.get(k, 0) + 1
    return d


def dincr_neg(keys):
    d = {}
    for k in keys:
        d[k] = d.get(k, -3) + 7
    return d


def dincr_other(d, k):
    d[k] = d.get(k, 5) + 2
    return d


def test_dincr_is_one_call(lua):
    lua.translate(dincr)
    assert "DINCR(v_d, v_k, 0, 1)" in tandem.translated_source(dincr)


@pytest.mark.parametrize("keys", [["a", "b", "a", "a"], [1, 1.0, True, 2], [None, None, "x"],
                                  [0.5, 0.5, -0.0, 0], ["é", "é", "e"], []], ids=repr)
@pytest.mark.parametrize("start", [0, MAXI, MAXI - 1, MINI, 1.5, "s", None], ids=repr)
def test_dincr(lua, keys, start):
    check(lua, dincr, (keys, start))


def test_dincr_new_keys(lua):
    check(lua, dincr_neg, (["x%d" % (i % 7) for i in range(50)] + list(range(10)),))


@pytest.mark.parametrize("d,k", [({"a": 1}, "a"), ({}, "a"), ([1], 0), ("s", "a"), (None, 1),
                                 ({1: 2.5}, 1), ({1: MAXI}, 1)], ids=repr)
def test_dincr_other_receivers(lua, d, k):
    check(lua, dincr_other, (d, k))


# ---- for w in s.split(): the words streamed -------------------------------------

def split_loop(s):
    out = []
    for w in s.split():
        if w == "skip":
            continue
        if w == "stop":
            break
        out.append(w)
    else:
        out.append("<end>")
    return out


def test_split_loop_streams(lua):
    lua.translate(split_loop)
    assert "SPLITW(" in tandem.translated_source(split_loop)


@pytest.mark.parametrize("s", ["a b  c", "", "   ", " x\ty\nz\x1cw\x1fv\x0bu\x0ct\rs ",
                               "a skip b", "a stop b", ["x", "y"], None, 5, "a\x00b c"],
                         ids=repr)
def test_split_loop(lua, s):
    check(lua, split_loop, (s,))


def test_split_loop_non_ascii(lua):
    # Python's whitespace beyond ASCII too (test_translate_wordcount.py has the rest)
    for s in ("a b é", "a\u3000b\xa0c", "é\u2028"):
        check(lua, split_loop, (s,))
