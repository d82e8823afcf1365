-- ffi_bounds.lua — issue 7 items 3 and 6 from Lua: indexes are checked
-- wherever the extent of the memory is known, a struct ending in a
-- variable-length array gets its element count (LuaJIT's VLS rule).
--   LUA_CPATH='build/lua/?.so;;' LUA_PATH='tests/lua/?.lua;;' lua5.4 tests/lua/ffi_bounds.lua
local T = require "testlib"
local ffi = require "tandem.ffi"

ffi.cdef [[
struct bpt { int a, b; };
void *malloc(size_t); void free(void *);
]]

T.test("a pointer into new memory indexes only that memory", function()
    local arr = ffi.new("int[1]", 7)
    local p = ffi.cast("int *", arr)
    T.eq(p[0], 7)
    T.raises(function() return p[1] end, "index 1 out of bounds for cdata<int *>")
    T.raises(function() p[1] = 5 end, "out of bounds")
    T.raises(function() return p[-1] end, "out of bounds")
    local s = ffi.new("struct bpt[1]")
    local sp = ffi.cast("struct bpt *", s)
    T.raises(function() sp[1].a = 5 end, "out of bounds")
    T.raises(function() return (sp + 1).a end, "out of bounds")
    sp.b = 3
    T.eq(s[0].b, 3)
    local q = ffi.cast("int *", ffi.new("int[4]", {1, 2, 3, 4})) + 2
    T.eq(q[-2], 1)
    T.eq(q[1], 4)
    T.raises(function() return q[2] end, "out of bounds")
    T.raises(function() ffi.copy(ffi.cast("char *", arr), "too long for four bytes") end,
             "exceed the destination's size")
end)

T.test("a pointer from C stays unchecked", function()
    local raw = ffi.cast("int *", ffi.C.malloc(64))
    raw[15] = 9
    T.eq(raw[15], 9)
    ffi.C.free(raw)
end)

T.test("a variable-length struct gets its count", function()
    local vs = "struct { double x; int y[?]; }"
    local s = ffi.new(vs, 100)
    T.eq(ffi.sizeof(s), 408)            -- LuaJIT: sizeof + 100 * 4
    T.eq(ffi.sizeof(vs, 100), 408)
    T.eq(#s.y, 100)
    T.eq(s.x, 0)
    for i = 0, 99 do s.y[i] = i end
    T.eq(s.y[99], 99)
    T.raises(function() s.y[100] = 1 end, "index 100 out of bounds")
    T.raises(function() return s.y[100] end, "out of bounds")
    local f = ffi.new("struct { int n; int y[]; }", 3, {3, {1, 2, 3}})
    T.eq(f.n, 3)
    T.eq(f.y[2], 3)
    T.eq(ffi.sizeof(f), 16)
    T.raises(function() ffi.new("struct { int n; int y[]; }", 2, {3, {1, 2, 3}}) end,
             "too many initializers")
    local e = ffi.new("struct { int n; int y[]; }")
    T.eq(#e.y, 0)
    T.raises(function() e.y[0] = 1 end, "out of bounds")
end)

T.summary()
