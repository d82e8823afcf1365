-- pyrt/format.lua — string formatting with CPython's exact output
-- (docs/translation.md): format() and the format-spec mini-language for
-- str/int/bool/float (f-string specs use it too), ascii(), str.format and
-- %-formatting. Ports of CPython 3.11's Python/formatter_unicode.c,
-- Python/pystrtod.c (format_float_short's layout rules),
-- Objects/stringlib/unicode_format.h and PyUnicode_Format. Digits of 'e'
-- and 'f' come from C's printf through string.format, which rounds the exact
-- binary value correctly (half-even on exact ties), as Python's dtoa does.
-- Part of the pyrt chunk: sees core.lua's locals, exports through rt/B/M.
do
    local tointeger = math.tointeger
    local max, min = math.max, math.min

    local function verr(msg)
        throw("ValueError", msg)
    end

    local function notimpl(what)
        throw("NotImplementedError", what .. " (tandem translation)")
    end

    -- 'c' or '\xNN' as CPython's messages quote a format character
    local function quotechar(c)
        local cp = utf8cp(c)
        if cp > 32 and cp < 128 then
            return "'" .. c .. "'"
        end
        return sformat("'\\x%x'", cp)
    end

    -- The zeros of the Unicode decimal digit runs (Unicode 14.0, CPython
    -- 3.11's database; each run is ten consecutive code points 0..9): Python
    -- reads widths, precisions and field numbers in any of them.
    local DIGIT_ZEROS = {
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6,
        0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0,
        0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136,
        0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
        0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2,
        0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
    }

    -- the decimal value of one character (a UTF-8 string), or nil
    local function decimal(ch)
        local b = sbyte(ch)
        if #ch == 1 then
            return (b >= 48 and b <= 57) and b - 48 or nil
        end
        local cp = utf8cp(ch)
        for i = 1, #DIGIT_ZEROS do
            local d = cp - DIGIT_ZEROS[i]
            if d >= 0 and d <= 9 then
                return d
            end
        end
        return nil
    end

    -- ---- the format-spec mini-language ------------------------------------------

    local ALIGN = { ["<"] = true, [">"] = true, ["="] = true, ["^"] = true }

    -- digits from c[pos]: value (nil when none) and the next position
    local function getint(c, pos, n)
        local acc, start = 0, pos
        while pos <= n do
            local d = decimal(c[pos])
            if d == nil then
                break
            end
            if acc > (MAXI - d) // 10 then
                verr("Too many decimal digits in format string")
            end
            acc = acc * 10 + d
            pos = pos + 1
        end
        if pos == start then
            return nil, pos
        end
        return acc, pos
    end

    local spec_cache, spec_count = {}, 0    -- parsed specs (bounded)

    -- parse_internal_render_format_spec: a table describing spec
    local function parse_spec(spec, dtype, dalign, tn)
        local key = spec .. "\0" .. dtype .. dalign
        local f = spec_cache[key]
        if f then
            return f
        end
        local c, n = chars(spec)
        f = { fill = " ", align = dalign, sign = false, z = false, alt = false, width = -1,
              sep = false, four = false, prec = -1, type = dtype }
        local pos = 1
        local fill_given, align_given = false, false
        if n >= 2 and ALIGN[c[2]] then
            f.align, f.fill = c[2], c[1]
            fill_given, align_given = true, true
            pos = 3
        elseif n >= 1 and ALIGN[c[1]] then
            f.align = c[1]
            align_given = true
            pos = 2
        end
        local ch = c[pos]
        if ch == "+" or ch == "-" or ch == " " then
            f.sign = ch
            pos = pos + 1
        end
        if c[pos] == "z" then
            f.z = true
            pos = pos + 1
        end
        if c[pos] == "#" then
            f.alt = true
            pos = pos + 1
        end
        if not fill_given and c[pos] == "0" then
            f.fill = "0"
            if not align_given and dalign == ">" then
                f.align = "="
            end
            pos = pos + 1
        end
        local w
        w, pos = getint(c, pos, n)
        if w then
            f.width = w
        end
        if c[pos] == "," then
            f.sep = ","
            pos = pos + 1
        end
        if c[pos] == "_" then
            if f.sep then
                verr("Cannot specify both ',' and '_'.")
            end
            f.sep = "_"
            pos = pos + 1
        end
        if c[pos] == "," and f.sep == "_" then
            verr("Cannot specify both ',' and '_'.")
        end
        if c[pos] == "." then
            local p
            p, pos = getint(c, pos + 1, n)
            if p == nil then
                verr("Format specifier missing precision")
            end
            f.prec = p
        end
        if n - pos + 1 > 1 then
            verr(sformat("Invalid format specifier '%s' for object of type '%s'", spec, tn))
        end
        if pos == n then
            f.type = c[pos]
        end
        if f.sep then
            local t = f.type
            if t == "" or sfind("defgEFG%", t, 1, true) and #t == 1 then
                -- allowed (PEP 378)
            elseif f.sep == "_" and (t == "b" or t == "o" or t == "x" or t == "X") then
                f.four = true
            else
                verr(sformat("Cannot specify '%s' with %s.", f.sep, quotechar(t)))
            end
        end
        if f.width > 100000000 or f.prec > 100000000 then
            notimpl("a format width or precision beyond 10**8")
        end
        if spec_count >= 256 then
            spec_cache, spec_count = {}, 0
        end
        spec_cache[key] = f
        spec_count = spec_count + 1
        return f
    end

    -- ---- number layout (calc_number_widths + fill_number) --------------------------

    -- _PyUnicode_InsertThousandsGrouping: digits grouped by `size` with sep,
    -- zero-padded on the left to min_width characters
    local function group(digits, minw, sep, size)
        local parts, np = {}, 0
        local remaining = #digits
        local dend = remaining
        local use_sep = false
        local broken = false
        local function piece(l)
            local nz = max(0, l - remaining)
            local nc = max(0, min(remaining, l))
            np = np + 1
            parts[np] = srep("0", nz) .. ssub(digits, dend - nc + 1, dend) ..
                        (use_sep and sep or "")
            remaining = remaining - nc
            dend = dend - nc
        end
        if sep then
            while true do
                local l = min(size, max(remaining, minw, 1))
                piece(l)
                use_sep = true
                minw = minw - l
                if remaining <= 0 and minw <= 0 then
                    broken = true
                    break
                end
                minw = minw - 1
            end
        end
        if not broken then
            piece(max(remaining, minw, 1))
        end
        local out = {}
        for i = np, 1, -1 do
            out[#out + 1] = parts[i]
        end
        return concat(out)
    end

    -- lpadding sign prefix spadding grouped-digits rest rpadding; `rest` is
    -- the decimal point and remainder (restlen characters)
    local function layout(f, negative, prefix, digits, rest, restlen, upper)
        local sign = ""
        if f.sign == "+" then
            sign = negative and "-" or "+"
        elseif f.sign == " " then
            sign = negative and "-" or " "
        elseif negative then
            sign = "-"
        end
        local nonpad = #sign + #prefix + restlen
        local minw = 0
        if f.fill == "0" and f.align == "=" then
            minw = f.width - nonpad
        end
        local grouped = digits
        if #digits > 0 and (f.sep or minw > #digits) then
            grouped = group(digits, minw, f.sep, f.four and 4 or 3)
        end
        if upper then
            prefix, grouped = prefix:upper(), grouped:upper()
        end
        local npad = f.width - (nonpad + #grouped)
        local l, s, r = "", "", ""
        if npad > 0 then
            local a = f.align
            if a == "<" then
                r = srep(f.fill, npad)
            elseif a == "^" then
                l = srep(f.fill, npad // 2)
                r = srep(f.fill, npad - npad // 2)
            elseif a == "=" then
                s = srep(f.fill, npad)
            else
                l = srep(f.fill, npad)
            end
        end
        return l .. sign .. prefix .. s .. grouped .. rest .. r
    end

    -- the C locale (no grouping, '.') is what 'n' means here; another numeric
    -- locale cannot be read from Lua
    local setlocale = os and os.setlocale
    local function check_n_locale()
        local loc = setlocale and setlocale(nil, "numeric")
        if loc ~= "C" and loc ~= "POSIX" and loc ~= "C.UTF-8" and loc ~= "C.utf8" then
            notimpl("format type 'n' under a non-C numeric locale")
        end
    end

    -- ---- floats (PyOS_double_to_string) ----------------------------------------------

    -- printf's text depends on LC_NUMERIC, Python's never does: a host that
    -- set a locale with another decimal point gets an error, not a comma
    local function badlocale()
        notimpl("float formatting under a numeric locale whose decimal point is not '.'")
    end

    local function expstr(e)
        local a = e < 0 and -e or e
        return (e < 0 and "-" or "+") .. (a < 10 and "0" .. a or tostring(a))
    end

    -- shortest round-trip digits of ax > 0 (dtoa mode 0): digits, decpt
    local function shortest(ax)
        local s = shortest_e(ax)
        local d1, rest, e = s:match("^(%d)%.?(%d*)e([-+]%d+)$")
        if d1 == nil then
            badlocale()
        end
        local digits = (d1 .. rest):gsub("0+$", "")
        return digits, tonumber(e) + 1
    end

    -- correctly rounded p significant digits of ax >= 0 (dtoa mode 2)
    local function sigdigits(ax, p)
        if ax == 0 then
            return "0", 1
        end
        local s = sformat("%." .. (p - 1) .. "e", ax)
        local d1, rest, e = s:match("^(%d)%.?(%d*)e([-+]%d+)$")
        if d1 == nil then
            badlocale()
        end
        local digits = (d1 .. rest):gsub("0+$", "")
        return digits, tonumber(e) + 1
    end

    -- The exact decimal expansion of ax > 0 (finite): digits without leading
    -- or trailing zeros, and decpt (ax = 0.DIGITS * 10**decpt). For
    -- precisions printf cannot take; a double is M * 2**E exactly.
    local function exact_digits(ax)
        local hi, frac, e = sformat("%a", ax):match("^0x(%x)%.?(%x*)p([-+]%d+)$")
        local m = tointeger(tonumber(hi .. frac, 16))
        local ex = tonumber(e) - 4 * #frac
        local BASE = 10000000
        local limbs = { m % BASE, m // BASE % BASE, m // (BASE * BASE) }
        local function mul(f)
            local carry = 0
            for i = 1, #limbs do
                local v = limbs[i] * f + carry
                limbs[i] = v % BASE
                carry = v // BASE
            end
            while carry > 0 do
                limbs[#limbs + 1] = carry % BASE
                carry = carry // BASE
            end
        end
        local k = ex < 0 and -ex or ex
        while k > 0 do               -- times 2**E, or 5**-E (then / 10**-E)
            local step = min(k, 8)
            mul(ex < 0 and tointeger(5 ^ step) or 1 << step)
            k = k - step
        end
        local parts = {}
        for i = #limbs, 1, -1 do
            parts[#parts + 1] = sformat("%07d", limbs[i])
        end
        local d = concat(parts):gsub("^0+", "")
        local decpt = ex < 0 and #d + ex or #d
        return (d:gsub("0+$", "")), decpt
    end

    -- digits rounded to `keep` digits (half-even on an exact tie), trailing
    -- zeros stripped: digits, decpt ("" when the value rounds to zero)
    local function round_digits(d, decpt, keep)
        if keep >= #d then
            return d, decpt
        end
        if keep < 0 then
            return "", decpt
        end
        local nextd = sbyte(d, keep + 1) - 48
        local up = nextd > 5 or nextd == 5 and (#d > keep + 1 or
                   keep > 0 and (sbyte(d, keep) - 48) % 2 == 1)
        local r = ssub(d, 1, keep)
        if up then
            local i = keep
            while i >= 1 and ssub(r, i, i) == "9" do
                i = i - 1
            end
            if i == 0 then
                return "1", decpt + 1
            end
            r = ssub(r, 1, i - 1) .. string.char(sbyte(r, i) + 1)
        end
        r = r:gsub("0+$", "")
        return r, decpt
    end

    -- format_float_short's layout for codes 'e' 'f' 'g' 'r' from dtoa digits
    local function lay_digits(digits, decpt, code, precision, alt, dot0, echar)
        local n = #digits
        local use_exp = false
        local vend = n
        if code == "e" then
            use_exp = true
            vend = precision
        elseif code == "f" then
            vend = decpt + precision
        elseif code == "g" then
            if decpt <= -4 or decpt > (dot0 and precision - 1 or precision) then
                use_exp = true
            end
            if alt then
                vend = precision
            end
        elseif decpt <= -4 or decpt > 16 then   -- 'r'
            use_exp = true
        end
        local exp
        if use_exp then
            exp = decpt - 1
            decpt = 1
        end
        local vstart = decpt <= 0 and decpt - 1 or 0
        if not use_exp and dot0 then
            vend = max(vend, decpt + 1)
        else
            vend = max(vend, decpt)
        end
        local out = {}
        if decpt <= 0 then
            out[#out + 1] = srep("0", decpt - vstart) .. "." .. srep("0", -decpt)
        else
            out[#out + 1] = srep("0", -vstart)
        end
        if 0 < decpt and decpt <= n then
            out[#out + 1] = ssub(digits, 1, decpt) .. "." .. ssub(digits, decpt + 1)
        else
            out[#out + 1] = digits
        end
        if n < decpt then
            out[#out + 1] = srep("0", decpt - n) .. "." .. srep("0", vend - decpt)
        else
            out[#out + 1] = srep("0", vend - n)
        end
        local s = concat(out)
        if ssub(s, -1) == "." and not alt then
            s = ssub(s, 1, -2)
        end
        if use_exp then
            s = s .. echar .. expstr(exp)
        end
        return s
    end

    -- PyOS_double_to_string(x, code, precision, flags) without the sign:
    -- the magnitude's text, and whether a '-' goes before it
    local function dtos(x, code, prec, alt, dot0, z)
        local upper = code == "E" or code == "F" or code == "G"
        local lc = upper and code:lower() or code
        if x ~= x then
            return upper and "NAN" or "nan", false
        end
        local neg = x < 0 or (x == 0 and 1 / x < 0)
        local ax = neg and -x or x
        if ax == huge then
            return upper and "INF" or "inf", neg
        end
        local s
        if (lc == "e" or lc == "f") and prec <= 99 then
            s = sformat("%" .. (alt and "#" or "") .. "." .. prec .. lc, ax)
            if sfind(s, "[^%d%.e+-]") then
                badlocale()
            end
        elseif lc == "e" or lc == "f" or lc == "g" then
            if lc == "g" and prec == 0 then
                prec = 1
            end
            local digits, decpt
            if ax == 0 then
                digits, decpt = "0", 1
            elseif lc == "g" and prec <= 99 then
                digits, decpt = sigdigits(ax, prec)
            else
                digits, decpt = exact_digits(ax)
                local keep = lc == "e" and prec + 1 or lc == "g" and prec or decpt + prec
                digits, decpt = round_digits(digits, decpt, keep)
                if digits == "" then
                    decpt = -prec
                end
            end
            s = lay_digits(digits, decpt, lc, lc == "e" and prec + 1 or prec, alt, dot0, "e")
        else   -- 'r'
            if ax == 0 then
                s = lay_digits("0", 1, "r", 0, alt, dot0, "e")
            else
                local digits, decpt = shortest(ax)
                s = lay_digits(digits, decpt, "r", 0, alt, dot0, "e")
            end
        end
        if upper then
            s = s:upper()
        end
        if neg and z and not sfind(s, "^[0.]*[1-9]") then
            neg = false
        end
        return s, neg
    end

    local function format_float(x, f)
        local t = f.type
        local code, prec, dot0, pct = t, f.prec, false, false
        if t == "" then
            dot0 = true
            if prec < 0 then
                code, prec = "r", 0
            else
                code = "g"
            end
        elseif t == "n" then
            check_n_locale()
            code = "g"
        elseif t == "%" then
            code = "f"
            x = x * 100
            pct = true
        elseif not (t == "e" or t == "E" or t == "f" or t == "F" or t == "g" or t == "G") then
            verr(sformat("Unknown format code %s for object of type 'float'", quotechar(t)))
        end
        if prec < 0 then
            prec = 6
        end
        local s, neg = dtos(x, code, prec, f.alt, dot0, f.z)
        if pct then
            s = s .. "%"
        end
        local i = sfind(s, "[^0-9]") or #s + 1
        local digits, rest = ssub(s, 1, i - 1), ssub(s, i)
        return layout(f, neg, "", digits, rest, #rest, false)
    end

    -- ---- ints -------------------------------------------------------------------------

    local function tobase(m, base)   -- digits of the magnitude of m (m <= 0 allowed: MINI)
        if base == 10 then
            local s = tostring(m)
            return (s:gsub("^%-", ""))
        elseif base == 16 then
            return sformat("%x", m < 0 and -m or m)
        elseif base == 8 then
            return sformat("%o", m < 0 and -m or m)
        end
        local u = m < 0 and -m or m      -- MINI stays MINI: read as unsigned
        if u == 0 then
            return "0"
        end
        local t = {}
        while u ~= 0 do
            t[#t + 1] = (u & 1 == 1) and "1" or "0"
            u = u >> 1
        end
        return concat(t):reverse()
    end

    local BASES = { b = 2, o = 8, x = 16, X = 16, d = 10, n = 10 }

    local function format_int(n, f, tn)
        local t = f.type
        if t == "c" or BASES[t] then
            if f.prec ~= -1 then
                verr("Precision not allowed in integer format specifier")
            end
            if f.z then
                verr("Negative zero coercion (z) not allowed in integer format specifier")
            end
            if t == "c" then
                if f.sign then
                    verr("Sign not allowed with integer format specifier 'c'")
                end
                if f.alt then
                    verr("Alternate form (#) not allowed with integer format specifier 'c'")
                end
                if n < 0 or n > 0x10ffff then
                    throw("OverflowError", "%c arg not in range(0x110000)")
                end
                if n >= 0xD800 and n <= 0xDFFF then
                    notimpl("a surrogate character")
                end
                return layout(f, false, "", "", utf8char(n), 1, false)
            end
            if t == "n" then
                check_n_locale()
            end
            local base = BASES[t]
            local prefix = ""
            if f.alt and base ~= 10 then
                prefix = base == 16 and "0x" or base == 8 and "0o" or "0b"
            end
            return layout(f, n < 0, prefix, tobase(n, base), "", 0, t == "X")
        end
        if t == "e" or t == "E" or t == "f" or t == "F" or t == "g" or t == "G" or t == "%" then
            return format_float(n + 0.0, f)
        end
        verr(sformat("Unknown format code %s for object of type '%s'", quotechar(t), tn))
    end

    -- ---- str ---------------------------------------------------------------------------

    local function format_str(s, f)
        if f.type ~= "s" then
            verr(sformat("Unknown format code %s for object of type 'str'", quotechar(f.type)))
        end
        if f.sign then
            verr(f.sign == " " and "Space not allowed in string format specifier"
                 or "Sign not allowed in string format specifier")
        end
        if f.z then
            verr("Negative zero coercion (z) not allowed in string format specifier")
        end
        if f.alt then
            verr("Alternate form (#) not allowed in string format specifier")
        end
        if f.align == "=" then
            verr("'=' alignment not allowed in string format specifier")
        end
        local len = slen(s)
        if f.prec >= 0 and len > f.prec then
            if isascii(s) then
                s = ssub(s, 1, f.prec)
            else
                s = ssub(s, 1, utf8offset(s, f.prec + 1) - 1)
            end
            len = f.prec
        end
        local total = max(f.width, len)
        local lpad = 0
        if f.align == ">" then
            lpad = total - len
        elseif f.align == "^" then
            lpad = (total - len) // 2
        end
        return srep(f.fill, lpad) .. s .. srep(f.fill, total - len - lpad)
    end

    -- ---- format(value, spec) -------------------------------------------------------------

    local function format_value(v, spec)
        local t = type(v)
        if t == "string" then
            if spec == "" then
                return v
            end
            return format_str(v, parse_spec(spec, "s", "<", "str"))
        elseif t == "number" then
            if mtype(v) == "integer" then
                if spec == "" then
                    return tostring(v)
                end
                return format_int(v, parse_spec(spec, "d", ">", "int"), "int")
            end
            if spec == "" then
                return float_repr(v)
            end
            return format_float(v, parse_spec(spec, "", ">", "float"))
        elseif t == "boolean" then
            if spec == "" then
                return v and "True" or "False"
            end
            return format_int(v and 1 or 0, parse_spec(spec, "d", ">", "bool"), "bool")
        elseif t == "userdata" then
            return rt.H("call", "format", v, spec)
        end
        if spec == "" then
            return rt.str(v)
        end
        throw("TypeError", sformat("unsupported format string passed to %s.__format__", tname(v)))
    end
    rt.format = format_value

    B.format = function(...)
        local n = select("#", ...)
        if n == 0 then
            throw("TypeError", "format expected at least 1 argument, got 0")
        elseif n > 2 then
            throw("TypeError", sformat("format expected at most 2 arguments, got %d", n))
        end
        local v, spec = ...
        if n == 1 then
            spec = ""
        end
        if type(spec) ~= "string" then
            -- (Argument Clinic's message names None "None")
            throw("TypeError", sformat("format() argument 2 must be str, not %s",
                                       spec == nil and "None" or tname(spec)))
        end
        return format_value(v, spec)
    end

    -- ascii() of a str: repr with every non-ASCII character escaped (needs
    -- no Unicode database, unlike repr)
    local function ascii_str(s)
        local q = "'"
        if sfind(s, "'", 1, true) and not sfind(s, '"', 1, true) then
            q = '"'
        end
        local out = { q }
        for _, cp in utf8.codes(s) do
            local c
            if cp == 92 then
                c = "\\\\"
            elseif cp == sbyte(q) then
                c = "\\" .. q
            elseif cp == 10 then
                c = "\\n"
            elseif cp == 13 then
                c = "\\r"
            elseif cp == 9 then
                c = "\\t"
            elseif cp < 32 or cp == 127 or (cp >= 128 and cp < 256) then
                c = sformat("\\x%02x", cp)
            elseif cp < 128 then
                c = utf8char(cp)
            elseif cp < 0x10000 then
                c = sformat("\\u%04x", cp)
            else
                c = sformat("\\U%08x", cp)
            end
            out[#out + 1] = c
        end
        out[#out + 1] = q
        return concat(out)
    end

    local function ascii(v)
        if type(v) == "userdata" then
            return rt.H("call", "ascii", v)
        elseif type(v) == "string" then
            if utf8len(v) == nil then
                notimpl("a str that is not valid UTF-8")
            end
            return ascii_str(v)
        end
        local r = repr(v)     -- non-ASCII text already raises NotImplementedError
        if not isascii(r) then
            notimpl("ascii() of non-ASCII text")
        end
        return r
    end
    B.ascii = ascii

    -- the parts of an f-string (all str) joined
    B._fjoin = function(...)
        return concat({ ... })
    end

    -- f"{x}" is format(x, ""): str(x) for every value of the runtime, a
    -- Python object's own __format__ otherwise (a class defining it)
    B._fstr = function(v)
        if type(v) == "userdata" then
            return rt.H("call", "format", v, "")
        end
        return rt.str(v)
    end

    -- f"{x!r:spec}": the conversion runs after the spec was evaluated
    B._fconv = function(v, spec, conv)
        if conv == "repr" then
            v = repr(v)
        elseif conv == "ascii" then
            v = ascii(v)
        else
            v = rt.str(v)
        end
        return format_value(v, spec)
    end

    -- ---- str.format (unicode_format.h) -----------------------------------------------------

    -- an integer field name part, or nil (get_integer); ASCII digits only
    local function field_int(s)
        if s == "" then
            return nil
        end
        local acc = 0
        for _, cp in utf8.codes(s) do
            local d = decimal(utf8char(cp))
            if d == nil then
                return nil
            end
            if acc > (MAXI - d) // 10 then
                verr("Too many decimal digits in format string")
            end
            acc = acc * 10 + d
        end
        return acc
    end

    -- "{0.real}": the attribute as `o.name` reads it (types.lua)
    local function getattr(obj, name)
        return rt.getattr(obj, name)
    end

    local build   -- forward

    -- the field's object: first part, then .attr and [index] parts
    local function field_object(name, args, kw, auto)
        local i = sfind(name, "[%.%[]") or #name + 1
        local first, rest = ssub(name, 1, i - 1), ssub(name, i)
        local idx = field_int(first)
        local empty = first == ""
        if empty or idx then
            if auto.state == nil then
                auto.state = empty and "auto" or "manual"
            end
            if auto.state == "manual" and empty then
                verr("cannot switch from manual field specification to automatic field numbering")
            elseif auto.state == "auto" and not empty then
                verr("cannot switch from automatic field numbering to manual field specification")
            end
            if empty then
                idx = auto.n
                auto.n = auto.n + 1
            end
        end
        local obj
        if idx == nil then
            if args == nil then        -- str.format_map: kw is the mapping
                obj = rt.getitem(kw, first)
            elseif not kw["?" .. first] then
                throw("KeyError", first)
            else
                obj = kw[first]
            end
        else
            if args == nil then
                verr("Format string contains positional fields")
            end
            if idx >= args.n then
                throw("IndexError", sformat("Replacement index %d out of range for positional " ..
                                            "args tuple", idx))
            end
            obj = args[idx + 1]
        end
        local pos, n = 1, #rest
        while pos <= n do
            local c = ssub(rest, pos, pos)
            local part
            if c == "." then
                local j = sfind(rest, "[%.%[]", pos + 1) or n + 1
                part = ssub(rest, pos + 1, j - 1)
                if part == "" then
                    verr("Empty attribute in format string")
                end
                obj = getattr(obj, part)
                pos = j
            elseif c == "[" then
                local j = sfind(rest, "]", pos + 1, true)
                if j == nil then
                    verr("Missing ']' in format string")
                end
                part = ssub(rest, pos + 1, j - 1)
                if part == "" then
                    verr("Empty attribute in format string")
                end
                local k = field_int(part)
                obj = rt.getitem(obj, k == nil and part or k)
                pos = j + 1
            else
                verr("Only '.' or '[' may follow ']' in format field specifier")
            end
        end
        return obj
    end

    -- parse_field on s from byte i (just after '{'): name, conversion,
    -- spec, whether the spec needs expanding, next position
    local function parse_field(s, i, n)
        local c
        local start = i
        while i <= n do
            c = ssub(s, i, i)
            i = i + 1
            if c == "{" then
                verr("unexpected '{' in field name")
            elseif c == "[" then
                while i <= n and ssub(s, i, i) ~= "]" do
                    i = i + 1
                end
            elseif c == "}" or c == ":" or c == "!" then
                break
            end
            c = nil
        end
        local name = ssub(s, start, i - 2)
        if c == nil then
            name = ssub(s, start, n)
        end
        local conv, spec, expand = nil, "", false
        if c == "!" or c == ":" then
            if c == "!" then
                if i > n then
                    verr("end of string while looking for conversion specifier")
                end
                local j = utf8offset(s, 2, i) or n + 1
                conv = ssub(s, i, j - 1)
                i = j
                if i <= n then
                    local d = ssub(s, i, i)
                    i = i + 1
                    if d == "}" then
                        return name, conv, "", false, i
                    end
                    if d ~= ":" then
                        verr("expected ':' after conversion specifier")
                    end
                end
            end
            local sstart, count = i, 1
            while i <= n do
                local d = ssub(s, i, i)
                i = i + 1
                if d == "{" then
                    expand = true
                    count = count + 1
                elseif d == "}" then
                    count = count - 1
                    if count == 0 then
                        spec = ssub(s, sstart, i - 2)
                        return name, conv, spec, expand, i
                    end
                end
            end
            verr("unmatched '{' in format spec")
        elseif c ~= "}" then
            verr("expected '}' before end of string")
        end
        return name, conv, spec, expand, i
    end

    local function convert(v, conv)
        if conv == "r" then
            return repr(v)
        elseif conv == "s" then
            return rt.str(v)
        elseif conv == "a" then
            return ascii(v)
        end
        local cp = utf8cp(conv)
        if cp > 32 and cp < 127 then
            verr("Unknown conversion specifier " .. conv)
        end
        verr(sformat("Unknown conversion specifier \\x%x", cp))
    end

    -- MarkupIterator over s: a list of items, {lit = text} or {name =,
    -- conv =, spec =, expand =}, ending with {err = message} where CPython's
    -- parse fails (it parses as it goes, so earlier fields still run first)
    local function parse_markup(s, items)
        local i, n = 1, #s
        while i <= n do
            local j = sfind(s, "[{}]", i)
            if j == nil then
                items[#items + 1] = { lit = ssub(s, i) }
                break
            end
            local c = ssub(s, j, j)
            local nextc = ssub(s, j + 1, j + 1)
            if c == "}" and nextc ~= "}" then
                verr("Single '}' encountered in format string")
            end
            if c == "{" and j == n then
                verr("Single '{' encountered in format string")
            end
            if nextc == c then         -- an escaped brace
                items[#items + 1] = { lit = ssub(s, i, j) }
                i = j + 2
            else
                if j > i then
                    items[#items + 1] = { lit = ssub(s, i, j - 1) }
                end
                local it = {}
                items[#items + 1] = it
                it.name, it.conv, it.spec, it.expand, i = parse_field(s, j + 1, n)
            end
        end
    end

    local markup_cache, markup_count = {}, 0     -- parsed format strings (bounded)

    local function markup(s)
        local items = markup_cache[s]
        if items then
            return items
        end
        items = {}
        local ok, e = pcall(parse_markup, s, items)
        if not ok then
            if getmetatable(e) ~= EXC then
                error(e, 0)
            end
            local last = items[#items]
            if last and last.lit == nil and last.spec == nil then
                items[#items] = nil        -- the field whose parse failed
            end
            items[#items + 1] = { err = e.args[1] }
        end
        if markup_count >= 256 then
            markup_cache, markup_count = {}, 0
        end
        markup_cache[s] = items
        markup_count = markup_count + 1
        return items
    end

    build = function(s, args, kw, depth, auto)
        if depth <= 0 then
            verr("Max string recursion exceeded")
        end
        local items = markup(s)
        local out = {}
        for k = 1, #items do
            local it = items[k]
            if it.lit then
                out[k] = it.lit
            elseif it.err then
                verr(it.err)
            else
                local v = field_object(it.name, args, kw, auto)
                if it.conv then
                    v = convert(v, it.conv)
                end
                local spec = it.spec
                if it.expand then
                    spec = build(spec, args, kw, depth - 1, auto)
                end
                out[k] = format_value(v, spec)
            end
        end
        return concat(out)
    end

    M.str.format = function(s, ...)
        local args, kw = { n = 0 }, {}
        for k = 1, select("#", ...) do
            local a = select(k, ...)
            if getmetatable(a) == KW then
                if kw["?" .. a.name] then
                    throw("TypeError", sformat("format() got multiple values for keyword " ..
                                               "argument '%s'", a.name))
                end
                kw[a.name] = a.v
                kw["?" .. a.name] = true
            else
                args.n = args.n + 1
                args[args.n] = a
            end
        end
        return build(s, args, kw, 2, { state = nil, n = 0 })
    end

    M.str.format_map = function(s, ...)
        local n = select("#", ...)
        if n ~= 1 then
            throw("TypeError", sformat("str.format_map() takes exactly one argument (%d given)", n))
        end
        local mapping = ...
        if getmetatable(mapping) == KW then
            throw("TypeError", "str.format_map() takes no keyword arguments")
        end
        return build(s, nil, mapping, 2, { state = nil, n = 0 })
    end

    -- ---- %-formatting (PyUnicode_Format) --------------------------------------------------

    local function char_index(fmt, bytepos)   -- 0-based character index of a byte
        return slen(ssub(fmt, 1, bytepos - 1))
    end

    -- _PyUnicode_FormatLong: "-"? ("0x"|"0X"|"0o")? digits, prec digits at least
    local function format_long(n, alt, prec, t)
        local base = (t == "o") and 8 or (t == "x" or t == "X") and 16 or 10
        local digits = tobase(n, base)
        if prec > #digits then
            digits = srep("0", prec - #digits) .. digits
        end
        local prefix = ""
        if alt and base ~= 10 then
            prefix = base == 8 and "0o" or "0x"
        end
        local s = (n < 0 and "-" or "") .. prefix .. digits
        if t == "X" then
            s = s:gsub("[a-x]", string.upper)
        end
        return s
    end

    -- one conversion's spec text again, '*' resolved ("%-+ #0W.PC")
    local function pct_spec(a)
        return "%" .. (a.left and "-" or "") .. (a.plus and "+" or "") ..
               (a.blank and " " or "") .. (a.alt and "#" or "") .. (a.zero and "0" or "") ..
               (a.width >= 0 and a.width or "") .. (a.prec >= 0 and "." .. a.prec or "") .. a.ch
    end

    local function pct_value(v, a, fmt, cpos)
        local ch = a.ch
        if ch == "s" or ch == "r" or ch == "a" then
            if ch == "s" then
                return rt.str(v)
            elseif ch == "r" then
                return repr(v)
            end
            return ascii(v)
        elseif ch == "d" or ch == "i" or ch == "u" or ch == "o" or ch == "x" or ch == "X" then
            local iv
            if type(v) == "boolean" then
                iv = v and 1 or 0
            elseif mtype(v) == "integer" then
                iv = v
            elseif mtype(v) == "float" and not (ch == "o" or ch == "x" or ch == "X") then
                if v == v and v ~= huge and v ~= -huge and (v >= 2.0^63 or v < -2.0^63) then
                    -- an integral float beyond 64 bits: its exact digits
                    a.sign = true
                    local s = sformat("%.0f", v)
                    local neg = ssub(s, 1, 1) == "-"
                    local digits = neg and ssub(s, 2) or s
                    if a.prec > #digits then
                        digits = srep("0", a.prec - #digits) .. digits
                    end
                    return (neg and "-" or "") .. digits
                end
                iv = float_to_int(v)
            elseif mtype(v) == "float" then
                throw("TypeError", sformat("%%%s format: an integer is required, not float", ch))
            else
                throw("TypeError", sformat("%%%s format: %s is required, not %s", ch,
                                           (ch == "o" or ch == "x" or ch == "X") and
                                           "an integer" or "a real number", tname(v)))
            end
            a.sign = true
            return format_long(iv, a.alt, a.prec, ch)
        elseif ch == "e" or ch == "E" or ch == "f" or ch == "F" or ch == "g" or ch == "G" then
            local x = num(v)
            if x == nil then
                throw("TypeError", sformat("must be real number, not %s", tname(v)))
            end
            a.sign = true
            if mtype(x) == "integer" then
                x = x + 0.0
            end
            local s, neg = dtos(x, ch, a.prec < 0 and 6 or a.prec, a.alt, false, false)
            return (neg and "-" or "") .. s
        elseif ch == "c" then
            if type(v) == "string" then
                if slen(v) == 1 then
                    return v
                end
                throw("TypeError", "%c requires int or char")
            end
            local iv = (type(v) == "boolean" and (v and 1 or 0)) or
                       (mtype(v) == "integer" and v) or nil
            if iv == nil then
                throw("TypeError", "%c requires int or char")
            end
            if iv < 0 or iv > 0x10ffff then
                throw("OverflowError", "%c arg not in range(0x110000)")
            end
            if iv >= 0xD800 and iv <= 0xDFFF then
                notimpl("a surrogate character")
            end
            return utf8char(iv)
        end
        local c = utf8cp(ch)
        verr(sformat("unsupported format character '%s' (0x%x) at index %d",
                     (c >= 31 and c <= 126) and ch or "?", c, char_index(fmt, cpos)))
    end

    -- unicode_format_arg_output: sign, width, fill, alternate prefix
    local function pct_output(s, a)
        if a.width == -1 and a.prec == -1 and not (a.plus or a.blank) then
            return s                    -- CPython's fast path: as it is
        end
        local fill = (a.sign and a.zero) and "0" or " "
        local len = slen(s)
        local ch = a.ch
        if (ch == "s" or ch == "r" or ch == "a") and a.prec >= 0 and len > a.prec then
            s = isascii(s) and ssub(s, 1, a.prec) or ssub(s, 1, utf8offset(s, a.prec + 1) - 1)
            len = a.prec
        end
        local signchar = ""
        local hassign = a.sign
        if hassign then
            local c0 = ssub(s, 1, 1)
            if c0 == "-" or c0 == "+" then
                signchar = c0
                s = ssub(s, 2)
                len = len - 1
            elseif a.plus then
                signchar = "+"
            elseif a.blank then
                signchar = " "
            else
                hassign = false
            end
        end
        local width = max(a.width, len)
        local out = {}
        if hassign then
            if fill ~= " " then
                out[#out + 1] = signchar
            end
            if width > len then
                width = width - 1
            end
        end
        local prefix = ""
        if a.alt and (ch == "x" or ch == "X" or ch == "o") then
            prefix = ssub(s, 1, 2)
            s = ssub(s, 3)
            if fill ~= " " then
                out[#out + 1] = prefix
            end
            width = max(width - 2, 0)
            len = len - 2
        end
        if width > len and not a.left then
            out[#out + 1] = srep(fill, width - len)
            width = len
        end
        if fill == " " then
            if hassign then
                out[#out + 1] = signchar
            end
            out[#out + 1] = prefix
        end
        out[#out + 1] = s
        if width > len then
            out[#out + 1] = srep(" ", width - len)
        end
        return concat(out)
    end

    -- unicode_format_getnextarg; st = {cur =, arglen =, argidx =}
    local function nextarg(st)
        local argidx = st.argidx
        if argidx < st.arglen then
            st.argidx = argidx + 1
            if st.arglen < 0 then
                return st.cur
            end
            return st.cur[argidx + 1]
        end
        throw("TypeError", "not enough arguments for format string")
    end

    local function intarg(st)          -- a '*' width or precision
        local v = nextarg(st)
        if mtype(v) ~= "integer" and type(v) ~= "boolean" then
            throw("TypeError", "* wants int")
        end
        return num(v)
    end

    local function pct_format(fmt, args)
        local mt = getmetatable(args)
        local st = { cur = args, arglen = -1, argidx = -2 }
        if mt == TUPLE then
            st.arglen, st.argidx = args.n, 0
        end
        -- CPython takes any argument with __getitem__ (PyMapping_Check) but a
        -- tuple or str as the mapping: a list, a range ('b' % range(4) is 'b')
        local dict = nil
        if mt == DICT or mt == LIST or (EXT[mt] ~= nil and EXT[mt].getitem ~= nil) then
            dict = args
        end
        local out, no = {}, 0
        local i, n = 1, #fmt
        while i <= n do
            local j = sfind(fmt, "%", i, true)
            if j == nil then
                no = no + 1
                out[no] = ssub(fmt, i)
                break
            end
            if j > i then
                no = no + 1
                out[no] = ssub(fmt, i, j - 1)
            end
            i = j + 1
            if ssub(fmt, i, i) == "%" then
                no = no + 1
                out[no] = "%"
                i = i + 1
            else
                local a = { width = -1, prec = -1, sign = false }
                local c = ssub(fmt, i, i)
                if c == "(" then
                    if dict == nil then
                        throw("TypeError", "format requires a mapping")
                    end
                    local depth, k = 1, i + 1
                    while k <= n do
                        local d = ssub(fmt, k, k)
                        if d == ")" then
                            depth = depth - 1
                            if depth == 0 then
                                break
                            end
                        elseif d == "(" then
                            depth = depth + 1
                        end
                        k = k + 1
                    end
                    if depth > 0 or k >= n then
                        verr("incomplete format key")
                    end
                    st.cur = rt.getitem(dict, ssub(fmt, i + 1, k - 1))
                    st.arglen, st.argidx = -1, -2
                    i = k + 1
                end
                -- flags
                while i <= n do
                    c = ssub(fmt, i, i)
                    if c == "-" then
                        a.left = true
                    elseif c == "+" then
                        a.plus = true
                    elseif c == " " then
                        a.blank = true
                    elseif c == "#" then
                        a.alt = true
                    elseif c == "0" then
                        a.zero = true
                    else
                        break
                    end
                    i = i + 1
                end
                -- width
                if c == "*" then
                    local w = intarg(st)
                    if w < 0 then
                        a.left = true
                        w = -w
                    end
                    a.width = w
                    i = i + 1
                else
                    local ds = fmt:match("^%d+", i)
                    if ds then
                        local w = tointeger(tonumber(ds))
                        if w == nil then
                            verr("width too big")
                        end
                        a.width = w
                        i = i + #ds
                    end
                end
                -- precision
                if ssub(fmt, i, i) == "." then
                    a.prec = 0
                    i = i + 1
                    if ssub(fmt, i, i) == "*" then
                        local p = intarg(st)
                        if p > 2147483647 or p < -2147483648 then
                            throw("OverflowError", "Python int too large to convert to C int")
                        end
                        a.prec = max(p, 0)
                        i = i + 1
                    else
                        local ds = fmt:match("^%d+", i)
                        if ds then
                            local p = tointeger(tonumber(ds))
                            if p == nil or p > 2147483647 then
                                verr("precision too big")
                            end
                            a.prec = p
                            i = i + #ds
                        end
                    end
                end
                c = ssub(fmt, i, i)
                if c == "h" or c == "l" or c == "L" then
                    i = i + 1
                end
                if i > n then
                    verr("incomplete format")
                end
                local e = utf8offset(fmt, 2, i) or n + 1
                a.ch = ssub(fmt, i, e - 1)
                local cpos = i
                i = e
                local v = nextarg(st)
                if a.width > 100000000 or a.prec > 100000000 then
                    notimpl("a %-format width or precision beyond 10**8")
                end
                no = no + 1
                if type(v) == "userdata" and not (a.ch == "s" or a.ch == "r" or a.ch == "a") then
                    -- a Python object in a numeric conversion: Python formats
                    -- this one conversion (as a 1-tuple: v may be a tuple)
                    out[no] = rt.H("op", "mod", pct_spec(a), rt.H("tuple", v))
                else
                    out[no] = pct_output(pct_value(v, a, fmt, cpos), a)
                end
                if dict and st.argidx < st.arglen then
                    throw("TypeError", "not all arguments converted during string formatting")
                end
            end
        end
        if st.argidx < st.arglen and not dict then
            throw("TypeError", "not all arguments converted during string formatting")
        end
        return concat(out, "", 1, no)
    end

    -- str % value (rt.mod dispatches here for a str left operand)
    rt.strmod = function(fmt, args)
        if type(args) == "userdata" then
            return rt.H("op", "mod", fmt, args)
        end
        return pct_format(fmt, args)
    end
end
