-- translate.lua — python.translate(fn) in a lua5.4 host that did require "tandem":
-- the Python function as a native Lua function, cached per runtime; a
-- TranslationError is a Lua error (the exception, whose tostring has the message).
local T = require "testlib"
local python = require "tandem"

local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
python.as_attrgetter(python.import("sys").path).insert(0, here)
local helpers = python.import("translate_helpers")

T.test("a translated comparator sorts with table.sort", function()
    local cmp = python.translate(helpers.by_mod7)
    T.eq(type(cmp), "function", "a Lua function")
    T.eq(debug.getinfo(cmp, "S").what, "Lua", "native Lua code")
    local t = {10, 3, 8, 15, 1, -4, 22, 0, 7, -11}
    table.sort(t, cmp)
    -- by a % 7 (Python's modulo: never negative), then by value
    T.eq(table.concat(t, ","), "0,7,1,8,15,22,-11,-4,3,10", "order")
end)

T.test("the same function object twice", function()
    local a = python.translate(helpers.by_mod7)
    local b = python.translate(helpers.by_mod7)
    T.ok(rawequal(a, b), "cached per runtime")
    T.ok(not rawequal(a, python.translate(helpers.floor_parts)), "another function differs")
end)

T.test("the translated function gives Python's answers", function()
    local fp = python.translate(helpers.floor_parts)
    local r = fp(-7, 2)
    -- a tuple built in translated code crosses to Lua as a Python tuple
    local text = tostring(r)
    T.eq(text, "(-4, 1, -3.5)", "floor division and modulo of negatives")
    local truthy = python.translate(helpers.truthy)
    T.eq(truthy(0), "no", "0 is false")
    T.eq(truthy(""), "no", "'' is false")
    T.eq(truthy(false), "no", "False is false")
    T.eq(truthy(1), "yes", "1 is true")
end)

T.test("a TranslationError is a Lua error with the message", function()
    local err = T.raises(function() python.translate(python.builtins().len) end,
                         "only Python functions can be translated")
    T.ok(tostring(err):find("TranslationError", 1, true), "names the error: " .. tostring(err))
    local TE = python.import("tandem").TranslationError
    T.eq(python.builtins().isinstance(err, TE), true, "it is the exception")
    T.raises(function() python.translate(5) end, "only Python functions")
    T.raises(function() python.translate() end, "argument")
end)

T.test("recursion: one depth counter, RecursionError past the limit", function()
    -- is_even and is_odd are two chunks sharing the depth counter
    local even = python.translate(helpers.is_even)
    T.eq(even(300), true, "300 deep")
    T.eq(even(7), false, "odd")
    local err = T.raises(function() even(100000) end, "maximum recursion depth exceeded")
    local RE = python.builtins().RecursionError
    T.eq(python.builtins().isinstance(err, RE), true, "a RecursionError")
    T.eq(even(500), true, "the counter is back after the error")
    -- where the limit falls: the same for the mutual and a self recursion
    local function limit(f)
        local lo, hi = 0, 100000
        while hi - lo > 1 do
            local mid = (lo + hi) // 2
            if pcall(f, mid) then lo = mid else hi = mid end
        end
        return hi
    end
    local a = limit(even)
    local b = limit(python.translate(helpers.is_odd))
    T.ok(math.abs(a - b) <= 1, "one counter for both chunks: " .. a .. " " .. b)
    T.ok(a > 500 and a <= python.import("sys").getrecursionlimit() + 1, "the limit: " .. a)
end)

T.test("attributes of Python objects in a translated comparator", function()
    local cmp = python.translate(helpers.by_priority)
    local tasks = helpers.make_tasks()
    local t = {}
    for i = 0, 3 do
        t[i + 1] = tasks[i]
    end
    table.sort(t, cmp)
    local names = {}
    for i = 1, 4 do
        names[i] = t[i].name
    end
    T.eq(table.concat(names, ","), "a,b,d,c", "by priority, then name")
    local bump = python.translate(helpers.bump)
    local r = bump(t[4], 5)
    T.eq(tostring(r), "('Task', 6, True, None)", "type(), +=, hasattr, getattr")
    T.eq(t[4].priority, 6, "the object changed")
end)

T.test("a function without source is refused", function()
    python.execute("def nosrc(x):\n    return x\n")
    T.raises(function() python.translate(python.eval("nosrc")) end, "source")
end)

T.summary()
