-- ffi_python.lua — one C type model across languages in a plain lua5.4 that
-- hosts Python: types declared in Lua are known to Python's tandem.FFI()
-- (the host runtime's registry) and cdata keep their type and address.
local T = require "testlib"
local ffi = require "tandem.ffi"
local python = require "tandem"

ffi.cdef[[
typedef struct { int x, y; } lp_point;
int abs(int);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
]]

python.execute([[
import tandem
pffi = tandem.FFI()
]])

T.test("a type declared in Lua is known to Python", function()
    T.eq(python.eval("pffi.sizeof('lp_point')"), 8, "sizeof")
    T.eq(python.eval("pffi.offsetof('lp_point', 'y')"), 4, "offsetof")
end)

T.test("a type declared in Python is known to Lua", function()
    python.execute("pffi.cdef('typedef struct { double a; char b; } py_pair;')")
    T.eq(ffi.sizeof("py_pair"), 16, "sizeof")
end)

T.test("a cdata pointer crossing keeps its type and address", function()
    local p = ffi.new("lp_point[1]", {{3, 4}})
    local info = python.eval([[lambda cd: (pffi.typeof(cd).cname, int(pffi.cast('intptr_t', cd)), cd[0].y)]])(p)
    T.eq(info[0], "lp_point[1]", "type name")
    T.eq(info[1], ffi.tonumber(ffi.cast("intptr_t", p)), "address")
    T.eq(info[2], 4, "field read in Python")
    python.eval("lambda cd: cd.__setitem__(0, {'x': 7, 'y': 8})")(p)
    T.eq(p[0].x, 7, "Python wrote through it")
end)

T.test("qsort from Lua with a Python comparator", function()
    local arr = ffi.new("int[5]", {5, 3, 1, 4, 2})
    local cmp = python.eval([[pffi.callback('int(const void *, const void *)',
        lambda a, b: pffi.cast('int *', a)[0] - pffi.cast('int *', b)[0])]])
    ffi.C.qsort(arr, 5, ffi.sizeof("int"), cmp)
    local out = {}
    for i = 0, 4 do out[#out + 1] = arr[i] end
    T.eq(table.concat(out, ","), "1,2,3,4,5", "sorted")
end)

T.test("qsort from Python with a Lua comparator", function()
    local cmp = ffi.cast("int(*)(const void *, const void *)", function(a, b)
        return ffi.cast("int *", a)[0] - ffi.cast("int *", b)[0]
    end)
    local res = python.eval([[lambda cmp: (lambda arr: (pffi.dlopen(None).qsort(arr, 4, 4, cmp), list(arr))[1])(
        pffi.new('int[4]', [9, 7, 8, 6]))]])(cmp)
    T.eq(tostring(res), "[6, 7, 8, 9]", "sorted by a Lua function")
    cmp:free()
end)

T.summary()
