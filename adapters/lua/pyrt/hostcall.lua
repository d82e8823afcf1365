-- pyrt/hostcall.lua — calling Python from translated code with containers
-- translated code made.
--
-- A list, dict or set of the runtime crosses to a Python callable as a
-- copy (rt.export). A callee that only reads it gives CPython's answer; one
-- that changes it (heapq.heappush(h, x)) or keeps it (registry.append(x))
-- would leave translated code holding a list CPython's run would have
-- changed. So when an argument is a container, the copies the export makes
-- are registered with the host (H "reg"), and the call runs checked (H
-- "checked"): after it, a copy the callee changed or kept a reference to
-- raises NotImplementedError "... (tandem translation)" — a refusal at run
-- time, never a silently different list. A list or dict the callee changed
-- without keeping it (random.shuffle(xs), bisect.insort(xs, x), a helper
-- appending to its argument), or gave back as its result, has its items
-- copied back into the container translated code holds (rt.copyback), as
-- CPython's callee changes the one object. An argument written as a display
-- (`out.append([a, b])`: bit i of `mask` for the i-th exported argument) is
-- a container nothing in translated code refers to: its copy may be kept
-- and changed (the copies of containers inside it stay checked).
do
    -- H(op, a1, ..., an) with a_from..a_n exported (the first ones: the
    -- callee, a method name, counts)
    function rt.hostcall(op, from, mask, ...)
        local args = pack(...)
        local checked = false
        for i = from, args.n do
            if type(args[i]) == "table" then
                checked = true
                break
            end
        end
        if checked then
            rt.H("reg")
        end
        local exempt, ne = {}, 0
        local seen = {}     -- one container given twice is one Python object
        for i = from, args.n do
            local a = args[i]
            args[i] = rt.exportarg(a, seen)
            if mask ~= 0 and (mask >> (i - from)) & 1 == 1 and type(a) == "table" then
                ne = ne + 1
                exempt[ne] = args[i]
            end
        end
        if checked then
            exempt[ne + 1] = op
            for i = 1, args.n do
                exempt[ne + 1 + i] = args[i]
            end
            local r = rt.H("checked", ne, unpack(exempt, 1, ne + 1 + args.n))
            if rt.CHANGED == nil then
                rt.CHANGED = rt.H("changedmark")
            end
            if rawequal(r, rt.CHANGED) then
                return rt.copyback(seen)
            end
            return r
        end
        return rt.H(op, unpack(args, 1, args.n))
    end

    -- After a checked call that changed copies (or gave one back): each
    -- copy's items, mapped back (a copy of a container translated code made
    -- is that container), replace the items of the container it is a copy
    -- of; the call's result, mapped back too.
    -- Is the item x of a container what it left as (e, its export)?
    local function left_as(x, e, seen)
        if x ~= x then
            return e ~= e       -- a NaN
        end
        return rawequal(x, e) or (seen[x] ~= nil and rawequal(seen[x], e))
    end

    -- Does the container t (its rt.xmemo entry m) hold what it left with,
    -- or did translated code change it during the call (a callback the
    -- callee ran)? Its items would be lost under the callee's.
    local function unchanged(t, m, seen)
        if m == nil then
            return false
        end
        if getmetatable(t) == LIST then
            if t.n ~= m.n then
                return false
            end
            for j = 1, t.n do
                if not left_as(t[j], m.last[j], seen) then
                    return false
                end
            end
            return true
        end
        local j = 0
        for k, v in dict_items(t) do
            if j + 2 > m.n or not left_as(realkey(k), m.last[j + 1], seen)
                    or not left_as(v, m.last[j + 2], seen) then
                return false
            end
            j = j + 2
        end
        return j == m.n
    end

    function rt.copyback(seen)
        local rev = {}
        for t, py in pairs(seen) do
            if type(py) == "userdata" then
                rev[py] = t
            end
        end
        for i = 1, rt.H("changed") do
            local py = rt.H("changedobj", i - 1)
            local t = rev[py]
            if t ~= nil then
                if not unchanged(t, rt.xmemo[t], seen) then
                    rt.H("changed", true)
                    throw("NotImplementedError", sformat("a Python callable changed a %s "
                          .. "translated code made, which translated code changed during the "
                          .. "call (tandem translation)", tname(t)))
                end
                local flat = rt.H("changedat", i - 1)
                local n = rt.H("len", flat)
                local raw = {}
                for j = 1, n do
                    raw[j] = rt.H("getitem", flat, j - 1)
                end
                if getmetatable(t) == LIST then
                    for j = n + 1, t.n do
                        t[j] = nil
                    end
                    for j = 1, n do
                        local x = raw[j]
                        t[j] = rev[x] or x
                    end
                    t.n = n
                else
                    -- the same keys in the same order: values set in place
                    -- (no key deleted: a loop over the dict goes on, as in CPython)
                    local same, j = t.count * 2 == n, 1
                    if same then
                        for k in dict_items(t) do
                            local nk = raw[j]
                            if not rawequal(rev[nk] or nk, realkey(k)) then
                                same = false
                                break
                            end
                            j = j + 2
                        end
                    end
                    if not same then
                        rt.method(t, "clear")
                    end
                    for j2 = 1, n, 2 do
                        local k, v = raw[j2], raw[j2 + 1]
                        dict_set(t, rev[k] or k, rev[v] or v)
                    end
                end
                local m = rt.xmemo[t]
                if m ~= nil then
                    m.last, m.n = raw, n     -- what its Python object holds now
                end
            end
        end
        local r = rt.H("changed", true)
        return rev[r] or r
    end

    -- f(args) and o.name(args) through the back end's generic paths when an
    -- argument is a display (mask: pyrt/hostcall.lua's exemption)
    function rt.callm(mask, f, ...)
        if type(f) == "userdata" then
            return (rt.hostcall("callobj", 2, mask, f, ...))
        end
        return rt.call(f, ...)
    end

    -- o[k] = v for a Python object o: the container stores a copy of a list,
    -- dict or set translated code made, so only one nothing else refers to
    -- (fresh: a display or comprehension assigned directly, its elements
    -- shareable too) or one without mutable parts is stored; else refused
    function rt.setpyitem(o, k, v, fresh)
        if not rt.shareable(v, fresh) then
            throw("NotImplementedError", sformat("storing a %s that translated code may " ..
                  "still change into a Python %s (tandem translation)", tname(v), tname(o)))
        end
        rt.H("setitem", o, rt.export(k), rt.export(v))
    end

    -- o[k] = <a display or comprehension> (the back end's form of it)
    function rt.setfresh(o, k, v)
        if type(o) == "userdata" then
            rt.setpyitem(o, k, v, true)
        else
            rt.setitem(o, k, v)
        end
    end
end
