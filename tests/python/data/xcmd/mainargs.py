"""A __main__ block using sys.argv and sys.exit."""
import sys

USAGE = "usage: mainargs N..."


def total(args):
    return sum(int(a) for a in args)


def main(argv):
    if len(argv) < 2:
        print(USAGE)
        print("error: no arguments", file=sys.stderr)
        return 2
    print("args:", argv[1:], "total:", total(argv[1:]), file=sys.stdout)
    return 0


print("module loaded")
if __name__ == "__main__":
    sys.exit(main(sys.argv))
