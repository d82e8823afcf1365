-- pyrt/expr.lua — range objects, star-unpacking, slice
-- assignment and deletion, `del`, `global` writes, `raise ... from`, map, filter,
-- list.remove, dict.update (docs/translation.md). Sets are in set.lua.
do
    local X = {}                    -- this file's helpers (keeps locals few)

    -- (generator expressions are generator objects: pyrt/gen.lua)

    -- ---- range objects (a `for x in range(...)` loop does not make one) -------------------

    local RANGE = { __name = "range" }

    local int_arg = range_int

    B.range = function(...)
        local n = select("#", ...)
        local a, b, c
        if n == 0 then
            throw("TypeError", "range expected at least 1 argument, got 0")
        elseif n > 3 then
            throw("TypeError", sformat("range expected at most 3 arguments, got %d", n))
        elseif n == 1 then
            a, b, c = 0, int_arg((...)), 1
        else
            local x, y, z = ...
            a, b, c = int_arg(x), int_arg(y), n == 3 and int_arg(z) or 1
        end
        if c == 0 then
            throw("ValueError", "range() arg 3 must not be zero")
        end
        local len = 0
        local lo, hi, st = a, b, c
        if c < 0 then
            lo, hi, st = b, a, -c
        end
        if lo < hi then
            local d = hi - lo
            if d < 0 then           -- wrapped: beyond 64 bits
                throw("NotImplementedError", "a range longer than 2**63 (tandem translation)")
            end
            len = (d - 1) // st + 1
        end
        return setmetatable({ start = a, stop = b, step = c, len = len }, RANGE)
    end
    typenames[B.range] = "range"

    local function range_at(r, i)      -- i in [0, len)
        return r.start + i * r.step
    end

    EXT[RANGE] = {
        kind = "range",
        hashable = true,
        len = function(r)
            return r.len
        end,
        iter = function(r)
            local i = 0
            return function()
                if i < r.len then
                    i = i + 1
                    return true, range_at(r, i - 1)
                end
                return false
            end
        end,
        -- reversed(r): its items from the last, a range_iterator as CPython's
        reversed = function(r)
            local i = r.len
            return lazy("range_iterator", function()
                if i > 0 then
                    i = i - 1
                    return true, range_at(r, i)
                end
                return false
            end)
        end,
        contains = function(r, x)
            local v = num(x)
            if v ~= nil and mtype(v) == "integer" then
                if r.len == 0 then
                    return false
                end
                local d = v - r.start
                if (r.step > 0 and (v < r.start or v >= r.stop)) or
                        (r.step < 0 and (v > r.start or v <= r.stop)) then
                    return false
                end
                return d % r.step == 0
            end
            for i = 0, r.len - 1 do
                if eq(range_at(r, i), x) then
                    return true
                end
            end
            return false
        end,
        eq = function(a, b)
            if a.len ~= b.len then
                return false
            end
            return a.len == 0 or (a.start == b.start and (a.len == 1 or a.step == b.step))
        end,
        repr = function(r)
            if r.step == 1 then
                return sformat("range(%d, %d)", r.start, r.stop)
            end
            return sformat("range(%d, %d, %d)", r.start, r.stop, r.step)
        end,
        getitem = function(r, k)
            local i = index_of(k, "range")
            if i < 0 then
                i = i + r.len
            end
            if i < 0 or i >= r.len then
                throw("IndexError", "range object index out of range")
            end
            return range_at(r, i)
        end,
        slice = function(r, lo, hi, step)
            -- as CPython: the slice's indices (clamped as slice.indices does)
            -- mapped through the range: range(10)[::3] is range(0, 10, 3)
            local start, st, _, stop = slice_indices(r.len, lo, hi, step)
            local a = r.start + start * r.step
            local b = r.start + stop * r.step
            local fa = r.start + start * 1.0 * r.step
            local fb = r.start + stop * 1.0 * r.step
            if math.abs(fa) >= 2.0 ^ 62 or math.abs(fb) >= 2.0 ^ 62
                    or math.abs(st * 1.0 * r.step) >= 2.0 ^ 62 then
                throw("NotImplementedError", "slicing a range near 2**63 (tandem translation)")
            end
            return B.range(a, b, st * r.step)
        end,
        export = function(r)
            return rt.H("range", r.start, r.stop, r.step)
        end,
    }

    -- ---- map, filter -------------------------------------------------------------------

    B.map = function(f, ...)
        local n = select("#", ...)
        if n == 0 then
            throw("TypeError", "map() must have at least two arguments.")
        end
        local its = {}
        for k = 1, n do
            its[k] = rt.iter((select(k, ...)))
        end
        return lazy("map", function()
            local vals = {}
            for k = 1, n do
                local ok, x = its[k]()
                if not ok then
                    return false
                end
                vals[k] = x
            end
            return true, rt.call(f, unpack(vals, 1, n))
        end)
    end

    B.filter = function(f, v)
        local it = rt.iter(v)
        return lazy("filter", function()
            while true do
                local ok, x = it()
                if not ok then
                    return false
                end
                local keep
                if f == nil then
                    keep = truth(x)
                else
                    keep = truth(rt.call(f, x))
                end
                if keep then
                    return true, x
                end
            end
        end)
    end

    -- ---- displays with *: [*a, b], (*a,), {*a, b} -------------------------------------------

    local function iterable(v)
        local t = type(v)
        if t == "string" or t == "userdata" then
            return true
        end
        if t == "table" then
            local mt = getmetatable(v)
            return mt == LIST or mt == TUPLE or mt == DICT or mt == ITER or mt == VIEW
                or EXT[mt] ~= nil
        end
        return false
    end
    X.iterable = iterable

    -- CPython's PySequence_Fast(v, msg): v's items, or TypeError(msg) when v
    -- is not iterable -- for a Python object (a proxy: an int past 64 bits,
    -- bytes, an instance) any TypeError its iteration raises becomes msg, as
    -- in CPython (before, every proxy counted as iterable and the message
    -- was iter()'s "'int' object is not iterable")
    local function seqfast(v, msg)
        if type(v) ~= "userdata" then
            if not iterable(v) then
                throw("TypeError", msg)
            end
            return collect(v)
        end
        local ok, r = pcall(collect, v)
        if ok then
            return r
        end
        r = rt.errvalue(r)
        if rt.match(r, classes.TypeError) then
            throw("TypeError", msg)
        end
        error(r, 0)
    end

    B.tdm_append = function(acc, x)
        if getmetatable(acc) == LIST then
            local n = acc.n + 1
            acc[n] = x
            acc.n = n
        else
            rt.set_impl.add(acc, x)
        end
        return acc
    end

    B.tdm_extend = function(acc, v)
        if getmetatable(acc) ~= LIST then
            -- {*v}: CPython's set update says "'float' object is not iterable"
            rt.set_impl.update(acc, v)
            return acc
        end
        local it = rt.iter(v, "star")
        local n = acc.n
        while true do
            local ok, x = it()
            if not ok then
                break
            end
            n = n + 1
            acc[n] = x
        end
        acc.n = n
        return acc
    end

    B.tdm_totuple = function(l)
        return setmetatable(l, TUPLE)
    end

    -- a, *b, c = v: `before` values, a list of the rest, `after` values
    function rt.unpackex(v, before, after)
        if not iterable(v) then
            throw("TypeError", sformat("cannot unpack non-iterable %s object", tname(v)))
        end
        local items = collect(v, true)
        local n = items.n
        if n < before + after then
            throw("ValueError", sformat("not enough values to unpack (expected at least %d, " ..
                                        "got %d)", before + after, n))
        end
        local r = {}
        for i = 1, before do
            r[i] = items[i]
        end
        local mid = newlist()
        local m = n - before - after
        for i = 1, m do
            mid[i] = items[before + i]
        end
        mid.n = m
        r[before + 1] = mid
        for i = 1, after do
            r[before + 1 + i] = items[before + m + i]
        end
        return unpack(r, 1, before + after + 1)
    end

    -- ---- slice assignment, del -------------------------------------------------------------

    local function noitem(o, what)
        throw("TypeError", sformat("'%s' object %s", tname(o), what))
    end

    -- a[lo:hi:step] = v (list_ass_subscript)
    function rt.setslice(o, lo, hi, step, v)
        if type(o) == "userdata" then
            -- checked (pyrt/hostcall.lua): the Python object keeps v's
            -- elements, so one translated code may still change is refused
            rt.hostcall("setslice", 1, 0, o, lo, hi, step, v)
            return
        end
        if getmetatable(o) ~= LIST then
            noitem(o, "does not support item assignment")
        end
        local n = o.n
        local start, st, len = slice_indices(n, lo, hi, step)
        if st == 1 then
            local items = seqfast(v, "can only assign an iterable")  -- a copy, also of o
            local k = items.n
            local tail = {}
            for i = start + len + 1, n do
                tail[#tail + 1] = o[i]
            end
            local ntail = n - start - len
            for i = 1, k do
                o[start + i] = items[i]
            end
            for i = 1, ntail do
                o[start + k + i] = tail[i]
            end
            for i = start + k + ntail + 1, n do
                o[i] = nil
            end
            o.n = start + k + ntail
            return
        end
        local items = seqfast(v, "must assign iterable to extended slice")
        if items.n ~= len then
            throw("ValueError", sformat("attempt to assign sequence of size %d to extended " ..
                                        "slice of size %d", items.n, len))
        end
        for i = 0, len - 1 do
            o[start + i * st + 1] = items[i + 1]
        end
    end

    function rt.delslice(o, lo, hi, step)
        if type(o) == "userdata" then
            rt.H("delslice", o, rt.export(lo), rt.export(hi), rt.export(step))
            return
        end
        if getmetatable(o) ~= LIST then
            noitem(o, "doesn't support item deletion")
        end
        local n = o.n
        local start, st, len = slice_indices(n, lo, hi, step)
        local gone = {}
        for i = 0, len - 1 do
            gone[start + i * st + 1] = true
        end
        local j = 0
        for i = 1, n do
            if not gone[i] then
                j = j + 1
                o[j] = o[i]
            end
        end
        for i = j + 1, n do
            o[i] = nil
        end
        o.n = j
    end

    function rt.delitem(o, k)
        local t = type(o)
        local sl = type(k) == "userdata" and rt.sliceof(o, k)
        if sl then
            return rt.delslice(o, sl[1], sl[2], sl[3])
        end
        if t == "userdata" then
            rt.H("delitem", o, rt.export(k))
            return
        end
        local mt = getmetatable(o)
        if t == "table" and mt == LIST then
            local i = index_of(k, "list")
            local n = o.n
            if i < 0 then
                i = i + n
            end
            if i < 0 or i >= n then
                throw("IndexError", "list assignment index out of range")
            end
            for j = i + 1, n - 1 do
                o[j] = o[j + 1]
            end
            o[n] = nil
            o.n = n - 1
            return
        elseif t == "table" and mt == DICT then
            if not dict_del(o, k) then
                throw("KeyError", k)
            end
            return
        end
        if t == "table" and (mt == TUPLE or EXT[mt]) or t == "string" then
            noitem(o, "doesn't support item deletion")
        end
        throw("TypeError", sformat("'%s' object does not support item deletion", tname(o)))
    end

    -- ---- global writes ----------------------------------------------------------------------
    -- A value written to a module global leaves translated code (containers are
    -- copied into Python objects): a list, dict or set that translated code could
    -- still change through another reference would then differ from the global,
    -- so only values without such aliases are written (refused otherwise).

    local function shareable(v, fresh)
        local t = type(v)
        if t ~= "table" then
            return true
        end
        local mt = getmetatable(v)
        if mt == TUPLE or (fresh and (mt == LIST or EXT[mt])) then
            for i = 1, v.n or 0 do
                if not shareable(v[i], false) then
                    return false
                end
            end
            if EXT[mt] then
                local it = rt.iter(v)
                while true do
                    local ok, x = it()
                    if not ok then
                        break
                    end
                    if not shareable(x, false) then
                        return false
                    end
                end
            end
            return true
        elseif fresh and mt == DICT then
            for k, x in dict_items(v) do
                if not shareable(x, false) then
                    return false
                end
                local _ = k
            end
            return true
        end
        return mt == CLASS
    end

    rt.shareable = shareable                -- (types.lua adds its kinds)

    local FRESH = { __name = "fresh" }
    rt.FRESH = FRESH
    -- g = [..] / {..} / a comprehension: a new container nothing else refers to
    B.tdm_fresh = function(v)
        return setmetatable({ v = v }, FRESH)
    end

    -- h: the hook of the translation unit whose function index is k
    function rt.setglobal(h, k, name, v)
        local fresh = false
        if getmetatable(v) == FRESH then
            v, fresh = v.v, true
        end
        if rt.H == nil then     -- standalone: the module's globals are a Lua table
            h("setglobal", k, name, v)
            return
        end
        if not rt.shareable(v, fresh) then
            throw("NotImplementedError", sformat("assigning a %s that translated code may " ..
                  "still change to the global '%s' (tandem translation)", tname(v), name))
        end
        h("setglobal", k, name, rt.export(v))
    end

    function rt.delglobal(h, k, name)
        h("delglobal", k, name)
    end

    -- ---- raise X from Y ---------------------------------------------------------------------

    -- (a Python exception object or class, x or y, is the host's: excnorm
    -- instantiates a class and refuses what is not an exception)
    B.tdm_cause = function(x, y)
        if getmetatable(x) == CLASS then
            x = newexc(x)
        end
        local pyx = type(x) == "userdata" and rt.H ~= nil
        if pyx then
            x = rt.H("excnorm", x)
        elseif getmetatable(x) ~= EXC then
            throw("TypeError", "exceptions must derive from BaseException")
        end
        if getmetatable(y) == CLASS then
            y = newexc(y)
        end
        if type(y) == "userdata" and rt.H ~= nil then
            y = rt.H("excnorm", y, true)
        elseif y ~= nil and getmetatable(y) ~= EXC then
            throw("TypeError", "exception causes must derive from BaseException")
        end
        if pyx then
            rt.H("setctx", x, true, rt.pyexc(y), nil)
        else
            x.hascause, x.cause = true, y
        end
        return x
    end

    -- ---- list.remove, dict.update -------------------------------------------------------------

    function M.list.remove(l, x)
        for i = 1, l.n do
            local y = l[i]
            if x ~= x and y ~= y then
                rt.nanpair()
            end
            if rawequal(x, y) or eq(y, x) then
                for j = i, l.n - 1 do
                    l[j] = l[j + 1]
                end
                l[l.n] = nil
                l.n = l.n - 1
                return
            end
        end
        throw("ValueError", "list.remove(x): x not in list")
    end

    function M.dict.update(d, ...)
        local n = select("#", ...)
        if n > 1 then
            throw("TypeError", sformat("update expected at most 1 argument, got %d", n))
        end
        if n == 0 then
            return
        end
        local v = ...
        if getmetatable(v) == DICT then
            local pairs_ = {}
            for k, x in dict_items(v) do
                pairs_[#pairs_ + 1] = { realkey(k), x }
            end
            for i = 1, #pairs_ do
                dict_set(d, pairs_[i][1], pairs_[i][2])
            end
            return
        end
        if type(v) == "userdata" and rt.H("hasattr", v, "keys") then
            -- a mapping (a Python dict ...): its keys(), then v[k] for each
            local ks = collect(rt.H("method", v, "keys"))
            for j = 1, ks.n do
                dict_set(d, ks[j], rt.getitem(v, ks[j]))
            end
            return
        end
        if rawequal(v, B.dict) then
            -- the type dict has a keys attribute: CPython calls it unbound
            throw("TypeError", "unbound method dict.keys() needs an argument")
        end
        if not iterable(v) then
            throw("TypeError", sformat("'%s' object is not iterable", tname(v)))
        end
        local it = rt.iter(v)
        local i = 0
        while true do
            local ok, x = it()
            if not ok then
                return
            end
            local kv = seqfast(x, sformat("cannot convert dictionary update sequence " ..
                                          "element #%d to a sequence", i))
            if kv.n ~= 2 then
                throw("ValueError", sformat("dictionary update sequence element #%d has " ..
                                            "length %d; 2 is required", i, kv.n))
            end
            dict_set(d, kv[1], kv[2])
            i = i + 1
        end
    end

    -- {**m} in a display (the front end: tdm_dictupdate(d, m) for each `**`
    -- and each run of pairs after one), CPython's DICT_UPDATE: a dict's
    -- items; a Python object as CPython reads it (the host runs `{**m}`:
    -- its keys() and m[k], its errors); anything else is not a mapping
    B.tdm_dictupdate = function(d, m)
        if getmetatable(m) == DICT then
            for k, x in dict_items(m) do
                dict_set(d, realkey(k), x)
            end
        elseif type(m) == "userdata" and rt.H ~= nil then
            M.dict.update(d, rt.H("displaymap", m))
        else
            throw("TypeError", sformat("'%s' object is not a mapping", tname(m)))
        end
        return d
    end

    -- dict.popitem(): the last inserted pair; dict.fromkeys(iterable, value=None)
    function M.dict.popitem(d)
        if d.count == 0 then
            throw("KeyError", "popitem(): dictionary is empty")
        end
        local i = d.used
        while d.keys[i] == DELETED do
            i = i - 1
        end
        local k, v = realkey(d.keys[i]), d.vals[i]
        dict_del(d, k)
        return mktuple(k, v)
    end
    M.classes.dict = {
        fromkeys = function(_, ...)
            local n = select("#", ...)
            if n == 0 or n > 2 then
                throw("TypeError", sformat("fromkeys expected at %s, got %d", n == 0 and
                                           "least 1 argument" or "most 2 arguments", n))
            end
            local keys, v = ...
            local d, it = newdict(), rt.iter(keys)
            while true do
                local ok, k = it()
                if not ok then
                    return d
                end
                dict_set(d, k, v)
            end
        end,
    }

    -- range.count(x), range.index(x): arithmetic for an int (bool included),
    -- else a search by == as CPython's sequence protocol does
    local function range_find(r, x)
        local v = num(x)
        if v ~= nil and mtype(v) == "integer" then
            if EXT[RANGE].contains(r, x) then
                return (v - r.start) // r.step
            end
            return nil, true
        elseif pyint(x) then            -- past 64 bits: in no range of ours
            return nil, true
        end
        for i = 0, r.len - 1 do
            if eq(range_at(r, i), x) then
                return i
            end
        end
        return nil, false
    end
    M.range = {
        count = function(r, x)
            return range_find(r, x) and 1 or 0
        end,
        index = function(r, x)
            local i, int = range_find(r, x)
            if i == nil then
                throw("ValueError", int and rt.repr(x) .. " is not in range"
                                        or "sequence.index(x): x not in sequence")
            end
            return i
        end,
    }

    rt.expr_impl = X
end
