"""python.iter / python.iterex / python.enumerate stepped from Lua code.

Each step hands the iterator's handle straight to the Python adapter
(lpylib.c: iter_step); an iterator whose block no longer proves itself
cheaply (finalized, then reached again) takes the general conversion and
raises. These cases pin what a step answers on both the kept-GIL path (the
only Python thread) and the released one (a second thread exists).
"""
import threading

import pytest

import tandem


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


COLLECT = """
function(obj)
    local out = {}
    for v in python.iter(obj) do out[#out + 1] = v end
    return out
end
"""


def collect(lua, obj):
    return list(lua.eval(COLLECT)(obj).values())


def test_list_of_scalars_in_order(lua):
    assert collect(lua, [1, 2.5, "x", True, 2**62]) == [1, 2.5, "x", True, 2**62]


def test_none_items_do_not_end_the_loop(lua):
    count = lua.eval("""function(obj)
        local n, nones = 0, 0
        for v in python.iter(obj) do
            n = n + 1
            if v == python.none then nones = nones + 1 end
        end
        return n, nones
    end""")
    assert count([None, 1, None, None]) == (4, 3)
    same = lua.eval("""function(obj)
        for v in python.iter(obj) do return rawequal(v, python.none) end
    end""")
    assert same([None]) is True


def test_unpacked_tuples_with_a_none_first_value():
    lua = tandem.LuaRuntime(unpack_returned_tuples=True)
    run = lua.eval("""function(obj)
        local out = {}
        for a, b in python.iter(obj) do
            out[#out + 1] = tostring(rawequal(a, python.none)) .. "," .. tostring(b)
        end
        return table.concat(out, ";")
    end""")
    # the first value of a step is python.none, a later None is nil
    assert run([(None, 1), (2, None), (None, None)]) == "true,1;false,nil;true,nil"


def test_objects_keep_their_identity(lua):
    a, b = object(), object()
    got = collect(lua, [a, b, a])
    assert got[0] is a and got[1] is b and got[2] is a


def test_generator_and_end_of_iteration(lua):
    def gen(n):
        for i in range(n):
            yield i * i
    assert collect(lua, gen(5)) == [0, 1, 4, 9, 16]
    assert collect(lua, gen(0)) == []


def test_dict_and_str(lua):
    assert collect(lua, {"a": 1, "b": 2}) == ["a", "b"]
    # a str arrives in Lua as a Lua string: iterate a Python str iterator
    chars = lua.eval("""function(s)
        local out = {}
        for c in python.iter(python.builtins.iter(s)) do out[#out + 1] = c end
        return table.concat(out, "|")
    end""")
    assert chars("héllo") == "h|é|l|l|o"


def test_exception_mid_iteration_reaches_lua_with_its_message(lua):
    def gen():
        yield 1
        raise ValueError("broken at two")
    run = lua.eval("""function(obj)
        local seen = {}
        local ok, err = pcall(function()
            for v in python.iter(obj) do seen[#seen + 1] = v end
        end)
        return ok, tostring(err), #seen
    end""")
    ok, err, seen = run(gen())
    assert ok is False
    assert "ValueError" in err and "broken at two" in err
    assert seen == 1
    # uncaught, it reaches Python as the same exception type
    with pytest.raises(ValueError, match="broken at two"):
        lua.eval(COLLECT)(gen())


def test_break_leaves_the_iterator_where_it_stopped(lua):
    it = iter(range(10))
    first = lua.eval("""function(obj)
        for v in python.iter(obj) do if v == 3 then return v end end
    end""")
    assert first(it) == 3
    assert next(it) == 4


def test_list_grown_during_iteration(lua):
    data = [1, 2, 3]
    grow = lua.eval("""function(obj, append)
        local n = 0
        for v in python.iter(obj) do
            n = n + 1
            if v < 4 then append(v + 3) end
        end
        return n
    end""")
    assert grow(data, data.append) == 6
    assert data == [1, 2, 3, 4, 5, 6]


def test_dict_changed_size_during_iteration_raises(lua):
    d = {1: 1, 2: 2}
    run = lua.eval("""function(obj, add)
        for k in python.iter(obj) do add(k) end
    end""")
    with pytest.raises(RuntimeError, match="changed size"):
        run(d, lambda k: d.__setitem__(k + 10, 0))


def test_iterex_unpacks_tuples_and_enumerate_counts(lua):
    pairs = lua.eval("""function(obj)
        local out = {}
        for a, b in python.iterex(obj) do out[#out + 1] = tostring(a) .. "=" .. tostring(b) end
        return table.concat(out, ",")
    end""")
    # only the first value of a step is a none (Lua looks at no other)
    assert pairs([("x", 1), ("y", None), (None, 2)]) == "x=1,y=nil,None=2"
    en = lua.eval("""function(obj, start)
        local out = {}
        for i, v in python.enumerate(obj, start) do
            out[#out + 1] = i .. ":" .. tostring(v)
        end
        return table.concat(out, ",")
    end""")
    assert en(["a", None, "c"], 5) == "5:a,6:None,7:c"
    assert en(["a", "b"], None) == "0:a,1:b"


def test_each_iterator_has_its_own_counter(lua):
    run = lua.eval("""function(obj)
        local s1 = python.enumerate(obj)
        local s2 = python.enumerate(obj)
        local i1 = s1()
        local i2 = s2()
        local i3 = s1()
        return i1, i2, i3
    end""")
    assert run(["a", "b", "c"]) == (0, 0, 1)


def test_not_iterable_raises(lua):
    with pytest.raises(TypeError, match="not iterable"):
        lua.eval(COLLECT)(object())


def test_steps_from_a_second_thread(lua):
    # a second Python thread exists: crossings release the GIL while Lua
    # runs, and every step takes it back
    results = []
    stop = threading.Event()
    side = threading.Thread(target=stop.wait)
    side.start()
    try:
        def work():
            results.append(collect(lua, [None, 1, "two", 3.0] * 50))
        t = threading.Thread(target=work)
        t.start()
        t.join()
    finally:
        stop.set()
        side.join()
    assert len(results[0]) == 200
    assert results[0][1:4] == [1, "two", 3.0]


def test_step_after_its_iterator_was_finalized(lua):
    # a Lua finalizer resurrects the step function after the iterator's own
    # __gc ran in the same cycle: the step must raise, not use a freed object
    run = lua.eval(r"""function(obj)
        local saved
        do
            local step = python.iter(obj)
            setmetatable({s = step}, {__gc = function(t) saved = t.s end})
        end
        collectgarbage(); collectgarbage()
        local ok, err = pcall(saved)
        return ok, tostring(err)
    end""")
    ok, err = run([1, 2, 3])
    assert ok is False
    assert "deleted python object" in err


def test_class_iterators_end_on_stop_iteration_and_its_subclasses(lua):
    class Stop(StopIteration):
        pass

    class Count:
        def __init__(self, n, exc):
            self.i, self.n, self.exc = 0, n, exc

        def __iter__(self):
            return self

        def __next__(self):
            self.i += 1
            if self.i > self.n:
                raise self.exc("done")
            return self.i
    assert collect(lua, Count(3, StopIteration)) == [1, 2, 3]
    assert collect(lua, Count(2, Stop)) == [1, 2]
    # an exception that is not a StopIteration is an error, not the end
    with pytest.raises(LookupError, match="done"):
        collect(lua, Count(2, LookupError))
