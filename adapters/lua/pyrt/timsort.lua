-- list.sort and sorted as CPython 3.11's listsort (Objects/listobject.c):
-- the same runs, the same powersort merge order, the same galloping, so the
-- same comparisons in the same order. That is what makes a sort exact when
-- the order is not total (NaN), when a comparison raises part-way (the list
-- is left as CPython leaves it) and when comparing has side effects.
--
-- rt.timsort(K, V, n, islt): K[1..n] the keys, V[1..n] the values moved in
-- parallel (nil when the keys are the values), islt(x, y) Python's x < y.
-- Errors of islt propagate with K and V permuted as far as the sort got.

local MIN_GALLOP = 7

local function timsort(K, V, n, islt)
    if n < 2 then
        return
    end
    local min_gallop = MIN_GALLOP
    local TK, TV = {}, V and {} or nil      -- merge temporaries

    local function reverse(lo, hi)          -- K/V[lo..hi-1]
        hi = hi - 1
        while lo < hi do
            K[lo], K[hi] = K[hi], K[lo]
            if V then
                V[lo], V[hi] = V[hi], V[lo]
            end
            lo, hi = lo + 1, hi - 1
        end
    end

    -- the run starting at lo (hi is one past the end); descending runs are strict
    local function count_run(lo, hi)
        if lo + 1 == hi then
            return 1, false
        end
        local m = 2
        local i = lo + 1
        if islt(K[i], K[i - 1]) then
            i = i + 1
            while i < hi and islt(K[i], K[i - 1]) do
                i, m = i + 1, m + 1
            end
            return m, true
        end
        i = i + 1
        while i < hi and not islt(K[i], K[i - 1]) do
            i, m = i + 1, m + 1
        end
        return m, false
    end

    -- K[lo..hi-1] sorted by binary insertion, K[lo..start-1] already sorted
    local function binarysort(lo, hi, start)
        if lo == start then
            start = start + 1
        end
        while start < hi do
            local l, r = lo, start
            local pivot = K[r]
            repeat
                local p = l + ((r - l) >> 1)
                if islt(pivot, K[p]) then
                    r = p
                else
                    l = p + 1
                end
            until l >= r
            local pv = V and V[start]
            for p = start, l + 1, -1 do
                K[p] = K[p - 1]
                if V then
                    V[p] = V[p - 1]
                end
            end
            K[l] = pivot
            if V then
                V[l] = pv
            end
            start = start + 1
        end
    end

    -- offsets are 0-based from base (A[base + i]), as CPython's pointers
    local function gallop_left(key, A, base, len, hint)
        local lastofs, ofs = 0, 1
        if islt(A[base + hint], key) then
            local maxofs = len - hint
            while ofs < maxofs do
                if islt(A[base + hint + ofs], key) then
                    lastofs = ofs
                    ofs = (ofs << 1) + 1
                else
                    break
                end
            end
            if ofs > maxofs then
                ofs = maxofs
            end
            lastofs, ofs = lastofs + hint, ofs + hint
        else
            local maxofs = hint + 1
            while ofs < maxofs do
                if islt(A[base + hint - ofs], key) then
                    break
                end
                lastofs = ofs
                ofs = (ofs << 1) + 1
            end
            if ofs > maxofs then
                ofs = maxofs
            end
            lastofs, ofs = hint - ofs, hint - lastofs
        end
        lastofs = lastofs + 1
        while lastofs < ofs do
            local m = lastofs + ((ofs - lastofs) >> 1)
            if islt(A[base + m], key) then
                lastofs = m + 1
            else
                ofs = m
            end
        end
        return ofs
    end

    local function gallop_right(key, A, base, len, hint)
        local lastofs, ofs = 0, 1
        if islt(key, A[base + hint]) then
            local maxofs = hint + 1
            while ofs < maxofs do
                if islt(key, A[base + hint - ofs]) then
                    lastofs = ofs
                    ofs = (ofs << 1) + 1
                else
                    break
                end
            end
            if ofs > maxofs then
                ofs = maxofs
            end
            lastofs, ofs = hint - ofs, hint - lastofs
        else
            local maxofs = len - hint
            while ofs < maxofs do
                if islt(key, A[base + hint + ofs]) then
                    break
                end
                lastofs = ofs
                ofs = (ofs << 1) + 1
            end
            if ofs > maxofs then
                ofs = maxofs
            end
            lastofs, ofs = lastofs + hint, ofs + hint
        end
        lastofs = lastofs + 1
        while lastofs < ofs do
            local m = lastofs + ((ofs - lastofs) >> 1)
            if islt(key, A[base + m]) then
                ofs = m
            else
                lastofs = m + 1
            end
        end
        return ofs
    end

    -- copy cnt items from (SK, SV)[s..] to (DK, DV)[d..]; overlapping moves
    -- go in the safe direction
    local function move(DK, DV, d, SK, SV, s, cnt)
        if cnt <= 0 then
            return
        end
        table.move(SK, s, s + cnt - 1, d, DK)
        if V then
            table.move(SV, s, s + cnt - 1, d, DV)
        end
    end

    -- merge the runs at a (na items) and b = a + na (nb items), na <= nb
    local function merge_lo(a, na, b, nb)
        move(TK, TV, 1, K, V, a, na)        -- run a into the temporary
        local dest, pa = a, 1               -- pa: in T; b: in K
        local function fin(ok, err)
            if na > 0 then
                move(K, V, dest, TK, TV, pa, na)
            end
            if not ok then
                error(err, 0)
            end
        end
        local ok, err = pcall(function()
            K[dest] = K[b]
            if V then
                V[dest] = V[b]
            end
            dest, b, nb = dest + 1, b + 1, nb - 1
            if nb == 0 then
                return
            end
            if na == 1 then
                goto copyb
            end
            while true do
                local acount, bcount = 0, 0
                while true do
                    if islt(K[b], TK[pa]) then
                        K[dest] = K[b]
                        if V then
                            V[dest] = V[b]
                        end
                        dest, b, nb = dest + 1, b + 1, nb - 1
                        bcount, acount = bcount + 1, 0
                        if nb == 0 then
                            return
                        end
                        if bcount >= min_gallop then
                            break
                        end
                    else
                        K[dest] = TK[pa]
                        if V then
                            V[dest] = TV[pa]
                        end
                        dest, pa, na = dest + 1, pa + 1, na - 1
                        acount, bcount = acount + 1, 0
                        if na == 1 then
                            goto copyb
                        end
                        if acount >= min_gallop then
                            break
                        end
                    end
                end
                min_gallop = min_gallop + 1
                repeat
                    if min_gallop > 1 then
                        min_gallop = min_gallop - 1
                    end
                    local k = gallop_right(K[b], TK, pa, na, 0)
                    acount = k
                    if k > 0 then
                        move(K, V, dest, TK, TV, pa, k)
                        dest, pa, na = dest + k, pa + k, na - k
                        if na == 1 then
                            goto copyb
                        end
                        if na == 0 then
                            return
                        end
                    end
                    K[dest] = K[b]
                    if V then
                        V[dest] = V[b]
                    end
                    dest, b, nb = dest + 1, b + 1, nb - 1
                    if nb == 0 then
                        return
                    end
                    k = gallop_left(TK[pa], K, b, nb, 0)
                    bcount = k
                    if k > 0 then
                        move(K, V, dest, K, V, b, k)
                        dest, b, nb = dest + k, b + k, nb - k
                        if nb == 0 then
                            return
                        end
                    end
                    K[dest] = TK[pa]
                    if V then
                        V[dest] = TV[pa]
                    end
                    dest, pa, na = dest + 1, pa + 1, na - 1
                    if na == 1 then
                        goto copyb
                    end
                until not (acount >= MIN_GALLOP or bcount >= MIN_GALLOP)
                min_gallop = min_gallop + 1
            end
            ::copyb::
            -- the last item of run a belongs at the end
            move(K, V, dest, K, V, b, nb)
            K[dest + nb] = TK[pa]
            if V then
                V[dest + nb] = TV[pa]
            end
            na = 0
        end)
        fin(ok, err)
    end

    -- merge the runs at a (na items) and b = a + na (nb items), na > nb,
    -- from the right
    local function merge_hi(a, na, b, nb)
        move(TK, TV, 1, K, V, b, nb)        -- run b into the temporary
        local dest = b + nb - 1
        local pa = a + na - 1               -- last of a, in K
        local pb = nb                       -- last of b, in T
        local function fin(ok, err)
            if nb > 0 then
                move(K, V, dest - (nb - 1), TK, TV, 1, nb)
            end
            if not ok then
                error(err, 0)
            end
        end
        local ok, err = pcall(function()
            K[dest] = K[pa]
            if V then
                V[dest] = V[pa]
            end
            dest, pa, na = dest - 1, pa - 1, na - 1
            if na == 0 then
                return
            end
            if nb == 1 then
                goto copya
            end
            while true do
                local acount, bcount = 0, 0
                while true do
                    if islt(TK[pb], K[pa]) then
                        K[dest] = K[pa]
                        if V then
                            V[dest] = V[pa]
                        end
                        dest, pa, na = dest - 1, pa - 1, na - 1
                        acount, bcount = acount + 1, 0
                        if na == 0 then
                            return
                        end
                        if acount >= min_gallop then
                            break
                        end
                    else
                        K[dest] = TK[pb]
                        if V then
                            V[dest] = TV[pb]
                        end
                        dest, pb, nb = dest - 1, pb - 1, nb - 1
                        bcount, acount = bcount + 1, 0
                        if nb == 1 then
                            goto copya
                        end
                        if bcount >= min_gallop then
                            break
                        end
                    end
                end
                min_gallop = min_gallop + 1
                repeat
                    if min_gallop > 1 then
                        min_gallop = min_gallop - 1
                    end
                    local k = gallop_right(TK[pb], K, a, na, na - 1)
                    k = na - k
                    acount = k
                    if k > 0 then
                        dest, pa = dest - k, pa - k
                        move(K, V, dest + 1, K, V, pa + 1, k)
                        na = na - k
                        if na == 0 then
                            return
                        end
                    end
                    K[dest] = TK[pb]
                    if V then
                        V[dest] = TV[pb]
                    end
                    dest, pb, nb = dest - 1, pb - 1, nb - 1
                    if nb == 1 then
                        goto copya
                    end
                    k = gallop_left(K[pa], TK, 1, nb, nb - 1)
                    k = nb - k
                    bcount = k
                    if k > 0 then
                        dest, pb = dest - k, pb - k
                        move(K, V, dest + 1, TK, TV, pb + 1, k)
                        nb = nb - k
                        if nb == 1 then
                            goto copya
                        end
                        if nb == 0 then
                            return
                        end
                    end
                    K[dest] = K[pa]
                    if V then
                        V[dest] = V[pa]
                    end
                    dest, pa, na = dest - 1, pa - 1, na - 1
                    if na == 0 then
                        return
                    end
                until not (acount >= MIN_GALLOP or bcount >= MIN_GALLOP)
                min_gallop = min_gallop + 1
            end
            ::copya::
            -- the first item of run b belongs at the front
            dest, pa = dest - na, pa - na
            move(K, V, dest + 1, K, V, pa + 1, na)
            K[dest] = TK[pb]
            if V then
                V[dest] = TV[pb]
            end
            nb = 0
        end)
        fin(ok, err)
    end

    local rbase, rlen, rpow = {}, {}, {}    -- the pending runs
    local nruns = 0

    local function merge_at(i)
        local a, na, b, nb = rbase[i], rlen[i], rbase[i + 1], rlen[i + 1]
        rlen[i] = na + nb
        if i == nruns - 2 then
            rbase[i + 1], rlen[i + 1], rpow[i + 1] = rbase[i + 2], rlen[i + 2], rpow[i + 2]
        end
        nruns = nruns - 1
        -- where b starts in a: the items before are in place
        local k = gallop_right(K[b], K, a, na, 0)
        a, na = a + k, na - k
        if na == 0 then
            return
        end
        -- where a ends in b: the items after are in place
        nb = gallop_left(K[a + na - 1], K, b, nb, nb - 1)
        if nb <= 0 then
            return
        end
        if na <= nb then
            merge_lo(a, na, b, nb)
        else
            merge_hi(a, na, b, nb)
        end
    end

    -- the powersort "power" of the boundary between runs s1 (n1 items, 0-based
    -- start) and the next (n2 items)
    local function powerloop(s1, n1, n2)
        local result = 0
        local x = 2 * s1 + n1
        local y = x + n1 + n2
        while true do
            result = result + 1
            if x >= n then
                x, y = x - n, y - n
            elseif y >= n then
                break
            end
            x, y = x << 1, y << 1
        end
        return result
    end

    local minrun
    do
        local m, r = n, 0
        while m >= 64 do
            r = r | (m & 1)
            m = m >> 1
        end
        minrun = m + r
    end
    local lo, nremaining = 1, n
    repeat
        local len, descending = count_run(lo, lo + nremaining)
        if descending then
            reverse(lo, lo + len)
        end
        if len < minrun then
            local force = nremaining <= minrun and nremaining or minrun
            binarysort(lo, lo + force, lo + len)
            len = force
        end
        if nruns > 0 then
            local power = powerloop(rbase[nruns] - 1, rlen[nruns], len)
            while nruns > 1 and rpow[nruns - 1] > power do
                merge_at(nruns - 1)
            end
            rpow[nruns] = power
        end
        nruns = nruns + 1
        rbase[nruns], rlen[nruns] = lo, len
        lo, nremaining = lo + len, nremaining - len
    until nremaining == 0
    while nruns > 1 do
        local i = nruns - 1
        if i > 1 and rlen[i - 1] < rlen[i + 1] then
            i = i - 1
        end
        merge_at(i)
    end
end

rt.timsort = timsort
