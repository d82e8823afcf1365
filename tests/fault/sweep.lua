-- sweep.lua — the fault sweep for a lua5.4 host (make fault-test;
-- docs/reliability.md).
--
-- Runs in lua5.4 with the fault build of the Lua module first on
-- LUA_CPATH (mk/fault.mk: the module's objects plus tests/fault/fault.c,
-- every allocation of tandem's code wrapped, and fault_lua.c's controls).
-- For each workload — `require "tandem"` and its python table: calls both
-- ways, conversions, errors both ways, Python iteration, coroutines across
-- languages, FFI calls and callbacks (libffi closures), translation of a
-- Python function, a sandboxed child (python.sandbox) — it counts the
-- allocations K of one run, then for n = 1..K runs it with the n-th failing
-- and checks that:
--   * nothing crashes (ASan with SAN=1);
--   * the error reaching Lua is a memory error (Lua's "not enough memory",
--     or a Python MemoryError object), or there is none (absorbed);
--   * tandem still works afterwards (calls both ways, an FFI callback);
--   * nothing leaks: for every tenth n, R runs failing the n-th allocation
--     must not grow the live blocks of tandem's C heap or Python's allocated
--     blocks by one per run more than R runs failing nothing.
-- Ends with "N passed, N failed".
--
--   lua5.4 tests/fault/sweep.lua FAULT_SO [--quick] [--only NAME]

local so = assert(arg[1], "usage: sweep.lua FAULT_SO [--quick] [--only NAME]")
local quick, only = false, nil
for i = 2, #arg do
    if arg[i] == "--quick" then quick = true end
    if arg[i] == "--only" then only = arg[i + 1] end
end

local python = require "tandem"
local F = assert(package.loadlib(so, "luaopen_tandem_fault"))()
local ffi = require "tandem.ffi"
ffi.cdef [[ int abs(int); typedef struct { int x, y; } fpt; ]]

local builtins = python.builtins()
local sys = python.import "sys"
local gc = python.import "gc"
python.exec [[
import linecache
class Obj:
    pass
def pyident(*a):
    return a
def pyboom(x):
    raise ValueError(x)
def pygen(n):
    for i in range(n):
        yield i
src = ('def tr(a, b):\n    total = 0\n    for i in range(a):\n'
       '        total += i * b\n    return total\n')
linecache.cache['<fault_tr>'] = (len(src), None, src.splitlines(True), '<fault_tr>')
exec(compile(src, '<fault_tr>', 'exec'))
def make_tr(name):
    s = src.replace('def tr', 'def ' + name)
    fname = '<fault_' + name + '>'
    linecache.cache[fname] = (len(s), None, s.splitlines(True), fname)
    ns = {}
    exec(compile(s, fname, 'exec'), ns)
    return ns[name]
]]
local main = python.import "__main__"

local function is_memory_error(e)
    local s = tostring(e)
    return s:find("not enough memory", 1, true) ~= nil or s:find("MemoryError", 1, true) ~= nil
        or s:find("memory", 1, true) ~= nil
end

-- ---- workloads ----------------------------------------------------------------

local workloads = {}
local function W(name, fn) workloads[#workloads + 1] = {name = name, run = fn} end

W("lua_calls", function()
    local r = main.pyident(1, 2.5, "a string, not short, x x x x", {1, 2}, true)
    local f = python.eval("lambda f, *a: f(*a)")
    f(function(...) return select("#", ...) end, "x", 3, main.Obj())
end)

W("lua_convert", function()
    local d = python.eval("{'k': [1, 2.5, 'x' * 40], 3: (None, True)}")
    local n = 0
    for k in python.iter(d) do n = n + 1 end
    local t = python.eval("[1, 'two', {'three': 3}]")
    local s = builtins.str(t)
    builtins.len(s)
end)

W("lua_errors", function()
    local ok, e = pcall(main.pyboom, "message")
    assert(not ok)
    if is_memory_error(e) then error(e) end
    assert(tostring(e):find("ValueError"), tostring(e))
    local f = python.eval("lambda f: f()")
    ok, e = pcall(f, function() error("from lua") end)
    assert(not ok)
    if is_memory_error(e) then error(e) end
end)

W("lua_iter", function()
    local s = 0
    for x in python.iter(main.pygen(5)) do s = s + x end
    for x in python.iter(python.eval("[1, 2, 3]")) do s = s + x end
end)

W("lua_coroutines", function()
    local co = coroutine.wrap(function(a)
        local r = main.pyident({a}, main.Obj(), 1.5)
        coroutine.yield(r)
        return main.pygen(2)
    end)
    co("start")
    co()
end)

W("lua_ffi", function()
    local f = ffi.cast("int (*)(int)", function(x) return x * 2 end)
    local r = f(21)
    f:free()
    local p = ffi.new("fpt", {1, 2})
    local a = ffi.C.abs(-3) + p.x + ffi.new("int[4]", {1, 2, 3, 4})[2]
end)

local ntr = 0
W("lua_translate", function()
    -- a new function each run: translation is cached per function
    ntr = ntr + 1
    local fn = python.translate(main.make_tr("tr" .. ntr))
    fn(5, 3)
end)

W("lua_sandbox", function()
    local sb = python.sandbox{max_instructions = 20000}
    local ok, e = pcall(sb.execute, sb, "local t = {} for i = 1, 50 do t[i] = tostring(i) end")
    if not ok then sb:close() error(e) end
    ok, e = pcall(sb.execute, sb, "while true do end")
    sb:close()
    if not ok and not tostring(e):find("budget") then error(e) end
end)

-- ---- the sweep ----------------------------------------------------------------

local function sane()
    assert(builtins.len(main.pyident(1, "x")) == 2)
    assert(python.eval("1 + 1") == 2)
    local f = python.eval("lambda f, a: f(a)")
    assert(f(function(a) return a + 1 end, 41) == 42)
    local cb = ffi.cast("int (*)(int)", function(x) return x * 2 end)
    assert(cb(4) == 8)
    cb:free()
end

local function run_armed(w, n)
    F.arm(n)
    local ok, e = pcall(w.run)
    F.stop()
    if ok or is_memory_error(e) then return nil end
    return tostring(e):sub(1, 300)
end

local function heap()
    for _ = 1, 3 do
        gc.collect()
        collectgarbage()
        collectgarbage()
    end
    return sys.getallocatedblocks(), F.live()
end

local function leaks(w, n, R)
    for _ = 1, R do run_armed(w, n) end
    local last
    for _ = 1, 3 do
        local grow = {}
        for k, arm in ipairs{0, n} do
            local p0, c0 = heap()
            for _ = 1, R do run_armed(w, arm) end
            local p1, c1 = heap()
            grow[k] = {p1 - p0, c1 - c0}
        end
        local dp, dc = grow[2][1] - grow[1][1], grow[2][2] - grow[1][2]
        if dp < R and dc < R then return nil end
        last = string.format("%+d Python blocks, %+d C blocks / %d runs", dp, dc, R)
        if dc >= R then     -- where the C blocks come from (addr2line -e FAULT_SO)
            heap()          -- after collections, as the count: else blocks that
            local s0 = F.sites()    -- finalizers free later are named too
            for _ = 1, R do run_armed(w, n) end
            heap()
            local where = {}
            for off, c in pairs(F.sites()) do
                if c - (s0[off] or 0) >= R then where[#where + 1] = string.format("0x%x", off) end
            end
            if #where > 0 then
                local h = io.popen("addr2line -f -s -e " .. so .. " " .. table.concat(where, " "))
                last = last .. " (C blocks from: " .. h:read("a"):gsub("\n", " ") .. ")"
                h:close()
            end
        end
    end
    return last
end

local grand = {0, 0, 0, 0}
for _, w in ipairs(workloads) do
    if only == nil or only == w.name then
        for _ = 1, 5 do w.run() end         -- warm: imports, caches, translations
        F.arm(0)
        w.run()
        local total = F.count()
        local step = (quick and total > 150) and total // 150 or 1
        local fired, bad, leaking = 0, 0, 0
        for n = 1, total, step do
            local why = run_armed(w, n)
            if F.fired() then fired = fired + 1 end
            if why == nil then
                local ok, e = pcall(sane)
                if not ok then why = "tandem broken after the failure: " .. tostring(e) end
            end
            if why ~= nil then
                bad = bad + 1
                print(string.format("  %s n=%d: %s", w.name, n, why))
            elseif n % (10 * step) == 1 then
                local leak = leaks(w, n, 30)
                if leak then
                    leaking = leaking + 1
                    print(string.format("  %s n=%d: leak: %s", w.name, n, leak))
                end
            end
        end
        print(string.format("%-14s %6d allocations, %6d failures injected, %d bad, %d leaking",
                            w.name, total, fired, bad, leaking))
        io.stdout:flush()
        grand[1], grand[2] = grand[1] + total, grand[2] + fired
        grand[3], grand[4] = grand[3] + bad, grand[4] + leaking
    end
end
print(string.format("distinct allocation sites made to fail: %d", F.nsites()))
print(string.format("total: %d allocations, %d failures injected, %d bad, %d leaking",
                    grand[1], grand[2], grand[3], grand[4]))
local ok = grand[3] == 0 and grand[4] == 0 and grand[2] > 0
print(string.format("%d passed, %d failed", ok and 1 or 0, ok and 0 or 1))
os.exit(ok and 0 or 1)
