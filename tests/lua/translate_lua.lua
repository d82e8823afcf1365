-- translate_lua.lua — python.translate(luafn) in a lua5.4 host that did
-- require "tandem" (issue 10): a Lua function becomes a Python function
-- running its translation in CPython with Lua's semantics. Every case runs
-- the native function and the translation and compares the answers.
local T = require "testlib"
local python = require "tandem"
local builtins = python.builtins()

local counter = 0
local function fib(n)
    counter = counter + 1
    if n < 2 then return n end
    return fib(n - 1) + fib(n - 2)
end

local function arith(a, b)
    return a // b, a % b, a / b, math.type(a * b), 7 // 0.0, tostring(-0.0)
end

local function words(s)
    local t = {}
    for w in s:gmatch("%a+") do t[#t + 1] = w:upper() end
    return table.concat(t, ",")
end

local function fails(t) return t.x.y end

local function machine(s)
    -- a state machine written with goto (issue 10's general goto)
    local i, n, out = 1, 0, {}
    ::start::
    if i > #s then goto done end
    do
        local c = s:sub(i, i)
        i = i + 1
        if c == "a" then n = n + 1; goto start end
        out[#out + 1] = n
        n = 0
        goto start
    end
    ::done::
    out[#out + 1] = n
    return table.concat(out, " ")
end

T.test("a Lua function becomes a Python function", function()
    local pf = python.translate(fib)
    T.eq(type(pf), "userdata", "a Python object in Lua")
    T.eq(python.eval("type")(pf).__name__, "function", "a plain Python function")
    T.eq(pf(20), fib(20), "fib(20)")
    T.eq(math.type(pf(10)), "integer", "an integer crosses back as an integer")
end)

T.test("the same function twice gives the same Python function", function()
    T.ok(rawequal(python.translate(fib), python.translate(fib)), "cached per runtime")
    T.ok(not rawequal(python.translate(fib), python.translate(arith)), "another differs")
end)

T.test("upvalues stay shared with Lua", function()
    counter = 0
    python.translate(fib)(10)
    T.eq(counter, 177, "the translation counted in the Lua upvalue")
    counter = 1000
    python.translate(fib)(1)
    T.eq(counter, 1001, "and reads the Lua side's writes")
end)

T.test("Lua's arithmetic, several results", function()
    local got = python.translate(arith)(-7, 2)
    -- a Python callable's several results reach Lua as one tuple
    local want = table.pack(arith(-7, 2))
    T.eq(builtins.len(got), want.n, "count")
    for i = 1, want.n do
        T.eq(got[i - 1], want[i], "result " .. i)
        T.eq(math.type(got[i - 1]), math.type(want[i]), "type of result " .. i)
    end
end)

T.test("strings and patterns", function()
    local s = "the quick brown fox"
    T.eq(python.translate(words)(s), words(s), "gmatch/upper/concat")
end)

T.test("a goto state machine", function()
    local pm = python.translate(machine)
    for _, s in ipairs({"", "a", "aab", "baaab", "aaaa", "bbb"}) do
        T.eq(pm(s), machine(s), "machine(" .. s .. ")")
    end
end)

T.test("errors keep the Lua chunk and line", function()
    local _, native = pcall(fails, {})
    local ok, err = pcall(python.translate(fails), {})
    T.ok(not ok, "fails")
    T.ok(tostring(err):find(native, 1, true), "message " .. tostring(err)
         .. " contains " .. native)
end)

T.test("refusals are TranslationError", function()
    local TE = python.import("tandem").TranslationError
    local err = T.raises(function() python.translate(print) end, "C function")
    T.eq(builtins.isinstance(err, TE), true, "it is the exception")
    local f = load("return function() return 1 end", "=nosource")()
    T.raises(function() python.translate(f) end, "source")
end)

local function yields(x)
    coroutine.yield(x)
    return x + 1
end

local function asks() return coroutine.isyieldable() end

T.test("called by a native coroutine: Lua's answers, or refused", function()
    -- translated code runs outside the coroutine that calls it: what does
    -- not ask about coroutines answers as natively; a yield to it, and
    -- isyieldable, are refused (before: the yield was ignored, 4 for 3)
    local pf, pw = python.translate(fib), python.translate(words)
    T.eq(coroutine.wrap(function() return pf(15) end)(), fib(15), "fib in wrap")
    T.eq(select(2, coroutine.resume(coroutine.create(function() return pw("ab cd") end))),
         "AB,CD", "words in resume")
    T.eq(python.translate(asks)(), false, "main thread: not yieldable")
    local py, pa = python.translate(yields), python.translate(asks)
    T.raises(function() return coroutine.wrap(function() return py(3) end)() end,
             "called by a Lua coroutine of the runtime")
    T.raises(function() return coroutine.wrap(function() return pa() end)() end,
             "called by a Lua coroutine of the runtime")
end)

T.summary()
