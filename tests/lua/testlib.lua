-- testlib.lua — tiny test harness for the Lua suites; ends with "N passed, N failed".
local M = { passed = 0, failed = 0 }

function M.test(name, fn)
    local ok, err = xpcall(fn, debug.traceback)
    if ok then
        M.passed = M.passed + 1
    else
        M.failed = M.failed + 1
        io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
    end
end

function M.eq(got, want, what)
    if got ~= want then
        error(string.format("%s: expected %s, got %s", what or "value",
                            tostring(want), tostring(got)), 2)
    end
end

function M.ok(cond, what)
    if not cond then error((what or "condition") .. " is false", 2) end
end

-- Runs fn, which must fail; returns the error value. `pattern` (plain text)
-- must occur in tostring(err) when given.
function M.raises(fn, pattern)
    local ok, err = pcall(fn)
    if ok then error("expected an error" .. (pattern and (" matching " .. pattern) or ""), 2) end
    if pattern and not string.find(tostring(err), pattern, 1, true) then
        error("error does not mention '" .. pattern .. "': " .. tostring(err), 2)
    end
    return err
end

function M.summary()
    print(string.format("%d passed, %d failed", M.passed, M.failed))
    os.exit(M.failed == 0 and 0 or 1)
end

return M
