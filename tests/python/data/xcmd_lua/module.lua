-- a module: top-level code runs on import, the returned table is the module
local M = {}
M.VERSION = "1.2"
M.ANSWER = 42
M.RATIO = 0.5
M.FLAG = true
local calls = 0
function M.greet(name) calls = calls + 1; return "hello, " .. name .. "!" end
function M.calls() return calls end
function M.divmod(a, b) return a // b, a % b end
function M.sum(t) local s = 0; for _, v in ipairs(t) do s = s + v end; return s end
function M.nothing() end
function M.fail(msg) error(msg) end
M.data = {1, 2, 3}
function M.args() return arg[0] .. "|" .. table.concat(arg, ",") end
loaded_count = (loaded_count or 0) + 1
return M
