"""python3 -m tandem: the dual REPL (tandem.repl)."""
import sys

from .repl import main

sys.exit(main())
