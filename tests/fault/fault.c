/*
 * fault.c — fault injection for `make fault-test` (docs/reliability.md).
 *
 * Linked only into the fault build of the Python extension, with
 * -Wl,--wrap=SYMBOL for every allocation tandem's own code makes: the C
 * heap (malloc, calloc, realloc, strdup, strndup; the Lua allocator
 * tdmL_alloc is tandem code calling realloc, so every allocation of a Lua state
 * tandem made comes here too), libffi closures (ffi_closure_alloc) and the
 * CPython constructors tandem calls (objects, strings, numbers, containers,
 * PyMem). The linker sends tandem's calls to __wrap_X; the interpreters'
 * own calls are untouched.
 *
 * Driven from Python through ctypes (tests/fault/sweep.py):
 *   tdm_fault_arm(n)   fail the n-th wrapped allocation from now (0: never),
 *                      and count from 0
 *   tdm_fault_stop()   fail nothing more (the counts stay)
 *   tdm_fault_count()  wrapped allocations since the last arm
 *   tdm_fault_fired()  1 once the n-th failed
 *   tdm_fault_site(i)  the return address of failure i (a distinct site list)
 *   tdm_fault_last()   the return address of the last failure
 *   tdm_fault_trace(out, n)  its backtrace (return addresses)
 * A failure is what the real function gives when memory runs out: NULL
 * (with MemoryError set for the Python ones, -1 for the int-returning ones).
 * Shrinking reallocs never fail (Lua relies on that).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <ffi.h>
#include <execinfo.h>
#include <malloc.h>
#include <string.h>

#define TDM_FAULT_API __attribute__((visibility("default")))
#define MAX_SITES 4096

static long fault_at;           /* fail the fault_at-th allocation; 0: never */
static long fault_count;
static int fault_fired;
static void *sites[MAX_SITES];
static int nsites;
static void *last_site;
static void *last_trace[24];
static int last_depth;

TDM_FAULT_API void tdm_fault_arm(long n);
TDM_FAULT_API void tdm_fault_stop(void);
TDM_FAULT_API long tdm_fault_count(void);
TDM_FAULT_API int tdm_fault_fired(void);
TDM_FAULT_API int tdm_fault_nsites(void);
TDM_FAULT_API void *tdm_fault_site(int i);
TDM_FAULT_API void *tdm_fault_last(void);
TDM_FAULT_API int tdm_fault_trace(void **out, int n);

void tdm_fault_arm(long n)
{
    fault_at = n;
    fault_count = 0;
    fault_fired = 0;
}

void tdm_fault_stop(void) { fault_at = 0; }
long tdm_fault_count(void) { return fault_count; }
int tdm_fault_fired(void) { return fault_fired; }
int tdm_fault_nsites(void) { return nsites; }
void *tdm_fault_last(void) { return last_site; }

int tdm_fault_trace(void **out, int n)
{
    int k = last_depth < n ? last_depth : n;
    memcpy(out, last_trace, (size_t)k * sizeof *out);
    return k;
}
void *tdm_fault_site(int i) { return i >= 0 && i < nsites ? sites[i] : NULL; }

/* 1 when this allocation must fail; site: the caller in tandem. */
static int hit(void *site)
{
    fault_count++;
    if (fault_at == 0 || fault_count != fault_at) {
        return 0;
    }
    fault_fired = 1;
    last_site = site;
    last_depth = backtrace(last_trace, 24);
    for (int i = 0; i < nsites; i++) {
        if (sites[i] == site) {
            return 1;
        }
    }
    if (nsites < MAX_SITES) {
        sites[nsites++] = site;
    }
    return 1;
}

#define SITE __builtin_return_address(0)

/* ---- live blocks of tandem's C heap, by allocation site ------------------------
   An open-addressing table ptr -> site of every block a wrapped C allocation
   returned and no wrapped free released yet: tdm_fault_live() counts them,
   so a sweep can see a leak of one block per failure, which glibc's totals
   cannot show under the noise of the interpreters' own allocations. */

#define LIVE_BITS 20
#define LIVE_SIZE (1u << LIVE_BITS)
#define TOMB ((void *)1)
static struct { void *p; void *site; } live[LIVE_SIZE];
static long nlive;

static size_t slot_of(void *p)
{
    return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> (64 - LIVE_BITS));
}

static void live_add(void *p, void *site)
{
    if (p == NULL || nlive >= (long)(LIVE_SIZE / 2)) {
        return;
    }
    for (size_t i = slot_of(p);; i = (i + 1) & (LIVE_SIZE - 1)) {
        if (live[i].p == NULL || live[i].p == TOMB) {
            live[i].p = p;
            live[i].site = site;
            nlive++;
            return;
        }
    }
}

static void live_del(void *p)
{
    if (p == NULL) {
        return;
    }
    for (size_t i = slot_of(p); live[i].p != NULL; i = (i + 1) & (LIVE_SIZE - 1)) {
        if (live[i].p == p) {
            live[i].p = TOMB;
            nlive--;
            return;
        }
    }
}

TDM_FAULT_API long tdm_fault_live(void **out, long *counts, int n);

/* The live blocks: their number; with out/counts, up to n distinct sites
   and how many blocks each holds. */
long tdm_fault_live(void **out, long *counts, int n)
{
    int k = 0;
    for (size_t i = 0; out != NULL && i < LIVE_SIZE; i++) {
        if (live[i].p == NULL || live[i].p == TOMB) {
            continue;
        }
        int j = 0;
        while (j < k && out[j] != live[i].site) {
            j++;
        }
        if (j == k) {
            if (k == n) {
                continue;
            }
            out[k] = live[i].site;
            counts[k++] = 0;
        }
        counts[j]++;
    }
    return nlive;
}

/* ---- the C heap --------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

void __real_free(void *p);
void __wrap_free(void *p);

void *__wrap_malloc(size_t n)
{
    void *p = hit(SITE) ? NULL : __real_malloc(n);
    live_add(p, SITE);
    return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
    void *p = hit(SITE) ? NULL : __real_calloc(n, m);
    live_add(p, SITE);
    return p;
}

char *__wrap_strdup(const char *s)
{
    char *p = hit(SITE) ? NULL : __real_strdup(s);
    live_add(p, SITE);
    return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
    char *p = hit(SITE) ? NULL : __real_strndup(s, n);
    live_add(p, SITE);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (n != 0 && (p == NULL || malloc_usable_size(p) < n) && hit(SITE)) {
        return NULL;
    }
    void *q = __real_realloc(p, n);
    if (q != NULL || n == 0) {
        live_del(p);
        live_add(q, SITE);
    }
    return q;
}

void __wrap_free(void *p)
{
    live_del(p);
    __real_free(p);
}

/* ---- libffi --------------------------------------------------------------- */

void *__real_ffi_closure_alloc(size_t size, void **code);
void *__wrap_ffi_closure_alloc(size_t size, void **code);
void *__wrap_ffi_closure_alloc(size_t size, void **code)
{
    return hit(SITE) ? NULL : __real_ffi_closure_alloc(size, code);
}

/* ---- CPython ---------------------------------------------------------------- */

/* A wrapped constructor returning a new reference (NULL + MemoryError). */
#define WRAP_PY(ret, name, params, args)                            \
    ret __real_##name params;                                       \
    ret __wrap_##name params;                                       \
    ret __wrap_##name params                                        \
    {                                                               \
        if (hit(SITE)) {                                            \
            PyErr_NoMemory();                                       \
            return NULL;                                            \
        }                                                           \
        return __real_##name args;                                  \
    }
/* A wrapped raw allocator: NULL and no exception, as the real one (the
   Raw one may run without the GIL). */
#define WRAP_RAW(name, params, args)                                \
    void *__real_##name params;                                     \
    void *__wrap_##name params;                                     \
    void *__wrap_##name params                                      \
    {                                                               \
        return hit(SITE) ? NULL : __real_##name args;               \
    }
/* A wrapped int function (-1 + MemoryError). */
#define WRAP_PYINT(name, params, args)                              \
    int __real_##name params;                                       \
    int __wrap_##name params;                                       \
    int __wrap_##name params                                        \
    {                                                               \
        if (hit(SITE)) {                                            \
            PyErr_NoMemory();                                       \
            return -1;                                              \
        }                                                           \
        return __real_##name args;                                  \
    }

WRAP_PY(PyObject *, PyTuple_New, (Py_ssize_t n), (n))
WRAP_PY(PyObject *, PyList_New, (Py_ssize_t n), (n))
WRAP_PY(PyObject *, PyDict_New, (void), ())
WRAP_PY(PyObject *, PyBytes_FromStringAndSize, (const char *s, Py_ssize_t n), (s, n))
WRAP_PY(PyObject *, PyBytes_FromString, (const char *s), (s))
WRAP_PY(PyObject *, PyUnicode_FromString, (const char *s), (s))
WRAP_PY(PyObject *, PyUnicode_DecodeUTF8, (const char *s, Py_ssize_t n, const char *e), (s, n, e))
WRAP_PY(PyObject *, PyUnicode_FromKindAndData, (int k, const void *b, Py_ssize_t n), (k, b, n))
WRAP_PY(PyObject *, PyFloat_FromDouble, (double d), (d))
WRAP_PY(PyObject *, PyLong_FromLong, (long v), (v))
WRAP_PY(PyObject *, PyLong_FromLongLong, (long long v), (v))
WRAP_PY(PyObject *, PyLong_FromUnsignedLongLong, (unsigned long long v), (v))
WRAP_PY(PyObject *, PyLong_FromSsize_t, (Py_ssize_t v), (v))
WRAP_PY(PyObject *, PyObject_Str, (PyObject *o), (o))
WRAP_PY(PyObject *, PyObject_Repr, (PyObject *o), (o))
WRAP_PY(PyObject *, PySequence_Tuple, (PyObject *o), (o))
WRAP_PY(PyObject *, PyList_AsTuple, (PyObject *o), (o))
WRAP_PY(PyObject *, PyDict_Copy, (PyObject *o), (o))
WRAP_PY(PyObject *, PyDict_Items, (PyObject *o), (o))
WRAP_PY(PyObject *, PyObject_GetIter, (PyObject *o), (o))
WRAP_PY(PyObject *, _PyObject_New, (PyTypeObject *t), (t))
WRAP_PY(PyObject *, _PyObject_GC_New, (PyTypeObject *t), (t))
WRAP_PY(const char *, PyUnicode_AsUTF8AndSize, (PyObject *o, Py_ssize_t *n), (o, n))
WRAP_PYINT(PyDict_SetItem, (PyObject *d, PyObject *k, PyObject *v), (d, k, v))
WRAP_PYINT(PyDict_SetItemString, (PyObject *d, const char *k, PyObject *v), (d, k, v))
WRAP_PYINT(PyList_Append, (PyObject *l, PyObject *v), (l, v))
WRAP_PYINT(PyObject_SetItem, (PyObject *o, PyObject *k, PyObject *v), (o, k, v))
WRAP_PYINT(PySet_Add, (PyObject *s, PyObject *k), (s, k))
WRAP_RAW(PyMem_Malloc, (size_t n), (n))
WRAP_RAW(PyMem_RawCalloc, (size_t n, size_t m), (n, m))
