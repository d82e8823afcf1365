-- pyrt/pyheapq.lua — Python's heapq functions run natively on lists of
-- translated code.
--
-- heapq.heappush(h, x) in translated code called CPython's C function
-- through the host, which changed a copy of the list: a run-time refusal
-- ("the change would be lost on a copy"). On a list of translated code
-- these run here instead (pymath.lua's native functions: the genuine
-- _heapq functions, however reached), as _heapqmodule.c runs them: the
-- same comparisons in the same order (`<`, then its truth), the same
-- moves, its errors ("index out of range"; "list changed size during
-- iteration" when a comparison changed the list). Anything else (a Python
-- list passed in, another argument count) takes CPython's function.
-- heapify of more than 2500 items is done in another order by CPython
-- (cache_friendly_heapify): the same heap, other comparisons in between,
-- so it runs here only when every item is a number or every item a string
-- (comparisons that cannot fail or run code); else CPython's.
do
    local LIST = rt.LIST
    local lt, truth = rt.lt, rt.truth

    local function less(h, a, b, size)
        local r = truth(lt(a, b))
        if h.n ~= size then
            throw("RuntimeError", "list changed size during iteration")
        end
        return r
    end

    -- heapq.py's _siftdown: the item at pos (0-based) moved up to its place
    local function siftdown(h, startpos, pos)
        local size = h.n
        local newitem = h[pos + 1]
        while pos > startpos do
            local parentpos = (pos - 1) >> 1
            local parent = h[parentpos + 1]
            if less(h, newitem, parent, size) then
                h[pos + 1] = parent
                pos = parentpos
            else
                break
            end
        end
        h[pos + 1] = newitem
    end

    -- heapq.py's _siftup: the smaller child moved up to the leaf, then
    -- the item sifted down from there
    local function siftup(h, pos)
        local endpos = h.n
        local startpos = pos
        local newitem = h[pos + 1]
        local childpos = 2 * pos + 1
        while childpos < endpos do
            local rightpos = childpos + 1
            if rightpos < endpos and not less(h, h[childpos + 1], h[rightpos + 1], endpos) then
                childpos = rightpos
            end
            h[pos + 1] = h[childpos + 1]
            pos = childpos
            childpos = 2 * pos + 1
        end
        h[pos + 1] = newitem
        siftdown(h, startpos, pos)
    end

    -- the max-heap twins (_heapqmodule.c's siftdown_max, siftup_max, which
    -- heapq.nsmallest uses): `parent < newitem`, and the right child
    -- unless `right < left`
    local function siftdown_max(h, startpos, pos)
        local size = h.n
        local newitem = h[pos + 1]
        while pos > startpos do
            local parentpos = (pos - 1) >> 1
            local parent = h[parentpos + 1]
            if less(h, parent, newitem, size) then
                h[pos + 1] = parent
                pos = parentpos
            else
                break
            end
        end
        h[pos + 1] = newitem
    end

    local function siftup_max(h, pos)
        local endpos = h.n
        local startpos = pos
        local newitem = h[pos + 1]
        local childpos = 2 * pos + 1
        while childpos < endpos do
            local rightpos = childpos + 1
            if rightpos < endpos and not less(h, h[rightpos + 1], h[childpos + 1], endpos) then
                childpos = rightpos
            end
            h[pos + 1] = h[childpos + 1]
            pos = childpos
            childpos = 2 * pos + 1
        end
        h[pos + 1] = newitem
        siftdown_max(h, startpos, pos)
    end

    local function list(h)
        return type(h) == "table" and getmetatable(h) == LIST
    end

    -- the top item given back, x put in its place and sifted (0-based 0)
    local function replace_top(h, x)
        local r = h[1]
        h[1] = x
        siftup(h, 0)
        return r
    end

    local function empty()
        throw("IndexError", "index out of range")
    end

    local function heapify_ok(h)
        if not list(h) then
            return false
        end
        if h.n <= 2500 then
            return true
        end
        local t = type(h[1])
        if t ~= "number" and t ~= "string" then
            return false
        end
        for i = 2, h.n do
            if type(h[i]) ~= t then
                return false
            end
        end
        return true
    end

    rt.NATIVE_HEAPQ = {
        ["heapq.heappush"] = { 2, 2, function(h, x)
            local n = h.n + 1
            h.n = n
            h[n] = x
            siftdown(h, 0, n - 1)
            return nil
        end, list },
        ["heapq.heappop"] = { 1, 1, function(h)
            local n = h.n
            if n == 0 then
                empty()
            end
            local last = h[n]
            h[n] = nil
            h.n = n - 1
            if n == 1 then
                return last
            end
            return replace_top(h, last)
        end, list },
        ["heapq.heapreplace"] = { 2, 2, function(h, x)
            if h.n == 0 then
                empty()
            end
            return replace_top(h, x)
        end, list },
        ["heapq.heappushpop"] = { 2, 2, function(h, x)
            if h.n == 0 then
                return x
            end
            if not less(h, h[1], x, h.n) then
                return x
            end
            return replace_top(h, x)    -- (h[1] read again after `<`, as C does)
        end, list },
        ["heapq.heapify"] = { 1, 1, function(h)
            for i = (h.n >> 1) - 1, 0, -1 do
                siftup(h, i)
            end
            return nil
        end, heapify_ok },
        ["heapq._heapify_max"] = { 1, 1, function(h)
            for i = (h.n >> 1) - 1, 0, -1 do
                siftup_max(h, i)
            end
            return nil
        end, heapify_ok },
        ["heapq._heapreplace_max"] = { 2, 2, function(h, x)
            if h.n == 0 then
                empty()
            end
            local r = h[1]
            h[1] = x
            siftup_max(h, 0)
            return r
        end, list },
        ["heapq._heappop_max"] = { 1, 1, function(h)
            local n = h.n
            if n == 0 then
                empty()
            end
            local last = h[n]
            h[n] = nil
            h.n = n - 1
            if n == 1 then
                return last
            end
            local r = h[1]
            h[1] = last
            siftup_max(h, 0)
            return r
        end, list },
    }
end
