#!/usr/bin/env python3
"""check-libkx.py SRCDIR: every function and enum constant that
include/kx/kx.h exports is documented in doc/libkx.3.scd. Skips (77) when
the header is not in the tree."""
import os
import re
import sys

src = sys.argv[1]
header = f"{src}/include/kx/kx.h"
if not os.path.exists(header):
    print(f"skip: no {header}")
    sys.exit(77)
text = open(header).read()
page = open(f"{src}/doc/libkx.3.scd").read()
names = re.findall(r"KX_EXPORT[^;(]*?\**\b(kx_\w+)\s*\(", text)
names += re.findall(r"^\s*(KX_[A-Z0-9_]+)\s*=", text, re.M)
if not names:
    sys.exit("check-libkx: found no exported names: did the header change shape?")
missing = [n for n in names if not re.search(rf"\b{n}\b", page)]
if missing:
    print("libkx.3.scd does not document:\n  " + "\n  ".join(missing))
    sys.exit(1)
print(f"ok: {len(names)} names of kx.h documented")
