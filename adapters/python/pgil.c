/*
 * pgil.c — whether another thread took the GIL meanwhile.
 *
 * A translated function keeps the GIL while it runs (pcall.c,
 * TDMS_EXCL_KEPT) although other Python threads exist. They can still run
 * whenever Python code runs inside a crossing: CPython's eval loop hands
 * the GIL over at its switch interval. A crossing bumps the epoch, but the
 * read-only host calls of translated code (a global, a module's attribute:
 * lxlate.c, rt.hpure) are counted as pure so the values kept before them
 * stay valid — which holds only if no other thread ran during them. So
 * pops.c asks here, around the Python code of a crossing under a kept GIL,
 * whether the GIL changed hands, and bumps the epoch once more if it did.
 *
 * CPython 3.11 counts the hand-overs (struct _gil_runtime_state,
 * switch_number: incremented when a thread other than the last holder takes
 * the GIL), in its internal headers only. On another version the answer is
 * "always": every such crossing bumps the epoch twice (correct, and the
 * translated code's reads then cross as they did before the kept GIL).
 */
#define PY_SSIZE_T_CLEAN
#define Py_BUILD_CORE_MODULE 1      /* the internal headers ask for it */
#include <Python.h>
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#include "internal/pycore_runtime.h"
#define TDMP_GIL_COUNTED 1
#endif
#include "padapter.h"

unsigned long tdmP_gil_switches(void)
{
#ifdef TDMP_GIL_COUNTED
    return _PyRuntime.ceval.gil.switch_number;     /* read with the GIL held */
#else
    static unsigned long n;
    return ++n;                 /* never the same twice: "it may have" */
#endif
}
