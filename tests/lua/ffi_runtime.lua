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

ffi.cdef [[
struct rt_anon { struct { int a, b; }; union { int c, d; }; };
struct rt_anon2 { int a; union { int b; union { int c, d; }; }; int e; };
]]

T.test("initialisers of anonymous members: brace elision, as LuaJIT", function()
    local p = ffi.new("struct rt_anon", 1, 2, 3)
    T.eq(p.a, 1); T.eq(p.b, 2); T.eq(p.c, 3); T.eq(p.d, 3)
    local q = ffi.new("struct rt_anon2", {11, 22, 33})
    T.eq(q.a, 11); T.eq(q.b, 22); T.eq(q.d, 22); T.eq(q.e, 33)
    local r = ffi.new("struct rt_anon", {b = 5, d = 6})
    T.eq(r.a, 0); T.eq(r.b, 5); T.eq(r.c, 6)
end)

T.summary()
