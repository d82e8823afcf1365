"""One container translated code made, reaching Python twice, is one Python
object (pyrt/core.lua rt.export: a copy per container per crossing, not per
reference), and the ways a Python object could keep a copy of a container
translated code still holds are refused (pyrt/hostcall.lua).

Found by the thirtieth session's survey: `[[0] * 3] * 3` returned three
distinct rows (`g[0][0] = 1` changed one), `{"a": d, "b": d}` two dicts,
`operator.is_(a, a)` was False; and a Python list extended with `+=`, a
slice assignment, `|=` on a Python dict, a Python operator's result
(`pyl + [inner]`) or a tuple (`out.append((inner,))`) kept a copy of a list
translated code changed afterwards (the change was lost: a silently
different list).
"""

import operator

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
import operator

def grid(n):
    g = [[0] * n] * n
    return g

def same_dict_twice():
    d = {"x": 1}
    return {"a": d, "b": d}, [d, d]

def same_list_in_tuple():
    a = [1]
    return (a, a), [a, [a]]

def nested_shared(n):
    row = list(range(n))
    return {"rows": [row, row], "first": row}

def is_same_argument():
    a = []
    b = [1]
    return operator.is_(a, a), operator.is_not(a, a), operator.is_(a, b)

def mutate_result_alias():
    g = [[0] * 2] * 2
    return g

def slice_assign_held(xs):
    inner = [0]
    xs[0:1] = [inner]
    inner.append(5)
    return xs

def iadd_held(xs):
    inner = [0]
    xs += [inner]
    inner.append(5)
    return xs

def ior_held(d):
    inner = [0]
    d |= {"k": inner}
    inner.append(5)
    return d

def add_held(xs):
    inner = [0]
    ys = xs + [inner]
    inner.append(5)
    return ys

def tuple_held(out):
    inner = [0]
    out.append((inner,))
    inner.append(5)
    return out

def tuples_of_values(out, x):
    out.append((x, "a"))
    out.append((1, (2, x)))
    return out

def slice_assign_values(xs):
    ys = [1, 2]
    xs[0:1] = ys
    ys.append(3)
    xs[1:] = [7, 8]
    return xs, ys

def iadd_values(xs):
    xs += [5]
    ys = [6]
    xs += ys
    ys.append(9)
    return xs + [0], xs + ys

def ior_values(d):
    d |= {"k": 1}
    e = {"z": 2}
    d |= e
    e["q"] = 3
    return d, e
'''

NS = run_source(SRC, "<test_translate_sharing>", {"operator": operator})


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def _identity_shape(v, seen=None):
    """The value with each container replaced by the index of its first
    appearance (so two results compare their sharing, not only values)."""
    seen = {} if seen is None else seen
    if isinstance(v, (list, tuple, dict)):
        if id(v) in seen:
            return ("same as", seen[id(v)])
        seen[id(v)] = len(seen)
        items = v.items() if isinstance(v, dict) else v
        return (type(v).__name__, seen[id(v)],
                [_identity_shape(x, seen) for x in items])
    return v


@pytest.mark.parametrize("name,args", [("grid", (3,)), ("grid", (0,)),
                                       ("same_dict_twice", ()), ("same_list_in_tuple", ()),
                                       ("nested_shared", (2,)), ("is_same_argument", ())])
def test_one_container_is_one_object(lua, name, args):
    native, translated = outcome(NS[name], args), outcome(lua.translate(NS[name]), args)
    check_outcome(native, translated)
    assert _identity_shape(translated[1]) == _identity_shape(native[1])


def test_aliased_rows_change_together(lua):
    g = lua.translate(NS["mutate_result_alias"])()
    g[0][0] = 1
    assert g == [[1, 0], [1, 0]]


@pytest.mark.parametrize("name,make", [("slice_assign_held", lambda: ([9, 8],)),
                                       ("iadd_held", lambda: ([9],)),
                                       ("ior_held", lambda: ({},)),
                                       ("add_held", lambda: ([9],)),
                                       ("tuple_held", lambda: ([],))])
def test_python_keeping_a_held_container_is_refused(lua, name, make):
    """CPython's Python object would hold the inner list itself and see the
    append; the translated one would hold a copy: refused."""
    assert outcome(NS[name], make())[0] == "ok"
    with pytest.raises(NotImplementedError, match=r"kept a list.*\(tandem translation\)"):
        lua.translate(NS[name])(*make())


@pytest.mark.parametrize("name,make", [("tuples_of_values", lambda: ([], 4)),
                                       ("slice_assign_values", lambda: ([9, 9, 9],)),
                                       ("iadd_values", lambda: ([1],)),
                                       ("ior_values", lambda: ({},))])
def test_values_copied_in_are_not_refused(lua, name, make):
    """Elements that are values (or containers' elements copied by the
    operation) are what CPython stores: the same answer, caller's argument
    included."""
    native = outcome(NS[name], make(), copy_args=True)
    translated = outcome(lua.translate(NS[name]), make(), copy_args=True)
    check_outcome(native, translated, args_too=True)


SRC2 = '''
def rows(n):
    row = {}
    for i in range(n):
        row["i"] = i
        yield row

def windows(xs, k):
    buf = []
    for x in xs:
        buf.append(x)
        if len(buf) > k:
            buf.pop(0)
        if len(buf) == k:
            yield buf

def make_stack():
    items = []
    def push(x):
        items.append(x)
        return items
    return push

def make_pair():
    inner = [0]
    pair = (inner, "tag")
    def step(x):
        inner.append(x)
        return pair
    return step

def make_counter():
    counts = {}
    def count(k):
        counts[k] = counts.get(k, 0) + 1
        return counts
    return count
'''

NS2 = run_source(SRC2, "<test_translate_sharing_2>")


def test_generator_yielding_one_dict(lua):
    """The same dict yielded three times is one Python object, in its
    final state, as CPython's (it was three snapshots)."""
    native = list(NS2["rows"](3))
    translated = list(lua.translate(NS2["rows"])(3))
    assert translated == native == [{"i": 2}] * 3
    assert all(r is translated[0] for r in translated)


def test_generator_yielding_one_list(lua):
    native = [list(w) for w in NS2["windows"]([1, 2, 3, 4], 2)]
    kept = list(lua.translate(NS2["windows"])([1, 2, 3, 4], 2))
    assert [list(w) for w in lua.translate(NS2["windows"])([1, 2, 3, 4], 2)] == native
    assert kept == list(NS2["windows"]([1, 2, 3, 4], 2)) == [[3, 4]] * 3


@pytest.mark.parametrize("maker,arg", [("make_stack", "a"), ("make_counter", "k")])
def test_closure_returning_what_it_keeps(lua, maker, arg):
    """A closure returning the container its cell holds returns one Python
    object each time, with the container's items at each return."""
    native = NS2[maker]()
    translated = lua.translate(NS2[maker])()
    n1, t1 = native(arg), translated(arg)
    n2, t2 = native(arg + "2"), translated(arg + "2")
    assert t1 == n1 and t2 == n2 and (t1 is t2) == (n1 is n2) is True


def test_tuple_leaving_again_keeps_its_list(lua):
    native, translated = NS2["make_pair"](), lua.translate(NS2["make_pair"])()
    a, b = translated(1), translated(2)
    na, nb = native(1), native(2)
    assert na is nb and a is b and a[0] is b[0] and b == nb == ([0, 1, 2], "tag")


def test_python_change_then_leaving_again_is_refused(lua):
    """Python appended to the list it was given; the closure returns it
    again: CPython's list has both appends, translated code's only its own:
    refused."""
    push = lua.translate(NS2["make_stack"])()
    v = push(1)
    push(2)
    assert v == [1, 2]
    v.append(99)
    with pytest.raises(NotImplementedError, match=r"changed by Python.*\(tandem translation\)"):
        push(3)
