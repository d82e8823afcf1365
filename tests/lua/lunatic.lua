-- lunatic.lua — lunatic-python's API from a plain lua5.4: require "tandem".
local T = require "testlib"
local python = require "tandem"

T.test("module loads once", function()
    T.ok(rawequal(require "tandem", python), "same table")
end)

T.test("execute and eval", function()
    python.execute("x = 6 * 7")
    T.eq(python.eval("x"), 42, "x")
    T.eq(python.eval("'a' + 'b'"), "ab", "str")
    T.eq(python.eval("1.5"), 1.5, "float")
    T.eq(python.eval("None"), nil, "None")
    T.eq(python.eval("True"), true, "True")
end)

T.test("globals and locals are the __main__ namespace", function()
    local g = python.globals()
    python.execute("y = 'why'")
    T.eq(g.y, "why", "globals().y")
    g.z = 5
    T.eq(python.eval("z"), 5, "set through globals")
    T.eq(python.locals().y, "why", "locals")
end)

T.test("import and call", function()
    local os = python.import("os")
    T.eq(os.path.join("a", "b"), "a/b", "os.path.join")
    local string = python.import("string")
    T.eq(string.ascii_lowercase, "abcdefghijklmnopqrstuvwxyz", "attribute")
end)

T.test("builtins is a function returning the module (lunatic)", function()
    local b = python.builtins()
    T.eq(b.len({1, 2, 3}), 3, "len of a Lua table through a proxy")
    T.eq(b.abs(-3), 3, "abs")
end)

T.test("asindx / asattr / asfunc views", function()
    local d = python.eval("{'keys': 1, 'x': 2}")
    T.eq(python.asindx(d).keys, 1, "item view")
    T.eq(type(python.asattr(d).keys), "userdata", "attr view gives the method")
    local f = python.asfunc(python.eval("lambda a: a * 2"))
    T.eq(f(21), 42, "function view calls")
    T.raises(function() return f.x end, "as_function")
end)

T.test("none stays distinct from nil", function()
    T.eq(type(python.none), "userdata", "type")
    T.eq(tostring(python.none), "None", "tostring")
    T.eq(python.eval("lambda v: v is None")(python.none), true, "passes back as None")
end)

T.test("default indexing: items for mappings and sequences, attributes otherwise", function()
    local d = python.eval("{'a': 1}")
    T.eq(d.a, 1, "dict item")
    local l = python.eval("[10, 20, 30]")
    T.eq(l[0], 10, "list is 0-based like Python")
    local obj = python.eval("type('O', (), {'attr': 7})()")
    T.eq(obj.attr, 7, "attribute")
    d.b = 2
    T.eq(python.eval("lambda d: d['b']")(d), 2, "newindex on dict")
end)

T.test("operators map to Python", function()
    local a, b = python.eval("[1, 2]"), python.eval("[3]")
    T.eq(#(a .. b), 3, "concat is +")
    T.eq(#a, 2, "len")
    local frac = python.import("fractions").Fraction
    local x, y = frac(1, 2), frac(1, 3)
    T.eq(tostring(x + y), "5/6", "add")
    T.eq(tostring(x - y), "1/6", "sub")
    T.eq(tostring(x * y), "1/6", "mul")
    T.eq(tostring(x / y), "3/2", "div")
    T.eq(tostring(-x), "-1/2", "unm")
    T.eq(x < y, false, "lt")
    T.eq(y <= x, true, "le")
    T.eq(x == frac(2, 4), true, "eq")
    T.eq(tostring(x + 1), "3/2", "mixed with a Lua number")
end)

T.test("iteration helpers", function()
    local out = {}
    for v in python.iter(python.eval("range(3)")) do out[#out + 1] = v end
    T.eq(table.concat(out, ","), "0,1,2", "iter")
    out = {}
    for k, v in python.iterex(python.eval("{'a': 1}.items()")) do out[#out + 1] = k .. "=" .. v end
    T.eq(out[1], "a=1", "iterex unpacks tuples")
    out = {}
    for i, v in python.enumerate(python.eval("['x', 'y']")) do out[#out + 1] = i .. v end
    T.eq(table.concat(out, ","), "0x,1y", "enumerate")
    local n = 0
    for v in python.iter(python.eval("[None, None, 1]")) do n = n + 1 end
    T.eq(n, 3, "None items do not end the loop")
    local gen = python.eval("(i * i for i in range(4))")
    local s = 0
    for v in python.iter(gen) do s = s + v end
    T.eq(s, 14, "a generator drives a Lua for loop")
end)

T.test("python.args passes keyword arguments", function()
    local f = python.eval("lambda a, b=0, *, c=0: (a, b, c)")
    local r = f(python.args{1, c = 3})
    T.eq(tostring(r), "(1, 0, 3)", "positional and keyword")
end)

T.test("identity: the same Python object is the same userdata", function()
    python.execute("shared = object()")
    T.ok(rawequal(python.eval("shared"), python.eval("shared")), "rawequal")
end)

T.test("a Lua table crossing twice is the same Python object", function()
    local t = {}
    local same = python.eval("lambda a, b: a is b")
    T.eq(same(t, t), true, "is")
    local back = python.eval("lambda a: a")(t)
    T.ok(rawequal(back, t), "a proxy crossing back unwraps to the original")
end)

T.test("Python sees Lua functions and tables", function()
    local apply = python.eval("lambda f, x: f(x)")
    T.eq(apply(function(v) return v + 1 end, 41), 42, "Lua function called from Python")
    local getx = python.eval("lambda t: t.x")
    T.eq(getx({ x = "lua" }), "lua", "Lua table attribute")
end)

T.test("methods of Python objects: obj:m(x), obj.m(x), the read value", function()
    python.execute([[
class Acc:
    def __init__(self): self.n = 0
    def add(self, x=1):
        self.n += x
        return self.n
acc = Acc()
]])
    local o = python.eval("acc")
    for i = 1, 100 do o:add(i) end
    T.eq(o.n, 5050, "colon calls")
    T.eq(o.add(10), 5060, "dot call")
    local m = o.add
    T.ok(not rawequal(m, o.add), "a new value per read")
    T.ok(m == o.add, "equal reads")
    T.eq(m(), 5061, "called later")
    T.eq(tostring(m):sub(1, 22), "<bound method Acc.add ", "tostring")
    T.eq(m.__name__, "add", "attribute of the method")
    local is_bound = python.eval("lambda f: f == acc.add and f.__self__ is acc")
    T.eq(is_bound(o.add), true, "crosses as the bound method")
    local same = python.eval("lambda a, b: a is b")
    local m2 = o.add
    T.eq(same(m2, m2), true, "one bound method per value")
    T.ok(rawequal(python.eval("lambda f: f")(m2), m2), "and back the same userdata")
    T.ok(getmetatable(o.add) == getmetatable(o), "getmetatable as a proxy's")
end)

T.test("Python called by a coroutine calls Lua: the callee's results only", function()
    -- the coroutine's resumer (coroutine.wrap's function) moved its
    -- arguments away: the call's message handler at index 1 was taken for
    -- the base level's and the results came back behind the callee and its
    -- arguments (a tuple)
    python.execute("def _cb(f, t):\n    r = f(t)\n" ..
                   "    return type(r).__name__ + (':same' if r is t else '')")
    local cb = python.eval("_cb")
    local ident = function(...) return ... end
    local t = {}
    T.eq(cb(ident, t), "_LuaTable:same", "main thread")
    T.eq(coroutine.wrap(function(x) return cb(ident, x) end)(t), "_LuaTable:same", "wrap")
    T.eq(coroutine.wrap(function() return cb(ident, t) end)(), "_LuaTable:same",
         "wrap, no arguments")
    T.eq(select(2, coroutine.resume(coroutine.create(function() return cb(ident, t) end))),
         "_LuaTable:same", "resume")
    T.eq(coroutine.wrap(function() return cb(ident, 7) end)(), "int:same", "an integer")
end)

T.summary()
