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

    -- `a` goes before `b` in the heap: a < b in a min-heap, b < a in the
    -- max-heap heapq.nsmallest uses (_heapqmodule.c's siftdown_max and
    -- siftup_max compare `parent < newitem` and `right < left`)
    local function before(h, a, b, size, max)
        if max then
            return less(h, b, a, size)
        end
        return less(h, a, b, size)
    end

    -- heapq.py's _siftdown: the item at pos (0-based) moved up to its place
    local function siftdown(h, startpos, pos, max)
        local size = h.n
        local newitem = h[pos + 1]
        while pos > startpos do
            local parentpos = (pos - 1) >> 1
            local parent = h[parentpos + 1]
            if before(h, newitem, parent, size, max) then
                h[pos + 1] = parent
                pos = parentpos
            else
                break
            end
        end
        h[pos + 1] = newitem
    end

    -- heapq.py's _siftup: the child that goes first moved up to the leaf,
    -- then the item sifted down from there
    local function siftup(h, pos, max)
        local endpos = h.n
        local startpos = pos
        local newitem = h[pos + 1]
        local childpos = 2 * pos + 1
        while childpos < endpos do
            local rightpos = childpos + 1
            if rightpos < endpos and not before(h, h[childpos + 1], h[rightpos + 1], endpos, max) then
                childpos = rightpos
            end
            h[pos + 1] = h[childpos + 1]
            pos = childpos
            childpos = 2 * pos + 1
        end
        h[pos + 1] = newitem
        siftdown(h, startpos, pos, max)
    end

    local function list(h)
        return type(h) == "table" and getmetatable(h) == LIST
    end

    -- the top item given back, x put in its place and sifted (0-based 0)
    local function replace_top(h, x, max)
        local r = h[1]
        h[1] = x
        siftup(h, 0, max)
        return r
    end

    local function empty()
        throw("IndexError", "index out of range")
    end

    -- heappop: the last item taken off, then put at the top
    local function pop(h, max)
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
        return replace_top(h, last, max)
    end

    local function heapify(h, max)
        for i = (h.n >> 1) - 1, 0, -1 do
            siftup(h, i, max)
        end
        return nil
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
            siftdown(h, 0, n - 1, false)
            return nil
        end, list },
        ["heapq.heappop"] = { 1, 1, function(h)
            return pop(h, false)
        end, list },
        ["heapq.heapreplace"] = { 2, 2, function(h, x)
            if h.n == 0 then
                empty()
            end
            return replace_top(h, x, false)
        end, list },
        ["heapq.heappushpop"] = { 2, 2, function(h, x)
            if h.n == 0 then
                return x
            end
            if not less(h, h[1], x, h.n) then
                return x
            end
            return replace_top(h, x, false)    -- (h[1] read again after `<`, as C does)
        end, list },
        ["heapq.heapify"] = { 1, 1, function(h)
            return heapify(h, false)
        end, heapify_ok },
        ["heapq._heapify_max"] = { 1, 1, function(h)
            return heapify(h, true)
        end, heapify_ok },
        ["heapq._heapreplace_max"] = { 2, 2, function(h, x)
            if h.n == 0 then
                empty()
            end
            return replace_top(h, x, true)
        end, list },
        ["heapq._heappop_max"] = { 1, 1, function(h)
            return pop(h, true)
        end, list },
    }
end
