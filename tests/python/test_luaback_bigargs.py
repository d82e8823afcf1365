"""A Python int past 64 bits given to a translated Lua function: the bridge's
conversion (OverflowError, or the runtime's overflow_handler's value), in
every entry path. The entry's typed-parameter fast path (a parameter used
with an integer literal in + - *, or compared) took it as a Lua integer:
`n + 1` of 2**70 gave 1 where the bridge raises OverflowError, `n > 0`
True, a `for` from it ran no time."""

import decimal

import pytest

import tandem

EXPRS = ["n + 1", "n * 2", "n - 1", "n > 0", "tostring(n + 0)", "type(n), n",
         # (an int loop; a float from the handler is not counted past 2**53)
         "(function() local c = 0 if math.type(n) == 'integer' then "
         "for i = n, n + 2 do c = c + 1 end end return c end)()"]
ARGS = [2 ** 70, -2 ** 64, 2 ** 63, 2 ** 63 - 1, -2 ** 63, 5]


def _outcome(f, *args):
    try:
        return ("ok", f(*args))
    except Exception as e:      # OverflowError from the bridge, LuaError ...
        return ("raise", type(e).__name__, str(e).split("\n")[0])


@pytest.mark.parametrize("handler", [None, float, decimal.Decimal], ids=repr)
@pytest.mark.parametrize("expr", EXPRS)
def test_big_int_arguments(expr, handler):
    src = "return function(n, m) return %s end" % expr
    kw = {} if handler is None else {"overflow_handler": handler}
    native_rt, xl_rt = tandem.LuaRuntime(**kw), tandem.LuaRuntime(**kw)
    native = native_rt.execute(src)
    translated = xl_rt.translate(xl_rt.execute(src))
    for arg in ARGS:
        n, t = _outcome(native, arg, arg), _outcome(translated, arg, arg)
        if n[0] == "ok" and isinstance(n[1], tuple) and n[1][0] == "userdata":
            # a Decimal passed through: a Python object both ways
            assert t[0] == "ok" and t[1][0] == "userdata", (arg, n, t)
            continue
        assert t == n, arg
