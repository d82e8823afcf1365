"""Round trips of values between Python and Lua (py_to_lua_*, lua_to_py_*)."""
import math

import pytest

import tandem


def test_py_to_lua_scalars(lua):
    ident = lua.eval("function(...) return ... end")
    for v in (0, 1, -1, 2**63 - 1, -2**63, 1.5, -0.0, True, False, "", "abc", "héllo ✓"):
        r = ident(v)
        assert r == v and type(r) is type(v)
    assert ident(None) is None
    assert math.isinf(ident(float("inf")))
    assert math.isnan(ident(float("nan")))


def test_py_to_lua_types_seen_by_lua(lua):
    ty = lua.eval("function(x) return math.type(x) or type(x) end")
    assert ty(3) == "integer"
    assert ty(3.0) == "float"
    assert ty("s") == "string"
    assert ty(b"s") == "string"
    assert ty(True) == "boolean"
    assert ty(None) == "nil"
    assert ty([1]) == "userdata"
    assert ty(len) == "userdata"


def test_py_to_lua_bytes_are_binary(lua):
    f = lua.eval("function(s) return #s, s:byte(1), s:byte(3) end")
    assert f(b"\x00\xff\x10") == (3, 0, 16)


def test_py_to_lua_int_overflow_raises(lua):
    ident = lua.eval("function(x) return x end")
    with pytest.raises(OverflowError):
        ident(2**63)
    with pytest.raises(OverflowError):
        ident(-2**63 - 1)


def test_py_to_lua_overflow_handler(lua):
    lua.set_overflow_handler(lambda big: float(big))
    assert lua.eval("function(x) return math.type(x) end")(2**70) == "float"
    lua.set_overflow_handler(None)
    with pytest.raises(OverflowError):
        lua.eval("function(x) return x end")(2**70)


def test_py_to_lua_overflow_handler_option():
    rt = tandem.LuaRuntime(overflow_handler=str)
    assert rt.eval("function(x) return x end")(2**64) == str(2**64)


def test_overflow_handler_must_be_callable(lua):
    with pytest.raises(ValueError):
        lua.set_overflow_handler(42)
    with pytest.raises(ValueError):
        tandem.LuaRuntime(overflow_handler=1)


def test_overflow_handler_int_result_still_exact(lua):
    lua.set_overflow_handler(lambda big: big * 2)
    with pytest.raises(OverflowError):
        lua.eval("function(x) return x end")(2**64)


def test_lua_to_py_scalars(lua):
    assert lua.eval("1") == 1 and type(lua.eval("1")) is int
    assert lua.eval("1.0") == 1.0 and type(lua.eval("1.0")) is float
    assert lua.eval("math.maxinteger") == tandem.LUA_MAXINTEGER
    assert lua.eval("math.mininteger") == tandem.LUA_MININTEGER
    assert lua.eval("nil") is None
    assert lua.eval("true") is True
    assert lua.eval("'x'") == "x"
    assert lua.eval("1, 'a', nil") == (1, "a", None)


def test_lua_to_py_invalid_utf8_falls_back_to_bytes(lua):
    assert lua.eval("'\\xff\\xfe'") == b"\xff\xfe"


def test_lua_to_py_encoding_none_gives_bytes():
    rt = tandem.LuaRuntime(encoding=None)
    assert rt.eval("'abc'") == b"abc"
    t = rt.eval("{abc = 1}")
    assert t.abc == 1


def test_lua_to_py_other_encoding():
    rt = tandem.LuaRuntime(encoding="latin-1")
    assert rt.eval("function(s) return #s end")("é") == 1
    assert rt.eval("'\\xe9'") == "é"


def test_bad_encoding_rejected():
    with pytest.raises(LookupError):
        tandem.LuaRuntime(encoding="no-such-codec")
    with pytest.raises(ValueError):
        tandem.LuaRuntime(encoding=42)


def test_lua_to_py_repeated_string_is_cached(lua):
    s = "x" * 100
    f = lua.eval("function() return s end")
    lua.globals().s = s
    a, b = f(), f()
    assert a == s and a is b


def test_lua_to_py_python_object_comes_back(lua):
    obj = object()
    assert lua.eval("function(x) return x end")(obj) is obj
    lst = [1, 2]
    lua.globals().keep = lst
    assert lua.globals().keep is lst


def test_string_cache_checks_content(lua):
    f = lua.eval("function(n) return string.rep('a', n) end")
    for n in range(1, 200):
        assert f(n) == "a" * n


def test_py_to_lua_string_cache_survives_address_reuse(lua):
    # A str crossing into Lua is interned by its identity and checked by
    # content: a str that dies and another one allocated at the same address
    # must never push the old Lua string.
    f = lua.eval("function(s) return s end")
    reused = 0
    for i in range(500):
        s = "".join(["old-", str(i).zfill(6)])
        addr = id(s)
        assert f(s) == s
        assert f(s) == s                    # a cache hit
        del s
        t = "".join(["new-", str(i).zfill(6)])
        reused += id(t) == addr
        assert f(t) == t
        del t
    assert reused > 0, "the test never saw an address reused"


def test_py_to_lua_string_cache_content(lua):
    f = lua.eval("function(s) return s, #s end")
    eq = lua.eval("function(a, b) return rawequal(a, b) end")
    s = "k" * 100
    assert f(s) == (s, 100)
    assert f(s.encode()) == (s, 100)        # bytes with the same content
    assert eq(s, "".join(["k"] * 100))      # another str, the same Lua string
    long = "L" * 5000                        # longer than the cache keeps
    assert f(long) == (long, 5000)
    assert f(long) == (long, 5000)
    t = lua.table_from({s: 1})
    assert t[s] == 1 and lua.eval("function(t, k) return t[k] end")(t, s) == 1


def test_table_from_sequences_and_mappings(lua):
    t = lua.table_from([10, 2.5, "a", None, True, 2**40], (7,), {"k": "v", 30: 4})
    assert [t[i] for i in range(1, 8)] == [10, 2.5, "a", None, True, 2**40, 7]
    assert t.k == "v" and t[30] == 4
    big = lua.table_from(list(range(100000)))
    assert len(big) == 100000 and big[100000] == 99999
    with pytest.raises(OverflowError):
        lua.table_from([2**70])


def test_table_keys_values_items(lua):
    t = lua.table_from({"a": 1, "b": "x", 1: [5]})
    assert sorted(map(str, t.keys())) == ["1", "a", "b"]
    assert sorted(map(str, t.values())) == ["1", "[5]", "x"]
    items = dict(t.items())
    assert items["a"] == 1 and items["b"] == "x" and items[1] == [5]
    big = lua.table_from({"k%d" % i: i for i in range(2000)})
    assert sorted(big.values()) == list(range(2000))
    assert dict(big.items()) == {"k%d" % i: i for i in range(2000)}


def test_table_from_one_sequence_fills_the_array_part(lua):
    # one plain list or tuple crosses as values only (TDM_TABLEFROM_SEQ)
    obj = object()
    s = "str-%d" % 12345
    t = lua.table_from([1, 2.5, s, obj, None, "héllo", True])
    assert [t[i] for i in (1, 2, 3, 5, 6, 7)] == [1, 2.5, s, None, "héllo", True]
    assert t[4] is obj and t[8] is None
    assert lua.eval("function(t) return #t, t[1], math.type(t[1]) end")(
        lua.table_from((4, 5, 6))) == (3, 4, "integer")
    assert len(lua.table_from([])) == 0
    # Python code run during the conversion (the overflow handler) may drop
    # the list's strings: the ones already converted stay valid
    items = ["a%d" % i for i in range(50)] + [2**70] + ["b%d" % i for i in range(50)]
    expect = list(items)

    def handler(x):
        items[:50] = ["z"] * 50     # frees the first 50 strings
        return float(x)

    rt = tandem.LuaRuntime(overflow_handler=handler)
    t = rt.table_from(items)
    assert [t[i] for i in range(1, 102)] == expect[:50] + [float(2**70)] + expect[51:]


def test_table_from_strings_in_another_encoding():
    rt = tandem.LuaRuntime(encoding="latin-1")
    t = rt.table_from(["é", "ab"], {"ü": "x"})
    # latin-1: "é" is one byte in Lua, "ü" is byte 252
    assert rt.eval("function(t) return #t[1], t[2], t['\\252'] end")(t) == (1, "ab", "x")
    seq = rt.table_from(["é", "x"])
    assert len(seq) == 2 and seq[1] == "é"


def test_table_from_sequence_both_paths():
    """table_from of a list takes a one-chunk path up to 8192 values and a
    per-item path beyond, or when a debug hook is set: same table each way."""
    import tandem
    lua = tandem.LuaRuntime()
    count = lua.eval("function(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end")
    for n in (0, 1, 8192, 8193, 20000):
        t = lua.table_from(list(range(n)))
        assert len(t) == n and count(t) == n
        if n:
            assert t[1] == 0 and t[n] == n - 1
    mixed = lua.table_from([1, None, "x", 2.5])
    assert (mixed[1], mixed[2], mixed[3], mixed[4]) == (1, None, "x", 2.5)
    lua.execute("debug.sethook(function() end, '', 1000)")
    t = lua.table_from(list(range(100)))
    assert count(t) == 100 and t[100] == 99
    lua.execute("debug.sethook()")


def test_table_from_dict_mixed_pairs(lua):
    """str -> number pairs take the direct road, the others the converter;
    both must land in the same table, in any interleaving."""
    class K(str):
        pass
    d = {"a": 1, "b": [1, 2], 3: "three", "c": 2.5, K("sub"): 4, "d": None,
         "e": True}
    t = lua.table_from(d)
    assert t.a == 1 and t.c == 2.5 and t[3] == "three" and t.sub == 4 and t.e is True
    assert t.b == [1, 2]            # not recursive: the list itself
    assert t.d is None
    assert lua.eval("function(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end")(t) == 6


def test_table_from_large_str_dict_and_overflow(lua):
    d = {"k%d" % i: i for i in range(20000)}
    t = lua.table_from(d)
    assert t.k0 == 0 and t.k19999 == 19999
    assert lua.eval("function(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end")(t) == 20000
    with pytest.raises(OverflowError):
        lua.table_from({"ok": 1, "huge": 2**80})
    rt = tandem.LuaRuntime(overflow_handler=lambda x: float(x))
    try:
        assert rt.table_from({"ok": 1, "huge": 2**80}).huge == float(2**80)
    finally:
        rt.close()


def test_table_from_dict_unencodable_key(lua):
    with pytest.raises(UnicodeEncodeError):
        lua.table_from({"fine": 1, "\ud800": 2})
    assert lua.table_from({"after": 1}).after == 1


def test_keys_values_mixed_kinds_keep_table_order(lua):
    """keys()/values() convert numbers during the walk and pin the rest; the
    order must still be the table's own, the same as items()."""
    t = lua.eval("""(function()
        local t = {}
        for i = 1, 300 do t[i] = (i % 3 == 0) and {i} or (i % 3 == 1) and i * 1.5 or 's' .. i end
        for i = 1, 300 do t['k' .. i] = (i % 2 == 0) and i or ('v' .. i) end
        t[true] = false
        t[2.5] = function() return 1 end
        return t end)()""")
    items = list(t.items())
    keys, values = list(t.keys()), list(t.values())
    assert len(items) == len(keys) == len(values) == 602
    assert keys == [k for k, _ in items]
    for (k, v), v2 in zip(items, values):
        if tandem.lua_type(v) == "table":
            assert v2 is v and v2[1] == k
        elif tandem.lua_type(v) == "function":
            assert v2() == 1
        else:
            assert v2 == v and type(v2) is type(v)
    assert t[True] is False and True in keys and 2.5 in keys


def test_values_of_many_pinned_items(lua):
    t = lua.eval("(function() local t = {} for i = 1, 5000 do t[i] = 'x' .. i end return t end)()")
    vals = list(t.values())
    assert len(vals) == 5000 and vals[0] == "x1" and vals[-1] == "x5000"
    assert list(t.keys()) == list(range(1, 5001))


def test_string_caches_under_many_colliding_strings(lua):
    """More distinct strings than the caches have slots, crossing both ways
    in varying orders: every one must come back with its own content."""
    ident = lua.eval("function(...) return ... end")
    strs = ["s%05d-%s" % (i, "x" * (i % 40)) for i in range(5000)]
    for order in (strs, strs[::-1], strs[::7] + strs[1::7]):
        for s in order:
            assert ident(s) == s
    t = lua.table_from({s: i for i, s in enumerate(strs)})
    back = dict(t.items())
    assert back == {s: i for i, s in enumerate(strs)}
    assert sorted(t.keys()) == sorted(strs)
