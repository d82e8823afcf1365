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

ffi.cdef [[
double _Complex t_cdouble(double _Complex z);
float _Complex t_cfloat(float _Complex z);
double _Complex cd_mul(double _Complex a, double _Complex b);
float _Complex cf_make(float re, float im);
double cd_abs2(double _Complex z);
double _Complex call_cb_cd(double _Complex (*f)(double _Complex), double _Complex z);
]]

T.test("complex: new with re, im; .re/.im; tostring; sizes", function()
    local c = ffi.new("complex", 1.5, -2)
    T.eq(c.re, 1.5); T.eq(c.im, -2)
    T.eq(tostring(c), "1.5-2i")
    T.eq(tostring(ffi.new("complex float", {0.5, 3})), "0.5+3i")
    c.im = 4; T.eq(c.im, 4)
    T.eq(ffi.sizeof("complex"), 16); T.eq(ffi.sizeof("complex float"), 8)
    T.eq(ffi.alignof("complex float"), 4)
    T.ok(ffi.typeof("complex") == ffi.typeof("double _Complex"), "complex is double _Complex")
    local arr = ffi.new("complex[2]", {{1, 2}, {3, 4}})
    T.eq(arr[1].re, 3); T.eq(arr[1].im, 4)
    T.raises(function() return ffi.new("complex", 1, 2, 3) end, "too many")
    T.raises(function() return ffi.typeof("int complex") end, "_Complex type combination")
end)

T.test("complex: passed to and returned from C, and from a callback", function()
    local a, b = ffi.new("complex", 1, 2), ffi.new("complex", 3, -1)
    local r = lib.cd_mul(a, b)                   -- (1+2i)(3-i) = 5+5i
    T.eq(r.re, 5); T.eq(r.im, 5)
    T.eq(lib.cd_abs2(ffi.new("complex", 3, 4)), 25)
    T.eq(lib.t_cdouble(2.5).re, 2.5)             -- a number: imaginary part 0
    local f = lib.cf_make(1.25, -3)
    T.eq(f.re, 1.25); T.eq(f.im, -3)
    T.eq(tostring(ffi.typeof(f)), "ctype<float _Complex>")
    T.eq(lib.t_cfloat(f).im, -3)
    local cb = ffi.cast("double _Complex (*)(double _Complex)",
                        function(z) return ffi.new("complex", z.im, z.re) end)
    local r2 = lib.call_cb_cd(cb, ffi.new("complex", 1.5, -2))   -- C doubles the result
    T.eq(r2.re, -4); T.eq(r2.im, 3)
    cb:free()
end)

ffi.cdef [[
struct rtv_foo { int len[4]; short data[]; };
struct rtv_bar { int abc[2]; struct rtv_foo tail; };
struct rtv_mid { signed char len; signed char data[]; };
struct rtv_hold { struct rtv_mid m; int bcd; };
struct rtv_z { int len; short data[0]; };
]]

T.test("variable-size structs: a flexible array through the last member", function()
    T.eq(ffi.sizeof("struct rtv_bar"), 24)
    T.eq(ffi.sizeof("struct rtv_bar", 5), 34)        -- the innermost array's count
    local p = ffi.new("struct rtv_bar", 5, {{1}, {{2}, {7, 8, 9}}})
    T.eq(ffi.sizeof(p), 34)
    T.eq(p.abc[0], 1); T.eq(p.tail.len[0], 2)
    T.eq(p.tail.data[2], 9); T.eq(p.tail.data[4], 0)
    T.raises(function() return p.tail.data[5] end, "out of bounds")
    -- a struct ending in one in the middle of another: the room up to its end
    local h = ffi.new("struct rtv_hold", {{123, {45, 56, 67, 78}}, 9999999})
    T.eq(h.m.len, 123); T.eq(h.m.data[2], 67); T.eq(h.bcd, 9999999)
    T.eq(h.m.data[3], 0x7f)                          -- bcd's low byte
    T.raises(function() return h.m.data[7] end, "out of bounds")
    T.raises(function() ffi.new("struct rtv_hold", {{1, {1, 2, 3, 4, 5, 6, 7, 8}}}) end,
             "room for 7")
end)

T.test("variable-size structs: T x[] through a cast pointer is a pointer bounded by its owner", function()
    local p = ffi.new("struct rtv_mid", 3, {5, {1, 2, 3}})
    T.ok(ffi.istype("signed char[?]", p.data)); T.eq(#p.data, 3)
    local q = ffi.cast("struct rtv_mid *", p)
    T.ok(ffi.istype("signed char *", q.data))
    T.eq(q.data[2], 3)
    T.raises(function() return #q.data end, "unknown")
    T.raises(function() return q.data[3] end, "out of bounds")
    T.ok(ffi.istype("signed char *", q[0].data))
end)

T.test("variable-size structs: T x[0] ending a struct is a pointer bounded by its owner", function()
    local buf = ffi.new("char[?]", ffi.sizeof("struct rtv_z") + 7 * 2)
    local q = ffi.cast("struct rtv_z *", buf)
    T.ok(ffi.istype("short *", q.data))
    T.eq(q.data[6], 0)
    q.data[6] = 15
    T.eq(q.data[6], 15); T.eq(buf[16], 15)
    T.raises(function() return q.data[7] end, "out of bounds")
    local s = ffi.new("struct rtv_z")
    T.raises(function() return s.data[0] end, "out of bounds")
end)

T.summary()
