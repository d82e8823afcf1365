-- ffi_runtime.lua — runtime behaviours of `require "tandem.ffi"` matched to
-- LuaJIT (issue 13): what a callback hands C, complex numbers.
--   LUA_CPATH='build/lua/?.so;;' LUA_PATH='tests/lua/?.lua;;' lua5.4 tests/lua/ffi_runtime.lua
local T = require "testlib"
local ffi = require "tandem.ffi"
local BUILD = os.getenv("TANDEM_BUILD") or "build"
local lib = ffi.load(BUILD .. "/lib/libtdmtest.so")

ffi.cdef [[
void *call_cb_intptr(int *(*f)(void), int v);
]]

T.test("callback: an array returned for a T * result is the array's address", function()
    local arr = ffi.new("int[4]", {1, 2, 3, 4})
    local cb = ffi.cast("int *(*)(void)", function() return arr end)
    local got = lib.call_cb_intptr(cb, 99)
    T.eq(arr[0], 99)                             -- C wrote through the pointer it got
    T.eq(tonumber(ffi.cast("intptr_t", got)), tonumber(ffi.cast("intptr_t", arr)))
    cb:free()
end)

T.summary()
