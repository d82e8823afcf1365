-- ffi.lua — require "tandem.ffi" in a plain lua5.4 (LuaJIT's ffi API):
-- libc calls, varargs, structs by value, errno, callbacks, memory, every
-- base type through the test library, finalizers.
--   LUA_CPATH='build/lua/?.so;;' LUA_PATH='tests/lua/?.lua;;' lua5.4 tests/lua/ffi.lua
local T = require "testlib"
local ffi = require "tandem.ffi"
local BUILD = os.getenv("TANDEM_BUILD") or "build"

ffi.cdef [[
typedef struct { int quot; int rem; } div_t;
struct timeval { long tv_sec; long tv_usec; };
size_t strlen(const char *);
int snprintf(char *buf, size_t n, const char *fmt, ...);
div_t div(int, int);
long strtol(const char *s, char **end, int base);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
int gettimeofday(struct timeval *tv, void *tz);
void *malloc(size_t);
void free(void *);
]]
local C = ffi.C

T.test("strlen", function()
    T.eq(C.strlen("hello"), 5)
    T.eq(C.strlen(""), 0)
    local s = ffi.new("char[?]", 7, "tandem")
    T.eq(C.strlen(s), 6)
end)

T.test("snprintf varargs", function()
    local buf = ffi.new("char[64]")
    local n = C.snprintf(buf, 64, "%d|%s|%.2f|%lld", 42, "str", 2.5, ffi.cast("long long", 1) * 1)
    T.eq(ffi.string(buf), "42|str|2.50|1")
    T.eq(n, #"42|str|2.50|1")
    C.snprintf(buf, 64, "%lld", ffi.new("long long", (1 << 40)))
    T.eq(ffi.string(buf), tostring((1 << 40)))
end)

T.test("div returns a struct by value", function()
    local d = C.div(17, 5)
    T.eq(d.quot, 3)
    T.eq(d.rem, 2)
    T.ok(ffi.istype("div_t", d), "istype div_t")
end)

T.test("strtol and errno", function()
    local endp = ffi.new("char *[1]")
    T.eq(C.strtol("123abc", endp, 10), 123)
    T.eq(ffi.string(endp[0]), "abc")
    ffi.errno(0)
    C.strtol("99999999999999999999999", nil, 10)
    T.eq(ffi.errno(), 34)           -- ERANGE
    T.eq(ffi.errno(0), 34)
    T.eq(ffi.errno(), 0)
end)

T.test("qsort with a Lua comparator", function()
    local a = ffi.new("int[6]", {5, 3, 9, 1, 4, 2})
    local cb = ffi.cast("int (*)(const void *, const void *)", function(x, y)
        local p, q = ffi.cast("const int *", x), ffi.cast("const int *", y)
        return p[0] - q[0]
    end)
    C.qsort(a, 6, ffi.sizeof("int"), cb)
    cb:free()
    local got = {}
    for i = 0, 5 do got[#got + 1] = a[i] end
    T.eq(table.concat(got, ","), "1,2,3,4,5,9")
    -- a plain Lua function becomes a callback for the duration of the call
    C.qsort(a, 6, 4, function(x, y)
        return ffi.cast("const int *", y)[0] - ffi.cast("const int *", x)[0]
    end)
    T.eq(a[0], 9)
    T.eq(a[5], 1)
end)

T.test("gettimeofday fills a struct", function()
    local tv = ffi.new("struct timeval")
    T.eq(C.gettimeofday(tv, nil), 0)
    T.ok(tv.tv_sec > 1600000000, "seconds are plausible")
    T.ok(tv.tv_usec >= 0 and tv.tv_usec < 1000000, "microseconds in range")
    local p = ffi.new("struct timeval[1]")
    T.eq(C.gettimeofday(p, ffi.NULL), 0)
    T.ok(p[0].tv_sec >= tv.tv_sec, "pointer to array element")
end)

T.test("arrays and pointer arithmetic", function()
    local a = ffi.new("int[5]", {10, 20, 30, 40, 50})
    T.eq(#a, 5)
    T.eq(a[0], 10)
    a[4] = 55
    T.eq(a[4], 55)
    local p = a + 1
    T.eq(p[0], 20)
    T.eq((p + 2)[0], 40)
    T.eq((p + 3) - a, 4)
    T.eq(p - 1 == a + 0, true)
    T.ok(a + 1 < a + 2, "pointer <")
    T.ok(a + 2 <= a + 2, "pointer <=")
    local z = ffi.new("int[?]", 3)
    T.eq(#z, 3)
    T.eq(z[2], 0)
    local r = ffi.new("int[3]", 7)          -- a single initializer fills all
    T.eq(r[0] + r[1] + r[2], 21)
    local zb = ffi.new("int[3]", {[0] = 1, 2, 3})   -- zero-based table
    T.eq(zb[2], 3)
    T.eq(ffi.sizeof(a), 20)
    T.eq(ffi.sizeof("int[?]", 10), 40)
    T.ok(tostring(p):match("^cdata<int %*>: 0x"), tostring(p))
    ffi.fill(a, ffi.sizeof(a), 0)
    T.eq(a[3], 0)
    ffi.copy(a, ffi.new("int[2]", {8, 9}), 8)
    T.eq(a[1], 9)
    local s = ffi.new("char[8]")
    ffi.copy(s, "hi")
    T.eq(ffi.string(s), "hi")
    T.eq(ffi.string(s, 3), "hi\0")
end)

T.test("structs, unions, nested, bitfields, offsetof", function()
    ffi.cdef [[
    struct vec { double x, y; };
    struct shape { int kind; struct vec pos; int pts[3]; union { int i; float f; }; };
    struct flags { unsigned a : 3; int b : 5; };
    ]]
    local s = ffi.new("struct shape", {kind = 2, pos = {x = 1.5, y = 2.5}, pts = {1, 2, 3}})
    T.eq(s.kind, 2)
    T.eq(s.pos.y, 2.5)
    T.eq(s.pts[2], 3)
    s.i = 7
    T.eq(s.i, 7)
    s.pos = {x = 9}
    T.eq(s.pos.x, 9.0)
    T.eq(s.pos.y, 0.0)
    local v = ffi.new("struct vec", 3, 4)
    T.eq(v.y, 4.0)
    local pv = ffi.cast("struct vec *", v)
    pv.x = 30
    T.eq(v.x, 30.0)
    T.eq(ffi.offsetof("struct shape", "pos"), 8)
    local off, pos, width = ffi.offsetof("struct flags", "b")
    T.eq(off, 0); T.eq(pos, 3); T.eq(width, 5)
    T.eq(ffi.alignof("struct vec"), 8)
    local f = ffi.new("struct flags")
    f.b = -3
    T.eq(f.b, -3)
    local copy = ffi.new("struct vec", v)
    T.eq(copy.x, 30.0)
end)

T.test("typeof, ctype constructors, istype, tostring", function()
    local pt = ffi.typeof("struct vec")
    T.eq(pt, ffi.typeof("struct vec"))
    local v = pt(1, 2)
    T.eq(v.x + v.y, 3.0)
    T.ok(ffi.istype(pt, v), "istype ctype")
    T.ok(ffi.istype("struct vec", ffi.cast("struct vec *", v)), "pointer to struct")
    T.ok(not ffi.istype("int", v), "not int")
    T.eq(tostring(pt), "ctype<struct vec>")
    T.eq(tostring(ffi.new("int64_t", -5)), "-5LL")
    T.eq(tostring(ffi.new("uint64_t", 5)), "5ULL")
    T.eq(ffi.tonumber(ffi.new("double", 2.5)), 2.5)
    T.eq(ffi.tonumber(ffi.new("uint64_t", 7)), 7)
end)

T.test("NULL checks", function()
    T.ok(ffi.isnull(ffi.NULL), "NULL")
    T.ok(ffi.isnull(nil), "nil")
    T.ok(ffi.NULL == ffi.cast("int *", 0), "NULL == (int *)0")
    T.ok(not ffi.isnull(ffi.new("int[1]")), "array is not NULL")
    local p = C.malloc(16)
    T.ok(not ffi.isnull(p), "malloc")
    T.ok(p ~= ffi.NULL, "p ~= NULL")
    C.free(p)
end)

-- every base type through the test library
local lib = ffi.load(BUILD .. "/lib/libtdmtest.so")
ffi.cdef [[
char t_char(char); signed char t_schar(signed char); unsigned char t_uchar(unsigned char);
short t_short(short); unsigned short t_ushort(unsigned short); int t_int(int);
unsigned int t_uint(unsigned int); long t_long(long); unsigned long t_ulong(unsigned long);
long long t_llong(long long); unsigned long long t_ullong(unsigned long long);
int8_t t_i8(int8_t); uint8_t t_u8(uint8_t); int16_t t_i16(int16_t); uint16_t t_u16(uint16_t);
int32_t t_i32(int32_t); uint32_t t_u32(uint32_t); int64_t t_i64(int64_t); uint64_t t_u64(uint64_t);
size_t t_size(size_t); ssize_t t_ssize(ssize_t); intptr_t t_intptr(intptr_t);
float t_float(float); double t_double(double); bool t_bool(bool); void *t_ptr(void *);
int t_neg8(void); signed char t_ret_schar(void); unsigned short t_ret_ushort(void);
uint64_t t_big_u64(void);
int add(int, int);
double mix(int a, double b, float c, long long d, char e, short f, unsigned char g,
           bool h, uint16_t i, int8_t j);
struct point { int x, y; };
struct point make_point(int x, int y); int point_sum(struct point p);
struct big { double a, b, c; long d; }; struct big big_scale(struct big b, double k);
int sum_ints(int n, ...); long long sum_llongs(int n, ...); double sum_doubles(int n, ...);
int call_cb(int (*f)(int), int x); int call_cb_sum(int (*f)(int), int n);
double call_cb_d(double (*f)(double, float), double x);
struct point call_cb_pt(struct point (*f)(struct point));
const char *greeting(void); void fill_squares(int *a, int n); void *ret_null(void);
extern int global_counter;
enum color { RED, GREEN = 5, BLUE };
#define ANSWER 42
]]

T.test("every base type as argument and result", function()
    local cases = {
        {"t_char", 65}, {"t_char", "A", 65}, {"t_schar", -128}, {"t_uchar", 255},
        {"t_short", -32768}, {"t_ushort", 65535}, {"t_int", -2147483648},
        {"t_uint", 4294967295}, {"t_long", math.mininteger}, {"t_ulong", 12345},
        {"t_llong", math.maxinteger}, {"t_ullong", 1}, {"t_i8", -1}, {"t_u8", 200},
        {"t_i16", -300}, {"t_u16", 60000}, {"t_i32", 123456}, {"t_u32", 3000000000},
        {"t_i64", -5}, {"t_u64", 5}, {"t_size", 99}, {"t_ssize", -99}, {"t_intptr", 77},
        {"t_float", 1.5}, {"t_double", 1e300}, {"t_bool", true}, {"t_bool", false},
    }
    for _, c in ipairs(cases) do
        local want = c[2]
        if c[3] ~= nil then want = c[3] end
        T.eq(lib[c[1]](c[2]), want, c[1])
    end
    T.eq(lib.t_neg8(), -5)
    T.eq(lib.t_ret_schar(), -7)
    T.eq(lib.t_ret_ushort(), 65535)
    local big = lib.t_big_u64()
    T.eq(tostring(big), "18446744073709551615ULL")
    T.eq(lib.t_u64(big) == big, true)
    T.ok(ffi.isnull(lib.t_ptr(nil)), "NULL through void *")
    local a = ffi.new("int[1]")
    T.eq(lib.t_ptr(a), ffi.cast("void *", a))
    T.eq(lib.mix(1, 2.5, 0.5, 4, 5, 6, 7, true, 9, -10), 1 + 2.5 + 0.5 + 4 + 5 + 6 + 7 + 1 + 9 - 10)
end)

T.test("structs by value, varargs, globals, enums, constants", function()
    local p = lib.make_point(3, 4)
    T.eq(p.x * 10 + p.y, 34)
    T.eq(lib.point_sum(p), 7)
    T.eq(lib.point_sum({5, 6}), 11)
    local b = lib.big_scale({1, 2, 3, 4}, 2)
    T.eq(b.c, 6.0)
    T.eq(b.d, 8)
    T.eq(lib.sum_ints(3, 1, 2, 3), 6)
    T.eq(lib.sum_llongs(2, ffi.cast("long long", (1 << 40)), ffi.cast("long long", 1)),
         (1 << 40) + 1)
    T.eq(lib.sum_doubles(3, 0.5, 0.25, 1.0), 1.75)
    T.eq(lib.global_counter, 42)
    lib.global_counter = 43
    T.eq(lib.global_counter, 43)
    T.eq(lib.GREEN, 5)
    T.eq(lib.BLUE, 6)
    T.eq(lib.ANSWER, 42)
    T.eq(ffi.string(lib.greeting()), "hello from C")
    T.ok(ffi.isnull(lib.ret_null()), "NULL result")
    local sq = ffi.new("int[5]")
    lib.fill_squares(sq, 5)
    T.eq(sq[4], 16)
    T.eq(lib.add(2, 3), 5)
    T.eq(lib.add, lib.add)                  -- cached in the namespace
end)

T.test("callbacks: free, set, types", function()
    local cb = ffi.cast("int (*)(int)", function(x) return x * 2 end)
    T.eq(lib.call_cb(cb, 21), 42)
    T.eq(cb(5), 10)                         -- callable from Lua too
    cb:set(function(x) return x + 100 end)
    T.eq(lib.call_cb(cb, 1), 101)
    T.eq(lib.call_cb_sum(cb, 3), 303)
    cb:free()
    local d = ffi.cast("double (*)(double, float)", function(x, y) return x * y end)
    T.eq(lib.call_cb_d(d, 3.0), 1.5)
    local pt = ffi.cast("struct point (*)(struct point)", function(q)
        return {q.y, q.x}
    end)
    local r = lib.call_cb_pt(pt)
    T.eq(r.x * 10 + r.y, 43)
    pt:set(function(q) return ffi.new("struct point", q.x + 1, q.y + 1) end)
    r = lib.call_cb_pt(pt)
    T.eq(r.x * 10 + r.y, 45)
end)

T.test("gc and finalizers", function()
    local ran = 0
    do
        local p = ffi.gc(C.malloc(32), function(q) ran = ran + 1; C.free(q) end)
        T.ok(not ffi.isnull(p), "malloc")
    end
    collectgarbage(); collectgarbage()
    T.eq(ran, 1)
    -- ffi.gc with a C function as finalizer, and removing one
    do
        local p = ffi.gc(C.malloc(8), C.free)
        local q = ffi.gc(C.malloc(8), function() ran = ran + 10 end)
        ffi.gc(q, nil)
        C.free(q)
        T.ok(p ~= nil, "p")
    end
    collectgarbage(); collectgarbage()
    T.eq(ran, 1)
    -- new memory lives as long as references into it
    local field
    do
        local s = ffi.new("struct vec", 5, 6)
        field = ffi.cast("struct vec *", s)
    end
    collectgarbage()
    local elem
    do
        local arr = ffi.new("int[3]", {1, 2, 3})
        elem = arr + 2
    end
    collectgarbage(); collectgarbage()
    T.eq(elem[0], 3)
    T.ok(field ~= nil, "field")
    for _ = 1, 1000 do ffi.new("char[1024]") end
    collectgarbage()
end)

T.summary()
