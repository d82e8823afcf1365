"""String processing: words, counts, formatting."""

TEXT = "the quick brown fox jumps over the lazy dog the end"
SEP = ", "


def word_counts(text):
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return counts


def caesar(s, k):
    out = []
    for ch in s:
        if "a" <= ch <= "z":
            out.append(chr((ord(ch) - ord("a") + k) % 26 + ord("a")))
        else:
            out.append(ch)
    return "".join(out)


def report(text):
    counts = word_counts(text)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = ["%-6s %3d" % (w, n) for w, n in top[:4]]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(TEXT))
    print(SEP.join(w.upper() for w in TEXT.split()[:3]))
    print(caesar("hello, world", 3), caesar(caesar("abc xyz", 5), -5))
    print(f"{len(TEXT)=} {TEXT.find('fox')} {TEXT[4:9]!r} {TEXT[::-7]}")
    print(repr("it's"), "a\tb".replace("\t", "->"), "x".join(["1", "2", "3"]))
    print("{:>8}|{:<5}|{:^7}|".format("r", "l", "c"), "%05.1f%%" % 12.345)
    # split() on Python's whitespace beyond ASCII, and on a long string
    wc = word_counts("été\u3000été\xa0hiver \x1c" * 300 + "fin")
    print("|".join("%s=%d" % kv for kv in wc.items()))
    print(len(("a b\tc " * 500).split()), "|".join("x\u2003y z\u200bw\x85v".split()))
