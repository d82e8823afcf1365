"""The Python back end of the Lua -> Python translation (issue 10).

Reads the Lua dialect of the IR (issue 10's LUA_IR.md contract, docs/translation.md "Lua ->
Python"), emits readable Python source running on tandem.luart, and compiles
it so that every statement's line number is the Lua line it came from (the
AST is re-lined before compile(): the source stays readable, one statement a
line with a `# lua N` comment, while frames report Lua lines, which is what
luart's error positions read).
"""

import ast
import itertools
import math
import re
import types
from typing import Any, Dict, List, Optional, Set, Tuple

from . import luart
from .luart import _core as _lcore
from .luart import LuaTable
from .luart import lemit as _lemit

_core_rt = _lcore.runtime_file
_core_rt(__file__)


from ._translate import TranslationError  # noqa: E402  (tandem.TranslationError)

# yielded values rendered as plain names (a local of the generator's frame, or
# a constant) or integer literals, separated as arglist separates them: what
# no code can change between a yield and its resume
_PLAIN_ARGS = re.compile(r'(?:(?:[A-Za-z_]\w*|-?\d+)(?:, (?:[A-Za-z_]\w*|-?\d+))*)?\Z')


# a `..` chain of this many operands or more is one call (lemit._concatv)
_CONCAT_FLAT = 6


def _te(chunk: str, line: int, what: str) -> TranslationError:
    return TranslationError("%s:%d: %s" % (chunk, line, what))


# ------------------------------------------------------------------ reader

class Sym(str):
    """An IR symbol (strings are bytes, so a str subclass marks symbols)."""


def read_ir(text: str) -> Any:
    """The S-expression of an IR text: lists, Sym, int, float, bytes."""
    pos = 0
    n = len(text)
    stack: List[List[Any]] = [[]]
    while pos < n:
        c = text[pos]
        if c in ' \t\r\n':
            pos += 1
        elif c == ';':
            while pos < n and text[pos] != '\n':
                pos += 1
        elif c == '(':
            stack.append([])
            pos += 1
        elif c == ')':
            if len(stack) < 2:
                raise TranslationError("IR: unbalanced ')' at offset %d" % pos)
            lst = stack.pop()
            stack[-1].append(lst)
            pos += 1
        elif c == '"':
            pos += 1
            out = bytearray()
            while True:
                if pos >= n:
                    raise TranslationError("IR: unfinished string")
                c = text[pos]
                if c == '"':
                    pos += 1
                    break
                if c == '\\':
                    e = text[pos + 1]
                    if e == 'x':
                        out.append(int(text[pos + 2:pos + 4], 16))
                        pos += 4
                        continue
                    out.append(ord({'n': '\n', 't': '\t', 'r': '\r'}.get(e, e)))
                    pos += 2
                    continue
                out.extend(c.encode('utf-8'))
                pos += 1
            stack[-1].append(bytes(out))
        else:
            start = pos
            while pos < n and text[pos] not in ' \t\r\n()";':
                pos += 1
            tok = text[start:pos]
            try:
                stack[-1].append(int(tok))
            except ValueError:
                if tok in ('inf', '-inf', 'nan') or any(ch.isdigit() for ch in tok[:2]):
                    try:
                        stack[-1].append(float(tok))
                        continue
                    except ValueError:
                        pass
                stack[-1].append(Sym(tok))
    if len(stack) != 1 or len(stack[0]) != 1:
        raise TranslationError("IR: unbalanced parentheses")
    tree = stack[0][0]
    _name_lists(tree)
    return tree


class NameList(tuple):
    """The names a `local` or generic `for` binds: a tuple, so that no walk
    over the tree (`isinstance(n, list)`) takes `local call, x` for a node
    `(call x)`."""


def _name_lists(tree: Any) -> None:
    todo = [tree]
    while todo:
        n = todo.pop()
        if n and isinstance(n[0], Sym) and n[0] in ('local', 'forin') and len(n) > 2 \
                and isinstance(n[1], int) and isinstance(n[2], list):
            n[2] = NameList(n[2])
        todo.extend(c for c in n if isinstance(c, list))


def _mname(n: Any) -> bytes:
    """A method name: a string or a symbol in the IR (a trailing __0 is the
    front end's escape, docs/lua-ir.md)."""
    return n if isinstance(n, bytes) else _gname(str(n)).encode()


def _gname(n: str) -> str:
    """The Lua name of a global: the front end appends __0 to names the IR
    reader would misread (`_`, `inf`, `nan`, names ending in __DIGITS)."""
    return n[:-3] if n.endswith('__0') else n


def _luaname(irname: str) -> str:
    """The Lua name of an IR local: renamed locals end in __DIGITS."""
    i = irname.rfind('__')
    if i > 0 and irname[i + 2:].isdigit():
        return irname[:i]
    return irname


# ------------------------------------------------------------------ emitter

MULTI = ('call', 'method', 'vararg')
# standard functions that never yield (docs/translation.md "Coroutines")
# (not pairs: Lua 5.4 calls __pairs with lua_callk, so it may yield)
_BASE_NY = frozenset(('assert', 'error', 'getmetatable', 'ipairs', 'next', 'print',
                      'rawequal', 'rawget', 'rawlen', 'rawset', 'select', 'setmetatable',
                      'tonumber', 'tostring', 'type', 'unpack', 'collectgarbage', 'load',
                      'require'))
# the standard base functions the privacy analysis knows (pairs of a table
# made here has no __pairs: it cannot yield there)
_BASE_STD = _BASE_NY | {'pairs'}
_LIB_NY = frozenset(('string', 'table', 'math', 'utf8', 'os', 'io'))
_CO_NY = frozenset((b'create', b'resume', b'wrap', b'status', b'running', b'isyieldable',
                    b'close'))
_CMP = {'lt': '<', 'le': '<=', 'gt': '>', 'ge': '>='}
def _shl(x: int, y: int) -> int:
    if y <= -64 or y >= 64:
        return 0
    x &= 0xFFFFFFFFFFFFFFFF
    return x << y if y >= 0 else x >> -y


_IFOLD = {'add': lambda a, b: a + b, 'sub': lambda a, b: a - b, 'mul': lambda a, b: a * b,
          'idiv': lambda a, b: a // b if b else None, 'mod': lambda a, b: a % b if b else None,
          'band': lambda a, b: a & b, 'bor': lambda a, b: a | b, 'bxor': lambda a, b: a ^ b,
          'shl': _shl, 'shr': lambda a, b: _shl(a, -b)}


def _kfold(e: Any) -> Any:
    """The number a constant expression folds to in Lua's code generator
    (constfolding: number literals and the arithmetic and bitwise operators
    on them; no division or modulo by zero, bitwise operands must be
    integral, a NaN or zero float result is not folded), else None."""
    k = str(e[0])
    if k == 'int':
        return int(e[1])
    if k == 'float':
        return float(e[1])
    if (k == 'and' and _ktruth(e[1]) is True) or (k == 'or' and _ktruth(e[1]) is False):
        return _kfold(e[2])
    if k == 'lun' and str(e[1]) in ('unm', 'bnot'):
        a = _kfold(e[2])
        if a is None:
            return None
        if str(e[1]) == 'bnot':
            return _ifold(e) if a.__class__ is int or float(a).is_integer() else None
        r = _lcore.wrap(-a) if a.__class__ is int else -a
    elif k == 'lbin' and str(e[1]) in ('add', 'sub', 'mul', 'div', 'mod', 'pow', 'idiv',
                                       'band', 'bor', 'bxor', 'shl', 'shr'):
        op = str(e[1])
        a, b = _kfold(e[2]), _kfold(e[3])
        if a is None or b is None:
            return None
        if op in ('div', 'mod', 'idiv') and b == 0:
            return None
        if op in _IFOLD and op not in ('add', 'sub', 'mul', 'idiv', 'mod'):
            return _ifold(e) if a.__class__ is int and b.__class__ is int else None
        try:
            if a.__class__ is int and b.__class__ is int and op in _IFOLD:
                r = _lcore.wrap(_IFOLD[op](a, b))
            elif op == 'div':
                r = a / b
            elif op == 'pow':
                r = float(a) ** float(b)
            elif op == 'idiv':
                r = float(a) // float(b)
            elif op == 'mod':
                r = math.fmod(a, b)
                if (r > 0 and b < 0) or (r < 0 and b != r and b > 0):
                    r += b
            else:
                r = {'add': lambda: float(a) + b, 'sub': lambda: float(a) - b,
                     'mul': lambda: float(a) * b}[op]()
        except (OverflowError, ZeroDivisionError, ValueError):
            return None
    else:
        return None
    if r.__class__ is float and (r != r or r == 0):
        return None
    return r


def _ktruth(e: Any) -> Optional[bool]:
    """True/False when e is a constant Lua's code generator tests at compile
    time (a literal, a folded number), so `e and x` / `e or x` is x with no
    jump around it; None otherwise."""
    k = str(e[0])
    if k in ('str', 'true') or _kfold(e) is not None:
        return True
    if k in ('nil', 'false'):
        return False
    if (k == 'and' and _ktruth(e[1]) is True) or (k == 'or' and _ktruth(e[1]) is False):
        return _ktruth(e[2])
    if k == 'lun' and str(e[1]) == 'not':
        t = _ktruth(e[2])       # lcode.c codenot: `not` of a constant is one
        return None if t is None else not t
    return None


def _ifold(e: Any) -> Optional[int]:
    """The integer an expression of integer literals folds to, as Lua's
    constfolding does (none when a divisor is 0), else None."""
    k = str(e[0])
    if k == 'int':
        return int(e[1])
    if (k == 'and' and _ktruth(e[1]) is True) or (k == 'or' and _ktruth(e[1]) is False):
        return _ifold(e[2])     # `nil or 0` is the constant 0 for Lua
    if k == 'lun' and str(e[1]) in ('unm', 'bnot'):
        a = _ifold(e[2])
        if a is None:
            return None
        return _lcore.wrap(-a if str(e[1]) == 'unm' else ~a)
    if k == 'lbin' and str(e[1]) in _IFOLD:
        a, b = _ifold(e[2]), _ifold(e[3])
        if a is None or b is None:
            return None
        r = _IFOLD[str(e[1])](a, b)
        return None if r is None else _lcore.wrap(r)
    return None


_ARITH = {'add': '+', 'sub': '-', 'mul': '*'}
_OPFN = {'add': 'add', 'sub': 'sub', 'mul': 'mul', 'div': 'div', 'mod': 'mod',
         'pow': 'pow', 'idiv': 'idiv', 'band': 'band', 'bor': 'bor', 'bxor': 'bxor',
         'shl': 'shl', 'shr': 'shr', 'concat': 'concat', 'eq': 'eq', 'ne': 'ne',
         'lt': 'lt', 'le': 'le', 'gt': 'gt', 'ge': 'ge'}


def _own_gotos(body: Any) -> set:
    """The labels the gotos of one function name (not those of nested
    functions: a goto never leaves its function)."""
    out = set()
    stack = [body]
    while stack:
        n = stack.pop()
        if isinstance(n, list) and n:
            if isinstance(n[0], Sym):
                if n[0] == 'func':
                    continue
                if n[0] == 'goto':
                    out.add(str(n[2]))
            stack.extend(n)
    return out


class _Func:
    def __init__(self, node: List[Any], parent: Optional['_Func']):
        self.node = node
        self.parent = parent
        self.name = str(node[1])
        self.line = node[2]
        sec = {}
        for part in node[3:]:
            if isinstance(part, list) and part and isinstance(part[0], Sym):
                sec[str(part[0])] = part
        self.params = [str(p) for p in sec['params'][1:]]
        self.vars = set(str(v) for v in sec['vars'][1:])
        self.cells = set(str(v) for v in sec['cells'][1:])
        self.free = [str(v) for v in sec['free'][1:]]
        self.vararg = 'vararg' in [str(f) for f in sec.get('flags', [None])[1:]]
        self.body = sec['block']
        self.consts: Dict[str, Any] = {}
        self.gen = False
        self.ints: set = set()
        self.private: set = set()     # locals only ever holding tables no other code sees
        self.targets = _own_gotos(self.body)   # labels its gotos name
        self.nums: set = set()      # locals known to be numbers (typed parameters)
        self.lower: Dict[str, int] = {}     # integer locals' known lower bounds, here
        self.fastix: frozenset = frozenset()    # (t, x): t[x] is in t's list (loop versioning)
        self.assigned = self._assigned()

    def _assigned(self) -> set:
        """The locals of this function some statement assigns (set)."""
        out: set = set()
        stack = [self.body]
        while stack:
            n = stack.pop()
            if isinstance(n, list) and n and isinstance(n[0], Sym):
                if n[0] == 'func':
                    continue
                if n[0] == 'set':
                    out.update(str(t[1]) for t in n[2] if isinstance(t, list) and t[:1] == ['local'])
            if isinstance(n, list):
                stack.extend(n)
        return out


_LOOPS = ('while', 'repeat', 'fornum', 'forin')


def _tail_self_call(e: Any, callees: List[Any], nparams: int) -> bool:
    """e is `f(args)`, f one of callees (the fixed upvalue holding the
    function itself, the global of its name), with one argument per
    parameter, none multi-valued; or `o:name(args)` (callees has
    ['method', name]) with o a variable, o and the arguments one per
    parameter."""
    if not isinstance(e, list) or not e or (nparams and isinstance(e[-1], list)
                                            and str(e[-1][0]) in MULTI):
        return False
    if str(e[0]) == 'method':
        return (['method', _mname(e[2])] in callees and len(e) - 2 == nparams
                and isinstance(e[1], list) and str(e[1][0]) in ('local', 'free'))
    return str(e[0]) == 'call' and e[1] in callees and len(e) - 2 == nparams


def _self_tail_calls(body: Any, callees: List[Any], nparams: int) -> bool:
    """The function body has a `return f(args)` (_tail_self_call) outside
    any loop, and no to-be-closed variable (a tail call after which a
    __close runs is no tail call in Lua)."""
    found = False
    stack = [(body, False)]
    while stack:
        n, in_loop = stack.pop()
        if not isinstance(n, list) or not n:
            continue
        if isinstance(n[0], Sym):
            h = str(n[0])
            if h == 'func':
                continue
            if h == 'local' and len(n) > 3 and isinstance(n[3], list) and n[3] \
                    and str(n[3][0]) == 'attribs' and 'close' in [str(a) for a in n[3][1:]]:
                return False        # (a statement; (local x) reads a local)
            if h == 'return' and len(n) == 3 and not in_loop \
                    and _tail_self_call(n[2], callees, nparams):
                found = True
            if h in _LOOPS:
                in_loop = True
        stack.extend((x, in_loop) for x in n)
    return found


def _returns_nothing(body: Any) -> bool:
    """No `return` of the function body (nested functions aside) has values."""
    stack = [body]
    while stack:
        n = stack.pop()
        if not isinstance(n, list) or not n:
            continue
        if isinstance(n[0], Sym):
            if n[0] == 'func':
                continue
            if n[0] == 'return' and len(n) > 2:
                return False
        stack.extend(n)
    return True


class Emitter:
    def __init__(self, chunk: str, top_free: List[str]):
        self.chunk = chunk
        self.top_free = top_free
        self.lines: List[Tuple[int, int, str]] = []   # (indent, lualine, text)
        self.tmp = itertools.count(1)
        self.fn: Optional[_Func] = None
        self.loops: List[Dict[str, Any]] = []
        self.gens: set = set()
        self.twins: set = set()
        self.factories: List[Tuple[int, int, str]] = []
        self.libcaches: List[str] = []
        self.proofs: Set[str] = set()   # caches a yield statement tests by their proof
        self.factory_names: Dict[int, str] = {}
        self.in_factory = 0     # id of the function a factory is emitting
        self.pending: List[Tuple[str, Any]] = []
        self.plain_defs: set = set()
        self.fixed_defs: set = set()    # local functions never assigned again
        self.def_target: Dict[int, Any] = {}    # id(func of a def statement) -> its target
        self.assigned_globals: set = set()
        self.mutated_libs: set = set()
        # from the module's (fixed ...) / (self ...) (docs/lua-ir.md): top
        # upvalues no Lua statement assigns (read once: _K<i>), and the one
        # holding the top function itself (its calls call it by name)
        self.fixed: set = set()
        self.self_name: Optional[str] = None
        self.top_pyname = ''
        self.self_single = False
        self.entry_twin = False     # also emit <top>_entry (the bridge's boundary)
        self.self_int: Tuple[str, ...] = ()   # the top's int-typed parameters, when its
        #   typed version provably returns an integer (self calls with integers are ints)
        self.boundary = False       # emitting that entry's body
        self.twin_name = ''         # the top's integer version (emit_int_twin), when it has one
        self.discard: Any = None    # the call of an expression statement being emitted
        # a yield statement's parts (exm: its site's cache, the sent value's
        # temporary, the yield's operand, the values for _yret, the generic
        # call), for the statement to emit as statements
        self.yield_parts: Optional[Tuple[str, str, str, str, str]] = None

    def out(self, ind: int, line: int, text: str) -> None:
        self.lines.append((ind, line, text))

    def t(self) -> str:
        return '_t%d' % next(self.tmp)

    # ---- variables
    def var(self, name: str) -> str:
        fn = self.fn
        assert fn is not None
        if name in fn.cells:
            return 'C_%s[0]' % name
        return 'L_%s' % name

    def free_ref(self, name: str) -> Tuple[str, Optional[str]]:
        """(expression reading free u, the cell expression or None for a top
        upvalue); index for a top upvalue in the second element form 'uv:i'."""
        fn = self.fn
        assert fn is not None
        if fn.parent is None:
            i = self.top_free.index(name)
            if name in self.fixed:
                return '_K%d' % i, 'uv:%d' % i
            return '_uv(%d)' % i, 'uv:%d' % i
        # nested: captured cell passed as keyword-only parameter U_name,
        # unless it resolves to a top upvalue
        f = fn.parent
        while f is not None:
            if name in f.cells:
                return 'U_%s[0]' % name, 'U_%s' % name
            if f.parent is None and name in self.top_free:
                i = self.top_free.index(name)
                if name in self.fixed:
                    return '_K%d' % i, 'uv:%d' % i
                return '_uv(%d)' % i, 'uv:%d' % i
            f = f.parent
        raise _te(self.chunk, fn.line, "free variable '%s' has no definition" % name)

    def desc(self, e: Any) -> Optional[str]:
        k = str(e[0])
        if k == 'local':
            nm = str(e[1])
            if self.fn is not None and nm in self.fn.consts:
                return "constant '%s'" % _luaname(nm)
            return "local '%s'" % _luaname(nm)
        if k == 'free':
            return "upvalue '%s'" % _luaname(str(e[1]))
        if k == 'global':
            return "global '%s'" % _gname(str(e[1]))
        if k == 'env':
            return "upvalue '_ENV'"
        if (k == 'and' and _ktruth(e[1]) is True) or (k == 'or' and _ktruth(e[1]) is False):
            return self.desc(e[2])      # folded away by Lua: the value is e[2]'s
        if k == 'index' and e[2][0] == 'str':
            # a field of a variable named _ENV is a global to Lua (ldebug.c gxf)
            t = e[1]
            env = str(t[0]) == 'env' or (str(t[0]) in ('local', 'free')
                                         and _luaname(str(t[1])) == '_ENV')
            return "%s '%s'" % ('global' if env else 'field',
                                e[2][1].split(b'\0', 1)[0].decode('latin-1'))
        if k == 'index':
            # Lua 5.4's getobjname: OP_GETI (an integer constant key 0..255,
            # MAXARG_C) is "integer index"; any other key is in a register
            # (OP_GETTABLE), named "?"
            kk = _ifold(e[2])
            if kk is not None and 0 <= kk <= 255:
                return "field 'integer index'"
            return "field '?'"
        if k in ('str',):
            return None
        return None

    # ---- expressions
    def multi(self, e: Any) -> bool:
        return isinstance(e, list) and str(e[0]) in MULTI

    def ex(self, e: Any) -> str:
        """One value of e."""
        k = str(e[0])
        if k in MULTI:
            if k == 'vararg':
                return '(VA[0] if VA else None)'
            if self.self_single and self.is_self_call(e):
                return self.exm(e)      # the function itself, always one result
            known = self.known_call(e)
            if known is not None:
                return known
            r = self.t()
            return '((%s[0] if %s else None) if (%s := %s).__class__ is Multi else %s)' % (
                r, r, r, self.exm(e), r)
        return self.ex1(e)

    def exm(self, e: Any) -> str:
        """e with all its values in the result convention (call/method)."""
        k = str(e[0])
        if k == 'call' and self.fn is not None and self.fn.gen and self.is_yield(e[1]):
            args = self.arglist(e[2:])
            ty = self.t()
            ya = self.t()
            # one integer is yielded bare (its consumers take an int for
            # the one value: lcoro.yvals, the fast generic for); anything
            # else as the tuple of the values
            bare = len(e) == 3 and not self.multi(e[2]) and self.is_int(e[2])
            # values that are plain locals or literals are not kept in a
            # temporary: nothing in this frame runs between the yield and
            # the resume, so _yret's copy of them is the same values
            plain = _PLAIN_ARGS.match(args) is not None
            if plain:
                yv = args if bare else '(%s)' % (args + ',' if args else '')
                yt = '(%s,)' % args if bare else yv
            else:
                yv = ('(%s := %s)' % (ya, args)) if bare else \
                    ('(%s := (%s))' % (ya, args + ',' if args else ''))
                yt = ('(%s,)' % ya) if bare else ya
            yr = ''
            if self.discard is e:     # a statement: what the resume passes is unused
                yr = self.t()
                # (a fast generic for sends None: one test)
                y = ('((%s := (yield %s)) is not None and %s.__class__ is _Foreign '
                     'and _yret(%s, %s))' % (yr, yv, yr, yr, yt))
            else:
                y = '_yret((yield %s), %s)' % (yv, yt)
            nc = len(self.libcaches)
            callee = self.ex(e[1])
            full = ('(%s if (%s := %s) is _co_yield else '
                    '(yield from _gcall(%s, %r%s)))' % (
                        y, ty, callee, ty, self.desc(e[1]),
                        ', ' + args if args else ''))
            if len(self.libcaches) == nc + 1:
                # coroutine.yield read from its site's cache: one test
                c = self.libcaches[nc]
                self.proofs.add(c)
                if yr:
                    # the statement emits it as statements (yield_stmt)
                    self.yield_parts = (c, yr, yv, yt, full)
                return '(%s if %s[2] else %s)' % (y, c, full)
            return full
        if k == 'call' and self.fn is not None and self.fn.gen \
                and not self.nonyield_callee(e[1]):
            args = self.arglist(e[2:])
            return '(yield from _gcall(%s, %r%s))' % (self.ex(e[1]), self.desc(e[1]),
                                                     ', ' + args if args else '')
        if k == 'method' and self.fn is not None and self.fn.gen:
            # the method is looked up before the arguments are evaluated (OP_SELF)
            to = self.t()
            o = self.ex(e[1])
            name = _mname(e[2])
            args = self.arglist(e[3:])
            return '(yield from _gcall((yield from _gmlook((%s := %s), %r, %r)), %r, %s%s))' % (
                to, o, name, self.desc(e[1]), "method '%s'" % name.decode('latin-1'), to,
                ', ' + args if args else '')
        if k == 'call' and self.is_self_call(e):
            if self.twin_name and len(e) - 2 == len(self.fn_params) \
                    and all(not self.multi(a) and self.is_int(a) for a in e[2:]):
                return '%s(%s)' % (self.twin_name, self.arglist(e[2:]))
            return '%s(%s)' % (self.top_pyname, self.arglist(e[2:]))
        if k == 'call':
            f = e[1]
            args = self.arglist(e[2:])
            tf = self.t()
            d = self.desc(f)
            return '(%s if (%s := %s).__class__ is FunctionType else _callable(%s, %r))(%s)' % (
                tf, tf, self.ex(f), tf, d, args)
        if k == 'method':
            # the method is looked up before the arguments are evaluated (OP_SELF)
            to = self.t()
            o = self.ex(e[1])
            name = _mname(e[2])
            args = self.arglist(e[3:])
            return '_invokef(_mlook((%s := %s), %r, %r), %r, %s%s)' % (
                to, o, name, self.desc(e[1]), name, to, ', ' + args if args else '')
        if k == 'vararg':
            return 'retv(VA)'
        raise AssertionError(k)

    # standard functions with one result, called directly when the callee's
    # value (read at the call, as always) is the library's function
    _KNOWN1 = {'tostring': 'lua_tostring', 'type': 'lua_type'}

    def known_call(self, e: Any) -> Optional[str]:
        """One value of a call of tostring/type: the library function itself
        (tostring of an integer inline) when the global still holds it, else
        the generic call."""
        sub = self.sub_call(e)
        if sub is not None:
            return sub
        if str(e[0]) != 'call' or self.fn is None or self.fn.gen or len(e) != 3 \
                or self.multi(e[2]) or not isinstance(e[1], list) or e[1][:1] != ['global']:
            return None
        py = self._KNOWN1.get(_gname(str(e[1][1])))
        if py is None:
            return None
        arg = self.ex(e[2])
        tf, r = self.t(), self.t()
        fast = '%s(%s)' % (py, arg)
        if py == 'lua_tostring' and self.is_int(e[2]):
            fast = "(b'%%d' %% %s)" % arg
        generic = ('((%s[0] if %s else None) if (%s := (%s if (%s := %s).__class__ is '
                   'FunctionType else _callable(%s, %r))(%s)).__class__ is Multi else %s)' % (
                       r, r, r, tf, tf, self.ex(e[1]), tf, self.desc(e[1]), arg, r))
        # the global table's own field holding the library's function is what
        # reading the global gives; anything else takes the generic call
        return '(%s if _ENVget(%r) is %s else %s)' % (
            fast, _gname(str(e[1][1])).encode(), py, generic)

    def sub_call(self, e: Any) -> Optional[str]:
        """One value of string.sub(s, i [, j]) outside a generator body: when
        the site's cache holds luart's str_sub, the arguments are evaluated
        and, s a string, i an integer >= 1 and j an integer >= 0 (or absent),
        the slice s[i - 1:j] (what Lua's sub is for those), else str_sub
        itself; another value of string.sub takes the generic call (callee
        read first, then the arguments, as in Lua)."""
        if str(e[0]) != 'call' or self.fn is None or self.fn.gen or len(e) not in (4, 5) \
                or not isinstance(e[1], list) or str(e[1][0]) != 'index' \
                or e[1][1][:1] != ['global'] or _gname(str(e[1][1][1])) != 'string' \
                or str(e[1][2][0]) != 'str' or bytes(e[1][2][1]) != b'sub' \
                or self.multi(e[-1]):
            return None
        vals = [self.ex(a) for a in e[2:]]
        nc = len(self.libcaches)
        callee = self.ex(e[1])
        if len(self.libcaches) != nc + 1:
            return None
        c = self.libcaches[nc]
        ts = [self.t() for _ in vals]
        binds = ', '.join('(%s := %s)' % (t, v) for t, v in zip(ts, vals))
        conds = '%s.__class__ is bytes and %s.__class__ is int and %s >= 1' % (ts[0], ts[1], ts[1])
        if len(ts) == 3:
            conds += ' and %s.__class__ is int and %s >= 0' % (ts[2], ts[2])
            sl = '%s[%s - 1:%s]' % (ts[0], ts[1], ts[2])
        else:
            sl = '%s[%s - 1:]' % (ts[0], ts[1])
        tf, r = self.t(), self.t()
        generic = ('((%s[0] if %s else None) if (%s := (%s if (%s := %s).__class__ is '
                   'FunctionType else _callable(%s, %r))(%s)).__class__ is Multi else %s)' % (
                       r, r, r, tf, tf, callee, tf, self.desc(e[1]), ', '.join(vals), r))
        fast = '(%s if (%s) and %s else _str_sub(%s))' % (sl, binds, conds, ', '.join(ts))
        return '(%s if %s[0] is _EP[0] and %s[1] is _str_sub else %s)' % (fast, c, c, generic)

    def is_self_call(self, e: Any) -> bool:
        """A call of the top function through its fixed upvalue, outside a
        generator body, the function itself never yielding (it may have a
        coroutine twin: the plain version's calls are plain calls anyway)."""
        return (self.self_name is not None and str(e[0]) == 'call'
                and e[1] == ['free', self.self_name] and self.fn is not None
                and not self.fn.gen and id(self.top_node) not in self.gens
                and self.free_ref(self.self_name)[0].startswith('_K'))

    def allvals(self, e: Any) -> str:
        """A starred-able expression of all values of a multi expression."""
        if str(e[0]) == 'vararg':
            return 'VA'
        return 'allv(%s)' % self.exm(e)

    def arglist(self, es: List[Any]) -> str:
        parts = []
        for i, a in enumerate(es):
            if i == len(es) - 1 and self.multi(a):
                parts.append('*' + self.allvals(a))
            else:
                parts.append(self.ex(a))
        return ', '.join(parts)

    def tuple_of(self, es: List[Any]) -> str:
        a = self.arglist(es)
        if not es:
            return '()'
        return '(%s,)' % a

    def truth(self, e: Any) -> str:
        """A Python bool expression: e is neither nil nor false."""
        k = str(e[0])
        if k == 'lbin' and str(e[1]) in ('eq', 'ne', 'lt', 'le', 'gt', 'ge'):
            return self.ex1(e)
        if k == 'lun' and str(e[1]) == 'not':
            return 'not (%s)' % self.truth(e[2])
        if k in ('true',):
            return 'True'
        if k in ('false', 'nil'):
            return 'False'
        if k == 'and':
            return '(%s and %s)' % (self.truth(e[1]), self.truth(e[2]))
        if k == 'or':
            return '(%s or %s)' % (self.truth(e[1]), self.truth(e[2]))
        t = self.t()
        return '((%s := %s) is not None and %s is not False)' % (t, self.ex(e), t)

    def ex1(self, e: Any) -> str:
        k = str(e[0])
        if k == 'nil':
            return 'None'
        if k == 'true':
            return 'True'
        if k == 'false':
            return 'False'
        if k == 'int':
            return repr(int(e[1]))
        if k == 'float':
            f = float(e[1])
            if f != f:
                return '_NAN'
            if f in (float('inf'), float('-inf')):
                return '_INF' if f > 0 else '(-_INF)'
            return repr(f)
        if k == 'str':
            return repr(bytes(e[1]))
        if k == 'local':
            return self.var(str(e[1]))
        if k == 'free':
            return self.free_ref(str(e[1]))[0]
        if k == 'env':
            return '_ENV'       # the chunk's _ENV: the global table
        if k == 'global':
            # the global table's own field, else index() (its __index)
            key = _gname(str(e[1])).encode()
            v = self.t()
            return "(%s if (%s := _ENVget(%r)) is not None else _ENVmiss(%r))" % (
                v, v, key, key)
        if k == 'paren':
            return self.ex(e[1])
        if k == 'index' and self.is_private(e[1]):
            return self.private_get(self.ex(e[1]), e[2])
        if k == 'index':
            o = self.ex(e[1])
            d = self.desc(e[1])
            t, v = self.t(), self.t()
            kk = e[2]
            if str(kk[0]) == 'str':
                key = repr(bytes(kk[1]))
                full = ('(%s if (%s := %s).__class__ is LuaTable and (%s := %s.hash.get(%s)) '
                        'is not None else %s)' % (v, t, o, v, t, key, self.ixslow(t, key, d)))
                if isinstance(e[1], list) and e[1][:1] == ['global']:
                    # lib.name: cached per site while the epoch holds (lemit._libget)
                    c = '_lc%d' % len(self.libcaches)
                    self.libcaches.append(c)
                    w = self.t()
                    return ('(%s if (%s := (%s[1] if %s[0] is _EP[0] else _libget(%s, _ENVH, '
                            '%r, %s))) is not None else %s)' % (
                                w, w, c, c, c, _gname(str(e[1][1])).encode(), key, full))
                return full
            if str(kk[0]) == 'int' and kk[1] > 0:
                a = self.t()
                return ('(%s if (%s := %s).__class__ is LuaTable and %d <= len(%s := %s.arr) and '
                        '(%s := %s[%d]) is not None else %s)' % (
                            v, t, o, kk[1], a, t, v, a, kk[1] - 1,
                            self.ixslow(t, str(kk[1]), d)))
            kt, a = self.t(), self.t()
            if self.is_int(kk):
                # the key is evaluated whatever the object is (`&`): the
                # slow path indexes anything else with it
                return ('(%s if ((%s := %s).__class__ is LuaTable) & (0 < (%s := %s)) and %s <= '
                        'len(%s := %s.arr) and (%s := %s[%s - 1]) is not None else %s)' % (
                            v, t, o, kt, self.ex(kk), kt, a, t, v, a, kt,
                            self.ixslow(t, kt, d)))
            return ('(%s if ((%s := %s).__class__ is LuaTable) & ((%s := %s).__class__ is int) '
                    'and 0 < %s <= len(%s := %s.arr) and (%s := %s[%s - 1]) is not None '
                    'else %s)' % (v, t, o, kt, self.ex(kk), kt, a, t, v, a, kt,
                                  self.ixslow(t, kt, d)))
        if k in MULTI:
            return self.ex(e)
        if k == 'and':
            t = self.t()
            return '(%s if ((%s := %s) is not None and %s is not False) else %s)' % (
                self.ex(e[2]), t, self.ex(e[1]), t, t)
        if k == 'or':
            t = self.t()
            return '(%s if ((%s := %s) is not None and %s is not False) else %s)' % (
                t, t, self.ex(e[1]), t, self.ex(e[2]))
        if k == 'lun':
            op = str(e[1])
            if op == 'not':
                return '(not %s)' % self.truth(e[2])
            if op == 'unm' and self.literal(e) is not None:
                return self.ex1(self.literal(e))      # a negative literal
            if op == 'len' and self.is_private(e[2]):
                return 'len(%s)' % self.arr_of(self.ex(e[2]))
            fn = {'unm': 'unm', 'len': 'length', 'bnot': 'bnot'}[op]
            d = self.odesc(e[2])
            if op == 'len' and not (self.fn is not None and self.fn.gen):
                # a string's length, a table's without metatable (its list: a
                # border, docs/luart.md) inline; anything else length()
                t = self.t()
                slow = '_opv(length, (%r,), %s)' % (d, t) if d else 'length(%s)' % t
                return ('(len(%s) if (%s := %s).__class__ is bytes else len(%s.arr) if %s.__class__ '
                        'is LuaTable and %s.meta is None else %s)' % (
                            t, t, self.ex(e[2]), t, t, t, slow))
            if self.fn is not None and self.fn.gen:
                return '(yield from _gun(%r, %s%s))' % (fn, self.ex(e[2]),
                                                       ', %r' % d if d else '')
            if d:
                return '_opv(%s, (%r,), %s)' % (fn, d, self.ex(e[2]))
            return '%s(%s)' % (fn, self.ex(e[2]))
        if k == 'lbin' and str(e[1]) == 'concat':
            chain = self.concat_chain(e)
            if len(chain) >= _CONCAT_FLAT:
                # one OP_CONCAT in Lua; as nested operations a long chain
                # nested past Python's parser (heavy.lua's 150 operands); in
                # a generator body a __concat may yield
                descs = tuple(self.odesc(x) for x in chain)
                args = ', '.join(self.ex(x) for x in chain)
                if self.fn is not None and self.fn.gen:
                    return '(yield from _gconcatv(%r, %s))' % (descs, args)
                return '_concatv(%r, %s)' % (descs, args)
        if k == 'lbin':
            op = str(e[1])
            a, b = self.ex(e[2]), self.ex(e[3])
            if op in _ARITH or op in _CMP or op in ('eq', 'ne'):
                ia, ib = self.is_int(e[2]), self.is_int(e[3])
                simple_a = self.simple(e[2])
                simple_b = self.simple(e[3])
                ta = a if simple_a else self.t()
                tb = b if simple_b else self.t()
                if op in _ARITH:
                    r = self.t()
                    side = self.overflow_side(op, e[2], e[3])
                    if op != 'mul' and (self.is_small(e[2]) and self.is_small(e[3])
                                        or self.no_wrap(op, e[2], e[3])):
                        fast = '(%s %s %s)' % (ta, _ARITH[op], tb)     # cannot wrap
                    elif side > 0:        # can only pass the maximum
                        fast = '(%s if (%s := %s %s %s) <= 0x7fffffffffffffff else wrap(%s))' % (
                            r, r, ta, _ARITH[op], tb, r)
                    elif side < 0:      # can only pass the minimum
                        fast = ('(%s if (%s := %s %s %s) >= -0x8000000000000000 else wrap(%s))'
                                % (r, r, ta, _ARITH[op], tb, r))
                    else:
                        fast = ('(%s if -0x8000000000000000 <= (%s := %s %s %s) <= '
                                '0x7fffffffffffffff else wrap(%s))' % (r, r, ta, _ARITH[op], tb, r))
                elif op in _CMP:
                    fast = '(%s %s %s)' % (ta, _CMP[op], tb)
                else:
                    fast = '(%s %s %s)' % (ta, '==' if op == 'eq' else '!=', tb)
                bind_a = ta if simple_a else '(%s := %s)' % (ta, a)
                bind_b = tb if simple_b else '(%s := %s)' % (tb, b)
                if ia and ib and op in _ARITH and not (simple_a and simple_b):
                    # evaluated in order inside the operation itself
                    fast = fast.replace('%s %s %s' % (ta, _ARITH[op], tb),
                                        '%s %s %s' % (a, _ARITH[op], b), 1)
                    return fast
                if (ia and ib) or (op in _CMP and self.is_num(e[2]) and self.is_num(e[3])):
                    if simple_a and simple_b:
                        return fast
                    return '(%s if (%s, %s) else None)' % (fast, bind_a, bind_b)
                slow = self.slow(op, e, ta, tb)
                if op in _CMP:
                    # numbers of either subtype compare exactly in Python as in Lua
                    c = self.t()
                    if ia or ib:
                        one = bind_b if ia else bind_a
                        conds = '((%s := %s.__class__) is int or %s is float)' % (c, one, c)
                        if not (simple_a if ia else simple_b):
                            conds = '(%s, %s)[1]' % (bind_a if ia else bind_b, conds)
                    else:
                        conds = ('(%s := %s.__class__) is %s.__class__ and (%s is int or %s is '
                                 'float)' % (c, bind_a, bind_b, c, c))
                    return '(%s if %s else %s)' % (fast, conds, slow)
                if ia:
                    conds = '%s.__class__ is int' % bind_b
                    if not simple_a:
                        conds = '(%s.__class__ is int) & (%s.__class__ is int)' % (bind_a, bind_b)
                elif ib:
                    conds = '%s.__class__ is int' % bind_a
                    if not simple_b:
                        conds = '(%s.__class__ is int) & (%s.__class__ is int)' % (bind_a, bind_b)
                else:
                    conds = '%s.__class__ is %s.__class__ is int' % (bind_a, bind_b)
                return '(%s if %s else %s)' % (fast, conds, slow)
            lit = self.literal(e[3]) if op == 'mod' else None
            if lit is not None and str(lit[0]) == 'int' and int(lit[1]) != 0:
                # x % c, c a non-zero integer literal: for an integer x Lua's
                # floored modulo is Python's % (the result lies between 0 and c)
                cs = repr(int(lit[1]))
                if self.is_int(e[2]):
                    return '(%s %% %s)' % (a, cs)
                ta = self.t()
                return '((%s %% %s) if (%s := %s).__class__ is int else %s)' % (
                    ta, cs, ta, a, self.slow(op, e, ta, b))
            lit = self.literal(e[3]) if op == 'div' else None
            if lit is not None and float(lit[1]) != 0 and abs(float(lit[1])) != float('inf'):
                # x / c, c a finite non-zero number literal: Lua converts both
                # to floats and divides; Python's int / float converts the
                # int as C does and cannot raise (c is not zero)
                cs = repr(float(lit[1]))
                if self.is_int(e[2]):
                    return '(%s / %s)' % (a, cs)
                ta = self.t()
                return '((%s / %s) if ((%s := %s).__class__ is int or %s.__class__ is float) ' \
                    'else %s)' % (ta, cs, ta, a, ta, self.slow(op, e, ta, b))
            ta, tb = self.t(), self.t()
            if op == 'concat':
                # two strings: bytes concatenation
                if str(e[3][0]) == 'str':
                    return '((%s + %s) if (%s := %s).__class__ is bytes else %s)' % (
                        ta, b, ta, a, self.slow(op, e, ta, b))
                return ('((%s + %s) if ((%s := %s).__class__ is bytes) & ((%s := %s).__class__ '
                        'is bytes) else %s)' % (ta, tb, ta, a, tb, b, self.slow(op, e, ta, tb)))
            return '(%s if ((%s := %s), (%s := %s)) else None)' % (
                self.slow(op, e, ta, tb), ta, a, tb, b)
        if k == 'table':
            items = e[1:]
            if not items:
                return 'LuaTable()'
            spec = []
            vals = []
            for j, it in enumerate(items):
                if str(it[0]) == 'pos':
                    if j == len(items) - 1 and self.multi(it[1]):
                        spec.append('*')
                        vals.append('*' + self.allvals(it[1]))
                    else:
                        spec.append('p')
                        vals.append(self.ex(it[1]))
                else:
                    spec.append('k')
                    vals.append(self.ex(it[1]))
                    vals.append(self.ex(it[2]))
            if set(spec) <= {'p', '*'}:
                return '_tcons((%s,), ())' % ', '.join(vals)
            return '_tcons_o(%r, %s)' % (''.join(spec), ', '.join(vals))
        if k == 'lambda':
            return self.lambda_(e[1])
        raise _te(self.chunk, self.fn.line if self.fn else 0, 'unknown IR expression %s' % k)

    def is_append(self, tgt: Any) -> bool:
        """tgt is t[#t + 1] for a private table t."""
        kk = tgt[2]
        return (self.is_private(tgt[1]) and str(kk[0]) == 'lbin' and str(kk[1]) == 'add'
                and kk[3] == ['int', 1] and kk[2] == ['lun', 'len', tgt[1]])

    def arr_of(self, t: str) -> str:
        """The list of private table t (its alias R_name)."""
        return 'R_' + t[2:] if t.startswith('L_') else t + '.arr'

    def private_get(self, t: str, kk: Any) -> str:
        """t[k] for a private table t (no metatable, ever): the list or the
        dict (by the invariant an integer key outside the list is in the
        dict; other keys are normalised by LuaTable.get)."""
        kind = str(kk[0])
        if kind == 'str':
            return '%s.hash.get(%r)' % (t, bytes(kk[1]))
        a = self.arr_of(t)
        if kind == 'local' and (t, str(kk[1])) in self.fn.fastix:
            return '%s[L_%s - 1]' % (a, kk[1])
        if kind == 'int' and kk[1] > 0:
            return '(%s[%d] if %d <= len(%s) else %s.hash.get(%d))' % (
                a, kk[1] - 1, kk[1], a, t, kk[1])
        kt = self.t()
        if self.is_int(kk):
            lo = self.lower_of(kk)
            if lo is not None and lo >= 1 and self.simple(kk):
                k1 = self.ex(kk)
                return '(%s[%s - 1] if %s <= len(%s) else %s.hash.get(%s))' % (
                    a, k1, k1, a, t, k1)
            return '(%s[%s - 1] if 0 < (%s := %s) <= len(%s) else %s.hash.get(%s))' % (
                a, kt, kt, self.ex(kk), a, t, kt)
        return ('(%s[%s - 1] if (%s := %s).__class__ is int and 0 < %s <= len(%s) '
                'else (%s.hash.get(%s) if %s.__class__ is bytes else %s.get(%s)))' % (
                    a, kt, kt, self.ex(kk), kt, a, t, kt, kt, t, kt))

    def literal(self, e: Any) -> Any:
        """e as an (int ...)/(float ...) node when it is a number literal or
        the negation of one (integers wrap: -math.mininteger), else None."""
        k = str(e[0])
        if k in ('int', 'float'):
            return e
        if k == 'lun' and str(e[1]) == 'unm':
            lit = self.literal(e[2])
            if lit is not None:
                if str(lit[0]) == 'int':
                    return ['int', _lcore.wrap(-int(lit[1]))]
                return ['float', -float(lit[1])]
        return None

    def no_wrap(self, op: str, a: Any, b: Any) -> bool:
        """x - c (x + -c) with c a non-negative literal and x bounded below
        so that the result stays >= the minimum (and it is <= x)."""
        lit = self.literal(b)
        if lit is None or str(lit[0]) != 'int':
            return False
        c = int(lit[1]) if op == 'sub' else -int(lit[1]) if op == 'add' else None
        lo = self.lower_of(a) if str(a[0]) == 'local' else None
        return c is not None and c >= 0 and lo is not None and lo - c >= -2**63

    def overflow_side(self, op: str, a: Any, b: Any) -> int:
        """a op b on integers, one of them an integer literal: 1 when the
        result can only pass the maximum, -1 only the minimum, 0 either."""
        def lit(x: Any) -> Optional[int]:
            n = self.literal(x)
            return int(n[1]) if n is not None and str(n[0]) == 'int' else None
        la, lb = lit(a), lit(b)
        if op == 'add':
            k = lb if lb is not None else la
            return 0 if k is None else (1 if k >= 0 else -1)
        if op == 'sub' and lb is not None:
            return -1 if lb >= 0 else 1
        return 0

    def ixslow(self, t: str, key: str, d: Optional[str]) -> str:
        """o[k] off the inline fast path; in a generator body an __index
        function that may yield runs through the coroutine chain."""
        if self.fn is not None and self.fn.gen:
            return '(yield from _gix(%s, %s, %r))' % (t, key, d)
        return '_ix(%s, %s, %r)' % (t, key, d)

    def odesc(self, e: Any) -> Optional[str]:
        k = str(e[0])
        if (k == 'and' and _ktruth(e[1]) is True) or (k == 'or' and _ktruth(e[1]) is False):
            return self.odesc(e[2])     # folded away by Lua: the operand is e[2]
        if k == 'str':
            # Lua formats the name with %s: it ends at the first NUL
            return "constant '%s'" % e[1].split(b'\0', 1)[0].decode('latin-1')
        return self.desc(e)

    def is_yield(self, f: Any) -> bool:
        return (isinstance(f, list) and str(f[0]) == 'index' and f[1] == ['global', 'coroutine']
                and f[2] == ['str', b'yield'])

    def simple(self, e: Any) -> bool:
        """An operand whose text can be repeated: a literal or a plain local."""
        k = str(e[0])
        return k in ('int', 'nil', 'true', 'false') or (
            k == 'local' and self.fn is not None and str(e[1]) not in self.fn.cells)

    def is_int(self, e: Any, ints: Optional[set] = None) -> bool:
        """e is provably a Lua integer (inferred locals: see infer_ints)."""
        if ints is None:
            ints = self.fn.ints if self.fn is not None else set()
        k = str(e[0])
        if k == 'int':
            return True
        if k == 'local':
            return str(e[1]) in ints
        if k == 'paren':
            return self.is_int(e[1], ints)
        if k == 'lbin' and str(e[1]) in ('add', 'sub', 'mul', 'idiv', 'mod', 'band', 'bor',
                                           'bxor', 'shl', 'shr'):
            return self.is_int(e[2], ints) and self.is_int(e[3], ints)
        if k == 'lun' and str(e[1]) in ('unm', 'bnot'):
            return self.is_int(e[2], ints)
        if k == 'lun' and str(e[1]) == 'len' and (str(e[2][0]) == 'str' or self.is_private(e[2])):
            return True
        if k == 'call' and self.self_int and self.is_self_call(e) \
                and len(e) - 2 == len(self.fn_params) and not any(self.multi(a) for a in e[2:]):
            # the top function called with integers where its typed version
            # wants them: that version runs, and it returns an integer
            return all(self.is_int(a, ints) for a, p in zip(e[2:], self.fn_params)
                       if p in self.self_int)
        return False

    def private_insert(self, e: Any) -> Optional[str]:
        """The statement table.insert(t, v), t a private table, outside a
        generator body: when the site's cache holds luart's t_insert, an
        append (v not nil, the dict empty: t.set(#t + 1, v) is that), else
        t_insert itself; any other value of table.insert is called as
        always. The callee is read before v is evaluated, as in Lua."""
        if str(e[0]) != 'call' or len(e) != 4 or self.fn is None or self.fn.gen \
                or not isinstance(e[1], list) or str(e[1][0]) != 'index' \
                or e[1][1][:1] != ['global'] or _gname(str(e[1][1][1])) != 'table' \
                or str(e[1][2][0]) != 'str' or bytes(e[1][2][1]) != b'insert' \
                or not self.is_private(e[2]) or self.multi(e[3]):
            return None
        nm = str(e[2][1])
        val = self.ex(e[3])
        nc = len(self.libcaches)
        callee = self.ex(e[1])
        if len(self.libcaches) != nc + 1:
            return None
        c = self.libcaches[nc]
        tv, tf = self.t(), self.t()
        return ('(R_%s.append(%s) if (%s := %s) is not None and not L_%s.hash else '
                '_t_insert(L_%s, %s)) if %s[0] is _EP[0] and %s[1] is _t_insert else '
                '(%s if (%s := %s).__class__ is FunctionType else _callable(%s, %r))(L_%s, %s)'
                % (nm, tv, tv, val, nm, nm, tv, c, c, tf, tf, callee, tf, self.desc(e[1]),
                   nm, val))

    def is_private(self, e: Any) -> bool:
        return (str(e[0]) == 'local' and self.fn is not None
                and str(e[1]) in self.fn.private)

    def is_small(self, e: Any) -> bool:
        """An integer far from the 64-bit limits: #t of a private table (a
        list length) or a literal under 2**32 in magnitude; the sum or
        difference of two such cannot wrap."""
        k = str(e[0])
        if k == 'int':
            return -2**32 < int(e[1]) < 2**32
        if k == 'paren':
            return self.is_small(e[1])
        return k == 'lun' and str(e[1]) == 'len' and self.is_private(e[2])

    _PRIV_CALLS = {('global', 'rawlen'), ('global', 'rawget'), ('global', 'next'),
                   ('global', 'unpack'), ('table', b'concat'), ('table', b'insert'),
                   ('table', b'remove'), ('table', b'unpack'), ('table', b'sort')}

    def infer_private(self, f: '_Func') -> set:
        """The locals of f that only ever hold a table made by a constructor
        in f that no other code can reach: not a parameter or cell, every
        assignment a table constructor, every use the base of an index, the
        operand of #, the first argument of a standard function that cannot
        give it a metatable or hand it on (rawlen rawget next unpack
        table.concat/insert/remove/unpack/sort, not replaced by the unit), or
        pairs/ipairs(t) as a generic for's explist. Such a table never has a
        metatable: indexing it is the list or the dict itself."""
        cands = set(f.vars) - set(f.params) - set(f.cells)
        ok_ids: set = set()
        bad: set = set()
        declared: set = set()       # declared by `local t = {...}`

        def known(fe: Any, first_arg_ok: bool) -> bool:
            if not self.nonyield_callee(fe, _BASE_STD) or not isinstance(fe, list):
                return False
            if fe[0] == 'global':
                return ('global', _gname(str(fe[1]))) in self._PRIV_CALLS
            if fe[0] == 'index' and fe[1][0] == 'global' and fe[2][0] == 'str':
                return (_gname(str(fe[1][1])), fe[2][1]) in self._PRIV_CALLS
            return False

        def walk(n: Any) -> None:
            if not isinstance(n, list) or not n:
                return
            if not isinstance(n[0], Sym):       # a list of expressions or targets
                for c in n:
                    walk(c)
                return
            k = str(n[0])
            if k == 'func':
                return
            if k == 'index' and isinstance(n[1], list) and n[1][:1] == ['local']:
                ok_ids.add(id(n[1]))
            elif k == 'lun' and str(n[1]) == 'len' and n[2][:1] == ['local']:
                ok_ids.add(id(n[2]))
            elif k == 'call' and len(n) > 2 and n[2][:1] == ['local'] and known(n[1], True):
                ok_ids.add(id(n[2]))
            elif k == 'forin' and len(n[3]) == 1 and n[3][0][:1] == ['call'] \
                    and len(n[3][0]) == 3 and n[3][0][2][:1] == ['local'] \
                    and n[3][0][1] in (['global', 'pairs'], ['global', 'ipairs']) \
                    and self.nonyield_callee(n[3][0][1], _BASE_STD):
                ok_ids.add(id(n[3][0][2]))
                bad.update(str(x) for x in n[2])
            elif k == 'local' and len(n) >= 4:
                names = [str(x) for x in n[2]]
                vals = list(n[4]) if len(n) > 4 else []
                attribs = [str(a) for a in n[3][1:]]
                for j, nm in enumerate(names):
                    if not (len(names) == 1 and len(vals) == 1 and vals[0][:1] == ['table']) \
                            or 'close' in attribs:
                        bad.add(nm)
                    else:
                        declared.add(nm)
            elif k == 'set':
                for j, tg in enumerate(n[2]):
                    if tg[:1] == ['local']:
                        if len(n[2]) == 1 and len(n[3]) == 1 and n[3][0][:1] == ['table']:
                            ok_ids.add(id(tg))
                        else:
                            bad.add(str(tg[1]))
            elif k == 'fornum':
                bad.add(str(n[2]))
            elif k == 'forin':
                bad.update(str(x) for x in n[2])
            elif k == 'def' and n[2][:1] == ['local']:
                bad.add(str(n[2][1]))
                ok_ids.add(id(n[2]))
            if k == 'local' and len(n) == 2 and id(n) not in ok_ids:
                bad.add(str(n[1]))
            for c in n[1:]:
                walk(c)
        walk(f.body)
        return {v for v in cands if v not in bad and v in declared}

    def infer_ints(self, f: '_Func', seed: Any = ()) -> set:
        """The locals of f that only ever hold integers: not cells, not
        parameters, every assignment (local, set, numeric for with integer
        start and step) an integer expression given the others (greatest
        fixpoint)."""
        assigns: Dict[str, List[Any]] = {}
        bad: set = (set(f.params) | set(f.cells)) - set(seed)
        for p in seed:          # a parameter the typed version knows to be an integer
            assigns.setdefault(p, []).append(['int', 0])

        def add(name: str, e: Any) -> None:
            assigns.setdefault(name, []).append(e)

        def vals_for(names: List[str], vals: List[Any]) -> None:
            for j, nm in enumerate(names):
                if j < len(vals) and not (j == len(vals) - 1 and self.multi(vals[j])) \
                        and not self.multi(vals[j]):
                    add(nm, vals[j])
                else:
                    bad.add(nm)

        def walk(n: Any) -> None:
            if not isinstance(n, list) or not n or not isinstance(n[0], Sym):
                return
            k = str(n[0])
            if k == 'func':
                return      # nested functions: their own locals
            if k == 'local':
                if len(n) == 5:
                    vals_for([str(x) for x in n[2]], list(n[4]))
            elif k == 'set':
                tg = [str(t[1]) if str(t[0]) == 'local' else None for t in n[2]]
                for j, nm in enumerate(tg):
                    if nm is not None:
                        vals = list(n[3])
                        if len(tg) == 1 and len(vals) == 1 and not self.multi(vals[0]):
                            add(nm, vals[0])
                        else:
                            vals_for([x if x is not None else '' for x in tg], vals)
            elif k == 'fornum':
                x = str(n[2])
                step = n[5]
                if isinstance(step, Sym) and step == '_':
                    add(x, ['fornum', n[3], ['int', 1]])
                else:
                    add(x, ['fornum', n[3], step])
            elif k == 'forin':
                for x in n[2]:
                    bad.add(str(x))
            elif k == 'def' and isinstance(n[2], list) and str(n[2][0]) == 'local':
                bad.add(str(n[2][1]))
            for c in n[1:]:
                walk(c)
        walk(f.body)
        ints = {v for v in assigns if v not in bad}
        changed = True
        while changed:
            changed = False
            for v in list(ints):
                for e in assigns[v]:
                    ok = (self.is_int(e[1], ints) and self.is_int(e[2], ints)) \
                        if isinstance(e, list) and e and e[0] == 'fornum' else self.is_int(e, ints)
                    if not ok:
                        ints.discard(v)
                        changed = True
                        break
        return ints

    def concat_chain(self, e: Any) -> List[Any]:
        """The operands of a .. b .. c ...: the right operand, through its
        parentheses, continues the chain (Lua merges it into one OP_CONCAT);
        a left operand is one operand whatever it is."""
        out = []
        while True:
            out.append(e[2])
            r = e[3]
            while str(r[0]) == 'paren':
                r = r[1]
            if str(r[0]) == 'lbin' and str(r[1]) == 'concat':
                e = r
                continue
            out.append(e[3])
            return out

    def rdesc(self, op: str, e: Any) -> Optional[str]:
        """The variable information of a binary operator's right operand e;
        for `..`, Lua's register: a right operand that is a concatenation
        merges into one OP_CONCAT whose partial result (a metamethod's,
        perhaps not a string) replaces its left operand's register, which
        Lua then names (`'x' .. (t .. '')`, t's __concat giving nil:
        "(upvalue 't')"); a left operand that is a concatenation itself set
        that register by OP_CONCAT: no name."""
        if op == 'concat':
            while str(e[0]) == 'paren':
                e = e[1]
            if str(e[0]) == 'lbin' and str(e[1]) == 'concat':
                left = e[2]
                while str(left[0]) == 'paren':
                    left = left[1]
                if str(left[0]) == 'lbin' and str(left[1]) == 'concat':
                    return None
                return self.odesc(left)
        return self.odesc(e)

    def slow(self, op: str, e: Any, ta: str, tb: str) -> str:
        if op == 'sub':
            k = e[3]
            while str(k[0]) == 'paren':
                k = k[1]
            k = _kfold(k)
            if k is not None and k.__class__ is int and k == 0:
                # Lua codes x - 0 as x + (-0) (OP_ADDI, finishbinexpneg): a
                # float x gains +0.0, so -0.0 - 0 is 0.0; a metamethod or a
                # string still sees the subtraction (OP_MMBINI's event)
                return '(%s + 0.0 if %s.__class__ is float else %s)' % (
                    ta, ta, self.slow_op(op, e, ta, tb))
        return self.slow_op(op, e, ta, tb)

    def slow_op(self, op: str, e: Any, ta: str, tb: str) -> str:
        if self.fn is not None and self.fn.gen:
            # a metamethod that may yield runs through the coroutine chain
            da, db = self.odesc(e[2]), self.rdesc(op, e[3])
            descs = '' if op in _CMP or op in ('eq', 'ne') or not (da or db) else \
                ', (%r, %r)' % (da, db)
            return '(yield from _gop(%r, %s, %s%s))' % (_OPFN[op], ta, tb, descs)
        if op in ('eq', 'ne', 'lt', 'le', 'gt', 'ge'):
            return '%s(%s, %s)' % (_OPFN[op], ta, tb)
        da, db = self.odesc(e[2]), self.rdesc(op, e[3])
        if da or db:
            return '_opv(%s, (%r, %r), %s, %s)' % (_OPFN[op], da, db, ta, tb)
        return '%s(%s, %s)' % (_OPFN[op], ta, tb)

    # ---- functions
    def lambda_(self, fnode: Any) -> str:
        """A nested function: emitted as a def before the current statement
        (in self.pending), the expression is its name."""
        name = '_f%d' % next(self.tmp)
        self.pending.append((name, fnode))
        return name

    def emit_nested(self, fnode: Any, pyname: str, ind: int, line: int) -> None:
        """A function defined inside the current one. Inside a twin (whose
        body is emitted twice) it is made by a module-level factory emitted
        once, so twins nested in twins do not multiply the code."""
        fn = self.fn
        if fn is None or id(fn.node) not in self.twins:
            self.emit_func(fnode, pyname, ind, line)
            return
        caps = [u for u in _Func(fnode, fn).free if self.resolve_cell(fn, u) is not None]
        mk = self.factory_names.get(id(fnode))
        if mk is None:
            mk = self.factory_names[id(fnode)] = '_mk%s' % pyname
            saved, self.lines = self.lines, []
            saved_pending, self.pending = self.pending, []
            self.out(0, line, 'def %s(%s):  # makes the closure' % (
                mk, ', '.join('U_%s' % u for u in caps)))
            saved_factory, self.in_factory = self.in_factory, id(fnode)
            self.emit_func(fnode, pyname, 1, line)
            self.in_factory = saved_factory
            self.out(1, self.lines[-1][1], 'return %s' % pyname)
            self.factories.extend(self.lines)
            self.lines, self.pending = saved, saved_pending
        self.out(ind, line, '%s = %s(%s)  # function %s' % (
            pyname, mk, ', '.join(str(self.resolve_cell(fn, u)) for u in caps),
            _Func(fnode, fn).name))

    def emit_func(self, fnode: Any, pyname: str, ind: int, line: int) -> None:
        if id(fnode) in self.twins:
            # a plain body, and a generator body for calls inside a coroutine
            self.emit_one(fnode, pyname, ind, line, False)
            self.emit_one(fnode, pyname + '_co', ind, line, True)
            self.out(ind, self.lines[-1][1], '%s.__luaco__ = %s  # (inside a coroutine)'
                     % (pyname, pyname + '_co'))
            return
        self.emit_one(fnode, pyname, ind, line, id(fnode) in self.gens)

    def emit_one(self, fnode: Any, pyname: str, ind: int, line: int, gen: bool,
                 boundary: bool = False) -> None:
        """boundary: the top function's entry for the bridge: the same body,
        arguments converted to luart values on the way in (only those that
        are not plain: int float bool nil), results and errors converted on
        the way out, as Boundary.entry around the function does, without
        the second call (docs/translation.md "Values at the boundary")."""
        if boundary:
            self.boundary = True
            try:
                self._emit_entry(fnode, pyname, ind, line)
            finally:
                self.boundary = False
            return
        parent = self.fn
        f = _Func(fnode, parent)
        saved_loops = self.loops
        self.loops = []
        self.fn = f
        f.gen = gen
        twin_gen = gen and id(fnode) in self.twins
        f.private = self.infer_private(f)
        f.ints = self.infer_ints(f)
        if f.gen and not twin_gen:
            final = pyname
            pyname = pyname + '_co'
        params = ['L_%s=None' % p if p not in f.cells else 'A_%s=None' % p for p in f.params]
        if f.vararg:
            params.append('*VA')
        else:
            params.append('*_')
        kw = []
        if parent is not None:
            for u in f.free:
                ref = self.resolve_cell(parent, u)
                if ref is not None:
                    kw.append('U_%s=%s' % (u, 'U_%s' % u if self.in_factory == id(fnode)
                                           else ref))
        if kw:
            if not f.vararg and params[-1] == '*_':
                pass
            params.extend(kw)
        self.out(ind, f.line, 'def %s(%s):  # function %s' % (pyname, ', '.join(params), f.name))
        if gen and _returns_nothing(f.body):
            # lemit._forinw: a `for ... in coroutine.wrap(this)` may iterate it directly
            self.out(ind + 1, f.line, repr(_lemit._NORET))
        for p in f.params:
            if p in f.cells:
                self.out(ind + 1, f.line, 'C_%s = [A_%s]' % (p, p))
        if f.targets:
            self.out(ind + 1, f.line, '_jmp = 0  # pending multi-level jump (goto)')
        callees = []
        simple = not f.gen and not f.vararg and not f.targets \
            and not any(p in f.cells for p in f.params)
        if fnode is self.top_node and simple:
            if self.self_name is not None \
                    and self.is_self_call(['call', ['free', self.self_name]]):
                callees.append(['free', self.self_name])
            if re.fullmatch(r'[A-Za-z_][A-Za-z_0-9]*', f.name) and not f.name.startswith('anon_'):
                # `function f` of a global: its calls through the global are
                # tail calls of itself while the global holds it
                callees.append(['global', f.name])
                f.tail_self = pyname
            m = re.fullmatch(r'.*[.:]([A-Za-z_][A-Za-z_0-9]*)', f.name)
            if m is not None and f.params:
                # `function a:m` (or a.m): its `return o:m(...)` whose method
                # is the function itself
                callees.append(['method', m.group(1).encode()])
                f.tail_self = pyname
        elif simple and parent is not None and id(fnode) in self.def_target:
            tgt = self.def_target[id(fnode)]
            kind = str(tgt[0])
            # pyname is this very closure only where its def runs once per
            # frame: its own factory, or a def outside any loop of a
            # function without goto
            once = self.in_factory == id(fnode) or (not saved_loops and not parent.targets)
            if kind == 'local' and str(tgt[1]) in self.fixed_defs:
                # a nested `local function f` the unit never assigns again:
                # inside it, f is the closure itself (its cell is made anew
                # at each execution of the statement)
                callees.append(['free', str(tgt[1])])
            elif kind == 'global' and once:
                # a nested `function f` of a global
                callees.append(['global', str(tgt[1])])
                f.tail_self = pyname
            elif kind == 'index' and once and f.params and isinstance(tgt[2], list) \
                    and str(tgt[2][0]) == 'str':
                # a nested `function a:m` (or a.m)
                callees.append(['method', _mname(tgt[2][1])])
                f.tail_self = pyname
        f.tail_loop = bool(callees) and _self_tail_calls(f.body, callees, len(f.params))
        f.tail_callees = callees
        if f.tail_loop:
            # Lua's tail calls of the function itself: the parameters set
            # again and the body run again, in constant stack (a `return
            # f(...)` statement, see stmt)
            self.out(ind + 1, f.line, 'while True:  # (its tail calls of itself)')
            ind += 1
        if not f.gen:
            self.emit_typed(f, ind + 1)
        self.block(f.body[1:], ind + 1)
        self.out(ind + 1, self.last_line(f), 'return NORES')
        if f.tail_loop:
            ind -= 1
        if f.gen:
            # a generator body whose possible yields all folded away (a
            # negated literal is no metamethod) must stay a generator: the
            # coroutine machinery starts it with send()
            self.out(ind + 1, self.last_line(f), 'yield  # (never reached: a generator)')
        if f.gen and not twin_gen:
            self.out(ind, f.line, '%s = _luaco(%s)  # may yield: a generator' % (final, pyname))
        self.fn = parent
        self.loops = saved_loops

    def emit_int_twin(self, fnode: Any) -> None:
        """The top function's typed body as a function of its own for self
        calls whose arguments are all provably integers (every parameter is
        one of its int-typed ones): no guard, no defaults, no `*_` (CPython
        specializes calls of such functions). Made in a factory so that its
        code's name is the top's (tracebacks name the same function)."""
        f = _Func(fnode, None)
        saved_loops = self.loops
        self.loops = []
        self.fn = f
        f.private = self.infer_private(f)
        f.ints = self.infer_ints(f, list(self.self_int))
        f.nums = set()
        name = self.twin_name
        self.out(0, f.line, 'def _mk%s():  # function %s, its integer version' % (name, f.name))
        self.out(1, f.line, 'def %s(%s):  # function %s (integer arguments)' % (
            self.top_pyname, ', '.join('L_%s' % p for p in f.params), f.name))
        if f.targets:
            self.out(2, f.line, '_jmp = 0  # pending multi-level jump (goto)')
        self.block(f.body[1:], 2)
        self.out(2, self.last_line(f), 'return NORES')
        self.out(1, self.last_line(f), 'return %s' % self.top_pyname)
        self.out(0, self.last_line(f), '%s = _mk%s()' % (name, name))
        self.fn = None
        self.loops = saved_loops

    def _emit_entry(self, fnode: Any, pyname: str, ind: int, line: int) -> None:
        f = _Func(fnode, None)
        saved_loops = self.loops
        self.loops = []
        self.fn = f
        f.private = self.infer_private(f)
        f.ints = self.infer_ints(f)
        params = ['L_%s=None' % p if p not in f.cells else 'A_%s=None' % p for p in f.params]
        params.append('*VA' if f.vararg else '*_')
        self.out(ind, f.line, 'def %s(%s):  # function %s (entry from the bridge)' % (
            pyname, ', '.join(params), f.name))
        self.out(ind + 1, f.line, 'try:')
        # (the runtime may have changed since the last crossing: _lualive)
        self.out(ind + 2, f.line, 'if _FILLED[0]:  # (the live globals read again)')
        self.out(ind + 3, f.line, '_SYNC()')
        if f.targets:
            self.out(ind + 2, f.line, '_jmp = 0  # pending multi-level jump (goto)')
        self.emit_typed(f, ind + 2, True)
        for p in f.params:
            v = 'A_%s' % p if p in f.cells else 'L_%s' % p
            # (an int past 64 bits: the bridge's conversion, Boundary.arg_in)
            self.out(ind + 2, f.line, 'if %s.__class__ not in _PLAIN or %s.__class__ is int and '
                     'not -0x8000000000000000 <= %s <= 0x7fffffffffffffff:' % (v, v, v))
            self.out(ind + 3, f.line, '%s = _TL(%s)' % (v, v))
        if f.vararg:
            self.out(ind + 2, f.line, 'VA = tuple([_TL(_x) for _x in VA])')
        for p in f.params:
            if p in f.cells:
                self.out(ind + 2, f.line, 'C_%s = [A_%s]' % (p, p))
        self.block(f.body[1:], ind + 2)
        self.out(ind + 2, self.last_line(f), 'return None')
        # (Python's recursion limit and memory: Lua's stack overflow and
        # not enough memory, as inside pcall)
        self.out(ind + 1, self.last_line(f), 'except (_LError, RecursionError, MemoryError) as _e:')
        self.out(ind + 2, self.last_line(f), '_ERR(_e)')
        self.fn = None
        self.loops = saved_loops

    def param_types(self, f: '_Func') -> Dict[str, str]:
        """Parameters worth a typed version of f's body: 'int' for one used
        with an integer literal in + - * (the version needs no class check
        there), 'num' for one compared (a number of either subtype: the
        comparison is Python's). Only parameters f never assigns, none of
        them a cell, f not vararg."""
        if f.cells & set(f.params) or f.vararg:
            return {}
        assigned: set = set()
        kinds: Dict[str, str] = {}

        def lp(x: Any) -> Optional[str]:
            if isinstance(x, list) and len(x) == 2 and x[0] == 'local' and str(x[1]) in f.params:
                return str(x[1])
            return None

        stack = [f.body]
        while stack:
            n = stack.pop()
            if not isinstance(n, list) or not n:
                continue
            if isinstance(n[0], Sym):
                k = str(n[0])
                if k == 'func':
                    continue
                if k == 'set':
                    assigned.update(str(t[1]) for t in n[2] if t[:1] == ['local'])
                if k == 'lbin' and str(n[1]) in ('add', 'sub', 'mul'):
                    for a, b in ((n[2], n[3]), (n[3], n[2])):
                        lit = self.literal(b)
                        if lp(a) and lit is not None and str(lit[0]) == 'int':
                            kinds[lp(a)] = 'int'
                if k == 'lbin' and str(n[1]) in _CMP:
                    for a in (n[2], n[3]):
                        if lp(a) and lp(a) not in kinds:
                            kinds[lp(a)] = 'num'
            stack.extend(n)
        return {p: t for p, t in kinds.items() if p not in assigned}

    def emit_typed(self, f: '_Func', ind: int, boundary: bool = False) -> None:
        """The typed version of f's body (param_types), under its guard;
        the generic body follows (the typed one always returns)."""
        types = self.param_types(f)
        if not types:
            return
        conds = []
        for p in f.params:
            if p in types:
                conds.append('L_%s.__class__ is int' % p if types[p] == 'int'
                             else 'L_%s.__class__ in _NUMS' % p)
                if boundary:
                    # an int from the bridge past 64 bits is no Lua integer
                    # (the generic body converts it: Boundary.arg_in)
                    conds.append('-0x8000000000000000 <= L_%s <= 0x7fffffffffffffff' % p)
        self.out(ind, f.line, 'if %s:  # typed parameters' % ' and '.join(conds))
        if boundary:
            # the other parameters enter as in the generic body (the typed
            # ones are numbers in range: nothing to convert)
            for p in f.params:
                if p not in types:
                    self.out(ind + 1, f.line, 'if L_%s.__class__ not in _PLAIN or L_%s.__class__ '
                             'is int and not -0x8000000000000000 <= L_%s <= 0x7fffffffffffffff:'
                             % (p, p, p))
                    self.out(ind + 2, f.line, 'L_%s = _TL(L_%s)' % (p, p))
        saved = f.ints, f.nums
        iparams = [p for p in types if types[p] == 'int']
        if f.parent is None and self.self_single and iparams and not self.self_int:
            # induction: if the typed version returns integers whenever the
            # self calls with integer arguments do, it always does
            self.self_int = tuple(iparams)
            self.fn_params = f.params
            ints = self.infer_ints(f, iparams)
            if not all(self.is_int(r[2], ints) for r in self.returns(f)):
                self.self_int = ()
            elif set(f.params) == set(iparams) and self.self_name is not None:
                # every parameter an integer: self calls with integer
                # arguments call the integer version directly (no guard,
                # exact arguments: emit_int_twin)
                self.twin_name = self.top_pyname + '__i'
        f.ints = self.infer_ints(f, iparams)
        f.nums = {p for p in types if types[p] == 'num'}
        self.block(f.body[1:], ind + 1)
        self.out(ind + 1, self.last_line(f), 'return None' if boundary else 'return NORES')
        f.ints, f.nums = saved

    def returns(self, f: '_Func') -> List[Any]:
        out = []
        stack = [f.body]
        while stack:
            n = stack.pop()
            if isinstance(n, list) and n and isinstance(n[0], Sym):
                if n[0] == 'func':
                    continue
                if n[0] == 'return':
                    out.append(n)
            if isinstance(n, list):
                stack.extend(n)
        return out

    def is_num(self, e: Any) -> bool:
        """e is provably a number (integer or float)."""
        if self.is_int(e) or str(e[0]) == 'float':
            return True
        if str(e[0]) == 'local':
            return self.fn is not None and str(e[1]) in self.fn.nums
        return self.literal(e) is not None

    def plain_value(self, e: Any) -> bool:
        """e's value needs no conversion for the bridge: a number, boolean
        or nil by construction."""
        k = str(e[0])
        if k in ('int', 'float', 'true', 'false', 'nil'):
            return True
        if k == 'lbin' and str(e[1]) in ('eq', 'ne', 'lt', 'le', 'gt', 'ge'):
            return True
        if k == 'lun' and str(e[1]) == 'not':
            return True
        return self.is_int(e) or self.literal(e) is not None

    def last_line(self, f: _Func) -> int:
        return self.lines[-1][1] if self.lines else f.line

    def resolve_cell(self, parent: _Func, u: str) -> Optional[str]:
        """The cell expression (a list) in parent for free name u of a child."""
        if u in parent.cells:
            return 'C_%s' % u
        if parent.parent is not None and u in parent.free:
            f = parent.parent
            while f is not None:
                if u in f.cells:
                    return 'U_%s' % u
                f = f.parent
        return None   # a top upvalue: through _uv

    # ---- statements
    def block(self, stmts: List[Any], ind: int, cont: Optional[str] = None) -> None:
        """Emit a Lua block. cont: the label ending the enclosing loop's body
        (a goto to it is `continue`)."""
        fn = self.fn
        if fn is not None and fn.targets:
            labels = []
            for i, s in enumerate(stmts):
                k = str(s[0])
                if k == 'local' and 'close' in [str(a) for a in s[3][1:]]:
                    break    # later labels are inside its scope: block() of the rest
                if k == 'label' and str(s[2]) in fn.targets and str(s[2]) != cont:
                    labels.append(i)
            if labels:
                self.dispatch(stmts, labels, ind, cont)
                return
        start = len(self.lines)
        closes: List[Tuple[str, int]] = []
        bounds: List[str] = []
        for i, s in enumerate(stmts):
            self.stmt(s, ind, stmts, i, closes)
            b = self.if_return_bound(s)
            if b is not None and b[0] not in self.fn.lower:
                # `if x < K then ... return end`: x >= K for the rest of the block
                self.fn.lower[b[0]] = b[1]
                bounds.append(b[0])
            if closes and closes[-1][1] == -1:
                # a <close> variable: the rest of the block runs under try/finally
                # (finally: a break, a goto leaving the block and a return
                # close it too, after the return values are computed, as Lua)
                var, _ = closes.pop()
                ln = s[1]
                flag = self.t()
                self.out(ind, ln, '%s = True' % flag)
                self.out(ind, ln, 'try:')
                n0 = len(self.lines)
                self.block(stmts[i + 1:], ind + 1, cont)
                if len(self.lines) == n0:
                    self.out(ind + 1, ln, 'pass')
                e = self.t()
                self.out(ind, ln, 'except BaseException as %s:' % e)
                self.out(ind + 1, ln, '%s = False' % flag)
                if self.fn.gen:
                    # a generator body: __close runs through the coroutine
                    # chain (it may yield, Lua 5.4.4), on every exit
                    self.out(ind + 1, ln, 'yield from _gclose(%s, %s)' % (var, e))
                else:
                    self.out(ind + 1, ln, 'close_err(%s, %s)' % (var, e))
                self.out(ind + 1, ln, 'raise')
                self.out(ind, ln, 'finally:')
                self.out(ind + 1, ln, 'if %s:' % flag)
                if self.fn.gen:
                    self.out(ind + 2, ln, 'yield from _gclose(%s, None)' % var)
                else:
                    self.out(ind + 2, ln, 'close_value(%s, None)' % var)
                return
        for b in bounds:
            del self.fn.lower[b]
        if len(self.lines) == start:
            self.out(ind, self.lines[-1][1] if self.lines else 0, 'pass')

    def if_return_bound(self, s: Any) -> Optional[Tuple[str, int]]:
        """(x, K) for `if x < K then ... return end` (or `<=`: K + 1) where x
        is an integer local no statement assigns: after it, x >= K."""
        if str(s[0]) != 'if' or len(s[4]) > 1 or len(s[3]) < 2 or str(s[3][-1][0]) != 'return' \
                or self.fn.targets or _own_gotos(s[3]):
            return None     # (a goto could leave the branch without returning)
        c = s[2]
        if str(c[0]) != 'lbin' or str(c[1]) not in ('lt', 'le') or c[2][:1] != ['local']:
            return None
        x = str(c[2][1])
        lit = self.literal(c[3])
        if lit is None or str(lit[0]) != 'int' or x in self.fn.assigned or x in self.fn.cells \
                or not self.is_int(c[2]):
            return None
        return x, int(lit[1]) + (1 if str(c[1]) == 'le' else 0)

    def lower_of(self, e: Any) -> Optional[int]:
        """A known lower bound of integer expression e, or None."""
        if self.fn is None:
            return None
        lit = self.literal(e)
        if lit is not None:
            return int(lit[1]) if str(lit[0]) == 'int' else None
        if str(e[0]) == 'local':
            return self.fn.lower.get(str(e[1]))
        return None

    def flush_pending(self, ind: int, line: int) -> None:
        while self.pending:
            name, fnode = self.pending.pop(0)
            saved = self.pending
            self.pending = []
            self.emit_nested(fnode, name, ind, line)
            self.pending = saved

    def assign(self, tgt: Any, val: str, ind: int, line: int, pre: Optional[List[str]] = None,
               decl: bool = False) -> None:
        k = str(tgt[0])
        if k == 'local':
            nm = str(tgt[1])
            if nm in self.fn.cells:
                if decl:
                    self.out(ind, line, 'C_%s = [%s]' % (nm, val))
                else:
                    self.out(ind, line, 'C_%s[0] = %s' % (nm, val))
            else:
                self.out(ind, line, 'L_%s = %s' % (nm, val))
                if nm in self.fn.private:
                    # its list, never replaced (luart changes a table's list in place)
                    self.out(ind, line, 'R_%s = L_%s.arr' % (nm, nm))
        elif k == 'free':
            ref, cell = self.free_ref(str(tgt[1]))
            if cell.startswith('uv:'):
                self.out(ind, line, '_uv(%s, %s)' % (cell[3:], val))
            else:
                self.out(ind, line, '%s[0] = %s' % (cell, val))
        elif k == 'global':
            self.out(ind, line, 'setindex(_ENV, %r, %s)' % (_gname(str(tgt[1])).encode(), val))
        elif k == 'index':
            assert pre is not None
            t, kt = pre
            d = self.desc(tgt[1])
            setix = '_setixv'
            if self.fn is not None and self.fn.gen:
                setix = 'yield from _gsetix'    # a __newindex that may yield
            if str(tgt[2][0]) == 'str' or val in ('None',):
                self.out(ind, line, '%s(%s, %s, %s, %r)' % (setix, t, kt, val, d))
                return
            a = self.t()
            if val in ('True', 'False') or re.fullmatch(r'-?[0-9]+', val):
                v = val
                vcond = ''
            else:
                v = self.t()
                self.out(ind, line, '%s = %s' % (v, val))
                vcond = ' and %s is not None' % v
            isint = self.is_int(tgt[2])
            kint = '' if isint else '%s.__class__ is int and ' % kt
            if self.is_private(tgt[1]):
                # no metatable, ever: the list (an existing index or an append
                # when the dict is empty, so no key moves), the dict for a
                # string key, else LuaTable.set (key normalisation, deletion)
                a = self.arr_of(t)
                if self.is_append(tgt):
                    # t[#t + 1] = v: the key is the list's length + 1
                    self.out(ind, line, 'if %snot %s.hash:' % (vcond[5:] + ' and ' if vcond
                                                                else '', t))
                    self.out(ind + 1, line, '%s.append(%s)' % (a, v))
                    self.out(ind, line, 'else:')
                    self.out(ind + 1, line, '%s.set(%s, %s)' % (t, kt, v))
                    return
                if tgt[2][:1] == ['local'] and (t, str(tgt[2][1])) in self.fn.fastix:
                    # loop versioning: the guard saw this index in the list
                    self.out(ind, line, '%s[%s - 1] = %s' % (a, kt, v))
                    return
                lo = self.lower_of(tgt[2]) if isint else None
                self.out(ind, line, 'if %s%s%s <= len(%s)%s:' % (
                    kint, '' if lo is not None and lo >= 1 else '0 < ', kt, a, vcond))
                self.out(ind + 1, line, '%s[%s - 1] = %s' % (a, kt, v))
                self.out(ind, line, 'elif %s%s == len(%s) + 1%s and not %s.hash:' % (
                    kint, kt, a, vcond, t))
                self.out(ind + 1, line, '%s.append(%s)' % (a, v))
                if not isint:
                    self.out(ind, line, 'elif %s.__class__ is bytes%s:' % (kt, vcond))
                    self.out(ind + 1, line, '%s.hash[%s] = %s' % (t, kt, v))
                self.out(ind, line, 'else:')
                self.out(ind + 1, line, '%s.set(%s, %s)' % (t, kt, v))
                return
            self.out(ind, line, 'if %s.__class__ is LuaTable and %s.meta is None%s:' % (
                t, t, vcond))
            self.out(ind + 1, line, 'if %s0 < %s <= len(%s := %s.arr):' % (kint, kt, a, t))
            self.out(ind + 2, line, '%s[%s - 1] = %s' % (a, kt, v))
            # (the list bound again: an integer key below 1 stops the chain
            # above before it binds it)
            self.out(ind + 1, line, 'elif %s%s == len(%s := %s.arr) + 1 and not %s.hash:' % (
                kint, kt, a, t, t))
            self.out(ind + 2, line, '%s.append(%s)' % (a, v))
            self.out(ind + 1, line, 'else:')
            self.out(ind + 2, line, '_setixv(%s, %s, %s, %r)' % (t, kt, v, d))
            self.out(ind, line, 'else:')
            self.out(ind + 1, line, '%s(%s, %s, %s, %r)' % (setix, t, kt, v, d))
        else:
            raise _te(self.chunk, line, 'bad assignment target %s' % k)

    def stmt(self, s: Any, ind: int, stmts: List[Any], i: int,
             closes: List[Tuple[str, int]]) -> None:
        k = str(s[0])
        ln = int(s[1])
        self.pending: List[Tuple[str, Any]] = getattr(self, 'pending', [])
        mark = len(self.lines)

        def fin() -> None:
            # nested function definitions go before the statement using them
            if self.pending:
                body = self.lines[mark:]
                del self.lines[mark:]
                self.flush_pending(ind, ln)
                self.lines.extend(body)

        if k == 'local':
            names = [str(x) for x in s[2]]
            attribs = [str(a) for a in s[3][1:]] if len(s[3]) > 1 else []
            vals = s[4]
            for nm, a in zip(names, attribs):
                if a == 'close' and nm in ():
                    pass
            if len(names) == 1 and len(vals) == 1:
                v = self.ex(vals[0])        # one value (of a call: its first)
                self.assign(['local', names[0]], v, ind, ln, decl=True)
            elif len(names) == len(vals) and not any(self.multi(v) for v in vals):
                t = self.t()
                self.out(ind, ln, '%s = (%s,)' % (t, ', '.join(self.ex(v) for v in vals)))
                for j, nm in enumerate(names):
                    self.assign(['local', nm], '%s[%d]' % (t, j), ind, ln, decl=True)
            else:
                t = self.t()
                self.out(ind, ln, '%s = _adj(%d, %s)' % (t, len(names), self.tuple_of(list(vals))))
                for j, nm in enumerate(names):
                    self.assign(['local', nm], '%s[%d]' % (t, j), ind, ln, decl=True)
            fin()
            for nm, a in zip(names, attribs):
                if a == 'const':
                    self.fn.consts[nm] = True
                if a == 'close':
                    self.fn.consts[nm] = True
                    v = self.var(nm)
                    self.out(ind, ln, 'close_check(%s, %r)' % (v, _luaname(nm)))
                    closes.append((v, -1))
            return
        if k == 'set':
            tgts, vals = s[2], s[3]
            if len(tgts) == 1 and len(vals) == 1 and str(tgts[0][0]) != 'index':
                self.assign(tgts[0], self.ex(vals[0]), ind, ln)
                fin()
                return
            pres: List[Optional[List[str]]] = []
            assigned = {str(t[1]) for t in tgts if str(t[0]) == 'local'}
            for tg in tgts:
                if str(tg[0]) == 'index' and len(tgts) == 1 and self.is_append(tg):
                    # t[#t + 1] on a private table: the key is computed where
                    # needed (the value cannot change #t: nothing else sees t)
                    pres.append([self.ex(tg[1]), 'len(%s) + 1' % self.arr_of(self.ex(tg[1]))])
                elif str(tg[0]) == 'index':
                    pre = []
                    for sub in (tg[1], tg[2]):
                        if self.simple(sub) and not (str(sub[0]) == 'local'
                                                     and str(sub[1]) in assigned):
                            pre.append(self.ex(sub))
                        else:
                            tmp = self.t()
                            self.out(ind, ln, '%s = %s' % (tmp, self.ex(sub)))
                            pre.append(tmp)
                    pres.append(pre)
                else:
                    pres.append(None)
            if len(tgts) == 1 and len(vals) == 1:
                vexpr = self.ex(vals[0])
                self.assign(tgts[0], vexpr, ind, ln, pres[0])
                fin()
                return
            t = self.t()
            self.out(ind, ln, '%s = _adj(%d, %s)' % (t, len(tgts), self.tuple_of(list(vals))))
            for j in range(len(tgts) - 1, -1, -1):
                self.assign(tgts[j], '%s[%d]' % (t, j), ind, ln, pres[j])
            fin()
            return
        if k == 'expr':
            e = s[2]
            self.check_call(e, ln)
            ins = self.private_insert(e)
            if ins is not None:
                self.out(ind, ln, ins)
                fin()
                return
            self.discard = e
            self.yield_parts = None
            text = self.exm(e) if self.multi(e) else self.ex(e)
            self.discard = None
            if self.yield_parts is not None:
                # coroutine.yield(...) as a statement, its site's cache
                # proved: the yield under an if, the value the resume sends
                # tested, not kept (a fast generic for sends None)
                c, yr, yv, yt, full = self.yield_parts
                self.yield_parts = None
                self.out(ind, ln, 'if %s[2]:' % c)
                self.out(ind + 1, ln, 'if (%s := (yield %s)) is not None and '
                         '%s.__class__ is _Foreign:' % (yr, yv, yr))
                self.out(ind + 2, ln, '_yret(%s, %s)' % (yr, yt))
                self.out(ind, ln, 'else:')
                self.out(ind + 1, ln, full)
            else:
                self.out(ind, ln, text)
            fin()
            return
        if k == 'do':
            self.out(ind, ln, 'if True:  # do')
            fin()
            self.block(s[2][1:], ind + 1)
            return
        if k == 'return' and self.boundary and self.fn is not None and self.fn.parent is None:
            # the entry's own return: converted for the bridge (Boundary.results_out)
            es = s[2:]
            if len(es) == 0:
                self.out(ind, ln, 'return None')
            elif len(es) == 1 and self.plain_value(es[0]):
                self.out(ind, ln, 'return ' + self.ex(es[0]))
            elif len(es) == 1 and not self.multi(es[0]):
                r = self.t()
                self.out(ind, ln, 'return (%s if (%s := %s).__class__ in _PLAIN else _OUT(%s))' % (
                    r, r, self.ex(es[0]), r))
            elif len(es) == 1:
                self.out(ind, ln, 'return _OUT(%s)' % self.exm(es[0]))
            else:
                self.out(ind, ln, 'return _OUT(retv(%s))' % self.tuple_of(list(es)))
            fin()
            return
        if k == 'return' and len(s) == 3 and self.fn is not None \
                and getattr(self.fn, 'tail_loop', False) and not self.loops \
                and _tail_self_call(s[2], self.fn.tail_callees, len(self.fn.params)):
            # a tail call of the function itself: the loop again (emit_one);
            # through the global, while the global's raw value is the function
            ps = self.fn.params
            sub = ind
            if str(s[2][0]) == 'method':
                # the method looked up once, before the arguments (OP_SELF)
                e = s[2]
                to, tf = self.t(), self.t()
                name = _mname(e[2])
                self.out(ind, ln, '%s = %s' % (to, self.ex(e[1])))
                self.out(ind, ln, '%s = _mlook(%s, %r, %r)' % (tf, to, name, self.desc(e[1])))
                self.out(ind, ln, 'if %s is %s:  # (the method is this function)'
                         % (tf, self.fn.tail_self))
                vals = [to] + [self.ex(a) for a in e[3:]]
                self.out(ind + 1, ln, '%s = %s  # (a tail call of itself)' % (
                    ', '.join('L_%s' % p for p in ps), ', '.join(vals)))
                self.out(ind + 1, ln, 'continue')
                args = self.arglist(e[3:])
                self.out(ind, ln, 'return _invokef(%s, %r, %s%s)' % (
                    tf, name, to, ', ' + args if args else ''))
                fin()
                return
            if str(s[2][1][0]) == 'global':
                self.out(ind, ln, 'if _ENVget(%r) is %s:  # (the global holds this function)'
                         % (_gname(str(s[2][1][1])).encode(), self.fn.tail_self))
                sub = ind + 1
            if ps:
                vals = [self.ex(a) for a in s[2][2:]]
                self.out(sub, ln, '%s = %s  # (a tail call of itself)' % (
                    ', '.join('L_%s' % p for p in ps), ', '.join(vals)))
            self.out(sub, ln, 'continue')
            if sub == ind:
                fin()
                return
            # else the call as any other call
        if k == 'return':
            es = s[2:]
            if len(es) == 0:
                self.out(ind, ln, 'return NORES')
            elif len(es) == 1:
                e = es[0]
                if self.multi(e):
                    self.out(ind, ln, 'return ' + self.exm(e))
                else:
                    self.out(ind, ln, 'return ' + self.ex(e))
            else:
                self.out(ind, ln, 'return retv(%s)' % self.tuple_of(list(es)))
            fin()
            return
        if k == 'if':
            self.out(ind, ln, 'if %s:' % self.truth(s[2]))
            fin()
            self.block(s[3][1:], ind + 1)
            els = s[4][1:]
            if els:
                if len(els) == 1 and str(els[0][0]) == 'if':
                    # elif chain: emit as else + nested if (keeps pending defs right)
                    pass
                self.out(ind, ln, 'else:')
                self.block(els, ind + 1)
            return
        if k == 'while':
            self.out(ind, ln, 'while %s:' % self.truth(s[2]))
            fin()
            self.after_loop(self.loop_body(s[3][1:], ind + 1, 'while'), ind, ln)
            return
        if k == 'repeat':
            self.out(ind, ln, 'while True:  # repeat')
            fin()
            rec = self.push_loop('repeat')
            body = list(s[2][1:])
            cond = s[3]
            # (repeat LINE BLOCK COND [UNTIL-LINE]): the test's errors are
            # at the condition's line
            self.block(body + [['_until', int(s[4]) if len(s) > 4 else ln, cond]], ind + 1)
            self.loops.pop()
            self.after_loop(rec, ind, ln)
            return
        if k == '_until':
            self.out(ind, ln, 'if %s:  # until' % self.truth(s[2]))
            fin()
            self.jump(self.lua_loop(), 'break', ind + 1, ln)
            return
        if k == 'fornum' and self.fornum_versioned(s, ind, ln, fin):
            return
        if k == 'fornum':
            x = str(s[2])
            start, stop, step = s[3], s[4], s[5]
            args = [self.ex(start), self.ex(stop)]
            if not (isinstance(step, Sym) and step == '_'):
                args.append(self.ex(step))
            if x in self.fn.cells:
                self.out(ind, ln, 'for A_%s in numfor(%s):' % (x, ', '.join(args)))
                fin()
                self.out(ind + 1, ln, 'C_%s = [A_%s]' % (x, x))
            else:
                self.out(ind, ln, 'for L_%s in numfor(%s):' % (x, ', '.join(args)))
                fin()
            lo = self.lower_of(start)
            stp = self.literal(step) if not (isinstance(step, Sym) and step == '_') else ['int', 1]
            known = (lo is not None and stp is not None and str(stp[0]) == 'int' and stp[1] > 0
                     and x not in self.fn.assigned and x not in self.fn.cells
                     and x in self.fn.ints)
            if known:
                self.fn.lower[x] = lo       # an integer loop counts up from its start
            self.after_loop(self.loop_body(s[6][1:], ind + 1, 'for'), ind, ln)
            if known:
                del self.fn.lower[x]
            return
        if k == 'forin':
            names = [str(x) for x in s[2]]
            vals = list(s[3])
            t = self.t()
            if self.fn.gen:
                self.gforin(s, names, vals, t, ind, ln, fin)
                return
            it = self.forin_fast(vals, ind, ln)
            if it is None:
                if len(vals) == 1 and (not self.known_iterator(vals) or
                                       self.is_wrap_call(vals[0])):
                    self.forinw(s, names, vals, t, ind, ln, fin)
                    return
                it = '_forin(%s)' % self.tuple_of(vals)
            guard = it.startswith('_forin')     # may have a to-be-closed value
            if guard:
                itv = self.t()
                self.out(ind, ln, '%s = %s' % (itv, it))
                fin()
                it = itv
                self.out(ind, ln, 'try:')
                ind += 1
            if len(names) == 1:
                self.out(ind, ln, 'for (%s, *_) in %s:' % (t, it))
                fin()
                self.assign(['local', names[0]], t, ind + 1, ln, decl=True)
            else:
                self.out(ind, ln, 'for %s in %s:' % (t, it))
                fin()
                self.out(ind + 1, ln, '%s = _adj(%d, %s)' % (t, len(names), t))
                for j, nm in enumerate(names):
                    self.assign(['local', nm], '%s[%d]' % (t, j), ind + 1, ln, decl=True)
            self.after_loop(self.loop_body(s[4][1:], ind + 1, 'for'), ind, ln)
            if guard:
                # an error leaving the body closes the loop's to-be-closed
                # value with that error, as Lua
                e = self.t()
                self.out(ind - 1, ln, 'except BaseException as %s:' % e)
                self.out(ind, ln, 'if %s.__class__ is _FC:  # (a to-be-closed value)' % it)
                self.out(ind + 1, ln, '%s.err(%s)' % (it, e))
                self.out(ind, ln, 'raise')
                self.out(ind - 1, ln, 'finally:')
                self.out(ind, ln, 'if %s.__class__ is _FC:  # (a break closes it)' % it)
                self.out(ind + 1, ln, '%s.end()' % it)
            return
        if k == 'break':
            self.jump(self.lua_loop(), 'break', ind, ln)
            return
        if k == 'goto':
            lbl = str(s[2])
            for lp in reversed(self.loops):
                if lp['kind'] == 'dispatch' and lbl in lp['labels']:
                    self.out(ind, ln, '%s = %d  # goto %s' % (lp['pc'], lp['labels'][lbl],
                                                             _luaname(lbl)))
                    self.jump(lp, 'continue', ind, ln)
                    return
                if lp.get('continue') == lbl:
                    self.jump(lp, 'continue', ind, ln, '  # goto %s' % _luaname(lbl))
                    return
            raise _te(self.chunk, ln, "goto %s: its label was not found (IR)" % _luaname(lbl))
        if k == 'label':
            return      # labels a goto targets are split out by block()
        if k == 'def':
            tgt = s[2]
            fnode = s[3]
            name = '_f%d' % next(self.tmp)
            if str(tgt[0]) == 'local':
                nm = str(tgt[1])
                # declared before the body (recursion)
                if nm in self.fn.cells:
                    self.out(ind, ln, 'C_%s = [None]' % nm)
                self.emit_nested(fnode, name, ind, ln)
                self.assign(tgt, name, ind, ln, decl=nm not in self.fn.cells)
                return
            pre = None
            if str(tgt[0]) == 'index':
                to, tk = self.t(), self.t()
                self.out(ind, ln, '%s = %s' % (to, self.ex(tgt[1])))
                self.out(ind, ln, '%s = %s' % (tk, self.ex(tgt[2])))
                pre = [to, tk]
            fin()
            self.emit_nested(fnode, name, ind, ln)
            self.assign(tgt, name, ind, ln, pre)
            return
        raise _te(self.chunk, ln, 'unknown IR statement %s' % k)

    def forin_fast(self, vals: List[Any], ind: int, ln: int) -> Optional[str]:
        """The iterator of `for ... in s:gmatch(p)` and `for ... in pairs(t)`
        as luart's generators (the runtime checks that the functions are the
        library's), or None for the generic protocol. The operands are bound
        to temporaries first, in Lua's evaluation order."""
        if len(vals) != 1:
            return None
        e = vals[0]
        if str(e[0]) == 'method' and _mname(e[2]) == b'gmatch' and len(e) == 4 \
                and not self.multi(e[3]):
            ts, tp = self.t(), self.t()
            self.out(ind, ln, '%s = %s' % (ts, self.ex(e[1])))
            self.out(ind, ln, '%s = %s' % (tp, self.ex(e[3])))
            return '_forin_gmatch(%s, %s, %r)' % (ts, tp, self.desc(e[1]))
        if str(e[0]) == 'call' and e[1] == ['global', 'pairs'] and len(e) == 3 \
                and not self.multi(e[2]):
            tf, to = self.t(), self.t()
            self.out(ind, ln, '%s = %s' % (tf, self.ex(e[1])))
            self.out(ind, ln, '%s = %s' % (to, self.ex(e[2])))
            return '_forin_pairs(%s, %s)' % (tf, to)
        return None

    def forinw(self, s: Any, names: List[str], vals: List[Any], t: str, ind: int, ln: int,
               fin: Any) -> None:
        """A generic for over one expression in plain code: over a fresh
        coroutine.wrap function whose body is a translated generator
        returning no values, the loop iterates that generator directly
        (lemit._forinw, docs/translation.md "Coroutines"); the nil check
        and the handlers serve that case, any other iterator runs as
        _forin."""
        it, co, v = self.t(), self.t(), self.t()
        # one plain local: the nil test assigns it (the loop's own variable,
        # out of scope once the loop ends)
        direct = len(names) == 1 and names[0] not in self.fn.cells \
            and names[0] not in self.fn.private
        if direct:
            v = 'L_%s' % names[0]
        accs, known = self.wrap_int_accs(s, names[0]) if direct else (set(), set())
        self.out(ind, ln, '%s, %s = _forinw(%s)' % (it, co, self.tuple_of(vals)))
        fin()
        self.out(ind, ln, 'try:')
        rec: Dict[str, Any] = {'crossed': []}
        if accs:
            # The integer version (docs/translation.md "Fast paths of the
            # generated Python", "Integer version of a wrap-for"): while the
            # values are ints and the locals the body assigns (accs, all
            # integer expressions of ints) were ints at the start, the body
            # knows them; the first value that is not an int is left in tp
            # for the general loop, which goes on with the same iterator.
            # tp is `it` when nothing is left (the end, or a break), the
            # function _forinw when the general loop runs from the start.
            tp = self.t()
            self.out(ind + 1, ln, '%s = %s' % (tp, it))
            self.out(ind + 1, ln, 'if %s:  # (the integer version)' % ' and '.join(
                '%s.__class__ is int' % self.var(a) for a in sorted(accs)))
            # the loop's own variable takes each value directly: one that
            # is not an int is in it only until the general loop assigns
            # it again or ends (the variable is out of scope after the loop)
            self.out(ind + 2, ln, 'for %s in %s:' % (v, it))
            self.out(ind + 3, ln, 'if %s.__class__ is not int:' % v)
            self.out(ind + 4, ln, '%s = %s' % (tp, v))
            self.out(ind + 4, ln, 'break')
            saved = self.fn.ints
            self.fn.ints = saved | known | {names[0]}
            try:
                rec = self.loop_body(s[4][1:], ind + 3, 'for')
            finally:
                self.fn.ints = saved
            self.out(ind + 2, ln, 'else:')
            self.out(ind + 3, ln, 'if %s is not None:' % co)
            self.out(ind + 4, ln, '_fast_ended(%s, %s, _getframe())' % (co, it))
            self.out(ind + 1, ln, 'else:')
            self.out(ind + 2, ln, '%s = _forinw' % tp)
            self.out(ind + 1, ln, 'if %s is not %s:' % (tp, it))
            self.out(ind + 2, ln, 'for %s in ((%s,) if %s is not _forinw else ()):' % (t, tp, tp))
            self.wrap_value(names, t, v, direct, ind + 3, ln)
            one = self.loop_body(s[4][1:], ind + 3, 'for')
            self.out(ind + 2, ln, 'else:')
            ind += 2
            assert not rec['crossed'] and not one['crossed']   # no goto: no jump crosses
        self.out(ind + 1, ln, 'for %s in %s:' % (t, it))
        self.wrap_value(names, t, v, direct, ind + 2, ln)
        rec = self.loop_body(s[4][1:], ind + 2, 'for')
        self.out(ind + 1, ln, 'else:')
        self.out(ind + 2, ln, 'if %s is not None:' % co)
        self.out(ind + 3, ln, '_fast_ended(%s, %s, _getframe())' % (co, it))
        if accs:
            ind -= 2
            assert not rec['crossed']
        self.out(ind, ln, 'except BaseException as _e:')
        self.out(ind + 1, ln, 'if %s is not None:' % co)
        self.out(ind + 2, ln, '_fast_raised(%s, %s, _e, _getframe())' % (co, it))
        self.out(ind + 1, ln, 'elif %s.__class__ is _FC:  # (a to-be-closed value)' % it)
        self.out(ind + 2, ln, '%s.err(_e)' % it)
        self.out(ind + 1, ln, 'raise')
        self.out(ind, ln, 'finally:')
        self.out(ind + 1, ln, 'if %s.__class__ is _FC:  # (a break closes it)' % it)
        self.out(ind + 2, ln, '%s.end()' % it)
        self.after_loop(rec, ind, ln)

    def wrap_value(self, names: List[str], t: str, v: str, direct: bool, ind: int,
                   ln: int) -> None:
        """The loop variables of a wrap-for from the step's value t."""
        if direct:      # an int is one value yielded bare (lcoro.yvals)
            self.out(ind, ln, 'if %s.__class__ is int:' % t)
            self.out(ind + 1, ln, '%s = %s' % (v, t))
            self.out(ind, ln, 'elif not %s or (%s := %s[0]) is None:  # (the first nil '
                     'ends it)' % (t, v, t))
        else:
            self.out(ind, ln, 'if %s.__class__ is int:  # (one value yielded bare)' % t)
            self.out(ind + 1, ln, '%s = (%s,)' % (t, t))
            self.out(ind, ln, 'if not %s or (%s := %s[0]) is None:  # (the first nil ends it)'
                     % (t, v, t))
        self.out(ind + 1, ln, 'break')
        if direct:
            pass
        elif len(names) == 1:
            self.assign(['local', names[0]], v, ind, ln, decl=True)
        else:
            self.out(ind, ln, '%s = _adj(%d, %s)' % (t, len(names), t))
            for j, nm in enumerate(names):
                self.assign(['local', nm], '%s[%d]' % (t, j), ind, ln, decl=True)

    def wrap_int_accs(self, s: Any, v: str) -> Tuple[set, set]:
        """The locals a wrap-for's integer version keeps integer (forinw):
        plain locals of the function (not parameters, cells or private)
        that the body assigns or declares with one value, each only by
        single assignments of integer expressions given the loop variable
        v, the function's integer locals and each other (greatest
        fixpoint). Returns (those declared before the loop, which the
        version's guard tests; all of them). Empty, so no version, when the
        body has a function, goto or label (it is emitted three times),
        assigns or redeclares v, or no local from before the loop is kept."""
        f = self.fn
        if f is None or f.gen or v in f.cells:
            return set()
        assigns: Dict[str, List[Any]] = {}
        bad: set = set()
        ok = [True]

        def walk(n: Any) -> None:
            if not ok[0] or not isinstance(n, list) or not n:
                return
            if not isinstance(n[0], Sym):
                for c in n:
                    walk(c)
                return
            k = str(n[0])
            if k in ('func', 'lambda', 'def', 'goto', 'label'):
                ok[0] = False
                return
            if k == 'set':
                vals = list(n[3])
                for tg in n[2]:
                    if tg[:1] == ['local']:
                        nm = str(tg[1])
                        if len(n[2]) == 1 and len(vals) == 1 and not self.multi(vals[0]):
                            assigns.setdefault(nm, []).append(vals[0])
                        else:
                            bad.add(nm)
            elif k == 'local' and len(n) >= 3:
                names = [str(x) for x in n[2]]
                if len(names) == 1 and len(n) == 5 and len(n[4]) == 1 \
                        and not self.multi(n[4][0]):
                    # declared in the body with a value: an integer from
                    # its declaration on, each iteration, if its values are
                    inner.add(names[0])
                    assigns.setdefault(names[0], []).append(n[4][0])
                else:
                    bad.update(names)
            elif k == 'fornum':
                bad.add(str(n[2]))
            elif k == 'forin':
                bad.update(str(x) for x in n[2])
            for c in n[1:]:
                walk(c)
        inner: set = set()
        walk(s[4][1:])
        if not ok[0] or v in assigns or v in bad:
            return set(), set()
        ints = {nm for nm in assigns if nm not in bad and nm in f.vars and nm not in f.cells
                and nm not in f.params and nm not in f.private}
        changed = True
        while changed:
            changed = False
            for nm in list(ints):
                if not all(self.is_int(e, f.ints | ints | {v}) for e in assigns[nm]):
                    ints.discard(nm)
                    changed = True
        outer = ints - inner
        return (outer, ints) if outer else (set(), set())

    def gforin(self, s: Any, names: List[str], vals: List[Any], t: str, ind: int, ln: int,
               fin: Any) -> None:
        """A generic for in a generator body: an iterator function that may
        yield (a translated one with __luaco__, coroutine.yield itself) runs
        through yield from (_GFor); any other runs as in plain code."""
        it = self.t()
        flag = self.t()
        self.out(ind, ln, '%s = _gforin(%s)' % (it, self.tuple_of(vals)))
        fin()
        self.out(ind, ln, '%s = True' % flag)
        self.out(ind, ln, 'try:')
        self.out(ind + 1, ln, 'while True:  # for ... in')
        self.out(ind + 2, ln, '%s = (yield from %s.step()) if %s.__class__ is _GFor else '
                 'next(%s, None)' % (t, it, it, it))
        self.out(ind + 2, ln, 'if %s is None:' % t)
        self.out(ind + 3, ln, 'break')
        self.out(ind + 2, ln, '%s = _adj(%d, %s)' % (t, len(names), t))
        for j, nm in enumerate(names):
            self.assign(['local', nm], '%s[%d]' % (t, j), ind + 2, ln, decl=True)
        self.after_loop(self.loop_body(s[4][1:], ind + 2, 'for'), ind + 1, ln)
        # the loop's to-be-closed value closes through the chain (its
        # __close may yield), with the error leaving the loop if any
        e = self.t()
        self.out(ind, ln, 'except BaseException as %s:' % e)
        self.out(ind + 1, ln, '%s = False' % flag)
        self.out(ind + 1, ln, 'yield from _gforend(%s, %s)' % (it, e))
        self.out(ind + 1, ln, 'raise')
        self.out(ind, ln, 'finally:')
        self.out(ind + 1, ln, 'if %s:' % flag)
        self.out(ind + 2, ln, 'yield from _gforend(%s, None)' % it)

    # ---- loops and jumps (docs/translation.md "goto")
    # self.loops is the stack of the Python loops of the current function:
    # Lua loops (while, for, repeat) and goto dispatch loops. A break, a goto
    # or an until that must leave more than the innermost Python loop sets
    # _jmp to its number and breaks; after every loop it crossed a check
    # either finishes it (the loop it targets is the enclosing one) or
    # breaks on.

    _NONNIL = ('true', 'false', 'int', 'float', 'str')

    def version_tables(self, s: Any) -> List[str]:
        """The private tables t of the numeric for s whose accesses t[x]
        (x the loop variable) can index the list directly once a guard
        before the loop saw every index of the loop's range inside the
        list: the body has no call, function, goto or label (nothing else
        runs, so nothing reaches t: it is private), assigns neither x nor t,
        and every assignment to an index of t is t[k] = a literal that is
        not nil or an integer expression (such a write never shortens the list: only nil does)."""
        x = str(s[2])
        if self.fn is None or self.fn.gen or x in self.fn.cells or x in self.fn.assigned:
            return []
        found: set = set()
        bad: set = set()
        ok = [True]

        def walk(n: Any) -> None:
            if not ok[0] or not isinstance(n, list) or not n:
                return
            if not isinstance(n[0], Sym):
                for c in n:
                    walk(c)
                return
            k = str(n[0])
            if k in ('call', 'method', 'func', 'lambda', 'goto', 'label', 'def'):
                ok[0] = False
                return
            if k == 'index' and n[1][:1] == ['local'] and self.is_private(n[1]) \
                    and n[2] == ['local', x]:
                found.add(str(n[1][1]))
            if k == 'local' and len(n) >= 3:
                bad.update(str(v) for v in n[2])
            if k == 'set':
                for j, tg in enumerate(n[2]):
                    if tg[:1] == ['local']:
                        bad.add(str(tg[1]))
                    elif tg[:1] == ['index'] and tg[1][:1] == ['local']:
                        if not (len(n[2]) == 1 and len(n[3]) == 1
                                and (str(n[3][0][0]) in self._NONNIL
                                     or self.is_int(n[3][0]))):
                            bad.add(str(tg[1][1]))
            if k == 'fornum':
                bad.add(str(n[2]))
            if k == 'forin':
                bad.update(str(v) for v in n[2])
            for c in n[1:]:
                walk(c)
        walk(s[6][1:])
        if not ok[0]:
            return []
        return sorted(found - bad)

    def fornum_versioned(self, s: Any, ind: int, ln: int, fin: Any) -> bool:
        """Loop versioning of `for x = a, b, c` over private tables t indexed
        by x (version_tables): a, b, c evaluated once, in order; when all
        three are integers and every index of the range is in 1..len of each
        list (c > 0: 1 <= a and b <= len; c < 0: 1 <= b and a <= len), a
        Python range loop whose t[x] is the list's item x - 1 (the lists can
        only grow during the loop), or one slice assignment when the body is
        only t[x] = literal and c > 0; else the general loop (numfor)."""
        tabs = self.version_tables(s)
        if not tabs:
            return False
        x = str(s[2])
        start, stop, step = s[3], s[4], s[5]
        nostep = isinstance(step, Sym) and step == '_'
        stp = ['int', 1] if nostep else self.literal(step)
        if stp is not None and (str(stp[0]) != 'int' or stp[1] == 0):
            return False            # a float or zero step: the general loop
        va, vb = self.t(), self.t()
        self.out(ind, ln, '%s = %s' % (va, self.ex(start)))
        self.out(ind, ln, '%s = %s' % (vb, self.ex(stop)))
        if stp is not None:
            vc = str(int(stp[1]))
            cint = ''
        else:
            vc = self.t()
            self.out(ind, ln, '%s = %s' % (vc, self.ex(step)))
            cint = ' and %s.__class__ is int' % vc
        fin()
        lens = [self.arr_of('L_' + t) for t in tabs]
        up = ' and '.join(['1 <= %s' % va] + ['%s <= len(%s)' % (vb, a) for a in lens])
        down = ' and '.join(['1 <= %s' % vb] + ['%s <= len(%s)' % (va, a) for a in lens])
        if stp is not None:
            cond = up if stp[1] > 0 else down
            stop_py = '%s %s 1' % (vb, '+' if stp[1] > 0 else '-')
        else:
            cond = '(%s > 0 and %s or %s < 0 and %s)' % (vc, up, vc, down)
            stop_py = '(%s + 1 if %s > 0 else %s - 1)' % (vb, vc, vb)
        body = s[6][1:]
        one = body[0] if len(body) == 1 else None
        slice_ = (one is not None and str(one[0]) == 'set' and len(one[2]) == 1
                  and one[2][0] == ['index', ['local', tabs[0]], ['local', x]]
                  and str(one[3][0][0]) in self._NONNIL
                  and (stp is None or stp[1] > 0) and len(tabs) == 1)
        if slice_ and stp is not None and stp[1] == 1:
            # step 1: items past the end are appends, one after the other,
            # as long as no key past the list is in the dict (LuaTable.set)
            # (and at most 2^24 of them at once: a huge range runs the
            # general loop rather than asking for the memory in one go)
            cond = ('1 <= %s <= len(%s) + 1 and (%s <= len(%s) or not L_%s.hash '
                    'and %s <= len(%s) + 0x1000000)' % (va, lens[0], vb, lens[0], tabs[0],
                                                       vb, lens[0]))
        self.out(ind, ln, 'if %s.__class__ is int and %s.__class__ is int%s and %s:'
                 '  # every t[%s] in the list' % (va, vb, cint, cond, _luaname(x)))
        if slice_ and stp is not None and stp[1] == 1:
            self.out(ind + 1, int(one[1]), '%s[%s - 1:%s] = [%s] * (%s - %s + 1 if %s >= %s else 0)' % (
                lens[0], va, vb, self.ex(one[3][0]), vb, va, vb, va))
        elif slice_:
            # the body is t[x] = literal: one slice assignment of as many items
            a = lens[0]
            rng = 'range(%s, %s, %s)' % (va, stop_py if stp is not None else '%s + 1' % vb, vc)
            sl = '%s[%s - 1:%s:%s]' % (a, va, vb, vc)
            if stp is None:
                self.out(ind + 1, ln, 'if %s > 0:' % vc)
                self.out(ind + 2, ln, '%s = [%s] * len(%s)' % (sl, self.ex(one[3][0]), rng))
                self.out(ind + 1, ln, 'else:')
                self.out(ind + 2, ln, 'for L_%s in range(%s, %s, %s):' % (x, va, stop_py, vc))
                self.fast_body(s, tabs, x, ind + 3)
            else:
                self.out(ind + 1, int(one[1]), '%s = [%s] * len(%s)' % (
                    sl, self.ex(one[3][0]), rng))
        else:
            self.out(ind + 1, ln, 'for L_%s in range(%s, %s, %s):' % (x, va, stop_py, vc))
            self.fast_body(s, tabs, x, ind + 2)
        self.out(ind, ln, 'else:')
        self.out(ind + 1, ln, 'for L_%s in numfor(%s, %s, %s):' % (x, va, vb, vc))
        self.numfor_body(s, x, start, stp, ind + 2, ln)
        return True

    def fast_body(self, s: Any, tabs: List[str], x: str, ind: int) -> None:
        saved = self.fn.fastix
        self.fn.fastix = saved | {('L_' + t, x) for t in tabs}
        try:
            self.numfor_body(s, x, s[3], None, ind, int(s[1]))
        finally:
            self.fn.fastix = saved

    def numfor_body(self, s: Any, x: str, start: Any, stp: Any, ind: int, ln: int) -> None:
        lo = self.lower_of(start)
        if stp is None:
            stp = ['int', 1] if isinstance(s[5], Sym) and s[5] == '_' else self.literal(s[5])
        known = (lo is not None and stp is not None and str(stp[0]) == 'int' and stp[1] > 0
                 and x not in self.fn.assigned and x not in self.fn.cells
                 and x in self.fn.ints)
        if known:
            self.fn.lower[x] = lo
        self.after_loop(self.loop_body(s[6][1:], ind, 'for'), ind - 1, ln)
        if known:
            del self.fn.lower[x]

    def push_loop(self, kind: str) -> Dict[str, Any]:
        rec: Dict[str, Any] = {'kind': kind, 'crossed': []}
        self.loops.append(rec)
        return rec

    def lua_loop(self) -> Dict[str, Any]:
        for lp in reversed(self.loops):
            if lp['kind'] != 'dispatch':
                return lp
        raise AssertionError('break outside a loop')

    def jump(self, target: Dict[str, Any], action: str, ind: int, ln: int,
             note: str = '') -> None:
        if target is self.loops[-1]:
            self.out(ind, ln, action + note)
            return
        j = next(self.tmp)
        self.out(ind, ln, '_jmp = %d%s' % (j, note))
        self.out(ind, ln, 'break')
        for lp in reversed(self.loops):
            if lp is target:
                break
            lp['crossed'].append((j, target, action))

    def after_loop(self, rec: Dict[str, Any], ind: int, ln: int) -> None:
        """After the loop rec (emitted at ind): finish or pass on the jumps
        that left it."""
        if not rec['crossed']:
            return
        outer = self.loops[-1] if self.loops else None
        on = False
        for j, target, action in rec['crossed']:
            if target is outer:
                self.out(ind, ln, 'if _jmp == %d:' % j)
                self.out(ind + 1, ln, '_jmp = 0')
                self.out(ind + 1, ln, action)
            else:
                on = True
        if on:
            self.out(ind, ln, 'if _jmp:')
            self.out(ind + 1, ln, 'break')

    def loop_body(self, body: List[Any], ind: int, kind: str) -> Dict[str, Any]:
        lp = self.push_loop(kind)
        # `goto continue`: the last label ending the body is `continue`
        cont = None
        if body and str(body[-1][0]) == 'label':
            cont = lp['continue'] = str(body[-1][2])
        self.block(body, ind, cont)
        self.loops.pop()
        return lp

    def dispatch(self, stmts: List[Any], labels: List[int], ind: int,
                 cont: Optional[str]) -> None:
        """A block with labels that gotos target: a loop over its segments
        (the statements before the first label, then after each label);
        `_pcN` says which segment runs next, a goto sets it and continues."""
        ln = int(stmts[labels[0]][1])
        pc = '_pc%d' % next(self.tmp)
        rec = self.push_loop('dispatch')
        rec['pc'] = pc
        rec['labels'] = {str(stmts[i][2]): n + 1 for n, i in enumerate(labels)}
        segs = [stmts[:labels[0]]]
        for n, i in enumerate(labels):
            segs.append(stmts[i + 1:labels[n + 1]] if n + 1 < len(labels) else stmts[i + 1:])
        self.loops.pop()
        self.out(ind, ln, '%s = 0' % pc)
        self.out(ind, ln, 'while True:  # goto dispatch')
        self.loops.append(rec)
        for n, seg in enumerate(segs):
            sl = int(stmts[labels[n - 1]][1]) if n else ln
            note = '  # ::%s::' % _luaname(str(stmts[labels[n - 1]][2])) if n else ''
            self.out(ind + 1, sl, 'if %s == %d:%s' % (pc, n, note))
            self.block(seg, ind + 2, cont if n == len(segs) - 1 else None)
            if n + 1 < len(segs):
                self.out(ind + 2, self.lines[-1][1], '%s = %d' % (pc, n + 1))
        self.out(ind + 1, self.lines[-1][1], 'break')
        self.loops.pop()
        self.after_loop(rec, ind, self.lines[-1][1])

    def check_call(self, e: Any, ln: int) -> None:
        self.refuse_scan(e, ln)

    def refuse_scan(self, node: Any, ln: int) -> None:
        pass

    # ---- module
    def module(self, mod: Any) -> Tuple[str, str]:
        if str(mod[0]) != 'module':
            raise TranslationError('IR: not a module')
        self.chunk = mod[1].decode('utf-8', 'replace')
        fnode = None
        for part in mod[2:]:
            if isinstance(part, list) and str(part[0]) == 'func':
                fnode = part
        if fnode is None:
            raise TranslationError('IR: no function')
        top = _Func(fnode, None)
        for part in mod[2:]:
            if isinstance(part, list) and part and str(part[0]) == 'fixed':
                self.fixed = {str(u) for u in part[1:]} & set(top.free)
            if isinstance(part, list) and part and str(part[0]) == 'self':
                self.self_name = str(part[1])
        if self.self_name not in self.fixed:
            self.self_name = None
        self.top_node = fnode
        self.scan_refusals(fnode)
        self.top_free = top.free
        self.top_pyname = 'lua_' + top.name.replace('.', '_')
        self.self_single = self.single_result(top)
        self.pending = []
        self.emit_func(fnode, self.top_pyname, 0, top.line)
        if self.entry_twin and id(fnode) not in self.gens:
            self.emit_one(fnode, self.top_pyname + '_entry', 0, top.line, False, boundary=True)
        if self.twin_name:
            self.emit_int_twin(fnode)
        self.lines[:0] = self.factories
        if self.libcaches:      # the call sites' caches of lib.name: [epoch, value(, proof)]
            self.lines[:0] = [(0, top.line, '%s = [None, None%s]  # (cache of a library field)' % (
                c, ', False' if c in self.proofs else '')) for c in self.libcaches]
        return self.render(), self.top_pyname

    def single_result(self, f: '_Func') -> bool:
        """Every return of f gives exactly one value and f cannot end
        without a return (its last statement is one)."""
        body = f.body[1:]
        if not body or str(body[-1][0]) != 'return':
            return False
        stack = [f.body]
        while stack:
            n = stack.pop()
            if not isinstance(n, list) or not n or not isinstance(n[0], Sym):
                continue
            if n[0] == 'func':
                continue
            if n[0] == 'return' and (len(n) != 3 or self.multi(n[2])):
                return False
            stack.extend(n[1:])
        return True

    def scan_refusals(self, node: Any) -> None:
        """Colour the functions that may yield (docs/translation.md): those
        calling coroutine.yield directly, and, to a fixpoint, those calling a
        `local function` of the unit that may yield (self.gens: generators
        with a plain wrapper). Then the twins (self.twins): functions that
        call a value that may yield (anything but the standard library and
        the unit's non-yielding `local function`s) get a plain body for plain
        calls and a generator body (their __luaco__) for calls inside a
        coroutine, so a yield reached through a value suspends the chain."""
        funcs: List[Any] = []
        defs: Dict[str, Any] = {}
        self.scan_assignments(node)

        def walk(n: Any, owner: Any, acc: Dict[int, Any]) -> None:
            if not isinstance(n, list) or not n:
                return
            if isinstance(n[0], Sym) and n[0] == 'func':
                funcs.append(n)
                acc[id(n)] = {'yield': False, 'calls': set(), 'lambdas': set(),
                              'unknown': False}
                for c in n[3:]:
                    walk(c, n, acc)
                return
            if isinstance(n[0], Sym) and n[0] == 'def' and isinstance(n[2], list) \
                    and n[2][0] == 'local':
                defs[str(n[2][1])] = n[3]
            if isinstance(n[0], Sym) and n[0] == 'call' and owner is not None:
                f = n[1]
                if isinstance(f, list) and f[0] == 'index' and f[1] == ['global', 'coroutine'] \
                        and f[2] == ['str', b'yield']:
                    acc[id(owner)]['yield'] = True
                if isinstance(f, list) and f[0] in ('local', 'free'):
                    acc[id(owner)]['calls'].add(str(f[1]))
                if f in (['global', 'pcall'], ['global', 'xpcall']) and len(n) > 2:
                    a = n[2]    # pcall(function ... end) / pcall(f): yields pass through
                    if isinstance(a, list) and a and a[0] == 'lambda':
                        acc[id(owner)]['lambdas'].add(id(a[1]))
                    elif isinstance(a, list) and a and a[0] in ('local', 'free'):
                        acc[id(owner)]['calls'].add(str(a[1]))
                        if str(a[1]) not in self.plain_defs:
                            acc[id(owner)]['unknown'] = True
                    else:
                        acc[id(owner)]['unknown'] = True
                elif not self.nonyield_callee(f):
                    acc[id(owner)]['unknown'] = True
            if isinstance(n[0], Sym) and n[0] == 'method' and owner is not None:
                acc[id(owner)]['unknown'] = True
            if isinstance(n[0], Sym) and owner is not None and self.may_run_metamethod(n):
                acc[id(owner)]['unknown'] = True    # a metamethod may yield (Lua 5.4)
            if isinstance(n[0], Sym) and n[0] == 'forin' and owner is not None \
                    and not self.known_iterator(n[3]):
                acc[id(owner)]['unknown'] = True    # its iterator function may yield
            if isinstance(n[0], Sym) and n[0] == 'local' and owner is not None and len(n) > 4 \
                    and isinstance(n[3], list) and 'close' in [str(a) for a in n[3][1:]]:
                acc[id(owner)]['unknown'] = True    # its __close may yield (Lua 5.4.4)
            for c in n:
                walk(c, owner, acc)
        info: Dict[int, Any] = {}
        walk(node, None, info)
        if self.self_name is not None:
            defs[self.self_name] = node
        gens = {k for k, v in info.items() if v['yield']}
        changed = True
        while changed:
            changed = False
            for fn in funcs:
                if id(fn) in gens:
                    continue
                if info[id(fn)]['lambdas'] & gens:
                    gens.add(id(fn))
                    changed = True
                    continue
                for c in info[id(fn)]['calls']:
                    if c in defs and id(defs[c]) in gens:
                        gens.add(id(fn))
                        changed = True
                        break
        self.gens = gens
        twins = {id(fn) for fn in funcs if id(fn) not in gens and info[id(fn)]['unknown']}
        changed = True
        while changed:
            changed = False
            for fn in funcs:
                if id(fn) in gens or id(fn) in twins:
                    continue
                may = gens | twins
                if info[id(fn)]['lambdas'] & may or any(
                        c in defs and id(defs[c]) in may for c in info[id(fn)]['calls']):
                    twins.add(id(fn))
                    changed = True
        self.twins = twins
        # a local function that may yield is no longer a known plain callee
        self.plain_defs = {nm for nm in self.plain_defs
                           if nm in defs and id(defs[nm]) not in gens | twins}

    def scan_assignments(self, node: Any) -> None:
        """What the unit assigns: globals (a standard function replaced is no
        longer known not to yield), fields of standard library tables, locals
        holding a `local function` (self.plain_defs: those never assigned
        otherwise)."""
        self.assigned_globals: set = set()
        self.mutated_libs: set = set()
        defs: set = set()
        reassigned: set = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if not isinstance(n, list) or not n:
                continue
            if isinstance(n[0], Sym):
                k = n[0]
                tgts: List[Any] = []
                if k == 'set':
                    tgts = list(n[2])
                elif k == 'def':
                    if isinstance(n[3], list) and n[3][:1] == ['func']:
                        self.def_target[id(n[3])] = n[2]
                    if isinstance(n[2], list) and n[2][0] == 'local':
                        defs.add(str(n[2][1]))
                    else:
                        tgts = [n[2]]
                for t in tgts:
                    if not isinstance(t, list):
                        continue
                    if t[0] == 'global':
                        self.assigned_globals.add(_gname(str(t[1])))
                    elif t[0] in ('local', 'free'):
                        reassigned.add(str(t[1]))
                    elif t[0] == 'index' and isinstance(t[1], list) and t[1][0] == 'global':
                        self.mutated_libs.add(_gname(str(t[1][1])))
            stack.extend(n)
        self.plain_defs = defs - reassigned
        self.fixed_defs = set(self.plain_defs)
        if self.self_name is not None:
            self.plain_defs.add(self.self_name)

    def known_iterator(self, explist: Any) -> bool:
        """A generic for's explist whose iterator function cannot yield:
        pairs(...), ipairs(...), next, string.gmatch(...), coroutine.wrap(...),
        utf8.codes(...), io.lines(...) (the unit not replacing them)."""
        if not explist or not isinstance(explist[0], list):
            return False
        e = explist[0]
        if e[0] == 'global':
            return _gname(str(e[1])) == 'next' and self.nonyield_callee(e)
        if e[0] != 'call' or not self.nonyield_callee(e[1]):
            return False
        f = e[1]
        if f[0] == 'global':
            return _gname(str(f[1])) in ('pairs', 'ipairs')
        return f[0] == 'index' and (_gname(str(f[1][1])), f[2][1]) in (
            ('string', b'gmatch'), ('coroutine', b'wrap'), ('utf8', b'codes'), ('io', b'lines'))

    def may_run_metamethod(self, n: Any) -> bool:
        """An operation that may call a metamethod, which may yield: an
        operator (but `not`, `and`, `or`), `#`, a field read or write (but
        of a standard library table the unit does not replace)."""
        k = n[0]
        if k == 'lbin':
            return str(n[1]) not in ('and', 'or')
        if k == 'lun':
            return str(n[1]) != 'not'
        if k == 'index':
            o = n[1]
            if isinstance(o, list) and o and o[0] == 'global':
                lib = _gname(str(o[1]))
                return not ((lib in _LIB_NY or lib == 'coroutine')
                            and lib not in self.assigned_globals
                            and lib not in self.mutated_libs)
            return True
        return False

    @staticmethod
    def is_wrap_call(e: Any) -> bool:
        """e is a call of the global coroutine.wrap."""
        return (isinstance(e, list) and e[0] == 'call' and isinstance(e[1], list)
                and e[1][0] == 'index' and e[1][1] == ['global', 'coroutine']
                and e[1][2] == ['str', b'wrap'])

    def nonyield_callee(self, f: Any, base: Any = _BASE_NY) -> bool:
        """A callee that cannot yield: a standard library function the unit
        does not replace, or a `local function` of the unit (plain_defs,
        narrowed once the colouring is known). A wrong answer here can only
        turn a yield into Lua's loud "attempt to yield across a C-call
        boundary", never into a different result. base: the base functions
        counted (_BASE_STD for the privacy analysis)."""
        if not isinstance(f, list) or not f:
            return False
        if f[0] == 'global':
            nm = _gname(str(f[1]))
            return nm in base and nm not in self.assigned_globals
        if f[0] == 'index' and isinstance(f[1], list) and f[1][0] == 'global' \
                and isinstance(f[2], list) and f[2][0] == 'str':
            lib = _gname(str(f[1][1]))
            if lib in self.assigned_globals or lib in self.mutated_libs:
                return False
            return lib in _LIB_NY or (lib == 'coroutine' and f[2][1] in _CO_NY)
        if f[0] in ('local', 'free'):
            return str(f[1]) in self.plain_defs
        return False

    def render(self) -> str:
        out = []
        for ind, line, text in self.lines:
            out.append('    ' * ind + text + '  # lua %d' % line)
        return '\n'.join(out) + '\n'


def _reline(tree: ast.AST, lines: List[int]) -> None:
    """Every node gets the Lua line of the Python line it is on."""
    for node in ast.walk(tree):
        if hasattr(node, 'lineno'):
            ln = lines[node.lineno - 1]
            end = lines[(getattr(node, 'end_lineno', None) or node.lineno) - 1]
            node.lineno = ln
            node.end_lineno = max(ln, end)
            node.col_offset = 0
            node.end_col_offset = 0
    # a compound statement's own line must not span backwards
    for node in ast.walk(tree):
        if hasattr(node, 'end_lineno') and node.end_lineno < node.lineno:
            node.end_lineno = node.lineno


def _mark_mains(code: Any, names: set) -> None:
    """Declare the code objects named in names (the functions a main chunk
    became: their Lua line is 0, their Python line 1) main chunks, for
    debug.traceback's `in main chunk` (luart.ltraceback)."""
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            if c.co_name in names:
                _lcore.MAINS.add(c)
            _mark_mains(c, names)


_counter = itertools.count(1)
# IR text -> (code, source, name): closures of one Lua function have the same
# IR (their upvalues differ only through the accessor), compiled once
_compiled: Dict[str, Tuple[Any, str, str, List[int]]] = {}


def _nouv(*a: Any) -> Any:
    raise TranslationError('the function has no upvalue accessor')


def compile_ir(text: str, env: Optional[LuaTable] = None, uv: Any = None) -> Tuple[Any, str]:
    """(python function, python source) for an IR text.  env is the global
    table (a luart LuaTable, luart.new_env() when None), uv the upvalue
    accessor uv(i) / uv(i, v)."""
    f, src, fill = compile_ir_late(text, env, uv)
    fill()
    return f, src


def compile_ir_late(text: str, env: Optional[LuaTable] = None,
                    uv: Any = None, live: Any = None) -> Tuple[Any, str, Any]:
    """compile_ir, and a function that reads the fixed upvalues (the
    module's (fixed ...): no Lua statement assigns them, so their value is
    read once, into the generated code's _K<i>) that must be called before
    the function runs (the bridge calls it once the translation is
    registered: reading an upvalue may translate a callee, which may be this
    very function)."""
    hit = _compiled.get(text)
    if hit is not None:
        code, src, pyname, fixed = hit       # another closure of the same function
    else:
        mod = read_ir(text)
        em = Emitter('?', [])
        em.entry_twin = True
        src, pyname = em.module(mod)
        fixed = sorted(em.top_free.index(u) for u in em.fixed)
        luamap = [ln for _, ln, _ in em.lines]
        fname = '<lua %s #%d>' % (em.chunk, next(_counter))
        _lcore.register_chunk(fname, em.chunk)
        tree = ast.parse(src, fname)
        _reline(tree, luamap)
        code = compile(tree, fname, 'exec')
        _mark_mains(code, {text.split('(', 1)[0][4:] for _, ln, text in em.lines
                           if ln == 0 and text.startswith('def ')})
        if len(_compiled) >= 256:
            _compiled.pop(next(iter(_compiled)))
        _compiled[text] = (code, src, pyname, fixed)
    acc = uv or _nouv
    g = _lemit.emit_globals(env if env is not None else luart.new_env(), acc, live)
    exec(code, g)

    def fill() -> None:
        for i in fixed:
            g['_K%d' % i] = acc(i)
    fill.globals = g     # type: ignore[attr-defined]
    fill.entry = g.get(pyname + '_entry')     # type: ignore[attr-defined]
    return g[pyname], src, fill


# the bridge boundary (values, entry, callees, caches): tandem/_luabound.py
from ._luabound import (Boundary, translate_lua, wrap_translated,  # noqa: E402
                        translated_source, _lcache, _refused, _auto, _AUTO_MAX)

__all__ = ['read_ir', 'compile_ir', 'compile_ir_late', 'Emitter', 'Boundary', 'translate_lua',
           'wrap_translated', 'translated_source', '_lcache', '_refused', '_auto',
           '_AUTO_MAX', '_compiled']
