-- pyrt/set.lua — Python's set for translated code (docs/translation.md, "Sets").
--
-- A set's iteration order (and so its repr, pop, list(s) ...) is the order of
-- CPython's hash table. To give CPython's answers exactly, this file keeps the
-- same table as CPython 3.11's Objects/setobject.c: the same hashes (ints,
-- floats, bools, tuples computed here; str and None asked from Python through
-- the host hook, since they are randomized or address-based per process), the
-- same probing (9 linear probes, then perturbation), the same dummies, resizes,
-- merges and pop finger, and the same algorithms for every operation (which set
-- is iterated, which table is copied). A set whose table cannot be known (a
-- constant display whose frozenset came from a .pyc with another order) is
-- marked `unordered`: its iteration, repr and pop raise NotImplementedError.
-- Sets from Python (proxies) are used through the bridge; mixing them with sets
-- made here in set algebra raises NotImplementedError.
do
    local SET = { __name = "set" }
    local FROZEN = { __name = "frozenset" }     -- the same table, immutable, hashable
    rt.SET, rt.FROZEN = SET, FROZEN
    local NONE_EL = setmetatable({}, { __name = "None element" })
    local DUMMY = setmetatable({}, { __name = "dummy" })
    local LP = 9                    -- LINEAR_PROBES
    local PMOD = (1 << 61) - 1      -- _PyHASH_MODULUS
    local S = {}                    -- this file's functions (keeps locals few)

    -- ---- CPython's hash ------------------------------------------------------------

    local hcache, hcount = {}, 0    -- str -> its hash in the host process
    local nonehash

    local function hosthash(v)
        if rt.H == nil then
            if type(v) == "string" and rt.strhash then     -- standalone: a fixed seed
                return rt.strhash(v)
            end
            throw("NotImplementedError", "hash() of a str or None without the Python host " ..
                  "(tandem translation)")
        end
        return math.tointeger(rt.H("hash", v))
    end

    local function int_hash(v)
        local h
        if v >= 0 then
            h = v % PMOD
        else
            h = -((PMOD - v % PMOD) % PMOD)
        end
        if h == -1 then
            h = -2
        end
        return h
    end

    local function frexp(m)         -- m > 0 finite: f, e with m == f * 2^e, 0.5 <= f < 1
        local e = 0
        while m >= 0x1p64 do
            m, e = m * 0x1p-64, e + 64
        end
        while m >= 1.0 do
            m, e = m * 0.5, e + 1
        end
        while m < 0x1p-64 do
            m, e = m * 0x1p64, e - 64
        end
        while m < 0.5 do
            m, e = m * 2.0, e - 1
        end
        return m, e
    end

    -- _Py_HashDouble
    local function float_hash(v)
        local i = math.tointeger(v)
        if i then
            return int_hash(i)
        end
        if v ~= v then
            throw("NotImplementedError", "hash() of a NaN (CPython uses its address) " ..
                  "(tandem translation)")
        end
        if v == huge then
            return 314159
        elseif v == -huge then
            return -314159
        end
        local sign = 1
        if v < 0 then
            sign, v = -1, -v
        end
        local m, e = frexp(v)
        local x = 0
        while m ~= 0 do
            x = ((x << 28) & PMOD) | (x >> 33)
            m = m * 268435456.0
            e = e - 28
            local y = floor(m)
            m = m - y
            x = x + math.tointeger(y)
            if x >= PMOD then
                x = x - PMOD
            end
        end
        if e >= 0 then
            e = e % 61
        else
            e = 60 - ((-1 - e) % 61)
        end
        x = ((x << e) & PMOD) | (x >> (61 - e))
        x = x * sign
        if x == -1 then
            x = -2
        end
        return x
    end

    local XP1, XP2, XP5 = -7046029288634856825, -4417276706812531889, 2870177450012600261

    local pyhash
    pyhash = function(v)
        local t = type(v)
        if t == "number" then
            if mtype(v) == "integer" then
                return int_hash(v)
            end
            return float_hash(v)
        elseif t == "boolean" then
            return v and 1 or 0
        elseif t == "string" then
            local h = hcache[v]
            if h == nil then
                h = hosthash(v)
                if hcount > 100000 then
                    hcache, hcount = {}, 0
                end
                hcache[v] = h
                hcount = hcount + 1
            end
            return h
        elseif t == "userdata" then     -- a Python object: its own hash
            return hosthash(v)
        elseif v == nil then
            if nonehash == nil then
                nonehash = hosthash(nil)
            end
            return nonehash
        elseif t == "table" then
            local mt = getmetatable(v)
            if mt == TUPLE then         -- tuplehash: xxHash64's mixing (CPython 3.8+)
                local acc = XP5
                for i = 1, v.n do
                    acc = acc + pyhash(v[i]) * XP2
                    acc = (acc << 31) | (acc >> 33)
                    acc = acc * XP1
                end
                acc = acc + (v.n ~ (XP5 ~ 3527539))
                if acc == -1 then
                    return 1546275796
                end
                return acc
            elseif mt == LIST or mt == DICT or mt == SET then
                throw("TypeError", sformat("unhashable type: '%s'", tname(v)))
            elseif mt == FROZEN then
                return S.frozenhash(v)
            end
        end
        throw("NotImplementedError", sformat("hash() of a '%s' (tandem translation)", tname(v)))
    end
    rt.pyhash = pyhash
    B.hash = function(v)
        return pyhash(v)
    end

    -- ---- the table (setobject.c) -------------------------------------------------------

    local function newset(frozen)
        return setmetatable({ mask = 7, keys = {}, hashes = {}, fill = 0, used = 0, finger = 0 },
                            frozen and FROZEN or SET)
    end
    S.new = newset

    local function elem(v)
        if v == nil then
            return NONE_EL
        end
        return v
    end
    local function unelem(k)
        if k == NONE_EL then
            return nil
        end
        return k
    end

    local function insert_clean(keys, hashes, mask, k, h)
        local perturb = h
        local i = h & mask
        while true do
            if keys[i] == nil then
                keys[i], hashes[i] = k, h
                return
            end
            if i + LP <= mask then
                for j = i + 1, i + LP do
                    if keys[j] == nil then
                        keys[j], hashes[j] = k, h
                        return
                    end
                end
            end
            perturb = perturb >> 5
            i = (i * 5 + 1 + perturb) & mask
        end
    end

    local function resize(s, minused)
        local n = 8
        while n <= minused do
            n = n << 1
        end
        if n == 8 and s.mask == 7 and s.fill == s.used then
            return                      -- no dummies: nothing to do
        end
        local okeys, ohashes, omask = s.keys, s.hashes, s.mask
        local keys, hashes, mask = {}, {}, n - 1
        for i = 0, omask do
            local k = okeys[i]
            if k ~= nil and k ~= DUMMY then
                insert_clean(keys, hashes, mask, k, ohashes[i])
            end
        end
        s.keys, s.hashes, s.mask, s.fill = keys, hashes, mask, s.used
    end

    -- the slot holding an element equal to k (hash h), or nil
    local function lookup(s, k, h)
        local mask, keys, hashes = s.mask, s.keys, s.hashes
        local i = h & mask
        local perturb = h
        while true do
            local probes = i + LP <= mask and LP or 0
            local j = i
            while true do
                local kk = keys[j]
                if kk == nil then
                    return nil
                end
                if kk ~= DUMMY and hashes[j] == h and
                        (rawequal(kk, k) or eq(unelem(kk), unelem(k))) then
                    return j
                end
                if probes == 0 then
                    break
                end
                probes = probes - 1
                j = j + 1
            end
            perturb = perturb >> 5
            i = (i * 5 + 1 + perturb) & mask
        end
    end

    local function add_entry(s, k, h)
        local mask, keys, hashes = s.mask, s.keys, s.hashes
        local i = h & mask
        local perturb = h
        local free
        while true do
            local probes = i + LP <= mask and LP or 0
            local j = i
            while true do
                local kk = keys[j]
                if kk == nil then
                    if free then
                        keys[free], hashes[free] = k, h
                        s.used = s.used + 1
                        return
                    end
                    keys[j], hashes[j] = k, h
                    s.fill, s.used = s.fill + 1, s.used + 1
                    if s.fill * 5 >= mask * 3 then
                        resize(s, s.used > 50000 and s.used * 2 or s.used * 4)
                    end
                    return
                end
                if kk == DUMMY then
                    free = j
                elseif hashes[j] == h and (rawequal(kk, k) or eq(unelem(kk), unelem(k))) then
                    return
                end
                if probes == 0 then
                    break
                end
                probes = probes - 1
                j = j + 1
            end
            perturb = perturb >> 5
            i = (i * 5 + 1 + perturb) & mask
        end
    end

    local function add(s, v)
        add_entry(s, elem(v), pyhash(v))
    end
    S.add = add

    local function discard_entry(s, k, h)
        local j = lookup(s, k, h)
        if j == nil then
            return false
        end
        s.keys[j], s.hashes[j] = DUMMY, -1
        s.used = s.used - 1
        return true
    end

    local function clear(s)
        s.keys, s.hashes, s.mask, s.fill, s.used = {}, {}, 7, 0, 0
    end

    local function isset(v)         -- PyAnySet_Check: a set or a frozenset
        local mt = getmetatable(v)
        return mt == SET or mt == FROZEN
    end

    local function newlike(so)      -- make_new_set_basetype(Py_TYPE(so), NULL)
        return newset(getmetatable(so) == FROZEN)
    end

    local function isdict(v)
        return getmetatable(v) == DICT or
            (type(v) == "userdata" and rt.H("isinstance", v, "dict"))
    end

    -- a Python set or frozenset: its table (which CPython copies or iterates) is not known
    local function foreign_set(v)
        if type(v) == "userdata" and (rt.H("isinstance", v, "set") or
                                      rt.H("isinstance", v, "frozenset")) then
            throw("NotImplementedError", "set algebra between a set made in translated code " ..
                  "and a Python object (tandem translation)")
        end
    end

    -- set_merge
    local function merge(so, other)
        if other.unordered then
            so.unordered = true
        end
        if rawequal(so, other) or other.used == 0 then
            return
        end
        if (so.fill + other.used) * 5 >= so.mask * 3 then
            resize(so, (so.used + other.used) * 2)
        end
        local okeys, ohashes = other.keys, other.hashes
        if so.fill == 0 and so.mask == other.mask and other.fill == other.used then
            for i = 0, other.mask do
                local k = okeys[i]
                if k ~= nil then
                    so.keys[i], so.hashes[i] = k, ohashes[i]
                end
            end
            so.fill, so.used = other.fill, other.used
            return
        end
        if so.fill == 0 then
            so.fill, so.used = other.used, other.used
            for i = 0, other.mask do
                local k = okeys[i]
                if k ~= nil and k ~= DUMMY then
                    insert_clean(so.keys, so.hashes, so.mask, k, ohashes[i])
                end
            end
            return
        end
        for i = 0, other.mask do
            local k = okeys[i]
            if k ~= nil and k ~= DUMMY then
                add_entry(so, k, ohashes[i])
            end
        end
    end

    -- set_update_internal
    local function update(so, other)
        if isset(other) then
            return merge(so, other)
        end
        foreign_set(other)
        if getmetatable(other) == DICT or
                (type(other) == "userdata" and rt.H("isinstance", other, "dict")) then
            local n = rt.len(other)
            if (so.fill + n) * 5 >= so.mask * 3 then
                resize(so, (so.used + n) * 2)
            end
        end
        local it = rt.iter(other)
        while true do
            local ok, x = it()
            if not ok then
                return
            end
            add(so, x)
        end
    end
    S.update = update

    local function copy(so)         -- set_copy: a new set of so's type
        local r = newlike(so)
        merge(r, so)
        return r
    end

    local function make(other)      -- make_new_set(type, iterable)
        local r = newset()
        update(r, other)
        return r
    end

    -- the (element, hash) pairs of a set's table in slot order
    local function slots(s)
        local i = -1
        local keys, hashes, mask = s.keys, s.hashes, s.mask
        return function()
            while true do
                i = i + 1
                if i > mask then
                    return nil
                end
                local k = keys[i]
                if k ~= nil and k ~= DUMMY then
                    return k, hashes[i]
                end
            end
        end
    end

    -- a set as the key of `in`, discard or remove: CPython retries an
    -- unhashable set as a frozenset of it (set_contains, set_discard, set_remove)
    local function setkey(v)
        if getmetatable(v) == SET then
            return B.frozenset(v)
        end
        return v
    end
    S.setkey = setkey

    local function contains(s, v)
        v = setkey(v)
        return lookup(s, elem(v), pyhash(v)) ~= nil
    end

    local function intersection(so, other)
        if rawequal(so, other) then
            return copy(so)
        end
        local r = newlike(so)
        if isset(other) then
            r.unordered = so.unordered or other.unordered
            if other.used > so.used then
                so, other = other, so
            end
            for k, h in slots(other) do
                if lookup(so, k, h) then
                    add_entry(r, k, h)
                end
            end
            return r
        end
        foreign_set(other)
        r.unordered = so.unordered
        local it = rt.iter(other)
        while true do
            local ok, x = it()
            if not ok then
                return r
            end
            local k, h = elem(x), pyhash(x)
            if lookup(so, k, h) then
                add_entry(r, k, h)
            end
        end
    end

    local function swap_bodies(a, b)
        a.keys, a.hashes, a.mask, a.fill, a.used = b.keys, b.hashes, b.mask, b.fill, b.used
        a.unordered = b.unordered
    end

    local function difference_update(so, other)
        if rawequal(so, other) then
            return clear(so)
        end
        if isset(other) then
            if other.unordered then
                so.unordered = true
            end
            if (other.used >> 3) > so.used then
                other = intersection(so, other)
            end
            for k, h in slots(other) do
                discard_entry(so, k, h)
            end
        else
            foreign_set(other)
            local it = rt.iter(other)
            while true do
                local ok, x = it()
                if not ok then
                    break
                end
                discard_entry(so, elem(x), pyhash(x))
            end
        end
        if so.fill - so.used <= so.mask // 4 then
            return
        end
        resize(so, so.used > 50000 and so.used * 2 or so.used * 4)
    end

    local function difference(so, other)
        local osize
        if isset(other) then
            osize = other.used
        elseif isdict(other) then
            osize = rt.len(other)
        else
            foreign_set(other)
            local r = copy(so)
            difference_update(r, other)
            return r
        end
        if (so.used >> 2) > osize then
            local r = copy(so)
            difference_update(r, other)
            return r
        end
        local r = newlike(so)
        r.unordered = so.unordered or (isset(other) and other.unordered)
        for k, h in slots(so) do
            local found
            if isset(other) then
                found = lookup(other, k, h)
            else
                found = rt.contains(other, unelem(k))
            end
            if not found then
                add_entry(r, k, h)
            end
        end
        return r
    end

    local function symmetric_difference_update(so, other)
        if rawequal(so, other) then
            return clear(so)
        end
        local o = other
        if not isset(other) then
            foreign_set(other)
            if isdict(other) then   -- the dict's keys in order
                local it = rt.iter(other)
                while true do
                    local ok, x = it()
                    if not ok then
                        return
                    end
                    local k, h = elem(x), pyhash(x)
                    if not discard_entry(so, k, h) then
                        add_entry(so, k, h)
                    end
                end
            end
            o = make(other)
        end
        if o.unordered then
            so.unordered = true
        end
        for k, h in slots(o) do
            if not discard_entry(so, k, h) then
                add_entry(so, k, h)
            end
        end
    end

    local function symmetric_difference(so, other)
        local r = newlike(so)
        update(r, other)
        symmetric_difference_update(r, so)
        return r
    end

    local function issubset(so, other)
        if not isset(other) then
            foreign_set(other)
            other = make(other)
        end
        if so.used > other.used then
            return false
        end
        for k, h in slots(so) do
            if not lookup(other, k, h) then
                return false
            end
        end
        return true
    end

    local function issuperset(so, other)
        if isset(other) then
            return issubset(other, so)
        end
        foreign_set(other)
        local it = rt.iter(other)
        while true do
            local ok, x = it()
            if not ok then
                return true
            end
            -- (no retry of a set as a frozenset here: CPython hashes x itself)
            if lookup(so, elem(x), pyhash(x)) == nil then
                return false
            end
        end
    end

    local function ordered(s, what)
        if s.unordered then
            throw("NotImplementedError", what .. " of a set whose CPython order is unknown " ..
                  "(a constant set display loaded from a .pyc) (tandem translation)")
        end
    end

    local function needset(name, op, a, b)
        if not isset(b) then
            if type(b) == "userdata" then
                foreign_set(b)
                return false        -- Python gives its answer (or its TypeError)
            end
            throw("TypeError", sformat("unsupported operand type(s) for %s: '%s' and '%s'",
                                       op, tname(a), tname(b)))
        end
        return true
    end

    local pyops = { ["|"] = "bitor", ["&"] = "bitand", ["-"] = "sub", ["^"] = "bitxor" }

    -- ---- the type's hooks in core.lua ------------------------------------------------------

    EXT[SET] = {
        kind = "set",
        hashable = false,
        len = function(s)
            return s.used
        end,
        contains = contains,
        eq = function(a, b)
            return a.used == b.used and issubset(a, b)
        end,
        le = function(a, b)
            return issubset(a, b)
        end,
        lt = function(a, b)
            return a.used < b.used and issubset(a, b)
        end,
        iter = function(s)
            ordered(s, "iterating")
            local used, i, done = s.used, -1, false
            return function()
                if done then
                    return false
                end
                if used == -1 or s.used ~= used then
                    used = -1
                    throw("RuntimeError", "Set changed size during iteration")
                end
                local keys, mask = s.keys, s.mask
                while true do
                    i = i + 1
                    if i > mask then
                        done = true
                        return false
                    end
                    local k = keys[i]
                    if k ~= nil and k ~= DUMMY then
                        return true, unelem(k)
                    end
                end
            end
        end,
        repr = function(s, seen, repr)
            if s.used == 0 then
                return "set()"
            end
            ordered(s, "repr()")
            local parts = {}
            for k in slots(s) do
                parts[#parts + 1] = repr(unelem(k), seen)
            end
            return "{" .. concat(parts, ", ") .. "}"
        end,
        export = function(s, seen)
            ordered(s, "returning")
            local a, n = {}, 0      -- dummy slots, then slot, element, slot, element ...
            for i = 0, s.mask do
                if s.keys[i] == DUMMY then
                    n = n + 1
                    a[n] = i
                end
            end
            local nd = n
            for i = 0, s.mask do
                local k = s.keys[i]
                if k ~= nil and k ~= DUMMY then
                    a[n + 1], a[n + 2] = i, rt.export(unelem(k), seen)
                    n = n + 2
                end
            end
            return rt.H("set", s.mask, nd, unpack(a, 1, n))
        end,
        binop = function(op, a, b, isym)
            local msg = isym or op      -- "|=" for an augmented assignment
            if type(b) == "userdata" and not needset(op, msg, a, b) then
                return rt.H("op", pyops[op], rt.export(a), b)
            end
            if op == "|" then
                needset("|", msg, a, b)
                local r = copy(a)
                if not rawequal(a, b) then
                    update(r, b)
                end
                return r
            elseif op == "&" then
                needset("&", msg, a, b)
                return intersection(a, b)
            elseif op == "-" then
                needset("-", msg, a, b)
                return difference(a, b)
            elseif op == "^" then
                needset("^", msg, a, b)
                return symmetric_difference(a, b)
            end
            throw("TypeError", sformat("unsupported operand type(s) for %s: '%s' and '%s'", msg,
                                       tname(a), tname(b)))
        end,
    }

    -- frozenset: the same hooks, its own name, repr and hash
    local FH = {}
    for k, v in pairs(EXT[SET]) do
        FH[k] = v
    end
    FH.kind, FH.hashable = "frozenset", true
    FH.repr = function(s, seen, repr)
        if s.used == 0 then
            return "frozenset()"
        end
        return "frozenset(" .. EXT[SET].repr(s, seen, repr) .. ")"
    end
    FH.export = function(s, seen)
        return rt.H("frozenset", EXT[SET].export(s, seen))
    end
    EXT[FROZEN] = FH
    EXT[SET].family, FH.family = SET, SET      -- == and <= between set and frozenset

    -- frozenset_hash: order-independent
    local function shuffle(h)
        return ((h ~ 89869747) ~ (h << 16)) * 3644798167
    end
    function S.frozenhash(s)
        local h = 0
        for _, eh in slots(s) do
            h = h ~ shuffle(eh)
        end
        h = h ~ ((s.used + 1) * 1927868237)
        h = h ~ ((h >> 11) ~ (h >> 25))
        h = h * 69069 + 907133923
        if h == -1 then
            h = 590923713
        end
        return h
    end

    B.frozenset = function(...)
        local n = select("#", ...)
        if n > 1 then
            throw("TypeError", sformat("frozenset expected at most 1 argument, got %d", n))
        end
        if n == 1 and getmetatable((...)) == FROZEN then
            return (...)
        end
        local r = newset(true)
        if n == 1 then
            update(r, (...))
        end
        return r
    end
    typenames[B.frozenset] = "frozenset"

    -- in-place operators (x |= y ...): a set is changed in place, anything else as x = x | y
    local function inplace(name, op, update_fn)
        local plain = rt[name]
        rt["i" .. name] = function(a, b)
            if type(a) == "table" and getmetatable(a) == SET then
                if getmetatable(b) == VIEW then
                    -- CPython: set.__iand__ declines, the view's own & makes a new
                    -- set (its order not reproduced, as for the plain operator)
                    throw("NotImplementedError", sformat("the set operation %s on a dict " ..
                                                         "view (tandem translation)", op))
                end
                if not needset(op, op, a, b) then
                    return rt.H("op", "i" .. pyops[op:sub(1, 1)], rt.export(a), b)
                end
                update_fn(a, b)
                return a
            end
            if name == "bitor" and type(a) == "table" and getmetatable(a) == DICT then
                M.dict.update(a, b)     -- d |= other: dict.update's rules (3.9)
                return a
            end
            if type(a) == "userdata" or type(b) == "userdata" then
                -- a Python object: Python's in-place operator
                return rt.pyop("i" .. pyops[op:sub(1, 1)], a, b)
            end
            return plain(a, b, op)
        end
    end
    inplace("bitor", "|=", update)
    inplace("bitand", "&=", function(a, b)
        swap_bodies(a, intersection(a, b))
    end)
    inplace("sub", "-=", difference_update)
    inplace("bitxor", "^=", symmetric_difference_update)

    -- ---- builtins and methods ---------------------------------------------------------------

    B.set = function(...)
        local n = select("#", ...)
        if n > 1 then
            throw("TypeError", sformat("set expected at most 1 argument, got %d", n))
        end
        local r = newset()
        if n == 1 then
            update(r, (...))
        end
        return r
    end
    typenames[B.set] = "set"

    -- {a, b, c}: BUILD_SET adds the elements in order
    B.tdm_setof = function(...)
        local r = newset()
        for i = 1, select("#", ...) do
            add(r, (select(i, ...)))
        end
        return r
    end
    -- {1, 2, 3} (three or more constants): CPython merges a frozenset constant into a
    -- new set. The compiler builds that constant from the elements in source order,
    -- then rebuilds it from that frozenset's order (merge_consts_recursive); `known`
    -- is false when the function's actual constant has another order (_translate.py)
    B.tdm_setconst = function(known, ...)
        local fs1 = B.tdm_setof(...)
        local fs = newset()
        for k, h in slots(fs1) do
            add_entry(fs, k, h)
        end
        local r = newset()
        merge(r, fs)
        if not known then
            r.unordered = true
        end
        return r
    end

    local SM = {}
    M.set = SM
    function SM.add(s, x)
        add(s, x)
    end
    function SM.discard(s, x)
        x = setkey(x)
        discard_entry(s, elem(x), pyhash(x))
    end
    function SM.remove(s, x)
        local k = setkey(x)
        if not discard_entry(s, elem(k), pyhash(k)) then
            throw("KeyError", x)        -- the key as given (a set stays a set)
        end
    end
    function SM.pop(s)
        if s.used == 0 then
            throw("KeyError", "pop from an empty set")
        end
        ordered(s, "pop()")
        local keys, mask = s.keys, s.mask
        local i = s.finger & mask
        while keys[i] == nil or keys[i] == DUMMY do
            i = i + 1
            if i > mask then
                i = 0
            end
        end
        local k = keys[i]
        keys[i], s.hashes[i] = DUMMY, -1
        s.used = s.used - 1
        s.finger = i + 1
        return unelem(k)
    end
    function SM.clear(s)
        clear(s)
    end
    function SM.copy(s)
        return copy(s)
    end
    function SM.update(s, ...)
        for i = 1, select("#", ...) do
            update(s, (select(i, ...)))
        end
    end
    function SM.union(s, ...)
        local r = copy(s)
        for i = 1, select("#", ...) do
            local o = select(i, ...)
            if not rawequal(o, s) then
                update(r, o)
            end
        end
        return r
    end
    local function intersection_multi(s, ...)
        if select("#", ...) == 0 then
            return copy(s)
        end
        local r = s
        for i = 1, select("#", ...) do
            r = intersection(r, (select(i, ...)))
        end
        return r
    end
    SM.intersection = intersection_multi
    function SM.intersection_update(s, ...)
        swap_bodies(s, intersection_multi(s, ...))
    end
    function SM.difference(s, ...)
        local n = select("#", ...)
        if n == 0 then
            return copy(s)
        end
        local r = difference(s, (...))
        for i = 2, n do
            difference_update(r, (select(i, ...)))
        end
        return r
    end
    function SM.difference_update(s, ...)
        for i = 1, select("#", ...) do
            difference_update(s, (select(i, ...)))
        end
    end
    function SM.symmetric_difference(s, o)
        return symmetric_difference(s, o)
    end
    function SM.symmetric_difference_update(s, o)
        symmetric_difference_update(s, o)
    end
    SM.issubset = issubset
    SM.issuperset = issuperset
    function SM.isdisjoint(s, o)
        if rawequal(s, o) then
            return s.used == 0
        end
        if isset(o) then
            if o.used < s.used then
                s, o = o, s
            end
            for k, h in slots(s) do
                if lookup(o, k, h) then
                    return false
                end
            end
            return true
        end
        foreign_set(o)
        local it = rt.iter(o)
        while true do
            local ok, x = it()
            if not ok then
                return true
            end
            -- (no retry of a set as a frozenset here: CPython hashes x itself)
            if lookup(s, elem(x), pyhash(x)) ~= nil then
                return false
            end
        end
    end
    M.frozenset = {
        copy = function(s)
            return s
        end,
        union = SM.union, intersection = SM.intersection, difference = SM.difference,
        symmetric_difference = SM.symmetric_difference, issubset = SM.issubset,
        issuperset = SM.issuperset, isdisjoint = SM.isdisjoint,
    }
    rt.set_impl = S
end
