"""FFI call benchmarks from Python: tandem.FFI against cffi ABI mode (Debian's
python3-cffi) and ctypes, in the same process run.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_ffi_py.py [--markdown]

Cases: `int add(int, int)` from the shared library of bench/bench_add.c
(compiled with cc into BUILD/bench/libbenchadd.so when missing, BUILD being
the build directory of the imported tandem), and two C -> callback -> Python
round trips: call_n(cb, 1000) with `int cb(int)`, and qsort of 1000 ints with
a comparator reading through ffi.cast / ctypes pointers. Targets (issue 3):
add at most cffi's time and at most a third of ctypes'.
"""
import ctypes
import os
import subprocess
import sys
import time

import tandem

try:
    import cffi
except ImportError:                 # pragma: no cover - Debian ships python3-cffi
    cffi = None

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(tandem.__file__))))
SRC = os.path.join(HERE, "bench_add.c")
LIB = os.path.join(BUILD, "bench", "libbenchadd.so")
N = 500_000
NSORT = 50
REPEAT = 5


def build_lib():
    if os.path.exists(LIB) and os.path.getmtime(LIB) >= os.path.getmtime(SRC):
        return LIB
    os.makedirs(os.path.dirname(LIB), exist_ok=True)
    subprocess.check_call([os.environ.get("CC", "cc"), "-O2", "-shared", "-fPIC", "-o", LIB, SRC])
    return LIB


def best_of(fns, n):
    """Best ns/op of each fn(n); the implementations take turns, so a noisy
    moment of the machine does not favour one of them."""
    for fn in fns.values():
        fn(min(n, 1000))
    times = {k: [] for k in fns}
    for _ in range(REPEAT):
        for k, fn in fns.items():
            t0 = time.perf_counter_ns()
            fn(n)
            times[k].append(time.perf_counter_ns() - t0)
    return {k: min(v) / n for k, v in times.items()}


def add_loop(add):
    def run(n):
        for i in range(n):
            add(i, 1)
    return run


def case_add():
    lib = build_lib()
    fns = {}
    ffi = tandem.FFI()
    ffi.cdef("int add(int, int);")
    fns["tandem"] = add_loop(ffi.dlopen(lib).add)
    if cffi is not None:
        cf = cffi.FFI()
        cf.cdef("int add(int, int);")
        fns["cffi"] = add_loop(cf.dlopen(lib).add)
    ct = ctypes.CDLL(lib).add
    ct.argtypes = [ctypes.c_int, ctypes.c_int]
    ct.restype = ctypes.c_int
    fns["ctypes"] = add_loop(ct)
    return best_of(fns, N)


def case_callback():
    lib = build_lib()
    decl = "int call_n(int (*f)(int), int n);"
    fns = {}
    ffi = tandem.FFI()
    ffi.cdef(decl)
    tl = ffi.dlopen(lib)
    tcb = ffi.callback("int(int)", lambda x: x)
    fns["tandem"] = lambda n: tl.call_n(tcb, n)
    if cffi is not None:
        cf = cffi.FFI()
        cf.cdef(decl)
        cl = cf.dlopen(lib)
        ccb = cf.callback("int(int)", lambda x: x)
        fns["cffi"] = lambda n: cl.call_n(ccb, n)
    CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)
    kcb = CB(lambda x: x)
    kl = ctypes.CDLL(lib).call_n
    kl.argtypes = [CB, ctypes.c_int]
    kl.restype = ctypes.c_int
    fns["ctypes"] = lambda n: kl(kcb, n)
    return best_of(fns, N // 10)


def case_qsort():
    import random
    data = list(range(1000))
    random.Random(1).shuffle(data)
    out = {}

    def ffi_sort(ffi):
        """The qsort kernel through an FFI object: tandem's or cffi's (the same API)."""
        ffi.cdef("void qsort(void *, size_t, size_t, int(*)(const void *, const void *));")
        C = ffi.dlopen(None)

        @ffi.callback("int(const void *, const void *)")
        def cmp(a, b):
            x = ffi.cast("int *", a)[0]
            y = ffi.cast("int *", b)[0]
            return (x > y) - (x < y)

        def run(n):
            for _ in range(n):
                arr = ffi.new("int[]", data)
                C.qsort(arr, len(data), 4, cmp)
        return run

    def ctypes_sort():
        libc = ctypes.CDLL(None)
        CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                               ctypes.POINTER(ctypes.c_int))

        def py_cmp(a, b):
            x = a[0]
            y = b[0]
            return (x > y) - (x < y)
        cmp = CMP(py_cmp)
        libc.qsort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, CMP]
        libc.qsort.restype = None

        def run(n):
            for _ in range(n):
                arr = (ctypes.c_int * len(data))(*data)
                libc.qsort(arr, len(data), 4, cmp)
        return run

    out["tandem"] = ffi_sort(tandem.FFI())
    if cffi is not None:
        out["cffi"] = ffi_sort(cffi.FFI())
    out["ctypes"] = ctypes_sort()
    return best_of(out, NSORT)


def report(name, res, markdown):
    t = res["tandem"]
    cols = [f"{k} {v:9.1f} ns" for k, v in res.items()]
    ratios = [f"tandem/{k} {t / v:.2f}" for k, v in res.items() if k != "tandem"]
    if markdown:
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in res.values()) + " | "
              + " | ".join(ratios) + " |")
    else:
        print(f"{name:28s} " + "  ".join(cols) + "   " + "  ".join(ratios))


def main():
    markdown = "--markdown" in sys.argv
    if markdown:
        print("| case | tandem ns | cffi ns | ctypes ns | ratios |")
        print("|---|---|---|---|---|")
    report("add(int, int) per call", case_add(), markdown)
    report("C->Python callback per call", case_callback(), markdown)
    report("qsort 1000 ints, py cmp", case_qsort(), markdown)


if __name__ == "__main__":
    main()
