"""Finalized userdata in a runtime created from Python (lupa's side).

A Lua finalizer can resurrect a userdata whose __gc already ran: every later
use must raise a clean Lua error ("deleted python object", "cdata already
freed"), never crash. debug.getmetatable(o).__gc(o), called from Lua code,
finalizes nothing and a second __gc is harmless. The cases are tables: every
userdata kind x every metamethod its metatable has (found with pairs, so a
new metamethod is covered without editing this file) x the helpers that take
an object. Everything runs in one child
interpreter, which reports a line per case: a crash fails the cases it did
not reach instead of killing the suite.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

CHILD = r'''
import json, sys
import tandem

lua = tandem.LuaRuntime()
lua.execute("ffi = require 'tandem.ffi'; ffi.cdef('int abs(int);')")

class X:
    def __call__(self, *args):
        return None

def report(case, err):
    print(json.dumps([case, err]), flush=True)

# kind -> (Lua expression making a fresh object from `arg`, its original or
# nil, expected message); `arg` is the Python object handed in
KINDS = {
    "py_dict": ("arg", "nil", "deleted python object"),
    "py_callable": ("arg", "nil", "deleted python object"),
    "py_list": ("arg", "nil", "deleted python object"),
    "py_attr_view": ("python.as_attrgetter(arg)", "arg", "deleted python object"),
    "py_item_view": ("python.as_itemgetter(arg)", "arg", "deleted python object"),
    "cd_array": ("ffi.new('int[2]', 1, 2)", "nil", "cdata already freed"),
    "cd_function": ("ffi.cast('int (*)(int)', ffi.C.abs)", "nil", "cdata already freed"),
    "cd_callback": ("ffi.cast('int (*)(int)', function(x) return x end)", "nil",
                    "cdata already freed"),
}
ARGS = {"py_dict": lambda: {"a": 1}, "py_callable": X, "py_list": lambda: [1, 2],
        "py_attr_view": lambda: [1, 2], "py_item_view": lambda: {1: 2}}

# a finalized object: resurrected by a Lua finalizer after its __gc ran
FINALIZE = lua.eval(r"""
function(how, make, arg)
    assert(how == "resurrect")
    local saved
    local box = {arg}
    arg = nil               -- only the planted table holds the object
    local function plant()
        local o = make(table.remove(box))
        setmetatable({o = o}, {__gc = function(t) saved = t.o end})
    end
    plant()
    collectgarbage()
    collectgarbage()
    assert(saved ~= nil, "finalizer did not run")
    return saved
end
""")

# every function of the metatable, called directly: [name, error or false]
METAMETHODS = lua.eval(r"""
function(o, fresh)
    local function res(ok, err) if ok then return false end return tostring(err) end
    local r = {}
    local mt = debug.getmetatable(o)
    for name, mm in pairs(mt) do
        if type(mm) == "function" then
            if name == "__gc" then
                local ok, err = pcall(mm, o)
                local ok2, err2 = pcall(mm, o)
                r[#r + 1] = {name, (ok and ok2) and "__gc ok" or tostring(err or err2)}
            else
                r[#r + 1] = {name, res(pcall(mm, o, 1, 1))}
                if name == "__eq" then
                    r[#r + 1] = {name .. " (second)", res(pcall(mm, fresh, o))}
                elseif name:match("^__[a-z]+$") and name ~= "__index" and name ~= "__newindex"
                        and name ~= "__call" and name ~= "__len" and name ~= "__tostring"
                        and name ~= "__unm" and name ~= "__bnot" then
                    r[#r + 1] = {name .. " (second)", res(pcall(mm, 1, o))}
                end
            end
        end
    end
    return r
end
""")

USES = lua.eval(r"""
function(o, f)
    local ok, err = pcall(f, o)
    if ok then return false end
    return tostring(err)
end
""")

# lupa's TestMissingReference: a Python function applied to the object
PY_FUNCS = {
    "str": lambda o: str(o),
    "getitem": lambda o: o[1],
    "itemgetter": lambda o: tandem.as_itemgetter(o)[1],
    "attrgetter": lambda o: tandem.as_attrgetter(o).items,
    "call": lambda o: o(),
    "print": print,
    "iter": iter,
    "enumerate": enumerate,
    "as_itemgetter": tandem.as_itemgetter,
    "as_attrgetter": tandem.as_attrgetter,
}
LUA_FUNCS = lua.eval(r"""{
    call = function(o) return o(1) end,
    index = function(o) return o[1] end,
    newindex = function(o) o[1] = 2 end,
    len = function(o) return #o end,
    tostring = function(o) return tostring(o) end,
    lt = function(o) return o < o end,
    as_attrgetter = function(o) return python.as_attrgetter(o) end,
    as_itemgetter = function(o) return python.as_itemgetter(o) end,
    as_function = function(o) return python.as_function(o) end,
    iter = function(o) return python.iter(o) end,
    eval_arg = function(o) return python.eval("lambda x: x")(o) end,
}""")

for kind in sys.argv[1:]:
    expr, orig, msg = KINDS[kind]
    make = lua.eval("function(arg) return %s, %s end" % (expr, orig))
    arg = ARGS.get(kind, lambda: None)
    # a __gc called from Lua code finalizes nothing (the object may be in use
    # below it): the object stays usable
    o = make(arg())[0]
    keep = lua.eval("function(o) local s = tostring(o) debug.getmetatable(o).__gc(o) "
                    "debug.getmetatable(o).__gc(o) return tostring(o) == s end")
    report([kind, "explicit", "keeps", "tostring"], "usable" if keep(o) else "broken")
    hows = ["resurrect"]
    for how in hows:
        o = FINALIZE(how, make, arg())
        fresh = make(arg())
        for pair in METAMETHODS(o, fresh[0] if isinstance(fresh, tuple) else fresh).values():
            report([kind, how, "mm", pair[1]], pair[2])
        for name, f in PY_FUNCS.items():
            report([kind, how, "py", name], USES(o, f))
        for name, f in LUA_FUNCS.items():
            report([kind, how, "lua", name], USES(o, f))
        # the dead object returned to Python: a Lua userdata; using it raises
        try:
            str(o)
            report([kind, how, "returned", "str"], False)
        except tandem.LuaError as e:
            report([kind, how, "returned", "str"], str(e))
        report([kind, how, "done", ""], "done")
lua.close()
'''

KIND_NAMES = ["py_dict", "py_callable", "py_list", "py_attr_view", "py_item_view",
              "cd_array", "cd_function", "cd_callback"]


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = {}
    for kind in KIND_NAMES:
        try:
            p = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD), kind],
                               capture_output=True, text=True, timeout=120, env=env)
            stdout, status, stderr = p.stdout, p.returncode, p.stderr
        except subprocess.TimeoutExpired as e:
            stdout, status, stderr = e.stdout or "", "timeout", ""
        cases = [json.loads(line) for line in stdout.splitlines() if line.startswith("[")]
        out[kind] = (cases, status, stderr[-2000:])
    return out


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_finalized_userdata_raise_cleanly(results, kind):
    cases, status, stderr = results[kind]
    assert status == 0, "child died (%s) after %d cases:\n%s" % (status, len(cases), stderr)
    msg = "deleted python object" if kind.startswith("py") else "cdata already freed"
    hows = {c[0][1] for c in cases if c[0][2] != "keeps"}
    assert hows == {"resurrect"}
    bad = []
    mms = set()
    for (k, how, where, name), err in cases:
        assert k == kind
        if where == "done":
            continue
        if where == "keeps":
            assert err == "usable"
            continue
        if where == "mm":
            mms.add(name)
        if name == "__gc":
            ok = err == "__gc ok"
        elif where == "py" and not kind.startswith("py"):
            ok = bool(err)      # a cdata into a Python function: any clean error
        elif where == "lua" and name == "lt" and kind.startswith("cd_") and "attempt" in str(err):
            ok = True
        elif where == "returned":
            ok = bool(err) and (msg in err or "attempt" in err or "userdata" in err)
        else:
            ok = bool(err) and msg in err
        if not ok:
            bad.append("%s %s %s: %r" % (how, where, name, err))
    assert not bad, "\n".join(bad)
    assert {"__gc", "__index", "__call", "__eq", "__tostring"} <= mms
    assert len([c for c in cases if c[0][2] == "done"]) == len(hows)


LUPA_CHILD = r"""
import tandem
lua = tandem.LuaRuntime()
test = lua.eval('''
function(obj, f)
    local t = { obj = obj }
    setmetatable(t, {__gc = function(t_) t = t_ end})
    obj = nil
    t = nil
    collectgarbage()
    assert(t ~= nil)
    assert(t.obj ~= nil)
    local ok, ret = pcall(f, t.obj)
    assert(not ok)
    assert(tostring(ret):find("deleted python object"))
end
''')

class X:
    def __call__(self, *args):
        return None

def assign(var):
    var = None

test({}, lambda o: str(o))
test({}, lambda o: o[1])
test({}, lambda o: tandem.as_itemgetter(o)[1])
test({}, lambda o: tandem.as_attrgetter(o).items)
test({}, lambda o: assign(o[1]))
test({}, lambda o: assign(tandem.as_itemgetter(o)[1]))
test(X(), lambda o: assign(tandem.as_attrgetter(o).a))
test(X(), lambda o: o())
for f in (print, iter, enumerate, tandem.as_itemgetter, tandem.as_attrgetter):
    test({}, f)
lua.close()
print("ok")
"""


def test_lupa_missing_reference():
    """lupa's TestMissingReference (test_fallbacks, test_functions)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    p = subprocess.run([sys.executable, "-c", LUPA_CHILD], capture_output=True, text=True,
                       timeout=120, env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.strip() == "ok"
