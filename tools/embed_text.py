"""Write a text file as a C string constant: embed_text.py NAME IN OUT."""
import sys

name, src, out = sys.argv[1:4]
data = open(src, "rb").read()
lines = ["/* generated from %s by tools/embed_text.py: do not edit */" % src,
         "static const char %s[] =" % name]
for line in data.splitlines(keepends=True):
    esc = "".join("\\%03o" % b if b < 32 or b > 126 or b in (34, 92) else chr(b)
                  for b in line)
    lines.append('    "%s"' % esc)
lines[-1] += ";"
open(out, "w").write("\n".join(lines) + "\n")
