-- pyrt/gen.lua — generators for translated code (docs/translation.md,
-- "Generators"). Part of the pyrt chunk: sees core.lua's locals.
--
-- A translated generator function binds its arguments, then returns
-- rt.gen(body, name): a generator object {co = coroutine running body,
-- state = 0 created | 1 suspended | 2 running | 3 finished}. A yield point
-- calls rt.yield(v) (or rt.yieldfrom(iterable)), which suspends the coroutine;
-- the generator is resumed with (nil, sent value) or (THROW, exception): the
-- yield point raises a thrown exception itself, so the translated code's
-- pcall-based try/except/finally sees it (close() throws GeneratorExit this
-- way; coroutine.close would skip the finally blocks).

do
    local cocreate, coresume, coyield, costatus = coroutine.create, coroutine.resume,
        coroutine.yield, coroutine.status
    local THROW = setmetatable({}, { __name = "throw marker" })
    local GEN = { __name = "generator", __tname = "generator" }
    rt.GEN = GEN
    local GeneratorExit = defclass("GeneratorExit", "BaseException")
    B.GeneratorExit = GeneratorExit
    local StopIterationC = classes.StopIteration
    local G = {}                -- generator methods (rt.method dispatches on __tname)
    M.generator = G

    function rt.gen(body, name)
        return setmetatable({ co = cocreate(body), state = 0, name = name }, GEN)
    end

    -- Does error value e (a pyrt exception or a Python one) belong to class c?
    local function isa(e, c)
        return rt.match(e, c)
    end

    -- A Python exception instance for a thrown value (class or instance).
    local function exc_value(e, v)
        if getmetatable(e) == CLASS then
            if v == nil then
                return newexc(e)
            end
            if getmetatable(v) == EXC and subclass(v.cls, e) then
                return v
            end
            return newexc(e, v)
        end
        if getmetatable(e) == EXC then
            if v ~= nil then
                throw("TypeError", "instance exception may not have a separate value")
            end
            return e
        end
        if type(e) == "userdata" then
            return e                -- a Python exception (or class): Python checks it
        end
        throw("TypeError", "exceptions must be classes or instances deriving from " ..
              "BaseException, not " .. tname(e))
    end

    -- Raise exception e at the current point (a yield point): its position is
    -- the translated frame that is running.
    local function raise_here(e)
        if getmetatable(e) == EXC then
            e.file, e.line, e.func = nil, nil, nil
            rt.raise(e)
        end
        error(e, 0)
    end

    -- The yield point: suspend with v; return the sent value or raise what was thrown.
    function rt.yield(v)
        local mode, x = coyield(v)
        if mode == THROW then
            raise_here(x)
        end
        return x
    end

    -- Resume generator g with a sent value (mode nil) or a thrown exception
    -- (mode THROW). Returns true, yielded value; or false, returned value.
    local function resume(g, mode, x)
        local st = g.state
        if st == 2 then
            throw("ValueError", "generator already executing")
        end
        if st == 3 then
            if mode == THROW then
                raise_here(x)
            end
            return false, nil
        end
        if st == 0 then
            if mode == THROW then
                g.state = 3         -- CPython: thrown into an unstarted generator
                raise_here(x)
            end
            if x ~= nil then
                throw("TypeError", "can't send non-None value to a just-started generator")
            end
        end
        local saved = rt.depth
        if saved + 1 > rt.maxdepth then
            throw("RecursionError", "maximum recursion depth exceeded")
        end
        rt.depth = saved + 1
        g.state = 2
        local ok, r = coresume(g.co, mode, x)
        rt.depth = saved
        if not ok then
            g.state = 3
            r = errvalue(r)         -- "C stack overflow": RecursionError
            if (getmetatable(r) == EXC or type(r) == "userdata") and isa(r, StopIterationC) then
                -- PEP 479: StopIteration escaping a generator's body
                local e = newexc(classes.RuntimeError, "generator raised StopIteration")
                if getmetatable(r) == EXC then
                    e.file, e.line, e.func = r.file, r.line, r.func
                else
                    e.file, e.line, e.func = where()
                end
                r = e
            end
            error(r, 0)
        end
        if costatus(g.co) == "dead" then
            g.state = 3
            return false, r
        end
        g.state = 1
        return true, r
    end

    local function stop(r)
        if r == nil then
            throw("StopIteration")
        end
        throw("StopIteration", r)
    end

    function G.send(g, v)
        local y, r = resume(g, nil, v)
        if y then
            return r
        end
        stop(r)
    end

    function G.throw(g, e, v, tb)
        if tb ~= nil then
            throw("NotImplementedError", "generator.throw() with a traceback (tandem translation)")
        end
        local y, r = resume(g, THROW, exc_value(e, v))
        if y then
            return r
        end
        stop(r)
    end

    local pyver
    local function close(g)
        local st = g.state
        if st == 2 then
            throw("ValueError", "generator already executing")
        end
        if st ~= 1 then
            g.state = 3
            return nil
        end
        local ok, y, r = pcall(resume, g, THROW, newexc(GeneratorExit))
        if ok then
            if y then
                throw("RuntimeError", "generator ignored GeneratorExit")
            end
            -- returned: Python 3.13 gives the return value, earlier versions None
            pyver = pyver or rt.H("pyver")
            return pyver >= 13 and r or nil
        end
        if isa(y, GeneratorExit) or isa(y, StopIterationC) then
            return nil
        end
        error(y, 0)
    end
    G.close = close

    -- next(it[, default])
    B.next = function(it, ...)
        local hasdef = select("#", ...) > 0
        local mt = getmetatable(it)
        if mt == GEN then
            local y, r = resume(it, nil, nil)
            if y then
                return r
            end
            if hasdef then
                return (...)
            end
            stop(r)
        elseif mt == ITER then
            local ok, x = it.f()
            if ok then
                return x
            end
            if hasdef then
                return (...)
            end
            throw("StopIteration")
        elseif type(it) == "userdata" then
            local H = rt.H
            local x = H("resume", it, nil)
            if rawequal(x, H("missing")) then
                if hasdef then
                    return (...)
                end
                stop(H("stopvalue"))
            end
            return x
        end
        throw("TypeError", sformat("'%s' object is not an iterator", tname(it)))
    end

    -- CPython's name of the iterator type iter(v) gives (for messages)
    local function iter_name(v)
        local t = type(v)
        if t == "string" then
            return isascii(v) and "str_ascii_iterator" or "str_iterator"
        end
        local mt = getmetatable(v)
        if mt == LIST then
            return "list_iterator"
        elseif mt == TUPLE then
            return "tuple_iterator"
        elseif mt == DICT then
            return "dict_keyiterator"
        elseif mt == VIEW then
            return v.kind == "keys" and "dict_keyiterator" or v.kind == "values" and
                "dict_valueiterator" or "dict_itemiterator"
        elseif mt == ITER then
            return v.kind
        end
        return tname(v)
    end

    -- iter(v): a generator or lazy iterator is its own iterator
    B.iter = function(v, ...)
        if select("#", ...) > 0 then
            throw("NotImplementedError", "iter(callable, sentinel) (tandem translation)")
        end
        local mt = getmetatable(v)
        if mt == GEN or mt == ITER then
            return v
        end
        if type(v) == "userdata" then
            return rt.H("iter", v)
        end
        local kind = iter_name(v)
        return lazy(kind, rt.iter(v))
    end

    -- range(a, b, c) iterated by `yield from range(...)`
    function rt.range_iter(a, b, c)
        local lo, hi, step = rt.range(a, b, c)
        local i = lo
        return lazy("range_iterator", function()
            if lo == nil then
                return false
            end
            if (step > 0 and i <= hi) or (step < 0 and i >= hi) then
                local x = i
                i = x + step
                if (step > 0) ~= (i > x) then
                    lo = nil        -- wrapped around: x was the last one
                end
                return true, x
            end
            lo = nil
            return false
        end)
    end

    -- yield from v: delegate to a generator, a Python iterable, or any iterable
    -- of translated code; its value is the delegate's return value.
    function rt.yieldfrom(v)
        local mt = getmetatable(v)
        if mt == GEN then
            local y, r = resume(v, nil, nil)
            while y do
                local mode, x = coyield(r)
                if mode == THROW then
                    if isa(x, GeneratorExit) then
                        close(v)
                        raise_here(x)
                    end
                    y, r = resume(v, THROW, x)
                else
                    y, r = resume(v, nil, x)
                end
            end
            return r
        end
        if type(v) == "userdata" then
            local H = rt.H
            local missing = H("missing")
            local it = H("iter", v)
            local r = H("resume", it, nil)
            while not rawequal(r, missing) do
                local mode, x = coyield(r)
                if mode == THROW then
                    if isa(x, GeneratorExit) then
                        H("close", it)
                        raise_here(x)
                    end
                    if getmetatable(x) == EXC then
                        local a = {}
                        for i = 1, x.args.n do
                            a[i] = rt.export(x.args[i])
                        end
                        r = H("throw", it, x, x.cls.name, unpack(a, 1, x.args.n))
                    else
                        r = H("throw", it, x)
                    end
                else
                    r = H("resume", it, x)
                end
            end
            return H("stopvalue")
        end
        local name = iter_name(v)
        local f = rt.iter(v)
        while true do
            local ok, x = f()
            if not ok then
                return nil
            end
            local mode, s = coyield(x)
            if mode == THROW then
                raise_here(s)
            end
            if s ~= nil then
                throw("AttributeError", sformat("'%s' object has no attribute 'send'", name))
            end
        end
    end

    -- Generators as iterables of translated code (for loops, list(), sum() ...)
    local core_iter = rt.iter
    function rt.iter(v)
        if getmetatable(v) == GEN then
            return function()
                local y, r = resume(v, nil, nil)
                if y then
                    return true, r
                end
                return false
            end
        end
        return core_iter(v)
    end

    -- A generator leaving translated code: a Python object over it
    -- (tandem._translate.LuaGenerator) that calls back here.
    function GEN.__export(g)
        local function step(op, v)
            if op == "send" then
                return G.send(g, v)
            elseif op == "throw" then
                return G.throw(g, v)
            end
            return close(g)
        end
        return rt.H("generator", rt.entry(step), g.name)
    end
end

-- `x in it` for generators and lazy iterators: consumes up to the first match
do
    local GEN, ITER_ = rt.GEN, ITER
    local core_contains = rt.contains
    function rt.contains(c, x)
        local mt = getmetatable(c)
        if mt == GEN or mt == ITER_ then
            local it = rt.iter(c)
            while true do
                local ok, y = it()
                if not ok then
                    return false
                end
                if rawequal(x, y) or eq(y, x) then
                    return true
                end
            end
        end
        return core_contains(c, x)
    end
end
