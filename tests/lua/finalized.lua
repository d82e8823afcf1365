-- finalized.lua — a userdata whose __gc already ran stays reachable from Lua
-- when a Lua finalizer resurrects it: every use must then raise a clean Lua
-- error ("deleted python object", "cdata already freed"), never crash. A
-- __gc called from Lua code (debug.getmetatable(o).__gc(o)) must leave the
-- object working (it may be in use below: C code, a Python generator), a
-- second __gc must be harmless, and every metamethod must check its self.
-- The cases are driven by tables: every userdata kind x every metamethod its
-- metatable has (found with pairs, so a new metamethod is covered without
-- editing this file) x every helper that takes an object.
local T = require "testlib"
local python = require "tandem"
local ffi = require "tandem.ffi"
local B = python.builtins()

local PY, CD = "deleted python object", "cdata already freed"

-- kind name -> {make = function returning a fresh object (and, for a view,
-- its original), msg = the error text expected once it is finalized}
local kinds = {
    py_list = {msg = PY, make = function() return python.eval("[1, 2, 3]") end},
    py_dict = {msg = PY, make = function() return python.eval("{'a': 1}") end},
    py_callable = {msg = PY, make = function() return python.eval("lambda *a: 1") end},
    py_object = {msg = PY, make = function() return python.eval("type('X', (), {})()") end},
    py_builtin = {msg = PY, make = function() return B.len end},
    py_module = {msg = PY, make = function() return python.import("json") end},
    py_iterator = {msg = PY, make = function() return python.eval("iter([1, 2])") end},
    py_attr_view = {msg = PY, make = function()
        local o = python.eval("[1]") return python.as_attrgetter(o), o end},
    py_item_view = {msg = PY, make = function()
        local o = python.eval("[1]") return python.as_itemgetter(o), o end},
    py_func_view = {msg = PY, make = function()
        local o = python.eval("len") return python.asfunc(o), o end},
    py_view_of_view = {msg = PY, make = function()
        local o = python.eval("[1]")
        return python.as_itemgetter(python.as_attrgetter(o)), o end},
    cd_array = {msg = CD, make = function() return ffi.new("int[3]", 1, 2, 3) end},
    cd_scalar = {msg = CD, make = function() return ffi.new("int64_t", 5) end},
    cd_struct = {msg = CD, make = function()
        return ffi.new("struct { int a; double b; }", {a = 1}) end},
    cd_pointer = {msg = CD, make = function() return ffi.cast("void *", 1234) end},
    cd_function = {msg = CD, make = function() return ffi.cast("int (*)(int)", ffi.C.abs) end},
    cd_callback = {msg = CD, make = function()
        return ffi.cast("int (*)(int)", function(x) return x + 1 end) end},
    cd_with_gc = {msg = CD, make = function()
        return ffi.gc(ffi.new("int[1]"), function() end) end},
}
ffi.cdef("int abs(int);")

local names = {}
for k in pairs(kinds) do names[#names + 1] = k end
table.sort(names)

-- A finalized object of kind k: its only holder is a table whose finalizer
-- saves it (for a view, the original is finalized in the same cycle).
local function plant(make, save)
    local o = make()
    setmetatable({o = o}, {__gc = function(t) save(t.o) end})
end
local function finalized(k)
    local saved
    plant(kinds[k].make, function(o) saved = o end)
    collectgarbage()
    collectgarbage()
    assert(saved ~= nil, "finalizer did not run")
    return saved
end

local function hows()
    return {"resurrect"}        -- the one way: an explicit __gc finalizes nothing
end

local binary = {__eq = true, __lt = true, __le = true, __add = true, __sub = true,
                __mul = true, __div = true, __mod = true, __pow = true, __idiv = true,
                __band = true, __bor = true, __bxor = true, __shl = true, __shr = true,
                __concat = true}

local function expect_error(what, msg, f, ...)
    local ok, err = pcall(f, ...)
    if ok then error(what .. ": no error", 2) end
    if msg and not string.find(tostring(err), msg, 1, true) then
        error(what .. ": error does not mention '" .. msg .. "': " .. tostring(err), 2)
    end
end

-- every metamethod of the object's own metatable, called directly
for _, k in ipairs(names) do
    for _, how in ipairs(hows(k)) do
        T.test("metamethods of a finalized " .. k .. " (" .. how .. ")", function()
            local msg = kinds[k].msg
            local o = finalized(k)
            local mt = debug.getmetatable(o)
            local seen = 0
            for name, mm in pairs(mt) do
                if type(mm) == "function" then
                    seen = seen + 1
                    if name == "__gc" then
                        mm(o)       -- again: harmless
                        mm(o)
                    else
                        expect_error(name, msg, mm, o, 1, 1)
                        if binary[name] then
                            -- Lua calls __eq only with two userdata
                            local first = name == "__eq" and kinds[k].make() or 1
                            expect_error(name .. " (second operand)", msg, mm, first, o)
                        end
                    end
                end
            end
            T.ok(seen >= 5, "metamethods found")
        end)
    end
end

-- the operators and helpers a program would use
local uses = {
    call = function(o) return o(1) end,
    index = function(o) return o[1] end,
    field = function(o) return o.x end,
    newindex = function(o) o[1] = 2 end,
    newfield = function(o) o.x = 2 end,
    len = function(o) return #o end,
    tostring = function(o) return tostring(o) end,
    concat = function(o) return o .. "s" end,
    concat2 = function(o) return "s" .. o end,
    add = function(o) return o + 1 end,
    add2 = function(o) return 1 + o end,
    unm = function(o) return -o end,
    lt = function(o) return o < o end,
    le = function(o) return o <= o end,
    eq_live = function(o, k) return o == kinds[k].make() end,
    eq_live2 = function(o, k) return kinds[k].make() == o end,
}
local needs = {concat = "__concat", concat2 = "__concat", le = "__le", lt = "__lt",
               unm = "__unm", add = "__add", add2 = "__add", len = "__len"}
local py_uses = {
    py_str = function(o) return B.str(o) end,
    py_identity = function(o) return python.eval("lambda x: x")(o) end,
    as_attrgetter = function(o) return python.as_attrgetter(o) end,
    as_itemgetter = function(o) return python.as_itemgetter(o) end,
    as_function = function(o) return python.as_function(o) end,
    asfunc = function(o) return python.asfunc(o) end,
    iter = function(o) return python.iter(o) end,
    enumerate = function(o) return python.enumerate(o) end,
}
-- raised with a message of its own
local any_uses = {
    error_value = function(o) return python.eval("lambda f: f()")(function() error(o) end) end,
}
local cd_uses = {
    as_c_argument = function(o) return ffi.C.abs(o) end,
    ffi_string = function(o) return ffi.string(o) end,
    ffi_copy = function(o) return ffi.copy(o, "x", 1) end,
    ffi_fill = function(o) return ffi.fill(o, 1) end,
    ffi_cast = function(o) return ffi.cast("intptr_t", o) end,
    ffi_gc = function(o) return ffi.gc(o, nil) end,
    ffi_sizeof = function(o) return ffi.sizeof(o) end,
    ffi_typeof = function(o) return ffi.typeof(o) end,
    ffi_isnull = function(o) return ffi.isnull(o) end,
    ffi_tonumber = function(o) return ffi.tonumber(o) end,
    ffi_istype = function(o) return ffi.istype("int", o) end,
    ffi_new = function(o) return ffi.new("int[1]", {o}) end,
    cb_free = function(o) return o:free() end,
    cb_set = function(o) return o:set(print) end,
    to_python = function(o) return python.eval("lambda x: x")(o) end,
}
-- cdata helpers that must name the cause (the rest convert the value and
-- report it as a value they cannot take)
local named = {ffi_gc = true, ffi_sizeof = true, ffi_typeof = true, ffi_isnull = true,
               ffi_tonumber = true, ffi_istype = true, cb_free = true, cb_set = true,
               to_python = true}
local function sorted(t)
    local r = {}
    for n in pairs(t) do r[#r + 1] = n end
    table.sort(r)
    return r
end

for _, k in ipairs(names) do
    for _, how in ipairs(hows(k)) do
        T.test("uses of a finalized " .. k .. " (" .. how .. ")", function()
            local o = finalized(k)
            local msg = kinds[k].msg
            local mt = debug.getmetatable(o)
            for _, u in ipairs(sorted(uses)) do
                -- Lua's own error when the metatable has no such metamethod
                local m = needs[u] and not mt[needs[u]] and "attempt to" or msg
                expect_error(u, m, uses[u], o, k)
            end
            local extra = msg == PY and py_uses or cd_uses
            for _, u in ipairs(sorted(extra)) do
                -- as an argument of another function: an error, worded by
                -- whoever converts it
                expect_error(u, (msg == PY or named[u]) and msg or nil, extra[u], o)
            end
            for _, u in ipairs(sorted(any_uses)) do
                expect_error(u, nil, any_uses[u], o)
            end
        end)
    end
end

for _, k in ipairs(names) do
    T.test("an explicit __gc keeps a " .. k .. " usable", function()
        local o, orig = kinds[k].make()
        local before = tostring(o)
        for _, x in ipairs({o, orig}) do
            local mt = debug.getmetatable(x)
            mt.__gc(x)
            mt.__gc(x)
            local gc = mt.__gc
            gc(x)
            pcall(mt.__gc, x)
        end
        T.eq(tostring(o), before)
        if kinds[k].msg == PY then
            -- a view crosses as its original
            T.ok(rawequal(python.eval("lambda x: x")(o), orig or o), "identity")
        else
            T.eq(ffi.istype(ffi.typeof(o), o), true)
        end
    end)
end

T.test("__gc of a Python generator while python.iter steps it", function()
    local mk = python.eval("lambda f: (f() for _ in range(3))")
    local g
    local function f()
        debug.getmetatable(g).__gc(g)
        collectgarbage()
        return 1
    end
    g = mk(f)
    local n = 0
    for x in python.iter(g) do n = n + x end
    T.eq(n, 3)
end)

T.test("a cdata crossing to Python and back after an explicit __gc is itself", function()
    local l = python.eval("[None]")
    local c = ffi.new("int[1]", 42)
    l[0] = c                            -- Python holds the cdata
    debug.getmetatable(c).__gc(c)
    T.eq(c[0], 42)
    T.ok(rawequal(l[0], c), "identity")
end)

T.test("an ffi.gc finalizer runs once even if it calls __gc itself", function()
    local runs = 0
    local c = ffi.new("int[1]")
    ffi.gc(c, function(x)
        runs = runs + 1
        debug.getmetatable(x).__gc(x)
    end)
    debug.getmetatable(c).__gc(c)
    debug.getmetatable(c).__gc(c)
    T.eq(runs, 1, "finalizer runs")
    c = nil
    collectgarbage()
    T.eq(runs, 1, "finalizer runs after collection")
end)

T.test("__gc of the arguments of a running native call", function()
    -- a callback reaches the cdata below it through debug.getlocal (the C
    -- temporaries of cd_call): the array qsort is sorting, the function
    -- cdata being called and the callback itself
    ffi.cdef("void qsort(void *, size_t, size_t, int (*)(const void *, const void *));")
    local arr = ffi.new("int[3]", 3, 1, 2)
    local qsort = ffi.cast("void (*)(void *, size_t, size_t, int (*)(const void *, const void *))",
                           ffi.C.qsort)
    local hit = 0
    local function cmp(a, b)
        for level = 2, 8 do
            if not debug.getinfo(level) then break end
            for i = 1, 50 do
                local name, v = debug.getlocal(level, i)
                if not name then break end
                if type(v) == "userdata" and tostring(v):find("^cdata<") then
                    hit = hit + 1
                    debug.getmetatable(v).__gc(v)
                end
            end
        end
        a, b = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
        return a < b and -1 or (a > b and 1 or 0)
    end
    qsort(arr, 3, 4, cmp)
    T.ok(hit >= 3, "temporaries reached")
    T.eq(arr[0] * 100 + arr[1] * 10 + arr[2], 123)
    qsort(arr, 3, 4, cmp)
end)

-- every metamethod with a self that is not its own object (debug.getmetatable
-- reaches any of them): a clean error or a harmless result, never a crash;
-- operations on one object only must raise
local unary = {__index = true, __newindex = true, __call = true, __len = true,
               __tostring = true, __unm = true, __bnot = true}
local owners = {
    python_object = python.eval("[1]"),
    cdata = ffi.new("int[1]"),
    ctype = ffi.typeof("int"),
    namespace_C = ffi.C,
    namespace_lib = ffi.load("libm.so.6"),
}
local others = {{}, 1, "s", true, print, io.stdout, coroutine.create(print)}
for _, v in pairs(owners) do others[#others + 1] = v end
for _, owner in ipairs(sorted(owners)) do
    T.test("metamethods of " .. owner .. " with a wrong self", function()
        local mt = debug.getmetatable(owners[owner])
        for name, mm in pairs(mt) do
            if type(mm) == "function" then
                for _, self in ipairs(others) do
                    local smt = debug.getmetatable(self)
                    if type(smt) ~= "table" or smt.__name ~= mt.__name then
                        local ok = pcall(mm, self, "abs", 1)
                        if unary[name] and ok then
                            error(name .. " accepted a " .. type(self) .. " self")
                        end
                        pcall(mm)
                    end
                end
            end
        end
    end)
end

T.test("metatables moved between kinds with debug.setmetatable", function()
    local victims = {
        ctype = ffi.typeof("int"), namespace = ffi.load("libm.so.6"),
        cdata = ffi.new("int[1]"), python_object = python.eval("[1]"),
    }
    for _, from in ipairs(sorted(owners)) do
        local mt = debug.getmetatable(owners[from])
        for vname, v in pairs(victims) do
            local own = debug.getmetatable(v)
            if own.__name ~= mt.__name then
                debug.setmetatable(v, mt)
                for _, op in ipairs({function() return v.abs end, function() v.x = 1 end,
                                     function() return v(1) end, function() return #v end,
                                     function() return tostring(v) end,
                                     function() return -v end,
                                     -- helpers that look for a ctype by its metatable
                                     function() return ffi.typeof(v) end,
                                     function() return ffi.sizeof(v) end,
                                     function() return ffi.istype(v, 1) end,
                                     function() return ffi.istype("int", v) end}) do
                    pcall(op)
                end
                debug.setmetatable(v, own)
            end
        end
    end
    T.eq(ffi.C.abs(-2), 2)
    T.eq(tostring(victims.ctype), "ctype<int>")
end)

T.test("namespace metamethods with a wrong self", function()
    local mt = debug.getmetatable(ffi.C)
    T.raises(function() return mt.__index({}, "abs") end, "ffi.namespace expected")
    T.raises(function() return mt.__newindex({}, "abs", 1) end, "ffi.namespace expected")
    T.raises(function() return mt.__tostring(ffi.typeof("int")) end, "ffi.namespace expected")
    T.raises(function() return debug.getmetatable(ffi.typeof("int")).__tostring(ffi.C) end,
             "ctype expected")
    T.eq(mt.__index(ffi.C, "abs", "extra")(-3), 3)
end)

T.test("registry finalizers with a wrong self", function()
    for _, v in pairs(debug.getregistry()) do
        local mt = type(v) == "userdata" and debug.getmetatable(v)
        if mt and type(mt.__gc) == "function" then
            for _, self in ipairs({{}, 1, "s", true, print}) do
                pcall(mt.__gc, self)
            end
        end
    end
    T.eq(ffi.new("int[2]", {1, 2})[1], 2)
end)

T.test("registry finalizers called explicitly on userdata close nothing", function()
    -- the lua5.4 host's runtime sentinel among them: called by Lua code (on
    -- itself or on another userdata) it must neither close the runtime nor
    -- read another userdata as a runtime
    local uds = {}
    for _, v in pairs(debug.getregistry()) do
        if type(v) == "userdata" then uds[#uds + 1] = v end
    end
    local others = {ffi.typeof("int"), ffi.new("int[1]"), ffi.C}
    for _, v in ipairs(uds) do
        local mt = debug.getmetatable(v)
        if mt and type(mt.__gc) == "function" then
            pcall(mt.__gc, v)
            for _, o in ipairs(others) do pcall(mt.__gc, o) end
        end
    end
    T.eq(python.eval("6 * 7"), 42)
    T.eq(ffi.C.abs(-2), 2)
end)

T.summary()
