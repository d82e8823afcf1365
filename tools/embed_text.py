"""Write text files, concatenated, as one C string constant:
embed_text.py [--section=S] NAME OUT IN...  (each input starts on a new line).

--section puts the constant in the ELF section S (e.g. .lrodata, which GNU ld
places after .bss in a load segment of its own): a large text read only by a
rare path is then in no mapping that the start faults in, 64 KB windows (or
whole page-cache folios) at a time, since a fault-around window never crosses
a mapping (docs/performance.md, "RSS, the pyrt segment")."""
import sys

args = sys.argv[1:]
section = None
if args and args[0].startswith("--section="):
    section = args.pop(0).split("=", 1)[1]
name, out, srcs = args[0], args[1], args[2:]
data = b""
for src in srcs:
    part = open(src, "rb").read()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    data += part
lines = ["/* generated from %s by tools/embed_text.py: do not edit */" % " ".join(srcs),
         "static const char %s[]%s =" % (
             name, ' __attribute__((section("%s")))' % section if section else "")]
for line in data.splitlines(keepends=True):
    esc = "".join("\\%03o" % b if b < 32 or b > 126 or b in (34, 92) else chr(b)
                  for b in line)
    lines.append('    "%s"' % esc)
lines[-1] += ";"
open(out, "w").write("\n".join(lines) + "\n")
