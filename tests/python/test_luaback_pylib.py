"""The `python` module's helpers used by translated Lua code
(docs/translation.md, "The python module in translated code"). Called
through the bridge they lost their meaning: python.none crossed as None,
so it was nil in translated code (`type` 'nil', a `for v in
python.iter(l)` loop ended at the first None item, a table's python.none
value or key vanished); python.as_attrgetter/as_itemgetter views crossed
as the objects they wrap (`python.as_attrgetter(d).keys()` indexed the
dict); python.as_function gave a userdata (string.gsub, coroutine.create,
xpcall refused it); python.eval ran in a frame of tandem's boundary (the
caller's locals were not seen); python.args{...} reached a Python function
as one positional argument. Each chunk runs natively and translated, each
in its own runtime, and the results must be the same.
"""

import re

import pytest

import tandem
from luaback_outcome import norm, outcome


class Obj:
    def __init__(self):
        self.x = 5
        self.items = "attr"

    def m(self, a=None):
        return ("m", a)


def _kw(a, b=0):
    return (a, b)


CASES = {
    "none_type": ("return function() return type(python.none), python.none == nil, "
                  "tostring(python.none), not python.none end", lambda: ()),
    "none_same": ("return function() local n = python.none "
                  "return rawequal(n, python.none), n == python.none end", lambda: ()),
    "none_key": ("return function(t) return t[python.none] end",
                 lambda: (None,)),       # (a table filled below)
    "none_upvalue": ("local none = python.none\n"
                     "return function(x) if x == nil then return none end "
                     "return type(none), tostring(none) end", lambda: (1,)),
    "none_in_table": ("local t = {1, python.none, 3}\n"
                      "return function() local out = {} "
                      "for i = 1, 3 do out[i] = type(t[i]) end "
                      "return table.concat(out, ','), #t, rawget(t, 2) == nil end",
                      lambda: ()),
    "none_pairs": ("local t = {a = python.none, [python.none] = 'k'}\n"
                   "return function() local n, vs = 0, {} "
                   "for k, v in pairs(t) do n = n + 1 vs[#vs + 1] = type(k) .. '=' .. type(v) end "
                   "table.sort(vs) return n, table.concat(vs, ' ') end", lambda: ()),
    "none_global": ("NONE_G = python.none\n"
                    "return function() return type(NONE_G), NONE_G ~= nil end", lambda: ()),
    "none_returned": ("return function() return python.none, 1 end", lambda: ()),
    "none_to_python": ("return function(f) return f(python.none) end",
                       lambda: (lambda v: repr(v),)),
    "none_into_table_out": ("return function() return {python.none} end", lambda: ()),
    "iter_none": ("return function(l) local out = {} "
                  "for v in python.iter(l) do out[#out + 1] = tostring(v) .. ':' .. type(v) end "
                  "return table.concat(out, ',') end", lambda: ([1, None, "a", None, 2.5],)),
    "iter_only_none": ("return function(l) local n = 0 "
                       "for v in python.iter(l) do n = n + 1 end return n end",
                       lambda: ([None, None],)),
    "iter_generator": ("return function(g) local out = {} "
                       "for v in python.iter(g) do out[#out + 1] = tostring(v) end "
                       "return table.concat(out, ' ') end",
                       lambda: ((x if x % 2 else None for x in range(5)),)),
    "iter_error": ("return function(l) local ok, e = pcall(function() "
                   "for v in python.iter(l) do end end) "
                   "return ok, type(e) end", lambda: (5,)),
    "iterex_items": ("return function(d) local out = {} "
                     "for k, v in python.iterex(python.as_attrgetter(d).items()) do "
                     "out[#out + 1] = tostring(k) .. '=' .. tostring(v) end "
                     "return table.concat(out, ',') end", lambda: ({"a": 1, None: 2, "c": None},)),
    "iterex_tuple_none": ("return function(l) local out = {} "
                          "for a, b in python.iterex(l) do out[#out + 1] = type(a) .. type(b) end "
                          "return table.concat(out, ',') end",
                          lambda: ([(None, None), (1, None), (None, 2)],)),
    "enumerate_none": ("return function(l) local out = {} "
                       "for i, v in python.enumerate(l) do out[#out + 1] = i .. tostring(v) end "
                       "return table.concat(out, ',') end", lambda: ([None, "x", None],)),
    "enumerate_start": ("return function(l) local out = {} "
                        "for i, v in python.enumerate(l, 10) do out[#out + 1] = i .. tostring(v) end "
                        "return table.concat(out, ',') end", lambda: (["a", None],)),
    "enumerate_bad_start": ("return function(l) return pcall(python.enumerate, l, 'x') end",
                            lambda: ([1],)),
    "attrgetter_keys": ("return function(d) local ks = {} "
                        "for k in python.iter(python.as_attrgetter(d).keys()) do ks[#ks + 1] = k end "
                        "return table.concat(ks, ',') end", lambda: ({"a": 1, "b": 2},)),
    "attrgetter_append": ("return function(l) python.as_attrgetter(l):append(4) "
                          "python.asattr(l).append(5) return #l end", lambda: ([1, 2],)),
    "attrgetter_type": ("return function(d) local v = python.as_attrgetter(d) "
                        "return type(v), v.get('a'), v == python.as_attrgetter(d) end",
                        lambda: ({"a": 7},)),
    "attrgetter_out": ("return function(d) return python.as_attrgetter(d) end",
                       lambda: ({"a": 7},)),
    "itemgetter_obj": ("return function(o) local ok, e = pcall(function() "
                       "return python.as_itemgetter(o).x end) "
                       "return ok, type(e), python.asindx({z = 1}) ~= nil end", lambda: (Obj(),)),
    "itemgetter_dict": ("return function(d) return python.as_itemgetter(d).items, "
                        "python.asindx(d)['k'] end", lambda: ({"items": 3, "k": "v"},)),
    "as_function_type": ("return function(f) local g = python.as_function(f) "
                         "return type(g), g(1, 2) end", lambda: (lambda a, b: a + b,)),
    "as_function_gsub": ("return function(f) return (string.gsub('abc', '%w', "
                         "python.as_function(f))) end", lambda: (lambda s: s.upper(),)),
    "as_function_sort": ("return function(f) local t = {3, 1, 2} "
                         "table.sort(t, python.as_function(f)) return table.concat(t, ',') end",
                         lambda: (lambda a, b: a > b,)),
    "as_function_coroutine": ("return function(f) local co = coroutine.create(python.as_function(f)) "
                              "return coroutine.resume(co, 5) end", lambda: (lambda x: x * 2,)),
    "as_function_xpcall": ("return function(f) return xpcall(function() error('E') end, "
                           "python.as_function(f)) end", lambda: (lambda m: "handled " + m[-1:],)),
    "as_function_bad": ("return function() return pcall(python.as_function, {}) end", lambda: ()),
    "as_function_out": ("return function(f) return python.as_function(f) end",
                        lambda: (_kw,)),
    "asfunc_call": ("return function(f) local g = python.asfunc(f) return type(g), g(2) end",
                    lambda: (lambda x: x + 1,)),
    "eval_type": ("return function() return type(python.eval), python.eval('1 + 2') end",
                  lambda: ()),
    "eval_errors": ("return function() local ok, e = pcall(python.eval, 'nosuchname_xyz') "
                    "local ok2, e2 = pcall(python.eval, 5) "
                    "return ok, type(e), ok2, type(e2) end", lambda: ()),
    "eval_tuple": ("return function() return python.eval('(1, None, \"s\")') end", lambda: ()),
    "errors": ("return function(o) local out = {} "
               "for _, f in ipairs({function() return python.as_attrgetter({}) end, "
               "function() return python.asindx('s') end, "
               "function() return python.as_function(5) end, "
               "function() return python.asfunc() end, "
               "function() return python.iter() end, "
               "function() return python.enumerate(o, 1.5) end, "
               "function() return python.iterex(nil) end}) do "
               "local ok, e = pcall(f) out[#out + 1] = tostring(ok) .. ' ' .. tostring(e) end "
               "return table.concat(out, '\\n') end", lambda: ([1],)),
    "iter_of_lua_value": ("return function() local ok, e = pcall(python.iter, 5) "
                          "return ok, tostring(e) end", lambda: ()),
    "args_kw": ("return function(f) return f(python.args{1, b = 2}) end", lambda: (_kw,)),
    # a table with holes crosses with its array part (its length the same)
    "args_with_nil": ("return function(f) return f(python.args{1, nil, 3}) end",
                      lambda: (lambda *a: repr(a),)),
    "holes_length": ("return function(f) local t = {1, nil, 3, nil, 5} return f(t) end",
                     lambda: (lambda t: len(t),)),
    "args_positional": ("return function(f) return f(python.args{1, 2}) end", lambda: (_kw,)),
}


def _prepare(lua, name, args):
    if name == "none_key":
        return (lua.table_from({None: 5}),)
    return args


@pytest.mark.parametrize("name", sorted(CASES))
def test_python_module_in_translated_code(name):
    src, args = CASES[name]
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    native = native_rt.execute(src)
    translated = xl_rt.translate(xl_rt.execute(src))
    want = outcome(native, _prepare(native_rt, name, args()))
    got = outcome(translated, _prepare(xl_rt, name, args()))
    if want[0] == "ok" and name in ("none_into_table_out",):
        # a Lua table each: compare their contents as Python sees them
        want = ("ok", norm(tuple(native(*args())[i] for i in (1,))))
        got = ("ok", norm(tuple(translated(*args())[i] for i in (1,))))
    assert _chunks(got) == _chunks(want)


def _chunks(o):
    """o with chunk names <lua:N> as <lua:?> (each runtime counts its own)."""
    return o[0], re.sub(r"<lua:\d+>", "<lua:?>", str(o[1]))


def test_iter_with_unpacked_tuples():
    """unpack_returned_tuples: a tuple item whose first value is None."""
    src = ("return function(l) local out = {} "
           "for a, b in python.iter(l) do out[#out + 1] = tostring(a) .. tostring(b) end "
           "return table.concat(out, ',') end")
    native_rt = tandem.LuaRuntime(unpack_returned_tuples=True)
    xl_rt = tandem.LuaRuntime(unpack_returned_tuples=True)
    data = [(None, 1), (2, 3), (None, None)]
    want = native_rt.execute(src)(data)
    assert want == "None1,23,Nonenil"
    assert xl_rt.translate(xl_rt.execute(src))(data) == want


def test_eval_sees_the_callers_frame():
    """python.eval evaluates in the Python frame that called into Lua: the
    caller's locals, then its module's globals."""
    src = "return function() return python.eval('secret * 2'), python.eval('sorted(dir())') end"
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    native = native_rt.execute(src)
    translated = xl_rt.translate(xl_rt.execute(src))

    def caller(f):
        secret = 21
        assert secret
        r = f()
        return r[0], list(r[1])
    assert caller(native) == (42, ["f", "secret"])
    assert caller(translated) == caller(native)


def test_values_returned_to_python():
    """python.none and the views leave translated code as what they stand
    for, as natively."""
    src = "return function(d) return python.none, python.as_attrgetter(d), python.asindx(d) end"
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    d = {"k": 1}
    want = native_rt.execute(src)(d)
    got = xl_rt.translate(xl_rt.execute(src))(d)
    assert want == (None, d, d) and want[1] is d
    assert got == want and got[1] is d and got[2] is d


def test_none_from_a_bridged_function():
    """python.none among the results of a Lua function called through the
    bridge (one without source: a binary chunk's) is python.none too."""
    src = "return function(f) local a, b, c = f() return type(a), type(b), type(c), a == python.none end"
    mk = "load(string.dump(function() return python.none, nil, python.none end))"
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    want = native_rt.execute(src)(native_rt.eval(mk))
    assert want == ("userdata", "nil", "userdata", True)
    assert xl_rt.translate(xl_rt.execute(src))(xl_rt.eval(mk)) == want


UNPACKED = {
    # a runtime unpacking returned tuples: iteration as the C step does it
    "enumerate_none_first": ("return function(l) local out = {} "
                             "for i, a, b in python.enumerate(l) do "
                             "out[#out + 1] = i .. ':' .. type(a) .. ':' .. type(b) end "
                             "return table.concat(out, ' ') end",
                             [(None, 2), (None,), (1, None)]),
    "empty_tuple_ends": ("return function(l) local n = 0 "
                         "for i, v in python.enumerate(l) do n = n + 1 end "
                         "for v in python.iter(l) do n = n + 10 end return n end",
                         [(), 1, 2]),
    "iter_none_tuple": ("return function(l) local out = {} "
                        "for a, b in python.iter(l) do out[#out + 1] = type(a) .. type(b) end "
                        "return table.concat(out, ',') end", [(None,), 1, (None, None), 2]),
}


@pytest.mark.parametrize("name", sorted(UNPACKED))
def test_iterators_of_a_runtime_unpacking_tuples(name):
    src, data = UNPACKED[name]
    native_rt = tandem.LuaRuntime(unpack_returned_tuples=True)
    xl_rt = tandem.LuaRuntime(unpack_returned_tuples=True)
    assert xl_rt.translate(xl_rt.execute(src))(data) == native_rt.execute(src)(data)


VIEWS_GIVEN = {
    # iterex unpacks a tuple subclass (a namedtuple)
    "iterex_namedtuple": "return function(l) local out = {} "
                         "for x, y in python.iterex(l) do out[#out + 1] = x .. ',' .. y end "
                         "return table.concat(out, ' ') end",
    # the helpers given python.none or a view: the native answers
    "iter_of_none": "return function(l) return pcall(python.iter, python.none) end",
    "iter_of_a_view": "return function(l) local out = {} "
                      "for k in python.iter(python.asattr(l)) do out[#out + 1] = tostring(k) end "
                      "return table.concat(out, ',') end",
    "asfunc_returned": "return function(l) return python.asfunc(python.builtins.len) end",
    "as_function_not_callable": "return function(l) local g = python.as_function(l) "
                                "return type(g), pcall(g) end",
}


@pytest.mark.parametrize("name", sorted(VIEWS_GIVEN))
def test_helpers_given_unusual_values(name):
    import collections
    P = collections.namedtuple("P", "x y")
    data = [P(1, 2), P(3, 4)]
    src = VIEWS_GIVEN[name]
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    want = outcome(native_rt.execute(src), (data,))
    got = outcome(xl_rt.translate(xl_rt.execute(src)), (data,))
    assert _chunks(got) == _chunks(want)


FRAME_BUILTINS = {
    "eval": "return python.builtins.eval('secret * 2')",
    "eval_error": "return pcall(python.builtins.eval, 'no_such_name_q')",
    "eval_dicts": "return python.builtins.eval('a + 1', python.builtins.dict(), python.eval('{\"a\": 1}'))",
    "exec": "python.builtins.exec('secret_out.append(secret)') return python.eval('secret_out[0]')",
    "locals": "return python.builtins.locals()['secret']",
    "globals": "return python.builtins.globals()['__name__']",
    "dir": "return python.builtins.len(python.builtins.dir())",
    "vars": "return python.builtins.vars()['secret']",
}


@pytest.mark.parametrize("name", sorted(FRAME_BUILTINS))
def test_frame_builtins_see_the_python_caller(name):
    """eval, exec, locals, globals, vars and dir reached through
    python.builtins: called from Lua they see the Python frame that called
    into Lua; so they do from translated code (they saw its own frame)."""
    src = "return function()\n" + FRAME_BUILTINS[name] + "\nend"
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()

    def caller(f):
        secret = 21
        secret_out = []
        assert secret and secret_out == []
        try:
            return ("ok", repr(norm(f())))
        except Exception as e:      # noqa: BLE001 — compared below
            return ("err", type(e).__name__, str(e).split("\n")[0])
    want = caller(native_rt.execute(src))
    got = caller(xl_rt.translate(xl_rt.execute(src)))
    assert want[0] == "ok" or name == "eval_error"
    assert got == want


def test_none_in_a_table_given_to_a_python_callable():
    """A translated table holding python.none (a value, a key) given to a
    Python callable comes back from the copy with it."""
    src = ("return function(f)\n"
           "local t = {a = python.none, python.none, python.none, [python.none] = 1}\n"
           "f(t)\n"
           "return type(t.a), #t, type(t[2]), t[python.none]\nend")
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    want = native_rt.execute(src)(lambda t: None)
    assert want == ("userdata", 2, "userdata", 1)
    assert xl_rt.translate(xl_rt.execute(src))(lambda t: None) == want
