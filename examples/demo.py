"""A tour of the bridge: Lua 5.4 and CPython in one process (`make demo`
runs the tandem REPL instead: docs/repl.md).

    PYTHONPATH=build/python /usr/bin/python3 examples/demo.py

At the prompt, lines run in Lua; ':py' switches to Python, ':lua' back, ':q' quits.
In Lua, `python` is the helper table; in Python, `lua` is the runtime.
"""
import os
import sys
import traceback

here = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
sys.path.insert(0, os.path.join(here, "..", build, "python"))

import tandem  # noqa: E402


def show(title, code, runner):
    print("\n--- %s" % title)
    for line in code.strip("\n").splitlines():
        print("    " + line)
    result = runner(code)
    if result is not None:
        print("  => %r" % (result,))


def tour(lua):
    print("tandem %s: %s inside Python %s" % (
        tandem.__version__, lua.lua_implementation, sys.version.split()[0]))

    show("Lua calls a Python function", """
local json = python.import('json')
return json.dumps(python.eval('{"lua": [5, 4]}'))
""", lua.execute)

    add = lua.eval("function(a, b) return a + b end")
    print("\n--- Python calls a Lua function")
    print("    add = lua.eval('function(a, b) return a + b end')")
    print("  => add(40, 2) = %r" % add(40, 2))

    t = lua.eval("{}")
    same = lua.eval("function(x) return x end")(t)
    print("\n--- identity: a Lua table crossing twice is the same Python object")
    print("  => same(t) is t: %r" % (same is t))

    squares = lua.table_from([i * i for i in range(6)])
    print("\n--- tables: table_from and iteration")
    print("  => list(squares.values()) = %r" % list(squares.values()))

    gen = lua.eval("function(n) for i = 1, n do coroutine.yield(i * 10) end end").coroutine(3)
    print("\n--- a Lua coroutine is a Python generator")
    print("  => list(gen) = %r" % list(gen))

    print("\n--- a Lua error shows its Lua frames in the Python traceback")
    lua.execute("function inner() error('boom') end\nfunction outer() inner() end")
    try:
        lua.eval("outer")()
    except tandem.LuaError:
        traceback.print_exc(limit=-4, file=sys.stdout)


def repl(lua):
    mode = "lua"
    env = {"lua": lua, "tandem": tandem}
    print("\nInteractive: Lua lines run in Lua (`python` is there); ':py' / ':lua' switch, ':q' quits.")
    while True:
        try:
            line = input("%s> " % mode)
        except EOFError:
            print()
            return
        if line.strip() in (":q", ":quit"):
            return
        if line.strip() in (":py", ":lua"):
            mode = line.strip()[1:]
            continue
        try:
            if mode == "lua":
                try:
                    res = lua.eval(line)
                except tandem.LuaSyntaxError:
                    res = lua.execute(line)
                if res is not None:
                    print(repr(res))
            else:
                try:
                    res = eval(line, env)
                    if res is not None:
                        print(repr(res))
                except SyntaxError:
                    exec(line, env)
        except Exception:
            traceback.print_exc()


def main():
    lua = tandem.LuaRuntime()
    tour(lua)
    if sys.stdin.isatty():
        repl(lua)


if __name__ == "__main__":
    main()
