-- ffi_luajit.lua — the LuaJIT behaviours of `require "tandem.ffi"` (issue 13):
-- ffi.metatype, 64-bit cdata arithmetic and comparisons, C conversion rules
-- on stores/new/cast (call arguments keep their range checks), istype,
-- conversions LuaJIT allows; and where Lua 5.4 cannot follow LuaJIT.
--   LUA_CPATH='build/lua/?.so;;' LUA_PATH='tests/lua/?.lua;;' lua5.4 tests/lua/ffi_luajit.lua
local T = require "testlib"
local ffi = require "tandem.ffi"

ffi.cdef [[
typedef struct { double x, y; } lj_point;
typedef struct { int n; } lj_counter;
struct lj_conv { int8_t i8; uint8_t u8; int i; bool b; unsigned u4 : 4; int s3 : 3; double d; };
enum lj_color { LJ_RED, LJ_GREEN = 5, LJ_BLUE };
int abs(int);
]]

-- ------------------------------------------------------------------------
-- ffi.metatype

local point_mt = {}
point_mt.__index = {
    len2 = function(p) return p.x * p.x + p.y * p.y end,
    kind = "point",
}
point_mt.__add = function(a, b) return ffi.new("lj_point", a.x + b.x, a.y + b.y) end
point_mt.__eq = function(a, b) return a.x == b.x and a.y == b.y end
point_mt.__lt = function(a, b) return a:len2() < b:len2() end
point_mt.__le = function(a, b) return a:len2() <= b:len2() end
point_mt.__len = function(p) return 2 end
point_mt.__tostring = function(p) return string.format("(%g, %g)", p.x, p.y) end
point_mt.__concat = function(a, b) return tostring(a) .. tostring(b) end
point_mt.__call = function(p, k) return p.x * k end
point_mt.__unm = function(p) return ffi.new("lj_point", -p.x, -p.y) end
local Point = ffi.metatype("lj_point", point_mt)

T.test("metatype: methods, fields first, through pointers", function()
    local p = Point(3, 4)
    T.eq(p:len2(), 25)
    T.eq(p.kind, "point")
    T.eq(p.x, 3)                                 -- declared fields win over __index
    local pp = ffi.cast("lj_point *", p)
    T.eq(pp:len2(), 25)                          -- a pointer uses the struct's metatable
    T.eq(ffi.new("lj_point[1]", {{1, 2}})[0]:len2(), 5)   -- elements too
    T.eq(Point.kind, "point")                    -- the ctype indexes __index
    T.raises(function() return p.nosuch.x end)
end)

T.test("metatype: operators, tostring, len, call, concat", function()
    local a, b = Point(1, 2), Point(10, 20)
    local c = a + b
    T.eq(c.x, 11); T.eq(c.y, 22)
    T.ok(Point(1, 2) == Point(1, 2), "__eq")
    T.ok(not (Point(1, 2) == Point(2, 1)), "__eq false")
    T.ok(a < b and a <= b and not (b < a), "__lt/__le")
    T.eq(#a, 2)
    T.eq(tostring(a), "(1, 2)")
    T.eq(a(10), 10)
    T.eq(a .. b, "(1, 2)(10, 20)")
    T.eq((-a).y, -2)
end)

T.test("metatype: __newindex, __new, __gc, function __index", function()
    local log = {}
    local C = ffi.metatype("lj_counter", {
        __index = function(self, k) return "virtual " .. k end,
        __newindex = function(self, k, v) log[#log + 1] = k .. "=" .. tostring(v) end,
        __new = function(ct, n) return ffi.new(ct, n * 2) end,
        __gc = function(self) log[#log + 1] = "gc " .. self.n end,
    })
    local c = C(21)                                 -- __new
    T.eq(c.n, 42)
    T.eq(c.foo, "virtual foo")
    c.bar = 7
    T.eq(log[1], "bar=7")
    c.n = 1                                         -- a real field is stored
    T.eq(c.n, 1)
    c = nil
    collectgarbage(); collectgarbage()
    T.eq(log[2], "gc 1")                            -- implicit ffi.gc at creation
end)

T.test("metatype: errors", function()
    T.raises(function() ffi.metatype("lj_point", {}) end, "permanent")
    T.raises(function() ffi.metatype("int", {}) end, "not a struct or union")
    T.raises(function() ffi.metatype("lj_point", 5) end)
    ffi.cdef "struct lj_plain { int a; };"
    local s = ffi.new("struct lj_plain")
    T.raises(function() return s + 1 end, "perform arithmetic on cdata<struct lj_plain>")
    T.ok(not (s == ffi.new("struct lj_plain")), "== without __eq is false, never an error")
end)

-- ------------------------------------------------------------------------
-- 64-bit integer arithmetic

local I = function(v) return ffi.new("int64_t", v) end
local U = function(v) return ffi.new("uint64_t", v) end

T.test("int64 arithmetic is sticky and wraps", function()
    local x = I(5) + 3
    T.ok(ffi.istype("int64_t", x), "int64 result")
    T.eq(tostring(x), "8LL")
    T.eq(tostring(3 + I(5)), "8LL")
    T.eq(tostring(I(7) / 2), "3LL")               -- integer division
    T.eq(tostring(I(-7) / 2), "-3LL")             -- truncates toward zero (C)
    T.eq(tostring(I(-7) % 3), "-1LL")             -- C remainder
    T.eq(tostring(I(2) ^ 10), "1024LL")
    T.eq(tostring(I(2) ^ -1), "0LL")
    T.eq(tostring(-I(5)), "-5LL")
    T.eq(tostring(I(0x7fffffffffffffff) + 1), "-9223372036854775808LL")
    T.eq(tostring(I(7) / 0), "-9223372036854775808LL")   -- 2^63, as LuaJIT
    T.eq(tostring(I(-7) // 2), "-4LL")            -- Lua 5.4's // floors
    T.eq(tostring(I(6) & 3), "2LL")
    T.eq(tostring(I(1) << 40), "1099511627776LL")
    T.eq(tostring(ffi.new("int", 5) + 1), "6LL")  -- any cdata number
    T.eq(tostring(ffi.new("double", 2.9) + 1), "3LL") -- floats truncate
end)

T.test("uint64 arithmetic is unsigned", function()
    local u = U(0) - 1
    T.ok(ffi.istype("uint64_t", u), "uint64 result")
    T.eq(tostring(u), "18446744073709551615ULL")
    T.eq(tostring(I(-1) + U(0)), "18446744073709551615ULL")  -- uint64 wins
    T.eq(tostring(U(7) / 2), "3ULL")
    T.eq(tostring(u / 2), "9223372036854775807ULL")
    T.ok(u > 0, "unsigned comparison")
    T.ok(I(-1) < 0, "signed comparison")
    T.ok(not (I(-1) < U(0)), "compared as uint64")
end)

T.test("64-bit comparisons", function()
    T.ok(I(5) == I(5), "== between cdata")
    T.ok(I(5) == U(5), "int64 == uint64")
    T.ok(ffi.new("int", 5) == I(5), "int == int64")
    T.ok(I(5) < 6 and 4 < I(5) and I(5) <= 5 and 5 <= I(5), "with numbers")
    T.ok(not (I(5) < 5.5) and I(5) <= 5.5, "a float is truncated to int64 first (LuaJIT)")
    -- Lua 5.4 asks __eq only between two userdata: == with a number is false
    T.ok(not (I(5) == 5), "Lua 5.4: cdata == number is never asked")
    local p = ffi.new("int[2]")
    T.ok(p + 1 > p and p < p + 1, "pointer order")
    T.ok(ffi.cast("int *", p) == p, "pointer ==")
    T.ok(not (p == ffi.new("int64_t", 0)), "pointer vs number: unequal")
    T.raises(function() return p < 1 end, "compare")
end)

T.test("tonumber(cdata) and pointer arithmetic", function()
    T.eq(tonumber(I(42)), 42)
    T.eq(math.type(tonumber(I(42))), "integer")
    T.eq(tonumber(U(0) - 1), 18446744073709551615.0)
    T.eq(tonumber(ffi.new("double", 2.5)), 2.5)
    T.eq(tonumber("12"), 12)                      -- the old tonumber still works
    T.eq(tonumber("ff", 16), 255)
    T.eq(tonumber({}), nil)
    local a = ffi.new("int[4]", 1, 2, 3, 4)
    local p = a + I(2)                            -- a 64-bit index
    T.eq(p[0], 3)
    T.eq((p - 1)[0], 2)
    T.eq(p - a, 2)
    T.eq(math.type(p - a), "integer")
    T.eq(a[I(3)], 4)                              -- indexing with an int64 cdata
    T.eq(a[1.0], 2)
    -- counts and lengths may be integer cdata or integral floats
    T.eq(ffi.sizeof(ffi.new("int[?]", I(3))), 12)
    T.eq(ffi.sizeof("int[?]", U(2)), 8)
    T.eq(ffi.string(ffi.new("char[4]", "abc"), I(2)), "ab")
    local buf = ffi.new("char[4]")
    ffi.fill(buf, I(3), ffi.new("uint8_t", 65))
    T.eq(ffi.string(buf), "AAA")
    T.raises(function() ffi.new("int[?]", 1.5) end)
end)

T.test("enums: values and names", function()
    local e = ffi.new("enum lj_color", "LJ_GREEN")
    T.eq(tonumber(e), 5)
    T.ok(e == ffi.new("enum lj_color", 5), "enum == enum")
    T.ok(e < "LJ_BLUE" and e <= "LJ_GREEN" and "LJ_RED" < e, "enum compared with names")
    T.eq(tostring(e + "LJ_BLUE"), "11LL")
    local t = ffi.new("enum lj_color[2]")
    t[0] = "LJ_BLUE"
    T.eq(t[0], 6)                                 -- reads are numbers (see docs/ffi.md)
    T.raises(function() t[1] = "LJ_NOPE" end, "not an enumerator name")
end)

-- ------------------------------------------------------------------------
-- C conversions on stores, new and cast; range checks on calls

T.test("stores convert as C does", function()
    local s = ffi.new("struct lj_conv")
    s.i8 = 200;  T.eq(s.i8, -56)
    s.u8 = -1;   T.eq(s.u8, 255)
    s.i = 1.9;   T.eq(s.i, 1)
    s.i = -1.9;  T.eq(s.i, -1)
    s.i = 2^32 + 7; T.eq(s.i, 7)
    s.b = 10;    T.eq(s.b, true)
    s.b = 0;     T.eq(s.b, false)
    s.b = 0.5;   T.eq(s.b, true)
    s.u4 = 17;   T.eq(s.u4, 1)                    -- bitfields keep the low bits
    s.s3 = 5;    T.eq(s.s3, -3)
    s.i = I(-3); T.eq(s.i, -3)
    s.i8 = U(0) - 1; T.eq(s.i8, -1)
    s.d = I(3);  T.eq(s.d, 3.0)
    T.raises(function() s.i = "1" end, "expected int")
    T.raises(function() s.i = {} end, "expected int")
end)

T.test("ffi.new and ffi.cast convert as C does", function()
    T.eq(ffi.new("int8_t[1]", 200)[0], -56)
    local s = ffi.new("struct lj_conv", {i8 = 300, i = 2.7, b = 3})
    T.eq(s.i8, 44); T.eq(s.i, 2); T.eq(s.b, true)
    local s2 = ffi.new("struct lj_conv", 255, 256)
    T.eq(s2.i8, -1); T.eq(s2.u8, 0)
    T.eq(tonumber(ffi.new("uint8_t", 257)), 1)
    T.eq(tonumber(ffi.cast("int8_t", 255)), -1)
    T.eq(tonumber(ffi.cast("int", 3.99)), 3)
end)

T.test("call arguments keep their range checks", function()
    T.eq(ffi.C.abs(-5), 5)
    T.raises(function() ffi.C.abs(2^31) end, "argument 1 to 'abs': expected int, got 2147483648 (out of range)")
    T.raises(function() ffi.C.abs(1.5) end, "not an integer")
    T.eq(ffi.C.abs(I(-7)), 7)                     -- a cdata in range is fine
    T.raises(function() ffi.C.abs(I(2^40)) end, "out of range")
end)

-- ------------------------------------------------------------------------
-- istype, sizeof

T.test("istype as LuaJIT", function()
    local ct = ffi.typeof("int")
    T.ok(ffi.istype(ct, ct), "a ctype is an instance of itself")
    T.ok(ffi.istype("int", ffi.new("int")), "cdata")
    T.ok(ffi.istype("lj_point", ffi.new("lj_point *")), "pointer to the struct")
    T.ok(ffi.istype("const int *", ffi.new("int *")), "qualifiers ignored")
    T.ok(ffi.istype("unsigned int *", ffi.new("int *")), "pointee signedness ignored")
    T.ok(not ffi.istype("unsigned int", ffi.new("int")), "signedness of numbers counts")
    T.ok(not ffi.istype("void *", ffi.new("int *")), "void * is not special")
    T.ok(not ffi.istype("double *", ffi.new("int64_t *")), "int vs float pointee")
    T.ok(not ffi.istype("int", 5), "a Lua number is no cdata")
    T.ok(not ffi.istype("int", nil), "nil")
    T.ok(ffi.istype(ffi.new("lj_point"), Point(1, 2)), "a cdata standing for its type")
end)

T.test("sizeof takes integral floats", function()
    T.eq(ffi.sizeof("uint8_t[?]", 2^4), 16)
    T.eq(ffi.sizeof("int[?]", 3.0), 12)
    T.raises(function() ffi.sizeof("int[?]", 2.5) end)
end)

T.test("conversions LuaJIT allows", function()
    ffi.cdef [[
    int fputs(const char *, void *);
    int fflush(void *);
    size_t strlen(const char *);
    int memcmp(const void *, const void *, size_t);
    typedef struct { const char *name; void *p; unsigned *u; } lj_holder;
    ]]
    -- a string for const char * in cast and new: a copy the pointer keeps alive
    local p = ffi.cast("const char *", "hello")
    collectgarbage(); collectgarbage()
    T.eq(ffi.string(p), "hello")
    local q = ffi.new("const char *", "abc")
    collectgarbage()
    T.eq(ffi.C.strlen(q), 3)
    -- but not for a field store (the string could be collected under it)
    local h = ffi.new("lj_holder")
    T.raises(function() h.name = "x" end, "it would dangle")
    -- io files, light and full userdata as pointers
    T.ok(ffi.C.fputs("", io.stdout) >= 0, "io.stdout as FILE *")
    T.eq(ffi.C.fflush(io.stdout), 0)
    h.p = io.stderr
    T.ok(h.p ~= nil and not ffi.isnull(h.p), "stored FILE *")
    local ud = io.stdout
    T.eq(tonumber(ffi.cast("intptr_t", ffi.cast("void *", ud))) ~= 0, true)
    -- arrays of integers of another signedness for a pointer
    local a = ffi.new("int[3]", 1, 2, 3)
    h.u = a
    T.eq(h.u[2], 3)
    local b = ffi.new("uint32_t[3]", 1, 2, 3)
    T.eq(ffi.C.memcmp(a, b, 12), 0)
    T.raises(function() h.u = ffi.new("double[2]") end, "expected unsigned int *")
    -- a Lua function for a function-pointer argument
    ffi.cdef "void qsort(void *, size_t, size_t, int (*)(const void *, const void *));"
    local arr = ffi.new("int[4]", 3, 1, 4, 2)
    ffi.C.qsort(arr, 4, 4, function(x, y)
        local u, v = ffi.cast("const int *", x)[0], ffi.cast("const int *", y)[0]
        return u < v and -1 or (u > v and 1 or 0)
    end)
    T.eq(arr[0] * 1000 + arr[1] * 100 + arr[2] * 10 + arr[3], 1234)
end)

-- ------------------------------------------------------------------------
-- Declarations

T.test("asm redirects, GCC attributes, escapes", function()
    ffi.cdef [[
    int lj_my_abs(int) asm("abs");
    long lj_strtol(const char *, char **, int) __asm__("str" "tol")
        __attribute__((__nothrow__, __leaf__)) __attribute__((nonnull(1)));
    __attribute__((visibility("default"))) int lj_labs2(int) __asm("abs");
    enum { LJ_OCT = '\101', LJ_ESC = '\e', LJ_HEX = '\x41' };
    ]]
    T.eq(ffi.C.lj_my_abs(-3), 3)
    T.eq(ffi.C.lj_strtol("42", nil, 10), 42)
    T.eq(ffi.C.lj_labs2(-9), 9)
    T.eq(ffi.C.LJ_OCT, 65); T.eq(ffi.C.LJ_ESC, 27); T.eq(ffi.C.LJ_HEX, 65)
    ffi.cdef "int lj_my_abs(int) asm(\"abs\");"           -- the same again is fine
    T.raises(function() ffi.cdef "int lj_my_abs(int) asm(\"labs\");" end,
             "conflicting declaration of 'lj_my_abs'")
    T.raises(function() ffi.cdef "struct lj_al { char c; int i; } __attribute__((ms_struct));" end,
             "__attribute__((ms_struct)) is not supported")
    ffi.cdef "int lj_nosuch(int) asm(\"tandem_no_such_symbol\");"
    T.raises(function() return ffi.C.lj_nosuch end, "symbol 'tandem_no_such_symbol' not found")
end)

T.test("backslash-newline splices lines between tokens", function()
    ffi.cdef "enum { LJ_SPL = 1 + \\\n 2 }; int \\\n lj_splabs(int) asm(\"abs\");"
    T.eq(ffi.C.LJ_SPL, 3)
    T.eq(ffi.C.lj_splabs(-4), 4)
    -- an error after a splice counts the spliced line
    T.raises(function() ffi.cdef "int \\\n lj_spl_bad(int) @;" end, "2:")
end)

T.test("backslash-newline splices inside a token, as C's translation phase 2", function()
    -- an identifier, a string, a number, a #define and a keyword cut in two
    ffi.cdef("int lj_spl\\\nabs2(int) asm(\"a\\\nbs\"); enum { LJ_SPL2 = 1\\\n2 };\n" ..
             "#define LJ_SPL3 4\\\n5\nuns\\\r\nigned int lj_spl_u(void) asm(\"getpid\");")
    T.eq(ffi.C.lj_splabs2(-7), 7)
    T.eq(ffi.C.LJ_SPL2, 12)
    T.eq(ffi.C.LJ_SPL3, 45)
    T.ok(ffi.C.lj_spl_u() > 0)
    -- positions after a join stay the source's: line 4, column 2
    local ok, msg = pcall(ffi.cdef, "int a\\\nb;\nint c\\\n @;")
    T.ok(not ok); T.ok(msg:find("4:2:", 1, true), msg)
end)

T.test("packed layouts: #pragma pack and __attribute__((packed)), as gcc lays them out", function()
    ffi.cdef [[
    struct lj_pk { char c; int i; } __attribute__((packed));
    #pragma pack(push, 2)
    struct lj_p2 { char c; int i; double d; };
    #pragma pack(push, 1)
    typedef struct { char c; short s; long l; } lj_p1_t;
    #pragma pack(pop)
    struct lj_p2b { char c; double d; };
    #pragma pack(pop)
    struct lj_pn { char c; double d; };
    struct __attribute__((__packed__)) lj_pa { char c; struct lj_pn in; };
    ]]
    T.eq(ffi.sizeof("struct lj_pk"), 5); T.eq(ffi.offsetof("struct lj_pk", "i"), 1)
    T.eq(ffi.alignof("struct lj_pk"), 1)
    T.eq(ffi.sizeof("struct lj_p2"), 14); T.eq(ffi.offsetof("struct lj_p2", "d"), 6)
    T.eq(ffi.alignof("struct lj_p2"), 2)
    T.eq(ffi.sizeof("lj_p1_t"), 11); T.eq(ffi.offsetof("lj_p1_t", "l"), 3)
    T.eq(ffi.sizeof("struct lj_p2b"), 10)
    T.eq(ffi.sizeof("struct lj_pn"), 16)
    T.eq(ffi.sizeof("struct lj_pa"), 17); T.eq(ffi.offsetof("struct lj_pa", "in"), 1)
    -- values land where a packed C struct has them
    local s = ffi.new("struct lj_pk[2]")
    s[1].c = 89; s[1].i = -4892220
    T.eq(s[1].i, -4892220)
    local bytes = ffi.cast("unsigned char *", s)
    T.eq(bytes[5], 89)
    T.eq(ffi.cast("int *", ffi.cast("char *", s) + 6)[0], -4892220)
    T.raises(function() ffi.cdef "#pragma pack(3)" end, "#pragma pack: 3 is not 1, 2, 4, 8 or 16")
    T.raises(function() ffi.cdef "struct lj_pb { char c; int x : 3; } __attribute__((packed));" end,
             "bitfields in a packed struct are not supported")
end)

T.test("long double is a real type; char16_t and char32_t are integers", function()
    ffi.cdef [[
    long double fabsl(long double);
    long double strtold(const char *, char **);
    struct lj_lds { char c; long double x; };
    ]]
    T.eq(ffi.C.fabsl(-2.5), 2.5)
    T.eq(ffi.C.strtold("0.1", nil), 0.1)
    T.eq(ffi.sizeof("long double"), 16); T.eq(ffi.alignof("long double"), 16)
    T.eq(ffi.offsetof("struct lj_lds", "x"), 16); T.eq(ffi.sizeof("struct lj_lds"), 32)
    local s = ffi.new("struct lj_lds", {1, 3.25})
    T.eq(s.x, 3.25)
    s.x = -0.5; T.eq(s.x, -0.5)
    local cb = ffi.cast("long double (*)(long double)", function(x) return x * 2 end)
    T.eq(cb(1.25), 2.5)
    cb:free()
    T.eq(ffi.sizeof("char16_t"), 2); T.eq(ffi.sizeof("char32_t"), 4)
    local c = ffi.new("char16_t[2]", {0x1234, 65})
    T.eq(c[0], 0x1234); T.eq(c[1], 65)
    T.eq(tonumber(ffi.new("char16_t", 0xFFFF)), 0xFFFF)    -- unsigned
end)

T.test("errors LuaJIT raises: too large, static, tag kinds, const fields", function()
    T.raises(function() return ffi.sizeof("int[0x10000][0x2000]") end,
             "size of C type 'int[65536][8192]' is too large")
    T.raises(function() return ffi.new("int[0x10000][0x2000]") end, "too large")
    T.eq(ffi.sizeof("int[0x10000][0x1fff]"), 0x10000 * 0x1fff * 4)
    T.raises(function() ffi.cdef "static int lj_static_x;" end, "static variable 'lj_static_x'")
    T.raises(function() ffi.cdef "struct lj_tk { int a; }; union lj_tk { int b; };" end,
             "'lj_tk' redeclared as a different kind of tag (previously struct lj_tk)")
    T.raises(function() ffi.cdef "enum lj_tk2 { LJ_TK2 }; struct lj_tk2;" end,
             "previously enum lj_tk2")
    ffi.cdef [[
    struct lj_cf { const int k; int v; const char *s; char *const p; const int arr[2]; };
    static const char LJ_NARROW = 42 + 256;
    ]]
    local c = ffi.new("struct lj_cf", {7, 1, nil, nil, {1, 2}})
    T.eq(c.k, 7)                                    -- initialised, then read-only
    c.v = 2; T.eq(c.v, 2)
    c.s = nil                                       -- a pointer to const: the pointer may change
    T.raises(function() c.k = 3 end, "attempt to write to constant location")
    T.raises(function() c.p = nil end, "attempt to write to constant location")
    T.raises(function() c.arr = {3, 4} end, "attempt to write to constant location")
    T.eq(c.k, 7)
    T.eq(ffi.C.LJ_NARROW, 42)
    T.raises(function() return ffi.sizeof("int[?]") end, "number expected")
end)

T.test("constants and enums inside structs, sizeof of a string", function()
    ffi.cdef [[
    struct lj_n1 { enum { LJ_NA, LJ_NB } e; int x; };
    struct lj_n2 { enum { LJ_NC = 3, LJ_ND }; int x; };
    struct lj_n3 { static const int LJ_NK = 5; int x; };
    enum { LJ_SZ = sizeof("abc"), LJ_SZ2 = sizeof("a\n\101") };
    ]]
    T.eq(ffi.sizeof("struct lj_n2"), 4)
    T.eq(ffi.sizeof("struct lj_n3"), 4)
    T.eq(ffi.C.LJ_ND, 4)
    T.eq(ffi.C.LJ_NK, 5)
    T.eq(ffi.typeof("struct lj_n3").LJ_NK, 5)     -- read through the ctype
    T.eq(ffi.C.LJ_SZ, 4); T.eq(ffi.C.LJ_SZ2, 4)
    T.raises(function() return ffi.typeof("struct lj_n3").nope end, "has no member 'nope'")
    T.raises(function() ffi.cdef "struct lj_n4 { static int y; };" end, "static variable 'y'")
    T.eq(ffi.sizeof("int ([10])[5]"), 200)       -- a parenthesized abstract array
    T.eq(tostring(ffi.typeof("int (*([3]))[2]")), "ctype<int(*[3])[2]>")
end)

T.test("$ parameters in cdef and typeof", function()
    local anon = ffi.typeof("struct { int a; }")
    local pt = ffi.typeof("$ *", anon)
    T.eq(tostring(pt), "ctype<struct <anonymous> *>")
    local m = ffi.typeof("uint8_t[$][$]", 3, 4)
    T.eq(ffi.sizeof(m), 12)
    local named = ffi.typeof("struct { $ $; int $; }", ffi.typeof("double"), "dx", "n")
    local v = ffi.new(named, 1.5, 2)
    T.eq(v.dx, 1.5); T.eq(v.n, 2)
    ffi.cdef("typedef struct { $ $; } lj_param_t;", ffi.typeof("int"), "val")
    T.eq(ffi.new("lj_param_t", 7).val, 7)
    ffi.cdef("enum { LJ_PN = $ };", 17)
    T.eq(ffi.C.LJ_PN, 17)
    T.raises(function() ffi.typeof("$ *") end)                  -- no value: a plain name
    T.raises(function() ffi.typeof("$[$]", anon) end, "no value for '$' number 2")
    T.raises(function() ffi.typeof("int[$]", 1.5) end, "integer")
    T.raises(function() ffi.typeof("$", {}) end, "C type expected")
end)

T.test("declaration errors and constants as LuaJIT", function()
    ffi.cdef "static const char LJ_K = 42 + 256; static const uint8_t LJ_U = -1;"
    T.eq(ffi.C.LJ_K, 42)                          -- keeps its declared type
    T.eq(ffi.C.LJ_U, 255)
    T.raises(function() ffi.cdef "static int lj_sx;" end, "static variable 'lj_sx'")
    T.raises(function() ffi.sizeof("int[?]") end, "bad argument #2")
    T.raises(function() ffi.sizeof("int[?]", -1) end, "negative")
    T.eq(ffi.sizeof("int[?]", 0), 0)
end)

T.test("GCC attributes: aligned, mode and vector_size lay out as gcc does", function()
    ffi.cdef [[
    struct lj_al1 { char c; int x __attribute__((aligned(8))); short s; };
    struct __attribute__((aligned(32))) lj_al2 { char c; };
    typedef int lj_i8a __attribute__((aligned(8)));
    typedef int lj_i1a __attribute__((aligned(1)));
    struct lj_al3 { char c; lj_i8a x; lj_i1a y; char z; };
    typedef int lj_hi __attribute__((mode(HI)));
    typedef unsigned lj_qi __attribute__((mode(QI)));
    struct lj_md { char c; long long q __attribute__((mode(SI))); };
    typedef int lj_v4si __attribute__((vector_size(16)));
    typedef double lj_v4df __attribute__((vector_size(32)));
    struct lj_vs { char c; lj_v4df v; };
    lj_v4si lj_vabs(lj_v4si) asm("abs");
    int lj_alabs(struct lj_al1) asm("abs");
    ]]
    -- the numbers gcc gives (tests/unit/test_ffi_layout.c compiles the same)
    T.eq(ffi.sizeof("struct lj_al1"), 16); T.eq(ffi.alignof("struct lj_al1"), 8)
    T.eq(ffi.offsetof("struct lj_al1", "x"), 8); T.eq(ffi.offsetof("struct lj_al1", "s"), 12)
    T.eq(ffi.sizeof("struct lj_al2"), 32); T.eq(ffi.alignof("struct lj_al2"), 32)
    T.eq(ffi.alignof("lj_i8a"), 8); T.eq(ffi.sizeof("lj_i8a"), 4)
    T.eq(ffi.offsetof("struct lj_al3", "x"), 8); T.eq(ffi.offsetof("struct lj_al3", "y"), 12)
    T.eq(ffi.offsetof("struct lj_al3", "z"), 16); T.eq(ffi.sizeof("struct lj_al3"), 24)
    T.eq(ffi.sizeof("lj_hi"), 2); T.eq(ffi.sizeof("lj_qi"), 1)
    T.eq(tonumber(ffi.cast("lj_qi", -1)), 255)             -- unsigned, as declared
    T.eq(ffi.offsetof("struct lj_md", "q"), 4); T.eq(ffi.sizeof("struct lj_md"), 8)
    T.eq(ffi.sizeof("lj_v4si"), 16); T.eq(ffi.alignof("lj_v4si"), 16)
    T.eq(ffi.offsetof("struct lj_vs", "v"), 32); T.eq(ffi.sizeof("struct lj_vs"), 64)
    local v = ffi.new("lj_v4si", {1, -2, 3, -4})
    T.eq(v[1], -2); T.eq(v[3], -4)
    T.raises(function() return v[4] end, "out of bounds")
    local a = ffi.new("struct lj_al1", {65, 7, 9})
    T.eq(a.x, 7); T.eq(a.s, 9)
    -- what libffi cannot pass is refused, never passed wrongly
    T.raises(function() ffi.C.lj_vabs(v) end, "vector types cannot be passed")
    T.raises(function() ffi.C.lj_alabs(a) end, "changed by __attribute__((aligned))")
    T.raises(function() ffi.cdef "typedef float lj_badm __attribute__((mode(SI)));" end,
             "mode applies to an integer type")
    -- aligned on a typedef of a struct, union or array, and on bitfields (gcc's numbers)
    ffi.cdef [[
    struct lj_ts { int a; double d; };
    typedef struct lj_ts lj_T16 __attribute__((aligned(16)));
    typedef struct lj_ts lj_T2 __attribute__((aligned(2)));
    typedef int lj_A3[3] __attribute__((aligned(16)));
    typedef union { int a; char b; } lj_U8 __attribute__((aligned(8)));
    struct lj_th { char c; lj_T16 t; char d; lj_A3 a; lj_T2 e; lj_U8 u; };
    struct lj_tb { char c; int x : 3 __attribute__((aligned(8))); char d; };
    struct lj_tb2 { char c; int __attribute__((aligned(8))) x : 5; int y : 3; };
    int lj_tabs(lj_T16) asm("abs");
    ]]
    T.eq(ffi.sizeof("lj_T16"), 16); T.eq(ffi.alignof("lj_T16"), 16)
    T.eq(ffi.sizeof("lj_T2"), 16); T.eq(ffi.alignof("lj_T2"), 2)
    T.eq(ffi.sizeof("lj_A3"), 12); T.eq(ffi.alignof("lj_A3"), 16)
    T.eq(ffi.sizeof("lj_U8"), 4); T.eq(ffi.alignof("lj_U8"), 8)
    T.eq(ffi.offsetof("struct lj_th", "t"), 16); T.eq(ffi.offsetof("struct lj_th", "d"), 32)
    T.eq(ffi.offsetof("struct lj_th", "a"), 48); T.eq(ffi.offsetof("struct lj_th", "e"), 60)
    T.eq(ffi.offsetof("struct lj_th", "u"), 80); T.eq(ffi.sizeof("struct lj_th"), 96)
    T.eq(ffi.sizeof("struct lj_tb"), 16); T.eq(ffi.alignof("struct lj_tb"), 8)
    T.eq(ffi.offsetof("struct lj_tb", "d"), 9)
    T.eq(ffi.sizeof("struct lj_tb2"), 16); T.eq(ffi.alignof("struct lj_tb2"), 8)
    T.eq(ffi.typeof("lj_T16"), ffi.typeof("struct lj_ts __attribute__((aligned(16)))"))
    T.ok(ffi.typeof("lj_T16") ~= ffi.typeof("struct lj_ts"))
    local t16 = ffi.new("lj_T16", {5, 1.5})
    T.eq(t16.a, 5); T.eq(t16.d, 1.5)
    local tb = ffi.new("struct lj_tb", {65, -2, 66})
    T.eq(tb.x, -2); T.eq(tb.d, 66)
    T.eq(ffi.cast("uint8_t *", tb)[8], 6)
    T.raises(function() return ffi.typeof("lj_A3[2]") end,
             "alignment of array elements is greater than element size")
    T.raises(function() ffi.C.lj_tabs(t16) end, "changed by __attribute__((aligned))")
    T.raises(function() ffi.cdef "typedef int lj_badv __attribute__((vector_size(6)));" end,
             "power of two")
end)

T.test("objects of over-aligned types sit at a multiple of their alignment", function()
    ffi.cdef [[
    struct __attribute__((aligned(64))) lj_al64 { char c; };
    typedef struct { double d[4]; } lj_a32 __attribute__((aligned(32)));
    ]]
    local function addr(p) return tonumber(ffi.cast("uintptr_t", ffi.cast("void *", p))) end
    for _ = 1, 100 do
        for _, t in ipairs({{"struct lj_al64", 64}, {"lj_a32", 32}}) do
            T.eq(addr(ffi.new(t[1])) % t[2], 0, t[1])
            T.eq(addr(ffi.new(t[1] .. "[3]")) % t[2], 0, t[1] .. "[3]")
            T.eq(addr(ffi.new(t[1] .. "[?]", 5)) % t[2], 0, t[1] .. "[?]")
        end
    end
end)

T.summary()
