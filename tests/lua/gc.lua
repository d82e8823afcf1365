-- gc.lua — proxies in both directions are released when unreachable.
local T = require "testlib"
local python = require "tandem"

local function pymem()
    return python.eval("__import__('gc').collect() or len(__import__('gc').get_objects())")
end

T.test("1,000,000 crossings of fresh Python objects leave memory flat", function()
    local make = python.eval("lambda i: [i]")
    for i = 1, 20000 do make(i) end
    collectgarbage(); collectgarbage()
    local before_lua = collectgarbage("count")
    local before_py = pymem()
    for i = 1, 1000000 do make(i) end
    collectgarbage(); collectgarbage()
    local grow_lua = collectgarbage("count") - before_lua
    local grow_py = pymem() - before_py
    T.ok(grow_lua < 1024, "Lua grew " .. grow_lua .. " KiB")
    T.ok(grow_py < 1000, "Python object count grew by " .. grow_py)
end)

T.test("Lua tables passed to Python are released", function()
    local keep = python.eval("lambda t: None")
    collectgarbage(); collectgarbage()
    local before = collectgarbage("count")
    for i = 1, 200000 do keep({ i }) end
    collectgarbage(); collectgarbage()
    T.ok(collectgarbage("count") - before < 1024, "flat")
end)

T.summary()
