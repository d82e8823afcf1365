"""The Lua text of standalone files made by `tandem translate --to lua`
(tandem/xcmd.py): the host-less glue appended to the runtime library pyrt,
and the frame of a translated module. docs/translation.md, "tandem translate".
"""

# Appended to pyrt (which ends `return rt`) inside `(function() ... end)()`:
# what the Python host gives translated code in a LuaRuntime, done in Lua.
# rt.H stays nil: pyrt's host-less mode (an int leaving 64 bits raises
# OverflowError, print writes to io.stdout, globals are a Lua table).
GLUE = r'''
-- ---- standalone host (tandem translate) -------------------------------------------
rt.H = nil
-- the epoch of translated code's global cache (lxlate.c's G): only a write
-- or a deletion of a module global (SA.module's hook) can change a global
local epoch = 1
rt.epoch = function() return epoch end
rt.hpure = function(h, ...) return h(...) end    -- no crossing to count here
rt.xf = setmetatable({}, { __mode = "k" })   -- translated functions: called directly
do
    -- the C fast paths of the adapter (lxfast.c) are the Lua helpers here
    local F = {}
    for _, k in ipairs({ "add", "iadd", "sub", "mul", "imul", "mod", "floordiv", "lt", "le",
                         "gt", "ge", "eq", "ne", "truth", "getitem", "setitem", "range", "dincr",
                         "aincr", "truediv", "itruediv" }) do
        F[k] = rt[k]
    end
    F.ints = function(...)
        for i = 1, select("#", ...) do
            if math.type((select(i, ...))) ~= "integer" then
                return false
            end
        end
        return true
    end
    F.numk = function(...)
        local ints, flts = true, true
        for i = 1, select("#", ...) do
            local t = math.type((select(i, ...)))
            if t == "integer" then
                flts = false
            elseif t == "float" then
                ints = false
            else
                return false, false
            end
        end
        return ints, flts and not ints
    end
    F.lchk = function(n, ...)
        return select("#", ...) == n and F.ints(...)
    end
    F.lchk2 = function(n, ...)
        if select("#", ...) ~= n then
            return false
        end
        local ints, flts = F.numk(...)
        return ints and 1 or flts and 2 or false
    end
    F.isint = function(v) return math.type(v) == "integer" end
    F.append = function(o, x) return rt.method(o, "append", x) end
    F.get = function(d, ...) return rt.method(d, "get", ...) end
    rt.fast = F
end

-- an exception that reaches plain Lua code prints as Python shows it
rt.EXC.__tostring = function(e)
    local ok, msg = pcall(rt.str, e)
    msg = ok and msg or "?"
    return e.cls.name .. (msg ~= "" and ": " .. msg or "")
end

-- hash() of a str without the host: CPython 3.11's, siphash13 over the
-- string's PEP 393 data (1, 2 or 4 bytes per code point, little-endian) with
-- the key of PYTHONHASHSEED=0 (k0 = k1 = 0), so sets of strings iterate as
-- they do in CPython run with PYTHONHASHSEED=0.
do
    local function rotl(x, b)
        return (x << b) | (x >> (64 - b))
    end
    local function round(v0, v1, v2, v3)
        v0 = v0 + v1; v2 = v2 + v3
        v1 = rotl(v1, 13) ~ v0; v3 = rotl(v3, 16) ~ v2
        v0 = rotl(v0, 32)
        v2 = v2 + v1; v0 = v0 + v3
        v1 = rotl(v1, 17) ~ v2; v3 = rotl(v3, 21) ~ v0
        v2 = rotl(v2, 32)
        return v0, v1, v2, v3
    end
    local function siphash13(bytes, n)
        local v0 = 0x736f6d6570736575
        local v1 = 0x646f72616e646f6d
        local v2 = 0x6c7967656e657261
        local v3 = 0x7465646279746573
        local i = 1
        while n - i + 1 >= 8 do
            local mi = 0
            for j = 7, 0, -1 do
                mi = (mi << 8) | bytes[i + j]
            end
            i = i + 8
            v3 = v3 ~ mi
            v0, v1, v2, v3 = round(v0, v1, v2, v3)
            v0 = v0 ~ mi
        end
        local t = 0
        for j = n, i, -1 do
            t = (t << 8) | bytes[j]
        end
        local b = (n << 56) | t
        v3 = v3 ~ b
        v0, v1, v2, v3 = round(v0, v1, v2, v3)
        v0 = v0 ~ b
        v2 = v2 ~ 0xff
        v0, v1, v2, v3 = round(v0, v1, v2, v3)
        v0, v1, v2, v3 = round(v0, v1, v2, v3)
        v0, v1, v2, v3 = round(v0, v1, v2, v3)
        return (v0 ~ v1) ~ (v2 ~ v3)
    end
    rt.strhash = function(s)
        if s == "" then
            return 0
        end
        local cps, kind = {}, 1
        for _, c in utf8.codes(s, true) do
            cps[#cps + 1] = c
            if c > 0xffff then
                kind = 4
            elseif c > 0xff and kind < 2 then
                kind = 2
            end
        end
        local bytes, n = {}, 0
        for _, c in ipairs(cps) do
            for _ = 1, kind do
                n = n + 1
                bytes[n] = c & 0xff
                c = c >> 8
            end
        end
        local h = siphash13(bytes, n)
        return h == -1 and -2 or h
    end
end

local SA = {}
rt.standalone = SA
local argv = nil        -- sys.argv (a list), set by the module run as a script

rt.builtins.tdm_argv = function()
    if argv == nil then
        argv = rt.list_of()
        rt.method(argv, "append", "")
    end
    return argv
end

-- sys.stdout, sys.stderr: what print(file=) writes to (call.lua)
local STREAM = { __name = "TextIOWrapper" }
local stdout = setmetatable({ tdm_stream = io.stdout }, STREAM)
local stderr = setmetatable({ tdm_stream = io.stderr }, STREAM)
rt.builtins.tdm_stdout = function() return stdout end
rt.builtins.tdm_stderr = function() return stderr end

-- sys.exit(code): raise SystemExit(code); sys.exit(None) is SystemExit()
-- as sys.exit() (CPython sets the exception with no value)
rt.builtins.tdm_exit = function(...)
    if select("#", ...) == 1 and ... == nil then
        rt.raise(rt.call(rt.builtins.SystemExit))
    end
    rt.raise(rt.call(rt.builtins.SystemExit, ...))
end

-- The globals of one module: names -> values (None kept as a marker), and
-- the host hook its functions read and write them through.
function SA.module(file, name)
    local M = { file = file, vals = {}, defined = {}, funcs = {} }
    local vals, defined = M.vals, M.defined
    vals.__name__, defined.__name__ = name, true
    M.H = function(op, _, n, v)
        if op == "global" then
            if not defined[n] then
                -- a module global with a builtin's name, not bound (yet, or
                -- any more): the builtin, as CPython's lookup falls back
                -- (`max = max(values)`, `del len`)
                local b = rt.builtins[n]
                if b ~= nil and not string.find(n, "^_") and not string.find(n, "^tdm_") then
                    return b
                end
                rt.throw("NameError", string.format("name '%s' is not defined", n))
            end
            return vals[n]
        elseif op == "setglobal" then
            vals[n], defined[n] = v, true
            epoch = epoch + 1
            return nil
        elseif op == "delglobal" then
            if not defined[n] then
                rt.throw("NameError", string.format("name '%s' is not defined", n))
            end
            vals[n], defined[n] = nil, nil
            epoch = epoch + 1
            return nil
        end
        rt.throw("NotImplementedError", "'" .. tostring(op) ..
                 "' needs the Python host (tandem translate)")
    end
    rt.chunks["@" .. file] = true
    return M
end

-- Load the generated source of function i (0-based: the K of its chunk).
function SA.load(M, i, name, src)
    local chunk, err = load(src, "@" .. M.file, "t")
    if chunk == nil then
        error("tandem translate produced invalid Lua (a tandem bug): " .. err, 0)
    end
    local f = rt.joindepth(chunk())(rt, M.H, i, name)
    rt.fnames[f] = name
    rt.xf[f] = true
    M.funcs[i + 1] = f
    return f
end

-- Bind the module's functions, run its body, return its table of globals.
-- As a script (ismain): sys.argv from arg, an exception that escapes prints
-- a traceback and exits 1, SystemExit exits with its code, as CPython does.
function SA.run(M, names, body, ismain)
    for i, n in ipairs(names) do
        M.vals[n], M.defined[n] = M.funcs[i], true
    end
    epoch = epoch + 1
    if ismain then
        local a = rt.builtins.tdm_argv()
        rt.setitem(a, 0, arg[0])
        for i = 1, #arg do
            rt.method(a, "append", arg[i])
        end
    end
    local saved = rt.getdepth()
    local ok, e = xpcall(body, rt.handler)
    rt.setdepth(saved)
    if not ok then
        if not ismain then
            error(e, 0)
        end
        io.stdout:flush()
        if getmetatable(e) == rt.EXC and e.cls.name == "SystemExit" then
            local code = e.args.n > 0 and e.args[1] or nil
            if e.args.n > 1 then
                code = e.args
            end
            if code == nil then
                os.exit(0)
            elseif math.type(code) == "integer" then
                os.exit(code & 0xff)
            elseif code == true or code == false then
                os.exit(code and 1 or 0)
            end
            io.stderr:write(rt.str(code), "\n")
            os.exit(1)
        end
        io.stderr:write("Traceback (most recent call last):\n")
        if getmetatable(e) == rt.EXC then
            if e.file then
                local fn = e.func == "__tandem_module__" and "<module>" or e.func or "?"
                io.stderr:write(string.format('  File "%s", line %d, in %s\n', e.file,
                                              e.line or 0, fn))
            end
            local ok2, msg = pcall(rt.str, e)
            msg = ok2 and msg or "?"
            io.stderr:write(e.cls.name, msg ~= "" and ": " .. msg or "", "\n")
        else
            io.stderr:write("tandem runtime error: ", tostring(e), "\n")
        end
        os.exit(1)
    end
    local t = {}
    for n in pairs(M.defined) do
        t[n] = M.vals[n]
    end
    return t
end
'''


def runtime_module(pyrt: str) -> str:
    """tandem_pyrt.lua: pyrt and the glue, returning rt."""
    return ("-- tandem_pyrt.lua: the runtime library of Python semantics (pyrt) for files\n"
            "-- made by `tandem translate --to lua`; plain Lua 5.4. Generated: do not edit.\n"
            "local rt = (function(...)\n" + pyrt.rstrip("\n") + "\nend)()\n" + GLUE +
            "return rt\n")


def long_string(s: str) -> str:
    """s as a Lua long string literal (a level whose closing bracket s lacks)."""
    k = 0
    while ("]" + "=" * k + "]") in s:
        k += 1
    eq = "=" * k
    return "[%s[\n%s]%s]" % (eq, s, eq)


def quote(s: str) -> str:
    """s as a Lua short string literal."""
    out = []
    for ch in s.encode("utf-8"):
        if ch in (34, 92) or ch < 32 or ch > 126:
            out.append("\\%03d" % ch)
        else:
            out.append(chr(ch))
    return '"' + "".join(out) + '"'


def module_file(source: str, modname: str, funcs, body: int, runtime_text=None) -> str:
    """The Lua file of a translated module. funcs: (name, Lua source) of each
    IR function in IR order; body: the index of the module body's function.
    runtime_text: tandem_pyrt.lua's text to inline (--single-file), or None
    to require it from the directory of the file."""
    out = ["-- Generated by `tandem translate %s --to lua`: do not edit." % source,
           "-- Runs under plain Lua 5.4: require it for the module's table, or run it",
           "-- as a script (its `if __name__ == \"__main__\":` block runs)."]
    out.append('local here = debug.getinfo(1, "S").source')
    out.append('local ismain = arg ~= nil and arg[0] ~= nil and here == "@" .. arg[0]')
    if runtime_text is None:
        out.append("local rt = package.loaded.tandem_pyrt")
        out.append("if rt == nil then")
        out.append('    local dir = here:match("^@(.*[/\\\\])") or ""')
        out.append('    local path = assert(package.searchpath("tandem_pyrt", dir .. "?.lua;" '
                   '.. package.path))')
        out.append("    rt = dofile(path)")
        out.append("    package.loaded.tandem_pyrt = rt")
        out.append("end")
    else:
        out.append("local rt = (function(...)")
        out.append(runtime_text.rstrip("\n"))
        out.append("end)()")
    out.append("local SA = rt.standalone")
    out.append("local M = SA.module(%s, ismain and \"__main__\" or %s)"
               % (quote(source), quote(modname)))
    names = []
    for i, (name, src) in enumerate(funcs):
        out.append("")
        out.append("-- %s" % name)
        out.append("SA.load(M, %d, %s, %s)" % (i, quote(name), long_string(src)))
        if i != body:
            names.append(quote(name))
    out.append("")
    out.append("return SA.run(M, {%s}, M.funcs[%d], ismain)" % (", ".join(names), body + 1))
    return "\n".join(out) + "\n"
