-- errors.lua — errors crossing between a host Lua and its Python.
local T = require "testlib"
local python = require "tandem"

T.test("a Python exception is a catchable error value", function()
    local f = python.eval("lambda: {}['missing']")
    local ok, err = pcall(f)
    T.eq(ok, false, "pcall fails")
    T.eq(type(err), "userdata", "the error carries the exception")
    local text = tostring(err)
    T.ok(text:find("KeyError", 1, true), "tostring names the exception: " .. text)
    T.ok(text:find("Traceback", 1, true), "tostring shows the Python traceback")
    T.eq(python.builtins().isinstance(err, python.builtins().KeyError), true, "it is the exception")
end)

T.test("the same exception object comes back to Python", function()
    python.execute([[
def raiser():
    raise ValueError("original")
def catch(f):
    try:
        f()
    except ValueError as e:
        return e
]])
    local e1 = python.eval("catch")(python.eval("raiser"))
    T.ok(tostring(e1):find("original", 1, true), "caught in Python through Lua")
end)

T.test("syntax errors from Python", function()
    T.raises(function() python.execute("def (:") end, "SyntaxError")
    T.raises(function() python.eval("1 +") end, "SyntaxError")
end)

T.test("bad input has clear errors", function()
    T.raises(function() python.eval(42) end, "string")
    T.raises(function() python.import("no_such_module_xyz") end, "ModuleNotFoundError")
    T.raises(function() python.eval("object()")() end, "not callable")
    T.raises(function() return python.eval("object()").nope end, "AttributeError")
    T.raises(function() python.asindx(42) end, "foreign")
end)

T.test("errors inside Lua callbacks called from Python", function()
    local call = python.eval("lambda f: f()")
    local err = T.raises(function() call(function() error("from lua") end) end)
    T.ok(tostring(err):find("from lua", 1, true), "message kept: " .. tostring(err))
end)

T.test("ping-pong recursion ends in a clean error", function()
    python.execute("import sys\nsys.setrecursionlimit(100000)")
    local ping
    local pong = python.eval("lambda f, n: f(n + 1)")
    ping = function(n)
        if n >= 100000 then return n end
        return pong(ping, n + 1)
    end
    local ok, err = pcall(ping, 0)
    T.eq(ok, false, "does not reach 100000")
    local s = tostring(err)
    T.ok(s:find("nested", 1, true) or s:find("stack overflow", 1, true)
         or s:find("Recursion", 1, true), "clean message: " .. s:sub(1, 200))
    T.eq(python.eval("1 + 1"), 2, "Python still works")
end)

T.test("integers keep their precision", function()
    T.eq(python.eval("2**63 - 1"), math.maxinteger, "maxinteger")
    T.eq(python.eval("-2**63"), math.mininteger, "mininteger")
    T.raises(function() return python.eval("2**64") end, "OverflowError")
    T.eq(python.eval("lambda x: x + 1")(2^53), 2^53 + 1, "float arithmetic in Python")
    T.eq(math.type(python.eval("lambda x: x")(math.maxinteger)), "integer", "integer stays integer")
end)

T.test("a Lua error value crossing Python comes back as itself", function()
    local call = python.eval("lambda f: f()")
    for _, v in ipairs({ {}, "str", 42, true, print }) do
        local ok, e = pcall(call, function() error(v, 0) end)
        T.eq(ok, false, "pcall fails")
        T.ok(rawequal(e, v), "the same value: " .. tostring(v))
    end
    local ok, e = pcall(call, function() error(nil) end)
    T.eq(e, nil, "nil stays nil")
end)

T.test("Python source with NUL bytes is an error, Lua messages keep theirs", function()
    local ok, e = pcall(python.eval, "1\0+1")
    T.eq(ok, false, "not truncated to 1")
    T.ok(tostring(e):find("null bytes", 1, true), "CPython's words: " .. tostring(e))
    ok, e = pcall(python.eval("lambda f: f()"), function() error("a\0b", 0) end)
    T.eq(e, "a\0b", "the message keeps its bytes")
end)

T.test("a generator throw() reaches the yield of a coroutine in a host", function()
    local co = coroutine.create(function()
        local ok, e = pcall(coroutine.yield, 1)
        coroutine.yield(python.builtins().type(e).__name__)
    end)
    local throw = python.eval("lambda co: (next(co), co.throw(KeyError('k')))[1]")
    T.eq(throw(co), "KeyError", "caught by pcall at the yield")
end)

T.summary()
