"""Method blocks: obj.name read from Lua where name is a function on obj's type.

Lua gets a new userdata holding obj and the function (no bound method, no
identity-cache entry, no finalizer) and calling it calls the function with obj
first (issue 14's method rows). Everything else done with it first turns it
into the proxy of the bound method, in place. These tests compare a method
block with the proxy of a bound method made by Python (`bm`) operation by
operation, and pin identity, lifetime and the cases that must not take the
method path (test_lua_method_calls.py pins the call semantics themselves).
"""
import gc
import re
import sys
import threading

import pytest

import tandem


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


class Acc:
    def __init__(self):
        self.n = 0

    def add(self, x=1):
        self.n += x
        return self.n

    def same(self, x):
        return x is self

    def __repr__(self):
        return "<Acc>"


def norm(s):
    """Addresses differ between two bound-method proxies' texts."""
    return re.sub(r"0x[0-9a-f]+", "ADDR", str(s))


# Each: a Lua expression over m (the method block or the bound method's proxy)
# and o; run under pcall, compared as (ok, tostring(value or error)).
OPERATIONS = [
    "m(5)",
    "m()",
    "m(o)",
    "m(o, 2)",
    "type(m)",
    "tostring(m)",
    "m.__name__",
    "m.__self__ == o",
    "rawequal(m.__self__, o)",
    "m.__func__.__name__",
    "m == o.add",
    "m == o.same",
    "m ~= o.add",
    "#m",
    "-m",
    "~m",
    "m + 1",
    "1 + m",
    "m .. 'x'",
    "'x' .. m",
    "m < m",
    "m <= m",
    "m.nosuch",
    "(function() m.x = 1 end)()",
    "getmetatable(m) == getmetatable(o)",
    "python.as_function(m)(7)",
    "python.as_attrgetter(m).__name__",
    "python.as_itemgetter(m)[1]",
    "python.iter(m)",
    "select('#', m(3))",
    "pcall(m, 1, 2, 3)",
]


@pytest.mark.parametrize("expr", OPERATIONS)
def test_every_operation_as_on_the_bound_method(lua, expr):
    run = lua.eval("""function(m, o)
        local ok, v = pcall(function() return %s end)
        return ok, tostring(v)
    end""" % expr)
    a, b = Acc(), Acc()
    # the method block is read inside the same Lua call, so nothing turns it
    # into a proxy before the operation
    got = lua.eval("""function(o)
        local m = o.add
        local ok, v = pcall(function() return %s end)
        return ok, tostring(v)
    end""" % expr)(a)
    want = run(b.add, b)            # Python's bound method: an ordinary proxy
    assert (got[0], norm(got[1])) == (want[0], norm(want[1]))
    assert a.n == b.n


def test_a_new_userdata_per_read(lua):
    o = Acc()
    r = lua.eval("""function(o)
        local m1, m2 = o.add, o.add
        return rawequal(m1, m2), m1 == m2, rawequal(o.add, o.add)
    end""")(o)
    assert r == (False, True, False)


def test_crossing_to_python_is_the_bound_method_with_identity(lua):
    o = Acc()
    seen = []
    lua.globals().keep = lambda *a: seen.extend(a) or a[0]
    r = lua.eval("""function(o)
        local m = o.add
        local back = keep(m, m)
        return rawequal(back, m), rawequal(keep(m), m), m(2)
    end""")(o)
    assert r == (True, True, 2)
    assert seen[0] is seen[1] is seen[2]
    assert seen[0] == o.add and seen[0].__self__ is o and seen[0].__func__ is Acc.add
    # returned to Python, and in a table converted by Python
    m = lua.eval("function(o) return o.add end")(o)
    assert m == o.add and m.__self__ is o
    t = lua.eval("function(o) return {o.add, f = o.same} end")(o)
    assert t[1] == o.add and t["f"] == o.same


def test_a_bound_method_pushed_back_is_its_block(lua):
    o = Acc()
    lua.globals().ident = lambda x: x
    r = lua.eval("""function(o)
        local m = o.add
        local p = ident(m)          -- m is now the bound method's proxy
        return rawequal(p, m), rawequal(ident(p), m), m(1), p(1), tostring(m) == tostring(p)
    end""")(o)
    assert r == (True, True, 1, 2, True)


def test_the_function_is_the_one_read(lua):
    class K:
        def f(self, x):
            return ("old", x)

    k = K()
    r = lua.eval("""function(k, swap)
        local m = k.f
        swap()
        return m(1), k.f(2), k:f(3)
    end""")

    def swap():
        K.f = lambda self, x: ("new", x)

    res = r(k, swap)
    assert list(res) == [("old", 1), ("new", 2), ("new", 3)]


def test_instance_attribute_shadows_the_method(lua):
    o = Acc()
    o.add = lambda x: ("own", x)
    assert lua.eval("function(o) return o.add(1) end")(o) == ("own", 1)
    with pytest.raises(TypeError):      # o.add(o, 1): the lambda takes one
        lua.eval("function(o) return o:add(1) end")(o)


def test_colon_passes_the_object_once_and_another_object_as_argument(lua):
    a, b = Acc(), Acc()
    f = lua.eval("function(a, b) return a:same(a), a.same(b), a:same(b) end")
    # a:same(a) is a.same(a, a): the repeated self is dropped -> same(a, a)
    assert f(a, b) == (True, False, False)
    # lupa's rule: a.same(a) is taken for a:same() (as with a bound method)
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        lua.eval("function(a) return a.same(a) end")(a)
    # a view of the same object is the same Python object: dropped too
    g = lua.eval("function(a) return a:same(python.as_attrgetter(a)) end")
    assert g(a) is True


def test_builtin_method_descriptors(lua):
    class P:
        pass

    p = P()
    f = lua.eval("function(p) return p:__format__(''), p.__format__(''), p:__sizeof__() end")
    r = f(p)
    assert r[0] == format(p, "") and r[1] == format(p, "")
    assert r[2] == p.__sizeof__()
    m = lua.eval("function(p) return p.__format__ end")(p)
    assert m == p.__format__


def test_not_methods_take_the_plain_path(lua):
    class D:
        x = 5

        @classmethod
        def cm(cls, v):
            return (cls.__name__, v)

        @staticmethod
        def sm(v):
            return 2 * v

        @property
        def prop(self):
            return "p"

        def __getattr__(self, name):
            return "dyn:" + name

    d = D()
    f = lua.eval("function(d) return d.x, d.cm(1), d.sm(2), d.prop, d.other end")
    assert f(d) == (5, ("D", 1), 4, "p", "dyn:other")


def test_getattribute_override_is_asked(lua):
    calls = []

    class G:
        def m(self, x):
            return x + 1

        def __getattribute__(self, name):
            calls.append(name)
            return object.__getattribute__(self, name)

    assert lua.eval("function(g) return g:m(1) end")(G()) == 2
    assert calls == ["m"]


def test_attribute_filter_sees_method_reads():
    seen = []

    def filt(obj, name, setting):
        seen.append((name, setting))
        return name

    lua = tandem.LuaRuntime(attribute_filter=filt)
    o = Acc()
    assert lua.eval("function(o) return o:add(3) end")(o) == 3
    assert seen == [("add", False)]


def test_errors_from_a_method_block(lua):
    class E:
        def boom(self, x):
            raise KeyError(x)

    with pytest.raises(KeyError):
        lua.eval("function(e) return e:boom(1) end")(E())
    ok, msg = lua.eval("function(e) return pcall(e.boom, e, 2) end")(E())
    assert ok is False and isinstance(msg, KeyError) and msg.args == (2,)
    # a method block as the error value itself
    r = lua.eval("""function(o)
        local m = o.add
        local ok, e = pcall(error, m)
        return ok, rawequal(e, m), e(4)
    end""")(Acc())
    assert r == (False, True, 4)


def test_no_references_left_behind(lua):
    o = Acc()
    run = lua.eval("""function(o, n)
        for i = 1, n do o:add(1); o.add(1) end
        local kept = {}
        for i = 1, 100 do kept[i] = o.add end
        for i = 1, 50 do python.as_function(kept[i]) end   -- made proxies
        kept = nil
        collectgarbage(); collectgarbage()
        return o.n
    end""")
    fn = Acc.__dict__["add"]

    def counts():
        lua.execute("collectgarbage(); collectgarbage()")
        gc.collect()
        return sys.getrefcount(o), sys.getrefcount(fn)

    assert run(o, 5000) == 10000
    first = counts()
    assert run(o, 5000) == 20000
    assert counts() == first


def test_method_blocks_from_another_thread(lua):
    o = Acc()
    f = lua.eval("function(o, n) for i = 1, n do o:add(1) end return o.n end")
    errors = []

    def work():
        try:
            f(o, 2000)
        except Exception as e:      # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == [] and o.n == 4000


def test_the_read_makes_no_bound_method_until_needed(lua):
    # the debug library sees the block's own metatable (no __gc: no
    # finalizer, no identity-cache entry) until the value is needed as the
    # bound method, and the proxies' metatable after
    o = Acc()
    lua.globals().ident = lambda x: x
    r = lua.eval("""function(o)
        local m = o.add
        local mt, pmt = debug.getmetatable(m), debug.getmetatable(o)
        local before = mt ~= pmt and rawget(mt, "__gc") == nil and rawget(pmt, "__gc") ~= nil
        m(1)                          -- a call keeps it a block
        local still = debug.getmetatable(m) == mt
        ident(m)
        return before, still, debug.getmetatable(m) == pmt, m(1)
    end""")(o)
    assert r == (True, True, True, 2)


def test_function_pinned_while_its_userdata_is_made(lua):
    # A method read whose function has no userdata yet makes one, and making
    # it may run Lua finalizers; here every finalizer deletes the function
    # from its class and reads another method (which moves the Python side's
    # pin to that method): the function must still be alive when it is called.
    def make():
        class K:
            def f(self, x):
                return x + 1
        return K()

    class Other:
        def g(self):
            return 0

    lua.globals().make = make
    lua.globals().other = Other()
    lua.globals().unset = lambda o: delattr(type(o), "f") if "f" in type(o).__dict__ else None
    total = lua.eval("""function(n)
        collectgarbage("incremental", 0, 1)   -- a small step at every allocation
        local fin = {__gc = function() if cur then unset(cur); other:g() end end}
        local s = 0
        for i = 1, n do
            for j = 1, 8 do setmetatable({}, fin) end
            cur = make()
            local m = cur.f
            cur = nil
            s = s + m(i)
        end
        collectgarbage("incremental", 200, 100)
        return s
    end""")(3000)
    assert total == sum(i + 1 for i in range(1, 3001))
