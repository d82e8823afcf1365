-- pyrt/types.lua — attributes, and types as values.
--
-- o.name read, written and deleted (rt.getattr, rt.setattr, rt.delattr: the
-- back end's (attr o name)), the builtins getattr setattr hasattr delattr
-- callable type, and `is` against a type (rt.is_). The runtime's values
-- answer what they have natively: data attributes (int real/imag/numerator/
-- denominator, float real/imag, range start/stop/step, an exception's args,
-- __class__), bound methods (lst.append: BOUND, called later), the methods of
-- a type (str.lower: DESC, an unbound method descriptor), a type's __name__.
-- Anything else CPython's type has is CPython's own answer through the host
-- when the value crosses exactly (str, numbers, None, functions, types);
-- without a host, or for a container (which would cross as a copy), it is a
-- refusal, and a name CPython's type lacks is CPython's AttributeError.
do
    local BOUND = { __name = "bound method" }   -- {o =, name =}: o.name, a method of o
    local DESC = { __name = "method descriptor" }   -- {kind =, name =}: str.lower
    local TYPE = { __name = "type" }    -- {name =}: a type with no builtin name (NoneType)

    -- the type value of each type name: the builtins, exception classes, and
    -- one interned TYPE for every other name (NoneType, function, generator ...)
    local TYPES = {}
    for _, n in ipairs({ "int", "float", "str", "bool", "list", "tuple", "dict", "set",
                         "frozenset", "range" }) do
        TYPES[n] = B[n]
    end
    local function typeval(name)
        local t = TYPES[name] or classes[name]
        if t == nil then
            t = setmetatable({ name = name }, TYPE)
            TYPES[name] = t
        end
        return t
    end

    -- the name of a type value (int, ValueError, NoneType), else nil
    local function type_name(v)
        local t = type(v)
        if t == "function" then
            return typenames[v]
        elseif t == "table" then
            local mt = getmetatable(v)
            if mt == CLASS or mt == TYPE then
                return v.name
            end
        end
        return nil
    end

    rt.typename = type_name
    rt.typeval = typeval

    -- zip, map, filter, enumerate and reversed are types in CPython (their
    -- objects' types: type(zip(a)) is zip, isinstance(x, zip)), not
    -- builtin functions (until the twenty-fifth session: type(zip) was
    -- builtin_function_or_method and isinstance(x, zip) a TypeError)
    for _, n in ipairs({ "zip", "map", "filter", "enumerate", "reversed" }) do
        TYPES[n] = B[n]
        typenames[B[n]] = n
    end

    -- T[k] of a type T (o[k] and o[a:b] of one, core.lua): CPython's generic
    -- alias (list[int]) through the host for the types that have one, its
    -- TypeError for the others ("'type' object is not subscriptable" until
    -- the twenty-fifth session)
    local GENERIC = { list = true, tuple = true, dict = true, set = true, frozenset = true,
                      enumerate = true, type = true }
    function rt.typeitem(o, k, slice)
        local tn = type_name(o)
        if not GENERIC[tn] then
            throw("TypeError", sformat("type '%s' is not subscriptable", tn))
        elseif rt.H == nil or slice then
            throw("NotImplementedError", "a generic alias " .. tn .. "[...] (tandem translation)")
        end
        return rt.H("getitem", rt.export(o), rt.export(k))
    end

    local function type_of(x)
        local t = type(x)
        if t == "userdata" then
            -- a Python object: a type the runtime has a value for comes back as
            -- its name (a list proxy's type is `list`), any other as itself
            local r = rt.H("type", x)
            return type(r) == "string" and typeval(r) or r
        elseif t == "table" and getmetatable(x) == EXC then
            return x.cls
        end
        return typeval(tname(x))
    end

    B.type = function(...)
        local n = select("#", ...)
        if n == 1 then
            return type_of((...))
        elseif n == 3 then
            throw("NotImplementedError", "type() with three arguments (tandem translation)")
        end
        throw("TypeError", "type() takes 1 or 3 arguments")
    end
    TYPES.type = B.type
    typenames[B.type] = "type"

    -- a constant the runtime has no value for (an int beyond 64 bits, bytes,
    -- a complex number, Ellipsis): the Python object, made once (the front
    -- end's const; refused in a standalone file)
    local PYCONST = {}
    B.tdm_pyconst = function(kind, text)
        local key = kind .. ":" .. text
        local v = PYCONST[key]
        if v == nil then
            v = rt.H("pyconst", kind, text)
            PYCONST[key] = v
        end
        return v
    end

    -- `with` (the front end's lowering, tandem/_withlower.py): a Python
    -- object's __exit__ bound, looked up after __enter__ as CPython's
    -- BEFORE_WITH does, then its __enter__() called. The runtime's own
    -- values have neither method: CPython's TypeError.
    B.tdm_withexit = function(mgr)
        if type(mgr) == "userdata" and rt.H ~= nil then
            return rt.H("withexit", mgr)
        end
        throw("TypeError", sformat("'%s' object does not support the context manager " ..
                                   "protocol", tname(mgr)))
    end
    B.tdm_withenter = function(mgr)
        return rt.H("withenter", mgr)
    end
    -- the exception __exit__ is given: an exception of the runtime as a
    -- Python exception of its class and arguments, raised at its file and
    -- line for its traceback (it may not leave as a value otherwise:
    -- rt.export), a Python one as itself
    B.tdm_withexc = function(e)
        if getmetatable(e) == rt.EXC and rt.H ~= nil then
            local a = {}
            for i = 1, e.args.n do
                a[i] = rt.export(e.args[i])
            end
            return rt.H("withexc", e.cls.name, e.file or "?", e.line or 0, e.func or "?",
                        unpack(a, 1, e.args.n))
        end
        return e
    end

    -- ---- crossing to Python --------------------------------------------------------------

    -- the name in B of each builtin function (filled at the first export: B is
    -- complete then)
    local BNAME
    local function builtin_name(f)
        if BNAME == nil then
            BNAME = {}
            for k, v in pairs(B) do
                if type(v) == "function" then
                    BNAME[v] = k
                end
            end
        end
        return BNAME[f]
    end

    -- a builtin function or type leaves as Python's (len, int), a translated
    -- function as the Python function it came from (core.lua)
    local export0 = rt.export
    function rt.export(v, seen)
        if type(v) == "function" then
            local n = builtin_name(v) or typenames[v]
            if n ~= nil then
                return rt.H("pybuiltin", n)
            end
        end
        return export0(v, seen)
    end

    -- values whose export is exact and shares nothing translated code can
    -- change: str, numbers, None, builtins, types (a translated function's
    -- own attributes are not asked: refused)
    local function crosses(o)
        local t = type(o)
        if t == "table" then
            local mt = getmetatable(o)
            return mt == CLASS or mt == TYPE or mt == DESC
        elseif t == "function" then
            return builtin_name(o) ~= nil or typenames[o] ~= nil
        end
        return t ~= "userdata"
    end

    -- o.name(...) for a method the runtime lacks (own_method, core.lua): of a
    -- value that crosses exactly, CPython's own through the host (s.encode(),
    -- x.to_bytes(2, "big")), keywords included; else nil (a refusal)
    function rt.hostmethod(o, name)
        if rt.H == nil or not crosses(o) then
            return nil
        end
        return function(self, ...)
            local args = pack(...)
            local pos, np, kws, nk = {}, 0, {}, 0
            for i = 1, args.n do
                local a = args[i]
                if getmetatable(a) == KW then
                    kws[nk + 1], kws[nk + 2] = a.name, a.v
                    nk = nk + 2
                else
                    np = np + 1
                    pos[np] = a
                end
            end
            for j = 1, nk do
                pos[np + j] = kws[j]
            end
            local x = rt.export(self)
            if nk == 0 then
                return rt.hostcall("method", 3, 0, x, name, unpack(pos, 1, np))
            end
            return rt.hostcall("methodkw", 4, 0, x, name, np, unpack(pos, 1, np + nk))
        end
    end

    -- ---- the runtime's own attributes -----------------------------------------------------

    local function int_of(x)
        return x == true and 1 or x == false and 0 or x
    end
    local DATA = {
        int = { real = int_of, numerator = int_of, imag = function() return 0 end,
                denominator = function() return 1 end },
        float = { real = function(x) return x end, imag = function() return 0.0 end },
        range = { start = function(r) return r.start end, stop = function(r) return r.stop end,
                  step = function(r) return r.step end },
    }
    DATA.bool = DATA.int

    -- the table of M holding o's own methods (a bool's are int's)
    local function methods_of(o, tn)
        if tn == "bool" then
            return M.int
        end
        return M[tn]
    end

    local function bound(o, name)
        return setmetatable({ o = o, name = name }, BOUND)
    end

    local DESCS = {}
    local function descriptor(kind, name)
        local key = kind .. "." .. name
        local d = DESCS[key]
        if d == nil then
            d = setmetatable({ kind = kind, name = name }, DESC)
            DESCS[key] = d
        end
        return d
    end

    local missing, missing_of
    local function host_missing()
        if missing_of ~= rt.H then
            missing, missing_of = rt.H("missing"), rt.H
        end
        return missing
    end

    -- Attributes given to a translated function (`wrapper.calls = 0` in a
    -- decorator; not its dunders, refused): a module-level function's live
    -- on the Python function it is (the host: Python code sees them, and
    -- translated code sees Python's), a nested function's here (weak keys;
    -- None as NONE). A nested function that leaves for Python is a Lua
    -- function there, without them (docs/translation.md).
    local FATTR = setmetatable({}, { __mode = "k" })
    local NONE = {}
    local function fattr_sig(o, name)
        if type(o) == "function" and ssub(name, 1, 1) ~= "_" then
            return rt.sigs[o]
        end
        return nil
    end

    -- o.name of a value of the runtime (not a Python object): true and the
    -- value; false and the AttributeError's message; false and nil when
    -- CPython, asked through the host, has no such attribute (rt.getattr then
    -- asks again for CPython's own AttributeError). Refusals raise.
    local function lookup(o, name)
        if name == "__class__" then
            return true, type_of(o)
        end
        local tyn = type_name(o)
        local kind = tyn == nil and tname(o) or nil
        if tyn ~= nil then                          -- a type
            if name == "__name__" or name == "__qualname__" then
                return true, tyn
            end
            local own = M[tyn]
            if own and own[name] and type(o) == "function" then
                return true, descriptor(tyn, name)      -- str.lower
            end
            if M.classes[tyn] and M.classes[tyn][name] then
                return true, bound(o, name)             -- dict.fromkeys
            end
        else
            if kind == "function" and (name == "__name__" or name == "__qualname__") then
                local sig = rt.sigs[o]      -- a translated function: its qualname
                if sig ~= nil then
                    return true, name == "__name__" and sig.name:match("[^.]*$") or sig.name
                end
            end
            local fsig = fattr_sig(o, name)
            if fsig ~= nil then
                if fsig.top and rt.H ~= nil then
                    local v = rt.H("getattr?", rt.export(o), name)
                    if not rawequal(v, host_missing()) then
                        return true, v
                    end
                else
                    local v = FATTR[o] and FATTR[o][name]
                    if v == NONE then
                        return true, nil
                    elseif v ~= nil then
                        return true, v
                    end
                end
            end
            local data = DATA[kind]
            if data and data[name] then
                return true, data[name](o)
            end
            if getmetatable(o) == EXC then
                -- its arguments; raise ... from (expr.lua), and the exception
                -- being handled when it was raised (rt.setcontext)
                if name == "args" then
                    return true, o.args
                elseif name == "__cause__" then
                    return true, rt.asexc(o.cause)      -- (a Lua error value: a LuaError)
                elseif name == "__context__" then
                    return true, rt.asexc(o.context)
                elseif name == "__suppress_context__" then
                    return true, o.hascause == true
                elseif name == "code" and o.cls.name == "SystemExit" then
                    -- BaseException_init's rule: None, the one argument, or all
                    local a = o.args
                    if a.n == 0 then
                        return true, nil
                    elseif a.n == 1 then
                        return true, a[1]
                    end
                    return true, a
                end
            end
            local own = methods_of(o, kind)
            if own and own[name] then
                return true, bound(o, name)
            end
        end
        -- not the runtime's: CPython's own, through the host, for a value
        -- that crosses exactly
        if rt.H ~= nil and crosses(o) then
            local v = rt.H("getattr?", rt.export(o), name)
            if rawequal(v, host_missing()) then
                return false, nil
            end
            return true, v
        end
        local names = kind and PYNAMES[kind]
        if names == nil or names[name] or ssub(name, 1, 1) == "_" then
            throw("NotImplementedError", sformat("the attribute %s.%s (tandem translation)",
                                                 tyn or kind, name))
        end
        return false, sformat("'%s' object has no attribute '%s'", kind, name)
    end

    function rt.getattr(o, name)
        if type(o) == "userdata" then
            return rt.H("getattr", o, name)
        end
        local found, v = lookup(o, name)
        if found then
            return v
        elseif v == nil then
            return rt.H("getattr", rt.export(o), name)      -- CPython's AttributeError
        end
        throw("AttributeError", v)
    end

    -- o.name = v (v nil for del o.name): on a Python object through the host;
    -- the runtime's values have no writable attribute, as CPython's builtin
    -- types (its messages)
    local function readonly(o, name)
        local tn = type_name(o)
        if tn ~= nil then
            if getmetatable(o) == TYPE then
                throw("NotImplementedError", sformat("setting the attribute %s.%s (tandem " ..
                                                     "translation)", tn, name))
            end
            throw("TypeError", sformat("cannot set '%s' attribute of immutable type '%s'",
                                       name, tn))
        end
        tn = tname(o)
        local names = PYNAMES[tn]
        if names == nil or ssub(name, 1, 1) == "_" then
            -- a function's or an exception's own attributes, iterators ...
            throw("NotImplementedError", sformat("setting the attribute %s.%s (tandem " ..
                                                 "translation)", tn, name))
        end
        if DATA[tn] and DATA[tn][name] then
            if tn == "range" then       -- members, not getsets
                throw("AttributeError", "readonly attribute")
            end
            throw("AttributeError", sformat("attribute '%s' of '%s' objects is not writable",
                                            name, tn))
        end
        if names[name] then
            throw("AttributeError", sformat("'%s' object attribute '%s' is read-only", tn, name))
        end
        throw("AttributeError", sformat("'%s' object has no attribute '%s'", tn, name))
    end

    function rt.setattr(o, name, v)
        local fresh = false
        if getmetatable(v) == rt.FRESH then
            v, fresh = v.v, true
        end
        local fsig = fattr_sig(o, name)
        if fsig ~= nil and fsig.top and rt.H ~= nil then
            o = rt.export(o)        -- a module-level function: the Python function it is
        end
        if type(o) == "userdata" then
            if not rt.shareable(v, fresh) then
                throw("NotImplementedError", sformat("assigning a %s that translated code may " ..
                      "still change to the attribute '%s' of a Python object (tandem " ..
                      "translation)", tname(v), name))
            end
            rt.H("setattr", o, name, rt.export(v))
            return
        end
        if fsig ~= nil then         -- a nested function: kept here
            local a = FATTR[o]
            if a == nil then
                a = {}
                FATTR[o] = a
            end
            if v == nil then
                v = NONE
            end
            a[name] = v
            return
        end
        readonly(o, name)
    end

    function rt.delattr(o, name)
        local fsig = fattr_sig(o, name)
        if fsig ~= nil and fsig.top and rt.H ~= nil then
            o = rt.export(o)        -- a module-level function: the Python function it is
        end
        if type(o) == "userdata" then
            rt.H("delattr", o, name)
            return
        end
        if fsig ~= nil then
            if FATTR[o] and FATTR[o][name] ~= nil then
                FATTR[o][name] = nil
            else
                throw("AttributeError", sformat("'function' object has no attribute '%s'", name))
            end
            return
        end
        readonly(o, name)
    end

    -- ---- the builtins --------------------------------------------------------------------

    local function attrname(name)
        if type(name) ~= "string" then
            throw("TypeError", sformat("attribute name must be string, not '%s'", tname(name)))
        end
    end

    local function nargs(name, lo, hi, n)
        if n < lo or n > hi then
            if lo == hi then
                throw("TypeError", sformat("%s expected %d argument%s, got %d", name, lo,
                                           lo == 1 and "" or "s", n))
            end
            throw("TypeError", sformat("%s expected at %s %d arguments, got %d", name,
                                       n < lo and "least" or "most", n < lo and lo or hi, n))
        end
    end

    B.getattr = function(...)
        local n = select("#", ...)
        nargs("getattr", 2, 3, n)
        local o, name, default = ...
        attrname(name)
        if type(o) == "userdata" then
            if n == 2 then
                return rt.H("getattr", o, name)
            end
            local v = rt.H("getattr?", o, name)
            if rawequal(v, host_missing()) then
                return default
            end
            return v
        end
        local found, v = lookup(o, name)
        if found then
            return v
        elseif n == 3 then
            return default
        end
        return rt.getattr(o, name)          -- its AttributeError
    end

    B.hasattr = function(...)
        nargs("hasattr", 2, 2, select("#", ...))
        local o, name = ...
        attrname(name)
        if type(o) == "userdata" then
            return not rawequal(rt.H("getattr?", o, name), host_missing())
        end
        return (lookup(o, name))
    end

    B.setattr = function(...)
        nargs("setattr", 3, 3, select("#", ...))
        local o, name, v = ...
        attrname(name)
        rt.setattr(o, name, v)
        return nil
    end

    B.delattr = function(...)
        nargs("delattr", 2, 2, select("#", ...))
        local o, name = ...
        attrname(name)
        rt.delattr(o, name)
        return nil
    end

    B.callable = function(...)
        local n = select("#", ...)
        if n ~= 1 then
            throw("TypeError", sformat("callable() takes exactly one argument (%d given)", n))
        end
        local x = ...
        local t = type(x)
        if t == "function" then
            return true
        elseif t == "table" then
            local mt = getmetatable(x)
            return mt == CLASS or (EXT[mt] ~= nil and EXT[mt].call ~= nil)
        elseif t == "userdata" then
            return rt.H("callable", x)
        end
        return false
    end

    -- id(x). CPython's answer is an address; what a program can see of it
    -- is which ids are equal while their objects live. A value with identity
    -- in translated code (a list, dict, set, object, closure, generator, an
    -- exception it made, a Lua value it holds) gets a number of its own, kept
    -- as long as the value lives (rt.objnum: weak keys) and odd, so never one of
    -- CPython's (even) addresses; a Python object passed in, a translated
    -- function (the Python function it came from), a type or builtin, None,
    -- True and False: CPython's id of that object. Numbers, strings and
    -- tuples are one object or several as CPython's caches and merged
    -- constants decide (as for `is`): CPython's id for the values it always
    -- caches (ints -5..256, the empty str, bytes and tuple), else a
    -- run-time refusal.
    do
        local objnum = rt.objnum       -- (core.lua: the numbers of identity keys)
        local function own(v)
            return 2 * objnum(v) - 1
        end
        local function refuse_id(what)
            throw("NotImplementedError", "id() of " .. what .. ": which object it is, "
                  .. "CPython's caches and merged constants decide (tandem translation)")
        end
        local luaof, math_type = rt.luaof, math.type
        B.id = function(...)
            local n = select("#", ...)
            if n ~= 1 then
                throw("TypeError", sformat("id() takes exactly one argument (%d given)", n))
            end
            local x = ...
            local t = type(x)
            if t == "nil" or t == "boolean" then
                return rt.H("id", x)
            elseif t == "number" then
                if math_type(x) == "integer" and x >= -5 and x <= 256 then
                    return rt.H("id", x)
                end
                refuse_id(math_type(x) == "integer" and "an int" or "a float")
            elseif t == "string" then
                if x == "" then
                    return rt.H("id", x)
                end
                refuse_id("a str")
            elseif t == "userdata" then
                local lv = luaof[x]
                if lv == nil then
                    return rt.H("id", x)    -- a Python object (the host refuses as above)
                end
                return own(lv)              -- a Lua value: its box may be made again
            elseif t == "table" then
                local mt = getmetatable(x)
                if mt == rt.TUPLE then
                    if x.n == 0 then
                        return rt.H("id", rt.export(x))
                    end
                    refuse_id("a tuple")
                elseif mt == rt.FROZEN then
                    refuse_id("a frozenset")
                elseif mt == CLASS or mt == DESC or type_name(x) ~= nil then
                    return rt.H("id", rt.export(x))     -- a type, str.lower: CPython's
                end
            elseif t == "function" then
                -- a translated function is the Python function it came from,
                -- a builtin is Python's; a closure made here is no Python object
                local ok, py = pcall(rt.export, x)
                if ok and type(py) == "userdata" then
                    return rt.H("id", py)
                end
            end
            return own(x)
        end
    end

    -- isinstance(x, NoneType or a Python class)
    local isinstance0 = B.isinstance
    B.isinstance = function(x, cls)
        local t = type(cls)
        if t == "table" and getmetatable(cls) == TYPE then
            if type(x) == "userdata" then
                return rt.H("isinstance", x, rt.export(cls))
            end
            return tname(x) == cls.name
        elseif t == "userdata" then
            -- a translated function or generator is the Python object it
            -- stands for: a function (a closure made here leaves as a Lua
            -- function), a generator (it leaves as a LuaGenerator), so the
            -- question is asked of that type: isinstance(g, GeneratorType)
            local as = type(x) == "function" and rt.sigs[x] ~= nil and "FunctionType"
                or getmetatable(x) == rt.GEN and "GeneratorType"
            if as then
                return rt.H("issubtype", as, cls)
            end
            return rt.H("isinstance", rt.export(x), cls)
        end
        return isinstance0(x, cls)
    end

    local function refuse_is(what)
        throw("NotImplementedError", "'is' between two " .. what .. " (tandem translation)")
    end

    -- a is b where no operand is None, True or False (those: rawequal).
    -- Exact where CPython's answer is fixed: one object (a list, a dict, an
    -- object() sentinel, a function, a Python object passed in: the bridge
    -- gives one userdata per object) or two; a Python type object and the
    -- runtime's value for it are one type; values of two types are two
    -- objects, and so are unequal numbers or strings. Refused where
    -- CPython's caches and constants decide (`x = 1000; y = 1000`, two
    -- equal strings, two equal tuples: its compiler merges equal constants):
    -- two equal numbers or strings of one type, two tuples or frozensets
    -- that are not one object.
    local math_type = math.type
    local function immutable(v)
        local mt = getmetatable(v)
        return mt == rt.TUPLE or mt == rt.FROZEN
    end
    -- two tuples CPython could not have merged: of two lengths, or with
    -- numbers or strings of one type that differ at one place (no __eq__ of
    -- the items runs)
    local function unequal(a, b)
        if getmetatable(a) ~= rt.TUPLE then
            return false
        end
        if a.n ~= b.n then
            return true
        end
        for i = 1, a.n do
            local x, y = a[i], b[i]
            local tx = type(x)
            if tx == type(y) and (tx == "string" or (tx == "number"
                    and math_type(x) == math_type(y) and x == x and y == y)) and x ~= y then
                return true
            end
        end
        return false
    end
    function rt.is_(a, b)
        local ta, tb = type(a), type(b)
        if rawequal(a, b) then
            if ta == "number" then
                if math_type(a) ~= math_type(b) then
                    return false            -- 1 is 1.0 (rawequal in Lua)
                end
                refuse_is("equal numbers or strings")
            elseif ta == "string" then
                refuse_is("equal numbers or strings")
            end
            return true
        end
        if ta == "number" or ta == "string" or tb == "number" or tb == "string" then
            if ta == tb and (ta == "string" or math_type(a) == math_type(b))
                    and (a == b or a ~= a or b ~= b) then
                refuse_is("equal numbers or strings")   -- (a NaN: perhaps one float)
            end
            return false
        end
        local ua, ub = ta == "userdata", tb == "userdata"
        if ua and ub then
            return rt.H("isobj", a, b)      -- two Python objects: exact, or refused
        end
        if (ta == "table" and immutable(a)) or (tb == "table" and immutable(b)) then
            if ua or ub or (ta == "table" and tb == "table" and immutable(a) and immutable(b)
                            and getmetatable(a) == getmetatable(b) and not unequal(a, b)) then
                refuse_is("tuples or frozensets that are not one object")
            end
            return false
        end
        if ua == ub then
            return false                    -- two values of translated code
        end
        local v = ua and b or a
        if rt.H == nil or (type_name(v) == nil and type(v) ~= "function") then
            return false
        end
        -- a type, or a function: a translated function is the Python
        -- function it came from (a closure that cannot leave is no Python
        -- object at all)
        local ok, x = pcall(rt.export, v)
        return ok and rt.H("is", ua and a or b, x)
    end
    function rt.isnot_(a, b)
        return not rt.is_(a, b)
    end

    -- ---- the new kinds of value -----------------------------------------------------------

    local function refuse(what)
        throw("NotImplementedError", what .. " (tandem translation)")
    end

    EXT[BOUND] = {
        kind = "builtin_function_or_method",
        hashable = true,
        call = function(b, ...)
            return rt.boundcall(b.o, b.name, ...)
        end,
        callkw = function(b, ...)
            return rt.boundkw(b.o, b.name, ...)
        end,
        -- its name in call errors, as CPython's _PyObject_FunctionStr: the
        -- type of self (True.bit_length: "bool.bit_length()"), or self when
        -- it is a type (dict.fromkeys)
        funcstr = function(b)
            local tn = type(b.o) == "function" and typenames[b.o] or tname(b.o)
            return tn .. "." .. b.name .. "()"
        end,
        eq = function(a, b)
            return rawequal(a.o, b.o) and a.name == b.name
        end,
        repr = function(b)
            refuse(sformat("repr() of the bound method %s.%s", tname(b.o), b.name))
        end,
        export = function(b)
            if rt.H ~= nil and crosses(b.o) then
                return rt.H("getattr", rt.export(b.o), b.name)
            end
            refuse(sformat("the bound method %s.%s leaving translated code", tname(b.o),
                           b.name))
        end,
    }

    local function applies(kind, x)
        if type(x) == "userdata" then
            return rt.H("isinstance", x, kind)
        end
        local tn = tname(x)
        return tn == kind or (kind == "int" and tn == "bool")
    end
    local function call_desc(d, method, ...)
        if select("#", ...) == 0 then
            throw("TypeError", sformat("unbound method %s.%s() needs an argument", d.kind,
                                       d.name))
        end
        local self = ...
        if not applies(d.kind, self) then
            throw("TypeError", sformat("descriptor '%s' for '%s' objects doesn't apply to a " ..
                                       "'%s' object", d.name, d.kind, tname(self)))
        end
        return method(self, d.name, select(2, ...))
    end
    -- T.name(self, ...) called on a builtin type T whose method name the
    -- runtime has (own_method, core.lua): the descriptor's call, else nil
    function rt.descmethod(t, name)
        local tn = typenames[t]
        local own = tn and M[tn]
        if own == nil or own[name] == nil then
            return nil
        end
        local d = descriptor(tn, name)
        return function(_, ...)
            return call_desc(d, rt.methodkw, ...)     -- (keywords: rt.ownkw, core.lua)
        end
    end

    -- a key by identity (interned values)
    local function itself(v)
        return v
    end

    EXT[DESC] = {
        kind = "method_descriptor",
        hashable = true,
        key = itself,
        call = function(d, ...)
            return call_desc(d, rt.method, ...)
        end,
        callkw = function(d, ...)
            return call_desc(d, rt.methodkw, ...)
        end,
        funcstr = function(d)
            return d.kind .. "." .. d.name .. "()"
        end,
        eq = rawequal,
        repr = function(d)
            return sformat("<method '%s' of '%s' objects>", d.name, d.kind)
        end,
        export = function(d)
            return rt.H("getattr", rt.H("pybuiltin", d.kind), d.name)
        end,
    }

    EXT[TYPE] = {
        kind = "type",
        hashable = true,
        key = itself,
        call = function(t, ...)
            if rt.H == nil then
                refuse(sformat("calling the type %s", t.name))
            end
            return rt.call(rt.export(t), ...)
        end,
        eq = rawequal,
        repr = function(t)
            return "<class '" .. t.name .. "'>"
        end,
        funcstr = function(t)
            return t.name .. "()"
        end,
        export = function(t)
            return rt.H("typeobj", t.name)
        end,
    }

    -- values that may be assigned to a Python object's attribute or a global
    -- as they are (they cross exactly and nothing translated can change them)
    local shareable0 = rt.shareable
    function rt.shareable(v, fresh)
        local mt = type(v) == "table" and getmetatable(v)
        if mt == TYPE or mt == DESC then
            return true
        end
        return shareable0(v, fresh)
    end
end
