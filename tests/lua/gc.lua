-- gc.lua — proxies in both directions are released when unreachable.
local T = require "testlib"
local python = require "tandem"

local function pymem()
    -- the count after a collection (not "collect() or len(...)", which
    -- gives the number collected whenever that is not 0)
    return python.eval("[__import__('gc').collect(), len(__import__('gc').get_objects())][1]")
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

T.test("20,000 exceptions caught by pcall do not pile up in Lua", function()
    python.execute([[
class _GcCounted:
    live = 0
    peak = 0
    @classmethod
    def born(cls):
        _GcCounted.live += 1
        _GcCounted.peak = max(_GcCounted.peak, _GcCounted.live)
    def __del__(self):
        _GcCounted.live -= 1

class _GcRaised(_GcCounted, Exception):
    def __init__(self, *args):
        Exception.__init__(self, *args)
        self.born()

class _GcHeld(_GcCounted):
    def __init__(self, size):
        self.payload = bytearray(size)
        self.born()

def _gc_raise(i):
    scratch = [i] * 256
    raise _GcRaised(i, scratch)

def _gc_reset():
    import gc
    gc.collect()
    _GcCounted.live = _GcCounted.peak = 0
]])
    local raise, counted = python.eval("_gc_raise"), python.eval("_GcCounted")
    collectgarbage(); collectgarbage()
    python.eval("_gc_reset")()
    local caught = 0
    for i = 1, 20000 do
        if not pcall(raise, i) then caught = caught + 1 end
    end
    T.eq(caught, 20000, "caught")
    T.ok(counted.peak < 2000, counted.peak .. " exceptions alive at once")
    collectgarbage(); collectgarbage()
    T.eq(counted.live, 0, "exceptions left after a full collection")
end)

T.test("20,000 Python objects held in turn by Lua do not pile up", function()
    local held, counted = python.eval("_GcHeld"), python.eval("_GcCounted")
    collectgarbage(); collectgarbage()
    python.eval("_gc_reset")()
    for i = 1, 20000 do local o = held(16 * 1024) end
    T.ok(counted.peak < 4000, counted.peak .. " objects alive at once")
    collectgarbage(); collectgarbage()
    T.eq(counted.live, 0, "objects left after a full collection")
end)

T.test("holding Python objects does not restart a stopped collector", function()
    local held, counted = python.eval("_GcHeld"), python.eval("_GcCounted")
    collectgarbage(); collectgarbage()
    python.eval("_gc_reset")()
    collectgarbage("stop")
    for i = 1, 5000 do local o = held(16) end
    local running = collectgarbage("isrunning")
    collectgarbage("restart")
    T.eq(running, false, "still stopped")
    T.eq(counted.peak, 5000, "nothing collected while stopped")
    collectgarbage(); collectgarbage()
    T.eq(counted.live, 0, "all collected after restart")
end)

T.summary()
