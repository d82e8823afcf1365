-- pyrt/core.lua — Python semantics for translated code (docs/translation.md).
--
-- Plain Lua 5.4, loaded once per Lua state by the translator's back end
-- (adapters/lua/lxlate.c embeds it). pyrt is one chunk made of this file, then
-- every other adapters/lua/pyrt/*.lua in name order (each a `do ... end`
-- block that sees this file's locals and adds to rt), then end.lua. Values:
--   None -> nil, bool -> boolean, int -> integer (never wraps: OverflowError),
--   float -> float, str -> UTF-8 string, list/tuple -> {n=, [1..n]} with the
--   LIST/TUPLE metatable (None is an element, not a hole), dict -> insertion
--   ordered table with Python key equality (1 == 1.0 == True), exceptions ->
--   instances of a class hierarchy mirroring Python's builtins.
-- Objects from Python (proxies) are reached through the host hook H.
-- Every helper either gives CPython's answer or raises a Python exception;
-- where exactness is out of reach it raises NotImplementedError.

local rt = {}
local mtype, floor, huge = math.type, math.floor, math.huge
local MAXI, MINI = math.maxinteger, math.mininteger
local sfind, ssub, sformat, sbyte, srep = string.find, string.sub, string.format, string.byte,
    string.rep
local concat, pack, unpack = table.concat, table.pack, table.unpack
local utf8len, utf8offset, utf8char, utf8cp = utf8.len, utf8.offset, utf8.char, utf8.codepoint
-- the debug library: the adapter passes a table of its own (lxlate.c
-- push_pyrt), so that translation works in a state whose `debug` global was
-- removed, as sandboxes do; standalone files (tandem translate) use the global
local debug = ... or debug
local getinfo = debug.getinfo
local getupvalue, upvaluejoin = debug.getupvalue, debug.upvaluejoin

local LIST = { __name = "list" }
local TUPLE = { __name = "tuple" }
local DICT = { __name = "dict" }
local EXC = { __name = "exception" }
local CLASS = { __name = "class" }
local ITER = { __name = "iterator" }   -- {f = next function}: lazy iterators
local KW = { __name = "keyword" }      -- {name =, v =}: a keyword argument
local VIEW = { __name = "dict view" }  -- {d =, kind = "keys"|"values"|"items"}: live
rt.LIST, rt.TUPLE, rt.DICT, rt.EXC = LIST, TUPLE, DICT, EXC
-- Types defined in other pyrt files (set.lua): metatable -> {kind = type name,
-- len, repr, eq, lt, le, contains, iter, export, binop, hashable}
local EXT = {}
rt.EXT = EXT
rt.UNB = setmetatable({}, { __name = "unbound" })
local NONEKEY = setmetatable({}, { __name = "None key" })
local DELETED = setmetatable({}, { __name = "deleted" })

rt.chunks = {}      -- chunk source ("@file.py") -> true for translated code
-- chunk source -> {output line -> Python line} for the lines of translated
-- code whose statements are of an earlier Python line (lxlate.c lmap_add)
rt.lines = {}
-- chunk source -> {first, last, qualified name, ...}: the output lines of
-- each nested function of translated code (lxlate.c span_add), innermost
-- last among those containing a line
rt.spans = {}
function rt.funcspans(src, s)
    local t = rt.spans[src]
    if t == nil then
        rt.spans[src] = s
        return
    end
    for i = 1, #s do
        t[#t + 1] = s[i]
    end
end

-- The simple name of the innermost function of chunk src running output
-- line l, or nil (a field: the main chunk is at Lua's 200 locals)
function rt.spanname(src, l)
    local s = rt.spans[src]
    if s == nil then
        return nil
    end
    local best, width
    for i = 1, #s, 3 do
        local a, b = s[i], s[i + 1]
        if a <= l and l <= b and (width == nil or b - a <= width) then
            best, width = s[i + 2], b - a
        end
    end
    return best and best:match("[^.]*$")
end
function rt.linemap(src, m)
    local t = rt.lines[src]
    if t == nil then
        t = {}
        rt.lines[src] = t
    end
    for k, v in pairs(m) do
        t[k] = v
    end
end
rt.fnames = {}      -- translated Lua function -> Python name
-- Top-level translated functions with a plain signature have a fixed-arity
-- body beside the function value (lxlate.c, gen_func): BODY(params..., TT)
-- runs the function once its arguments are counted (TT true: every argument
-- is known to be an integer). rt.xb[k][f] is f's body when f takes exactly k
-- positional arguments (translated call sites passing k arguments call it
-- directly); rt.xinfo[f] = {body, nparams, leaf}; bodyfn[body] = f.
local weakk = { __mode = "k" }
rt.xb = setmetatable({}, { __index = function(t, k)
    local w = setmetatable({}, weakk)
    rawset(t, k, w)
    return w
end })
rt.xinfo = setmetatable({}, weakk)
local bodyfn = setmetatable({}, weakk)
-- the general entry of f, for the entry of its leaf (rt.entry, gen_leaf)
function rt.slowentry(f, ...)
    return rt.xinfo[f].slow(...)
end
function rt.xreg(f, body, np, leaf)
    rt.xb[np][f] = body
    rt.xinfo[f] = { body, np, leaf or false }
    bodyfn[body] = f
    if leaf then
        bodyfn[leaf] = f
    end
    return f
end
-- The recursion depth of translated code and its limit: two locals of this
-- chunk, and upvalues of every translated function, which reads and writes
-- them with one instruction each (a table field cost ~50 instructions per
-- access). The loader joins each translated chunk's DEPTH and MAXD to these
-- (rt.joindepth, which the adapter's loader and standalone files call), through depthcell,
-- whose upvalues 1 and 2 they are.
local DEPTH, MAXD = 0, 1000
function rt.depthcell() return DEPTH, MAXD end
function rt.getdepth() return DEPTH end
function rt.setdepth(d) DEPTH = d end
-- Join function f's upvalues named DEPTH and MAXD (if it has them) to the
-- runtime's: what every loader of translated chunks does before running one.
function rt.joindepth(f)
    local i = 1
    while true do
        local n = getupvalue(f, i)
        if n == nil then
            return f
        elseif n == "DEPTH" then
            upvaluejoin(f, i, rt.depthcell, 1)
        elseif n == "MAXD" then
            upvaluejoin(f, i, rt.depthcell, 2)
        end
        i = i + 1
    end
end
rt.H = nil          -- host hook (Python callable): set by the back end

-- ---- exceptions -------------------------------------------------------------

local classes = {}
local function defclass(name, base)
    local c = setmetatable({ name = name, base = base and classes[base] }, CLASS)
    classes[name] = c
    return c
end
defclass("BaseException")
defclass("Exception", "BaseException")
defclass("SystemExit", "BaseException")
defclass("ArithmeticError", "Exception")
defclass("ZeroDivisionError", "ArithmeticError")
defclass("OverflowError", "ArithmeticError")
defclass("LookupError", "Exception")
defclass("KeyError", "LookupError")
defclass("IndexError", "LookupError")
defclass("ValueError", "Exception")
defclass("TypeError", "Exception")
defclass("NameError", "Exception")
defclass("UnboundLocalError", "NameError")
defclass("AssertionError", "Exception")
defclass("RuntimeError", "Exception")
defclass("NotImplementedError", "RuntimeError")
defclass("RecursionError", "RuntimeError")
defclass("AttributeError", "Exception")
defclass("StopIteration", "Exception")
defclass("MemoryError", "Exception")
rt.classes = classes

local function mktuple(...)
    local t = pack(...)
    return setmetatable(t, TUPLE)
end
rt.tuple_of = mktuple
rt.tunpack = table.unpack     -- (many items: lxlate.c's join)

-- Where translated code is running: (file, line, function name) of the
-- innermost translated frame. Each level's function is read first: the
-- runtime's own functions (and any other function of a chunk that is not
-- translated code) are remembered, so their source ("S", the costly part
-- of getinfo: 460 of 490 ns) is read once per function, not per error.
local where
do
    local other = setmetatable({}, { __mode = "k" })
    function where()
        for level = 3, 40 do
            local info = getinfo(level, "f")
            if info == nil then
                break
            end
            local fn = info.func
            if not other[fn] then
                info = getinfo(level, "Sl")
                if rt.chunks[info.source] then
                    local m = rt.lines[info.source]
                    return ssub(info.source, 2), m and m[info.currentline] or info.currentline,
                           rt.fnames[fn] or rt.fnames[bodyfn[fn] or fn]
                           or rt.spanname(info.source, info.currentline) or "?"
                end
                other[fn] = true
            end
        end
        return "?", 0, "?"
    end
end

local function newexc(cls, ...)
    local e = setmetatable({ cls = cls, args = mktuple(...) }, EXC)
    return e
end

-- Raise a fresh exception of class `name` with the given args.
-- A refusal (NotImplementedError "... (tandem translation)": something the
-- translation does not reproduce, met at run time) is marked: no `except`
-- of translated code catches it (rt.match), so it ends the translated call
-- instead of running a handler CPython would not have run.
local function throw(name, ...)
    local e = newexc(classes[name], ...)
    -- (an OverflowError too: an int past 64 bits without a host)
    local m = ...
    e.refusal = type(m) == "string" and ssub(m, -20) == "(tandem translation)" or nil
    e.file, e.line, e.func = where()
    rt.setcontext(e)
    error(e, 0)
end
rt.throw = throw

-- The exception being handled (CPython's sys.exc_info()): the top of a
-- chain rt.hs of {e =, d = the depth where it was set, prev =}
-- (rt.handled). An except clause of translated code, or a finally block run
-- for an exception, pushes it (rt.handle, lxlate.c try_stmt); the try statement puts the
-- chain back as it was when it is left (rt.try), generators swap it (gen.lua
-- resume), and an error leaving translated code for its caller drops what
-- deeper frames pushed (rt.reraise). nil when none. A bare raise outside an
-- except clause re-raises it; an exception raised while it is set gets it
-- as __context__. With sync (a clause that may call Python code), or once
-- the host was told of one, the host is told (H "handling",
-- _translate.Host): Python code translated code calls runs inside an except
-- clause handling the same exception (sys.exc_info(), logging.exception(),
-- traceback.format_exc()).
rt.hs, rt.hostexc = nil, nil
function rt.handled()
    local hs = rt.hs
    return hs and hs.e
end

function rt.sethandled(node, sync)
    rt.hs = node
    local e = node and node.e
    if (sync or rt.hostexc ~= nil) and not rawequal(rt.hostexc, e) and rt.H ~= nil then
        rt.hostexc = e
        rt.H("handling", rt.pyexc(e))
    end
end

function rt.handle(e, sync)
    rt.sethandled({ e = e, d = DEPTH, prev = rt.hs }, sync)
end

function rt.reraise_handled()
    local e = rt.handled()
    if e ~= nil then
        error(e, 0)
    end
    throw("RuntimeError", "No active exception to reraise")
end

-- e (a runtime exception being raised) gets the exception being handled as
-- its __context__ (CPython's _PyErr_SetObject: not itself; a cycle through
-- e in that exception's chain is cut)
function rt.setcontext(e)
    local h = rt.handled()
    if h == nil or rawequal(h, e) then
        return
    end
    local o, n = h, 0
    while getmetatable(o) == EXC and o.context ~= nil and n < 10000 do
        if rawequal(o.context, e) then
            o.context = nil
            break
        end
        o, n = o.context, n + 1
    end
    e.context = h
end

function rt.raise(e)
    if getmetatable(e) == CLASS then
        e = newexc(e)
    end
    if getmetatable(e) ~= EXC then
        if type(e) == "userdata" and rt.H ~= nil then
            -- a Python exception object, or class (instantiated: excnorm),
            -- raised as is, with the exception being handled as its
            -- __context__ as CPython sets it
            e = rt.H("excnorm", e)
            local raw = rt.rawerror(e)
            if raw ~= nil then
                error(raw, 0)       -- a caught Lua error value: raised as itself
            end
            local h = rt.handled()
            if h ~= nil and not rawequal(h, e) then
                rt.H("setctx", e, false, nil, rt.pyexc(h))
            end
            error(e, 0)
        end
        throw("TypeError", "exceptions must derive from BaseException")
    end
    e.file, e.line, e.func = where()
    rt.setcontext(e)
    error(e, 0)
end

-- Turn a Lua error value into something `except` can test.
local function errvalue(e)
    if type(e) == "string" then
        if sfind(e, "stack overflow", 1, true) then
            local x = newexc(classes.RecursionError, "maximum recursion depth exceeded")
            x.file, x.line, x.func = where()
            return x
        end
    end
    return e
end
rt.errvalue = errvalue

-- A Lua error value an except clause of translated code caught (the
-- error("...") or error({...}) of Lua code it called, a Lua runtime error
-- there) as the Python exception Python code calling that Lua code gets:
-- the bridge's tandem.LuaError (the host raises the value through the
-- bridge: the same message, lua_value the value), one per table, function
-- or thread value. The value itself goes on propagating (a bare raise, a
-- finally block): Lua code that catches it gets it, as from Python code.
do
    local made = setmetatable({}, { __mode = "k" })     -- value -> LuaError
    local rawof = setmetatable({}, { __mode = "k" })    -- LuaError -> value
    function rt.asexc(e)
        if e == nil or getmetatable(e) == EXC or type(e) == "userdata" or rt.H == nil then
            return e        -- (nil: no exception, a __cause__ not set)
        end
        local te = type(e)
        local keyed = te == "table" or te == "function" or te == "thread"
        local p = keyed and made[e] or nil
        if p == nil then
            p = rt.H("luaerror", e)
            if keyed then
                made[e] = p
            end
            rawof[p] = e
        end
        return p
    end
    -- the Lua error value a LuaError rt.asexc made stands for, or nil
    function rt.rawerror(p)
        return rawof[p]
    end
end

local function subclass(c, of)
    while c do
        if c == of then
            return true
        end
        c = c.base
    end
    return false
end

-- Does error value e match an except clause's class (or tuple of classes)?
function rt.match(e, cls)
    if cls == nil then              -- a bare except: all but refusals
        if getmetatable(e) == EXC then
            return not e.refusal
        elseif type(e) == "userdata" and rt.H then
            return rt.H("excmatch", e, "BaseException")
        end
        return true
    end
    if getmetatable(cls) == TUPLE then
        for i = 1, cls.n do
            if rt.match(e, cls[i]) then
                return true
            end
        end
        return false
    end
    if getmetatable(cls) ~= CLASS then
        -- a Python class (OSError, a module's own exception class): the host
        -- decides, with CPython's TypeError for a class that is not one
        if rt.H == nil then
            throw("TypeError", "catching classes that do not inherit from BaseException " ..
                               "is not allowed")
        elseif getmetatable(e) == EXC then
            return not e.refusal and rt.H("excsub", e.cls.name, cls)
        elseif type(e) == "userdata" then
            return rt.H("excmatch", e, cls)
        end
        return rt.H("excmatch", rt.asexc(e), cls)  -- a Lua error value: a LuaError
    end
    if getmetatable(e) == EXC then
        return not e.refusal and subclass(e.cls, cls)
    end
    if type(e) == "userdata" and rt.H then
        return rt.H("excmatch", e, cls.name)
    end
    if rt.H and e ~= nil then
        return rt.match(rt.asexc(e), cls)       -- a Lua error value: a LuaError
    end
    return false            -- (standalone: no Python exception to be)
end

-- ---- type names, truth ------------------------------------------------------

-- functions that are builtin types ("type") or builtin functions: filled by
-- end.lua from typenames and B
local TYPEOF = {}

local function tname(v)
    local t = type(v)
    if t == "nil" then
        return "NoneType"
    elseif t == "boolean" then
        return "bool"
    elseif t == "number" then
        return mtype(v) == "integer" and "int" or "float"
    elseif t == "string" then
        return "str"
    elseif t == "table" then
        local mt = getmetatable(v)
        if mt == LIST then
            return "list"
        elseif mt == TUPLE then
            return "tuple"
        elseif mt == DICT then
            return "dict"
        elseif mt == EXC then
            return v.cls.name
        elseif mt == CLASS then
            return "type"
        elseif mt == ITER then
            return v.kind
        elseif mt == VIEW then
            return "dict_" .. v.kind
        elseif EXT[mt] then
            return EXT[mt].kind
        end
    elseif t == "function" then
        return TYPEOF[v] or "function"
    elseif t == "userdata" and rt.H then
        return rt.H("tname", v)         -- a Python object: its type's name
    end
    return "object"
end
rt.tname = tname

local function dictcount(d)
    return d.count
end

local function truth(v)
    if v == nil or v == false then
        return false
    end
    if v == true then
        return true
    end
    local t = type(v)
    if t == "number" then
        return v ~= 0
    elseif t == "string" then
        return v ~= ""
    elseif t == "table" then
        local mt = getmetatable(v)
        if mt == LIST or mt == TUPLE then
            return v.n > 0
        elseif mt == DICT then
            return dictcount(v) > 0
        elseif mt == VIEW then
            return v.d.count > 0
        elseif EXT[mt] then
            local len = EXT[mt].len     -- none: always true (generators)
            return len == nil or len(v) > 0
        end
        return true
    elseif t == "userdata" then
        return rt.H("truth", v)
    end
    return true
end
rt.truth = truth

-- ---- numbers ------------------------------------------------------------------

local function overflow()
    throw("OverflowError", "integer result does not fit in 64 bits (tandem translation)")
end

-- An int operation whose result leaves 64 bits: Python computes it exactly
-- (the host hook), and the result stays a Python int object (a proxy) until
-- it fits 64 bits again; without a host (plain lua5.4) OverflowError.
local function big(op, a, b)
    if rt.H == nil then
        overflow()
    end
    if b == nil then
        return rt.H("op", op, a)
    end
    return rt.H("op", op, a, b)
end

-- A Python operator with an operand that is a Python object (a + b,
-- a += b ...): with an operand translated code made (a list, dict, set),
-- through rt.hostcall (pyrt/hostcall.lua), which refuses a result that kept
-- the copy of a container translated code may still change (`pyl + [inner]`,
-- `pyl += [inner]`: CPython's result holds inner itself)
-- (a field, not a local: the chunk is at Lua's limit of 200 locals)
function rt.pyop(name, a, b)
    if (type(a) == "table" or type(b) == "table")
            and getmetatable(a) ~= ITER and getmetatable(b) ~= ITER then
        -- (an iterator is refused by rt.export: a Python generator standing
        -- for it, as arguments get, would change the operator's message)
        return rt.hostcall("op", 2, 0, name, a, b)
    end
    return rt.H("op", name, rt.export(a), rt.export(b))
end

-- builtin fname(v) when its int result leaves 64 bits: as big
local function bigcall(fname, ...)
    if rt.H == nil then
        overflow()
    end
    return rt.H("call", fname, ...)
end

-- Is v a Python int (a proxy: one past 64 bits)?
local function pyint(v)
    return type(v) == "userdata" and rt.H ~= nil and rt.H("isinstance", v, "int")
end

-- v as an index (CPython's PyNumber_Index) when it is a Python object whose
-- type has __index__ -- an int subclass's instance (an IntEnum member),
-- numpy's integers, any class defining it: its int (a Lua integer, or a
-- Python int past 64 bits), __index__'s own error raised; v itself otherwise
-- (the caller's TypeError names it). Only ever asked of a userdata.
-- (rt.asindex, not a local: the chunk's main function is near Lua's 200 locals)
function rt.asindex(v)
    if type(v) == "userdata" and rt.H ~= nil then
        local r = rt.H("index?", v)
        if r ~= nil then
            return r
        end
    end
    return v
end

-- & | ^ - with a dict view: CPython's view set operations (iteration order of
-- either side, NotImplemented dances) are not reproduced: refuse
local function viewop(op, a, b)
    if getmetatable(a) == VIEW or getmetatable(b) == VIEW then
        throw("NotImplementedError", sformat("the set operation %s on a dict view (tandem translation)", op))
    end
end

local function binerr(op, a, b)
    throw("TypeError", sformat("unsupported operand type(s) for %s: '%s' and '%s'", op,
                               tname(a), tname(b)))
end

-- int value of a bool, the number itself otherwise (nil for non-numbers)
local function num(v)
    if v == true then
        return 1
    elseif v == false then
        return 0
    elseif type(v) == "number" then
        return v
    end
    return nil
end
rt.num = num

local function foreign(a, b)
    return type(a) == "userdata" or type(b) == "userdata"
end

local function newlist(n)
    return setmetatable({ n = n or 0 }, LIST)
end
rt.newlist = newlist

local function seqconcat(a, b, mt)
    local r = setmetatable({ n = a.n + b.n }, mt)
    for i = 1, a.n do
        r[i] = a[i]
    end
    for i = 1, b.n do
        r[a.n + i] = b[i]
    end
    return r
end

local function iadd(a, b)
    local r = a + b
    if (a ~ r) & (b ~ r) < 0 then
        return big("add", a, b)
    end
    return r
end

local function isub(a, b)
    local r = a - b
    if (a ~ b) & (a ~ r) < 0 then
        return big("sub", a, b)
    end
    return r
end

-- a * b, or nil when it leaves 64 bits
local function imul64(a, b)
    if a == 0 or b == 0 then
        return 0
    end
    if (a == -1 and b == MINI) or (b == -1 and a == MINI) then
        return nil
    end
    local r = a * b
    if r // b ~= a or r % b ~= 0 then
        return nil
    end
    return r
end

local function imul(a, b)
    return imul64(a, b) or big("mul", a, b)
end

function rt.add(a, b, isym)
    if mtype(a) == "integer" and mtype(b) == "integer" then    -- fast path
        local r = a + b
        if (a ~ r) & (b ~ r) < 0 then
            return big("add", a, b)
        end
        return r
    end
    local x, y = num(a), num(b)
    if x and y then
        if mtype(x) == "integer" and mtype(y) == "integer" then
            return iadd(x, y)
        end
        return x + y
    end
    local ta, tb = type(a), type(b)
    if ta == "string" then
        if tb == "string" then
            return a .. b
        end
        if tb ~= "userdata" then
            throw("TypeError", sformat('can only concatenate str (not "%s") to str', tname(b)))
        end
    end
    local ma, mb = getmetatable(a), getmetatable(b)
    if ta == "table" and (ma == LIST or ma == TUPLE) then
        if mb == ma then
            return seqconcat(a, b, ma)
        end
        if tb ~= "userdata" then
            throw("TypeError", sformat('can only concatenate %s (not "%s") to %s', tname(a),
                                       tname(b), tname(a)))
        end
    end
    if foreign(a, b) then
        return rt.pyop("add", a, b)
    end
    binerr(isym or "+", a, b)
end

-- a += b: a list is extended in place (list.__iadd__ takes any iterable)
function rt.iadd(a, b)
    if mtype(a) == "integer" and mtype(b) == "integer" then    -- fast path
        local r = a + b
        if (a ~ r) & (b ~ r) < 0 then
            return big("add", a, b)
        end
        return r
    end
    if getmetatable(a) == LIST then
        local t = type(b)
        if t == "userdata" and rt.H ~= nil and rt.H("reflected?", "__radd__", b) then
            -- CPython tries the Python object's __radd__ before the list's
            -- in-place concatenation (a list has no number slot)
            local r = rt.H("reflected", "__radd__", rt.export(a), b)
            if not rawequal(r, rt.H("missing")) then
                return r
            end
        end
        if t ~= "table" and t ~= "string" and t ~= "userdata" then
            throw("TypeError", sformat("'%s' object is not iterable", tname(b)))
        end
        local n = a.n
        local it = rt.iter(b)
        local items, k = {}, 0
        while true do
            local ok, x = it()
            if not ok then
                break
            end
            k = k + 1
            items[k] = x
        end
        for i = 1, k do
            a[n + i] = items[i]
        end
        a.n = n + k
        return a
    end
    if type(a) == "userdata" or type(b) == "userdata" then
        -- a Python object: Python's in-place operator (a.__iadd__, else a + b)
        return rt.pyop("iadd", a, b)
    end
    return rt.add(a, b, "+=")
end

function rt.sub(a, b, isym)
    if mtype(a) == "integer" and mtype(b) == "integer" then    -- fast path
        local r = a - b
        if (a ~ b) & (a ~ r) < 0 then
            return big("sub", a, b)
        end
        return r
    end
    local x, y = num(a), num(b)
    if x and y then
        if mtype(x) == "integer" and mtype(y) == "integer" then
            return isub(x, y)
        end
        return x - y
    end
    if foreign(a, b) then
        return rt.pyop("sub", a, b)
    end
    viewop("-", a, b)
    local xt = type(a) == "table" and EXT[getmetatable(a)]
    if xt and xt.binop then
        return xt.binop("-", a, b, isym)
    end
    binerr(isym or "-", a, b)
end

local function repeatseq(s, k)
    local mt = getmetatable(s)
    local r = setmetatable({ n = 0 }, mt)
    if k <= 0 or s.n == 0 then
        return r
    end
    if k > 100000000 // s.n then    -- (s.n * k could wrap)
        throw("MemoryError")
    end
    local sn = s.n
    if sn == 1 then             -- [x] * k: one store per item
        local v = s[1]
        for i = 1, k do
            r[i] = v
        end
        r.n = k
        return r
    end
    local n = 0
    for _ = 1, k do
        for i = 1, sn do
            r[n + i] = s[i]
        end
        n = n + sn
    end
    r.n = n
    return r
end

-- a *= b: a list is repeated in place
function rt.imul(a, b)
    if getmetatable(a) == LIST then
        if type(b) == "userdata" and rt.H ~= nil then
            -- CPython: the Python object's __rmul__ first, else the list
            -- repeated in place by its __index__ (an IntEnum member)
            if rt.H("reflected?", "__rmul__", b) then
                local r = rt.H("reflected", "__rmul__", rt.export(a), b)
                if not rawequal(r, rt.H("missing")) then
                    return r
                end
            end
            b = rt.asindex(b)
        end
        local r = rt.mul(a, b)
        for i = r.n + 1, a.n do
            a[i] = nil
        end
        for i = 1, r.n do
            a[i] = r[i]
        end
        a.n = r.n
        return a
    end
    if type(a) == "userdata" or type(b) == "userdata" then
        return rt.pyop("imul", a, b)
    end
    local ma = getmetatable(a)
    local xk = type(a) == "table" and EXT[ma] and EXT[ma].kind
    if type(a) == "table" and (ma == DICT or ma == VIEW or xk == "range" or xk == "set"
                               or xk == "frozenset") then
        -- a type with sequence slots but no repeat: x *= seq does not repeat seq
        -- (a type, a generator, a method have no sequence slots: seq's own error)
        local mb = getmetatable(b)
        if type(b) == "string" or mb == LIST or mb == TUPLE then
            binerr("*=", a, b)
        end
    end
    return rt.mul(a, b, "*=")
end

function rt.mul(a, b, isym)
    local x, y = num(a), num(b)
    if x and y then
        if mtype(x) == "integer" and mtype(y) == "integer" then
            return imul(x, y)
        end
        return x * y
    end
    local ta, tb = type(a), type(b)
    local oa, ob = a, b         -- errors and foreign operands keep the source order
    -- n * seq is seq * n; a non-number times a sequence is the sequence's error
    local function isseq(v, t)
        return t == "string" or (t == "table" and (getmetatable(v) == LIST or
                                                   getmetatable(v) == TUPLE))
    end
    if not isseq(a, ta) and isseq(b, tb) then
        a, b, ta, tb = b, a, tb, ta
    end
    if ta == "string" or (ta == "table" and (getmetatable(a) == LIST or
                                             getmetatable(a) == TUPLE)) then
        local k = num(b)
        if k == nil or mtype(k) ~= "integer" then
            if tb ~= "userdata" then
                throw("TypeError", sformat("can't multiply sequence by non-int of type '%s'",
                                           tname(b)))
            end
        elseif ta == "string" then
            if k <= 0 or a == "" then
                return ""
            end
            if k > math.maxinteger // (utf8.len(a) or #a) then
                throw("OverflowError", "repeated string is too long")
            end
            if k > 1000000000 // #a then     -- (#a * k could wrap)
                throw("MemoryError")
            end
            return srep(a, k)
        else
            return repeatseq(a, k)
        end
    end
    if foreign(oa, ob) then
        return rt.pyop("mul", oa, ob)
    end
    binerr(isym or "*", oa, ob)
end

local TWO53 = 1 << 53

function rt.truediv(a, b, isym)
    local x, y = num(a), num(b)
    if x and y then
        if y == 0 then
            if mtype(x) == "integer" and mtype(y) == "integer" then
                throw("ZeroDivisionError", "division by zero")
            end
            throw("ZeroDivisionError", "float division by zero")
        end
        if mtype(x) == "integer" and (x > TWO53 or x < -TWO53) or
           mtype(y) == "integer" and (y > TWO53 or y < -TWO53) then
            if mtype(x) == "integer" and mtype(y) == "integer" then
                -- correctly rounded by Python (a Lua float division would round twice)
                if rt.H then
                    return rt.H("op", "truediv", x, y)
                end
                throw("NotImplementedError",
                      "true division of integers beyond 2**53 (tandem translation)")
            end
        end
        return x / y
    end
    if foreign(a, b) then
        return rt.pyop("truediv", a, b)
    end
    binerr(isym or "/", a, b)
end

local function copysign0(sign_of)
    if sign_of < 0 or (sign_of == 0 and 1 / sign_of < 0) then
        return -0.0
    end
    return 0.0
end

-- CPython's float_divmod (Objects/floatobject.c), for finite or not.
local function fdivmod(vx, wx)
    local mod = math.fmod(vx, wx)
    local div = (vx - mod) / wx
    if mod ~= 0 then
        if (wx < 0) ~= (mod < 0) then
            mod = mod + wx
            div = div - 1.0
        end
    else
        mod = copysign0(wx)
    end
    local floordiv
    if div ~= 0 then
        floordiv = floor(div) + 0.0
        if div - floordiv > 0.5 then
            floordiv = floordiv + 1.0
        end
    else
        floordiv = copysign0(vx / wx)
    end
    return floordiv, mod
end

function rt.floordiv(a, b, isym)
    local x, y = num(a), num(b)
    if x and y then
        if mtype(x) == "integer" and mtype(y) == "integer" then
            if y == 0 then
                throw("ZeroDivisionError", "integer division or modulo by zero")
            end
            if y == -1 and x == MINI then
                return big("floordiv", x, y)
            end
            return x // y
        end
        if y == 0 then
            throw("ZeroDivisionError", "float floor division by zero")
        end
        local q = fdivmod(x * 1.0, y * 1.0)
        return q
    end
    if foreign(a, b) then
        return rt.pyop("floordiv", a, b)
    end
    binerr(isym or "//", a, b)
end

function rt.mod(a, b, isym)
    if mtype(a) == "integer" and mtype(b) == "integer" and b ~= 0 then   -- fast path
        return a % b
    end
    local x, y = num(a), num(b)
    if x and y then
        if mtype(x) == "integer" and mtype(y) == "integer" then
            if y == 0 then
                throw("ZeroDivisionError", "integer modulo by zero")
            end
            return x % y
        end
        if y == 0 then
            throw("ZeroDivisionError", "float modulo")
        end
        local _, m = fdivmod(x * 1.0, y * 1.0)
        return m
    end
    if type(a) == "string" then
        return rt.strmod(a, b)      -- pyrt/format.lua
    end
    if foreign(a, b) then
        return rt.pyop("mod", a, b)
    end
    binerr(isym or "%", a, b)
end

function rt.divmod(a, b)
    local x, y = num(a), num(b)
    if x and y and (mtype(x) == "float" or mtype(y) == "float") then
        if y == 0 then
            throw("ZeroDivisionError", "float divmod()")
        end
        local q, m = fdivmod(x * 1.0, y * 1.0)
        return mktuple(q, m)
    end
    if x and y then
        if y == 0 then
            throw("ZeroDivisionError", "integer division or modulo by zero")
        end
        return mktuple(rt.floordiv(x, y), rt.mod(x, y))
    end
    if foreign(a, b) then           -- Python's own divmod (__divmod__, __rdivmod__)
        return rt.H("call", "divmod", rt.export(a), rt.export(b))
    end
    binerr("divmod()", a, b)
end

function rt.pow(a, b, isym)
    local x, y = num(a), num(b)
    if x and y then
        if mtype(x) == "integer" and mtype(y) == "integer" then
            if y >= 0 then
                local r, base, e = 1, x, y
                while true do
                    if e & 1 == 1 then
                        r = imul64(r, base)
                        if r == nil then
                            return big("pow", x, y)
                        end
                    end
                    e = e >> 1
                    if e == 0 then
                        break
                    end
                    base = imul64(base, base)
                    if base == nil then
                        return big("pow", x, y)
                    end
                end
                return r
            end
            if x == 0 then
                throw("ZeroDivisionError", "0.0 cannot be raised to a negative power")
            end
        end
        x, y = x * 1.0, y * 1.0
        if x == 0 and y < 0 then
            throw("ZeroDivisionError", "0.0 cannot be raised to a negative power")
        end
        if x < 0 and y ~= floor(y) and y == y and x > -huge and y > -huge and y < huge then
            if rt.H ~= nil then     -- a complex number: CPython's, a Python object
                return rt.H("op", "pow", x, y)
            end
            throw("NotImplementedError",
                  "a negative number to a fractional power is complex (tandem translation)")
        end
        local r = x ^ y
        if (r == huge or r == -huge) and x > -huge and x < huge and y > -huge and y < huge then
            throw("OverflowError", 34, "Numerical result out of range")
        end
        return r
    end
    if foreign(a, b) then
        return rt.pyop("pow", a, b)
    end
    binerr(isym or "** or pow()", a, b)
end

local function intargs(op, a, b)
    local x, y = num(a), num(b)
    if x and y and mtype(x) == "integer" and mtype(y) == "integer" then
        return x, y
    end
    if foreign(a, b) then
        return nil
    end
    binerr(op, a, b)
end

function rt.lshift(a, b, isym)
    local x, y = intargs(isym or "<<", a, b)
    if x == nil then
        return rt.pyop("lshift", a, b)
    end
    if y < 0 then
        throw("ValueError", "negative shift count")
    end
    if x == 0 or y == 0 then
        return x        -- (1 << 63 - 0 below would be math.mininteger)
    end
    if y >= 63 then
        if y == 63 and x == -1 then
            return MINI
        end
        return big("lshift", x, y)
    end
    local lim = 1 << (63 - y)
    if x >= lim or x < -lim then
        return big("lshift", x, y)
    end
    return x << y
end

function rt.rshift(a, b, isym)
    local x, y = intargs(isym or ">>", a, b)
    if x == nil then
        return rt.pyop("rshift", a, b)
    end
    if y < 0 then
        throw("ValueError", "negative shift count")
    end
    if y >= 63 then
        return x < 0 and -1 or 0
    end
    return x // (1 << y)
end

local function bitop(name, sym, f)
    rt[name] = function(a, b, isym)
        if type(a) == "boolean" and type(b) == "boolean" then
            return f(a and 1 or 0, b and 1 or 0) ~= 0
        end
        viewop(sym, a, b)
        if name == "bitor" and getmetatable(a) == DICT then     -- d | other (3.9)
            if getmetatable(b) == DICT then
                local r = rt.builtins.dict(a)
                rt.method(r, "update", b)
                return r
            elseif type(b) ~= "userdata" then
                binerr(isym or sym, a, b)
            end
        end
        local xt = type(a) == "table" and EXT[getmetatable(a)]
        if xt and xt.binop then
            return xt.binop(sym, a, b, isym)
        end
        local x, y = intargs(isym or sym, a, b)
        if x == nil then
            return rt.pyop(name, a, b)
        end
        return f(x, y)
    end
end
bitop("bitand", "&", function(x, y) return x & y end)
bitop("bitor", "|", function(x, y) return x | y end)
bitop("bitxor", "^", function(x, y) return x ~ y end)

-- a op= b for the operators no type changes in place here: a Python object
-- gets Python's in-place operator (a list extends itself ...), anything else
-- is a = a op b with CPython's message naming the augmented operator
for name, isym in pairs({ truediv = "/=", floordiv = "//=", mod = "%=", pow = "**=",
                          lshift = "<<=", rshift = ">>=" }) do
    local plain = rt[name]
    rt["i" .. name] = function(a, b)
        if type(a) == "userdata" or type(b) == "userdata" then
            return rt.pyop("i" .. name, a, b)
        end
        return plain(a, b, isym)
    end
end

function rt.neg(a)
    local x = num(a)
    if x then
        if x == MINI then
            return big("neg", x)
        end
        return -x
    end
    if type(a) == "userdata" then
        return rt.H("op", "neg", a)
    end
    throw("TypeError", sformat("bad operand type for unary -: '%s'", tname(a)))
end

function rt.pos(a)
    local x = num(a)
    if x then
        return x
    end
    if type(a) == "userdata" then
        return rt.H("op", "pos", a)
    end
    throw("TypeError", sformat("bad operand type for unary +: '%s'", tname(a)))
end

function rt.invert(a)
    local x = num(a)
    if x and mtype(x) == "integer" then
        return ~x
    end
    if type(a) == "userdata" then
        return rt.H("op", "invert", a)
    end
    throw("TypeError", sformat("bad operand type for unary ~: '%s'", tname(a)))
end

-- ---- strings -------------------------------------------------------------------

local function isascii(s)
    -- every character one byte (invalid UTF-8: nil); 4x faster than a find
    -- of "[\128-\255]", which tests a set at each byte
    return utf8len(s) == #s
end

local function slen(s)
    if isascii(s) then
        return #s
    end
    local n = utf8len(s)
    if n == nil then
        throw("NotImplementedError", "a str that is not valid UTF-8 (tandem translation)")
    end
    return n
end
rt.slen = slen

-- characters of s as a Lua array
local function chars(s)
    local r, n = {}, 0
    if isascii(s) then
        for i = 1, #s do
            r[i] = ssub(s, i, i)
        end
        return r, #s
    end
    for _, c in utf8.codes(s) do
        n = n + 1
        r[n] = utf8char(c)
    end
    return r, n
end

local function schar(s, i)         -- 0-based character i of s (in range)
    if isascii(s) then
        return ssub(s, i + 1, i + 1)
    end
    local p = utf8offset(s, i + 1)
    local q = utf8offset(s, i + 2)
    return ssub(s, p, q - 1)
end

-- ---- repr / str ------------------------------------------------------------------

-- The shortest "%e" text that reads back as x (finite, nonzero), as dtoa's
-- mode 0 gives it: the correctly rounded p digits for the smallest p that
-- round-trips. Away from powers of two the rounding interval is symmetric,
-- so if p digits round-trip so do p + 1: a binary search. At a power of two
-- the gap below x is half the gap above, and a neighbour of the correctly
-- rounded digits may be the shorter round-trip: a linear scan trying them.
local function shortest_e(x)
    local s
    if not sfind(sformat("%a", x), "^%-?0x1p") then
        local lo, hi, best = 1, 17, nil
        while lo < hi do
            local mid = (lo + hi) // 2
            local t = sformat("%." .. (mid - 1) .. "e", x)
            if tonumber(t) == x then
                hi, best = mid, t
            else
                lo = mid + 1
            end
        end
        return best or sformat("%.16e", x)     -- best: the digits for the final hi
    end
    for p = 1, 17 do
        s = sformat("%." .. (p - 1) .. "e", x)
        if tonumber(s) == x then
            return s
        end
        local sign, d1, rest, e = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
        local m, e10 = tonumber(d1 .. rest), tonumber(e) - (p - 1)
        for _, c in ipairs({ m - 1, m + 1 }) do
            if c > 0 and tonumber(sign .. c .. "e" .. e10) == x then
                local d = tostring(c)
                local ex = e10 + #d - 1
                return sign .. ssub(d, 1, 1) .. (#d > 1 and "." .. ssub(d, 2) or "") ..
                       (ex < 0 and "e-" or "e+") .. sformat("%02d", ex < 0 and -ex or ex)
            end
        end
    end
    return s
end
rt.shortest_e = shortest_e

local function float_repr(x)
    if x ~= x then
        return "nan"
    end
    if x == huge then
        return "inf"
    elseif x == -huge then
        return "-inf"
    end
    if x == 0 then
        return 1 / x < 0 and "-0.0" or "0.0"
    end
    local s = shortest_e(x)
    local sign, d1, rest, e = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
    local digits = (d1 .. rest):gsub("0+$", "")
    if digits == "" then
        digits = "0"
    end
    local exp = tonumber(e)
    if exp >= -5 + 1 and exp < 16 then
        local n = #digits
        local out
        if exp >= 0 then
            if n <= exp + 1 then
                out = digits .. srep("0", exp + 1 - n) .. ".0"
            else
                out = ssub(digits, 1, exp + 1) .. "." .. ssub(digits, exp + 2)
            end
        else
            out = "0." .. srep("0", -exp - 1) .. digits
        end
        return sign .. out
    end
    local m = ssub(digits, 1, 1)
    if #digits > 1 then
        m = m .. "." .. ssub(digits, 2)
    end
    local es = exp < 0 and "-" or "+"
    local ea = exp < 0 and -exp or exp
    return sign .. m .. "e" .. es .. (ea < 10 and "0" .. ea or tostring(ea))
end
rt.float_repr = float_repr

-- repr() of a str: CPython's quotes and escapes; a character beyond ASCII
-- as it is when printable (rt.printable, unicode.lua), else \xNN, \uNNNN
-- or \UNNNNNNNN
local str_repr
do
    local function char_repr(b, q)
        if b >= 128 then
            if rt.printable(b) then
                return utf8char(b)
            end
            return sformat(b < 0x100 and "\\x%02x" or b < 0x10000 and "\\u%04x" or "\\U%08x", b)
        end
        local c = string.char(b)
        if c == "\\" then
            return "\\\\"
        elseif c == q then
            return "\\" .. q
        elseif c == "\n" then
            return "\\n"
        elseif c == "\r" then
            return "\\r"
        elseif c == "\t" then
            return "\\t"
        elseif b < 32 or b == 127 then
            return sformat("\\x%02x", b)
        end
        return c
    end
    str_repr = function(s)
        local ascii = isascii(s)
        if ascii and not sfind(s, "[\0-\31\127\\'\"]") then
            return "'" .. s .. "'"          -- nothing to escape, no quote to choose
        end
        local q = "'"
        if sfind(s, "'", 1, true) and not sfind(s, '"', 1, true) then
            q = '"'
        end
        local out = { q }
        if ascii then
            for i = 1, #s do
                out[i + 1] = char_repr(sbyte(s, i), q)
            end
        else
            slen(s)                     -- (not UTF-8: refused)
            for _, b in utf8.codes(s) do
                out[#out + 1] = char_repr(b, q)
            end
        end
        out[#out + 1] = q
        return concat(out)
    end
end

local repr
local function seq_repr(t, open, close, seen)
    if seen[t] then
        return open .. "..." .. close
    end
    seen[t] = true
    local parts = {}
    for i = 1, t.n do
        parts[i] = repr(t[i], seen)
    end
    seen[t] = nil
    if close == ")" and t.n == 1 then
        return "(" .. parts[1] .. ",)"
    end
    return open .. concat(parts, ", ") .. close
end

local dict_items     -- forward
local realkey

repr = function(v, seen)
    seen = seen or {}
    local t = type(v)
    if v == nil then
        return "None"
    elseif t == "boolean" then
        return v and "True" or "False"
    elseif t == "number" then
        if mtype(v) == "integer" then
            return tostring(v)
        end
        return float_repr(v)
    elseif t == "string" then
        return str_repr(v)
    elseif t == "table" then
        local mt = getmetatable(v)
        if mt == LIST then
            return seq_repr(v, "[", "]", seen)
        elseif mt == TUPLE then
            return seq_repr(v, "(", ")", seen)
        elseif mt == DICT then
            if seen[v] then
                return "{...}"
            end
            seen[v] = true
            local parts = {}
            for k, val in dict_items(v) do
                parts[#parts + 1] = repr(realkey(k), seen) .. ": " .. repr(val, seen)
            end
            seen[v] = nil
            return "{" .. concat(parts, ", ") .. "}"
        elseif mt == EXC then
            local a = v.args
            return v.cls.name .. (a.n == 1 and "(" .. repr(a[1], seen) .. ")"
                                  or seq_repr(a, "(", ")", seen))
        elseif mt == CLASS then
            return "<class '" .. v.name .. "'>"
        elseif EXT[mt] then
            return EXT[mt].repr(v, seen, repr)
        end
    elseif t == "userdata" then
        return rt.H("repr", v)
    elseif t == "function" and TYPEOF[v] == "type" then
        return "<class '" .. rt.typename(v) .. "'>"
    end
    throw("NotImplementedError", "repr() of this value (tandem translation)")
end
rt.repr = function(v)
    return repr(v)
end

function rt.str(v)
    if type(v) == "string" then
        return v
    end
    if getmetatable(v) == EXC then
        local a = v.args
        if a.n == 0 then
            return ""
        elseif a.n == 1 then
            if v.cls == classes.KeyError then
                return repr(a[1])
            end
            return rt.str(a[1])
        end
        return repr(a)
    end
    if type(v) == "userdata" then
        return rt.H("str", v)
    end
    return repr(v)
end

-- ---- comparison ----------------------------------------------------------------

local eq
local dict_get

eq = function(a, b)
    if getmetatable(a) == VIEW or getmetatable(b) == VIEW then
        throw("NotImplementedError", "comparing dict views (tandem translation)")
    end
    local ta, tb = type(a), type(b)
    if rawequal(a, b) and ta ~= "userdata" then
        return a == a       -- NaN is not equal to itself
    end
    if ta == "number" or ta == "boolean" then
        if tb == "number" or tb == "boolean" then
            return num(a) == num(b)
        end
        if tb == "userdata" then
            return rt.H("cmp", "eq", a, b)
        end
        return false
    end
    if ta == "table" and tb == "table" then
        local ma, mb = getmetatable(a), getmetatable(b)
        if ma ~= mb then
            local xa = EXT[ma]      -- set == frozenset
            return xa ~= nil and EXT[mb] ~= nil and xa.family ~= nil and
                xa.family == EXT[mb].family and xa.eq(a, b)
        end
        if ma == LIST or ma == TUPLE then
            if a.n ~= b.n then
                return false
            end
            for i = 1, a.n do
                local x, y = a[i], b[i]
                if not rawequal(x, y) and not eq(x, y) then
                    if x ~= x and y ~= y then
                        rt.nanpair()
                    end
                    return false
                end
            end
            return true
        elseif ma == DICT then
            if a.count ~= b.count then
                return false
            end
            for k, v in dict_items(a) do
                local found, w = dict_get(b, realkey(k))
                if not found or (not rawequal(v, w) and not eq(v, w)) then
                    if found and v ~= v and w ~= w then
                        rt.nanpair()
                    end
                    return false
                end
            end
            return true
        elseif EXT[ma] then
            return EXT[ma].eq(a, b)
        end
        return false
    end
    if ta == "userdata" or tb == "userdata" then
        -- a Python object's __eq__ runs (for `x == x` too: only containers
        -- test identity first, as their callers here do)
        return rt.H("cmp", "eq", rt.export(a), rt.export(b))
    end
    return false
end
rt.eq = eq

-- Two NaNs met where CPython tests identity before == (an item of a list,
-- tuple or dict compared, `in`, count, index, remove): CPython's answer
-- depends on whether they are one float object (`x in [x]` is True), which
-- a Lua number does not say: refused (docs/translation.md, "Limits")
function rt.nanpair()
    throw("NotImplementedError", "two NaNs compared inside a container: CPython's answer " ..
          "depends on whether they are one object (tandem translation)")
end

-- a != b: a Python object's __ne__ (its value, as CPython's `!=` gives it)
function rt.ne(a, b)
    if type(a) == "userdata" or type(b) == "userdata" then
        if getmetatable(a) ~= VIEW and getmetatable(b) ~= VIEW then
            return rt.H("cmp", "ne", rt.export(a), rt.export(b))
        end
    end
    return not eq(a, b)
end

local function cmperr(op, a, b)
    throw("TypeError", sformat("'%s' not supported between instances of '%s' and '%s'", op,
                               tname(a), tname(b)))
end

-- The comparison helpers take the operator the source wrote (for the error
-- message) and, for > and >= (computed as < and <= of the swapped operands),
-- swapped: the message and Python then see the operands in source order.
local function cmperr2(op, a, b, swapped)
    if swapped then
        a, b = b, a
    end
    cmperr(op, a, b)
end

local OPNAME = { ["<"] = "lt", ["<="] = "le", [">"] = "gt", [">="] = "ge" }
local function foreign_cmp(name, op, a, b, swapped)
    name = OPNAME[op] or name
    if swapped then
        a, b = b, a
    end
    return rt.H("cmp", name, rt.export(a), rt.export(b))
end

local lt
-- a sequence comparison compares the first differing items with the
-- source's operator (CPython's list_richcompare), so its error names it
local function seq_lt(a, b, strict, op, swapped)
    local n = a.n < b.n and a.n or b.n
    for i = 1, n do
        local x, y = a[i], b[i]
        if not (rawequal(x, y) or eq(x, y)) then
            if x ~= x and y ~= y then
                rt.nanpair()
            end
            return lt(x, y, op or "<", swapped)
        end
    end
    if strict then
        return a.n < b.n
    end
    return a.n <= b.n
end

-- a < b with Python's rules; op names the operator for the error message
-- keys and items views order as sets (subset tests); not reproduced: refuse
local function setview_cmp(a, b)
    if (getmetatable(a) == VIEW and a.kind ~= "values")
            or (getmetatable(b) == VIEW and b.kind ~= "values") then
        throw("NotImplementedError", "ordering dict views (tandem translation)")
    end
end

lt = function(a, b, op, swapped)
    local x, y = num(a), num(b)
    if x and y then
        return x < y
    end
    local ta, tb = type(a), type(b)
    if ta == "string" and tb == "string" then
        return a < b
    end
    if ta == "table" and tb == "table" then
        local ma = getmetatable(a)
        if ma == getmetatable(b) and (ma == LIST or ma == TUPLE) then
            return seq_lt(a, b, true, op, swapped)
        end
        local xa, xb = EXT[ma], EXT[getmetatable(b)]
        if xa and xa.lt and xb and (ma == getmetatable(b) or xa.family == xb.family) then
            return xa.lt(a, b)
        end
    end
    setview_cmp(a, b)
    if foreign(a, b) then
        return foreign_cmp("lt", op, a, b, swapped)
    end
    cmperr2(op or "<", a, b, swapped)
end

local function le(a, b, op, swapped)
    local x, y = num(a), num(b)
    if x and y then
        return x <= y
    end
    local ta, tb = type(a), type(b)
    if ta == "string" and tb == "string" then
        return a <= b
    end
    if ta == "table" and tb == "table" then
        local ma = getmetatable(a)
        if ma == getmetatable(b) and (ma == LIST or ma == TUPLE) then
            return seq_lt(a, b, false, op, swapped)
        end
        local xa, xb = EXT[ma], EXT[getmetatable(b)]
        if xa and xa.le and xb and (ma == getmetatable(b) or xa.family == xb.family) then
            return xa.le(a, b)
        end
    end
    setview_cmp(a, b)
    if foreign(a, b) then
        return foreign_cmp("le", op, a, b, swapped)
    end
    cmperr2(op or "<=", a, b, swapped)
end

function rt.lt(a, b)
    if mtype(a) and mtype(b) then       -- fast path: ints and floats, exact
        return a < b
    end
    return lt(a, b, "<")
end
function rt.le(a, b)
    if mtype(a) and mtype(b) then
        return a <= b
    end
    return le(a, b, "<=")
end
-- the messages for > and >= name the operands in source order
do
    rt.gt = function(a, b)
        if mtype(a) and mtype(b) then
            return b < a
        end
        return lt(b, a, ">", true)
    end
    rt.ge = function(a, b)
        if mtype(a) and mtype(b) then
            return b <= a
        end
        return le(b, a, ">=", true)
    end
end

function rt.is(a, b)
    return rawequal(a, b)
end
function rt.isnot(a, b)
    return not rawequal(a, b)
end

-- ---- dict ------------------------------------------------------------------------

local canon = setmetatable({}, { __mode = "v" })

local keyof
-- the text of an element's key inside a composite key: integers exactly
-- ("%d": "%a" would round those beyond 2^53 together), floats by their bits
local keytext
do
    -- keys compared by identity (types, exception classes, Python objects
    -- whose equality is identity) get a number of their own, kept while the
    -- value lives (also id()'s numbers: types.lua)
    local ids, nid = setmetatable({}, weakk), 0
    local function objnum(v)
        local id = ids[v]
        if id == nil then
            nid = nid + 1
            id = nid
            ids[v] = id
        end
        return id
    end
    rt.objnum = objnum
    keytext = function(k)
        local tk = type(k)
        if tk == "number" then
            return mtype(k) == "integer" and sformat("i%d", k) or "f" .. sformat("%a", k)
        elseif tk == "string" then
            return "s" .. #k .. ":" .. k
        elseif k == NONEKEY then
            return "N"
        elseif tk == "table" and getmetatable(k) == nil then        -- a canon key
            return "t" .. #(k.ser) .. ":" .. k.ser
        end
        return "o" .. objnum(k)
    end
end

local function canonkey(ser)
    local c = canon[ser]
    if c == nil then
        c = { ser = ser }
        canon[ser] = c
    end
    return c
end

-- a frozenset key: its elements' keys in a fixed order (equal sets, equal keys)
local function frozenkey(fs)
    local parts, n = {}, 0
    local it = rt.iter(fs)
    while true do
        local ok, x = it()
        if not ok then
            break
        end
        n = n + 1
        parts[n] = keytext(keyof(x))
    end
    table.sort(parts)
    return canonkey("F{" .. concat(parts, ",") .. "}")
end

local function tuplekey(t)
    local parts = {}
    for i = 1, t.n do
        parts[i] = keytext(keyof(t[i]))
    end
    local ser = concat(parts, ",")
    local c = canon[ser]
    if c == nil then
        c = { ser = ser }
        canon[ser] = c
    end
    return c
end

-- the Lua table key standing for Python key k
keyof = function(k)
    local t = type(k)
    if t == "string" then
        return k
    elseif t == "number" then
        if mtype(k) == "float" then
            local i = math.tointeger(k)
            if i then
                return i
            end
            if k ~= k then
                throw("NotImplementedError", "a NaN dict key (tandem translation)")
            end
        end
        return k
    elseif k == nil then
        return NONEKEY
    elseif t == "boolean" then
        return k and 1 or 0
    elseif t == "function" and TYPEOF[k] == "type" then
        return k                        -- a builtin type (int): hashed by identity
    elseif t == "table" then
        local mt = getmetatable(k)
        if mt == TUPLE then
            return tuplekey(k)
        end
        if EXT[mt] and EXT[mt].kind == "frozenset" then
            return frozenkey(k)
        end
        if mt == CLASS then
            return k                    -- an exception class: hashed by identity
        end
        if EXT[mt] and EXT[mt].key then
            return EXT[mt].key(k)       -- types.lua: types without a builtin name
        end
        if mt == LIST or mt == DICT or (EXT[mt] and not EXT[mt].hashable) then
            throw("TypeError", sformat("unhashable type: '%s'", tname(k)))
        end
    elseif t == "userdata" and rt.H then
        return rt.pykey(k)
    end
    throw("NotImplementedError", sformat("a dict key of type '%s' (tandem translation)",
                                         tname(k)))
end

-- The key of a Python object (a proxy), from what the host says it equals
-- (_keyinfo in tandem/_translate.py): a number or "S" str: that value's key
-- (an IntEnum member is the key of its int); "T<n>": a tuple, by its items;
-- "P<name>": a Python type the runtime has a value for (int), that value's
-- key; "I": an object whose equality is identity, itself; "B<digits>" (an
-- int beyond 64 bits and beyond exact floats), "Y<hex>" (bytes): by value.
function rt.pykey(u)
    local info = rt.H("keyinfo", u)
    if type(info) ~= "string" then
        return keyof(info)
    end
    local tag = ssub(info, 1, 1)
    if tag == "S" then
        return ssub(info, 2)
    elseif tag == "T" then
        local n = math.tointeger(tonumber(ssub(info, 2)))
        local t = { n = n }
        for i = 1, n do
            t[i] = rt.getitem(u, i - 1)
        end
        return tuplekey(setmetatable(t, TUPLE))
    elseif tag == "P" then
        return keyof(rt.typeval(ssub(info, 2)))
    elseif tag == "I" then
        return u
    end
    return canonkey(info)
end

local function newdict()
    return setmetatable({ keys = {}, vals = {}, pos = {}, used = 0, count = 0 }, DICT)
end
rt.newdict = newdict

dict_get = function(d, k)
    local i = d.pos[keyof(k)]
    if i == nil then
        return false, nil
    end
    return true, d.vals[i]
end

local function dict_set(d, k, v)
    local lk = keyof(k)
    local i = d.pos[lk]
    if i then
        d.vals[i] = v
        return
    end
    local n = d.used + 1
    d.used = n
    d.keys[n] = k == nil and NONEKEY or k
    d.vals[n] = v
    d.pos[lk] = n
    d.count = d.count + 1
end

local function dict_compact(d)
    local keys, vals, pos = {}, {}, {}
    local n = 0
    for i = 1, d.used do
        local k = d.keys[i]
        if k ~= DELETED then
            n = n + 1
            keys[n], vals[n] = k, d.vals[i]
            pos[keyof(k == NONEKEY and nil or k)] = n
        end
    end
    d.keys, d.vals, d.pos, d.used = keys, vals, pos, n
end

local function dict_del(d, k)
    local lk = keyof(k)
    local i = d.pos[lk]
    if i == nil then
        return false
    end
    d.pos[lk] = nil
    d.keys[i] = DELETED
    d.vals[i] = nil
    d.count = d.count - 1
    d.version = (d.version or 0) + 1
    if d.used > 16 and d.used > 2 * d.count then
        dict_compact(d)
    end
    return true
end

-- iterate (key, value) in insertion order (None keys as NONEKEY: callers
-- use realkey); RuntimeError on a size change. A key deleted and another
-- added by the loop's body (the size unchanged) is refused: CPython's
-- iterator then walks its hash table's entries, moved by a resize that
-- depends on the table's history, and stops, raises "dictionary keys
-- changed during iteration" or sees keys again accordingly.
dict_items = function(d)
    local i, count, keys, version = 0, d.count, d.keys, d.version
    return function()
        if d.count ~= count then
            throw("RuntimeError", "dictionary changed size during iteration")
        end
        if d.keys ~= keys or d.version ~= version then
            throw("NotImplementedError", "a dict whose keys were deleted and added while "
                  .. "it was iterated (tandem translation)")
        end
        while true do
            i = i + 1
            if i > d.used then
                return nil
            end
            local k = keys[i]
            if k ~= DELETED then
                return k, d.vals[i]     -- NONEKEY stands for None: see realkey
            end
        end
    end
end

realkey = function(k)
    if k == NONEKEY then
        return nil
    end
    return k
end

function rt.dict_of(...)
    local d = newdict()
    local n = select("#", ...)
    for i = 1, n, 2 do
        local k, v = select(i, ...)
        dict_set(d, k, v)
    end
    return d
end

-- ---- containers ------------------------------------------------------------------

function rt.list_of(...)
    local t = pack(...)
    return setmetatable(t, LIST)
end

local function index_of(i, what)
    local x = num(i)
    if x == nil or mtype(x) ~= "integer" then
        local v = rt.asindex(i)
        if mtype(v) == "integer" then
            return v
        elseif pyint(v) then
            throw("IndexError", sformat("cannot fit '%s' into an index-sized integer", tname(i)))
        end
        if what == "string" then
            throw("TypeError", sformat("string indices must be integers, not '%s'", tname(i)))
        end
        throw("TypeError", sformat("%s indices must be integers or slices, not %s", what,
                                   tname(i)))
    end
    return x
end

function rt.len(v)
    local t = type(v)
    if t == "string" then
        return slen(v)
    elseif t == "table" then
        local mt = getmetatable(v)
        if mt == LIST or mt == TUPLE then
            return v.n
        elseif mt == DICT then
            return v.count
        elseif mt == VIEW then
            return v.d.count
        elseif EXT[mt] and EXT[mt].len then
            return EXT[mt].len(v)
        end
    elseif t == "userdata" then
        local lv = rt.luaof[v]
        if type(lv) == "table" and getmetatable(lv) == nil then
            return #lv          -- a Lua table's proxy: its __len__ is #
        end
        return rt.H("len", v)
    end
    throw("TypeError", sformat("object of type '%s' has no len()", tname(v)))
end

-- A Python slice object as a subscript of o (xs[slice(1, None, 2)], made
-- by the slice builtin): {start, stop, step}; else nil
function rt.sliceof(o, k)
    if type(k) == "userdata" and type(o) ~= "userdata" and getmetatable(o) ~= DICT
            and rt.H ~= nil and rt.H("tname", k) == "slice" then
        return { rt.H("getattr", k, "start"), rt.H("getattr", k, "stop"),
                 rt.H("getattr", k, "step") }
    end
end

function rt.getitem(o, k)
    local t = type(o)
    local sl = type(k) == "userdata" and rt.sliceof(o, k)
    if sl then
        return rt.slice(o, sl[1], sl[2], sl[3])
    end
    if t == "table" then
        local mt = getmetatable(o)
        if mt == LIST or mt == TUPLE then
            local i = index_of(k, mt.__name)
            local n = o.n
            if i < 0 then
                i = i + n
            end
            if i < 0 or i >= n then
                throw("IndexError", mt.__name .. " index out of range")
            end
            return o[i + 1]
        elseif mt == DICT then
            local found, v = dict_get(o, k)
            if not found then
                throw("KeyError", k)
            end
            return v
        elseif EXT[mt] and EXT[mt].getitem then
            return EXT[mt].getitem(o, k)
        end
    elseif t == "string" then
        local i = index_of(k, "string")
        local n = slen(o)
        if i < 0 then
            i = i + n
        end
        if i < 0 or i >= n then
            throw("IndexError", "string index out of range")
        end
        return schar(o, i)
    elseif t == "userdata" then
        local lv = rt.luaof[o]
        if lv ~= nil then
            return rt.luaget(o, lv, k)      -- a Lua table's proxy
        end
        return rt.H("getitem", o, rt.export(k))
    end
    if rt.typename(o) ~= nil then
        return rt.typeitem(o, k)        -- a type (types.lua)
    end
    throw("TypeError", sformat("'%s' object is not subscriptable", tname(o)))
end

function rt.setitem(o, k, v)
    local t = type(o)
    local sl = type(k) == "userdata" and rt.sliceof(o, k)
    if sl then
        return rt.setslice(o, sl[1], sl[2], sl[3], v)
    end
    if t == "table" then
        local mt = getmetatable(o)
        if mt == LIST then
            local i = index_of(k, "list")
            local n = o.n
            if i < 0 then
                i = i + n
            end
            if i < 0 or i >= n then
                throw("IndexError", "list assignment index out of range")
            end
            o[i + 1] = v
            return
        elseif mt == DICT then
            dict_set(o, k, v)
            return
        end
    elseif t == "userdata" then
        rt.setpyitem(o, k, v, false)        -- hostcall.lua
        return
    end
    throw("TypeError", sformat("'%s' object does not support item assignment", tname(o)))
end

-- A slice bound or step that is a Python int past 64 bits (a proxy): CPython
-- clamps it to the index range (_PyEval_SliceIndex); anything else is v.
local function clamp_big(v)
    if pyint(v) then
        return rt.H("call", "min", MAXI, rt.H("call", "max", MINI, v))
    end
    return v
end

-- A slice bound (a start, a stop) as a Lua integer: a Python int past 64 bits
-- clamped, anything but an int TypeError (msg: CPython's for the caller)
local function slice_bound(v, msg)
    if type(v) == "userdata" then
        v = rt.asindex(v)
    end
    v = num(clamp_big(v))
    if v == nil or mtype(v) ~= "integer" then
        throw("TypeError", msg)
    end
    return v
end
local SLICE_MSG = "slice indices must be integers or None or have an __index__ method"

-- A bound counted from the end when negative, then no less than 0
local function from_end(v, n)
    if v < 0 then
        v = v + n
        if v < 0 then
            v = 0
        end
    end
    return v
end

-- CPython's PySlice_GetIndicesEx for a sequence of length n
local function slice_indices(n, lo, hi, step)
    if step == nil then
        step = 1
    else
        step = slice_bound(step, SLICE_MSG)
        if step == 0 then
            throw("ValueError", "slice step cannot be zero")
        elseif step < -MAXI then
            step = -MAXI            -- as CPython: -step must not overflow
        end
    end
    local lower, upper
    if step > 0 then
        lower, upper = 0, n
    else
        lower, upper = -1, n - 1
    end
    local function adj(v, default)
        if v == nil then
            return default
        end
        v = slice_bound(v, SLICE_MSG)
        if v < 0 then
            v = v + n
            if v < lower then
                v = lower
            end
        elseif v > upper then
            v = upper
        end
        return v
    end
    local start = adj(lo, step < 0 and upper or lower)
    local stop = adj(hi, step < 0 and lower or upper)
    local len
    if step < 0 then
        len = stop < start and (start - stop - 1) // (-step) + 1 or 0
    else
        len = start < stop and (stop - start - 1) // step + 1 or 0
    end
    return start, step, len, stop
end

function rt.slice(o, lo, hi, step)
    local t = type(o)
    if t == "string" then
        if isascii(o) then
            local start, st, len = slice_indices(#o, lo, hi, step)
            if st == 1 then
                return ssub(o, start + 1, start + len)
            end
            local r = {}
            for i = 0, len - 1 do
                local p = start + i * st + 1
                r[i + 1] = ssub(o, p, p)
            end
            return concat(r)
        end
        local cs, n = chars(o)
        local start, st, len = slice_indices(n, lo, hi, step)
        local r = {}
        for i = 0, len - 1 do
            r[i + 1] = cs[start + i * st + 1]
        end
        return concat(r)
    elseif t == "table" then
        local mt = getmetatable(o)
        if mt == LIST or mt == TUPLE then
            local start, st, len = slice_indices(o.n, lo, hi, step)
            local r = setmetatable({ n = len }, mt)
            for i = 0, len - 1 do
                r[i + 1] = o[start + i * st + 1]
            end
            return r
        elseif EXT[mt] and EXT[mt].slice then
            return EXT[mt].slice(o, lo, hi, step)
        end
    elseif t == "userdata" then
        return rt.H("slice", o, lo, hi, step)
    end
    if getmetatable(o) == DICT then
        throw("TypeError", "unhashable type: 'slice'")     -- d[a:b] looks the slice up
    end
    if rt.typename(o) ~= nil then
        return rt.typeitem(o, nil, true)    -- a type (types.lua)
    end
    throw("TypeError", sformat("'%s' object is not subscriptable", tname(o)))
end

function rt.contains(c, x)
    local t = type(c)
    if t == "string" then
        if type(x) ~= "string" then
            throw("TypeError", sformat("'in <string>' requires string as left operand, not %s",
                                       tname(x)))
        end
        return sfind(c, x, 1, true) ~= nil
    elseif t == "table" then
        local mt = getmetatable(c)
        if mt == LIST or mt == TUPLE then
            for i = 1, c.n do
                local y = c[i]
                if rawequal(x, y) or eq(y, x) then
                    return true
                elseif x ~= x and y ~= y then
                    rt.nanpair()
                end
            end
            return false
        elseif mt == DICT then
            return (dict_get(c, x))
        elseif mt == VIEW or mt == ITER then
            if mt == VIEW and c.kind == "keys" then
                return (dict_get(c.d, x))
            end
            local it = rt.iter(c)       -- an iterator is consumed up to the match
            while true do
                local ok, y = it()
                if not ok then
                    return false
                end
                if rawequal(x, y) or eq(y, x) then
                    return true
                elseif x ~= x and y ~= y then
                    rt.nanpair()
                end
            end
        elseif EXT[mt] and EXT[mt].contains then   -- (a type, a bound method: none)
            return EXT[mt].contains(c, x)
        end
    elseif t == "userdata" then
        return rt.H("contains", c, rt.export(x))
    end
    throw("TypeError", sformat("argument of type '%s' is not iterable", tname(c)))
end
-- `x in c` / `x not in c` with the operands in source order
function rt.contains_r(x, c)
    return rt.contains(c, x)
end
function rt.notin_r(x, c)
    return not rt.contains(c, x)
end

-- An iterator over any iterable: a function returning (true, value) or false.
-- (unpacking: true for a, b = v, "star" for [*v]: the TypeError of a
-- non-iterable v is CPython's for that construct)
function rt.iter(v, unpacking)
    local t = type(v)
    if t == "table" then
        local mt = getmetatable(v)
        if mt == LIST or mt == TUPLE then
            local i = 0
            return function()
                if i < v.n then
                    i = i + 1
                    return true, v[i]
                end
                return false
            end
        elseif mt == ITER then
            return v.f
        elseif mt == VIEW then
            local f = dict_items(v.d)
            local kind = v.kind
            return function()
                local k, val = f()
                if k == nil then
                    return false
                end
                if kind == "keys" then
                    return true, realkey(k)
                elseif kind == "values" then
                    return true, val
                end
                return true, mktuple(realkey(k), val)
            end
        elseif mt == DICT then
            local f = dict_items(v)
            return function()
                local k = f()
                if k == nil then
                    return false
                end
                return true, realkey(k)
            end
        elseif EXT[mt] and EXT[mt].iter then       -- (a type, a bound method: none)
            return EXT[mt].iter(v)
        end
    elseif t == "string" then
        local cs, n = chars(v)
        local i = 0
        return function()
            if i < n then
                i = i + 1
                return true, cs[i]
            end
            return false
        end
    elseif t == "userdata" then
        local H = rt.H
        local it = unpacking and H("unpackiter", v, unpacking == "star") or H("iter", v)
        local missing = H("missing")
        return function()
            local x = H("next", it)
            if rawequal(x, missing) then
                return false
            end
            return true, x
        end
    end
    if unpacking == "star" then     -- [*5]: CPython's message for a list display
        throw("TypeError", sformat("Value after * must be an iterable, not %s", tname(v)))
    elseif unpacking then           -- a, b = 5: CPython's message for unpacking
        throw("TypeError", sformat("cannot unpack non-iterable %s object", tname(v)))
    end
    throw("TypeError", sformat("'%s' object is not iterable", tname(v)))
end

-- Unpack an iterable into exactly n values.
function rt.unpack(v, n)
    local r, k = {}, 0
    if type(v) == "table" and (getmetatable(v) == TUPLE or getmetatable(v) == LIST) then
        if v.n == n then
            return unpack(v, 1, n)
        end
        if v.n < n then
            throw("ValueError", sformat("not enough values to unpack (expected %d, got %d)", n,
                                        v.n))
        end
        throw("ValueError", sformat("too many values to unpack (expected %d)", n))
    end
    local it = rt.iter(v, true)
    while true do
        local ok, x = it()
        if not ok then
            break
        end
        k = k + 1
        if k > n then
            throw("ValueError", sformat("too many values to unpack (expected %d)", n))
        end
        r[k] = x
    end
    if k < n then
        throw("ValueError", sformat("not enough values to unpack (expected %d, got %d)", n, k))
    end
    return unpack(r, 1, n)
end

-- range(a, b, c) for a for loop: first, last (inclusive), step — or nil when empty.
local function range_int(v)
    local x = num(v)
    if x == nil or mtype(x) ~= "integer" then
        x = rt.asindex(v)
        if mtype(x) == "integer" then
            return x
        elseif pyint(x) then
            throw("NotImplementedError", "range() of an int past 64 bits (tandem translation)")
        end
        throw("TypeError", sformat("'%s' object cannot be interpreted as an integer",
                                   tname(v)))
    end
    return x
end
-- d[k] = d.get(k, c) + n (lxlate.c, dincr_stmt): the statement's own steps;
-- absent: the C fast path saw that d is a dict without the str/int key k,
-- so d.get(k, c) is c
function rt.dincr(d, k, c, n, absent)
    if absent then
        rt.setitem(d, k, rt.add(c, n))
        return
    end
    rt.setitem(d, k, rt.add(rt.method(d, "get", k, c), n))
end

-- d[k] += n (lxfast.c f_aincr's general case): as the statement runs it
function rt.aincr(d, k, n)
    rt.setitem(d, k, rt.iadd(rt.getitem(d, k), n))
end

function rt.range(a, b, c)
    a, b, c = range_int(a), range_int(b), range_int(c)
    if c == 0 then
        throw("ValueError", "range() arg 3 must not be zero")
    end
    if c > 0 then
        if a >= b then
            return nil
        end
        return a, b - 1, c
    end
    if a <= b then
        return nil
    end
    return a, b + 1, c
end

-- ---- builtins ---------------------------------------------------------------------

function rt.kwarg(name, v, display)
    return setmetatable({ name = name, v = v, display = display }, KW)
end

-- Split a builtin's arguments into positional ones and keywords (allowed:
-- the set of accepted names).
local function split_kw(fname, allowed, ...)
    local args = pack(...)
    local pos, kw = { n = 0 }, {}
    for i = 1, args.n do
        local a = args[i]
        if getmetatable(a) == KW then
            if not allowed[a.name] then
                throw("TypeError", sformat("'%s' is an invalid keyword argument for %s()",
                                           a.name, fname))
            end
            if kw[a.name] ~= nil or kw[a.name .. "?"] then
                throw("TypeError", sformat("%s() got multiple values for keyword argument " ..
                                           "'%s'", fname, a.name))
            end
            kw[a.name] = a.v
            kw[a.name .. "?"] = true
        else
            pos.n = pos.n + 1
            pos[pos.n] = a
        end
    end
    return pos, kw
end

-- the methods of the runtime's own values, by kind (str, list, ...), and of
-- builtin types (classes.dict.fromkeys)
local M = { list = {}, dict = {}, str = {}, int = {}, float = {}, classes = {} }
local B = {}
rt.builtins = B

B.len = rt.len
B.repr = rt.repr
B.str = function(...)
    local n = select("#", ...)
    if n == 0 then
        return ""
    end
    if n > 1 then
        throw("NotImplementedError", "str() with an encoding (tandem translation)")
    end
    return rt.str((...))
end
B.bool = function(...)
    if select("#", ...) == 0 then
        return false
    end
    return truth((...))
end

B.abs = function(v)
    local x = num(v)
    if x then
        if mtype(x) == "integer" then
            if x == MINI then
                return big("abs", x)
            end
            return x < 0 and -x or x
        end
        return math.abs(x)
    end
    if type(v) == "userdata" then
        return rt.H("op", "abs", v)
    end
    throw("TypeError", sformat("bad operand type for abs(): '%s'", tname(v)))
end

local function float_to_int(x)
    if x ~= x then
        throw("ValueError", "cannot convert float NaN to integer")
    end
    if x == huge or x == -huge then
        throw("OverflowError", "cannot convert float infinity to integer")
    end
    local t = x < 0 and math.ceil(x) or floor(x)
    local i = math.tointeger(t)
    if i == nil then
        return bigcall("int", x)
    end
    return i
end

local function strip_ws(s)
    return (s:gsub("^[ \t\n\r\f\v]+", ""):gsub("[ \t\n\r\f\v]+$", ""))
end

B.int = function(...)
    local n = select("#", ...)
    if n == 0 then
        return 0
    end
    if n > 1 then
        throw("NotImplementedError", "int() with a base (tandem translation)")
    end
    local v = ...
    local x = num(v)
    if x then
        if mtype(x) == "integer" then
            return x
        end
        return float_to_int(x)
    end
    if type(v) == "string" then
        if not isascii(v) and rt.H ~= nil then
            return rt.H("call", "int", v)   -- Unicode digits and spaces: CPython's int()
        elseif not isascii(v) then
            throw("NotImplementedError", "int() of a non-ASCII str (tandem translation)")
        end
        local s = strip_ws(v)
        local sign, digits = s:match("^([+-]?)(%d[%d_]*)$")
        if digits == nil or sfind(digits, "__", 1, true) or ssub(digits, -1) == "_" then
            throw("ValueError", "invalid literal for int() with base 10: " .. str_repr(v))
        end
        digits = digits:gsub("_", "")
        -- (only an integer: Lua reads a decimal past 64 bits as a float, and
        -- "-9223372036854775809" as the float -2**63, which tointeger took)
        local function exact(t)
            return mtype(t) == "integer" and t or nil
        end
        local r = exact(tonumber(sign .. digits))
        if r == nil or #digits > 19 then
            digits = digits:gsub("^0+", "")
            r = exact(tonumber(sign .. (digits == "" and "0" or digits)))
            if r == nil or #digits > 19 then
                return bigcall("int", v)
            end
        end
        return r
    end
    if type(v) == "userdata" then
        return rt.H("call", "int", v)
    end
    throw("TypeError", sformat("int() argument must be a string, a bytes-like object or a " ..
                               "real number, not '%s'", tname(v)))
end

B.float = function(...)
    local n = select("#", ...)
    if n == 0 then
        return 0.0
    end
    local v = ...
    local x = num(v)
    if x then
        return x * 1.0      -- (x + 0.0 would turn -0.0 into 0.0)
    end
    if type(v) == "string" then
        if not isascii(v) and rt.H ~= nil then
            return rt.H("call", "float", v)     -- Unicode digits and spaces: CPython's float()
        end
        local s = strip_ws(v):lower()
        local sign, word = s:match("^([+-]?)(%a+)$")
        if word == "inf" or word == "infinity" then
            return sign == "-" and -huge or huge
        elseif word == "nan" then
            return 0.0 / 0.0 * (sign == "-" and -1 or 1)
        end
        if sfind(s, "_", 1, true) then
            throw("NotImplementedError", "float() of a str with '_' (tandem translation)")
        end
        local ok = s:match("^[+-]?%d+%.?%d*$") or s:match("^[+-]?%.%d+$")
            or s:match("^[+-]?%d+%.?%d*e[+-]?%d+$") or s:match("^[+-]?%.%d+e[+-]?%d+$")
        if ok then
            local r = tonumber(s)
            if r then
                if r == 0 and ssub(s, 1, 1) == "-" then
                    return -0.0     -- "-0" reads as the integer 0: the sign is the float's
                end
                return r * 1.0
            end
        end
        throw("ValueError", "could not convert string to float: " .. str_repr(v))
    end
    if type(v) == "userdata" then
        return rt.H("call", "float", v)
    end
    throw("TypeError", sformat("float() argument must be a string or a real number, not '%s'",
                               tname(v)))
end

-- round(x, ndigits) of a float: CPython rounds x's exact binary value to
-- ndigits decimals (ties to even) and reads the decimal back (dtoa mode 3,
-- strtod). glibc's printf rounds the exact value the same way, so with S
-- significant digits kept, "%.<S-1>e" then tonumber gives CPython's answer;
-- 18 or more digits keep x itself (the change is below half an ulp), none
-- leaves 0 or one unit of the place rounded to, decided by x's leading digits
-- (an exact tie, 5 * 10^E, goes to the even 0).
local function round_float(x, nd)
    if x == 0 or x ~= x or x == huge or x == -huge then
        return x
    elseif nd > 323 then
        return x
    elseif nd < -308 then
        return 0.0 * x
    end
    local m, e = sformat("%.40e", x < 0 and -x or x):match("^(%d%.%d+)e([-+]%d+)$")
    local S = tonumber(e) + nd + 1
    if S >= 18 then
        return x
    elseif S >= 1 then
        return tonumber(sformat("%." .. (S - 1) .. "e", x))
    end
    local up = S == 0 and (m:byte(1) > 53 or (m:byte(1) == 53 and m:find("[1-9]", 3) ~= nil))
    local r = up and tonumber("1e" .. (-nd)) or 0.0
    return x < 0 and -r or r
end

-- round(n, ndigits) of an integer: n itself for ndigits >= 0, else n to the
-- nearest multiple of 10^-ndigits, ties to even (int.__round__); a result
-- past 64 bits is Python's
local function round_int(x, nd)
    if nd >= 0 then
        return x
    elseif nd < -18 then
        return bigcall("round", x, nd)
    end
    local p = 1
    for _ = 1, -nd do
        p = p * 10
    end
    local q = x // p
    local r = x - q * p
    if 2 * r > p or (2 * r == p and q % 2 ~= 0) then
        q = q + 1
    end
    local lim = MAXI // p
    if q > lim or q < -lim then
        return bigcall("round", x, nd)
    end
    return q * p
end

-- (a field: the runtime's main chunk is at Lua's limit of 200 locals)
function rt.round_pos(v, nd)
    if nd ~= nil then
        local x = num(v)
        if x == nil then
            if type(v) == "userdata" then
                -- a Python object (a big int): Python rounds (nd exported: a
                -- tuple translated code made is Python's tuple in its message)
                return bigcall("round", v, rt.export(nd))
            end
            throw("TypeError", sformat("type %s doesn't define __round__ method", tname(v)))
        end
        nd = rt.asindex(nd)
        if pyint(nd) then
            return bigcall("round", v, nd)         -- ndigits past 64 bits
        end
        local k = num(nd)
        if k == nil or mtype(k) ~= "integer" then
            throw("TypeError", sformat("'%s' object cannot be interpreted as an integer",
                                       tname(nd)))
        end
        if mtype(x) == "integer" then
            return round_int(x, k)
        end
        return round_float(x, k)
    end
    if type(v) == "userdata" then
        return rt.H("call", "round", v)     -- a Python object (a big int): Python rounds
    end
    local x = num(v)
    if x == nil then
        throw("TypeError", sformat("type %s doesn't define __round__ method", tname(v)))
    end
    if mtype(x) == "integer" then
        return x
    end
    if x ~= x then
        throw("ValueError", "cannot convert float NaN to integer")
    end
    if x == huge or x == -huge then
        throw("OverflowError", "cannot convert float infinity to integer")
    end
    local f = floor(x)
    local diff = x - f
    if diff > 0.5 or (diff == 0.5 and f % 2 ~= 0) then
        f = f + 1
    end
    local i = math.tointeger(f)
    if i == nil then
        return bigcall("round", x)
    end
    return i
end

-- round(number, ndigits=None) with CPython's keywords (Argument Clinic):
-- positional arguments take the plain path
B.round = function(...)
    local v, nd = ...
    if getmetatable(nd) ~= KW and getmetatable(v) ~= KW and select("#", ...) <= 2 then
        return rt.round_pos(v, nd)
    end
    local n = select("#", ...)  -- (each keyword one argument)
    if n > 2 then
        throw("TypeError", sformat("round() takes at most 2 arguments (%d given)", n))
    end
    local pos, kw = split_kw("round", { number = true, ndigits = true }, ...)
    local a = rt.bindkw("round", { "number", "ndigits" }, 1, pos, kw)
    return rt.round_pos(a[1], a[2])
end

-- The arguments of the builtin fname (parameters names, the first nreq
-- required) from split_kw's positional and keyword parts, with CPython's
-- Argument Clinic errors in its order: a missing required one first (its
-- name and position), then one given both ways
function rt.bindkw(fname, names, nreq, pos, kw)
    local a = {}
    for i, name in ipairs(names) do
        if i <= pos.n then
            a[i] = pos[i]
        elseif kw[name .. "?"] then
            a[i] = kw[name]
        elseif i <= nreq then
            throw("TypeError", sformat("%s() missing required argument '%s' (pos %d)", fname,
                                       name, i))
        end
    end
    for i, name in ipairs(names) do
        if kw[name .. "?"] and i <= pos.n then
            throw("TypeError", sformat("argument for %s() given by name ('%s') and " ..
                                       "position (%d)", fname, name, i))
        end
    end
    return a
end

B.divmod = rt.divmod

B.ord = function(c)
    if type(c) == "userdata" and rt.H ~= nil then
        return rt.H("call", "ord", c)           -- a Python object (bytes): Python's ord
    end
    if type(c) ~= "string" then
        throw("TypeError", sformat("ord() expected string of length 1, but %s found", tname(c)))
    end
    local n = slen(c)
    if n ~= 1 then
        throw("TypeError", sformat("ord() expected a character, but string of length %d found",
                                   n))
    end
    return utf8cp(c)
end

B.chr = function(i)
    if type(i) == "userdata" then
        return bigcall("chr", i)                -- a Python object (a big int)
    end
    local x = num(i)
    if x ~= nil and mtype(x) == "integer" and (x < -0x80000000 or x > 0x7fffffff) then
        throw("OverflowError", "Python int too large to convert to C int")
    end
    if x == nil or mtype(x) ~= "integer" then
        throw("TypeError", sformat("'%s' object cannot be interpreted as an integer", tname(i)))
    end
    if x < 0 or x > 0x10ffff then
        throw("ValueError", "chr() arg not in range(0x110000)")
    end
    if x >= 0xd800 and x <= 0xdfff then
        throw("NotImplementedError", "chr() of a surrogate (tandem translation)")
    end
    return utf8char(x)
end

local function collect(v, unpacking)
    local r = newlist()
    local it = rt.iter(v, unpacking)
    local n = 0
    while true do
        local ok, x = it()
        if not ok then
            break
        end
        n = n + 1
        r[n] = x
    end
    r.n = n
    return r
end

B.list = function(...)
    if select("#", ...) == 0 then
        return newlist()
    end
    return collect((...))
end
B.tuple = function(...)
    if select("#", ...) == 0 then
        return mktuple()
    end
    local v = ...
    if getmetatable(v) == TUPLE then
        return v
    end
    return setmetatable(collect(v), TUPLE)
end
B.dict = function(...)
    local d = newdict()
    if select("#", ...) == 0 then
        return d
    end
    local v = ...
    if getmetatable(v) == DICT then
        for k, val in dict_items(v) do
            dict_set(d, realkey(k), val)
        end
        return d
    end
    M.dict.update(d, v)     -- a Python mapping by its keys(), pairs: as dict.update
    return d
end

local function minmax(name, better, ...)
    local args, kw = split_kw(name, { key = true, default = true }, ...)
    local n = args.n
    if n == 0 then
        throw("TypeError", name .. " expected at least 1 argument, got 0")
    end
    if kw["default?"] and n > 1 then
        throw("TypeError", sformat("Cannot specify a default for %s() with multiple " ..
                                   "positional arguments", name))
    end
    local it
    if n == 1 then
        it = rt.iter(args[1])
    else
        local i = 0
        it = function()
            if i < n then
                i = i + 1
                return true, args[i]
            end
            return false
        end
    end
    local key = kw.key
    local ok, best = it()
    if not ok then
        if kw["default?"] then
            return kw.default
        end
        throw("ValueError", name .. "() arg is an empty sequence")
    end
    local bestk = best
    if key ~= nil then
        bestk = rt.call(key, best)
    end
    while true do
        local more, x = it()
        if not more then
            break
        end
        local xk = x
        if key ~= nil then
            xk = rt.call(key, x)
        end
        if better(xk, bestk) then
            best, bestk = x, xk
        end
    end
    return best
end
B.min = function(...)
    return minmax("min", rt.lt, ...)
end
B.max = function(...)
    return minmax("max", rt.gt, ...)
end

B.sum = function(v, start)
    local acc = start == nil and 0 or start
    if type(acc) == "string" then
        throw("TypeError", "sum() can't sum strings [use ''.join(seq) instead]")
    end
    if type(acc) == "userdata" and rt.H ~= nil then
        -- a Python object: Python's sum refuses bytes, bytearray and str
        -- subclasses as the start with its own messages (sum((), start) is
        -- start otherwise)
        rt.H("call", "sum", rt.H("tuple"), acc)
    end
    local it = rt.iter(v)
    while true do
        local ok, x = it()
        if not ok then
            break
        end
        acc = rt.add(acc, x)
    end
    return acc
end

local function lazy(kind, f)
    return setmetatable({ kind = kind, f = f }, ITER)
end

B.enumerate = function(v, ...)
    -- start (None is not "absent") is checked before the iterable, as CPython
    local i = 0
    if select("#", ...) > 0 then
        i = rt.asindex((...))
    end
    -- (a start past 64 bits is a Python int, counted by the host)
    local isbig = type(i) == "userdata" and rt.H ~= nil and rt.H("index?", i) ~= nil
    if not isbig and mtype(num(i)) ~= "integer" then
        throw("TypeError", sformat("'%s' object cannot be interpreted as an integer", tname(i)))
    end
    i = isbig and i or num(i)
    local it = rt.iter(v)
    return lazy("enumerate", function()
        local ok, x = it()
        if not ok then
            return false
        end
        local r = mktuple(i, x)
        i = mtype(i) == "integer" and iadd(i, 1) or rt.add(i, 1)
        return true, r
    end)
end

-- zip(*iterables, strict=False): with strict, CPython 3.11's ValueError
-- when one runs out before the others (zip_next)
B.zip = function(...)
    local n = select("#", ...)
    local args, strict = pack(...), false
    if n > 0 and getmetatable(args[n]) == KW then     -- (keywords come last)
        local kw
        args, kw = split_kw("zip", { strict = true }, ...)
        n = args.n
        strict = kw["strict?"] and truth(kw.strict)
    end
    local its = {}
    for k = 1, n do
        its[k] = rt.iter(args[k])
    end
    local function mismatch(i, how)
        throw("ValueError", sformat("zip() argument %d is %s than argument%s%d", i + 1, how,
                                    i == 1 and " " or "s 1-", i))
    end
    return lazy("zip", function()
        if n == 0 then
            return false
        end
        local vals = {}
        for k = 1, n do
            local ok, x = its[k]()
            if not ok then
                if strict then
                    if k > 1 then
                        mismatch(k - 1, "shorter")
                    end
                    for j = 2, n do
                        if its[j]() then
                            mismatch(j - 1, "longer")
                        end
                    end
                end
                return false
            end
            vals[k] = x
        end
        return true, mktuple(unpack(vals, 1, n))
    end)
end

B.reversed = function(v)
    local mt = getmetatable(v)
    if type(v) == "table" and (mt == LIST or mt == TUPLE) then
        local i = v.n
        return lazy(mt == LIST and "list_reverseiterator" or "reversed", function()
            if i >= 1 and i <= v.n then
                local x = v[i]
                i = i - 1
                return true, x
            end
            i = 0
            return false
        end)
    end
    if type(v) == "string" then
        local cs, n = chars(v)
        local i = n
        return lazy("reversed", function()
            if i >= 1 then
                i = i - 1
                return true, cs[i + 1]
            end
            return false
        end)
    end
    if mt == DICT or mt == VIEW then
        -- dicts and their views are reversible (Python 3.8+): newest key first
        local d = mt == DICT and v or v.d
        local kind = mt == DICT and "keys" or v.kind
        local i, count, keys = d.used + 1, d.count, d.keys
        return lazy("dict_reverse" .. kind:sub(1, -2) .. "iterator", function()
            if i == 0 then
                return false
            end
            if d.count ~= count or d.keys ~= keys then
                i = 0
                throw("RuntimeError", "dictionary changed size during iteration")
            end
            while true do
                i = i - 1
                if i < 1 then
                    i = 0
                    return false
                end
                local k = keys[i]
                if k ~= DELETED then
                    if kind == "values" then
                        return true, d.vals[i]
                    elseif kind == "items" then
                        return true, mktuple(realkey(k), d.vals[i])
                    end
                    return true, realkey(k)
                end
            end
        end)
    end
    if type(v) == "userdata" then
        return rt.H("call", "reversed", v)     -- a Python reverse iterator
    end
    if type(v) == "table" and EXT[mt] and EXT[mt].reversed then
        return EXT[mt].reversed(v)             -- a range (expr.lua)
    end
    throw("TypeError", sformat("'%s' object is not reversible", tname(v)))
end

B.any = function(v)
    local it = rt.iter(v)
    while true do
        local ok, x = it()
        if not ok then
            return false
        end
        if truth(x) then
            return true
        end
    end
end

B.all = function(v)
    local it = rt.iter(v)
    while true do
        local ok, x = it()
        if not ok then
            return true
        end
        if not truth(x) then
            return false
        end
    end
end

local function reverse_in_place(a, n)
    for i = 1, n // 2 do
        a[i], a[n + 1 - i] = a[n + 1 - i], a[i]
    end
end

-- CPython's list.sort: keys computed once in order (a key that raises leaves
-- the list as it was), reverse=True reverses, sorts stably and reverses again
-- (also when a comparison raised); the sort itself is CPython's listsort
-- step for step (pyrt/timsort.lua)
local function islt(x, y)
    return lt(x, y, "<")
end

local function sort_list(r, key, reverse)
    local n = r.n
    local keys
    if key ~= nil then
        keys = {}
        for i = 1, n do
            keys[i] = rt.call(key, r[i])
        end
    end
    if reverse then
        reverse_in_place(r, n)
        if keys then
            reverse_in_place(keys, n)
        end
        local saved = DEPTH
        local ok, err = pcall(rt.timsort, keys or r, keys and r or nil, n, islt)
        reverse_in_place(r, n)
        if not ok then
            DEPTH = saved
            error(err, 0)
        end
    else
        rt.timsort(keys or r, keys and r or nil, n, islt)
    end
end

-- A C int argument (CPython's _PyLong_AsInt: sort's reverse, splitlines'
-- keepends, expandtabs' tabsize): an index within 32 bits (not a local: the
-- chunk's main function is near Lua's 200 locals)
function rt.need_cint(v)
    local i = rt.asindex(v)
    local x = num(i)
    if x == nil or mtype(x) ~= "integer" then
        if pyint(i) then
            throw("OverflowError", "Python int too large to convert to C int")
        end
        throw("TypeError", sformat("'%s' object cannot be interpreted as an integer", tname(v)))
    elseif x < -0x80000000 or x > 0x7fffffff then
        throw("OverflowError", "Python int too large to convert to C int")
    end
    return x
end

local function reverse_flag(v)
    return rt.need_cint(v) ~= 0
end

B.sorted = function(...)
    local args, kw = split_kw("sort", { key = true, reverse = true }, ...)
    if args.n ~= 1 then
        throw("TypeError", sformat("sorted expected 1 argument, got %d", args.n))
    end
    local r = collect(args[1])
    sort_list(r, kw.key, kw["reverse?"] and reverse_flag(kw.reverse))
    return r
end

local typenames = {}
B.isinstance = function(x, cls)
    if getmetatable(cls) == TUPLE then
        for i = 1, cls.n do
            if B.isinstance(x, cls[i]) then
                return true
            end
        end
        return false
    end
    if getmetatable(cls) == CLASS then
        if type(x) == "userdata" and rt.H then
            -- a Python exception (raised by an operation on a Python object
            -- and caught): Python's answer (until now false, though `except`
            -- caught it by the same class)
            return rt.H("isinstance", x, cls.name)
        end
        return getmetatable(x) == EXC and subclass(x.cls, cls)
    end
    local want = typenames[cls]
    if want ~= nil and type(x) == "userdata" then
        return rt.H("isinstance", x, want)
    end
    if want == nil then
        throw("TypeError", "isinstance() arg 2 must be a type, a tuple of types, or a union")
    end
    local have = tname(x)
    return have == want or (want == "int" and have == "bool")
end

for name, c in pairs(classes) do
    B[name] = c
end
typenames[B.int], typenames[B.float], typenames[B.str], typenames[B.bool] =
    "int", "float", "str", "bool"
typenames[B.list], typenames[B.tuple], typenames[B.dict] = "list", "tuple", "dict"

-- ---- calls -------------------------------------------------------------------------

-- Call any callable value: a translated or builtin Lua function, an exception
-- class, or a Python object (through the host, arguments exported).
function rt.call(f, ...)
    local t = type(f)
    if t == "function" then
        if TYPEOF[f] then                   -- a builtin: its argument count (call.lua)
            rt.bargcheck(f, select("#", ...))
        end
        return (f(...))
    end
    local mt = getmetatable(f)
    if mt == CLASS then
        return newexc(f, ...)
    end
    if t == "table" and EXT[mt] and EXT[mt].call then
        return EXT[mt].call(f, ...)     -- types.lua: bound methods, str.lower ...
    end
    if t == "userdata" then
        local r = rt.callnat(f, ...)        -- pymath.lua: math.sqrt ... natively
        if not rawequal(r, rt.FALLBACK) then
            return r
        end
        -- through the host, whose results stay exact (bytes, ints beyond 64
        -- bits are Python objects; the bridge would convert them)
        return (rt.hostcall("callobj", 2, 0, f, ...))       -- hostcall.lua
    end
    throw("TypeError", sformat("'%s' object is not callable", tname(f)))
end

-- TypeError for a call with n positional arguments (CPython's messages)
function rt.argcount(name, nparams, ndefaults, n, ...)
    if n > nparams then
        local takes
        if ndefaults > 0 then
            takes = sformat("from %d to %d positional arguments", nparams - ndefaults, nparams)
        else
            takes = sformat("%d positional argument%s", nparams, nparams == 1 and "" or "s")
        end
        throw("TypeError", sformat("%s() takes %s but %d %s given", name, takes, n,
                                   n == 1 and "was" or "were"))
    end
    local names = pack(...)
    local miss = {}
    for i = n + 1, nparams - ndefaults do
        miss[#miss + 1] = "'" .. names[i] .. "'"
    end
    local list
    if #miss == 1 then
        list = miss[1]
    elseif #miss == 2 then
        list = miss[1] .. " and " .. miss[2]
    else
        list = concat(miss, ", ", 1, #miss - 1) .. ", and " .. miss[#miss]
    end
    throw("TypeError", sformat("%s() missing %d required positional argument%s: %s", name,
                               #miss, #miss == 1 and "" or "s", list))
end

function rt.unbound(name)
    throw("UnboundLocalError", sformat("cannot access local variable '%s' where it is not " ..
                                       "associated with a value", name))
end

function rt.freeunbound(name)
    throw("NameError", sformat("cannot access free variable '%s' where it is not " ..
                               "associated with a value in enclosing scope", name))
end

function rt.assertfail(msg, has)
    if has then
        local e = newexc(classes.AssertionError, msg)
        e.file, e.line, e.func = where()
        error(e, 0)
    end
    throw("AssertionError")
end

-- ---- methods ------------------------------------------------------------------------


function M.list.append(l, x)
    l.n = l.n + 1
    l[l.n] = x
end
function M.list.pop(l, i)
    local n = l.n
    if n == 0 then
        throw("IndexError", "pop from empty list")
    end
    if i == nil then
        i = n - 1
    else
        i = index_of(i, "list")
        if i < 0 then
            i = i + n
        end
        if i < 0 or i >= n then
            throw("IndexError", "pop index out of range")
        end
    end
    local x = l[i + 1]
    table.move(l, i + 2, n, i + 1)
    l[n] = nil
    l.n = n - 1
    return x
end
function M.list.insert(l, i, x)
    local n = l.n
    i = index_of(i, "list")
    if i < 0 then
        i = i + n
        if i < 0 then
            i = 0
        end
    elseif i > n then
        i = n
    end
    table.move(l, i + 1, n, i + 2)
    l[i + 1] = x
    l.n = n + 1
end
function M.list.extend(l, v)
    local src = collect(v)
    for i = 1, src.n do
        l[l.n + i] = src[i]
    end
    l.n = l.n + src.n
end
function M.list.index(l, x, ...)
    local first, last = 1, l.n
    local k = select("#", ...)
    if k > 0 then                   -- start[, stop]: ints (not None), negative from the end
        local n = l.n
        local function bound(v)
            return from_end(slice_bound(v, "slice indices must be integers or have an "
                                        .. "__index__ method"), n)
        end
        local a, b = ...
        first = math.min(bound(a), n) + 1        -- (no overflow past 2**63 - 1)
        if k > 1 then
            last = math.min(bound(b), n)
        end
    end
    for i = first, last do
        local y = l[i]
        if rawequal(y, x) or eq(y, x) then
            return i - 1
        elseif x ~= x and y ~= y then
            rt.nanpair()
        end
    end
    if getmetatable(l) == TUPLE then    -- (M.tuple.index is this function)
        throw("ValueError", "tuple.index(x): x not in tuple")
    end
    throw("ValueError", repr(x) .. " is not in list")
end
function M.list.count(l, x)
    local c = 0
    for i = 1, l.n do
        local y = l[i]
        if rawequal(y, x) or eq(y, x) then
            c = c + 1
        elseif x ~= x and y ~= y then
            rt.nanpair()
        end
    end
    return c
end
function M.list.reverse(l)
    local n = l.n
    for i = 1, n // 2 do
        l[i], l[n + 1 - i] = l[n + 1 - i], l[i]
    end
end
function M.list.copy(l)
    return table.move(l, 1, l.n, 1, newlist(l.n))
end
function M.list.sort(l, ...)
    local args, kw = split_kw("sort", { key = true, reverse = true }, ...)
    if args.n > 0 then
        throw("TypeError", "sort() takes no positional arguments")
    end
    local reverse = kw["reverse?"] and reverse_flag(kw.reverse)
    -- as CPython's listsort: the list is empty while it sorts (a key or a
    -- comparison sees []); what they add to it is dropped and the sort then
    -- raises "list modified during sort"
    local n = l.n
    local r = M.list.copy(l)
    for i = 1, n do
        l[i] = nil
    end
    l.n = 0
    local saved = DEPTH
    local ok, err = pcall(sort_list, r, kw.key, reverse)
    local modified = l.n ~= 0
    for i = 1, l.n do
        l[i] = nil
    end
    for i = 1, n do
        l[i] = r[i]
    end
    l.n = n
    if not ok then
        DEPTH = saved
        error(err, 0)
    end
    if modified then
        throw("ValueError", "list modified during sort")
    end
end
function M.list.clear(l)
    for i = 1, l.n do
        l[i] = nil
    end
    l.n = 0
end

function M.dict.get(d, k, default)
    local found, v = dict_get(d, k)
    if found then
        return v
    end
    return default
end
function M.dict.setdefault(d, k, default)
    local found, v = dict_get(d, k)
    if found then
        return v
    end
    dict_set(d, k, default)
    return default
end
function M.dict.pop(d, k, ...)
    local found, v = dict_get(d, k)
    if found then
        dict_del(d, k)
        return v
    end
    if select("#", ...) > 0 then
        return (...)
    end
    throw("KeyError", k)
end
-- keys()/values()/items() are live views: iteration, len, `in` and truth
-- see the dict as it is then; other uses raise NotImplementedError.
function M.dict.keys(d)
    return setmetatable({ d = d, kind = "keys" }, VIEW)
end
function M.dict.values(d)
    return setmetatable({ d = d, kind = "values" }, VIEW)
end
function M.dict.items(d)
    return setmetatable({ d = d, kind = "items" }, VIEW)
end
function M.dict.copy(d)
    return B.dict(d)
end
function M.dict.clear(d)
    d.keys, d.vals, d.pos, d.used, d.count = {}, {}, {}, 0, 0
end

-- a str argument, or TypeError with CPython's message (fmt: "%s" the type's
-- name; nil: strip's "strip arg must be None or str"); a and b: the start
-- and end of find/count/..., which CPython checks first
local function needstr(name, x, fmt, a, b)
    if a ~= nil then
        slice_bound(a, SLICE_MSG)
    end
    if b ~= nil then
        slice_bound(b, SLICE_MSG)
    end
    if type(x) ~= "string" then
        throw("TypeError", fmt and sformat(fmt, tname(x)) or
                           sformat("%s arg must be None or str", name))
    end
end
-- The str method `what` ("str.upper") of a non-ASCII s: CPython's (its
-- Unicode database) through the host; a refusal without one (a standalone
-- file)
local function nonascii(s, what)
    if rt.H == nil then
        throw("NotImplementedError", what .. " of a non-ASCII str (tandem translation)")
    end
    return rt.H("method", s, ssub(what, 5))
end
function M.str.upper(s)
    if not isascii(s) then
        return nonascii(s, "str.upper")
    end
    return s:upper()
end
function M.str.lower(s)
    if not isascii(s) then
        return nonascii(s, "str.lower")
    end
    return s:lower()
end
local WS = "[ \t\n\r\f\v\28-\31]"
local function strip(s, chars_, left, right, name)
    if chars_ ~= nil then
        needstr(name, chars_)
        if not (isascii(s) and isascii(chars_)) then
            return rt.strip_u(s, chars_, left, right)     -- strmeth.lua
        end
        local set = {}
        for i = 1, #chars_ do
            set[ssub(chars_, i, i)] = true
        end
        local i, j = 1, #s
        if left then
            while i <= j and set[ssub(s, i, i)] do
                i = i + 1
            end
        end
        if right then
            while j >= i and set[ssub(s, j, j)] do
                j = j - 1
            end
        end
        return ssub(s, i, j)
    end
    if not isascii(s) then
        return rt.strip_u(s, nil, left, right)
    end
    if left then
        s = s:gsub("^" .. WS .. "+", "")
    end
    if right then
        s = s:gsub(WS .. "+$", "")
    end
    return s
end
function M.str.strip(s, c)
    return strip(s, c, true, true, "strip")
end
function M.str.lstrip(s, c)
    return strip(s, c, true, false, "lstrip")
end
function M.str.rstrip(s, c)
    return strip(s, c, false, true, "rstrip")
end
-- The window s[start:end] of str.find/count/index/startswith/endswith
-- (CPython's ADJUST_INDICES: end clamped to the length, start not), as the
-- substring and its start; nil when the window is shorter than m characters
-- (then CPython answers -1, 0 or False without looking).
local function window(s, a, b, m)
    local n = slen(s)
    local start = a == nil and 0 or from_end(slice_bound(a, SLICE_MSG), n)
    local stop = b == nil and n or math.min(from_end(slice_bound(b, SLICE_MSG), n), n)
    if stop - start < m then
        return nil, start
    end
    if isascii(s) then
        return ssub(s, start + 1, stop), start
    end
    local i = utf8offset(s, start + 1)
    local j = utf8offset(s, stop + 1)
    return ssub(s, i, j - 1), start
end

-- startswith/endswith of a prefix or a tuple of them (CPython's messages)
local function affix(s, p, name, test)
    if type(p) == "userdata" and rt.H and rt.H("isinstance", p, "tuple") then
        p = rt.builtins.tuple(p)        -- a Python tuple: its items, as ours
    end
    if getmetatable(p) == TUPLE then
        for i = 1, p.n do
            if type(p[i]) ~= "string" then
                throw("TypeError", sformat("tuple for %s must only contain str, not %s", name,
                                           tname(p[i])))
            end
            if test(s, p[i]) then
                return true
            end
        end
        return false
    elseif type(p) ~= "string" then
        throw("TypeError", sformat("%s first arg must be str or a tuple of str, not %s", name,
                                   tname(p)))
    end
    return test(s, p)
end
local function starts(s, p)
    return ssub(s, 1, #p) == p
end
local function ends(s, p)
    return p == "" or ssub(s, -#p) == p
end
local function affix_in(s, p, a, b, name, test)
    if a == nil and b == nil then
        return affix(s, p, name, test)
    end
    needstr(name, "", nil, a, b)    -- start and end first, as CPython
    -- each candidate needs a window at least its length: test them in it
    return affix(s, p, name, function(_, q)
        local w = window(s, a, b, slen(q))
        return w ~= nil and test(w, q)
    end)
end
function M.str.startswith(s, p, a, b)
    return affix_in(s, p, a, b, "startswith", starts)
end
function M.str.endswith(s, p, a, b)
    return affix_in(s, p, a, b, "endswith", ends)
end
local function str_find(s, sub)
    needstr("find", sub, "must be str, not %s")
    local p = sfind(s, sub, 1, true)
    if p == nil then
        return -1
    end
    if isascii(s) then
        return p - 1
    end
    return utf8len(s, 1, p) - 1
end
function M.str.find(s, sub, a, b)
    if a == nil and b == nil then
        return str_find(s, sub)
    end
    needstr("find", sub, "must be str, not %s", a, b)
    local w, start = window(s, a, b, slen(sub))
    if w == nil then
        return -1
    end
    local r = str_find(w, sub)
    return r < 0 and -1 or r + start
end
function M.str.index(s, sub, a, b)
    local r = M.str.find(s, sub, a, b)
    if r < 0 then
        throw("ValueError", "substring not found")
    end
    return r
end
local function str_count(s, sub)
    needstr("count", sub, "must be str, not %s")
    if sub == "" then
        return slen(s) + 1
    end
    local c, i = 0, 1
    while true do
        local p = sfind(s, sub, i, true)
        if p == nil then
            return c
        end
        c = c + 1
        i = p + #sub
    end
end
function M.str.count(s, sub, a, b)
    if a == nil and b == nil then
        return str_count(s, sub)
    end
    needstr("count", sub, "must be str, not %s", a, b)
    local w = window(s, a, b, slen(sub))
    return w == nil and 0 or str_count(w, sub)
end
function M.str.replace(s, old, new, ...)
    needstr("replace", old, old == nil and "replace() argument 1 must be str, not None"
                                or "replace() argument 1 must be str, not %s")
    needstr("replace", new, new == nil and "replace() argument 2 must be str, not None"
                                or "replace() argument 2 must be str, not %s")
    local left = -1                 -- replacements left (negative: all)
    if select("#", ...) > 0 then    -- a count, None included (TypeError)
        local count = rt.asindex((...))
        if pyint(count) then                -- an int past 64 bits: not clamped here
            throw("OverflowError", "Python int too large to convert to C ssize_t")
        end
        left = num(count)
        if left == nil or mtype(left) ~= "integer" then
            throw("TypeError", sformat("'%s' object cannot be interpreted as an integer",
                                       tname(count)))
        end
    end
    if old == "" then
        local cs, n = chars(s)
        local out = {}
        for i = 1, n do
            if left ~= 0 then
                out[#out + 1] = new
                left = left - 1
            end
            out[#out + 1] = cs[i]
        end
        if left ~= 0 then
            out[#out + 1] = new
        end
        return concat(out)
    end
    local out, i = {}, 1
    while true do
        local p = left ~= 0 and sfind(s, old, i, true) or nil
        left = left - 1
        if p == nil then
            out[#out + 1] = ssub(s, i)
            return concat(out)
        end
        out[#out + 1] = ssub(s, i, p - 1)
        out[#out + 1] = new
        i = p + #old
    end
end
-- ---- str.split() without a separator -----------------------------------------
-- Python splits on runs of the characters str.isspace() knows: \t \n \v \f
-- \r, \28-\31, the space, and beyond ASCII U+0085, U+00A0, U+1680,
-- U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, whose UTF-8 forms
-- all begin with the bytes \194, \225, \226 or \227.
--
-- ws_spaced(s): s with each of those non-ASCII characters turned into as
-- many spaces as it has bytes (so every word keeps its bytes and its
-- position). The pattern takes a lead byte with all the continuation bytes
-- after it, which in UTF-8 is exactly one character; anything else is kept.
local WS_U = {}
for _, c in ipairs({ 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
                     0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
                     0x3000 }) do
    local u = utf8char(c)
    WS_U[u] = srep(" ", #u)
end
local function ws_spaced(s)
    return (string.gsub(s, "[\194\225-\227][\128-\191]+", WS_U))
end
-- a word of split() in a string without non-ASCII whitespace: whatever the
-- C library's locale says (no %s)
local WORD = "[^\9-\13\28-\32]+"
local WORD_AT = "[^\9-\13\28-\32]"
local SPACE_AT = "[\9-\13\28-\32]"
-- every byte that is not whitespace to Python's split(): Lua's %s must find
-- none of them, and all of " \t\n\v\f\r", for "%S+" to be WORD
local NOT_WS
do
    local t = {}
    for b = 0, 255 do
        if not (b >= 9 and b <= 13 or b >= 28 and b <= 32) then
            t[#t + 1] = string.char(b)
        end
    end
    NOT_WS = concat(t)
end
-- The string to match split()'s words in and their pattern: s itself with
-- "%S+" (Lua's fastest pattern: what hand-written Lua uses) when that is
-- exact — s long enough that the checks pay (a kilobyte), none of \28-\31
-- and no lead byte of a non-ASCII space in it (plain finds: memchr), and
-- the C library's isspace() in its current locale true for exactly Python's
-- ASCII whitespace minus \28-\31 (checked at each call: a locale can
-- change) —, else s (made ASCII-spaced when it holds a lead byte of a
-- non-ASCII space) with WORD. Both give the same words.
local function split_src(s)
    if sfind(s, "\226", 1, true) or sfind(s, "\194", 1, true) or sfind(s, "\227", 1, true)
        or sfind(s, "\225", 1, true) then
        return ws_spaced(s), WORD
    end
    if #s >= 1024 and not (sfind(s, "\28", 1, true) or sfind(s, "\29", 1, true)
                           or sfind(s, "\30", 1, true) or sfind(s, "\31", 1, true))
        and not sfind(NOT_WS, "%s") and not sfind(" \t\n\v\f\r", "%S") then
        return s, "%S+"
    end
    return s, WORD
end

-- `for w in s.split():` on a str (lxlate.c for_stmt): the words one by one,
-- as the list split() makes would give them (nothing else can see that
-- list), or false when s is not a str (the loop then calls s.split() as usual)
function rt.splitw(s)
    if type(s) ~= "string" then
        return false
    end
    local src, pat = split_src(s)
    return src:gmatch(pat)
end
-- maxsplit: a limit of splits by an explicit sep (call.lua's str.split
-- passes it; nil: no limit)
function M.str.split(s, sep, maxsplit)
    local r = newlist()
    if sep == nil then
        local src, pat = split_src(s)
        local n = 0
        for w in src:gmatch(pat) do
            n = n + 1
            r[n] = w
        end
        r.n = n
        return r
    end
    needstr("split", sep, "must be str or None, not %s")
    if sep == "" then
        throw("ValueError", "empty separator")
    end
    local i, lim = 1, maxsplit or MAXI
    while true do
        local p = r.n < lim and sfind(s, sep, i, true) or nil
        r.n = r.n + 1
        if p == nil then
            r[r.n] = ssub(s, i)
            return r
        end
        r[r.n] = ssub(s, i, p - 1)
        i = p + #sep
    end
end
function M.str.join(s, v)
    local parts = collect(v)
    for i = 1, parts.n do
        if type(parts[i]) ~= "string" then
            throw("TypeError", sformat("sequence item %d: expected str instance, %s found",
                                       i - 1, tname(parts[i])))
        end
    end
    return concat(parts, s, 1, parts.n)
end
function M.str.isdigit(s)
    if not isascii(s) then
        return nonascii(s, "str.isdigit")
    end
    return s ~= "" and not sfind(s, "%D")
end

-- Positional arguments of the methods whose pyrt function takes a fixed
-- number: { CPython's fewest, CPython's most, what pyrt implements, the
-- style of CPython's message }. A call outside CPython's range raises
-- TypeError with CPython's message; one CPython takes but pyrt does not is
-- refused, never answered with the extra arguments ignored. Methods that
-- read their own arguments (split, sort, format, update, union ...) are not
-- listed. Styles: "o" (METH_NOARGS/METH_O: "str.upper() takes no
-- arguments (1 given)"), "c" (Argument Clinic: "strip expected at most 1
-- argument, got 2"), "v" (PyArg_ParseTuple: "find() takes at least 1
-- argument (0 given)").
local arity
do
local O0, O1 = { 0, 0, 0, "o" }, { 1, 1, 1, "o" }
local FIND = { 1, 3, 3, "v" }
local ARITY = {
    str = { count = FIND, endswith = FIND, find = FIND, index = FIND, rfind = FIND,
            rindex = FIND, startswith = FIND, join = O1, replace = { 2, 3, 3, "c" },
            lstrip = { 0, 1, 1, "c" }, rstrip = { 0, 1, 1, "c" }, strip = { 0, 1, 1, "c" },
            center = { 1, 2, 2, "c" }, ljust = { 1, 2, 2, "c" }, rjust = { 1, 2, 2, "c" },
            zfill = O1, partition = O1, rpartition = O1, removeprefix = O1,
            removesuffix = O1 },
    list = { append = O1, clear = O0, copy = O0, count = O1, extend = O1,
             index = { 1, 3, 3, "c" }, insert = { 2, 2, 2, "c" }, pop = { 0, 1, 1, "c" },
             reverse = O0, remove = O1 },
    tuple = { count = O1, index = { 1, 3, 3, "c" } },
    dict = { clear = O0, copy = O0, get = { 1, 2, 2, "c" }, items = O0, keys = O0, values = O0,
             pop = { 1, 2, 2, "c" }, setdefault = { 1, 2, 2, "c" }, popitem = O0 },
    set = { add = O1, discard = O1, remove = O1, pop = O0, clear = O0, copy = O0,
            symmetric_difference = O1, symmetric_difference_update = O1, isdisjoint = O1,
            issubset = O1, issuperset = O1 },
    frozenset = { copy = O0, symmetric_difference = O1, isdisjoint = O1, issubset = O1,
                  issuperset = O1 },
    generator = { send = O1, close = O0 },
    range = { count = O1, index = O1 },
    int = { bit_length = O0, bit_count = O0 },
    float = { is_integer = O0 },
}
for _, name in ipairs({ "capitalize", "casefold", "isalnum", "isalpha", "isascii", "isdecimal",
                        "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
                        "isspace", "istitle", "isupper", "lower", "swapcase", "title",
                        "upper" }) do
    ARITY.str[name] = O0
end

local function plural(k, what)
    return sformat("%d %s%s", k, what, k == 1 and "" or "s")
end

arity = function(kind, name, n, shown)
    local a = ARITY[kind] and ARITY[kind][name]
    if a == nil then
        return
    elseif n < a[1] or n > a[2] then
        local lo, hi, style = a[1], a[2], a[4]
        if style == "o" then
            throw("TypeError", sformat("%s.%s() takes %s (%d given)", shown or kind, name,
                                       lo == 0 and "no arguments" or "exactly one argument", n))
        elseif style == "v" then
            throw("TypeError", sformat("%s() takes %s %s (%d given)", name,
                                       n < lo and "at least" or "at most",
                                       plural(n < lo and lo or hi, "argument"), n))
        elseif lo == hi then
            throw("TypeError", sformat("%s expected %s, got %d", name, plural(lo, "argument"), n))
        end
        throw("TypeError", sformat("%s expected %s %s, got %d", name,
                                   n < lo and "at least" or "at most",
                                   plural(n < lo and lo or hi, "argument"), n))
    elseif n > a[3] then
        throw("NotImplementedError", sformat("%s.%s() with %d arguments (tandem translation)",
                                             kind, name, n))
    end
end
end

-- a tuple's two methods are the list's
M.tuple = { index = M.list.index, count = M.list.count }

-- The public attribute names of the Python types the runtime's values stand
-- for (pynames.lua; CPython 3.11's dir() without the _ names): a method the
-- runtime lacks but Python has is refused, never answered with AttributeError.
local PYNAMES = {}

-- The runtime's own method `name` of o (not a Python object) and the kind of
-- o that names ARITY's table; AttributeError when Python's type of o has no
-- such attribute, NotImplementedError when it has and pyrt does not.
local function own_method(o, name)
    local kind
    local t = type(o)
    if t == "string" then
        kind = "str"
    elseif t == "table" then
        local mt = getmetatable(o)
        kind = mt == LIST and "list" or mt == DICT and "dict" or mt == TUPLE and "tuple"
               or (EXT[mt] and EXT[mt].kind)
    elseif t == "number" then
        kind = mtype(o) == "integer" and "int" or "float"
    elseif t == "boolean" then
        kind = "int"                      -- True.bit_length(): int's methods
    elseif t == "function" and typenames[o] then
        local f = M.classes[typenames[o]] and M.classes[typenames[o]][name]
        if f then
            return f, nil                 -- dict.fromkeys ...
        end
        f = rt.descmethod(o, name)        -- types.lua: str.lower(s) ...
        if f then
            return f, nil
        end
    end
    local own = M[kind]
    local f = own and own[name]
    if f then
        return f, kind
    end
    local tn = tname(o)
    local names = PYNAMES[tn]
    if names == nil or names[name] or ssub(name, 1, 1) == "_" then
        local host = rt.hostmethod(o, name)   -- types.lua: CPython's, for a str, a number ...
        if host then
            return host, nil
        end
        throw("NotImplementedError", sformat("the method %s.%s() (tandem translation)", tn,
                                             name))
    end
    throw("AttributeError", sformat("'%s' object has no attribute '%s'", tn, name))
end

function rt.method(o, name, ...)
    if type(o) == "userdata" then
        for i = 1, select("#", ...) do
            if getmetatable((select(i, ...))) == KW then
                throw("NotImplementedError", "keyword arguments to a method of a Python " ..
                                             "object (tandem translation)")
            end
        end
        return rt.hostcall("method", 3, 0, o, name, ...)   -- hostcall.lua
    end
    local f, kind = own_method(o, name)
    arity(kind, name, select("#", ...))
    return (f(o, ...))
end

-- o.name(args, k=v) on a value of the runtime (not a Python object; keyword
-- markers among the arguments): rt.methodkw's and a bound method's
-- (bound: true) call. The runtime's own method gets the keywords it reads
-- (OWNKW: str.split(sep=), list.sort(key=) ...); any other keyword is
-- CPython 3.11's TypeError: "list.pop() takes no keyword arguments" for
-- the methods taking none (every own method outside OWNKW), list.sort's
-- Argument Clinic messages, dict.update(k=v) as CPython's; a str's or a
-- number's method with another keyword is CPython's own through the host
-- (str.split's Argument Clinic order). Else refused.
do
    local SPLIT = { sep = true, maxsplit = true }
    local OWNKW = {
        str = { split = SPLIT, rsplit = SPLIT, splitlines = { keepends = true },
                expandtabs = { tabsize = true }, format = true },
        list = { sort = { key = true, reverse = true } },
        dict = { update = true },
    }
    -- the METH_VARARGS ones: as a bound method, "union() takes no keyword
    -- arguments" (no type: cfunction_call)
    local VARARGS = {
        str = { count = true, endswith = true, find = true, index = true, rfind = true,
                rindex = true, startswith = true },
        set = { difference = true, difference_update = true, intersection = true,
                intersection_update = true, union = true, update = true },
        frozenset = { difference = true, intersection = true, union = true },
    }
    -- the kinds whose own methods outside OWNKW all take no keywords in 3.11
    local NOKW = { str = true, int = true, float = true, list = true, dict = true,
                   tuple = true, set = true, frozenset = true, range = true, generator = true }

    local function nokw(kind, name, bound)
        if bound and VARARGS[kind] and VARARGS[kind][name] then
            throw("TypeError", sformat("%s() takes no keyword arguments", name))
        end
        throw("TypeError", sformat("%s.%s() takes no keyword arguments", kind, name))
    end

    function rt.ownkw(o, name, bound, ...)
        local f, kind = own_method(o, name)
        if kind == nil then
            local tn = type(o) == "function" and typenames[o]
            if tn and M.classes[tn] and M.classes[tn][name] then
                nokw(tn, name, false)           -- dict.fromkeys(x, k=v)
            end
            -- a descriptor's call (str.split(s, sep=","): the method of its
            -- first argument, rt.methodkw) or CPython's method (the host's)
            return f(o, ...)
        end
        local n = select("#", ...)
        local acc = OWNKW[kind] and OWNKW[kind][name]
        local bad, npos, nk = nil, 0, 0
        for i = 1, n do
            local a = (select(i, ...))
            if getmetatable(a) == KW then
                nk = nk + 1
                if bad == nil and not (acc == true or (acc and acc[a.name])) then
                    bad = a.name
                end
            else
                npos = npos + 1
            end
        end
        if bad == nil then
            if kind == "dict" and name == "update" then
                -- dict.update(other, **kw): other's pairs, then the keywords in order
                if npos > 1 then
                    throw("TypeError", sformat("update expected at most 1 argument, got %d",
                                               npos))
                end
                local pos, kws = {}, {}
                for i = 1, n do
                    local a = (select(i, ...))
                    if getmetatable(a) == KW then
                        kws[#kws + 1] = a
                    else
                        pos[1] = a
                    end
                end
                if npos == 1 then
                    f(o, pos[1])
                end
                for i = 1, #kws do
                    rt.setitem(o, kws[i].name, kws[i].v)
                end
                return nil
            end
            arity(kind, name, n)
            return (f(o, ...))
        end
        if acc == nil and NOKW[kind] then
            nokw(kind, name, bound)
        end
        if kind == "list" and name == "sort" then
            -- Argument Clinic's order (_PyArg_UnpackKeywords): the count, the
            -- positional ones, then the first unknown keyword
            if npos + nk > 2 then
                throw("TypeError", sformat("sort() takes at most 2 %sarguments (%d given)",
                                           npos == 0 and "keyword " or "", npos + nk))
            elseif npos > 0 then
                throw("TypeError", "sort() takes no positional arguments")
            end
            throw("TypeError", sformat("'%s' is an invalid keyword argument for sort()", bad))
        end
        local host = (kind == "str" or kind == "int" or kind == "float") and
                     rt.hostmethod(o, name)
        if host then
            return host(o, ...)         -- str.split(x=1): CPython's own answer
        end
        throw("NotImplementedError", sformat("the keyword argument %s= of %s.%s() (tandem " ..
                                             "translation)", bad, kind, name))
    end
end

-- b(args) of a bound method b = o.name of the runtime's own (types.lua):
-- o.name(args), but a bound method names the type of o in its errors as
-- CPython's does (m = True.bit_length; m(1): "bool.bit_length() takes no
-- arguments (1 given)", where the method call says "int.bit_length()")
function rt.boundcall(o, name, ...)
    if type(o) ~= "boolean" then
        return rt.method(o, name, ...)
    end
    local f, kind = own_method(o, name)
    arity(kind, name, select("#", ...), "bool")
    return (f(o, ...))
end

-- o.name(args) where evaluating the args could raise or have effects: CPython
-- looks the method up first. nil when o is a value of ours that has the
-- method (AttributeError when it has not), else Python's bound method (kw:
-- a call with keywords, the method as CPython's LOAD_METHOD finds it, whose
-- TypeErrors are the method call's: _translate.py, _load_method).
function rt.mcheck(o, name, kw)
    if type(o) == "userdata" then
        return rt.H(kw and "loadmethod" or "getattr", o, name)
    end
    own_method(o, name)
    return nil
end

-- ---- crossing back to Python ---------------------------------------------------------

-- ---- Lua values reaching translated code ----------------------------------

-- A Lua table, function or coroutine that is not translated code's own (a
-- table a Lua caller passes, a Lua function a Python global holds) is, to
-- the Python code translated, the bridge's proxy of it (_LuaTable,
-- _LuaFunction, _LuaThread). Translated code holds it as a Python object:
-- a userdata, the value's box (rt.box, adapters/lua/lxbox.c: one per value
-- for as long as the value lives), which becomes the bridge's proxy when it
-- crosses into Python. So every operation on it is the proxy's, through
-- the host, as the Python function's would be (reads of plain tables are
-- made here: rt.luaget); it leaves for Lua as the value itself (rt.export).
-- Before, such a table was an unknown "object" ('object' object is not
-- subscriptable) and such a function was called as translated code
-- (its results cut to the first, its arguments translated code's own).
do
local OWNMT = { [LIST] = true, [TUPLE] = true, [DICT] = true, [EXC] = true,
                [CLASS] = true, [ITER] = true, [VIEW] = true, [KW] = true }
rt.OWNMT = OWNMT
-- both ephemeron tables: a box and its value live and die together
local luaof = setmetatable({}, { __mode = "k" })     -- box -> the Lua value
local proxyof = setmetatable({}, { __mode = "k" })   -- the Lua value -> its box
rt.luaof, rt.proxyof = luaof, proxyof      -- (also read in C: lxbox.c)
function rt.import(v)
    local t = type(v)
    if t == "table" then
        local mt = getmetatable(v)
        if mt ~= nil and (OWNMT[mt] or EXT[mt]) then
            return v
        end
    elseif t == "function" then
        if rt.sigs[v] or rt.xentries[v] or rt.xf[v] or TYPEOF[v] then
            return v            -- translated code's own functions, the builtins
        end
    elseif t ~= "thread" then
        return v
    end
    local w = proxyof[v]
    if w == nil then
        if rt.H0 == nil then
            return v            -- no Python (a standalone file)
        end
        w = rt.box(v)           -- sets proxyof[v] and luaof[w]
    end
    return w
end

-- o[k] of a Lua value's proxy o (lv the value), as the proxy's __getitem__
-- gives it: read here for a table without a metatable, a key and a value
-- the bridge passes unchanged (a number, a boolean, a string valid in the
-- runtime's encoding, UTF-8; a userdata), else through the host.
local UTF8 = false
local function same_str(s)
    return UTF8 and utf8len(s) ~= nil
end
function rt.luaget(o, lv, k)
    if type(lv) == "table" and getmetatable(lv) == nil then
        local kt = type(k)
        if kt == "number" or kt == "boolean" or (kt == "string" and same_str(k)) then
            local v = rawget(lv, k)
            local vt = type(v)
            if vt == "number" or vt == "boolean" or vt == "nil" or vt == "userdata" then
                return v
            elseif vt == "string" then
                if same_str(v) then
                    return v
                end
            else
                return rt.import(v)
            end
        end
    end
    return rt.H("getitem", o, rt.export(k))
end

-- What a translated function returns to a caller in Lua (the C entry,
-- lxentry.c): as the bridge gives it a Python function's result, so a
-- tuple is several results in a runtime made with unpack_returned_tuples
-- (the host converts them: "retvals"), a Python object translated code
-- holds as the bridge converts it ("retval": bytes, or an instance of a
-- subclass of bytes or str, a Lua string; an int beyond 64 bits through
-- the runtime's overflow_handler, else OverflowError; an instance of a
-- subclass of int or float a Lua number), else what rt.export gives. (A
-- Python caller's entry exports instead: lxentry.c.)
local UNPACK = false
function rt.exportres(v)
    if type(v) == "userdata" then
        local lv = rt.luaof[v]      -- a Lua value's box: the value itself
        if lv ~= nil then
            return lv
        end
        return rt.H0("retval", v)
    end
    if UNPACK and getmetatable(v) == TUPLE then
        return rt.H0("retvals", rt.export(v))
    end
    return rt.export(v)
end

-- The host hook h as translated code calls it: its results pass rt.import.
function rt.wraphook(h)
    rt.H0 = h
    UTF8 = h("utf8") == true
    rt.boxmode(UTF8)
    UNPACK = h("unpacks") == true
    local import = rt.import
    local function out(v, ...)
        local t = type(v)
        if t == "table" or t == "function" or t == "thread" then
            return import(v), ...
        end
        return v, ...
    end
    return function(...)
        return out(h(...))
    end
end
end

-- A value leaving translated code for Python: containers become real Python
-- list/tuple/dict objects (one host call each), the rest is as it is. seen
-- (one per value leaving, or per call's arguments: rt.hostcall) maps each
-- container to its copy, so a container met twice is one Python object
-- twice, as in CPython (`[[0] * 3] * 3`, `{"a": d, "b": d}`, `f(a, a)`);
-- true while its copy is being made (a container inside itself: refused).
-- The lists, tuples and dicts that left translated code (weak keys: an
-- entry goes with its container): {py = the Python object it became, last
-- = the items it was given, n}. A container leaving again is that one
-- Python object (CPython has one object), given its items now ("refill")
-- after the host checked that Python did not change it since (refused
-- then: translated code does not see Python's change). (rt fields: the
-- chunk is at Lua's limit of 200 locals.)
rt.xmemo = setmetatable({}, { __mode = "k" })

function rt.refilled(v, kind, a, n)
    local m = rt.xmemo[v]
    if m == nil then
        local py = rt.H(kind, unpack(a, 1, n))
        rt.xmemo[v] = { py = py, last = a, n = n }
        return py
    end
    if kind == "tuple" then
        -- its items are the ones it left with (a container among them
        -- refilled by its own export): the same tuple
        local same = m.n == n
        for i = 1, n do
            same = same and rawequal(a[i], m.last[i])
        end
        if same then
            return m.py
        end
        m.py = rt.H(kind, unpack(a, 1, n))
    else
        local all = table.move(m.last, 1, m.n, 1, {})
        table.move(a, 1, n, m.n + 1, all)
        rt.H("refill", m.py, m.n, unpack(all, 1, m.n + n))
    end
    m.last, m.n = a, n
    return m.py
end

function rt.export(v, seen)
    local t = type(v)
    if t == "userdata" then
        local lv = rt.luaof[v]      -- a Lua value's proxy: the value (rt.import)
        if lv ~= nil then
            return lv
        end
        return v
    end
    if t == "function" then
        if rt.xentries[v] then
            return v            -- an entry (a Lua function Python calls): itself
        end
        -- a translated function leaves as the Python function it came from
        return rt.H("pyfunc", v)
    end
    if t ~= "table" then
        return v
    end
    local mt = getmetatable(v)
    seen = seen or {}
    local done = seen[v]
    if done == true then
        throw("NotImplementedError",
              "a self-containing container leaving translated code (tandem translation)")
    elseif done ~= nil then
        return done
    end
    if mt == LIST or mt == TUPLE then
        seen[v] = true
        local a = {}
        for i = 1, v.n do
            a[i] = rt.export(v[i], seen)
        end
        done = rt.refilled(v, mt == LIST and "list" or "tuple", a, v.n)
        seen[v] = done
        return done
    elseif mt == DICT then
        seen[v] = true
        local a, n = {}, 0
        for k, val in dict_items(v) do
            a[n + 1] = rt.export(realkey(k), seen)
            a[n + 2] = rt.export(val, seen)
            n = n + 2
        end
        done = rt.refilled(v, "dict", a, n)
        seen[v] = done
        return done
    elseif mt == CLASS then
        return rt.H("builtin", v.name)
    elseif mt == EXC then
        throw("NotImplementedError",
              "an exception object leaving translated code (tandem translation)")
    elseif mt == ITER or mt == VIEW then
        throw("NotImplementedError",
              "an iterator or dict view leaving translated code (tandem translation)")
    elseif EXT[mt] then
        seen[v] = true
        done = EXT[mt].export(v, seen)
        seen[v] = done
        return done
    end
    return v
end

-- A lazy iterator (zip, map, enumerate ...) given as an argument to a
-- Python callable (rt.hostcall): a Python generator pulling from it item by
-- item (the host's "pyiter"), each item exported, an exception raised as
-- Python's, its state shared with translated code as the one iterator it
-- is. Anything else as rt.export (which refuses an iterator going
-- anywhere else: returned, stored, its type would be a generator's).
function rt.exportarg(v, seen)
    if type(v) == "table" and getmetatable(v) == ITER and rt.H ~= nil then
        local f = v.f
        local step = rt.entry(function()
            local ok, x = f()
            if not ok then
                return rt.H("missing")
            end
            return x
        end)
        return rt.H("pyiter", step)
    end
    return rt.export(v, seen)
end

-- The message handler of the entry wrapper: keep Python exceptions and
-- pyrt exceptions, turn stack overflows into RecursionError.
function rt.handler(e)
    return errvalue(e)
end

-- The Python exception object for the runtime exception e, with its
-- __cause__ and __context__ chain (made once per exception: e.py); a Python
-- exception object is itself
function rt.pyexc(e, depth)
    if getmetatable(e) ~= EXC then
        return rt.asexc(e)
    end
    if e.py ~= nil then
        return e.py
    end
    depth = depth or 0
    local args = e.args
    local a = rt.exportargs(args, depth)
    local p = rt.H("newexc", e.cls.name, unpack(a, 1, args.n))
    e.py = p
    if depth < 100 and (e.hascause or e.context ~= nil) then
        rt.H("setctx", p, e.hascause == true, rt.pyexc(e.cause, depth + 1),
             rt.pyexc(e.context, depth + 1))
    end
    return p
end

-- The arguments of the runtime exception whose args are `args` as Python
-- values: an exception among them (`raise RuntimeError(e)`, the common
-- wrap) as its Python exception object (rt.pyexc), anything else as
-- rt.export gives it.
function rt.exportargs(args, depth)
    local a = {}
    for i = 1, args.n do
        local x = args[i]
        if getmetatable(x) == EXC and depth < 100 then
            a[i] = rt.pyexc(x, depth + 1)
        else
            a[i] = rt.export(x)
        end
    end
    return a
end

-- Re-raise an error that escaped translated code, as a Python exception.
function rt.reraise(e)
    local hs = rt.hs            -- (DEPTH is the caller's again)
    while hs ~= nil and hs.d > DEPTH do
        hs = hs.prev
    end
    if hs ~= rt.hs then
        rt.sethandled(hs)       -- left by an error inside a finally block
    end
    if getmetatable(e) == EXC then
        -- (an argument that cannot leave raises its refusal instead)
        if e.hascause or e.context ~= nil then
            -- raise ... from ... (expr.lua), or raised while handling another:
            -- the Python exception gets __cause__/__context__ (rt.pyexc)
            local ok, p = pcall(rt.pyexc, e)
            if not ok then
                return rt.reraise(p)
            end
            rt.H("raiseobj", p, e.file or "?", e.line or 0, e.func or "?")
        end
        local ok, a = pcall(rt.exportargs, e.args, 0)
        if not ok then
            return rt.reraise(a)
        end
        rt.H("raise", e.cls.name, e.file or "?", e.line or 0, e.func or "?",
             unpack(a, 1, e.args.n))
    end
    error(e, 0)
end

-- Wrap a translated function into the function handed to callers outside
-- translated code: depth accounting, export of results, errors as Python exceptions.
function rt.entry(f)
    if rt.centry then       -- the C entry of the adapter (lxentry.c): the same protocol
        local info = rt.xinfo[f]
        if info then
            local w = rt.centry(f, info[1], info[2])
            if info[3] then
                info.slow = w   -- the leaf's own entry (lxlate.c gen_leaf) falls back on it
                return info[3]
            end
            return w
        end
        return rt.centry(f, false, -1)
    end
    return function(...)
        local saved = DEPTH
        -- a translated function returns one value
        local ok, r = xpcall(f, rt.handler, ...)
        DEPTH = saved
        if not ok then
            rt.reraise(r)
        end
        if r == true or r == false or r == nil then     -- no call for these
            return r
        end
        local ok2, v = xpcall(rt.export, rt.handler, r)   -- may refuse (a Python error)
        if not ok2 then
            rt.reraise(v)
        end
        return v
    end
end

function rt.enter(name)
    local d = DEPTH + 1
    DEPTH = d
    if d > MAXD then
        DEPTH = d - 1
        throw("RecursionError", "maximum recursion depth exceeded")
    end
end

-- try/except support: run body (a closure returning a completion code and a
-- value), restoring the depth counter when it raised.
function rt.try(body)
    local saved, hs = DEPTH, rt.hs
    local ok, code, v = pcall(body)     -- (a body returns a code and a value)
    if rt.hs ~= hs then
        rt.sethandled(hs)       -- an except clause ran: left now
    end
    if not ok then
        DEPTH = saved
        return false, errvalue(code)
    end
    return true, code, v
end
