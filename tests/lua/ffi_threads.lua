-- ffi_threads.lua — a C thread calling a Lua callback while the state is
-- busy in the native call that waits for that thread (issue 7, item 9):
-- refused, C gets the error value, the native call raises the refusal.
-- The risky part runs in a child lua5.4 under `timeout`, so a regression
-- (a deadlock) fails instead of hanging the suite.
--   LUA_CPATH='build/lua/?.so;;' LUA_PATH='tests/lua/?.lua;;' lua5.4 tests/lua/ffi_threads.lua
local T = require "testlib"
local BUILD = os.getenv("TANDEM_BUILD") or "build"
local LUA = arg[-1] or "lua5.4"

local CHILD = [[
local ffi = require "tandem.ffi"
ffi.cdef "int t_call_cb_in_thread(int (*cb)(int), int x); int call_cb(int (*f)(int), int x);"
local lib = ffi.load(os.getenv("TANDEM_BUILD") .. "/lib/libtdmtest.so")
local cb = ffi.cast("int(*)(int)", function(x) return x * 3 end)
print("same thread", lib.call_cb(cb, 7))
print("fast path", pcall(lib.t_call_cb_in_thread, cb, 21))
print("general path", pcall(lib.t_call_cb_in_thread, function(x) return x end, 1))
print("after", lib.call_cb(cb, 5))
-- the callback arrives while the host runs Lua, not a native call: refused
-- (the host owns the state for good), reported on stderr
ffi.cdef("int t_start_cb_thread(int (*cb)(int), int x, int *go, int *out, int *done);" ..
         "int t_join_cb_thread(void);")
local flags = ffi.new("int[3]", {0, -1, 0})     -- go, out, done
assert(lib.t_start_cb_thread(cb, 4, flags, flags + 1, flags + 2) == 0)
flags[0] = 1
while flags[2] == 0 do end                      -- plain Lua: no native call
print("async", flags[1])
print("join", lib.t_join_cb_thread())
]]

T.test("a Lua callback from a C thread during the native call never deadlocks", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write(CHILD)
    f:close()
    local cmd = string.format("TANDEM_BUILD=%q timeout 60 %q %q 2>&1", BUILD, LUA, path)
    local p = assert(io.popen(cmd))
    local out = p:read("a")
    local ok, how, code = p:close()
    os.remove(path)
    T.ok(ok, "child ended with " .. tostring(how) .. " " .. tostring(code) .. ": " .. out)
    local refused = "callback called on another thread while the Lua state was busy in a "
                    .. "native call"
    T.ok(out:find("same thread\t21", 1, true), out)
    T.ok(out:find("fast path\tfalse\t" .. refused, 1, true), out)
    T.ok(out:find("general path\tfalse\t" .. refused, 1, true), out)
    T.ok(out:find("after\t15", 1, true), out)
    T.ok(out:find("tandem.ffi: callback called on another thread: the Lua state belongs to "
                  .. "the host thread; C got the error value", 1, true), out)
    T.ok(out:find("async\t0", 1, true), out)
    T.ok(out:find("join\t0", 1, true), out)
end)

T.summary()
