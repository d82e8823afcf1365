enum e { A, B, ... };
static const double f = 1.5e-3, g = (2.);
typedef _Bool bool; typedef int int32_t;
long double a(char16_t, char32_t, FILE *);
struct b; void (*t)(struct b[]);
# 42 "file.h"
