-- sandbox.lua — python.sandbox{...} from a plain lua5.4 host: a sandboxed
-- child Lua state with tandem.Sandbox's policy and budgets (docs/sandbox.md).
local T = require "testlib"
local python = require "tandem"
local tandem = python.import("tandem")
local isinstance = python.builtins().isinstance

local function is_a(err, cls)
    return isinstance(err, cls)
end

T.test("defaults: no python, io, debug, require; safe libraries kept", function()
    local sb = python.sandbox()
    T.eq(sb:eval("python"), nil, "python")
    T.eq(sb:eval("io"), nil, "io")
    T.eq(sb:eval("debug"), nil, "debug")
    T.eq(sb:eval("require"), nil, "require")
    T.eq(sb:eval("os.execute"), nil, "os.execute")
    T.eq(sb:eval("string.dump"), nil, "string.dump")
    T.eq(sb:eval("math.max(1, 5)"), 5, "math")
    T.eq(sb.eval("('x'):rep(3)"), "xxx", "dot call works too")
    local ok = pcall(sb.eval, sb, "load(string.char(27) .. 'Lua')()")
    T.ok(not ok, "binary chunk refused")
    sb:close()
end)

T.test("multiple results and tables come back as host Lua values", function()
    local sb = python.sandbox{}
    local a, b, c = sb:eval("1, 'two', nil")
    T.eq(a, 1, "first"); T.eq(b, "two", "second"); T.eq(c, nil, "third")
    local t = sb:eval("{1, 2, x = {y = 'deep'}}")
    T.eq(type(t), "table", "a host table")
    T.eq(#t, 2, "length"); T.eq(t.x.y, "deep", "nested")
    local cyc = sb:execute("local t = {} t.self = t return t")
    T.ok(rawequal(cyc.self, cyc), "cycle kept")
    T.eq(sb:eval("nil"), nil, "nil")
    T.eq(select("#", sb:execute("local x = 1")), 0, "no results")
end)

T.test("the host passes data and functions in; functions are callable only", function()
    local sb = python.sandbox{}
    local calls = 0
    sb:set("cfg", {name = "ada", list = {10, 20}})
    sb:set("double", function(x) calls = calls + 1; return x * 2 end)
    T.eq(sb:eval("cfg.name .. #cfg.list"), "ada2", "copied table")
    T.eq(sb:eval("double(21)"), 42, "host function")
    T.eq(calls, 1, "ran in the host")
    local err = T.raises(function() return sb:eval("double.__class__") end)
    T.ok(is_a(err, python.builtins().AttributeError) or tostring(err):find("not reachable"),
         "attribute of a host function denied: " .. tostring(err))
    -- a change in the sandbox does not reach the host's table
    local host_t = {v = 1}
    sb:set("t", host_t)
    sb:execute("t.v = 99")
    T.eq(host_t.v, 1, "copy, not a reference")
    sb:execute("function add(a, b) return a + b, a - b end")
    local s, d = sb:call("add", 5, 3)
    T.eq(s, 8, "call"); T.eq(d, 2, "second result")
    local f = sb:get("add")
    T.eq(f(1, 1), 2, "a sandbox function called from the host")
end)

T.test("instruction budget and deadline raise LuaTimeoutError, runtime stays usable", function()
    local sb = python.sandbox{max_instructions = 100000}
    local err = T.raises(function() sb:execute("while true do end") end, "instruction budget")
    T.ok(is_a(err, tandem.LuaTimeoutError), "LuaTimeoutError")
    T.ok(is_a(err, tandem.LuaError), "a LuaError")
    T.eq(sb:eval("1 + 1"), 2, "usable after")
    local tb = python.sandbox{timeout = 0.05, max_instructions = false}
    local t0 = os.clock()
    err = T.raises(function() tb:execute("repeat until false") end, "timeout")
    T.ok(is_a(err, tandem.LuaTimeoutError), "deadline")
    T.ok(os.clock() - t0 < 2, "prompt")
    -- per-call budget: set_budget / get_budget
    tb:set_budget(1000, nil)
    local n, t = tb:get_budget()
    T.eq(n, 1000, "max_instructions"); T.eq(t, nil, "no timeout")
    T.raises(function() tb:execute("for i = 1, 1e6 do end") end, "instruction budget")
    -- a host function swallowing nothing: the budget still ends the loop
    tb:set("f", function() return 1 end)
    T.raises(function() tb:execute("while true do pcall(f) end") end, "instruction budget")
end)

T.test("memory, string and pattern caps", function()
    local sb = python.sandbox{max_memory = 4 << 20, max_string = 1 << 20}
    local err = T.raises(function() sb:execute("local s = ('x'):rep(1 << 22)") end)
    T.ok(is_a(err, tandem.LuaMemoryError) or is_a(err, tandem.LuaError), tostring(err))
    err = T.raises(function() sb:execute("local t = {} for i = 1, 1e8 do t[i] = i end") end)
    T.ok(is_a(err, tandem.LuaError), tostring(err))
    T.raises(function()
        sb:eval("string.find(('a'):rep(1e5), ('a*'):rep(50) .. 'b')")
    end, "pattern too costly")
    T.eq(sb:eval("#('y'):rep(100)"), 100, "usable after")
end)

T.test("allow: Python objects the host passes, default deny", function()
    python.execute([[
class Player:
    name = "ada"
    secret = "s3"
    def move(self, dx):
        return dx * 2
]])
    local Player = python.eval("Player")
    local sb = python.sandbox{allow = {[Player] = {"name", "move"}}}
    sb:set("p", Player())
    T.eq(sb:eval("p.name .. p.move(21)"), "ada42", "allowed names")
    T.raises(function() sb:eval("p.secret") end, "not reachable")
    T.raises(function() sb:eval("p.__class__") end, "not reachable")
    T.raises(function() sb:execute("p.name = 'x'") end, "cannot be set")
    local deny = python.sandbox{}
    deny:set("p", Player())
    T.raises(function() deny:eval("p.name") end, "not reachable")
    -- allow as a Lua function (obj, name, setting) -> boolean
    local asked = {}
    local fsb = python.sandbox{allow = function(obj, name, setting)
        asked[#asked + 1] = name
        return name == "secret" and not setting
    end}
    fsb:set("p", Player())
    T.eq(fsb:eval("p.secret"), "s3", "allowed by the function")
    T.raises(function() fsb:eval("p.name") end, "not reachable")
    T.eq(asked[1], "secret", "the function was asked")
end)

T.test("libs and load options; bad options are clear errors", function()
    local sb = python.sandbox{libs = {"string", "print"}, load = false}
    T.eq(sb:eval("math"), nil, "math not kept")
    T.eq(sb:eval("type(print)"), "function", "print kept")
    T.eq(sb:eval("load"), nil, "load removed")
    T.raises(function() python.sandbox{bogus = 1} end, "unknown option")
    T.raises(function() python.sandbox{timeout = -1} end, "timeout")
    T.raises(function() python.sandbox(1) end, "expects a table")
    T.raises(function() python.sandbox({}, {}) end, "one table")
    T.raises(function() python.sandbox{libs = {1}} end, "list of strings")
    local s2 = python.sandbox{}
    T.raises(function() s2:eval(42) end, "expected Lua source")
    T.raises(function() s2:set("co", coroutine.create(print)) end, "cannot be passed")
end)

T.test("hostile scripts end in clean errors", function()
    local sb = python.sandbox{max_instructions = 1000000, max_memory = 8 << 20}
    local hostile = {
        {"local function f() return f() + 1 end return f()", "stack overflow|memory"},
        {"setmetatable({}, {__gc = function() end})", "__gc"},
        {"return getmetatable('').__index", "attempt to index"},
        {"local s = 'x' while true do s = s .. s end", "memory"},
        {"table.sort({3,2,1,4,5,6}, function(a, b) while true do end end)", "instruction budget"},
        {"string.gsub(('a'):rep(10), 'a', function() while true do end end)", "instruction budget"},
        {"local co = coroutine.wrap(function() while true do end end) co()", "instruction budget"},
        {"collectgarbage('stop')", "collectgarbage"},
        {"return load('return 1', 'x', 'b')", nil},
    }
    for i, case in ipairs(hostile) do
        local ok, err = pcall(sb.execute, sb, case[1])
        if case[2] then
            T.ok(not ok, "case " .. i .. " must fail")
            local found = false
            for want in case[2]:gmatch("[^|]+") do
                found = found or tostring(err):find(want, 1, true) ~= nil
            end
            T.ok(found, "case " .. i .. ": " .. tostring(err))
        end
        T.eq(sb:eval("40 + 2"), 42, "usable after case " .. i)
    end
end)

T.summary()
