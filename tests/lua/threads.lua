-- threads.lua — a Lua state owned by lua5.4 belongs to its thread: a Python
-- thread calling into it gets a clear error instead of a hang or a crash.
local T = require "testlib"
local python = require "tandem"

T.test("another Python thread calling a Lua function gets an error", function()
    python.execute([[
import threading
def call_from_thread(f):
    out = {}
    def run():
        try:
            out["value"] = f(1)
        except Exception as e:
            out["error"] = "%s: %s" % (type(e).__name__, e)
    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    out["alive"] = t.is_alive()
    return out
]])
    local out = python.eval("call_from_thread")(function(x) return x + 1 end)
    T.eq(out["alive"], false, "the thread finished (no hang)")
    T.ok(tostring(out["error"]):find("thread", 1, true), "error names the thread rule: "
         .. tostring(out["error"]))
end)

T.test("the host thread still calls Lua from Python", function()
    local f = python.eval("lambda g: g(20) + 1")
    T.eq(f(function(x) return x * 2 end), 41, "nested call on the host thread")
end)

T.test("Python threads that do not touch Lua run while Lua waits", function()
    python.execute([[
import threading
_count = [0]
def _work():
    for _ in range(1000):
        _count[0] += 1
_threads = [threading.Thread(target=_work) for _ in range(4)]
for _t in _threads: _t.start()
for _t in _threads: _t.join()
]])
    T.eq(python.eval("_count[0]"), 4000, "threads ran")
end)

T.summary()
