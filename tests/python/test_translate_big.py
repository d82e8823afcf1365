"""Big literal tables and long argument lists (lxlate.c's join, compare):
a display or call of more than 40 items is built through a Lua table
constructor (Lua fills it 50 at a time; as plain arguments each item took a
register, 255 at most: 'function or expression needs too many registers'
was raised as a tandem bug), and a comparison chain is flat (one `if`
inside another per operator hit Lua's nesting limit). Each runs natively and
translated: values, types, None items, left-to-right evaluation, errors."""

import pytest

import tandem
from xlate_same import outcome, run_source, same


def _src():
    n = 300
    out = ["LOG = []", "def note(x):\n    LOG.append(x)\n    return x"]
    out.append("def big_dict():\n    return {%s}" % ", ".join(
        "%d: %s" % (i, "None" if i % 7 == 0 else "'v%d'" % i) for i in range(n)))
    out.append("def big_dict_dup():\n    return {%s}" % ", ".join(
        "%d: %d" % (i % 50, i) for i in range(n)))
    out.append("def big_list(x):\n    return [%s]" % ", ".join(
        "None" if i % 5 == 0 else "x + %d" % i for i in range(n)))
    out.append("def big_tuple(x):\n    return (%s)" % ", ".join(
        "str(x + %d)" % i for i in range(n)))
    out.append("def big_set():\n    return {%s}" % ", ".join(str(i % 120) for i in range(n)))
    out.append("def order():\n    del LOG[:]\n    r = [%s]\n    return r == LOG, len(r)" % ", ".join(
        "note(%d)" % i for i in range(n)))
    out.append("def order_dict():\n    del LOG[:]\n    d = {%s}\n    return list(d.items()), list(LOG)"
               % ", ".join("note(%d): note(-%d)" % (i, i) for i in range(60)))
    out.append("def fail_midway(k):\n    return [%s]" % ", ".join(
        "%d // (k - %d)" % (i, i) for i in range(n)))
    out.append("def count(*a, **kw):\n    return len(a), a[-1], sorted(kw)")
    out.append("def call_many(x):\n    return count(%s, z=1)" % ", ".join(
        "x * %d" % i for i in range(n)))
    out.append("def call_builtin(x):\n    return max(%s), min(%s)" % (
        ", ".join("x + %d" % i for i in range(n)), ", ".join("x - %d" % i for i in range(n))))
    out.append("def call_python(x):\n    return ' '.join(map(str, (%s,)))[-20:]" % ", ".join(
        "x" for i in range(n)))
    out.append("def chain(x, y):\n    return %s" % " <= ".join(
        ("x" if i % 2 == 0 else "y") for i in range(n)))
    out.append("def chain_stops(x):\n    del LOG[:]\n    r = %s\n    return r, list(LOG)" %
               " < ".join("note(%d)" % (x if x < 250 else 250 - x) for x in range(n)))
    out.append("def huge():\n    return len([%s]), len({%s})" % (
        ", ".join(str(i) for i in range(5000)), ", ".join("%d: 0" % i for i in range(5000))))
    return "\n\n".join(out) + "\n"


SRC = _src()

CASES = [("big_dict", ()), ("big_dict_dup", ()), ("big_list", (1,)), ("big_list", (None,)),
         ("big_tuple", (5,)), ("big_set", ()), ("order", ()), ("order_dict", ()),
         ("fail_midway", (137,)), ("fail_midway", (-1,)), ("call_many", (2,)),
         ("call_builtin", (3,)), ("call_python", (7,)), ("chain", (1, 1)), ("chain", (1, 2)),
         ("chain", (2, 1)), ("chain_stops", ()), ("huge", ())]


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_big>")


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("case", CASES, ids=lambda c: "%s%r" % c)
def test_big_as_cpython(ns, lua, case):
    name, args = case
    native = outcome(ns[name], args)
    got = outcome(lua.translate(ns[name]), args)
    assert got[0] == native[0] and same(got[1:], native[1:]), (native[:2], got[:2])
