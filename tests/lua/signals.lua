-- signals.lua — Ctrl-C and signal handlers while Python code that Lua called
-- runs: the Python exception arrives in Lua as an error value Lua can catch,
-- and both interpreters stay usable. The signals are sent to this process
-- by a Python timer thread; a second timer ends the process if one of them
-- is lost, so a regression fails the suite instead of hanging it.
local T = require "testlib"
local python = require "tandem"
python.execute([[
import os, signal, threading, time
def _sigint_soon(delay=0.3):
    main = threading.main_thread().ident
    threading.Timer(delay, signal.pthread_kill, (main, signal.SIGINT)).start()
_guard = threading.Timer(60, os._exit, (3,))
_guard.daemon = True
_guard.start()
class Ring(Exception):
    pass
ring = Ring("ring")
def _ring(signum, frame):
    raise ring
]])
local b = python.builtins()
local sigint_soon = python.eval("_sigint_soon")
local clock = python.eval("time.monotonic")

T.test("SIGINT in Python code run by python.execute", function()
    sigint_soon()
    local t0 = clock()
    local ok, err = pcall(python.execute, "while True: pass")
    T.eq(ok, false, "pcall")
    T.ok(b.isinstance(err, b.KeyboardInterrupt), "a KeyboardInterrupt")
    T.ok(clock() - t0 < 5, "in time")
    T.eq(python.eval("1 + 1"), 2, "Python usable")
end)

T.test("SIGINT in a Python function Lua calls", function()
    local spin = python.eval("lambda: [0 for _ in iter(int, 1)]")
    sigint_soon()
    local ok, err = pcall(spin)
    T.eq(ok, false, "pcall")
    T.ok(b.isinstance(err, b.KeyboardInterrupt), "a KeyboardInterrupt")
    T.ok(tostring(err):find("KeyboardInterrupt", 1, true), "tostring names it")
end)

T.test("SIGINT while Python sleeps", function()
    local nap = python.eval("lambda: [time.sleep(10) for _ in iter(int, 1)]")
    sigint_soon()
    local t0 = clock()
    local ok, err = pcall(nap)
    T.eq(ok, false, "pcall")
    T.ok(b.isinstance(err, b.KeyboardInterrupt), "a KeyboardInterrupt")
    T.ok(clock() - t0 < 5, "the sleep was cut short")
end)

T.test("a signal.alarm handler's exception is the error value", function()
    python.execute("signal.signal(signal.SIGALRM, _ring); signal.setitimer(signal.ITIMER_REAL, 0.3)")
    local ok, err = pcall(python.execute, "while True: pass")
    python.execute("signal.signal(signal.SIGALRM, signal.SIG_DFL)")
    T.eq(ok, false, "pcall")
    T.ok(rawequal(err, python.eval("ring")), "the handler's own exception object")
end)

T.test("SIGINT in Lua code still stops the Lua code (lua.c's handler)", function()
    sigint_soon()
    local ok, err = pcall(function() while true do end end)
    T.eq(ok, false, "pcall")
    T.ok(tostring(err):find("interrupted", 1, true), "lua.c's error: " .. tostring(err))
    -- and Python code after it is still reachable by Ctrl-C
    sigint_soon()
    local ok2, err2 = pcall(python.execute, "while True: pass")
    T.eq(ok2, false, "pcall")
    T.ok(b.isinstance(err2, b.KeyboardInterrupt), "a KeyboardInterrupt")
end)

T.test("interrupt() on the host's runtime is a clear error", function()
    python.execute([[
import tandem
try:
    tandem.host_runtime().interrupt()
    _intr = "no error"
except tandem.LuaError as e:
    _intr = str(e)
]])
    T.ok(python.eval("_intr"):find("lua5.4 host", 1, true), python.eval("_intr"))
end)

python.execute("_guard.cancel()")
T.summary()
