-- coroutine.resume and coroutine.wrap as Lua 5.4 defines them: run by plain
-- lua5.4 (the standard library) and inside a tandem LuaRuntime (lcoro.c's
-- replacements, which record the running coroutine for interrupts);
-- tests/python/test_coroutine_lib.py compares the two outputs line by line.
local out = OUT or print
local function show(...)
    local t = table.pack(...)
    for i = 1, t.n do
        local v = t[i]
        t[i] = type(v) == "table" and "table" or type(v) == "thread" and "thread"
               or type(v) == "function" and "function" or tostring(v)
    end
    out(table.concat(t, " ", 1, t.n))
end

local co = coroutine.create(function(a, b)
    local c = coroutine.yield(a + b)
    local d, e = coroutine.yield(c * 2)
    return d + e, "end"
end)
show(coroutine.resume(co, 1, 2))
show(coroutine.resume(co, 10))
show(coroutine.resume(co, 3, 4))
show(coroutine.resume(co))                      -- dead
show(coroutine.status(co))
show(pcall(coroutine.resume))                   -- no argument
show(pcall(coroutine.resume, 42))
show(pcall(coroutine.wrap, 42))
show(coroutine.resume(coroutine.create(function() error("boom") end)))
show(coroutine.resume(coroutine.create(function() error({}) end)))
show(coroutine.resume(coroutine.create(function() error("lvl", 2) end)))
show(coroutine.resume(coroutine.create(function() error() end)))
show(coroutine.resume(coroutine.running()))     -- the main thread: not suspended

-- resuming a running (non-suspended) coroutine
local self_co
self_co = coroutine.create(function() return coroutine.resume(self_co) end)
show(coroutine.resume(self_co))

-- a normal coroutine
local outer
outer = coroutine.create(function()
    local inner = coroutine.create(function() return coroutine.resume(outer) end)
    return coroutine.resume(inner)
end)
show(coroutine.resume(outer))

-- wrap: values both ways, errors with position, non-string errors, dead
local gen = coroutine.wrap(function(a)
    local b = coroutine.yield(a * 2)
    coroutine.yield(b + 1)
    return "done"
end)
show(gen(5))
show(gen(7))
show(gen())
show(pcall(gen))
local bad = coroutine.wrap(function() error("bad wrap") end)
show(pcall(bad))
local badt = coroutine.wrap(function() error(setmetatable({}, {__tostring = function() return "T" end})) end)
local ok, e = pcall(badt)
show(ok, type(e), tostring(e))
show(pcall(coroutine.wrap(function() local x = nil; return x.y end)))
show(select("#", coroutine.wrap(function() return end)()))
show(select("#", coroutine.wrap(function() return nil, nil end)()))

-- to-be-closed variables closed when a wrapped coroutine fails
local closed = {}
local tbc = coroutine.wrap(function()
    local x <close> = setmetatable({}, {__close = function(_, err) closed[#closed + 1] = tostring(err) end})
    coroutine.yield(1)
    error("after yield")
end)
show(tbc())
show(pcall(tbc))
show(#closed, closed[1])
-- a __close that raises replaces the error
local tbc2 = coroutine.wrap(function()
    local x <close> = setmetatable({}, {__close = function() error("in close") end})
    error("first")
end)
show(pcall(tbc2))

-- many values
local many = coroutine.wrap(function(...) coroutine.yield(...) return select("#", ...) end)
show(select("#", many(table.unpack({}, 1, 200))))
show(many())
show(coroutine.isyieldable(), coroutine.status(coroutine.running()))
show(coroutine.wrap(function() return coroutine.isyieldable(), coroutine.status(coroutine.running()) end)())
out("end")
