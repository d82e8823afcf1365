-- extensions.lua — Python C extension modules import inside a Lua-hosted
-- Python (libpython loaded with global symbols).
local T = require "testlib"
local python = require "tandem"

for _, name in ipairs({ "math", "json", "decimal", "_ctypes", "sqlite3" }) do
    T.test("import " .. name, function()
        local m = python.import(name)
        T.ok(m ~= nil, name)
    end)
end

T.test("json round trip", function()
    local json = python.import("json")
    T.eq(json.dumps(python.eval("{'a': [1, 2]}")), '{"a": [1, 2]}', "dumps")
end)

T.test("decimal arithmetic", function()
    local D = python.import("decimal").Decimal
    T.eq(tostring(D("0.1") + D("0.2")), "0.3", "exact")
end)

T.test("sqlite3 in memory", function()
    python.execute([[
import sqlite3
_db = sqlite3.connect(":memory:")
_db.execute("create table t (x)")
_db.executemany("insert into t values (?)", [(1,), (2,), (3,)])
]])
    T.eq(python.eval("_db.execute('select sum(x) from t').fetchone()[0]"), 6, "sum")
end)

T.test("math from Lua", function()
    T.eq(python.import("math").factorial(20), 2432902008176640000, "factorial")
end)

T.summary()
