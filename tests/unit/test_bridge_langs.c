/*
 * test_bridge_langs.c — the core's start-up and shutdown pieces with a fake
 * language: tdmR_detach, tdmR_close_lang (the close hook), tdmR_expose (one
 * TDM_OP_EXPOSE frame that reports through tdmS_Error), tdmS_set_error.
 */
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "check.h"

static int closed_calls, op_calls, fail_next;
static tdmS_Frame seen;          /* copy of the last frame the op saw */
static char seen_name[64];
static tdm_Value seen_arg1;     /* the frame's args[1] */

static int fake_op(tdmS_Frame *f)
{
    op_calls++;
    f->entered = 1;
    seen = *f;
    seen_arg1 = f->nargs > 1 ? f->args[1] : tdm_nil();
    if (f->nargs > 0 && f->args[0].kind == TDM_STR && f->args[0].u.s.n < sizeof seen_name) {
        memcpy(seen_name, f->args[0].u.s.p, f->args[0].u.s.n);
        seen_name[f->args[0].u.s.n] = '\0';
    }
    if (fail_next) {
        fail_next = 0;
        return tdmS_error(f, TDM_ERRRUN, "fake: cannot expose %s", seen_name);
    }
    return TDM_OK;
}

static void fake_finish(tdmS_Frame *f) { (void)f; }
static void fake_release(tdm_Runtime *rt, void *h) { (void)rt; (void)h; }
static void fake_retain(tdm_Runtime *rt, void *h) { (void)rt; (void)h; }

static void fake_close(tdm_Runtime *rt)
{
    closed_calls++;
    rt->state[TDM_LANG_LUA] = NULL;     /* the table stays until tdmR_detach */
}

static const tdmR_Lang into = {
    .name = "into", .id = TDM_LANG_LUA, .op = fake_op, .finish = fake_finish,
    .release = fake_release, .retain = fake_retain, .close = fake_close,
    .release_name = "Into 1.0",
};
static const tdmR_Lang other = {
    .name = "other", .id = TDM_LANG_PYTHON, .op = fake_op, .finish = fake_finish,
    .release = fake_release, .retain = fake_retain,
};

static void test_detach(void)
{
    tdm_Runtime *rt = tdmR_new();
    int state;
    tdmR_attach(rt, &into, &state);
    CHECK(rt->lang[TDM_LANG_LUA] == &into);
    tdmR_detach(rt, TDM_LANG_LUA);
    CHECK(rt->lang[TDM_LANG_LUA] == NULL);
    CHECK(rt->state[TDM_LANG_LUA] == NULL);
    /* ids out of range are ignored, never written */
    tdmR_detach(rt, TDM_LANG_NONE);
    tdmR_detach(rt, (tdm_LangId)TDM_NLANG);
    tdmR_detach(rt, (tdm_LangId)-1);
    CHECK(rt->lang[TDM_LANG_PYTHON] == NULL);
    tdmR_decref(rt);
}

static void test_close_lang(void)
{
    tdm_Runtime *rt = tdmR_new();
    int state;
    closed_calls = 0;
    tdmR_close_lang(rt, TDM_LANG_LUA);          /* not attached: nothing */
    CHECK_EQ_INT(closed_calls, 0);
    tdmR_attach(rt, &into, &state);
    tdmR_attach(rt, &other, &state);
    tdmR_lock(rt);
    tdmR_close_lang(rt, TDM_LANG_LUA);
    CHECK_EQ_INT(closed_calls, 1);
    CHECK(rt->state[TDM_LANG_LUA] == NULL);
    CHECK(rt->lang[TDM_LANG_LUA] == &into);     /* detaching is a separate step */
    tdmR_close_lang(rt, TDM_LANG_PYTHON);       /* no close hook: nothing */
    CHECK(rt->state[TDM_LANG_PYTHON] == &state);
    tdmR_close_lang(rt, (tdm_LangId)TDM_NLANG);
    tdmR_unlock(rt);
    tdmR_decref(rt);
}

static void test_expose(void)
{
    tdm_Runtime *rt = tdmR_new();
    int state;
    tdmS_Error err = {0};
    /* neither language attached: an error, no frame */
    op_calls = 0;
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "python", 0, &err),
                 TDM_ERRCLOSED);
    CHECK_EQ_INT(err.status, TDM_ERRCLOSED);
    CHECK_CONTAINS(err.message, "not both attached");
    CHECK_EQ_INT(op_calls, 0);
    tdmS_clear_error(rt, &err);
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, NULL, 0, &err), TDM_ERRARG);
    CHECK_EQ_INT(err.status, TDM_ERRARG);
    tdmS_clear_error(rt, &err);
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_NONE, TDM_LANG_PYTHON, "x", 0, &err), TDM_ERRARG);
    tdmS_clear_error(rt, &err);

    tdmR_attach(rt, &into, &state);
    tdmR_attach(rt, &other, &state);
    /* the operation: one frame from the host to `into` */
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "py", TDM_EXPOSE_EVAL, &err),
                 TDM_OK);
    CHECK_EQ_INT(err.status, TDM_OK);
    CHECK(err.message == NULL);
    CHECK_EQ_INT(op_calls, 1);
    CHECK_EQ_INT(seen.op, TDM_OP_EXPOSE);
    CHECK(seen.lang == &into);
    CHECK_EQ_INT(seen.from, TDM_LANG_NONE);
    CHECK_EQ_INT(seen.sub, TDM_EXPOSE_EVAL);
    CHECK_EQ_INT(seen.nargs, 2);
    CHECK_STR(seen_name, "py");
    CHECK_EQ_INT(seen_arg1.kind, TDM_INT);
    CHECK_EQ_INT(seen_arg1.u.i, TDM_LANG_PYTHON);
    CHECK(rt->top == NULL);
    CHECK(!tdmR_held(rt));

    /* a failing op reports through the frame into err */
    fail_next = 1;
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "bad", 0, &err), TDM_ERRRUN);
    CHECK_EQ_INT(err.status, TDM_ERRRUN);
    CHECK_STR(err.message, "fake: cannot expose bad");
    CHECK(!tdmR_held(rt));
    tdmS_clear_error(rt, &err);

    /* a closed runtime: the frame refuses */
    tdmR_close(rt);
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "py", 0, &err), TDM_ERRCLOSED);
    CHECK_CONTAINS(err.message, "closed");
    tdmS_clear_error(rt, &err);
    tdmR_decref(rt);
}

static void test_set_error(void)
{
    tdmS_Error e = {0};
    CHECK_EQ_INT(tdmS_set_error(&e, TDM_ERRMEM, "first"), TDM_ERRMEM);
    CHECK_STR(e.message, "first");
    CHECK_EQ_INT(tdmS_set_error(&e, TDM_ERRARG, "second"), TDM_ERRARG);
    CHECK_STR(e.message, "second");
    CHECK_EQ_INT(e.status, TDM_ERRARG);
    tdmS_set_error(&e, TDM_ERRRUN, NULL);
    CHECK(e.message == NULL);
    tdmS_clear_error(NULL, &e);
}

int main(void)
{
    test_detach();
    test_close_lang();
    test_expose();
    test_set_error();
    return check_summary();
}
