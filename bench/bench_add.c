/*
 * bench_add.c — the shared library the ffi benchmarks call: a trivial
 * int add(int, int), and a loop calling a callback n times (the
 * C -> callback round trip).
 */
int add(int a, int b);
int call_n(int (*f)(int), int n);

int add(int a, int b)
{
    return a + b;
}

int call_n(int (*f)(int), int n)
{
    int s = 0;
    for (int i = 0; i < n; i++) {
        s += f(i);
    }
    return s;
}
