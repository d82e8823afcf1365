-- pyrt/pymath.lua — Python's math module run natively.
--
-- `math.sqrt(x)` in translated code is a call of a Python module's
-- attribute: through the host it costs a crossing per call (a numeric loop
-- ran 70x slower than CPython). A module's attributes can only change when
-- Python code runs, so the value read is kept with the runtime's epoch, as
-- global reads are (rt.modattr: reused while the epoch is unchanged and the
-- crossing exclusive); and a builtin function object never changes, so the
-- genuine math.sqrt (whoever reached it: `math.sqrt`, `from math import
-- sqrt`, a variable) runs as the native version below (rt.natfn), which
-- gives CPython's value and errors: the same C library computes it, with
-- CPython's checks (mathmodule.c's math_1: a NaN from a non-NaN is "math
-- domain error", an infinity from a finite argument "math range error" or a
-- domain error). Arguments other than Lua numbers and bools (a str, an int
-- beyond 64 bits), another argument count, and results beyond 64-bit ints
-- take CPython's own function through the host (FALLBACK).
do
    local FALLBACK = {}
    local msqrt, mexp, mlog, msin, mcos, mtan = math.sqrt, math.exp, math.log, math.sin,
        math.cos, math.tan
    local masin, macos, matan, mfloor, mceil, mfmod, mabs = math.asin, math.acos, math.atan,
        math.floor, math.ceil, math.fmod, math.abs

    local function tof(x)          -- (a float as it is: -0.0 + 0.0 is 0.0)
        x = num(x)
        return mtype(x) == "integer" and x + 0.0 or x
    end
    local function domain()
        throw("ValueError", "math domain error")
    end
    local function finite(x)
        return x > -huge and x < huge
    end

    -- math_1 of mathmodule.c
    local function m1(f, can_overflow)
        return function(x)
            if x == true then
                x = 1.0
            elseif x == false then
                x = 0.0
            elseif mtype(x) == "integer" then
                x = x + 0.0         -- tof(x), inline: the hot path
            end
            local r = f(x)
            if r ~= r and x == x then
                domain()
            end
            if (r == huge or r == -huge) and finite(x) then
                if can_overflow then
                    throw("OverflowError", "math range error")
                end
                domain()
            end
            return r
        end
    end

    -- loghelper: an int (a bool too) must be positive; a float is m_log's
    local function loghelper(x, f)
        if type(x) == "boolean" or mtype(x) == "integer" then
            local v = x == true and 1 or x == false and 0 or x
            if v <= 0 then
                domain()
            end
            return f(v + 0.0)
        end
        if x ~= x or x == huge then
            return x
        end
        if x > 0 then
            return f(x)
        end
        domain()
    end
    local function ln(x)
        return mlog(x)
    end
    local function log2(x)
        return mlog(x, 2)           -- Lua calls C's log2 for base 2
    end
    local function log10(x)
        return mlog(x, 10)          -- and log10 for base 10
    end

    -- floor/ceil: an int as it is, a float to an int (beyond 64 bits: CPython)
    local function rounder(f)
        return function(x)
            if type(x) == "boolean" then
                return x and 1 or 0
            elseif mtype(x) == "integer" then
                return x
            end
            local r = f(x)
            if mtype(r) == "integer" then
                return r
            elseif r ~= r then
                throw("ValueError", "cannot convert float NaN to integer")
            elseif r == huge or r == -huge then
                throw("OverflowError", "cannot convert float infinity to integer")
            end
            return FALLBACK
        end
    end

    local RAD2DEG, DEG2RAD = 180.0 / math.pi, math.pi / 180.0

    -- name -> {least args, most args, function}
    local NATIVE = {
        sqrt = { 1, 1, m1(msqrt, false) },
        exp = { 1, 1, m1(mexp, true) },
        sin = { 1, 1, m1(msin, false) },
        cos = { 1, 1, m1(mcos, false) },
        tan = { 1, 1, m1(mtan, false) },
        asin = { 1, 1, m1(masin, false) },
        acos = { 1, 1, m1(macos, false) },
        atan = { 1, 1, m1(function(x) return matan(x) end, false) },
        fabs = { 1, 1, m1(mabs, false) },
        floor = { 1, 1, rounder(mfloor) },
        ceil = { 1, 1, rounder(mceil) },
        log2 = { 1, 1, function(x) return loghelper(x, log2) end },
        log10 = { 1, 1, function(x) return loghelper(x, log10) end },
        log = { 1, 2, function(x, base)
            local num = loghelper(x, ln)
            if base == nil then
                return num
            end
            local den = loghelper(base, ln)
            if den == 0 then
                throw("ZeroDivisionError", "float division by zero")
            end
            return num / den
        end },
        fmod = { 2, 2, function(x, y)
            x, y = tof(x), tof(y)
            if (y == huge or y == -huge) and finite(x) then
                return x
            end
            local r = mfmod(x, y)
            if r ~= r and x == x and y == y then
                domain()
            end
            return r
        end },
        isnan = { 1, 1, function(x)
            x = tof(x)
            return x ~= x
        end },
        isinf = { 1, 1, function(x)
            x = tof(x)
            return x == huge or x == -huge
        end },
        isfinite = { 1, 1, function(x)
            return finite(tof(x))
        end },
        degrees = { 1, 1, function(x)
            return tof(x) * RAD2DEG
        end },
        radians = { 1, 1, function(x)
            return tof(x) * DEG2RAD
        end },
        trunc = { 1, 1, function(x)
            return B.int(x)         -- float.__trunc__ is int(): the same errors
        end },
    }

    -- heapq's functions on lists of translated code (pyrt/pyheapq.lua): a
    -- fourth field checks the arguments instead of "numbers only"
    for name, nat in pairs(rt.NATIVE_HEAPQ) do
        NATIVE[name] = nat
    end

    -- The native version of a Python callable f (a proxy), nil if none: the
    -- genuine math functions' proxies, asked of the host once per runtime
    -- (a proxy stands for one object while it lives, and this table keeps
    -- them alive), so no call of another callable pays a crossing for it
    local byproxy, byproxy_of
    local function natfn(f)
        if byproxy_of ~= rt.H then
            byproxy, byproxy_of = {}, rt.H
            for name, nat in pairs(NATIVE) do
                local f = rt.H("natfunc", name)
                if f ~= nil then
                    byproxy[f] = nat
                end
            end
        end
        return byproxy[f]
    end

    -- f(...) natively when f is a genuine math function and the arguments
    -- are numbers; FALLBACK otherwise
    local function callnat(f, ...)
        if type(f) ~= "userdata" then
            return FALLBACK
        end
        local nat = natfn(f)
        if not nat then
            return FALLBACK
        end
        local n = select("#", ...)
        if n < nat[1] or n > nat[2] then
            return FALLBACK
        end
        if nat[4] then
            if not nat[4](...) then
                return FALLBACK
            end
            return nat[3](...)
        end
        for i = 1, n do
            local t = type((select(i, ...)))
            if t ~= "number" and t ~= "boolean" then
                return FALLBACK
            end
        end
        return nat[3](...)
    end
    rt.callnat, rt.FALLBACK = callnat, FALLBACK

    -- A Lua function calling the Python function f natively when it can
    -- (false when f has no native version): what a call site keeps
    local wraps = setmetatable({}, weakk)
    local unary = setmetatable({}, weakk)
    local function natwrap(f)
        local w = wraps[f]
        if w == nil then
            local nat = natfn(f)
            if nat and nat[1] == 1 and nat[2] == 1 and not nat[4] then
                -- called with one argument only (rt.modfast)
                local fn = nat[3]
                w = function(x)
                    local t = type(x)
                    if t == "number" or t == "boolean" then
                        local r = fn(x)
                        if not rawequal(r, FALLBACK) then
                            return r
                        end
                    end
                    return (rt.hostcall("callobj", 2, 0, f, x))
                end
                unary[w] = true
            elseif nat then
                w = function(...)
                    local r = callnat(f, ...)
                    if rawequal(r, FALLBACK) then
                        return (rt.hostcall("callobj", 2, 0, f, ...))
                    end
                    return r
                end
            else
                w = false
            end
            wraps[f] = w
        end
        return w
    end

    -- o.name where o is a global (the back end's (attr (global M) name)):
    -- a module's attribute kept with the epoch (math.pi), else as usual
    function rt.gattr(o, name)
        if type(o) == "userdata" then
            local v = rt.modattr(o, name)
            if v ~= nil then
                return v
            end
        end
        return rt.getattr(o, name)
    end

    -- A module's attribute, kept with the epoch (nil: ask as usual): only
    -- for module objects and names in their __dict__ (no code runs to read
    -- them; a module's __getattr__ or a descriptor is never cached).
    local modules = setmetatable({}, weakk)
    local missing, missing_of
    function rt.modattr(o, name)
        local c = modules[o]
        if c == nil then
            c = rt.H("ismodule", o) and { ep = {}, val = {} } or false
            modules[o] = c
        end
        if not c then
            return nil
        end
        local e = rt.epoch()
        if e and c.ep[name] == e then
            return c.val[name]
        end
        local v = rt.hpure(rt.H, "modattr?", o, name)
        if missing_of ~= rt.H then
            -- the host's "missing" kept: a new proxy for it at each read would
            -- be garbage whose release moves the epoch (no read would stay)
            missing, missing_of = rt.hpure(rt.H, "missing"), rt.H
        end
        if rawequal(v, missing) then
            return nil
        end
        e = rt.epoch()
        if e then
            c.ep[name], c.val[name] = e, v
        end
        return v
    end

    -- What M.name(...) calls when M is a module (nil otherwise): its
    -- attribute, as a native function when it is a genuine math function
    -- (the call sites of module_call in adapters/lua/lxlate.c keep it with
    -- the epoch)
    -- (for a call site with n arguments: a unary native only for one)
    function rt.modfn(m, name, n)
        if type(m) ~= "userdata" then
            return nil
        end
        local v = rt.modattr(m, name)
        if type(v) == "userdata" then
            local w = natwrap(v)
            if w and (n == 1 or not unary[w]) then
                return w
            end
        end
        return v
    end
end
