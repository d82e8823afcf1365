-- bench_ffi_lua.lua BUILD — tandem.ffi vs a hand-written lua_CFunction wrapper,
-- same run: int add(int, int) per call, and a C -> callback -> Lua round trip
-- against a hand-written lua_call loop. The contenders run in alternating
-- rounds (best of each kept), so a noisy machine slows both alike.
local BUILD = arg[1] or "build"
local ffi = require "tandem.ffi"
local hand = require "bench_addmod"
ffi.cdef [[
int add(int, int);
int call_n(int (*f)(int), int n);
]]
local lib = ffi.load(BUILD .. "/bench/libbenchadd.so")
local N = tonumber(os.getenv("BENCH_N")) or 5000000
local ROUNDS = tonumber(os.getenv("BENCH_ROUNDS")) or 7

-- best ns per iteration of each function, in alternating rounds
local function race(n, fs)
    local best = {}
    for i = 1, #fs do best[i] = math.huge end
    for _ = 1, ROUNDS do
        for i, f in ipairs(fs) do
            local t0 = os.clock()
            f(n)
            local t = os.clock() - t0
            if t < best[i] then best[i] = t end
        end
    end
    for i = 1, #fs do best[i] = best[i] / n * 1e9 end
    return table.unpack(best)
end

local fadd, hadd = lib.add, hand.add
local function run_ffi(n) local s = 0; for _ = 1, n do s = fadd(s, 1) end; assert(s == n) end
local function run_hand(n) local s = 0; for _ = 1, n do s = hadd(s, 1) end; assert(s == n) end
local function run_empty(n) local s = 0; for _ = 1, n do s = s + 1 end; assert(s == n) end

local e, tf, th = race(N, {run_empty, run_ffi, run_hand})
tf, th = tf - e, th - e
print(string.format("add(int, int): tandem.ffi %.1f ns/op, hand-written lua_CFunction %.1f ns/op, "
                    .. "ratio %.2f (target <= 2)", tf, th, tf / th))

local M = N // 5
local cb = ffi.cast("int (*)(int)", function(x) return x end)
local function luaf(x) return x end
local tcb, thc = race(M, {function(n) lib.call_n(cb, n) end, function(n) hand.call_n(luaf, n) end})
print(string.format("C -> callback -> Lua: tandem.ffi %.1f ns/call, hand-written lua_call loop "
                    .. "%.1f ns/call, ratio %.2f", tcb, thc, tcb / thc))
cb:free()
