"""Lists, dicts and sets translated code made, handed to Python (pyrt/hostcall.lua).

They cross as copies. A Python callable that only reads its copy gives
CPython's answer; one that changes it has its changes copied back (a list
or dict); one that keeps a reference would leave the translated caller
holding a container CPython's run would change later, so that is refused at
run time (NotImplementedError "... (tandem translation)") instead of going
on with a silently different list. The same for storing
into a Python container: a new display is stored as it is, a list translated
code still holds is refused."""
import bisect
import heapq
import json

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


class Box:
    """A Python object whose methods read, change or keep their argument."""

    def __init__(self):
        self.kept = []

    def total(self, xs):
        return sum(xs)

    def total_kw(self, xs, scale=1):
        return sum(xs) * scale

    def grow(self, xs):
        xs.append(len(xs))

    def keep(self, xs):
        self.kept.append(xs)
        return len(xs)

    def grow_inner(self, d):
        d["k"].append(1)

    def add_key(self, d):
        d["new"] = 1


SRC = '''
def reads(box, n):
    xs = list(range(n))
    return (box.total(xs), box.total_kw(xs, scale=2), heapq.nsmallest(2, xs),
            bisect.bisect(xs, 2), json.dumps({"a": xs, "b": (1, [2])}), xs)

def insort(n):
    h = [5, 9]
    bisect.insort(h, n)     # (heapq's functions run natively: test_translate_heapq.py)
    return h

def grows(box):
    xs = [1, 2]
    box.grow(xs)
    return xs

def keeps(box):
    xs = [1, 2]
    return box.keep(xs), xs

def grows_inner(box):
    d = {"k": [0]}
    box.grow_inner(d)
    return d

def adds_key(box):
    d = {"a": 1}
    box.add_key(d)
    return d

def stores_fresh(out, n):
    out["list"] = [n, n + 1]
    out["dict"] = {"n": n}
    out["comp"] = [i * i for i in range(n)]
    out["tuple"] = (n, "x")
    out["list"].append(9)
    return out

def stores_held(out):
    xs = [1]
    out["xs"] = xs
    xs.append(2)
    return out

def stores_nested_fresh(out):
    out["nested"] = [[1], [2]]
    return out

def appends_to_python_list(pl):
    xs = [1]
    pl.append(xs)
    xs.append(2)
    return pl
'''

NS = run_source(SRC, "<test_translate_pycalls>",
                {"heapq": heapq, "bisect": bisect, "json": json})


def run_both(lua, name, make_args):
    fn = NS[name] if name in NS else NS2[name]
    native = outcome(fn, make_args())
    args = make_args()
    translated = outcome(lua.translate(fn), args)
    return native, translated, args


@pytest.mark.parametrize("n", [0, 3, 6])
def test_read_only_callees_give_cpythons_answer(lua, n):
    native, translated, _ = run_both(lua, "reads", lambda: (Box(), n))
    check_outcome(native, translated)


@pytest.mark.parametrize("name,args", [
    ("insort", lambda: (1,)),
    ("grows", lambda: (Box(),)),
    ("grows_inner", lambda: (Box(),)),
    ("adds_key", lambda: (Box(),)),
])
def test_changed_is_copied_back(lua, name, args):
    """A callee that changes the container without keeping it: its changes
    are copied back (since the thirty-first session; refused before), so
    the translated caller's container is CPython's (test_translate_copyback.py)."""
    native, translated, _ = run_both(lua, name, args)
    check_outcome(native, translated)


@pytest.mark.parametrize("name,args,what", [
    ("keeps", lambda: (Box(),), "kept a list"),
    ("appends_to_python_list", lambda: ([],), "kept a list"),
])
def test_kept_is_refused(lua, name, args, what):
    """Where CPython's callee keeps the container, the translated call
    stops with a refusal, never a silently different answer."""
    assert outcome(NS[name], args())[0] == "ok"
    with pytest.raises(NotImplementedError, match=what + r".*\(tandem translation\)"):
        lua.translate(NS[name])(*args())


@pytest.mark.parametrize("n", [0, 2])
def test_fresh_displays_are_stored(lua, n):
    native, translated, args = run_both(lua, "stores_fresh", lambda: ({}, n))
    check_outcome(native, translated)
    assert args[0] == NS["stores_fresh"]({}, n)


@pytest.mark.parametrize("name", ["stores_held", "stores_nested_fresh"])
def test_held_containers_are_not_stored(lua, name):
    out = {}
    with pytest.raises(NotImplementedError, match=r"storing a list .*\(tandem translation\)"):
        lua.translate(NS[name])(out)
    assert out == {}


SRC2 = '''
def appends_displays(pl, n):
    for i in range(n):
        pl.append([i, i * i])
        pl.append({"i": i})
    return pl

def calls_with_display(f, n):
    return f([n, n]), f({"n": n})

def appends_display_holding(pl):
    held = [1]
    pl.append([held])
    held.append(2)
    return pl
'''
NS2 = run_source(SRC2, "<test_translate_pycalls2>")


@pytest.mark.parametrize("n", [0, 3])
def test_display_arguments_may_be_kept(lua, n):
    """A display passed to a Python callable is a container nothing in
    translated code refers to: the callee may keep it (out.append([a, b]))."""
    native, translated, args = run_both(lua, "appends_displays", lambda: ([], n))
    check_outcome(native, translated)
    assert args[0] == NS2["appends_displays"]([], n)
    native = outcome(NS2["calls_with_display"], (lambda x: x, n))
    translated = outcome(lua.translate(NS2["calls_with_display"]), (lambda x: x, n))
    check_outcome(native, translated)


def test_display_holding_a_kept_list_is_refused(lua):
    with pytest.raises(NotImplementedError, match=r"kept a list .*\(tandem translation\)"):
        lua.translate(NS2["appends_display_holding"])([])


# ---- Python objects as dict keys (rt.pykey) ------------------------------------

import enum  # noqa: E402


class Color(enum.IntEnum):
    RED = 1
    GREEN = 2


class Tag(str):
    pass


class Plain:
    pass


class Custom:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


SRC3 = '''
def keyed(pd):
    d = dict(pd)
    out = []
    for k in pd:
        out.append(d[k])
    d2 = {}
    for k, v in pd.items():
        d2[k] = v
    return d, d2, out, list(d2) == list(pd)

def lookup_made(pd):
    return pd.get((1, "a")), {(1, "a"): 5}.get(next(iter(pd)), -1)

def key_same_as_made(k):
    d = {(1, "a"): "made", 1: "int", "s": "str", int: "type", 2.0 ** 70: "float"}
    return d.get(k, "missing")

def key_is_unhashable(k):
    d = {}
    try:
        d[k] = 1
    except TypeError as e:
        return str(e)
    return d
'''
NS3 = run_source(SRC3, "<test_translate_pycalls3>")
PLAIN = Plain()


@pytest.mark.parametrize("pd", [
    {(1, "a"): 1, (2, (3, "b")): 2, (): 3},
    {2 ** 70: "big", 2 ** 80 + 1: "odd", -2 ** 65: "neg"},
    {b"x": 1, b"": 2},
    {Color.RED: "r", 3: "three"},
    {Tag("t"): 1, "u": 2},
    {PLAIN: 1},
    {int: "i", str: "s", type(None): "n"},
])
def test_python_keys(lua, pd):
    """Keys that come from Python (tuples, big ints, bytes, int/str subclasses,
    objects with identity equality, types) are the keys CPython's dict has."""
    for name in ("keyed", "lookup_made"):
        native = outcome(NS3[name], (pd,))
        translated = outcome(lua.translate(NS3[name]), (pd,))
        check_outcome(native, translated)


@pytest.mark.parametrize("k", [(1, "a"), Color.RED, Tag("s"), int, 2 ** 70, (2 ** 70,),
                               PLAIN, b"s"])
def test_python_key_equals_translated_key(lua, k):
    check_outcome(outcome(NS3["key_same_as_made"], (k,)),
                  outcome(lua.translate(NS3["key_same_as_made"]), (k,)))


@pytest.mark.parametrize("k", [[1], {1: 2}, {3}])
def test_python_unhashable_key(lua, k):
    check_outcome(outcome(NS3["key_is_unhashable"], (k,)),
                  outcome(lua.translate(NS3["key_is_unhashable"]), (k,)))


def test_python_key_with_own_equality_is_refused(lua):
    with pytest.raises(NotImplementedError, match=r"dict key of type 'Custom'"):
        lua.translate(NS3["key_same_as_made"])(Custom())
