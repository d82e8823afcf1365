-- process.lua — process lifetime of a lua5.4 host: the process exits cleanly
-- while Python threads started from Lua are still running tandem's code.
local T = require "testlib"

local lua = arg[-1] or "lua5.4"

local function write_temp(text)
    local name = os.tmpname()
    local f = assert(io.open(name, "w"))
    f:write(text)
    f:close()
    return name
end

-- The script ends while a Python thread loops calling a Lua function proxy:
-- lua_close unloads C modules; tandem's own code must stay mapped under the
-- running thread and the proxy must report "closed" instead of crashing.
local child = [[
local python = require "tandem"
python.execute([=[
import threading
def start(f):
    ready = threading.Event()
    def loop():
        while True:
            try:
                f(1)
            except Exception:
                pass
            ready.set()
    threading.Thread(target=loop, daemon=True).start()
    ready.wait(10)
]=])
python.eval("start")(function(x) return x + 1 end)
io.write("child done\n")
]]

T.test("lua5.4 exits cleanly while a Python thread calls into a Lua proxy", function()
    local script = write_temp(child)
    local bad = {}
    for i = 1, 20 do
        local p = assert(io.popen(string.format("%q %q 2>&1", lua, script)))
        local out = p:read("a")
        local ok, how, code = p:close()
        if not (ok and how == "exit" and code == 0 and out:find("child done", 1, true)) then
            bad[#bad + 1] = string.format("run %d: %s %s %s", i, tostring(how),
                                          tostring(code), out)
        end
    end
    os.remove(script)
    T.eq(#bad, 0, "runs that did not exit cleanly: " .. table.concat(bad, "; "))
end)

-- Python's lupa (LuaJIT) would bind to this lua5.4's exported lua_* names:
-- importing it is refused with a Python ImportError (run in a child process,
-- so a regression crashes the child, not this suite).
T.test("importing lupa inside a lua5.4 host is an ImportError, not a crash", function()
    local script = write_temp([[
local python = require "tandem"
local ok = pcall(python.import, "lupa")
python.execute([=[
try:
    import lupa
    lupa.LuaRuntime().eval("1")
    r = "imported"
except ImportError as e:
    r = str(e)
except Exception as e:
    r = "other: %r" % e
]=])
io.write(tostring(ok), "|", python.eval("r"), "\n")
]])
    local p = assert(io.popen(string.format("%q %q 2>&1", lua, script)))
    local out = p:read("a")
    local ok, how, code = p:close()
    os.remove(script)
    if out:find("No module named 'lupa'", 1, true) then
        return      -- python3-lupa not installed: nothing to check
    end
    T.ok(ok and how == "exit" and code == 0, "child exited cleanly: " .. tostring(how)
         .. " " .. tostring(code) .. " " .. out)
    T.ok(out:find("false|", 1, true), "python.import('lupa') failed: " .. out)
    T.ok(out:find("tandem's Lua 5.4 owns the process's global lua_* symbols", 1, true),
         "the error names the conflict: " .. out)
end)

T.summary()
