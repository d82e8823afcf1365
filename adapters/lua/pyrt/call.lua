-- pyrt/call.lua — the function-call protocol of translated code
-- (docs/translation.md, "Calls"): keyword arguments, keyword-only and
-- positional-only parameters, defaults, *args/**kwargs in definitions and
-- f(*xs)/f(**d) in calls, with CPython 3.11's binding order and messages.
--
-- Every translated function value has a signature in `sigs` (weak keys),
-- made by the back end: rt.mksig at chunk load (static part, and the
-- defaults of module-level functions), rt.defsig/rt.mkfunc when a `def` or
-- `lambda` runs (defaults evaluated then, once). A positional call is a plain
-- Lua call: a "simple" function (no *args, **kwargs or keyword-only
-- parameters) checks its argument count itself; a "complex" one is a wrapper
-- binding the positional arguments onto its body, which takes the canonical
-- arguments (params..., args tuple, keyword-only..., kwargs dict). A call
-- site with keywords, `*` or `**` calls rt.callkw(f, ...) with marker
-- arguments (rt.kwarg, rt.star, rt.dstar), which binds by the signature.
do
    local sigs = setmetatable({}, { __mode = "k" })    -- function -> signature
    local bodies = setmetatable({}, { __mode = "k" })  -- complex function -> body
    local entryof = setmetatable({}, { __mode = "k" }) -- entry wrapper -> function
    -- the adapter (lconvert.c, tdmL_is_xentry) marks these crossing to Python,
    -- whose proxy then passes bytes and big ints in as objects (pxlate.c)
    rt.xentries = entryof
    local closure_entries = setmetatable({}, { __mode = "k" })
    rt.sigs = sigs
    local STAR = { __name = "star" }     -- {n =, [1..n]}: f(*xs), already iterated
    local DSTAR = { __name = "dstar" }   -- {n =, names =, vals =}: f(**d), merged

    -- A signature: name (qualname), mod (module), params (positional names),
    -- np, posonly, defaults ({n =, ...} of the last defaults.n params), kwonly
    -- (names), kwdhas/kwd (which keyword-only ones have a default, values),
    -- vararg, kwarg, index (keyword name -> canonical slot), top (module-level).
    function rt.mksig(name, mod, params, posonly, nd, kwonly, kwdhas, vararg, kwarg, top, ...)
        local s = { name = name, mod = mod ~= "" and mod or nil, params = params, np = #params,
                    posonly = posonly, kwonly = kwonly, nko = #kwonly, kwdhas = kwdhas,
                    vararg = vararg, kwarg = kwarg, top = top, index = {} }
        for i = posonly + 1, s.np do
            s.index[params[i]] = i
        end
        for i = 1, s.nko do
            s.index[kwonly[i]] = s.np + i
        end
        s.nd = nd
        rt.setdefaults(s, ...)
        s.meta = { __index = s }
        return s
    end

    -- defaults values..., then the keyword-only defaults in order
    function rt.setdefaults(s, ...)
        local nd = s.nd
        local d = { n = nd }
        for i = 1, nd do
            d[i] = (select(i, ...))
        end
        local kwd, j = {}, nd
        for i = 1, s.nko do
            if s.kwdhas[i] then
                j = j + 1
                kwd[i] = (select(j, ...))
            end
        end
        s.defaults, s.kwd = d, kwd
    end

    local function withdefaults(S, ...)
        if select("#", ...) == 0 then
            return S
        end
        local s = setmetatable({}, S.meta)
        rt.setdefaults(s, ...)
        return s
    end

    -- A simple function f made by def/lambda (or at load): register its signature.
    function rt.defsig(f, S, ...)
        sigs[f] = withdefaults(S, ...)
        return f
    end

    local bind

    -- A complex function: the wrapper called positionally, binding onto body.
    function rt.mkfunc(body, S, ...)
        local s = withdefaults(S, ...)
        local f = function(...)
            local a = bind(s, pack(...), nil, nil, 0)
            return body(unpack(a, 1, a.n))
        end
        sigs[f] = s
        bodies[f] = body
        return f
    end

    -- "mod.qualname()" as CPython's _PyObject_FunctionStr writes it
    local function funcstr(f)
        local s = sigs[f]
        if s then
            if s.mod and s.mod ~= "builtins" then
                return s.mod .. "." .. s.name .. "()"
            end
            return s.name .. "()"
        end
        if type(f) == "function" then
            for name, v in pairs(rt.builtins) do
                if v == f then
                    return name .. "()"
                end
            end
        elseif getmetatable(f) == CLASS then
            return f.name .. "()"
        elseif type(f) == "userdata" then
            return rt.H("funcstr", f)
        elseif type(f) == "table" and EXT[getmetatable(f)] and EXT[getmetatable(f)].funcstr then
            return EXT[getmetatable(f)].funcstr(f)      -- a bound method ... (types.lua)
        end
        return "function()"
    end

    local function quoted_list(names)
        local q = {}
        for i = 1, #names do
            q[i] = "'" .. names[i] .. "'"
        end
        if #q == 1 then
            return q[1]
        elseif #q == 2 then
            return q[1] .. " and " .. q[2]
        end
        return concat(q, ", ", 1, #q - 1) .. ", and " .. q[#q]
    end

    local function missing(s, filled, positional)
        local names = {}
        if positional then
            for i = 1, s.np - s.defaults.n do
                if not filled[i] then
                    names[#names + 1] = s.params[i]
                end
            end
        else
            for i = 1, s.nko do
                if not filled[s.np + i] then
                    names[#names + 1] = s.kwonly[i]
                end
            end
        end
        throw("TypeError", sformat("%s() missing %d required %s argument%s: %s", s.name,
                                   #names, positional and "positional" or "keyword-only",
                                   #names == 1 and "" or "s", quoted_list(names)))
    end

    local function too_many(s, given, filled)
        local kwgiven = 0
        for i = 1, s.nko do
            if filled[s.np + i] then
                kwgiven = kwgiven + 1
            end
        end
        local sig, plural
        local nd = s.defaults.n
        if nd > 0 then
            sig, plural = sformat("from %d to %d", s.np - nd, s.np), true
        else
            sig, plural = tostring(s.np), s.np ~= 1
        end
        local kws = ""
        if kwgiven > 0 then
            kws = sformat(" positional argument%s (and %d keyword-only argument%s)",
                          given ~= 1 and "s" or "", kwgiven, kwgiven ~= 1 and "s" or "")
        end
        throw("TypeError", sformat("%s() takes %s positional argument%s but %d%s %s given",
                                   s.name, sig, plural and "s" or "", given, kws,
                                   (given == 1 and kwgiven == 0) and "was" or "were"))
    end

    -- Bind positional arguments pos ({n =}) and keywords kn/kv (nk of them)
    -- by signature s, as CPython 3.11's initialize_locals: the canonical
    -- arguments {n =, params..., [args tuple], kwonly..., [kwargs dict]}.
    bind = function(s, pos, kn, kv, nk)
        local np, nko = s.np, s.nko
        local npos = pos.n
        local slots, filled = {}, {}
        local m = npos < np and npos or np
        for i = 1, m do
            slots[i] = pos[i]
            filled[i] = true
        end
        local kwd
        if s.kwarg then
            kwd = newdict()
        end
        for j = 1, nk do
            local name = kn[j]
            local i = s.index[name]
            if i then
                if filled[i] then
                    throw("TypeError", sformat("%s() got multiple values for argument '%s'",
                                               s.name, name))
                end
                slots[i] = kv[j]
                filled[i] = true
            elseif kwd then
                rt.setitem(kwd, name, kv[j])
            else
                if s.posonly > 0 then
                    local bad = {}
                    for p = 1, s.posonly do
                        for q = 1, nk do
                            if kn[q] == s.params[p] then
                                bad[#bad + 1] = s.params[p]
                                break
                            end
                        end
                    end
                    if #bad > 0 then
                        throw("TypeError", sformat("%s() got some positional-only arguments "
                                                   .. "passed as keyword arguments: '%s'",
                                                   s.name, concat(bad, ", ")))
                    end
                end
                throw("TypeError", sformat("%s() got an unexpected keyword argument '%s'",
                                           s.name, name))
            end
        end
        if npos > np and not s.vararg then
            too_many(s, npos, filled)
        end
        if npos < np then
            local d = s.defaults
            local base = np - d.n
            for i = npos + 1, base do
                if not filled[i] then
                    missing(s, filled, true)
                end
            end
            for i = (npos > base and npos or base) + 1, np do
                if not filled[i] then
                    slots[i] = d[i - base]
                    filled[i] = true
                end
            end
        end
        if nko > 0 then
            local miss = false
            for i = 1, nko do
                if not filled[np + i] then
                    if s.kwdhas[i] then
                        slots[np + i] = s.kwd[i]
                        filled[np + i] = true
                    else
                        miss = true
                    end
                end
            end
            if miss then
                missing(s, filled, false)
            end
        end
        if not (s.vararg or s.kwarg or nko > 0) then
            slots.n = np
            return slots
        end
        local out = { n = 0 }
        for i = 1, np do
            out[i] = slots[i]
        end
        local n = np
        if s.vararg then
            local t = setmetatable({ n = 0 }, TUPLE)
            for i = np + 1, npos do
                t.n = t.n + 1
                t[t.n] = pos[i]
            end
            n = n + 1
            out[n] = t
        end
        for i = 1, nko do
            out[n + i] = slots[np + i]
        end
        n = n + nko
        if kwd then
            n = n + 1
            out[n] = kwd
        end
        out.n = n
        return out
    end

    -- f(*v): the iterable's items, taken now (CPython iterates it in order
    -- with the other arguments). listed: v is not the call's only positional
    -- argument (CPython 3.11 builds a list: LIST_EXTEND's message).
    -- lazy: the call's only positional argument, iterated when the call
    -- gathers its arguments (gather), after the keyword arguments ran:
    -- CPython's CALL_FUNCTION_EX makes the tuple of that iterable then (a
    -- generator starting after h() in k(*gen(), z=h()), a list seeing what
    -- the keyword arguments appended)
    function rt.star(f, v, listed, lazy)
        if lazy then
            return setmetatable({ n = 0, lazy = true, f = f, v = v }, STAR)
        end
        local t = type(v)
        local ok = t == "string"
        if t == "table" then
            local mt = getmetatable(v)
            ok = mt == LIST or mt == TUPLE or mt == DICT or mt == ITER or mt == VIEW
                 or (EXT[mt] ~= nil and EXT[mt].iter ~= nil)     -- a set, a range ...
        elseif t == "userdata" then
            -- a Python object: CPython's test (_translate.py, _stariter)
            if listed then
                v = rt.H("unpackiter", v, true)
            else
                local it = rt.H("stariter", v)
                if it == false then
                    throw("TypeError", sformat("%s argument after * must be an iterable, " ..
                                               "not %s", funcstr(f), rt.H("typename", v)))
                end
                v = it
            end
            ok = true
        end
        if not ok then
            if listed then
                throw("TypeError", sformat("Value after * must be an iterable, not %s",
                                           tname(v)))
            end
            throw("TypeError", sformat("%s argument after * must be an iterable, not %s",
                                       funcstr(f), tname(v)))
        end
        local r = { n = 0 }
        local nxt = rt.iter(v)
        while true do
            local more, x = nxt()
            if not more then
                break
            end
            r.n = r.n + 1
            r[r.n] = x
        end
        return setmetatable(r, STAR)
    end

    -- f(**d): the mapping's items, taken now.
    function rt.dstar(f, d)
        local r = { n = 0, names = {}, vals = {} }
        if type(d) == "table" and getmetatable(d) == DICT then
            for k, v in dict_items(d) do
                r.n = r.n + 1
                r.names[r.n], r.vals[r.n] = realkey(k), v
            end
        elseif type(d) == "userdata" then
            local items = rt.H("kwitems", d)
            if items == false then
                throw("TypeError", sformat("%s argument after ** must be a mapping, not %s",
                                           funcstr(f), rt.H("typename", d)))
            end
            local nxt = rt.iter(items)
            while true do
                local more, k = nxt()
                if not more then
                    break
                end
                local _, v = nxt()
                r.n = r.n + 1
                r.names[r.n], r.vals[r.n] = k, v
            end
        else
            throw("TypeError", sformat("%s argument after ** must be a mapping, not %s",
                                       funcstr(f), tname(d)))
        end
        return setmetatable(r, DSTAR)
    end

    -- Gather positional arguments and keywords from a call's marker arguments.
    local function gather(f, ...)
        local args = pack(...)
        local pos, kn, kv, nk = { n = 0 }, {}, {}, 0
        local fromdstar, seen, lazy = false, nil, nil
        kv.display = 0          -- bit j - 1: keyword j's value is a display
        for i = 1, args.n do
            local a = args[i]
            local mt = getmetatable(a)
            if mt == KW then
                nk = nk + 1
                kn[nk], kv[nk] = a.name, a.v
                if a.display and nk < 30 then
                    kv.display = kv.display | (1 << (nk - 1))
                end
            elseif mt == STAR and a.lazy then
                lazy = a        -- the only positional argument: iterated last
            elseif mt == STAR then
                for j = 1, a.n do
                    pos.n = pos.n + 1
                    pos[pos.n] = a[j]
                end
            elseif mt == DSTAR then
                fromdstar = true
                for j = 1, a.n do
                    nk = nk + 1
                    kn[nk], kv[nk] = a.names[j], a.vals[j]
                end
            else
                pos.n = pos.n + 1
                pos[pos.n] = a
            end
        end
        if fromdstar then
            seen = {}
            for j = 1, nk do
                local k = kn[j]
                if type(k) ~= "string" then
                    throw("TypeError", "keywords must be strings")
                end
                if seen[k] then
                    throw("TypeError", sformat("%s got multiple values for keyword argument "
                                               .. "'%s'", funcstr(f), k))
                end
                seen[k] = true
            end
        end
        if lazy then
            -- (after the keywords' checks: CPython merges them first,
            -- "got multiple values for keyword argument" before the iterable runs)
            local a = rt.star(lazy.f, lazy.v)
            for j = 1, a.n do
                pos.n = pos.n + 1
                pos[pos.n] = a[j]
            end
        end
        return pos, kn, kv, nk
    end

    -- A call with keyword, * or ** arguments (markers among the arguments).
    function rt.callkw(f, ...)
        local pos, kn, kv, nk = gather(f, ...)
        f = entryof[f] or f         -- a translated function that went out and came back
        local s = sigs[f]
        if s then
            local a = bind(s, pos, kn, kv, nk)
            local body = bodies[f]
            if body then
                return (body(unpack(a, 1, a.n)))
            end
            return (f(unpack(a, 1, a.n)))
        end
        local t = type(f)
        if t == "function" then
            -- a builtin of the runtime: positional values, then keyword markers
            local known = false
            for _, v in pairs(rt.builtins) do
                known = known or v == f
            end
            if not known then
                throw("NotImplementedError", "keyword or * arguments to a Lua function " ..
                      "without a Python signature (tandem translation)")
            end
            local n = pos.n
            if nk > 0 then
                rt.bkwcheck(f, n, kn, nk)   -- g(x, k=1) of g = len ...: CPython's TypeError
            else
                rt.bargcheck(f, n)      -- g(*xs) of g = len ...: CPython's count check
            end
            for j = 1, nk do
                pos[n + j] = rt.kwarg(kn[j], kv[j])
            end
            return (f(unpack(pos, 1, n + nk)))
        elseif t == "userdata" then
            local a = {}
            for i = 1, pos.n do
                a[i] = pos[i]
            end
            local n = pos.n
            local mask = 0          -- displays among the keywords' values (hostcall.lua)
            for j = 1, nk do
                a[n + 2 * j - 1] = kn[j]
                a[n + 2 * j] = kv[j]
                if (kv.display >> (j - 1)) & 1 == 1 and n + 2 * j < 62 then
                    mask = mask | (1 << (n + 2 * j - 1))
                end
            end
            return rt.hostcall("callkw", 3, mask, f, n, unpack(a, 1, n + 2 * nk))
        elseif t == "table" and EXT[getmetatable(f)] and EXT[getmetatable(f)].callkw then
            -- types.lua: a bound method or method descriptor takes the keywords
            -- of its method
            local n = pos.n
            for j = 1, nk do
                pos[n + j] = rt.kwarg(kn[j], kv[j])
            end
            return EXT[getmetatable(f)].callkw(f, unpack(pos, 1, n + nk))
        elseif t == "table" and getmetatable(f) == CLASS then
            if nk > 0 then
                throw("TypeError", sformat("%s() takes no keyword arguments", f.name))
            end
            return rt.call(f, unpack(pos, 1, pos.n))
        end
        throw("TypeError", sformat("'%s' object is not callable", tname(f)))
    end

    -- Entries: the function handed to callers outside translated code. The
    -- wrapper is remembered so rt.kwcall can call it with keywords.
    local entry0 = rt.entry
    function rt.entry(f)
        local w = entry0(f)
        entryof[w] = f
        return w
    end

    -- kwcall(w, npos, pos..., name1, value1, ...): Python calling the entry w
    -- with keyword arguments. Returns false when w is not a translated entry,
    -- else true and the result.
    function rt.kwcall(w, npos, ...)
        local f = entryof[w]
        if f == nil then
            return false
        end
        local args = pack(...)
        for i = npos + 1, args.n, 2 do
            args[npos + (i - npos + 1) // 2] = rt.kwarg(args[i], args[i + 1])
        end
        local n = npos + (args.n - npos) // 2
        local saved = DEPTH
        local r = pack(xpcall(rt.callkw, rt.handler, f, unpack(args, 1, n)))
        DEPTH = saved
        if not r[1] then
            rt.reraise(r[2])
        end
        return true, rt.export(r[2])
    end

    -- `nonlocal x; x = v` where x is a cell of the translated Python closure.
    -- A list or dict made by translated code would cross as a copy (and the
    -- cell would no longer be the object translated code holds): refused.
    function rt.setcell(k, name, v)
        local mt = type(v) == "table" and getmetatable(v)
        if mt == LIST or mt == DICT then
            throw("NotImplementedError", sformat("storing a %s made by translated code in " ..
                                                 "the Python cell '%s' (tandem translation)",
                                                 tname(v), name))
        end
        rt.H("setcell", k, name, rt.export(v))
    end

    -- A nested translated function leaving translated code: its entry (a Lua
    -- function Python can call; the same one each time).
    local export0 = rt.export
    function rt.export(v, seen)
        if type(v) == "function" then
            local s = sigs[v]
            if s and not s.top then
                local w = closure_entries[v]
                if w == nil then
                    w = rt.entry(v)
                    closure_entries[v] = w
                end
                return w
            end
        end
        return export0(v, seen)
    end
end

-- ---- keyword arguments of builtins and methods (CPython 3.11's names) ----------
do
    -- positional values and keywords of a builtin taking at most `max`
    -- arguments, keywords among `names` (name -> position)
    local function args_of(fname, max, names, ...)
        local pos, kw = split_kw(fname, names, ...)
        local nkw = 0
        for k in pairs(names) do
            if kw[k .. "?"] then
                nkw = nkw + 1
            end
        end
        if pos.n + nkw > max then
            throw("TypeError", sformat("%s() takes at most %d argument%s (%d given)", fname,
                                       max, max == 1 and "" or "s", pos.n + nkw))
        end
        local npos = pos.n
        for k, i in pairs(names) do
            if kw[k .. "?"] then
                if i <= npos then
                    throw("TypeError", sformat("argument for %s() given by name ('%s') and "
                                               .. "position (%d)", fname, k, i))
                end
                pos[i] = kw[k]
                if i > pos.n then
                    pos.n = i
                end
            end
        end
        return pos
    end

    local function need_index(v)
        v = rt.asindex(v)
        if pyint(v) then
            throw("OverflowError", "Python int too large to convert to C ssize_t")
        end
        local x = num(v)
        if mtype(x) ~= "integer" then
            throw("TypeError", sformat("'%s' object cannot be interpreted as an integer",
                                       tname(v)))
        end
        return x
    end
    rt.args_of, rt.need_index = args_of, need_index

    -- enumerate(iterable, start=0)
    local enumerate0 = B.enumerate
    B.enumerate = function(...)
        local a, b = ...
        local n = select("#", ...)
        if getmetatable(b) ~= KW and getmetatable(a) ~= KW and n <= 2 then
            return enumerate0(...)      -- (an explicit None start is an error)
        end
        local p = args_of("enumerate", 2, { iterable = 1, start = 2 }, ...)
        return enumerate0(unpack(p, 1, p.n))
    end

    -- sum(iterable, /, start=0)
    local sum0 = B.sum
    B.sum = function(...)
        local a, b = ...
        if getmetatable(b) ~= KW and getmetatable(a) ~= KW and select("#", ...) <= 2 then
            return sum0(a, b)
        end
        local a = args_of("sum", 2, { start = 2 }, ...)
        return sum0(a[1], a[2])
    end

    -- dict(mapping_or_iterable, **kwargs)
    local dict0 = B.dict
    B.dict = function(...)
        local n = select("#", ...)
        if n == 0 or (n == 1 and getmetatable((...)) ~= KW) then
            return dict0(...)
        end
        local args = pack(...)
        local pos = { n = 0 }
        local kws = {}
        for i = 1, args.n do
            local a = args[i]
            if getmetatable(a) == KW then
                kws[#kws + 1] = a
            else
                pos.n = pos.n + 1
                pos[pos.n] = a
            end
        end
        if pos.n > 1 then
            throw("TypeError", sformat("dict expected at most 1 argument, got %d", pos.n))
        end
        local d = dict0(unpack(pos, 1, pos.n))
        for i = 1, #kws do
            dict_set(d, kws[i].name, kws[i].v)
        end
        return d
    end

    -- a valid literal past 64 bits: Python's int (a Python int object), as
    -- every int result past 64 bits (without a host: OverflowError)
    local function bigint_base(v, base)
        if rt.H == nil then
            overflow()
        end
        return rt.H("call", "int", v, base)
    end

    -- int(x, base): strings in bases 0 and 2..36 (prefixes, underscores)
    local function int_base(v, base)
        if type(v) == "userdata" then
            return rt.H("call", "int", v, base)
        end
        if base ~= 0 and (base < 2 or base > 36) then     -- checked first, as CPython
            throw("ValueError", "int() base must be >= 2 and <= 36, or 0")
        end
        if type(v) ~= "string" then
            throw("TypeError", "int() can't convert non-string with explicit base")
        end
        if not isascii(v) and rt.H ~= nil then
            return rt.H("call", "int", v, base)     -- Unicode digits: CPython's int()
        elseif not isascii(v) then
            throw("NotImplementedError", "int() of a non-ASCII str (tandem translation)")
        end
        local function bad()
            throw("ValueError", sformat("invalid literal for int() with base %d: %s", base,
                                        str_repr(v)))
        end
        local s = strip_ws(v)
        local neg = false
        local c = ssub(s, 1, 1)
        if c == "+" or c == "-" then
            neg = c == "-"
            s = ssub(s, 2)
        end
        local b = base
        local p = ssub(s, 1, 2):lower()
        local prefixed = false
        if (b == 16 or b == 0) and p == "0x" then
            b, prefixed = 16, true
        elseif (b == 8 or b == 0) and p == "0o" then
            b, prefixed = 8, true
        elseif (b == 2 or b == 0) and p == "0b" then
            b, prefixed = 2, true
        end
        if prefixed then
            s = ssub(s, 3)
            if ssub(s, 1, 1) == "_" then
                s = ssub(s, 2)
            end
        end
        if s == "" or ssub(s, 1, 1) == "_" or ssub(s, -1) == "_" or sfind(s, "__", 1, true) then
            bad()
        end
        local zerostart = base == 0 and not prefixed and ssub(s, 1, 1) == "0"
        if b == 0 then
            b = 10
        end
        local ds, nz = {}, false
        for i = 1, #s do
            local ch = sbyte(s, i)
            if ch ~= 95 then     -- '_'
                local d
                if ch >= 48 and ch <= 57 then
                    d = ch - 48
                elseif ch >= 97 and ch <= 122 then
                    d = ch - 87
                elseif ch >= 65 and ch <= 90 then
                    d = ch - 55
                end
                if d == nil or d >= b then
                    bad()
                end
                ds[#ds + 1] = d
                nz = nz or d ~= 0
            end
        end
        if zerostart and nz then
            bad()
        end
        local r = 0              -- accumulated negatively (reaches math.mininteger)
        for i = 1, #ds do
            local d = ds[i]
            local lim = (MINI + d) // b          -- r * b - d >= MINI: r >= ceil(...)
            if (MINI + d) % b ~= 0 then
                lim = lim + 1
            end
            if r < lim then
                return bigint_base(v, base)
            end
            r = r * b - d
        end
        if neg then
            return r
        end
        if r == MINI then
            return bigint_base(v, base)
        end
        return -r
    end

    local int0 = B.int
    B.int = function(...)
        local n = select("#", ...)
        if n == 0 or (n == 1 and getmetatable((...)) ~= KW) then
            return int0(...)
        end
        local a = args_of("int", 2, { base = 2 }, ...)
        if a.n < 2 then
            return int0(a[1])
        end
        return int_base(a[1], need_index(a[2]))
    end
    typenames[B.int], typenames[B.dict] = "int", "dict"

    -- str.split(sep=None, maxsplit=-1)
    local split0 = M.str.split
    local function split(s, sep, maxsplit)
        if maxsplit < 0 then
            return split0(s, sep)
        end
        if sep ~= nil then
            return split0(s, sep, maxsplit)
        end
        local r = newlist()
        -- positions in the ASCII-spaced string are positions in s
        local sp = (split_src(s))
        local i, n = 1, #s
        while true do
            local a = sfind(sp, WORD_AT, i)
            if a == nil then
                return r
            end
            r.n = r.n + 1
            if r.n > maxsplit then
                r[r.n] = ssub(s, a)
                return r
            end
            local e = sfind(sp, SPACE_AT, a)
            r[r.n] = ssub(s, a, e and e - 1 or n)
            if e == nil then
                return r
            end
            i = e
        end
    end
    M.str.split = function(s, ...)
        local n = select("#", ...)
        if n == 0 or (n == 1 and getmetatable((...)) ~= KW) then
            return split0(s, ...)
        end
        local a = args_of("split", 2, { sep = 1, maxsplit = 2 }, ...)
        return split(s, a[1], a.n >= 2 and need_index(a[2]) or -1)
    end

    -- print(*objects, sep=' ', end='\n', file=None, flush=False): the text is
    -- written to sys.stdout (or file) through the host, one write per call;
    -- when str() of an argument raises, what precedes it is written first,
    -- as CPython's piecewise writes would have.
    -- print's text to sys.stdout or file: through the host, or without one
    -- (a standalone file of tandem translate) to Lua's io.stdout
    local function write(text, file, flush)
        if rt.H then
            rt.H("print", text, rt.export(file), flush)
            return
        end
        local out = io.stdout
        if file ~= nil then
            -- standalone files: sys.stdout / sys.stderr are {tdm_stream = io handle}
            out = type(file) == "table" and rawget(file, "tdm_stream")
            if not out then
                throw("NotImplementedError", "print(file=...) to a file other than " ..
                      "sys.stdout or sys.stderr without the Python host (tandem translation)")
            end
        end
        out:write(text)
        if flush then
            out:flush()
        end
    end

    B.print = function(...)
        local args = pack(...)
        local sep, fin, file, flush = " ", "\n", nil, false
        local objs, n = {}, 0
        for i = 1, args.n do
            local a = args[i]
            if getmetatable(a) == KW then
                local k = a.name
                if k == "sep" then
                    sep = a.v
                elseif k == "end" then
                    fin = a.v
                elseif k == "file" then
                    file = a.v
                elseif k == "flush" then
                    flush = a.v
                else
                    throw("TypeError", sformat("'%s' is an invalid keyword argument for print()",
                                               k))
                end
            else
                n = n + 1
                objs[n] = a
            end
        end
        if sep ~= nil and type(sep) ~= "string" then
            throw("TypeError", sformat("sep must be None or a string, not %s", tname(sep)))
        end
        if fin ~= nil and type(fin) ~= "string" then
            throw("TypeError", sformat("end must be None or a string, not %s", tname(fin)))
        end
        sep, fin = sep or " ", fin or "\n"
        local parts = {}
        for i = 1, n do
            local ok, s = pcall(rt.str, objs[i])
            if not ok then
                if #parts > 0 then
                    write(concat(parts), file, false)
                end
                error(s, 0)
            end
            parts[#parts + 1] = s
            parts[#parts + 1] = i < n and sep or fin
        end
        if n == 0 then
            parts[1] = fin
        end
        write(concat(parts), file, truth(flush))
        return nil
    end

    -- a method call with keywords (the back end emits it instead of
    -- rt.method when a keyword is among the arguments): a Python object's
    -- method gets real keyword arguments through the host; a value of the
    -- runtime's, the keywords its method takes or CPython's TypeError
    -- (rt.ownkw, core.lua; bound: called as a bound method)
    local function methodkw(bound, o, name, ...)
        if type(o) == "userdata" then
            local args = pack(...)
            local all, np, nk, kws = {}, 0, 0, {}
            for i = 1, args.n do
                local a = args[i]
                if getmetatable(a) == KW then
                    nk = nk + 1
                    kws[nk] = a
                else
                    np = np + 1
                    all[np] = a
                end
            end
            local mask = 0          -- displays among the keywords' values (hostcall.lua)
            for j = 1, nk do
                all[np + 2 * j - 1], all[np + 2 * j] = kws[j].name, kws[j].v
                if kws[j].display and np + 2 * j < 62 then
                    mask = mask | (1 << (np + 2 * j - 1))
                end
            end
            return rt.hostcall("methodkw", 4, mask, o, name, np, unpack(all, 1, np + 2 * nk))
        end
        for i = 1, select("#", ...) do
            if getmetatable((select(i, ...))) == KW then
                return rt.ownkw(o, name, bound, ...)
            end
        end
        return (bound and rt.boundcall or rt.method)(o, name, ...)
    end
    function rt.methodkw(o, name, ...)
        return methodkw(false, o, name, ...)
    end
    function rt.boundkw(o, name, ...)
        return methodkw(true, o, name, ...)
    end
end

-- The positional argument counts of the builtins (CPython 3.11's, with its
-- messages): the runtime's builtins take fixed Lua parameters and do not
-- count their arguments, so len(a, b) answered len(a) and divmod(a) a
-- TypeError about None. A call the translator sees with a count outside
-- the range goes through B.tdm_argcheck (_translate.py ARGCOUNTS); a
-- builtin called as a value (rt.call, rt.callkw: g = len; g(a, b), map(len,
-- a, b)) is checked here. {lo, hi (nil: no limit), style, messages for
-- too few by count (few)}; styles: "o" METH_O ("len() takes exactly one argument
-- (2 given)"), "e" _PyArg_CheckPositional ("divmod expected 2 arguments, got
-- 1", "float expected at most 1 argument, got 2"), "t" ("int() takes at
-- most 2 arguments (3 given)"), "type" (1 or 3).
do
    local BARGS = {
        len = { 1, 1, "o" }, abs = { 1, 1, "o" }, repr = { 1, 1, "o" }, ord = { 1, 1, "o" },
        chr = { 1, 1, "o" }, any = { 1, 1, "o" }, all = { 1, 1, "o" }, hash = { 1, 1, "o" },
        bin = { 1, 1, "o" }, oct = { 1, 1, "o" }, hex = { 1, 1, "o" },
        callable = { 1, 1, "o" }, ascii = { 1, 1, "o" },
        divmod = { 2, 2, "e" }, isinstance = { 2, 2, "e" }, filter = { 2, 2, "e" },
        reversed = { 1, 1, "e" }, sorted = { 1, 1, "e" }, hasattr = { 2, 2, "e" },
        delattr = { 2, 2, "e" }, setattr = { 3, 3, "e" },
        float = { 0, 1, "e" }, bool = { 0, 1, "e" }, list = { 0, 1, "e" },
        tuple = { 0, 1, "e" }, dict = { 0, 1, "e" }, set = { 0, 1, "e" },
        frozenset = { 0, 1, "e" }, next = { 1, 2, "e" }, iter = { 1, 2, "e" },
        getattr = { 2, 3, "e" }, range = { 1, 3, "e" }, format = { 1, 2, "e" },
        min = { 1, nil, "e" }, max = { 1, nil, "e" },
        int = { 0, 2, "t" }, str = { 0, 3, "t" },
        sum = { 1, 2, "t", few = { [0] = "sum() takes at least 1 positional argument " ..
                                          "(0 given)" } },
        round = { 1, 2, "t", few = { [0] = "round() missing required argument 'number' " ..
                                            "(pos 1)" } },
        enumerate = { 1, 2, "t", few = { [0] = "enumerate() missing required argument " ..
                                                "'iterable'" } },
        pow = { 2, 3, "t", few = { [0] = "pow() missing required argument 'base' (pos 1)",
                                   [1] = "pow() missing required argument 'exp' (pos 2)" } },
        map = { 2, nil, "t", few = { [0] = "map() must have at least two arguments.",
                                     [1] = "map() must have at least two arguments." } },
        type = { 1, 3, "type" },
    }
    local byfn          -- builtin function -> {name, spec}: made at the first check

    local function args(k)
        return sformat("%d argument%s", k, k == 1 and "" or "s")
    end

    -- TypeError when the builtin f (any function: others pass) cannot take n
    -- positional arguments
    function rt.bargcheck(f, n)
        if byfn == nil then
            byfn = {}
            for name, spec in pairs(BARGS) do
                if B[name] then
                    byfn[B[name]] = { name, spec }
                end
            end
        end
        local e = byfn[f]
        if e == nil then
            return
        end
        local name, a = e[1], e[2]
        local lo, hi, style = a[1], a[2], a[3]
        if style == "type" then
            if n ~= 1 and n ~= 3 then
                throw("TypeError", "type() takes 1 or 3 arguments")
            end
            return
        end
        if n >= lo and (hi == nil or n <= hi) then
            return
        end
        if style == "o" then
            throw("TypeError", sformat("%s() takes exactly one argument (%d given)", name, n))
        elseif style == "e" then
            if lo == hi then
                throw("TypeError", sformat("%s expected %s, got %d", name, args(lo), n))
            end
            throw("TypeError", sformat("%s expected %s %s, got %d", name,
                                       n < lo and "at least" or "at most",
                                       args(n < lo and lo or hi), n))
        end
        if n < lo then
            throw("TypeError", a.few[n])
        end
        throw("TypeError", sformat("%s() takes at most %d arguments (%d given)", name, hi, n))
    end

    -- the builtins that take no keyword arguments (CPython 3.11): called as a
    -- value with keywords (g = len; g(x, k=1)), "len() takes no keyword
    -- arguments" before anything else; the others check their keywords
    -- themselves (a direct call's keywords are checked at translation)
    local NOKW = {}
    for _, name in ipairs({ "len", "abs", "divmod", "isinstance", "list", "tuple", "set",
                            "frozenset", "bool", "float", "range", "map", "filter", "reversed",
                            "iter", "next", "getattr", "hasattr", "setattr", "delattr",
                            "callable", "hash", "chr", "ord", "bin", "oct", "hex", "repr",
                            "ascii", "any", "all", "format", "type" }) do
        NOKW[name] = true
    end
    -- a positional-only first parameter: the count is checked before the
    -- keywords (sorted(key=len): "sorted expected 1 argument, got 0")
    local POSFIRST = { min = true, max = true, sorted = true, sum = true, pow = true }
    -- keywords CPython takes and the runtime's function does not parse
    local KWREFUSE = { str = true }
    local kwfn
    function rt.bkwcheck(f, n, kn, nk)
        if kwfn == nil then
            kwfn = {}
            for _, t in ipairs({ NOKW, POSFIRST, KWREFUSE }) do
                for name in pairs(t) do
                    if B[name] then
                        kwfn[B[name]] = name
                    end
                end
            end
        end
        local name = kwfn[f]
        if name == nil then
            return
        elseif NOKW[name] then
            if name == "type" then
                rt.bargcheck(f, n)      -- type(k=1): "type() takes 1 or 3 arguments"
            end
            throw("TypeError", sformat("%s() takes no keyword arguments", name))
        elseif name == "pow" then
            -- an unknown keyword: CPython may first miss base or exp
            for j = 1, nk do
                local k = kn[j]
                if k ~= "base" and k ~= "exp" and k ~= "mod" then
                    throw("NotImplementedError", sformat("the keyword argument %s= of pow() " ..
                                                         "(tandem translation)", tostring(k)))
                end
            end
        elseif KWREFUSE[name] then
            throw("NotImplementedError", sformat("keyword arguments to %s() called as a " ..
                                                 "value (tandem translation)", name))
        elseif (n < 1 and name ~= "pow") or name == "sorted" then
            rt.bargcheck(f, n)
        end
    end

    -- (call (builtin tdm_argcheck) (builtin f) args...): a call of the builtin
    -- f with a count the translator saw is wrong, its arguments evaluated
    -- first, as CPython does
    B.tdm_argcheck = function(f, ...)
        rt.bargcheck(f, select("#", ...))
        return rt.call(f, ...)
    end
end
