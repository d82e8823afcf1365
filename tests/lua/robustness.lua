-- robustness.lua — misuse from Lua must end in a clean Lua error, never a
-- crash: metamethods called on the wrong value, foreign metatables moved to
-- other values, iteration helpers on non-iterables, odd python.args tables,
-- yields across Python calls and callbacks, cdata out of range, failing
-- ffi.gc finalizers, callbacks freed while they run.
local T = require "testlib"
local python = require "tandem"
local ffi = require "tandem.ffi"
local b = python.builtins()
local mt = debug.getmetatable(b.len)
T.test("metamethods with a wrong self", function()
    for _, name in ipairs({"__index", "__newindex", "__call", "__len", "__tostring", "__eq",
                           "__lt", "__add", "__unm", "__concat", "__gc"}) do
        for _, self in ipairs({{}, 1, "s", print, coroutine.create(print), true}) do
            pcall(mt[name], self, 1, 2)
            pcall(mt[name])
        end
    end
end)
T.test("foreign metatable on other values", function()
    T.raises(function() debug.setmetatable({}, mt) ; local t = setmetatable({}, mt) return #t end)
    local t = {}
    debug.setmetatable(t, mt)
    pcall(function() return #t end)
    pcall(function() return t.x end)
    pcall(function() return t() end)
    pcall(function() return tostring(t) end)
    debug.setmetatable(t, nil)
    debug.setmetatable(10, mt)
    pcall(function() return (5)() end)
    pcall(function() return (5).x end)
    debug.setmetatable(10, nil)
    local u = io.stdout
    local om = debug.getmetatable(u)
    debug.setmetatable(u, mt)
    pcall(function() return u.x end)
    pcall(function() return u() end)
    debug.setmetatable(u, om)
end)
T.test("cdata and ctype metamethods with a wrong self", function()
    local cmt = debug.getmetatable(ffi.new("int[2]"))
    local tmt = debug.getmetatable(ffi.typeof("int"))
    for _, m in ipairs({cmt, tmt}) do
        for name, fn in pairs(m) do
            if type(fn) == "function" and name ~= "__gc" then
                for _, self in ipairs({{}, 1, "s", print, io.stdout, b.len}) do
                    pcall(fn, self, 1, 2)
                    pcall(fn)
                end
            end
        end
    end
    local u = io.stdout
    local om = debug.getmetatable(u)
    debug.setmetatable(u, cmt)
    pcall(function() return u[0] end)
    pcall(function() return u() end)
    pcall(function() return #u end)
    debug.setmetatable(u, om)
end)
T.test("iter on non-iterables", function()
    T.raises(function() for x in python.iter(5) do end end)
    T.raises(function() for x in python.iter({}) do end end)
    T.raises(function() for x in python.iterex(nil) do end end)
    T.raises(function() python.iter() end)
    T.raises(function() python.enumerate(b.len, "x") end)
end)
T.test("python.args with odd tables", function()
    local f = python.eval("lambda *a, **k: len(a) * 10 + len(k)")
    for _, t in ipairs({ {}, {1, 2, x = 3}, {[1.5] = 1}, {[{}] = 2}, {[true] = 1}, {nil, 2}, {[-1] = 3},
                         setmetatable({}, {__index = function() error("idx") end}) }) do
        pcall(function() return f(python.args(t)) end)
    end
    pcall(python.args)
    pcall(python.args, 5)
    pcall(function() return f(python.args(python.args{1})) end)
    T.eq(f(python.args{1, 2, x = 3}), 21)
end)
T.test("views", function()
    T.raises(function() python.as_attrgetter({}) end)
    T.raises(function() python.as_function(b.len).x = 1 end)
    local v = python.as_itemgetter(b.dict())
    v.k = 1
    T.eq(v.k, 1)
end)
T.test("coroutine.wrap around python calls", function()
    local f = python.eval("lambda g: g()")
    local w = coroutine.wrap(function() return f(function() return coroutine.yield(1) end) end)
    T.raises(function() w() end, "yield")
    local co = coroutine.create(function()
        return f(function() coroutine.yield(2) end)
    end)
    local ok, err = coroutine.resume(co)
    T.ok(not ok, "yield across python must fail")
    local w2 = coroutine.wrap(function(...) coroutine.yield(b.len("abc")) return b.str(5) end)
    T.eq(w2(), 3); T.eq(w2(), "5")
end)
T.test("cdata out of range", function()
    local a = ffi.new("int[3]")
    T.raises(function() return a[3] end)
    T.raises(function() return a[-1] end)
    T.raises(function() a[100] = 1 end)
    local p = ffi.new("int *")
    pcall(function() return p[0] end)
    pcall(function() return a + 1e300 end)
    pcall(function() return a + {} end)
    pcall(function() return a .. "x" end)
    pcall(function() return #p end)
    pcall(function() return a < 5 end)
    pcall(function() return -a end)
    local s = ffi.new("struct { int x; }")
    T.raises(function() return s.y end)
    T.raises(function() s.x = "str" end)
    T.raises(function() s.x = {} end)
end)
T.test("ffi.gc finalizer that errors", function()
    for i = 1, 20 do
        local p = ffi.gc(ffi.new("int[1]"), function() error("in finalizer") end)
    end
    collectgarbage(); collectgarbage()
end)
T.test("callback freed while running", function()
    local cb
    cb = ffi.cast("int (*)(int)", function(x)
        if x > 0 then pcall(function() cb:free() end) end
        return x + 1
    end)
    local ok = pcall(cb, 1)
    pcall(cb, 1)
end)
T.test("callback that yields", function()
    local cb = ffi.cast("int (*)(int)", function(x) coroutine.yield(x) return x end)
    local co = coroutine.create(function() return cb(3) end)
    local ok, err = coroutine.resume(co)
    T.ok(not ok, "yield from a callback must fail")
    cb:free()
end)
T.test("callback error", function()
    local cb = ffi.cast("int (*)(int)", function(x) error({code = x}) end)
    local ok, e = pcall(cb, 3)
    T.ok(not ok)
    cb:free()
end)
T.summary()
