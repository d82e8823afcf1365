"""Typed float emission (adapters/lua/lxlate.c, float_expr / typed_fbinop).

Where the IR shows a float operand (a float literal, float(), `/`, a float
local: every assignment a float expression) and a number on the other side,
`+ - *`, the comparisons and unary `-` are Lua's own operators, `/` checks
its divisor inline. Each case runs natively and translated: value and type
(0.0 and -0.0 differ, NaN equals NaN), or exception type and message, are
CPython's; int operands beyond 2**53 and Python int objects past 64 bits
(an int local that overflowed) included. The generated source is checked
too: the typed cases must not call the helpers (else these tests would pass
without the typing they are about)."""
import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
def scale(n):
    s = 0.0
    x = 0.0
    for i in range(n):
        x = i * 0.5
        s = s + x * x - 1.5
    return s, x

def loop_aug(n):
    s = 0.0
    t = 1.0
    for i in range(n):
        s += i / 3
        t *= 1.0001
        s -= t
    return s, t

def mixed(k):
    x = float(k)
    y = x * 3
    z = 1 - y
    return y, z, -x, +x, x / 2, 3 / x, x // 2, x % 2, x ** 2, -0.0 * x, x - -1.0

def fdiv(k):
    x = float(k)
    y = 2.0
    return y / x, y / x

def boom():
    raise ValueError("boom")

def fdiv_order(k):
    x = float(k)
    return boom() / x

def fdiv_int(k):
    x = float(k)
    return x / 0

def fdiv_literal(k):
    x = float(k)
    return x / 4, x / 0.25, x / -2.0

def cmp(k):
    x = float(k)
    i = 9007199254740993
    return x < i, x == i, x > i, x != i, x <= 3, 3 >= x, x == x, x != x, 1.5 < x

def big_mix(k):
    x = float(k)
    i = 9007199254740993
    j = -9223372036854775807
    return i + x, x + i, i * x, i - x, x - i, j * x, x * j, j + 0.5

def overflowed(k):
    x = float(k)
    n = 4611686018427387904
    n = n * 4
    return n * x, n + x, x / n, x - n, n / 2

def too_big(k):
    x = float(k)
    n = 1000000000
    for _ in range(40):
        n = n * 1000000000
    return n * x

def specials(k):
    x = float(k)
    return x + 1, x - x, x * 0, x == x, x != x, x < 1.0, -x, x / 2, x * x

def neg_zero(k):
    x = float(k)
    return -x, x * -1, 0.0 - x, x - 0.0, x + 0.0, -0.0 + x, str(-x), repr(x * -0.0)

def mods(k):
    x = float(k)
    return x // 2, x % 2, x // -2, x % -2, -x % 3, x ** 2, x ** -1, x ** 3

def cond(k):
    x = float(k)
    y = x if x > 0 else -1.5
    return y * 2, abs(x) + 1, abs(-x) * 2

def gen(k):
    x = float(k)
    for i in range(3):
        yield x * i
        x = x / 2

def unbound(k):
    if k:
        x = 1.5
    return x * 2

def shared(k):
    x = float(k)
    def inner():
        return x * 2
    x = x + 1.0
    return inner()

def int_then_float(k):
    x = 5
    x = x / 2
    y = k
    y = y * 1.5
    return x, y

def not_a_float(k):
    x = 1.5
    x = k
    return x * 2.0

def idiv(k):
    m = 7
    for n in range(k - 1, k):
        m = m - 3
        return n / 7, 7 / n, n / m, m / n, n / -2, (n + 1) / 3, 1 / 3, -9007199254740993 / 3

def idiv_big(k):
    n = 9007199254740993
    m = 4611686018427387904
    m = m * 4
    return n / 3, n / k, k / n, m / 3, 3 / m, m / k

def eq_big(k):
    x = float(k)
    n = 4611686018427387904
    n = n * 256
    return n == x, n != x, x == n, x != n, n < x, x <= n, n > x, x >= n

def pow_big(k):
    x = float(k)
    return x ** 1000

def minus_zero(k):
    # Lua codes `x - 0` as x + (-0): a float -0.0 would become 0.0
    x = float(k)
    y = x - 0
    y -= 0
    return x - 0, y, x - -0, -0.0 - 0, x - 0.0, x + 0, 0 - x, x - 1 + 1
'''

NS = run_source(SRC, "<test_translate_floats>")

NUMS = [0, 1, -1, 3, 0.0, -0.0, 0.5, -2.5, 1e300, -1e-310, 2 ** 53 + 1, 2 ** 63 - 1,
        "nan", "inf", "-inf", "1e500", "-7.25"]

CASES = [
    ("scale", [0, 1, 10, 1000]),
    ("loop_aug", [0, 1, 100]),
    ("mixed", NUMS),
    ("fdiv", NUMS),
    ("fdiv_order", NUMS),
    ("fdiv_int", [0, 1.5, "nan"]),
    ("fdiv_literal", NUMS),
    ("cmp", NUMS + [9007199254740992, 9007199254740994]),
    ("big_mix", NUMS),
    ("overflowed", NUMS),
    ("too_big", [0, 1, 1.5, "nan"]),
    ("specials", NUMS),
    ("neg_zero", NUMS),
    ("mods", NUMS),
    ("cond", NUMS),
    ("unbound", [0, 1]),
    ("shared", NUMS),
    ("int_then_float", [0, 2, 2.5, "ab", [1]]),
    ("not_a_float", [0, 2, 2.5, "ab", [1], None, True]),
    ("pow_big", [0, 1, 1.5, -1.0, 0.5, "nan"]),
    ("minus_zero", NUMS),
    ("eq_big", [2.0 ** 70, 2 ** 70, 2.0 ** 70 + 2 ** 18, 1.5, "inf", "nan", -2.0 ** 70]),
    ("idiv", [0, 1, 2, -5, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2, 2 ** 53 + 3,
              -2 ** 53 + 1, 2 ** 62, -2 ** 63 + 2]),
    ("idiv_big", [1, 3, -7, 2 ** 53 + 3, 2 ** 63 - 1]),
]


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_float_arithmetic_against_cpython(lua, name, args):
    fn = NS[name]
    lf = lua.translate(fn)
    for a in args:
        check_outcome(outcome(fn, (a,)), outcome(lf, (a,)))


def test_generator_with_float_locals(lua):
    lf = lua.translate(NS["gen"])
    for a in NUMS:
        check_outcome(outcome(lambda k: list(NS["gen"](k)), (a,)),
                      outcome(lambda k: list(lf(k)), (a,)))


def body(fn):
    src = tandem.translated_source(fn)
    return src[src.index("BODY = function"):]


def test_typed_cases_use_lua_operators(lua):
    """The float cases above are typed: no helper on their float arithmetic."""
    for name in ("scale", "loop_aug", "fdiv", "fdiv_literal", "cmp", "specials"):
        lua.translate(NS[name])
    scale = body(NS["scale"])
    assert "(v_i * (0.5))" in scale and "((v_s + (v_x * v_x)) - (1.5))" in scale, scale
    assert "mul(" not in scale and "add(" not in scale and "sub(" not in scale, scale
    aug = body(NS["loop_aug"])
    assert ("(v_s + (v_i >= -9007199254740992 and v_i <= 9007199254740992 and v_i / 3 or "
            "truediv(v_i, 3)))") in aug and "(v_t * (1.0001))" in aug, aug
    assert "(v_s - v_t)" in aug, aug
    assert "(v_y / (v_x ~= 0 and v_x or throw(" in body(NS["fdiv"])
    lit = body(NS["fdiv_literal"])
    assert "(v_x / 4)" in lit and "truediv(" not in lit, lit
    cmp = body(NS["cmp"])
    assert "lt(" not in cmp and "(v_x == v_x)" in cmp and "(v_x ~= v_x)" in cmp, cmp
    # == of a float and an int local (which may hold a Python int past 64
    # bits, to which Lua's == of a number says false unasked): the helper
    assert "eq(v_x, v_i)" in cmp, cmp
    assert "(- v_x)" in body(NS["specials"])
    lua.translate(NS["idiv"])
    idiv = body(NS["idiv"])
    assert ("v_n >= -9007199254740992 and v_n <= 9007199254740992 and v_n / 7 or "
            "truediv(v_n, 7))") in idiv, idiv
    assert "(1 / 3)" in idiv, idiv


def test_untyped_cases_keep_the_helpers(lua):
    """A local that is not always a float, a parameter, a local shared with
    a closure: the helpers, which know every type."""
    for name in ("int_then_float", "not_a_float", "shared"):
        lua.translate(NS[name])
    assert "truediv(v_x, 2)" in body(NS["int_then_float"])
    assert "mul(v_y, (1.5))" in body(NS["int_then_float"])
    assert "mul(v_x, (2.0))" in body(NS["not_a_float"])


DIV_SRC = '''
def div(a, b):
    return a / b

def idiv_aug(a, b):
    a /= b
    return a
'''

DIV_NS = run_source(DIV_SRC, "<test_translate_floats_div>")

DIV_VALUES = [0, 1, -3, 7, 2 ** 53, 2 ** 53 + 1, -2 ** 53 - 1, 2 ** 63 - 1, -2 ** 63, 2 ** 70,
              0.0, -0.0, 2.5, -1e-310, 1e308, float("inf"), float("nan"), True, False, None,
              "a", [1]]


@pytest.mark.parametrize("name", ["div", "idiv_aug"])
def test_generic_division_against_cpython(lua, name):
    """`/` and `/=` on values of unknown type: the C fast path (lxfast.c
    f_truediv: two numbers with a non-zero divisor, two ints of at most 53
    bits) and the helper for the rest give CPython's values and errors."""
    import fractions
    fn = DIV_NS[name]
    lf = lua.translate(fn)
    values = DIV_VALUES + [fractions.Fraction(1, 3)]
    for a in values:
        for b in values:
            check_outcome(outcome(fn, (a, b)), outcome(lf, (a, b)))


PARAM_SRC = '''
def lerp(a, b, t):
    return a + (b - a) * t

def dist2(x1, y1, x2, y2):
    dx = x1 - x2
    dy = y1 - y2
    return dx * dx + dy * dy

def rebound(x, y):
    x = x * 2
    y = y - x / 3
    return x + y, x < y, x == y, -x, x / y

def not_float_param(x, y):
    x = len("ab")
    return x * y + y, y / x

def floor_ops(x, y):
    return x // y, x % y, x ** 2, x - y * 2

def cond(x, y):
    if x < y:
        z = x * y
    else:
        z = y - x
    return z + 0.5

def gen(x, y):
    for i in range(3):
        yield x * y + i
        x = x / 2

def outer(x):
    def inner(a, b):
        return a * b - x
    return inner(x, 2.5) + inner(1.5, x)
'''

PARAM_NS = run_source(PARAM_SRC, "<test_translate_floats_params>")

PARAM_VALUES = [0, 2, -3, 2 ** 53 + 1, 2 ** 63 - 1, 2 ** 64, 0.0, -0.0, 1.5, -2.25, 1e308,
                float("inf"), float("nan"), True, "x", None]


@pytest.mark.parametrize("name", ["lerp", "dist2", "rebound", "not_float_param", "floor_ops",
                                  "cond", "gen", "outer"])
def test_float_parameter_versions_against_cpython(lua, name):
    """Functions whose parameters are all floats on entry run their TF
    version (NUMK): every combination of ints, floats, specials, mixes and
    non-numbers gives CPython's value or error."""
    fn = PARAM_NS[name]
    lf = lua.translate(fn)
    nargs = fn.__code__.co_argcount
    if name == "gen":
        fn, lf = (lambda *a: list(PARAM_NS["gen"](*a))), (lambda *a, lf=lf: list(lf(*a)))
    vals = PARAM_VALUES if nargs <= 2 else [0.5, -1.0, 3, float("nan"), -0.0, "s"]
    import itertools
    for args in itertools.product(vals, repeat=nargs):
        check_outcome(outcome(fn, args), outcome(lf, args))


def test_float_parameter_versions_are_emitted(lua):
    for name in ("lerp", "dist2", "not_float_param"):
        lua.translate(PARAM_NS[name])
    lerp = body(PARAM_NS["lerp"])
    assert "T, TF = NUMK(v_a, v_b, v_t)" in lerp, lerp
    assert "elseif TF then do DEPTH = D - 1 return ((v_a + ((v_b - v_a) * v_t)))" in lerp, lerp
    d2 = body(PARAM_NS["dist2"])
    assert "elseif TF then v_dx = (v_x1 - v_x2) else" in d2, d2
    assert "if TF then do DEPTH = D - 1 return (((v_dx * v_dx) + (v_dy * v_dy)))" in d2, d2
    # x is rebound to an int: no float under TF, and nothing typed with it
    nf = body(PARAM_NS["not_float_param"])
    assert "if TF then" not in nf and "elseif TF then" not in nf, nf


LEAF_SRC = '''
def lerp(a, b, t):
    return a + (b - a) * t

def less(a, b):
    if a < b:
        return a - b
    return b * 2

def scaled(a, b):
    return a / 4 + b * 0.5 - 1e300 * 1e10

def lt2(a, b):
    if a < b:
        return a
    return b
'''

LEAF_NS = run_source(LEAF_SRC, "<test_translate_floats_leaf>")


def test_float_leaves_are_emitted(lua):
    for name in LEAF_NS:
        if not name.startswith("__"):
            lua.translate(LEAF_NS[name])
    src = {n: tandem.translated_source(LEAF_NS[n]) for n in ("lerp", "less", "scaled", "lt2")}
    # lerp's int version checks overflow (a call): a float leaf only
    assert "if not (LCHK2(3, ...) == 2 and DEPTH < MAXD)" in src["lerp"], src["lerp"]
    assert "LCHK2(2, ...) == 2" in src["less"], src["less"]
    # both leaves behind one check
    assert "local K = LCHK2(2, ...)" in src["lt2"] and "if K == 1 then" in src["lt2"], src["lt2"]
    assert "LCHK2(2, ...) == 2" in src["scaled"], src["scaled"]


@pytest.mark.parametrize("name", ["lerp", "less", "scaled", "lt2"])
def test_float_leaves_from_lua_against_cpython(lua, name):
    """Called from Lua (the leaf entry): ints, floats, mixes, wrong counts,
    non-numbers and a call at the recursion limit give what the Python
    function gives."""
    import itertools
    fn = LEAF_NS[name]
    lf = lua.translate(fn)
    call = lua.eval("function(f, ...) return pcall(f, ...) end")
    vals = [0, 3, -2, 0.5, -0.0, 2.5, 1e308, float("inf"), float("nan"), True, "x"]
    nargs = fn.__code__.co_argcount
    for args in itertools.product(vals, repeat=nargs):
        native = outcome(fn, args)
        ok, r = call(lf, *args)
        if native[0] == "ok":
            assert ok is True and (r == native[1] or (r != r and native[1] != native[1])), \
                (args, native, r)
            assert type(r) is type(native[1]), (args, native, r)
        else:
            assert ok is False, (args, native, r)
    for args in ((1.0,), (1.0, 2.0, 3.0, 4.0)):
        native = outcome(fn, args)
        assert native[0] == "raise"
        ok, r = call(lf, *args)
        assert ok is False


def test_float_leaf_at_the_recursion_limit(lua):
    """A leaf runs only while the depth counter has room: at the limit the
    general entry raises RecursionError, as CPython would."""
    lf = lua.translate(LEAF_NS["lerp"])
    deep = lua.eval('''function(f)
        local function go(n) if n == 0 then return f(1.0, 2.0, 0.5) end return go(n - 1) end
        return pcall(go, 10)
    end''')
    ok, r = deep(lf)
    assert ok is True and r == 1.5


RANGE_SRC = '''
def range_index_then_list(n):
    x = []
    for x in range(n):
        pass
    return x[0]

def range_index_then_float(n):
    x = 0.5
    for x in range(n):
        pass
    return x * 2, x / 2
'''

RANGE_NS = run_source(RANGE_SRC, "<test_translate_floats_range>")


@pytest.mark.parametrize("name", ["range_index_then_list", "range_index_then_float"])
def test_range_index_is_only_an_int(lua, name):
    """A `for` over range() rebinds its target to ints: a local also
    assigned a list display (or a float) is neither a list local nor a float
    local (the list case gave Lua's "attempt to index a number value")."""
    fn = RANGE_NS[name]
    lf = lua.translate(fn)
    for a in (0, 3):
        check_outcome(outcome(fn, (a,)), outcome(lf, (a,)))


POW_OVERFLOW_SRC = '''
def pow_caught(x, n):
    try:
        return x ** n
    except OverflowError as e:
        return repr(e), str(e), e.args

def pow_escapes(x, n):
    return pow(x, n)
'''

POW_OVERFLOW_NS = run_source(POW_OVERFLOW_SRC, "<test_translate_floats_pow_overflow>")


@pytest.mark.parametrize("args", [(1e300, 3), (-1e300, 3), (10.0, 400.0), (2.0, 1024)])
def test_float_pow_overflow_has_cpythons_args(lua, args):
    """A float `**` past the largest double raises OverflowError(34,
    'Numerical result out of range'): two arguments, as CPython's errno
    error (found by the fuzzer's statement grammar: the runtime raised it
    with the pair as one argument, so e.args and repr(e) differed)."""
    for name in ("pow_caught", "pow_escapes"):
        fn = POW_OVERFLOW_NS[name]
        lf = lua.translate(fn)
        check_outcome(outcome(fn, args), outcome(lf, args))
    try:
        lua.translate(POW_OVERFLOW_NS["pow_escapes"])(*args)
    except OverflowError as e:
        assert e.args == (34, "Numerical result out of range")
