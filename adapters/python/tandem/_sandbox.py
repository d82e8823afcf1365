"""tandem.Sandbox: the policy of a sandboxed LuaRuntime (docs/sandbox.md).

``LuaRuntime(sandbox=True)`` uses ``Sandbox()``; ``LuaRuntime(sandbox=
Sandbox(...))`` a policy of your own. The Lua side (libraries, load,
collectgarbage, budgets, caps) is applied in C (adapters/lua/lsandbox.c);
this class decides which attributes and items of the Python objects the
host passes in Lua code may reach: its ``getattr``/``setattr`` are the
runtime's attribute handlers, so every ``obj.name`` and ``obj[key]`` a
script writes on a Python object comes here.
"""

import types

DEFAULT_LIBS = ("string", "table", "math", "utf8", "coroutine", "os")

# Values a script never receives, whatever the policy allows: they lead to
# the interpreter's internals (modules, frames, code, classes and their
# __subclasses__), or are module-level functions such as os.system, eval,
# open and getattr.
_UNREACHABLE = (types.ModuleType, types.FrameType, types.CodeType,
                types.TracebackType, type, types.GeneratorType,
                types.CoroutineType, types.AsyncGeneratorType)

_CONTAINERS = (dict, list, tuple)


def _reachable(value):
    if isinstance(value, _UNREACHABLE):
        return False
    if isinstance(value, types.BuiltinFunctionType):
        owner = value.__self__
        # builtins.eval, os.system ...: bound to their module
        return owner is None or not isinstance(owner, types.ModuleType)
    return True


class Sandbox:
    """The policy of a sandboxed LuaRuntime.

    libs: Lua libraries kept (of string, table, math, utf8, coroutine, os,
        print); os keeps only time, clock, date and difftime.
    load: load() of text chunks (never binary) in the sandbox.
    max_instructions, timeout: the budget of each call (None: no limit);
        past it LuaTimeoutError.
    max_memory: Lua's memory limit in bytes (None: none).
    max_string: the largest single Lua allocation (a string, a table's part,
        a stack) in bytes.
    max_match: the most steps a pattern search may take at worst.
    allow: what scripts may read on the Python objects the host passes:
        None (nothing: objects can only be called, compared and printed),
        a mapping {type: names} (read those attributes of instances of the
        type), or a callable allow(obj, name, setting) -> bool (the only way
        to allow setting). Names starting with '_' are never reachable.
    items: read items of dicts, lists and tuples the host passes (obj[key]
        in Lua, Python's indexing).
    """

    def __init__(self, *, libs=DEFAULT_LIBS, load=True, max_instructions=100_000_000,
                 timeout=None, max_memory=64 << 20, max_string=16 << 20, max_match=1e8,
                 allow=None, items=False):
        self.libs = tuple(libs)
        for name in self.libs:
            if not isinstance(name, str):
                raise TypeError("Sandbox libs must be names (str), not %r" % (name,))
        self.load = bool(load)
        self.max_instructions = self._count("max_instructions", max_instructions)
        self.timeout = self._seconds(timeout)
        self.max_memory = self._count("max_memory", max_memory)
        self.max_string = self._count("max_string", max_string)
        self.max_match = float(max_match or 0)
        if self.max_match < 0:
            raise ValueError("max_match must not be negative")
        if allow is not None and not callable(allow) and not hasattr(allow, "items"):
            raise TypeError("allow must be None, a mapping {type: names} or a callable")
        if allow is not None and not callable(allow):
            allow = {t: frozenset([names] if isinstance(names, str) else names)
                     for t, names in allow.items()}
        self.allow = allow
        self.items = bool(items)

    @staticmethod
    def _count(what, v):
        if v is None:
            return 0
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError("%s must be a non-negative int or None, not %r" % (what, v))
        return v

    @staticmethod
    def _seconds(v):
        if v is None:
            return 0.0
        v = float(v)
        if not v >= 0:
            raise ValueError("timeout must be a non-negative number of seconds or None")
        return v

    def _c_policy(self):
        return (",".join(self.libs), self.load, self.max_instructions, self.max_memory,
                self.timeout, self.max_string, self.max_match)

    def __repr__(self):
        return ("Sandbox(libs=%r, load=%r, max_instructions=%r, timeout=%r, max_memory=%r, "
                "max_string=%r, max_match=%r, allow=%r, items=%r)"
                % (self.libs, self.load, self.max_instructions or None, self.timeout or None,
                   self.max_memory or None, self.max_string, self.max_match, self.allow,
                   self.items))

    # ---- attribute and item access from Lua ----------------------------------

    def allows(self, obj, name, setting=False):
        """True when Lua code may read (or, setting, write) obj.name."""
        if not isinstance(name, str) or name.startswith("_"):
            return False
        allow = self.allow
        if allow is None:
            return False
        if callable(allow):
            return bool(allow(obj, name, setting))
        if setting:
            return False
        for t, names in allow.items():
            if isinstance(obj, t) and name in names:
                return True
        return False

    @staticmethod
    def _denied(obj, name):
        return AttributeError("%r of a %s object is not reachable from the sandbox"
                              % (name, type(obj).__name__))

    def getattr(self, obj, name):
        if self.items and isinstance(obj, _CONTAINERS) and not (
                isinstance(name, str) and name.startswith("_")):
            try:
                value = obj[name]
            except (KeyError, IndexError, TypeError) as e:
                raise LookupError("no item %r" % (name,)) from e
        elif self.allows(obj, name):
            value = getattr(obj, name)
        else:
            raise self._denied(obj, name)
        if not _reachable(value):
            raise AttributeError("%r of a %s object is a %s, which the sandbox never hands "
                                 "to Lua" % (name, type(obj).__name__, type(value).__name__))
        return value

    def setattr(self, obj, name, value):
        if not self.allows(obj, name, True):
            raise AttributeError("%r of a %s object cannot be set from the sandbox"
                                 % (name, type(obj).__name__))
        setattr(obj, name, value)


class Budget:
    """``with lua.budget(max_instructions=..., timeout=...):`` — the budget
    of the calls into Lua inside the block; the previous one after it."""

    def __init__(self, lua, max_instructions=None, timeout=None):
        self.lua = lua
        self.new = (max_instructions, timeout)
        self.old = None

    def __enter__(self):
        self.old = self.lua.get_budget()
        self.lua.set_budget(*self.new)
        return self.lua

    def __exit__(self, *exc):
        if not self.lua.closed:
            self.lua.set_budget(*self.old)
        return False
