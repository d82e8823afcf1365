"""python.sandbox{...}: a sandboxed Lua state for a lua5.4 host (docs/sandbox.md).

A Lua program that did ``require "tandem"`` calls ``python.sandbox{timeout=0.5,
...}`` and gets a host Lua table with ``eval``, ``execute``, ``call``, ``set``,
``get``, ``set_budget``, ``get_budget`` and ``close``. Behind it is a
``LuaRuntime(sandbox=Sandbox(...))``: the child state, its policy and budgets
are exactly the Python side's, only the options come from a Lua table.

Values cross by copy, so the script never holds anything of the host state:
the host's tables are copied into the child (and the child's tables into the
host's Lua on the way back), the host's functions reach the script as Python
callables (callable only: the policy denies their attributes) that copy their
arguments and results the same way, and the child's functions reach the host
as functions that run under the child's budget.
"""

from ._tandem import host_runtime, lua_type
from ._sandbox import Sandbox

# How deep a table copy may go (a cycle is kept as a cycle; a chain this deep
# is an error, not a crash).
MAX_DEPTH = 200

_WRAP_SRC = """
local sb, f, unpack = ...
return function(first, ...)
    local t
    if rawequal(first, sb) then t = f(...) else t = f(first, ...) end
    return unpack(t, 1, t.n)
end
"""

_OPTIONS = ("libs", "load", "max_instructions", "timeout", "max_memory", "max_string",
            "max_match", "allow", "items")


def _lua_list(t, what):
    if lua_type(t) != "table":
        return t
    out = []
    for i in range(1, len(t) + 1):
        v = t[i]
        if not isinstance(v, str):
            raise TypeError("%s must be a list of strings, not a %s" % (what, type(v).__name__))
        out.append(v)
    return out


def _policy(opts):
    if opts is None:
        return Sandbox()
    if lua_type(opts) != "table":
        raise TypeError("python.sandbox expects a table of options or nothing, not %s"
                        % (lua_type(opts) or type(opts).__name__))
    kw = {}
    for k, v in opts.items():
        if k not in _OPTIONS:
            raise TypeError("python.sandbox: unknown option %r (options: %s)"
                            % (k, ", ".join(_OPTIONS)))
        # a Lua table cannot hold nil: false means "no limit" (None)
        kw[k] = None if v is False and k not in ("load", "items") else v
    if "libs" in kw:
        kw["libs"] = _lua_list(kw["libs"], "libs")
    allow = kw.get("allow")
    if lua_type(allow) == "table":
        kw["allow"] = {cls: _lua_list(names, "allow's names") for cls, names in allow.items()}
    elif lua_type(allow) == "function":
        fn = allow
        kw["allow"] = lambda obj, name, setting: bool(fn(obj, name, setting))
    return Sandbox(**kw)


class _Copier:
    """Copies values between the host's Lua (host) and the sandbox's (child)."""

    def __init__(self, host, child):
        self.host = host
        self.child = child

    @staticmethod
    def _table(v, runtime, conv, memo, depth):
        """A copy of the table v in runtime, its keys and values through
        conv; cycles and shared tables are kept (memo)."""
        if memo is None:
            memo = {}
        key = id(v)
        if key in memo:
            return memo[key][1]
        if depth > MAX_DEPTH:
            raise ValueError("table nested deeper than %d levels" % MAX_DEPTH)
        out = runtime.table()
        memo[key] = (v, out)            # keep v alive: its id stays unique
        for k, val in v.items():
            out[conv(k, memo, depth + 1)] = conv(val, memo, depth + 1)
        return out

    def to_child(self, v, memo=None, depth=0):
        t = lua_type(v)
        if t is None:
            return v
        if t == "table":
            return self._table(v, self.child, self.to_child, memo, depth)
        if t == "function":
            fn = v
            return lambda *args: self._call(fn, args, self.to_host, self.to_child, True)
        raise TypeError("a Lua %s cannot be passed into the sandbox" % t)

    def to_host(self, v, memo=None, depth=0):
        t = lua_type(v)
        if t is None:
            return v
        if t == "table":
            return self._table(v, self.host, self.to_host, memo, depth)
        if t == "function":
            fn = v
            return self.results_fn(lambda *args: self._call(fn, args, self.to_child,
                                                             self.to_host, False),
                                   self.host.table())
        raise TypeError("a sandbox's Lua %s cannot be returned to the host" % t)

    @staticmethod
    def _call(fn, args, conv_in, conv_out, single):
        res = fn(*[conv_in(a) for a in args])
        if single:                      # into the sandbox: Lua gets one value
            if isinstance(res, tuple):
                return tuple(conv_out(r) for r in res)
            return conv_out(res)
        return res                      # into the host: packed by results_fn

    def pack(self, res):
        """A host table {n=..., ...} of the results of a call into the child."""
        t = self.host.table()
        if res is None:
            t["n"] = 0
            return t
        vals = res if isinstance(res, tuple) else (res,)
        for i, r in enumerate(vals):
            t[i + 1] = self.to_host(r)
        t["n"] = len(vals)
        return t

    def results_fn(self, fn, sb):
        """A host Lua function calling fn (results into the host, as Lua's
        multiple values); called as sb:name(...) or sb.name(...) (a first
        argument that is sb itself is dropped)."""
        make = self.host.execute(_WRAP_SRC, sb, lambda *a: self.pack(fn(*a)),
                                 self.host.eval("table.unpack"))
        return make


def sandbox(opts=None):
    """python.sandbox{...} in a lua5.4 host: a host table operating a new
    sandboxed LuaRuntime (module docstring)."""
    from ._tandem import LuaRuntime
    host = host_runtime()
    if host is None:
        raise RuntimeError("python.sandbox needs a Lua host (require \"tandem\" from lua5.4)")
    child = LuaRuntime(sandbox=_policy(opts))
    cp = _Copier(host, child)
    sb = host.table()

    def code_of(code):
        if isinstance(code, bytes):
            return code
        if not isinstance(code, str):
            raise TypeError("expected Lua source (a string), not %s" % type(code).__name__)
        return code

    def eval_(code, *args):
        return child.eval(code_of(code), *[cp.to_child(a) for a in args])

    def execute(code, *args):
        return child.execute(code_of(code), *[cp.to_child(a) for a in args])

    def call(name, *args):
        fn = child.globals()[name]
        if lua_type(fn) != "function":
            raise TypeError("the sandbox's global %r is not a function" % (name,))
        return fn(*[cp.to_child(a) for a in args])

    def set_(name, value):
        child.globals()[name] = cp.to_child(value)

    def get(name):
        return child.globals()[name]

    def set_budget(max_instructions=None, timeout=None):
        child.set_budget(max_instructions, timeout)

    def get_budget():
        return child.get_budget()

    def close():
        child.close()

    for name, fn in (("eval", eval_), ("execute", execute), ("call", call), ("set", set_),
                     ("get", get), ("set_budget", set_budget), ("get_budget", get_budget),
                     ("close", close)):
        sb[name] = cp.results_fn(fn, sb)
    sb["runtime"] = child
    return sb
