"""python.translate(fn) from Lua code inside a LuaRuntime (docs/lua.md,
docs/translation.md): the Lua function LuaRuntime.translate(fn) gives, cached
per runtime; a TranslationError reaches Lua as the error. The lua5.4 host
side is tests/lua/translate.lua, the C side tests/embed/embed_translate.c.
"""

import functools

import pytest

import tandem
from tandem import TranslationError


def by_mod7(a, b):
    return a % 7 < b % 7 or (a % 7 == b % 7 and a < b)


def floor_parts(a, b):
    return (a // b, a % b, a / b, [a, None, b])


def with_default(x, y=None):
    return y is None and x or y


def expected_order(data):
    def key(a, b):
        return -1 if by_mod7(a, b) else (1 if by_mod7(b, a) else 0)
    return sorted(data, key=functools.cmp_to_key(key))


def test_translate_from_lua_sorts_with_table_sort(lua):
    lua.globals().cmp = by_mod7
    data = [10, 3, 8, 15, 1, -4, 22, 0, 7, -11]
    t = lua.table_from(data)
    lua.execute("table.sort(..., python.translate(cmp))", t)
    assert [t[i] for i in range(1, len(data) + 1)] == expected_order(data)


def nonleaf_cmp(a, b):
    x = [a % 7, a]          # a list: not a leaf, its entry is the C entry
    return x < [b % 7, b]


def test_translated_function_is_a_lua_function(lua):
    lua.globals().cmp = by_mod7
    assert lua.eval("type(python.translate(cmp))") == "function"
    # native Lua code, not a C function crossing to Python: the entry is Lua
    # compiled from this file (a leaf's own entry), or the C entry of the
    # runtime library (adapters/lua/lxentry.c) around such a function
    f = lua.eval("python.translate(cmp)")
    getinfo = lua.globals().debug.getinfo
    if getinfo(f, "S").what == "C":
        f = lua.eval("select(2, debug.getupvalue(python.translate(cmp), 1))")
    assert getinfo(f, "S").what == "Lua"
    assert getinfo(f, "S").source == "@" + __file__


def test_entries_of_leaf_and_general_functions(lua):
    lua.globals().cmp = by_mod7
    lua.globals().nonleaf = nonleaf_cmp
    getinfo = lua.globals().debug.getinfo
    assert getinfo(lua.eval("python.translate(cmp)"), "S").what == "Lua"
    assert getinfo(lua.eval("python.translate(nonleaf)"), "S").what == "C"
    for name, f in (("cmp", by_mod7), ("nonleaf", nonleaf_cmp)):
        for args in ("3, 10", "10, 3", "7, 14", "1.5, 2", "-8, 6", "1", "1, 2, 3",
                     "1, 2, nil", "nil, 1"):
            try:
                expected = ("ok", f(*eval("(%s,)" % args.replace("nil", "None"))))
            except TypeError as e:
                expected = ("raise", str(e))
            try:
                got = ("ok", lua.eval("python.translate(%s)(%s)" % (name, args)))
            except TypeError as e:
                got = ("raise", str(e))
            assert got == expected, (name, args)
        data = [5, 3, 12, 7, 1, 9, -6, 0]
        t = lua.table_from(data)
        lua.execute("table.sort(..., python.translate(%s))" % name, t)
        assert [t[i] for i in range(1, len(data) + 1)] == expected_order(data)


def test_same_object_twice_and_same_as_luaruntime_translate(lua):
    lua.globals().cmp = by_mod7
    assert lua.eval("python.translate(cmp) == python.translate(cmp)") is True
    from_lua = lua.eval("python.translate(cmp)")
    assert from_lua is lua.translate(by_mod7)
    assert lua.eval("python.translate(cmp)") is from_lua


def test_translate_from_python_first_then_lua(lua):
    lf = lua.translate(floor_parts)
    lua.globals().fp = floor_parts
    lua.globals().lf = lf
    assert lua.eval("rawequal(python.translate(fp), lf)") is True


def test_results_are_python_answers(lua):
    lua.globals().fp = floor_parts
    lua.globals().wd = with_default
    for a, b in [(-7, 2), (7, -2), (9, 3), (-1, 5)]:
        got = lua.eval("python.translate(fp)(...)", a, b)
        assert got == floor_parts(a, b)
        assert [type(x) for x in got] == [type(x) for x in floor_parts(a, b)]
    assert lua.eval("python.translate(wd)(0, false)") is False
    assert lua.eval("python.translate(wd)(5)") == 5


def test_cache_is_per_runtime(lua):
    other = tandem.LuaRuntime()
    try:
        lua.globals().cmp = by_mod7
        other.globals().cmp = by_mod7
        a = lua.eval("python.translate(cmp)")
        b = other.eval("python.translate(cmp)")
        assert a is not b
        assert b is other.translate(by_mod7)
        assert other.eval("python.translate(cmp)(1, 2)") is True
    finally:
        other.close()


def test_translation_error_reaches_lua_as_error(lua):
    lua.globals().lenf = len
    ok, err = lua.execute("local ok, e = pcall(python.translate, lenf)\n"
                          "return ok, e")
    assert ok is False
    assert isinstance(err, TranslationError)
    assert "only Python functions can be translated" in str(err)
    text = lua.eval("select(2, pcall(python.translate, lenf))")
    assert "TranslationError" in lua.globals().tostring(text)


def test_translation_error_raised_through_to_python(lua):
    ns = {}
    exec("def nosrc(x):\n    return x\n", ns)
    lua.globals().nosrc = ns["nosrc"]
    with pytest.raises(TranslationError, match="source"):
        lua.execute("python.translate(nosrc)")


def test_translate_needs_one_argument(lua):
    with pytest.raises(TypeError):
        lua.execute("python.translate()")
    lua.globals().n = 5
    with pytest.raises(TranslationError, match="only Python functions"):
        lua.execute("python.translate(n)")
