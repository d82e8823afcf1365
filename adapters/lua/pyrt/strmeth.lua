-- pyrt/strmeth.lua — the str methods core.lua does not have: padding
-- (zfill, center, ljust, rjust), case (capitalize, title, swapcase,
-- casefold), the is...() predicates, rfind/rindex, partition/rpartition,
-- removeprefix/removesuffix, rsplit, splitlines, expandtabs. Widths and
-- positions count characters; case mapping and the predicates other than
-- isascii() are ASCII here: a str with other characters is CPython's answer
-- through the host (its Unicode database), refused in a standalone file.
do
    local S = M.str

    -- an index argument (a width, a tab size, maxsplit): CPython's ssize_t
    local ssize = rt.need_index
    local function must_str(v, fmt)
        needstr(nil, v, fmt)
        return v
    end
    -- Argument Clinic's message names None "None"
    local function clinic_str(v, fmt)
        return must_str(v, v == nil and fmt:gsub("%%s", "None") or fmt)
    end

    -- ---- padding ----------------------------------------------------------------------
    function S.zfill(s, width)
        local w, n = ssize(width), slen(s)
        if n >= w then
            return s
        end
        local c = ssub(s, 1, 1)
        if c == "+" or c == "-" then
            return c .. srep("0", w - n) .. ssub(s, 2)
        end
        return srep("0", w - n) .. s
    end
    -- left and right fill of CPython's pad() for `how`
    local function pad(how, s, width, ...)
        local w, fill = ssize(width), ...
        if select("#", ...) == 0 then   -- (an explicit None is an error)
            fill = " "
        elseif type(fill) ~= "string" then
            throw("TypeError", sformat("The fill character must be a unicode character, not %s",
                                       tname(fill)))
        elseif slen(fill) ~= 1 then
            throw("TypeError", "The fill character must be exactly one character long")
        end
        local n = slen(s)
        if n >= w then
            return s
        end
        local marg = w - n
        local left = how == "l" and 0 or how == "r" and marg or marg // 2 + (marg & w & 1)
        return srep(fill, left) .. s .. srep(fill, marg - left)
    end
    function S.center(...)
        return pad("c", ...)
    end
    function S.ljust(...)
        return pad("l", ...)
    end
    function S.rjust(...)
        return pad("r", ...)
    end

    -- ---- case -------------------------------------------------------------------------
    function S.capitalize(s)
        if not isascii(s) then
            return nonascii(s, "str.capitalize")
        end
        return ssub(s, 1, 1):upper() .. ssub(s, 2):lower()
    end
    function S.casefold(s)
        if not isascii(s) then
            return nonascii(s, "str.casefold")
        end
        return s:lower()
    end
    function S.swapcase(s)
        if not isascii(s) then
            return nonascii(s, "str.swapcase")
        end
        return (s:gsub("[A-Za-z]", function(c)
            local u = c:upper()
            return u == c and c:lower() or u
        end))
    end
    -- a letter after a letter is lowered, any other letter raised ("1st" -> "1St")
    function S.title(s)
        if not isascii(s) then
            return nonascii(s, "str.title")
        end
        return (s:gsub("([A-Za-z])([A-Za-z]*)", function(a, rest)
            return a:upper() .. rest:lower()
        end))
    end

    -- ---- predicates (Lua's %a and friends follow the C locale: explicit sets) ---------
    local function all_of(name, set, empty)
        S[name] = function(s)
            if not isascii(s) then
                return nonascii(s, "str." .. name)
            end
            if s == "" then
                return empty
            end
            return not sfind(s, "[^" .. set .. "]")
        end
    end
    all_of("isalpha", "A-Za-z", false)
    all_of("isalnum", "A-Za-z0-9", false)
    all_of("isdecimal", "0-9", false)
    all_of("isnumeric", "0-9", false)
    function S.isascii(s)
        return not sfind(s, "[\128-\255]")
    end
    function S.islower(s)
        if not isascii(s) then
            return nonascii(s, "str.islower")
        end
        return sfind(s, "[a-z]") ~= nil and not sfind(s, "[A-Z]")
    end
    function S.isupper(s)
        if not isascii(s) then
            return nonascii(s, "str.isupper")
        end
        return sfind(s, "[A-Z]") ~= nil and not sfind(s, "[a-z]")
    end
    -- every upper-case letter after an uncased character, every lower-case
    -- one after a cased one, and at least one cased
    function S.istitle(s)
        if not isascii(s) then
            return nonascii(s, "str.istitle")
        end
        return sfind(s, "[A-Za-z]") ~= nil and not sfind(s, "[A-Za-z][A-Z]")
               and not sfind(s, "^[a-z]") and not sfind(s, "[^A-Za-z][a-z]")
    end
    function S.isidentifier(s)
        if not isascii(s) then
            return nonascii(s, "str.isidentifier")
        end
        return sfind(s, "^[A-Za-z_][A-Za-z0-9_]*$") ~= nil
    end

    -- ---- searching from the right -------------------------------------------------------
    -- the byte position of the last sub in s, or nil
    local function last(s, sub)
        local p, i = nil, 1
        while true do
            local q = sfind(s, sub, i, true)
            if q == nil then
                return p
            end
            p, i = q, q + 1
        end
    end
    local function charpos(s, p)        -- byte position -> 0-based character index
        return isascii(s) and p - 1 or utf8len(s, 1, p) - 1
    end
    function S.rfind(s, sub, a, b)
        needstr("rfind", sub, "must be str, not %s", a, b)
        local w, start = window(s, a, b, slen(sub))
        if w == nil then
            return -1
        elseif sub == "" then
            return start + slen(w)
        end
        local p = last(w, sub)
        return p == nil and -1 or start + charpos(w, p)
    end
    function S.rindex(s, sub, a, b)
        local r = S.rfind(s, sub, a, b)
        if r < 0 then
            throw("ValueError", "substring not found")
        end
        return r
    end

    local function separator(sep)
        must_str(sep, "must be str, not %s")
        if sep == "" then
            throw("ValueError", "empty separator")
        end
        return sep
    end
    function S.partition(s, sep)
        local p = sfind(s, separator(sep), 1, true)
        if p == nil then
            return mktuple(s, "", "")
        end
        return mktuple(ssub(s, 1, p - 1), sep, ssub(s, p + #sep))
    end
    function S.rpartition(s, sep)
        local p = last(s, separator(sep))
        if p == nil then
            return mktuple("", "", s)
        end
        return mktuple(ssub(s, 1, p - 1), sep, ssub(s, p + #sep))
    end
    function S.removeprefix(s, p)
        clinic_str(p, "removeprefix() argument must be str, not %s")
        return ssub(s, 1, #p) == p and ssub(s, #p + 1) or s
    end
    function S.removesuffix(s, p)
        clinic_str(p, "removesuffix() argument must be str, not %s")
        return p ~= "" and ssub(s, -#p) == p and ssub(s, 1, #s - #p) or s
    end

    -- ---- rsplit(sep=None, maxsplit=-1) ----------------------------------------------------
    local function is_space(b)
        return b ~= nil and (b >= 9 and b <= 13 or b >= 28 and b <= 32)
    end
    -- by whitespace, from the right: in the ASCII-spaced copy (same byte
    -- positions), words taken from s
    local function rsplit_ws(s, maxsplit)
        local sp = (split_src(s))
        local parts, n, j = {}, 0, #sp
        while true do
            while j >= 1 and is_space(sbyte(sp, j)) do
                j = j - 1
            end
            if j == 0 then
                break
            end
            n = n + 1
            if n > maxsplit and maxsplit >= 0 then
                parts[n] = ssub(s, 1, j)
                break
            end
            local i = j
            while i >= 1 and not is_space(sbyte(sp, i)) do
                i = i - 1
            end
            parts[n] = ssub(s, i + 1, j)
            j = i
        end
        local r = newlist(n)
        for k = 1, n do
            r[k] = parts[n + 1 - k]
        end
        return r
    end
    -- by sep, from the right: the left split of the reversed bytes (UTF-8
    -- matches only at character starts, reversed or not), each part and
    -- the order reversed back
    local function rsplit_sep(s, sep, maxsplit)
        local r = S.split(s:reverse(), sep:reverse(), maxsplit)
        local n = r.n
        for k = 1, n // 2 do
            r[k], r[n + 1 - k] = r[n + 1 - k], r[k]
        end
        for k = 1, n do
            r[k] = r[k]:reverse()
        end
        return r
    end
    function S.rsplit(s, ...)
        local a = rt.args_of("rsplit", 2, { sep = 1, maxsplit = 2 }, ...)
        local sep, maxsplit = a[1], a.n >= 2 and ssize(a[2]) or -1
        if sep == nil then
            return rsplit_ws(s, maxsplit)
        end
        separator(must_str(sep, "must be str or None, not %s"))
        return rsplit_sep(s, sep, maxsplit < 0 and MAXI or maxsplit)
    end

    -- ---- splitlines(keepends=False) --------------------------------------------------------
    -- line ends: \n, \r, \r\n, \v, \f, \28-\30, U+0085, U+2028, U+2029
    local function line_end(s, p)       -- the length of a line end at p, or nil
        local b = sbyte(s, p)
        if b == 13 then
            return sbyte(s, p + 1) == 10 and 2 or 1
        elseif b == 194 then
            return sbyte(s, p + 1) == 0x85 and 2 or nil
        elseif b == 226 then
            local c = sbyte(s, p + 2)
            return sbyte(s, p + 1) == 0x80 and (c == 0xA8 or c == 0xA9) and 3 or nil
        end
        return 1
    end
    function S.splitlines(s, ...)
        local a = rt.args_of("splitlines", 1, { keepends = 1 }, ...)
        local keep = a.n >= 1 and rt.need_cint(a[1]) ~= 0
        local r, i, at = newlist(), 1, 1
        while true do
            local p = sfind(s, "[\10-\13\28-\30\194\226]", at)
            if p == nil then
                break
            end
            local len = line_end(s, p)
            if len then
                r.n = r.n + 1
                r[r.n] = ssub(s, i, keep and p + len - 1 or p - 1)
                i = p + len
            end
            at = p + (len or 1)
        end
        if i <= #s then
            r.n = r.n + 1
            r[r.n] = ssub(s, i)
        end
        return r
    end

    -- ---- expandtabs(tabsize=8) --------------------------------------------------------------
    function S.expandtabs(s, ...)
        local a = rt.args_of("expandtabs", 1, { tabsize = 1 }, ...)
        local size = a.n >= 1 and rt.need_cint(a[1]) or 8
        if not sfind(s, "\t", 1, true) then
            return s
        end
        local cs, n = chars(s)
        local out, col = {}, 0
        for k = 1, n do
            local c = cs[k]
            if c == "\t" then
                if size > 0 then
                    local incr = size - col % size
                    out[#out + 1] = srep(" ", incr)
                    col = col + incr
                end
            else
                out[#out + 1] = c
                col = (c == "\n" or c == "\r") and 0 or col + 1
            end
        end
        return concat(out)
    end

    -- ---- whitespace and printable characters beyond ASCII -------------------------------
    local function is_ws(c)             -- Python's str.isspace() of one character
        return #c == 1 and is_space(sbyte(c)) or WS_U[c] ~= nil
    end
    function S.isspace(s)
        if isascii(s) then
            return s ~= "" and not sfind(s, "[^\9-\13\28-\32]")
        end
        slen(s)                         -- (not UTF-8: refused)
        for _, c in utf8.codes(s) do
            if not is_ws(utf8char(c)) then
                return false
            end
        end
        return true
    end
    function S.isprintable(s)
        if isascii(s) then
            return not sfind(s, "[^\32-\126]")
        end
        slen(s)
        for _, c in utf8.codes(s) do
            if c < 32 or c == 127 or c >= 128 and not rt.printable(c) then
                return false
            end
        end
        return true
    end
    -- strip/lstrip/rstrip of text beyond ASCII (core.lua's strip): by
    -- characters, Python's whitespace or those of chars_
    function rt.strip_u(s, chars_, left, right)
        slen(s)
        local keep = is_ws
        if chars_ ~= nil then
            slen(chars_)
            local set = {}
            for _, c in ipairs((chars(chars_))) do
                set[c] = true
            end
            keep = function(c)
                return set[c]
            end
        end
        local cs, n = chars(s)
        local i, j = 1, n
        while left and i <= j and keep(cs[i]) do
            i = i + 1
        end
        while right and j >= i and keep(cs[j]) do
            j = j - 1
        end
        return concat(cs, "", i, j)
    end
end
