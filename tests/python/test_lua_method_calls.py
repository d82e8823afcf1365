"""Lua code calling methods of Python objects: obj:method(x) and obj.method(x).

These pin what Lua sees today (issue 14's method rows): `obj:method(x)` passes
`obj` twice and op_call drops the repeated self of a bound method (or of a
built-in type's method); each `obj.method` read is a new bound method, so two
reads compare equal (Python's ==) but are not rawequal; the attribute is
looked up on every call (instance shadowing, class replacement, __getattr__,
__getattribute__, properties, descriptors). A faster method call must keep all
of them.
"""
import threading

import pytest

import tandem


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


class Counter:
    def __init__(self):
        self.n = 0

    def add(self, x):
        self.n += x
        return self.n

    @classmethod
    def kind(cls, x):
        return (cls.__name__, x)

    @staticmethod
    def twice(x):
        return 2 * x

    @property
    def doubled(self):
        return self.n * 2

    def boom(self, x):
        raise ValueError("boom %s" % x)


COLON = "function(o, x) return o:add(x) end"
DOT = "function(o, x) return o.add(x) end"


def test_colon_and_dot_calls(lua):
    c = Counter()
    assert lua.eval(COLON)(c, 3) == 3
    assert lua.eval(DOT)(c, 4) == 7
    assert c.n == 7
    loop = lua.eval("function(o, n) for i = 1, n do o:add(i) end return o.n end")
    assert loop(c, 10) == 7 + 55


def test_bound_method_reads_equal_but_not_rawequal(lua):
    f = lua.eval("function(o) return o.add == o.add, rawequal(o.add, o.add) end")
    assert f(Counter()) == (True, False)


def test_method_with_another_self(lua):
    a, b = Counter(), Counter()
    # a.add(b, 5): b is not a's bound self, so it is an argument
    f = lua.eval("function(a, b) return pcall(a.add, b, 5) end")
    ok, err = f(a, b)
    assert ok is False
    assert "takes 2 positional arguments but 3 were given" in str(err)
    # the class function with an explicit self
    g = lua.eval("function(cls, b) return cls.add(b, 5) end")
    assert g(Counter, b) == 5 and b.n == 5 and a.n == 0


def test_instance_attribute_shadows_the_method(lua):
    c = Counter()
    f = lua.eval(COLON)
    assert f(c, 1) == 1
    c.add = lambda *args: ("shadow", len(args))
    # the instance's function is not bound: it gets o and x
    assert f(c, 1) == ("shadow", 2)
    del c.add
    assert f(c, 1) == 2


def test_class_attribute_replaced_between_calls(lua):
    class K:
        def m(self, x):
            return ("first", x)
    k = K()
    f = lua.eval("function(o, n) local r = {} for i = 1, n do r[i] = o:m(i) end return r end")
    assert list(f(k, 2).values()) == [("first", 1), ("first", 2)]
    K.m = lambda self, x: ("second", x)
    assert lua.eval("function(o) return o:m(3) end")(k) == ("second", 3)
    replace = lua.eval("function(o, cls, fn) local a = o:m(1); cls.m = fn; return a, o:m(2) end")
    assert replace(k, K, lambda self, x: ("third", x)) == (("second", 1), ("third", 2))


def test_classmethod_staticmethod_property(lua):
    c = Counter()
    c.n = 21
    # a classmethod is bound to the class, not to o: o:kind(1) passes o too
    with pytest.raises(TypeError, match="takes 2 positional arguments but 3"):
        lua.eval("function(o) return o:kind(1) end")(c)
    assert lua.eval("function(o) return o.kind(1) end")(c) == ("Counter", 1)
    assert lua.eval("function(o) return o.twice(4) end")(c) == 8
    assert lua.eval("function(o) return o.doubled end")(c) == 42


def test_builtin_methods(lua):
    # a list indexes by item: its methods through python.as_attrgetter
    f = lua.eval("""function(l, x)
        local a = python.as_attrgetter(l)
        a:append(x)
        return a:count(x), a.index(x)
    end""")
    items = [1, 2]
    assert f(items, 2) == (2, 1)
    assert items == [1, 2, 2]
    g = lua.eval("""function(d)
        local a = python.as_attrgetter(d)
        return a:get('k'), a.get('k'), a.get == a.get, rawequal(a.get, a.get)
    end""")
    assert g({"k": "v"}) == ("v", "v", True, False)


def test_getattr_and_getattribute_overrides(lua):
    class Dyn:
        def __getattr__(self, name):
            return lambda *a: (name, len(a))

    class Every:
        def __getattribute__(self, name):
            if name == "m":
                return lambda *a: ("intercepted", len(a))
            return object.__getattribute__(self, name)

        def m(self, x):
            return ("real", x)

    f = lua.eval("function(o) return o:anything(1) end")
    assert f(Dyn()) == ("anything", 2)
    g = lua.eval("function(o) return o:m(1), o.m(1) end")
    assert g(Every()) == (("intercepted", 2), ("intercepted", 1))


def test_error_inside_the_method_has_its_traceback(lua):
    f = lua.eval("function(o) return o:boom(7) end")
    with pytest.raises(ValueError, match="boom 7") as info:
        f(Counter())
    names = [e.name for e in info.traceback]
    assert "boom" in names
    g = lua.eval("function(o) local ok, e = pcall(o.boom, o, 8) return ok, tostring(e) end")
    ok, msg = g(Counter())
    assert ok is False and "boom 8" in msg


def test_finalized_object(lua):
    f = lua.eval("""function(o)
        local mt = debug.getmetatable(o)
        local m = o.add
        mt.__gc(o)            -- a call from Lua code does nothing
        return m(1), o:add(2)
    end""")
    assert f(Counter()) == (1, 3)


def test_method_calls_from_a_second_thread(lua):
    loop = lua.eval("function(o, n) for i = 1, n do o:add(1) end return o.n end")
    c = Counter()
    results = []
    stop = threading.Event()

    def other():
        while not stop.is_set():
            sum(range(100))

    t = threading.Thread(target=other)
    t.start()
    try:
        results.append(loop(c, 2000))
    finally:
        stop.set()
        t.join()
    assert results == [2000]
