-- pyrt/match.lua — the tests `match` statements are lowered to
-- (tandem/_matchlower.py): CPython 3.11's MATCH_SEQUENCE, MATCH_MAPPING,
-- MATCH_KEYS and MATCH_CLASS on the runtime's values; a Python object is
-- asked of the host, which runs CPython's own code for it (_translate.py,
-- _match_*). Each returns nil (or false) where the pattern does not match.
do
    local MATCH_SELF = { bool = true, bytearray = true, bytes = true, dict = true,
                         float = true, frozenset = true, int = true, list = true,
                         set = true, str = true, tuple = true }

    local function seqlen(s)
        local mt = getmetatable(s)
        if mt == LIST or mt == TUPLE then
            return s.n
        end
        local x = EXT[mt]
        if x ~= nil and x.kind == "range" then
            return x.len(s)
        end
        return nil          -- str, dict, set, a generator ...: no sequence
    end

    -- [P, *Q, R]: m items (star: the 0-based place of the starred one, or
    -- -1). No match: nil. Else, unless unpk, true (the lowered code
    -- subscripts the subject itself); with unpk the m items as a tuple, the
    -- starred one a list (UNPACK_SEQUENCE / UNPACK_EX).
    B.tdm_matchseq = function(s, m, star, unpk)
        local t = type(s)
        if t == "userdata" and rt.H ~= nil then
            return rt.H("matchseq", s, m, star, unpk)
        end
        if t ~= "table" then
            return nil
        end
        local n = seqlen(s)
        if n == nil then
            return nil
        end
        if star < 0 then
            if n ~= m then
                return nil
            end
        elseif m > 1 and n < m - 1 then
            return nil
        end
        if not unpk then
            return true
        end
        local items = { n = n }
        if getmetatable(s) == LIST or getmetatable(s) == TUPLE then
            for i = 1, n do
                items[i] = s[i]
            end
        else
            for i = 1, n do
                items[i] = s.start + (i - 1) * s.step       -- a range
            end
        end
        if star < 0 then
            return setmetatable(items, TUPLE)
        end
        local out, k = { n = m }, n - (m - 1)      -- k items in the starred one
        local mid = { n = k }
        for i = 1, star do
            out[i] = items[i]
        end
        for i = 1, k do
            mid[i] = items[star + i]
        end
        out[star + 1] = setmetatable(mid, LIST)
        for i = star + 2, m do
            out[i] = items[n - (m - i)]
        end
        return setmetatable(out, TUPLE)
    end

    -- {K: P, **R}: a mapping (len(s) >= n asked when n > 0)
    B.tdm_matchmap = function(s, n)
        local t = type(s)
        if t == "userdata" and rt.H ~= nil then
            return rt.H("matchmap", s, n)
        end
        return t == "table" and getmetatable(s) == DICT and (n == 0 or s.count >= n)
    end

    -- the values of the keys (a tuple), and with rest a dict of the other
    -- items after them; nil where a key is missing
    B.tdm_mapkeys = function(s, keys, rest)
        if type(s) == "userdata" and rt.H ~= nil then
            return rt.H("mapkeys", s, rt.export(keys), rest)
        end
        local n = keys.n
        local out, seen = { n = n + (rest and 1 or 0) }, newdict()
        for i = 1, n do
            local k = keys[i]
            if dict_get(seen, k) then
                throw("ValueError", "mapping pattern checks duplicate key (" .. B.repr(k) .. ")")
            end
            dict_set(seen, k, true)
            local found, v = dict_get(s, k)
            if not found then
                return nil
            end
            out[i] = v
        end
        if rest then
            local r = newdict()
            for k, v in dict_items(s) do
                dict_set(r, realkey(k), v)
            end
            for i = 1, n do
                dict_del(r, keys[i])
            end
            out[n + 1] = r
        end
        return setmetatable(out, TUPLE)
    end

    -- C(P..., name=Q...): npos positional sub-patterns, then the names;
    -- their values as a tuple, or nil
    B.tdm_matchcls = function(s, cls, npos, ...)
        local nkw = select("#", ...)
        local ts, tc = type(s), type(cls)
        if (ts == "userdata" or tc == "userdata") and rt.H ~= nil then
            if ts ~= "userdata" and ts == "table" and npos + nkw > 0 then
                -- the host would see a copy of the value: its attributes
                -- could differ from the value's own
                throw("NotImplementedError", "a class pattern with sub-patterns of a Python "
                      .. "class matched against a value of translated code (tandem translation)")
            end
            return rt.H("matchcls", rt.export(s), rt.export(cls), npos, ...)
        end
        local name = rt.typename(cls)
        if name == nil then
            throw("TypeError", "called match pattern must be a type")
        end
        if not B.isinstance(s, cls) then
            return nil
        end
        local allowed = MATCH_SELF[name] and 1 or 0
        if npos > allowed then
            throw("TypeError", sformat("%s() accepts %d positional sub-pattern%s (%d given)",
                                       name, allowed, allowed == 1 and "" or "s", npos))
        end
        local out = { n = npos + nkw }
        if npos == 1 then
            out[1] = s
        end
        for i = 1, nkw do
            local a = select(i, ...)
            if not B.hasattr(s, a) then
                return nil
            end
            out[npos + i] = rt.getattr(s, a)
        end
        return setmetatable(out, TUPLE)
    end
end
