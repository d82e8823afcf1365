-- ffi_errors.lua — every error of issue 3 from Lua: clear Lua errors, no crash.
--   LUA_CPATH='build/lua/?.so;;' LUA_PATH='tests/lua/?.lua;;' lua5.4 tests/lua/ffi_errors.lua
local T = require "testlib"
local ffi = require "tandem.ffi"
local BUILD = os.getenv("TANDEM_BUILD") or "build"
local lib = ffi.load(BUILD .. "/lib/libtdmtest.so")

ffi.cdef [[
int add(int, int);
unsigned char t_u8(unsigned char); unsigned int t_uint(unsigned int);
long long t_llong(long long); float t_float(float);
int sum_ints(int n, ...); double sum_doubles(int n, ...);
int call_cb(int (*f)(int), int x); int call_cb_sum(int (*f)(int), int n);
struct point { int x, y; };
]]

T.test("bad declarations name line:column", function()
    T.raises(function() ffi.cdef "int ok1;\nint f(foo_t x);" end,
             "cdef: 2:7: unknown type name 'foo_t'")
    T.raises(function() ffi.cdef "struct { int a; } x" end, "cdef: 1:")
    T.raises(function() ffi.cdef "int g(int) { return 1; }" end, "cdef: 1:")
    T.raises(function() ffi.new("int x") end, "new: 1:5")
    T.raises(function() ffi.typeof("struct nope *[") end, "typeof: 1:")
end)

T.test("redeclaration: identical is fine, different is an error", function()
    ffi.cdef "int rd(int);"
    ffi.cdef "int rd(int);"
    T.raises(function() ffi.cdef "int rd(long);" end, "conflicting declaration of 'rd'")
    ffi.cdef "struct rds { int a; };"
    T.raises(function() ffi.cdef "struct rds { long a; };" end, "redefinition of 'struct rds'")
end)

T.test("argument count and type", function()
    T.raises(function() lib.add(1) end, "'add' expects 2 arguments, got 1")
    T.raises(function() lib.add(1, 2, 3) end, "'add' expects 2 arguments, got 3")
    T.raises(function() lib.add("x", 1) end, "argument 1 to 'add': expected int")
    T.raises(function() lib.add(1, {}) end, "argument 2 to 'add': expected int")
    T.raises(function() lib.call_cb(ffi.new("int[2]"), 1) end, "argument 1 to 'call_cb'")
    T.raises(function() ffi.new("int[2]")() end, "is not callable")
end)

T.test("call arguments out of range are never truncated", function()
    local e = T.raises(function() lib.add(3000000000, 1) end,
                       "argument 1 to 'add': expected int, got 3000000000 (out of range)")
    T.ok(tostring(e):find("ffi_errors.lua"), "position of the Lua caller: " .. tostring(e))
    T.raises(function() lib.t_u8(256) end, "expected unsigned char, got 256 (out of range)")
    T.raises(function() lib.t_uint(-1) end, "expected unsigned int, got -1 (out of range)")
    T.raises(function() lib.add(2.5, 1) end, "expected int, got 2.5 (not an integer)")
    T.eq(lib.add(2.0, 1), 3)                    -- integral floats are fine
    -- stores, ffi.new and ffi.cast convert as C does (LuaJIT): see ffi_luajit.lua
    local a = ffi.new("unsigned char[2]")
    a[0] = 300
    T.eq(a[0], 44)
    T.eq(ffi.new("int8_t[1]", 128)[0], -128)
    -- but the value stored is still a number: strings and tables are refused
    local s = ffi.new("struct point")
    T.raises(function() s.x = "12" end, "expected int")
end)

T.test("varargs rule", function()
    T.eq(lib.sum_ints(3, 1, 2, 3), 6)                  -- LuaJIT gives 0 here
    T.eq(lib.sum_doubles(2, 1.5, 2.5), 4.0)
    T.eq(lib.sum_doubles(2, ffi.new("double", 1), ffi.new("float", 2)), 3.0)
    T.raises(function() lib.sum_ints(1, {}) end, "argument 2 to 'sum_ints': cannot pass")
    T.raises(function() lib.sum_ints() end, "'sum_ints' expects at least 1 argument, got 0")
end)

T.test("callback errors are re-raised after the native call", function()
    local cb = ffi.cast("int (*)(int)", function(x)
        if x == 3 then error("boom at " .. x) end
        return x
    end)
    T.eq(lib.call_cb(cb, 2), 2)
    local e = T.raises(function() lib.call_cb(cb, 3) end, "boom at 3")
    T.ok(tostring(e):find("stack traceback", 1, true), "traceback: " .. tostring(e))
    T.ok(tostring(e):find("ffi_errors.lua", 1, true), "callback position")
    -- the first error of the call is kept; C got the error value (0) and finished
    T.raises(function() lib.call_cb_sum(cb, 6) end, "boom at 3")
    -- error objects keep their identity
    local obj = {code = 7}
    cb:set(function() error(obj) end)
    local ok, got = pcall(lib.call_cb, cb, 1)
    T.ok(not ok and got == obj, "same error object")
    -- a result of the wrong type
    cb:set(function() return "nope" end)
    T.raises(function() lib.call_cb(cb, 1) end, "callback result: expected int")
    cb:set(function() return 2 ^ 40 end)
    T.raises(function() lib.call_cb(cb, 1) end, "out of range")
    -- the state is intact afterwards
    cb:set(function(x) return x + 1 end)
    T.eq(lib.call_cb(cb, 1), 2)
    cb:free()
end)

T.test("calling a freed callback", function()
    local cb = ffi.cast("int (*)(int)", function(x) return x end)
    cb:free()
    T.raises(function() lib.call_cb(cb, 1) end, "callback called after it was freed")
    T.raises(function() cb:free() end, "already freed")
    T.raises(function() cb:set(print) end, "freed")
    T.raises(function() ffi.cast("int (*)(int, ...)", print) end, "variadic callbacks")
end)

T.test("NULL dereference and bounds", function()
    local p = ffi.cast("int *", 0)
    T.raises(function() return p[0] end, "NULL pointer dereference")
    T.raises(function() p[0] = 1 end, "NULL pointer dereference")
    local sp = ffi.cast("struct point *", nil)
    T.raises(function() return sp.x end, "NULL pointer dereference (field 'x'")
    T.raises(function() return ffi.string(ffi.NULL) end, "NULL pointer")
    T.raises(function() ffi.copy(ffi.NULL, "abc") end, "NULL pointer")
    T.raises(function() ffi.cast("int (*)(int)", 0)(1) end, "NULL function pointer")
    local a = ffi.new("int[4]")
    T.raises(function() return a[4] end, "index 4 out of bounds for cdata<int[4]> (length 4)")
    T.raises(function() return a.x end, "has no field 'x'")
    T.raises(function() return #ffi.cast("int *", a) end, "length of cdata<int *> is unknown")
    T.raises(function() ffi.copy(a, "much too long for sixteen bytes") end, "exceed")
end)

T.test("missing library, undeclared symbol, symbol not in library", function()
    T.raises(function() ffi.load("tdm_no_such_library") end,
             "cannot load library 'tdm_no_such_library'")
    T.raises(function() return ffi.C.tdm_not_declared end,
             "'tdm_not_declared' is not declared (declare it with cdef)")
    ffi.cdef "int tdm_not_in_any_library(int);"
    T.raises(function() return ffi.C.tdm_not_in_any_library end,
             "symbol 'tdm_not_in_any_library' not found")
    T.raises(function() lib.add = 1 end, "not a variable")
end)

T.test("bad arguments to the API", function()
    T.raises(function() ffi.new({}) end, "C type expected")
    T.raises(function() ffi.new("struct point", {x = 1, z = 2}) end, "has no field 'z'")
    T.raises(function() ffi.new("int[2]", {1, 2, 3}) end, "too many initializers")
    T.raises(function() ffi.cast("struct point", 1) end, "cannot cast")
    T.raises(function() ffi.new("int[?]") end, "number expected")
    T.eq(ffi.sizeof("struct undefined_thing"), nil)
end)

T.summary()
