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
--
-- Generator expressions are generator objects too (tdm_genexp: a coroutine;
-- tdm_genstep: {step = function returning the next element or STOP}, for the
-- ones that cannot be suspended inside a handler), so next/send/throw/close,
-- iteration and leaving translated code behave the same for both.

do
    local cocreate, coresume, coyield, costatus = coroutine.create, coroutine.resume,
        coroutine.yield, coroutine.status
    local coclose = coroutine.close
    local THROW = setmetatable({}, { __name = "throw marker" })
    local GEN = { __name = "generator" }
    rt.GEN = GEN
    local GeneratorExit = defclass("GeneratorExit", "BaseException")
    B.GeneratorExit = GeneratorExit
    local StopIterationC = classes.StopIteration
    local G = {}                -- generator methods (rt.method: M[EXT[GEN].kind])
    M.generator = G
    local STOP = setmetatable({}, { __name = "stop" })
    B.tdm_stop = STOP

    function rt.gen(body, name)
        local g = setmetatable({ co = cocreate(body), state = 0, name = name,
                                 born = DEPTH }, GEN)
        rt.lastgen = g
        return g
    end

    -- Does error value e (a pyrt exception or a Python one) belong to class c?
    local function isa(e, c)
        return rt.match(e, c)
    end

    -- A pyrt exception instance for a thrown value (class or instance).
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

    local CUR                   -- the generator running (innermost), or nil

    -- The yield point `id` ("LINE:COL"): suspend with v; return the sent value
    -- or raise what was thrown.
    function rt.yield(v, id)
        if CUR then
            CUR.at = id
        end
        local mode, x = coyield(v)
        if mode == THROW then
            raise_here(x)
        end
        return x
    end
    B.tdm_yield = rt.yield          -- a generator expression's element

    -- PEP 479: a StopIteration escaping a generator's body becomes RuntimeError
    local function pep479(r)
        if (getmetatable(r) == EXC or type(r) == "userdata") and isa(r, StopIterationC) then
            local e = newexc(classes.RuntimeError, "generator raised StopIteration")
            -- its __cause__ and __context__ (_PyErr_FormatFromCause)
            e.hascause, e.cause, e.context = true, r, r
            if getmetatable(r) == EXC then
                e.file, e.line, e.func = r.file, r.line, r.func
            else
                e.file, e.line, e.func = where()
            end
            return e
        end
        return r
    end

    -- One step of a step-function generator expression (no handler can be
    -- active at its yield: a thrown exception just ends it).
    local function step_resume(g, mode, x)
        if mode == THROW then
            g.state = 3
            raise_here(x)
        end
        g.state = 2
        local saved = DEPTH
        local ok, v = pcall(g.step)
        DEPTH = saved
        if not ok then
            g.state = 3
            error(pep479(errvalue(v)), 0)
        end
        if rawequal(v, STOP) then
            g.state = 3
            return false, nil
        end
        g.state = 1
        return true, v
    end

    -- `yield from` another generator runs it from inside the body's
    -- coroutine (rt.yieldfrom's loop), one coroutine.resume inside another,
    -- below the recursion depth GENNEST (each body running inside another
    -- counts one: DEPTH); from there on the body yields (DELEGATE, it) to
    -- the resume that runs it, which from then on runs the delegate itself
    -- (g.sub, state 4 "suspended, delegating", a chain g -> g.sub -> ...):
    -- the rest of the chain nests no coroutine.resume in another, which
    -- Lua's limit of 200 nested C calls would stop at about 190 levels;
    -- CPython stops at its recursion limit, and so does this (DEPTH counts
    -- each generator of the chain while its innermost one runs). The body gets back the delegate's return value,
    -- or its exception (mode RAISE), or GeneratorExit after the delegate
    -- closed (PEP 380). (Nested first: a step through one level of a chain
    -- costs about twice a nested one.)
    local DELEGATE = setmetatable({}, { __name = "delegate marker" })
    local GENNEST = 50          -- from this recursion depth on, `yield from` delegates
    local RAISE = setmetatable({}, { __name = "raise marker" })
    local YIELDED, RETURNED, DELEGATED, FAILED = 1, 2, 3, 4

    local chain_resume

    -- Resume generator g with a sent value (mode nil) or a thrown exception
    -- (mode THROW). Returns true, yielded value; or false, returned value.
    -- With inchain (chain_resume's steps: g alone, its delegate run by the
    -- caller), the body's exception is returned too, and the generator a
    -- `yield from` names: (YIELDED, value), (RETURNED, value), (DELEGATED,
    -- generator) or (FAILED, exception); hsfall is then the handled
    -- exception g sees when it has none of its own (its delegator's).
    local function resume(g, mode, x, inchain, hsfall)
        local st = g.state
        if st == 2 then
            throw("ValueError", "generator already executing")
        end
        if st == 4 and not inchain then
            return chain_resume(g, mode, x)
        end
        if st == 3 then
            if mode == THROW or mode == RAISE then
                raise_here(x)
            end
            if inchain then
                return RETURNED, nil
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
        if g.step then
            local y, v = step_resume(g, mode, x)
            if inchain then
                return y and YIELDED or RETURNED, v
            end
            return y, v
        end
        local saved = DEPTH
        if saved + 1 > MAXD then
            throw("RecursionError", "maximum recursion depth exceeded")
        end
        DEPTH = saved + 1
        g.state = 2
        local prev = CUR
        CUR = g
        -- the generator's own handled exception while it runs, else its
        -- delegator's, else its caller's (CPython links gi_exc_state to the
        -- caller's); kept when it suspends inside an except clause
        local hs = rt.hs
        local own = g.hs or hsfall
        if own ~= nil then
            rt.sethandled(own, true)
        end
        local ok, r, d = coresume(g.co, mode, x)
        CUR = prev
        DEPTH = saved
        local now = rt.hs
        if now ~= hs then
            if now ~= hsfall then
                g.hs = now
            else
                g.hs = nil
            end
            rt.sethandled(hs)
        else
            g.hs = nil
        end
        if not ok then
            g.state = 3
            -- Lua leaves the stack of a coroutine that died by an error as it
            -- was (for inspection): close its pending to-be-closed variables
            -- now, so the generators its for loops own are closed as
            -- CPython's unwinding closes them, before the exception leaves
            coclose(g.co)
            r = pep479(errvalue(r))     -- "C stack overflow": RecursionError
            if inchain then
                return FAILED, r
            end
            error(r, 0)
        end
        if costatus(g.co) == "dead" then
            g.state = 3
            if inchain then
                return RETURNED, r
            end
            return false, r
        end
        g.state = 1
        if d ~= nil and rawequal(r, DELEGATE) then     -- (a yield gives one value)
            if inchain then
                return DELEGATED, d
            end
            g.sub = d               -- its first step
            g.state = 4
            return chain_resume(g, nil, nil)
        end
        if inchain then
            return YIELDED, r
        end
        return true, r
    end

    -- resume of a generator running a `yield from` of another: the chain
    -- from g through each .sub; (mode, x) go to the innermost one. A thrown
    -- GeneratorExit closes the delegates first, innermost first: each of
    -- them is closed (a yield there is "generator ignored GeneratorExit" for
    -- the one above), then the next one up gets GeneratorExit, or the
    -- exception its delegate's closing raised.
    chain_resume = function(g, mode, x)
        if g.state == 2 then
            throw("ValueError", "generator already executing")
        end
        local chain, n, seen = { g }, 1, { [g] = true }
        local saved = DEPTH
        -- add c and the generators it delegates to; the ones above the last
        -- are running (delegating) while the chain runs
        local function extend(c)
            while c ~= nil do
                chain[n].state = 2
                n = n + 1
                chain[n] = c
                if seen[c] then
                    return          -- (running already: its step says so)
                end
                seen[c] = true
                c = c.sub
            end
        end
        local function back(m)      -- chain[m] goes on: it delegates no more
            -- (the ones below it leave the chain: returned, raised, or left
            -- suspended by a yield that ignored GeneratorExit)
            for i = m + 1, n do
                seen[chain[i]] = nil
            end
            n = m
            chain[m].sub = nil
            chain[m].state = 1
        end
        local function leave()
            DEPTH = saved
            for i = 1, n - 1 do
                if chain[i].state == 2 then
                    chain[i].state = 4      -- (suspended, delegating)
                end
            end
        end
        extend(g.sub)
        local closing = {}
        if mode == THROW and isa(x, GeneratorExit) then
            for i = 2, n do
                closing[i] = true
            end
        end
        while true do
            local top = chain[n]
            local fall
            for i = n - 1, 1, -1 do
                if chain[i].hs ~= nil then
                    fall = chain[i].hs
                    break
                end
            end
            DEPTH = saved + n - 1
            local ok, k, v = pcall(resume, top, mode, x, true, fall)
            if not ok then
                k, v = FAILED, errvalue(k)
            end
            if k == DELEGATED then
                top.sub = v
                extend(v)
                mode, x = nil, nil
            elseif k == YIELDED then
                -- a yield under a generator being closed: it ignored GeneratorExit
                local i = n
                while i > 1 and not closing[i] do
                    i = i - 1
                end
                if i <= 1 then
                    leave()
                    return true, v
                end
                for j = i, n do
                    if chain[j].state == 2 then
                        chain[j].state = 4      -- (suspended, still delegating)
                    end
                    closing[j] = nil
                end
                back(i - 1)
                mode, x = RAISE, newexc(classes.RuntimeError, "generator ignored GeneratorExit")
            else
                -- returned or raised: the generator above goes on
                local closed = closing[n]
                closing[n] = nil
                if n == 1 then
                    leave()
                    if k == FAILED then
                        error(v, 0)
                    end
                    return false, v
                end
                back(n - 1)
                if closed and (k == RETURNED or isa(v, GeneratorExit)
                               or isa(v, StopIterationC)) then
                    mode, x = THROW, newexc(GeneratorExit)
                elseif k == FAILED then
                    mode, x = RAISE, v
                else
                    mode, x = nil, v
                end
            end
        end
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
        if (st ~= 1 and st ~= 4) or g.step then
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
        y = errvalue(y)
        if isa(y, GeneratorExit) or isa(y, StopIterationC) then
            return nil
        end
        error(y, 0)
    end
    G.close = close

    -- `for x in f(args)` (lxlate.c for_stmt): the back end cleared rt.lastgen,
    -- evaluated the call, and asks here whether the value is the generator
    -- that very call made (created last, at this depth, not started): then
    -- nothing else holds it, and a to-be-closed variable closes it when the
    -- loop is left early, where CPython's reference count would.
    -- An exception raised by that close() is not propagated: CPython reports
    -- it through sys.unraisablehook ("Exception ignored in: ...") and goes on.
    local OWNED = { __close = function(c)
        local st = c.g.state
        if st ~= 1 and st ~= 4 then
            return
        end
        local ok, e = pcall(close, c.g)
        if not ok and rt.H then
            e = errvalue(e)
            if getmetatable(e) == EXC then
                local a = {}
                for i = 1, e.args.n do
                    a[i] = rt.export(e.args[i])
                end
                pcall(rt.H, "unraisable", e.cls.name, unpack(a, 1, e.args.n))
            else
                pcall(rt.H, "unraisable", e)
            end
        end
    end }
    function rt.owned(v)
        if getmetatable(v) == GEN and rawequal(v, rt.lastgen) and v.state == 0
                and v.born == DEPTH and v.co then
            rt.lastgen = nil
            return setmetatable({ g = v }, OWNED)
        end
        return nil
    end

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
        elseif EXT[mt] and EXT[mt].kind == "range" then
            return "range_iterator"
        elseif EXT[mt] and (EXT[mt].kind == "set" or EXT[mt].kind == "frozenset") then
            return "set_iterator"
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
    function rt.yieldfrom(v, id)
        if CUR then
            CUR.at = id
        end
        local mt = getmetatable(v)
        if mt == GEN and DEPTH < GENNEST then
            local y, r = resume(v, nil, nil)
            while y do
                local mode, x = coyield(r)
                if mode == THROW then
                    if isa(x, GeneratorExit) then
                        G.close(v)
                        raise_here(x)
                    end
                    y, r = resume(v, THROW, x)
                else
                    y, r = resume(v, nil, x)
                end
            end
            return r
        elseif mt == GEN then
            -- run by the resume that runs this generator (chain_resume)
            local mode, x = coyield(DELEGATE, v)
            if mode == RAISE then
                error(x, 0)         -- the delegate's exception, as it is
            elseif mode == THROW then
                raise_here(x)       -- GeneratorExit: the delegate closed
            end
            return x
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

    local function gen_iter(g)
        return function()
            local y, r = resume(g, nil, nil)
            if y then
                return true, r
            end
            return false
        end
    end

    -- A generator leaving translated code: a Python object over it
    -- (tandem._translate.LuaGenerator) that calls back here; the same one
    -- while Lua holds it.
    local exported = setmetatable({}, { __mode = "v" })
    local function export(g)
        local p = exported[g]
        if p == nil then
            local function step(op, v)
                if op == "send" then
                    return G.send(g, v)
                elseif op == "throw" then
                    return G.throw(g, v)
                elseif op == "where" then   -- the yield point it is suspended at
                    return (g.state == 1 or g.state == 4) and g.at or nil
                end
                return close(g)
            end
            p = rt.H("generator", rt.entry(step), g.name)
            exported[g] = p
        end
        return p
    end

    EXT[GEN] = {
        kind = "generator",
        hashable = true,
        -- no len: truth is True, len() a TypeError
        iter = gen_iter,
        contains = function(g, x)       -- consumes up to the first match
            local it = gen_iter(g)
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
        end,
        eq = rawequal,
        repr = function(g)
            return sformat("<generator object %s at %s>", g.name,
                           (string.gsub(tostring(g.co or g.step), "^[^:]*: ", "")))
        end,
        export = export,
    }

    -- ---- generator expressions (the front end: docs/translation.md) --------------

    local function genexp_name(fn)
        local s = rt.sigs[fn]
        return s and s.name or "<genexpr>"
    end

    -- (elt for x in it ...): fn is the comprehension's own function, run in a
    -- coroutine with the first iterable's iterator (made now, as CPython does)
    B.tdm_genexp = function(fn, src)
        local arg = lazy("iterator", rt.iter(src))
        return rt.gen(function()
            return fn(arg)
        end, genexp_name(fn))
    end

    -- a generator expression with one `for` whose element cannot keep its
    -- variables alive (no lambda, no inner generator expression): each step
    -- runs the loop on the shared iterator to the next element (or STOP)
    B.tdm_genstep = function(fn, src)
        local arg = lazy("iterator", rt.iter(src))
        return setmetatable({ step = function()
            return fn(arg)
        end, state = 0, name = genexp_name(fn) }, GEN)
    end

    -- range(...) as a generator expression's first iterable: checked at creation
    B.tdm_range = function(...)
        return lazy("range_iterator", rt.iter(B.range(...)))
    end
end
