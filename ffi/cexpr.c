/*
 * cexpr.c — constant expressions (evaluated in 64 bits, wrapping, never UB):
 * integer and character literals, declared constants, sizeof/alignof of a
 * type, casts to integer types, unary, binary and conditional operators.
 * Recursion is bounded by the parser's depth limit.
 */
#include <stdint.h>
#include <string.h>

#include <ctype.h>
#include "cexpr.h"

static int parse_cond(P *p, int64_t *v);
static int parse_unary(P *p, int64_t *v);

static int parse_primary(P *p, int64_t *v)
{
    Tok *t = cur(p);
    char name[256], b[64];
    int st;
    if (t->kind == K_NUM) {
        *v = (int64_t)t->num;
        advance(p);
        return TDM_OK;
    }
    if (t->kind == K_FNUM) {
        return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "only integer constants are supported "
                           "(floating constant %.*s)", t->len, t->p);
    }
    if (is_word(t, "sizeof") || is_word(t, "_Alignof") || is_word(t, "__alignof__")) {
        const tdmF_Type *ty;
        int isalign = !is_word(t, "sizeof");
        advance(p);
        if (!isalign && is_punct(cur(p), '(') && peekn(p, 1)->kind == K_STR &&
            is_punct(peekn(p, 2), ')')) {
            /* sizeof("literal"): its bytes and the NUL (escapes count once) */
            const Tok *s = peekn(p, 1);
            int64_t n = 1;
            for (int i = 1; i < s->len - 1; i++, n++) {
                if (s->p[i] == '\\') {
                    i++;
                    if (s->p[i] == 'x') {
                        while (i + 1 < s->len - 1 && isxdigit((unsigned char)s->p[i + 1])) {
                            i++;
                        }
                    } else if (s->p[i] >= '0' && s->p[i] <= '7') {
                        for (int k = 1; k < 3 && i + 1 < s->len - 1 && s->p[i + 1] >= '0' &&
                                        s->p[i + 1] <= '7'; k++) {
                            i++;
                        }
                    }
                }
            }
            advance(p);
            advance(p);
            advance(p);
            *v = n;
            return TDM_OK;
        }
        if ((st = tdmF_cp_expect(p, '(', "after sizeof")) != TDM_OK ||
            (st = tdmF_cp_type_name(p, &ty)) != TDM_OK ||
            (st = tdmF_cp_expect(p, ')', "after the type")) != TDM_OK) {
            return st;
        }
        if (tdmF_sized(ty, isalign ? "alignof" : "sizeof", p->err) != TDM_OK) {
            return tdmF_cp_rerr(p, t);
        }
        *v = (int64_t)(isalign ? ty->align : ty->size);
        return TDM_OK;
    }
    if (t->kind == K_IDENT) {
        const tdmF_Name *n;
        tdmF_cp_tokname(t, name, sizeof name);
        n = tdmF_lookup(p->R, name);
        if (n == NULL || n->kind != TDMF_N_CONST) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "'%s' is not an integer constant", name);
        }
        *v = n->value;
        advance(p);
        return TDM_OK;
    }
    if (accept(p, '(')) {
        if (tdmF_cp_starts_type(p, cur(p))) {       /* a cast */
            const tdmF_Type *ty;
            if ((st = tdmF_cp_type_name(p, &ty)) != TDM_OK ||
                (st = tdmF_cp_expect(p, ')', "after the cast type")) != TDM_OK ||
                (st = tdmF_cp_enter(p)) != TDM_OK) {
                return st;
            }
            st = parse_unary(p, v);
            p->depth--;
            if (st != TDM_OK) {
                return st;
            }
            ty = tdmF_scalar(ty);
            if (ty->kind != TDMF_INT) {
                return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "only casts to integer types are allowed "
                                   "in constant expressions");
            }
            if (ty->size < 8) {
                uint64_t m = ((uint64_t)1 << (ty->size * 8)) - 1, u = (uint64_t)*v & m;
                if ((ty->flags & TDMF_SIGNED) && (u >> (ty->size * 8 - 1))) {
                    u |= ~m;
                }
                *v = (int64_t)u;
            }
            return TDM_OK;
        }
        if ((st = parse_cond(p, v)) != TDM_OK) {
            return st;
        }
        return tdmF_cp_expect(p, ')', "in expression");
    }
    return tdmF_cp_serr(p, t, "expected an integer constant expression, got %s",
                        tdmF_cp_tokdesc(t, b, sizeof b));
}

static int parse_unary(P *p, int64_t *v)
{
    Tok *t = cur(p);
    int st;
    if (t->kind == K_PUNCT && t->punct < 256 && strchr("-+~!", t->punct)) {
        int op = t->punct;
        advance(p);
        if ((st = tdmF_cp_enter(p)) != TDM_OK) {
            return st;
        }
        st = parse_unary(p, v);
        p->depth--;
        if (st != TDM_OK) {
            return st;
        }
        switch (op) {
        case '-': *v = (int64_t)(0 - (uint64_t)*v); break;
        case '~': *v = (int64_t)~(uint64_t)*v; break;
        case '!': *v = !*v; break;
        default: break;
        }
        return TDM_OK;
    }
    return parse_primary(p, v);
}

static int prec(const Tok *t)
{
    if (t->kind != K_PUNCT) {
        return 0;
    }
    switch (t->punct) {
    case P_OR: return 1;
    case P_AND: return 2;
    case '|': return 3;
    case '^': return 4;
    case '&': return 5;
    case P_EQ: case P_NE: return 6;
    case '<': case '>': case P_LE: case P_GE: return 7;
    case P_SHL: case P_SHR: return 8;
    case '+': case '-': return 9;
    case '*': case '/': case '%': return 10;
    default: return 0;
    }
}

static int apply(P *p, const Tok *t, int op, int64_t a, int64_t b, int64_t *r)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case P_OR: *r = a || b; break;
    case P_AND: *r = a && b; break;
    case '|': *r = (int64_t)(ua | ub); break;
    case '^': *r = (int64_t)(ua ^ ub); break;
    case '&': *r = (int64_t)(ua & ub); break;
    case P_EQ: *r = a == b; break;
    case P_NE: *r = a != b; break;
    case '<': *r = a < b; break;
    case '>': *r = a > b; break;
    case P_LE: *r = a <= b; break;
    case P_GE: *r = a >= b; break;
    case '+': *r = (int64_t)(ua + ub); break;
    case '-': *r = (int64_t)(ua - ub); break;
    case '*': *r = (int64_t)(ua * ub); break;
    case P_SHL: case P_SHR:
        if (b < 0 || b > 63) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "shift count %lld out of range", (long long)b);
        }
        *r = op == P_SHL ? (int64_t)(ua << b)
                         : (a < 0 ? (int64_t)~(~ua >> b) : (int64_t)(ua >> b));
        break;
    default:        /* '/' and '%' */
        if (b == 0) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "division by zero in constant expression");
        }
        if (a == INT64_MIN && b == -1) {
            *r = op == '/' ? INT64_MIN : 0;
        } else {
            *r = op == '/' ? a / b : a % b;
        }
        break;
    }
    return TDM_OK;
}

static int parse_binary(P *p, int minprec, int64_t *v)
{
    int st = parse_unary(p, v);
    while (st == TDM_OK && prec(cur(p)) >= minprec) {
        Tok *t = cur(p);
        int pr = prec(t), op = t->punct;
        int64_t rhs;
        advance(p);
        if ((st = tdmF_cp_enter(p)) != TDM_OK) {
            return st;
        }
        st = parse_binary(p, pr + 1, &rhs);
        p->depth--;
        if (st == TDM_OK) {
            st = apply(p, t, op, *v, rhs, v);
        }
    }
    return st;
}

static int parse_cond(P *p, int64_t *v)
{
    int st;
    int64_t a, b;
    if ((st = tdmF_cp_enter(p)) != TDM_OK) {
        return st;
    }
    st = parse_binary(p, 1, v);
    if (st == TDM_OK && accept(p, '?')) {
        if ((st = parse_cond(p, &a)) == TDM_OK &&
            (st = tdmF_cp_expect(p, ':', "in conditional expression")) == TDM_OK &&
            (st = parse_cond(p, &b)) == TDM_OK) {
            *v = *v ? a : b;
        }
    }
    p->depth--;
    return st;
}

int tdmF_cp_expr(P *p, int64_t *v)
{
    return parse_cond(p, v);
}
