-- pyrt/nummeth.lua — integer and float methods (int.bit_length,
-- int.bit_count, float.is_integer) and the builtins pow(), bin(), oct(),
-- hex(). Ints past 64 bits are Python objects: these go to Python for them
-- (OverflowError in a standalone file, as the other big-int operations).
do
    -- ---- methods ------------------------------------------------------------------------
    local function magnitude(x)         -- |x| as an unsigned 64-bit pattern
        return x < 0 and -x or x        -- (-MINI is MINI: 2**63 unsigned)
    end
    function M.int.bit_length(v)
        local u, n = magnitude(num(v)), 0
        while u ~= 0 do
            u = u >> 1                  -- a logical shift: MINI's pattern too
            n = n + 1
        end
        return n
    end
    function M.int.bit_count(v)
        local u, n = magnitude(num(v)), 0
        while u ~= 0 do
            u = u & (u - 1)
            n = n + 1
        end
        return n
    end
    function M.float.is_integer(x)
        return x == x and x ~= huge and x ~= -huge and x == floor(x)
    end

    -- ---- bin(), oct(), hex() -------------------------------------------------------------
    local function int_of(v)            -- an int of 64 bits, or nil for a Python object
        if type(v) == "userdata" then
            return nil
        end
        return range_int(v)
    end
    local function based(fname, prefix, fmt)
        B[fname] = function(...)
            local n = select("#", ...)
            if n ~= 1 then
                throw("TypeError", sformat("%s() takes exactly one argument (%d given)", fname,
                                           n))
            end
            local v = ...
            local x = int_of(v)
            if x == nil then
                return rt.H("call", fname, v)
            end
            local u, digits = magnitude(x), nil
            if fmt then
                digits = sformat(fmt, u)
            else
                local d = {}
                repeat
                    d[#d + 1] = (u & 1 == 1) and "1" or "0"
                    u = u >> 1
                until u == 0
                digits = concat(d):reverse()
            end
            return (x < 0 and "-" or "") .. prefix .. digits
        end
    end
    based("bin", "0b", nil)
    based("oct", "0o", "%o")
    based("hex", "0x", "%x")

    -- ---- pow(base, exp, mod=None) ------------------------------------------------------------
    local function addmod(a, b, m)      -- a + b mod m, for 0 <= a, b < m
        return a >= m - b and a - (m - b) or a + b
    end
    local function mulmod(a, b, m)      -- a * b mod m, for 0 <= a, b < m
        if m <= 3037000499 then         -- the product fits in 63 bits
            return a * b % m
        end
        local r = 0
        while b > 0 do
            if b & 1 == 1 then
                r = addmod(r, a, m)
            end
            a = addmod(a, a, m)
            b = b >> 1
        end
        return r
    end
    local function inverse(a, m)        -- a**-1 mod m (0 <= a < m), or nil
        local r0, r1, t0, t1 = m, a, 0, 1
        while r1 ~= 0 do
            local q = r0 // r1
            r0, r1 = r1, r0 - q * r1
            t0, t1 = t1, t0 - q * t1
        end
        if r0 ~= 1 then
            return nil
        end
        return t0 % m
    end
    local function powmod(a, b, m)
        if type(a) == "userdata" or type(b) == "userdata" or type(m) == "userdata" then
            return rt.H("call", "pow", rt.export(a), rt.export(b), rt.export(m))
        end
        local x, y, z = num(a), num(b), num(m)
        if x == nil or y == nil or z == nil or mtype(x) ~= "integer" or mtype(y) ~= "integer"
                or mtype(z) ~= "integer" then
            -- CPython's float pow is tried when any of the three is a float
            if mtype(x) == "float" or mtype(y) == "float" or mtype(z) == "float" then
                throw("TypeError", "pow() 3rd argument not allowed unless all arguments are " ..
                                   "integers")
            end
            throw("TypeError", sformat("unsupported operand type(s) for ** or pow(): '%s', " ..
                                       "'%s', '%s'", tname(a), tname(b), tname(m)))
        end
        if z == 0 then
            throw("ValueError", "pow() 3rd argument cannot be 0")
        elseif z == MINI then           -- |mod| is 2**63: Python's ints
            return bigcall("pow", x, y, z)
        end
        local mabs = z < 0 and -z or z
        local base = x % mabs
        if y < 0 then
            base = inverse(base, mabs)
            if base == nil then
                throw("ValueError", "base is not invertible for the given modulus")
            end
            y = -y                      -- (MINI: as an unsigned pattern, below)
        end
        local r = 1 % mabs
        while y ~= 0 do
            if y & 1 == 1 then
                r = mulmod(r, base, mabs)
            end
            base = mulmod(base, base, mabs)
            y = y >> 1
        end
        if z < 0 and r ~= 0 then
            r = r + z
        end
        return r
    end
    local POW = { "base", "exp", "mod" }
    B.pow = function(...)
        local pos, kw = split_kw("pow", { base = true, exp = true, mod = true }, ...)
        local n = pos.n
        for _, name in ipairs(POW) do
            n = n + (kw[name .. "?"] and 1 or 0)
        end
        if n > 3 then
            throw("TypeError", sformat("pow() takes at most 3 arguments (%d given)", n))
        end
        local v = rt.bindkw("pow", POW, 2, pos, kw)   -- CPython's order: missing ones first
        if v[3] == nil then
            return rt.pow(v[1], v[2])
        end
        return powmod(v[1], v[2], v[3])
    end
end
