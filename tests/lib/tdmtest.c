/*
 * tdmtest.c — the shared library the ffi tests call: every base type as
 * argument and result, structs by value, varargs, callbacks, globals.
 * Built into build/lib/libtdmtest.so (mk/ffi.mk).
 */
#include <complex.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ID(name, T) T name(T x) { return x; }
ID(t_char, char)
ID(t_schar, signed char)
ID(t_uchar, unsigned char)
ID(t_short, short)
ID(t_ushort, unsigned short)
ID(t_int, int)
ID(t_uint, unsigned int)
ID(t_long, long)
ID(t_ulong, unsigned long)
ID(t_llong, long long)
ID(t_ullong, unsigned long long)
ID(t_i8, int8_t)
ID(t_u8, uint8_t)
ID(t_i16, int16_t)
ID(t_u16, uint16_t)
ID(t_i32, int32_t)
ID(t_u32, uint32_t)
ID(t_i64, int64_t)
ID(t_u64, uint64_t)
ID(t_size, size_t)
ID(t_ssize, ssize_t)
ID(t_intptr, intptr_t)
ID(t_float, float)
ID(t_double, double)
ID(t_bool, bool)
ID(t_ptr, void *)
#undef ID

/* Small integers come back widened correctly (sign or zero extension). */
int t_neg8(void) { return (signed char)-5; }
signed char t_ret_schar(void) { return -7; }
unsigned short t_ret_ushort(void) { return 65535; }
uint64_t t_big_u64(void) { return UINT64_MAX; }

int add(int a, int b) { return a + b; }

double mix(int a, double b, float c, long long d, char e, short f, unsigned char g,
           bool h, uint16_t i, int8_t j)
{
    return a + b + c + (double)d + e + f + g + h + i + j;
}

struct point { int x, y; };
struct point make_point(int x, int y) { struct point p = {x, y}; return p; }
int point_sum(struct point p) { return p.x + p.y; }

struct big { double a, b, c; long d; };
struct big big_scale(struct big b, double k)
{
    struct big r = {b.a * k, b.b * k, b.c * k, (long)(b.d * k)};
    return r;
}

struct withf { float f; char c; };
struct withf withf_make(float f, char c) { struct withf w = {f, c}; return w; }

struct nested { struct point p; char tag; int arr[3]; };
struct nested nested_make(int base)
{
    struct nested n = {{base, base + 1}, 'n', {base * 10, base * 20, base * 30}};
    return n;
}
int nested_sum(struct nested n) { return n.p.x + n.p.y + n.tag + n.arr[0] + n.arr[1] + n.arr[2]; }

int sum_ints(int n, ...)
{
    va_list ap;
    int s = 0;
    va_start(ap, n);
    while (n-- > 0) {
        s += va_arg(ap, int);
    }
    va_end(ap);
    return s;
}

long long sum_llongs(int n, ...)
{
    va_list ap;
    long long s = 0;
    va_start(ap, n);
    while (n-- > 0) {
        s += va_arg(ap, long long);
    }
    va_end(ap);
    return s;
}

double sum_doubles(int n, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, n);
    while (n-- > 0) {
        s += va_arg(ap, double);
    }
    va_end(ap);
    return s;
}

int call_cb(int (*f)(int), int x) { return f(x); }
int call_cb_sum(int (*f)(int), int n)
{
    int s = 0, i;
    for (i = 0; i < n; i++) {
        s += f(i);
    }
    return s;
}
double call_cb_d(double (*f)(double, float), double x) { return f(x, 0.5f); }
struct point call_cb_pt(struct point (*f)(struct point)) { struct point p = {3, 4}; return f(p); }
short call_cb_short(short (*f)(void)) { return f(); }
/* C's view of a callback's pointer result: it writes v through the pointer
   and returns the address it received */
void *call_cb_intptr(int *(*f)(void), int v) { int *p = f(); p[0] = v; return p; }

/* complex numbers (C99 _Complex) as arguments and results */
double _Complex t_cdouble(double _Complex z) { return z; }
float _Complex t_cfloat(float _Complex z) { return z; }
double _Complex cd_mul(double _Complex a, double _Complex b) { return a * b; }
float _Complex cf_make(float re, float im) { return CMPLXF(re, im); }
double cd_abs2(double _Complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }
double _Complex call_cb_cd(double _Complex (*f)(double _Complex), double _Complex z)
{
    return f(z) * 2;
}

void *ret_null(void) { return 0; }
const char *greeting(void) { return "hello from C"; }
void fill_squares(int *a, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        a[i] = i * i;
    }
}

int global_counter = 42;
const char *global_name = "tdm";
/* declared `extern int global_ints[];` by tests: an array whose length only C knows */
int global_ints[8] = {0, 1, 2, 3, 4, 5, 6, 7};
char global_chars[8] = "abc";

int set_errno_to(int e) { errno = e; return -1; }
int get_errno_val(void) { return errno; }

typedef int (*binop)(int, int);
binop get_adder(void) { return add; }

struct bits { unsigned a : 3; int b : 5; unsigned c : 12; char d; };
int bits_b(const struct bits *s) { return s->b; }

/* Calls cb(x) on a new thread and waits for it: a callback arriving from a
   thread the caller's language does not know, while the caller blocks. */
#include <pthread.h>

struct t_thread_call {
    int (*cb)(int);
    int x;
    int result;
};

static void *t_thread_main(void *p)
{
    struct t_thread_call *c = p;
    c->result = c->cb(c->x);
    return NULL;
}

int t_call_cb_in_thread(int (*cb)(int), int x)
{
    struct t_thread_call c = {cb, x, -1};
    pthread_t th;
    if (pthread_create(&th, NULL, t_thread_main, &c) != 0) {
        return -2;
    }
    pthread_join(th, NULL);
    return c.result;
}

/* Calls cb(x) on a new thread once *go is set, stores the result in *out,
   then sets *done; t_join_cb_thread waits for the thread. Lets a test make
   a callback arrive while the caller runs its own language rather than a
   native call (it polls *done from that language). */
static struct {
    pthread_t th;
    int (*cb)(int);
    int x;
    volatile int *go, *out, *done;
} t_async;

static void *t_async_main(void *p)
{
    (void)p;
    while (__atomic_load_n(t_async.go, __ATOMIC_ACQUIRE) == 0) {
    }
    *t_async.out = t_async.cb(t_async.x);
    __atomic_store_n(t_async.done, 1, __ATOMIC_RELEASE);
    return NULL;
}

int t_start_cb_thread(int (*cb)(int), int x, volatile int *go, volatile int *out,
                      volatile int *done)
{
    t_async.cb = cb;
    t_async.x = x;
    t_async.go = go;
    t_async.out = out;
    t_async.done = done;
    return pthread_create(&t_async.th, NULL, t_async_main, NULL) == 0 ? 0 : -1;
}

int t_join_cb_thread(void)
{
    return pthread_join(t_async.th, NULL);
}
