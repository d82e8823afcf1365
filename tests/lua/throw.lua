-- throw.lua — Python's gen.throw()/close() on coroutines of a lua5.4 host.
local lua_yield = coroutine.yield       -- Lua's own, taken before tandem loads
local T = require "testlib"
local python = require "tandem"

T.test("tandem's coroutine.yield resumes as Lua's", function()
    T.ok(coroutine.yield ~= lua_yield, "tandem installed its yield")
    local co = coroutine.create(function(a) local b, c = coroutine.yield(a + 1) return b * c end)
    local _, x = coroutine.resume(co, 1)
    local _, y = coroutine.resume(co, 6, 7)
    T.eq(x, 2, "yielded")
    T.eq(y, 42, "resumed with two values")
end)

T.test("throw() raises at the yield; a pcall there catches it", function()
    local co = coroutine.create(function()
        local ok, e = pcall(coroutine.yield, 1)
        coroutine.yield(ok, python.builtins().type(e).__name__)
    end)
    local r = python.eval("lambda co: (next(co), co.throw(KeyError('k')))[1]")(co)
    T.eq(r[0], false, "pcall failed")
    T.eq(r[1], "KeyError", "with the thrown exception")
end)

T.test("close() of a coroutine in another yield closes its <close> variables", function()
    local closed = 0
    local co = coroutine.create(function()
        local x <close> = setmetatable({}, {__close = function() closed = closed + 1 end})
        lua_yield(1)
        closed = 100
    end)
    python.eval("lambda co: (next(co), co.close())")(co)
    T.eq(closed, 1, "__close ran once, the body did not go on")
    local co2 = coroutine.create(function() lua_yield(1) end)
    local ok, e = pcall(python.eval("lambda co: (next(co), co.throw(KeyError('k')))"), co2)
    T.eq(ok, false, "throw raises in the caller")
    T.eq(python.builtins().type(e).__name__, "KeyError", "the exception itself")
end)

T.summary()
