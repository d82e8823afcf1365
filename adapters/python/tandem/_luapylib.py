"""The `python` module's helpers as translated Lua code runs them (issue 10,
docs/translation.md "The python module in translated code").

Natively `python.iter(l)` is a C iterator whose None items are
`python.none`, a userdata (so a None item does not end the `for` loop);
`python.as_attrgetter(o)` a userdata indexing o's attributes;
`python.as_function(o)` a Lua function; `python.eval(e)` evaluates in the
Python frame that called into Lua. Called through the bridge by translated
code, each lost its meaning: python.none crossed as None (nil), so a loop
stopped at the first None item; the views crossed as the objects they
wrap; eval ran in a frame of tandem's boundary. Boundary.to_lt gives
translated code the functions here instead of those C functions (found by
identity, as luart's standard library replaces Lua's), and `none()` is
the value translated code holds for python.none: the Python object of the
bridge's own python.none (a DEFAULT protocol wrapper of None, which the
bridge pushes as that very userdata), so its tostring, `==`, indexing and
passing to Lua are native, and it is None when it reaches Python.
"""

import builtins
import sys
from typing import Any, Callable, Dict

from . import _tandem
from .luart import _core as _lcore
from .luart import LuaTable, Multi
from .luart import _aux

_lcore.runtime_file(__file__)

# the views' helpers -> the protocol wrapper each makes
_VIEWS = {
    'as_attrgetter': _tandem.as_attrgetter, 'asattr': _tandem.as_attrgetter,
    'as_itemgetter': _tandem.as_itemgetter, 'asindx': _tandem.as_itemgetter,
    'asfunc': _tandem.as_function,
}
_ITERS = {'iter': 0, 'iterex': 1, 'enumerate': 2}


def none(bd: Any) -> Any:
    """Translated code's python.none for the runtime of Boundary bd: one
    object per runtime while it lives."""
    hit = bd.nonemark
    if hit[0] is None:
        hit[0] = bd.foreign(_tandem._as_object(None), bd.pyobject_cls)
    return hit[0]


_Wrapper = _tandem._PyProtocolWrapper


def unwrap(bd: Any, w: Any) -> Any:
    """The object a protocol wrapper stands for, as the bridge gives it to
    Python (a trip through Lua: the wrapper has no Python accessor)."""
    return bd.pycall_helpers()[7](w)


def functions(bd: Any) -> Dict[Any, Any]:
    """{the C function of the runtime's python module: translated code's},
    per runtime, made on first use (bd.pylibmap)."""
    m = bd.pylibmap
    if m[0] is not None:
        return m[0]
    try:
        found = bd.lua.execute(
            'local rawget, type = rawget, type\n'
            'local t = rawget(_ENV, "python")\n'
            'local p = rawget(_ENV, "package")\n'
            'p = type(p) == "table" and rawget(p, "loaded")\n'
            'p = type(p) == "table" and rawget(p, "python")\n'
            'if type(t) ~= "table" then t = p end\n'
            'if type(t) ~= "table" then return {} end\n'
            'local out, names = {}, {"iter", "iterex", "enumerate", "as_attrgetter", "asattr",\n'
            '    "as_itemgetter", "asindx", "asfunc", "as_function", "eval"}\n'
            'for i = 1, #names do\n'
            '  local f = rawget(t, names[i])\n'
            '  if type(f) == "function" then out[#out + 1] = {names[i], f} end\n'
            'end\n'
            'return out')
    except Exception:       # (a runtime whose base functions were removed)
        found = {}
    out: Dict[Any, Any] = {}
    for i in range(1, len(found) + 1):
        name, f = found[i][1], found[i][2]
        name = name if isinstance(name, str) else name.decode()
        if name in _ITERS:
            out[f] = _iter_fn(bd, f, _ITERS[name])
        elif name in _VIEWS:
            out[f] = _view_fn(bd, f, _VIEWS[name], name)
        elif name == 'as_function':
            out[f] = _asfn_fn(bd, f)
        elif name == 'eval':
            out[f] = _eval_fn(bd, _native(bd, f))
    m[0] = out
    return out


_FRAME_BUILTINS = ('eval', 'exec', 'locals', 'globals', 'vars', 'dir')


def is_frame_builtin(v: Any) -> bool:
    """v is a builtin whose answer depends on the calling Python frame."""
    return v.__self__ is builtins and v.__name__ in _FRAME_BUILTINS and \
        getattr(builtins, v.__name__) is v


def frame_builtin(bd: Any, v: Any) -> Any:
    """Translated code's view of eval, exec, locals, globals, vars or dir
    (a PyCallable, as natively a userdata): called from Lua natively they see
    the Python frame that called into Lua; called here, the nearest frame
    that is not translated code, luart or tandem's own. Per runtime."""
    m = bd.pylibmap
    if m[3] is None:
        m[3] = {}
    w = m[3].get(v.__name__)
    if w is None:
        w = m[3][v.__name__] = _running(
            bd, v, _in_frame(bd, v, bd.foreign(v, bd.pycallable_cls)))
    return w


def _running(bd: Any, o: Any, fn: Callable[..., Any]) -> Any:
    """A PyCallable of o (a userdata to translated code, o when it leaves)
    whose call runs fn instead of calling o through the bridge."""
    cls = _RUNNING.get(bd.pycallable_cls)
    if cls is None:
        cls = _RUNNING[bd.pycallable_cls] = type(
            'RunningCallable', (bd.pycallable_cls,),
            {'__slots__': ('run',), '__call__': lambda self, *args: self.run(*args)})
    w = cls(o, bd)
    w.run = fn
    return w


_RUNNING: Dict[Any, Any] = {}


def _caller_frame(bd: Any) -> Any:
    """The Python frame that called into Lua, as translated code sees it:
    the nearest that is not translated code, luart or tandem's own."""
    fr = sys._getframe(2)
    rt, chunks, own = _lcore._RTFILES, _lcore.CHUNKS, bd.own_dir
    while fr is not None:
        fn = fr.f_code.co_filename
        if fn not in rt and fn not in chunks and not fn.startswith(own):
            return fr
        fr = fr.f_back
    return None


def _in_frame(bd: Any, v: Any, native: Any) -> Callable[..., Any]:
    name = v.__name__
    nargs = 1 if name in ('eval', 'exec') else 0

    def call(*args: Any) -> Any:
        if len(args) != nargs:
            return native(*args)    # (explicit dicts or an object: no frame)
        fr = _caller_frame(bd)
        if fr is None:
            return native(*args)
        g, loc = fr.f_globals, fr.f_locals
        try:
            if nargs:
                a = bd.from_lt(args[0])
                r = v(a, g, loc)
            elif name == 'globals':
                r = g
            elif name == 'dir':
                r = sorted(loc)
            else:
                r = loc
        except Exception as e:
            bd.py_raised(e)
        if r.__class__ is tuple:
            return native.returned_as(r)
        return bd.pushed(r)
    _lcore.cfunc(call)
    return call


def eval_fn(bd: Any) -> Any:
    """Translated code's python.eval of a LuaRuntime, per runtime: natively
    the Python builtin _tandem._lua_eval, a userdata in Lua; here its
    PyCallable, whose call evaluates in the caller's frame."""
    m = bd.pylibmap
    if m[1] is None:
        m[1] = _running(bd, _tandem._lua_eval,
                        _eval_fn(bd, bd.foreign(_tandem._lua_eval, bd.pycallable_cls)))
    return m[1]


def _python_object(bd: Any, v: Any) -> Any:
    """The Python object translated code's v stands for when it is one
    (a PyObject/PyCallable), else _NOTOBJ."""
    if v.__class__ is bd.pyobject_cls or v.__class__ is bd.pycallable_cls:
        return v.__lua_proxy__
    return _NOTOBJ


_NOTOBJ = object()


def _checked(bd: Any, args: Any, name: str) -> Any:
    """The Python object of the first argument of python.<name>, or the
    native error: luaL_checkany's, or the helpers' "expected a foreign
    (Python) object" for a Lua value; _NOTOBJ for anything else (the native
    function decides)."""
    if not args:
        _aux.argerror(1, name, 'value expected')
    v = args[0]
    o = _python_object(bd, v)
    if o is not _NOTOBJ:
        return o
    c = v.__class__
    if v is None or c is bool or c is int or c is float or c is bytes or c is LuaTable \
            or _lcore.isfunc(v):
        _aux.argerror(1, name, 'expected a foreign (Python) object')
    return _NOTOBJ


def _native(bd: Any, f: Any) -> Callable[..., Any]:
    """The C function f called through the bridge (its own argument errors,
    and anything the Python versions leave to it)."""
    return bd.to_lt_bridged(f)


def _unpacks(bd: Any) -> bool:
    """Does the runtime unpack tuples Python gives Lua (unpack_returned_tuples)?
    Asked once: how many results Lua counts for a function returning (1, 2)."""
    m = bd.pylibmap
    if m[2] is None:
        r = bd.pycall_helpers()[0](lambda: (1, 2))
        m[2] = r.__class__ is tuple and r[0] == 2
    return m[2]


def _iter_fn(bd: Any, f: Any, mode: int) -> Callable[..., Any]:
    """python.iter (mode 0), iterex (1), enumerate (2): an iterator step
    giving what the C step (lpylib.c iter_step, pops.c's TDM_OP_NEXT) gives:
    a tuple item unpacked (iterex, or a runtime unpacking tuples) with a
    None first value python.none (not for enumerate); a None item python.none;
    no values (an empty tuple unpacked) ends the loop; enumerate's index
    first, a lone nil python.none."""
    native = _native(bd, f)
    nonemark = none(bd)
    pushed = bd.pushed
    name = ('iter', 'iterex', 'enumerate')[mode]

    def make(*args: Any) -> Any:
        if not args:
            _aux.argerror(1, name, 'value expected')
        o = _python_object(bd, args[0])
        if o is _NOTOBJ or o.__class__ is _Wrapper:
            return native(*args)    # (a Lua value, a view: the native answer)
        start = _aux.optint(args[1], 2, 'enumerate', 0) if mode == 2 and len(args) > 1 \
            else 0
        try:
            it = iter(o)
        except Exception as e:
            bd.py_raised(e)
        unpack = mode == 1 or _unpacks(bd)
        count = [start]

        def step(*_: Any) -> Any:
            try:
                v = next(it)
            except StopIteration:
                return _lcore.NORES
            except Exception as e:
                bd.py_raised(e)
            if unpack and isinstance(v, tuple):
                r = [nonemark if j == 0 and mode != 2 and x is None else pushed(x)
                     for j, x in enumerate(v)]
                if not r:
                    return _lcore.NORES
            else:
                r = [nonemark if v is None else pushed(v)]
            if mode == 2:
                if len(r) == 1 and r[0] is None:
                    r = [nonemark]
                i = count[0]
                count[0] = i + 1
                return Multi([i] + r)
            return r[0] if len(r) == 1 else Multi(r)
        _lcore.cfunc(step)
        return step
    _lcore.cfunc(make)
    return make


def _view_fn(bd: Any, f: Any, wrap: Any, name: str) -> Callable[..., Any]:
    native = _native(bd, f)
    cls = bd.pycallable_cls if name == 'asfunc' else bd.pyobject_cls

    def view(*args: Any) -> Any:
        o = _checked(bd, args, name)
        if o is _NOTOBJ or o.__class__ is _Wrapper:
            return native(*args)
        return bd.foreign(wrap(o), cls)
    _lcore.cfunc(view)
    return view


def _asfn_fn(bd: Any, f: Any) -> Callable[..., Any]:
    native = _native(bd, f)

    def as_function(*args: Any) -> Any:
        o = _checked(bd, args, 'as_function')
        if o is _NOTOBJ or o.__class__ is _Wrapper:
            return native(*args)
        w = bd.foreign(o, bd.pycallable_cls)

        def call(*a: Any) -> Any:
            # (an object that is not callable: the bridge's call, its TypeError)
            return w(*a) if callable(w) else w.bridged_call(a)
        # leaving translated code it is o again, as natively (from_lt)
        call.__lua_proxy__ = o      # type: ignore[attr-defined]
        return call
    _lcore.cfunc(as_function)
    return as_function


def _eval_fn(bd: Any, native: Any) -> Callable[..., Any]:
    def py_eval(*args: Any) -> Any:
        if len(args) != 1 or args[0].__class__ is not bytes:
            return native(*args)    # (its errors)
        text = args[0].decode('utf-8', 'replace')
        fr = _caller_frame(bd)
        if fr is None:
            return native(*args)    # no Python frame: __main__, as natively
        g, loc = fr.f_globals, fr.f_locals
        try:
            if '\0' in text:
                raise ValueError("source code string cannot contain null bytes")
            code = compile(text.lstrip(' \t'), '<lua>', 'eval')
            r = eval(code, g, loc)
        except Exception as e:
            bd.py_raised(e)
        if r.__class__ is tuple:
            return bd.foreign(py_eval, bd.pycallable_cls).returned_as(r)
        return bd.pushed(r)
    _lcore.cfunc(py_eval)
    return py_eval
