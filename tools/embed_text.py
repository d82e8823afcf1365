"""Write text files, concatenated, as one C string constant:
embed_text.py NAME OUT IN...  (each input starts on a new line)."""
import sys

name, out, srcs = sys.argv[1], sys.argv[2], sys.argv[3:]
data = b""
for src in srcs:
    part = open(src, "rb").read()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    data += part
lines = ["/* generated from %s by tools/embed_text.py: do not edit */" % " ".join(srcs),
         "static const char %s[] =" % name]
for line in data.splitlines(keepends=True):
    esc = "".join("\\%03o" % b if b < 32 or b > 126 or b in (34, 92) else chr(b)
                  for b in line)
    lines.append('    "%s"' % esc)
lines[-1] += ";"
open(out, "w").write("\n".join(lines) + "\n")
