#!/usr/bin/env python3
"""check-options.py SRCDIR: every option in src/cli/options.c and every image
type in src/formats/*.c and src/arch/*/*.c is documented in doc/kexec.8.scd and completed by
completion/kexec. Fails listing what is missing, so the docs cannot drift."""
import glob
import re
import sys

src = sys.argv[1]
options = open(f"{src}/src/cli/options.c").read()
man = open(f"{src}/doc/kexec.8.scd").read()
comp = open(f"{src}/completion/kexec").read()

long_opts = re.findall(r'\{ "([a-z0-9-]+)", (no|required)_argument', options)
# kexec-tools options kx refuses (the refused[] table): documented, not completed.
opt_consts = dict(re.findall(r'\{ "([a-z0-9-]+)", (?:no|required)_argument, NULL, (\w+) \}',
                             options))
refused_block = re.search(r'refused\[\] = \{(.*?)\n\};', options, re.S)
refused_consts = set(re.findall(r'\{ (OPT_\w+),', refused_block.group(1))) if refused_block else set()
refused = {n for n, c in opt_consts.items() if c in refused_consts}
shorts = re.search(r'getopt_long\([^"]*"([^"]*)"', options).group(1)
shorts = [c for c in shorts if c.isalnum()]
types = []
refused_types = set()  # kexec-tools -t names kx refuses: documented, not completed
for path in glob.glob(f"{src}/src/formats/*.c") + glob.glob(f"{src}/src/arch/*/*.c"):
    text = open(path).read()
    types += re.findall(r'\.name = "([^"]+)"', text)
    for arr in re.findall(r'_aliases\[\] = \{([^}]*)\}', text):
        types += re.findall(r'"([^"]+)"', arr)
    table = re.search(r'kx_type_names\[\] = \{(.*?)\n\};', text, re.S)
    if table:
        for name, fmt in re.findall(r'\{ "([^"]+)", ("[^"]*"|NULL)', table.group(1)):
            types.append(name)
            if fmt == "NULL":
                refused_types.add(name)
if not long_opts or not shorts or not types:
    sys.exit("check-options: found no options or types: did the sources change shape?")

# Completion: the words it offers (its shorts, longs and types lists), and
# the options whose value it handles (case labels).
def comp_list(var):
    # Every assignment: a list may be set per arch (types on aarch64).
    return {w for v in re.findall(rf"\b{var}='([^']*)'", comp) for w in v.split()}
comp_words = comp_list("shorts") | comp_list("longs") | comp_list("types")
case_labels = set()
for line in comp.splitlines():
    if re.match(r"\s*-[-\w |]*\)\s*$", line):
        case_labels |= {w.strip() for w in line.strip().rstrip(")").split("|")}

missing = []
for name, arg in long_opts:
    if f"*--{name}*" not in man:
        missing.append(f"kexec.8.scd: --{name} (as *--{name}*)")
    if name in refused:
        continue
    if f"--{name}" not in comp_words:
        missing.append(f"completion/kexec: --{name}")
    if arg == "required" and f"--{name}" not in case_labels:
        missing.append(f"completion/kexec: --{name} takes a value: no case for it")
for c in shorts:
    if f"*-{c}*" not in man:
        missing.append(f"kexec.8.scd: -{c} (as *-{c}*)")
    if f"-{c}" not in comp_words:
        missing.append(f"completion/kexec: -{c}")
for t in types:
    if t.lower() not in man.lower():
        missing.append(f"kexec.8.scd: image type {t}")
    if t not in comp_words and t not in refused_types:
        missing.append(f"completion/kexec: image type {t}")

if missing:
    print("missing:\n  " + "\n  ".join(missing))
    sys.exit(1)
if not refused or not refused_types:
    sys.exit("check-options: found no refused options or types: did the sources change shape?")
print(f"ok: {len(long_opts)} long options, {len(shorts)} short options, "
      f"{len(types)} image types documented and completed")
