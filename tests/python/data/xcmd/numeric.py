"""Integer and float arithmetic, // and % on negatives."""


def divmods(a, b):
    return a // b, a % b, divmod(a, b)


def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


def primes(n):
    sieve = [True] * (n + 1)
    sieve[0] = False
    sieve[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            for j in range(i * i, n + 1, i):
                sieve[j] = False
    return [i for i, p in enumerate(sieve) if p]


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


for a in (7, -7):
    for b in (2, -2):
        print(a, b, divmods(a, b))
print(-7.5 // 2, -7.5 % 2, 7 % -2.5, 2 ** -1, 2 ** 62, -(2 ** 62) * 2)
print(gcd(-48, 18), primes(50), fib(20))
print(1 / 3, 0.1 + 0.2, 1e16, 1e-5, round(2.5), round(3.5), round(-0.5))
print(int("-42"), float("1.5e3"), 10 // 3 * 3 + 10 % 3, abs(-3.0), max(3, 7, 5))
print(sum(x * x for x in range(10)), 7 / 2, 3 >> 1, -3 >> 1, 5 & 3, 5 | 3, 5 ^ 3, ~5)
