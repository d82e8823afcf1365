"""A test-only compiler of Lua EXPRESSIONS to the Lua IR (LUA_IR.md), so the
back end's tests can state hundreds of cases as `function(a, b) return
EXPR, ... end` without the C front end. Names that are parameters are
`(local x)`, others `(global x)`; `...` is `(vararg)`. Function
expressions are not supported (the hand-written IR cases cover them)."""

import re

_TOK = re.compile(r'''\s*(?:
    (?P<num>0[xX][0-9a-fA-F]+|[0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.\.|\.\.|==|~=|<=|>=|//|<<|>>|::|[-+*/%^#&~|<>=(){}\[\];:,.])
)''', re.X)

_BIN = [
    (['or'], None), (['and'], None),
    (['<', '>', '<=', '>=', '~=', '=='], None), (['|'], None), (['~'], None), (['&'], None),
    (['<<', '>>'], None), (['..'], 'right'), (['+', '-'], None), (['*', '/', '//', '%'], None),
]
_OPN = {'+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '^': 'pow', '//': 'idiv',
        '&': 'band', '|': 'bor', '~': 'bxor', '<<': 'shl', '>>': 'shr', '..': 'concat',
        '==': 'eq', '~=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge'}
_ESC = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0'}


def _irstr(b):
    out = []
    for c in b:
        if c in (34, 92):
            out.append('\\' + chr(c))
        elif 32 <= c < 127:
            out.append(chr(c))
        else:
            out.append('\\x%02x' % c)
    return '"%s"' % ''.join(out)


class _P:
    def __init__(self, src, params):
        self.toks = []
        pos = 0
        src = src.strip()
        while pos < len(src):
            m = _TOK.match(src, pos)
            if not m or m.end() == pos:
                raise SyntaxError('bad token at %r' % src[pos:])
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
        self.toks.append(('eof', None))
        self.i = 0
        self.params = params

    def peek(self):
        return self.toks[self.i]

    def take(self, v=None):
        t = self.toks[self.i]
        if v is not None and t[1] != v:
            raise SyntaxError('expected %s, got %r' % (v, t))
        self.i += 1
        return t

    def explist(self):
        es = [self.expr()]
        while self.peek()[1] == ',':
            self.take()
            es.append(self.expr())
        return es

    def expr(self, lvl=0):
        if lvl == len(_BIN):
            return self.unary()
        ops, assoc = _BIN[lvl]
        a = self.expr(lvl + 1)
        while self.peek()[1] in ops and self.peek()[0] in ('op', 'name'):
            op = self.take()[1]
            b = self.expr(lvl if assoc == 'right' else lvl + 1)
            if op == 'and' or op == 'or':
                a = '(%s %s %s)' % (op, a, b)
            else:
                a = '(lbin %s %s %s)' % (_OPN[op], a, b)
            if assoc == 'right':
                break
        return a

    def unary(self):
        t = self.peek()
        if t[1] in ('not', '-', '#', '~') and t[0] in ('op', 'name'):
            self.take()
            return '(lun %s %s)' % ({'not': 'not', '-': 'unm', '#': 'len', '~': 'bnot'}[t[1]],
                                    self.unary())
        a = self.suffixed()
        if self.peek()[1] == '^':
            self.take()
            return '(lbin pow %s %s)' % (a, self.unary())
        return a

    def string(self, s):
        body = s[1:-1]
        out = bytearray()
        i = 0
        while i < len(body):
            c = body[i]
            if c == '\\':
                e = body[i + 1]
                if e == 'x':
                    out.append(int(body[i + 2:i + 4], 16))
                    i += 4
                    continue
                if e == 'u':
                    j = body.index('}', i)
                    out.extend(chr(int(body[i + 3:j], 16)).encode('utf-8'))
                    i = j + 1
                    continue
                if e.isdigit():
                    m = re.match(r'\d{1,3}', body[i + 1:])
                    out.append(int(m.group()))
                    i += 1 + len(m.group())
                    continue
                out.extend(_ESC[e].encode())
                i += 2
                continue
            out.extend(c.encode('utf-8'))
            i += 1
        return bytes(out)

    def primary(self):
        k, v = self.take()
        if k == 'num':
            if v.lower().startswith('0x'):
                n = int(v, 16) & 0xffffffffffffffff
                return '(int %d)' % (n - (1 << 64) if n >= 1 << 63 else n)
            if re.fullmatch(r'[0-9]+', v) and int(v) < 2**63:
                return '(int %s)' % v
            return '(float %s)' % repr(float(v))
        if k == 'str':
            return '(str %s)' % _irstr(self.string(v))
        if v == '...':
            return '(vararg)'
        if v == 'function':
            return self.function()
        if v in ('nil', 'true', 'false'):
            return '(%s)' % v
        if v == '(':
            e = self.expr()
            self.take(')')
            return '(paren %s)' % e
        if v == '{':
            return self.table()
        if k == 'name':
            return '(local %s)' % v if v in self.params else '(global %s)' % v
        raise SyntaxError('unexpected %r' % v)

    def function(self):
        self.take('(')
        ps = []
        while self.peek()[1] != ')':
            ps.append(self.take()[1])
            if self.peek()[1] == ',':
                self.take()
        self.take(')')
        saved = self.params
        self.params = ps
        body = ''
        if self.peek()[1] == 'return':
            self.take()
            es = self.explist() if self.peek()[1] != 'end' else []
            body = '(return 1 %s)' % ' '.join(es)
        elif self.peek()[1] == 'error':
            body = '(expr 1 %s)' % self.suffixed()
        self.take('end')
        self.params = saved
        pl = ' '.join(p for p in ps if p != '...')
        return ('(lambda (func anon 1 (params %s) (defaults) (vars %s) (cells) (free) (globals) '
                '(flags%s) (block %s)))' % (pl, pl, ' vararg' if '...' in ps else '', body))

    def table(self):
        items = []
        while self.peek()[1] != '}':
            k, v = self.peek()
            if v == '[':
                self.take()
                key = self.expr()
                self.take(']')
                self.take('=')
                items.append('(field %s %s)' % (key, self.expr()))
            elif k == 'name' and self.toks[self.i + 1][1] == '=':
                self.take()
                self.take('=')
                items.append('(field (str "%s") %s)' % (v, self.expr()))
            else:
                items.append('(pos %s)' % self.expr())
            if self.peek()[1] in (',', ';'):
                self.take()
        self.take('}')
        return '(table %s)' % ' '.join(items)

    def args(self):
        k, v = self.peek()
        if k == 'str':
            self.take()
            return ['(str %s)' % _irstr(self.string(v))]
        if v == '{':
            self.take()
            return [self.table()]
        self.take('(')
        if self.peek()[1] == ')':
            self.take()
            return []
        es = self.explist()
        self.take(')')
        return es

    def suffixed(self):
        a = self.primary()
        while True:
            k, v = self.peek()
            if v == '.':
                self.take()
                a = '(index %s (str "%s"))' % (a, self.take()[1])
            elif v == '[':
                self.take()
                a = '(index %s %s)' % (a, self.expr())
                self.take(']')
            elif v == ':':
                self.take()
                name = self.take()[1]
                a = '(method %s "%s" %s)' % (a, name, ' '.join(self.args()))
            elif v == '(' or k == 'str' or v == '{':
                a = '(call %s %s)' % (a, ' '.join(self.args()))
            else:
                return a


def return_ir(params, exprs, chunk='t.lua', vararg=False):
    """IR of `function(params[, ...]) return exprs end`."""
    p = _P(exprs, params)
    es = p.explist() if p.peek()[0] != 'eof' else []
    if p.peek()[0] != 'eof':
        raise SyntaxError('trailing %r' % (p.peek(),))
    ps = ' '.join(params)
    return ('(module "%s" (lang lua) (func f 1 (params %s) (defaults) (vars %s) (cells) '
            '(free) (globals) (flags%s) (block (return 1 %s))))'
            % (chunk, ps, ps, ' vararg' if vararg else '', ' '.join(es)))
