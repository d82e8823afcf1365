/*
 * ccall.h — libraries, symbols and calls through libffi.
 *
 * Arguments arrive as neutral values and are converted with range checks;
 * a failure names the argument position, the function and the C type:
 *   "argument 2 to 'abs': expected int, got 3000000000 (out of range)"
 *
 * Variadic arguments (after the declared ones) take their C type from the
 * value: an integer is `int` when it fits, else `long long`; a float is
 * `double`; a boolean is `int`; a string is `char *`; nil is `void *` NULL;
 * a cdata keeps its type (integers narrower than int promoted to int, float
 * to double, arrays decay to pointers). Objects of other languages are an
 * error. To pass another C type, pass a cdata of that type (cast/new).
 *
 * errno: set from the thread's saved value before each call and saved
 * after it (tdmF_errno / tdmF_set_errno), like ffi.errno in LuaJIT and cffi.
 */
#ifndef TDM_FFI_CCALL_H
#define TDM_FFI_CCALL_H

#include "cdata.h"

typedef struct tdmF_Lib tdmF_Lib;

/* Open a library (dlopen). NULL or "C": the global namespace of the process
   (libc and everything loaded globally). A bare name "z" is tried as given,
   then as "libz.so". `global`: RTLD_GLOBAL. The library stays loaded until
   the registry is freed; *out is borrowed from the registry. */
TDMI_FUNC int tdmF_lib_open(tdmF_Registry *R, const char *name, int global, tdmF_Lib **out,
                            tdmF_Err *err);
/* A library over a handle the caller got from dlopen (cffi's
   dlopen(handle_cdata)): symbols are looked up in it; tandem never closes
   it, so it must stay open while its functions are in use. */
TDMI_FUNC int tdmF_lib_adopt(tdmF_Registry *R, void *handle, tdmF_Lib **out,
                             tdmF_Err *err);
/* The name it was opened with ("C" for the global namespace). */
TDMI_FUNC const char *tdmF_lib_name(const tdmF_Lib *lib);

/* lib.name: a declared function -> a cdata of function type (callable);
   a declared variable -> a reference cdata to it (read/write through
   tdmF_cd_place); an enum or #define constant -> TDM_INT. *out is owned.
   Errors: not declared, or not found in the library. */
TDMI_FUNC int tdmF_lib_get(tdmF_Registry *R, tdmF_Lib *lib, const char *name, tdm_Value *out,
                           tdmF_Err *err);

/* Call a function cdata (function type, or pointer to function). Results:
   see tdmF_from_c; a char* result stays a cdata pointer. An error raised by
   a callback during the call is returned here, its record in err->cb. */
TDMI_FUNC int tdmF_call(tdmF_Registry *R, tdmF_CData *fn, int nargs, const tdm_Value *args,
                        tdm_Value *result, tdmF_Err *err);
/* The same with an explicit function type and code address; `name` (may
   be NULL) names the function in messages. */
TDMI_FUNC int tdmF_call_ptr(tdmF_Registry *R, const tdmF_Type *fn, void *code,
                            const char *name, int nargs, const tdm_Value *args,
                            tdm_Value *result, tdmF_Err *err);

/* The C type a variadic argument takes (the rule above). */
TDMI_FUNC const tdmF_Type *tdmF_vararg_type(tdmF_Registry *R, const tdm_Value *v,
                                            tdmF_Err *err);

/* errno as the last C call of this thread left it / to pass to the next. */
TDMI_FUNC int tdmF_errno(void);
TDMI_FUNC void tdmF_set_errno(int e);

#if defined(__x86_64__) && !defined(_WIN64)
/*
 * Direct calls (x86-64 SysV). A non-variadic function whose parameters are
 * all integers or pointers (at most 6: all in registers) and whose result is
 * an integer, a pointer or void can be called through a uint64_t function
 * type with every argument widened to 64 bits (sign- or zero-extended, as
 * gcc and clang callers do): the same machine call libffi would make,
 * without interpreting the descriptor. The result is narrowed by the caller.
 */
#define TDMF_DIRECT_MAX 6
#define TDMF_HAVE_DIRECT 1
typedef uint64_t (*tdmF_Fn0)(void);
typedef uint64_t (*tdmF_Fn1)(uint64_t);
typedef uint64_t (*tdmF_Fn2)(uint64_t, uint64_t);
typedef uint64_t (*tdmF_Fn3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*tdmF_Fn4)(uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*tdmF_Fn5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*tdmF_Fn6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static inline uint64_t tdmF_call_direct(void *code, int n, const uint64_t *a)
{
    switch (n) {
    case 0: return ((tdmF_Fn0)code)();
    case 1: return ((tdmF_Fn1)code)(a[0]);
    case 2: return ((tdmF_Fn2)code)(a[0], a[1]);
    case 3: return ((tdmF_Fn3)code)(a[0], a[1], a[2]);
    case 4: return ((tdmF_Fn4)code)(a[0], a[1], a[2], a[3]);
    case 5: return ((tdmF_Fn5)code)(a[0], a[1], a[2], a[3], a[4]);
    default: return ((tdmF_Fn6)code)(a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}
#endif

/* The saved errno of this thread, for call fast paths that save and restore
   it inline (tdmF_errno/tdmF_set_errno are the function forms).
   Initial-exec TLS: a plain %fs-relative access. */
TDMI_DATA _Thread_local int tdmF_tls_errno __attribute__((tls_model("initial-exec")));

#endif /* TDM_FFI_CCALL_H */
