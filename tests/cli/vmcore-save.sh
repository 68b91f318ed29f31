#!/usr/bin/env bash
# vmcore-save VMCORE-DMESG TEST_SAVE: vmcore-save's command line on the fixture
# core that test_save writes: usage errors, refused options, each format and
# codec, -F/-R, failures that leave DUMPFILE.incomplete, and Debian's
# makedumpfile reading the output (skipped when it is not installed).
set -uo pipefail
save=$(realpath "$1") dmesg=$(realpath "$2") mkcore=$(realpath "$3")
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$mkcore" --write-core core || exit 1
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# check NAME WANT_STATUS WANT_TEXT CMD...: status and a substring of stdout+stderr
check() {
  local name=$1 want=$2 text=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" <<<"$out"; then
    ok "$name"
  else
    bad "$name: status $rc (want $want), output:"; sed 's/^/     /' <<<"$out" | head -20
  fi
}

check "help"            0 "--num-threads" "$save" --help
check "version"         0 "vmcore-save (kx)" "$save" -v
check "no arguments"    2 "give VMCORE and DUMPFILE" "$save"
check "unknown option"  2 "unknown option '--bogus'" "$save" --bogus core out
check "refused --split" 2 "--split is not supported; write one dump file" "$save" --split core a b
check "refused -x"      2 "-x is not supported; no vmlinux is needed" "$save" -x vmlinux core out
check "refused --cyclic-buffer" 2 "--cyclic-buffer is not supported" \
  "$save" --cyclic-buffer 100 core out
check "ELF not compressed" 2 "an ELF dump is not compressed" "$save" -E -c core out
check "bad level"       2 "-d '32': the dump level is a number from 0 to 31" "$save" -d 32 core out
check "bad threads"     2 "--num-threads 'x'" "$save" --num-threads=x core out
# An arm64 core (e_machine 183 at offset 18): refused by name, nothing written.
cp core core-arm64 && printf '\267' | dd of=core-arm64 bs=1 seek=18 conv=notrunc 2>/dev/null
check "arm64 dump refused" 1 "an arm64 dump: vmcore-save saves x86_64 dumps only" \
  "$save" -d 31 core-arm64 out-arm64
[ ! -e out-arm64 ] && [ ! -e out-arm64.incomplete ] && ok "arm64: no output" ||
  bad "arm64: an output was left"
check "missing core"    1 "nope: No such file" "$save" nope out
check "not a core"      1 "not an ELF core file" "$save" "$mkcore" out2
[ ! -e out2.incomplete ] && ok "no output for a bad core" || bad "out2.incomplete left for a bad core"

# Each codec at -d 31: every level applied (no warning), a complete file.
# A build without liblzo2 or libsnappy refuses -l or -p by name.
codecs="-c -z"
for c in -l:lzo -p:snappy; do
  if "$save" --help >/dev/null && out=$("$save" "${c%%:*}" -d 31 core probe 2>&1); then
    codecs="$codecs ${c%%:*}"
  else
    grep -qF "this build has no ${c#*:} support" <<<"$out" && ok "${c%%:*} refused by this build" ||
      bad "${c%%:*}: $out"
  fi
  rm -f probe
done
for c in "" $codecs -E; do
  out=$("$save" $c -d 31 core "dump$c" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [ -s "dump$c" ] && [ ! -e "dump$c.incomplete" ] && [ -z "$out" ]; then
    ok "save $c -d 31"
  else
    bad "save $c -d 31: status $rc: $out"
  fi
done
[ "$(head -c 8 dump-z)" = "KDUMP   " ] && ok "kdump signature" || bad "kdump signature"
# status (offset 424) has only the codec flag: zstd 0x20, complete
[ "$(od -An -tx4 -j424 -N4 dump-z | tr -d ' ')" = 00000020 ] && ok "status zstd, complete" ||
  bad "status: $(od -An -tx4 -j424 -N4 dump-z)"
if [ -e dump-p ]; then
  [ "$(od -An -tx4 -j424 -N4 dump-p | tr -d ' ')" = 00000004 ] && ok "status snappy, complete" ||
    bad "status: $(od -An -tx4 -j424 -N4 dump-p)"
fi

# On a terminal (script(1) gives it one): progress with throughput, ending at 100%.
if command -v script >/dev/null; then
  out=$(script -qec "'$save' -z -d 1 core tty-dump" /dev/null 2>&1)
  if grep -qE "scanned 599 of 599 pages \(100%\), written 449, [0-9.]+ MiB/s" <<<"$out"; then
    ok "progress on a terminal"
  else
    bad "progress on a terminal: $out"
  fi
fi
out=$("$save" -d 1 core quiet 2>&1)
[ -z "$out" ] && ok "quiet without a terminal" || bad "printed without a terminal: $out"
# The fixture's poisoned and offline pages go at any level (the walk runs
# whenever the kernel exports PG_hwpoison, as makedumpfile's does).
check "report on request" 0 "level 17: 601 pages of RAM; left out: 144 zero, 0 cache, 0 private cache, 0 user, 25 free, 1 hwpoison, 1 offline; 430 written" \
  "$save" --message-level=23 -d 17 core report
check "report at -d 31" 0 "level 31: 601 pages of RAM; left out: 138 zero, 5 cache, 1 private cache, 15 user, 25 free, 1 hwpoison, 1 offline; 415 written" \
  "$save" --message-level=23 -d 31 core report31
check "exists"          1 "exists; use -f to overwrite it" "$save" core dump-c
check "overwrite -f"    0 "" "$save" -f -c core dump-c

"$save" -c -d 1 --num-threads=2 core threads2 && cmp -s threads2 <("$save" -F -c -d 1 core | "$save" -R threads-ref && cat threads-ref) &&
  ok "--num-threads=2 equals -F | -R of one thread" || bad "threads or -F/-R output differs"
"$save" -E -d 1 core elf-direct && "$save" -F -E -d 1 core | "$save" -R elf-rebuilt &&
  cmp -s elf-direct elf-rebuilt && ok "-E -F | -R equals -E" || bad "-E -F | -R differs from -E"
"$save" -c -d 1 core single && cmp -s single threads2 && ok "threads identical to single" ||
  bad "--num-threads=2 output differs from a single thread"

# -E output: vmcore-dmesg reads the same log from it as from the core.
"$dmesg" core > log-core
"$dmesg" dump-E > log-elf && cmp -s log-core log-elf && ok "ELF dump: vmcore-dmesg same log" ||
  bad "ELF dump: log differs"
"$save" --dump-dmesg core log-save && cmp -s log-core log-save && ok "--dump-dmesg = vmcore-dmesg" ||
  bad "--dump-dmesg differs from vmcore-dmesg"

# A cut stream and a failed write leave only DUMPFILE.incomplete, status 1.
"$save" -F -c core > flat
head -c 20000 flat > cut
check "cut stream"      1 "no end record" sh -c "'$save' -R cutdump < cut"
[ -e cutdump.incomplete ] && [ ! -e cutdump ] && ok "cut stream left .incomplete" ||
  bad "cut stream: $(ls cutdump*)"
out=$(ulimit -f 64; trap '' XFSZ; "$save" -c core full 2>&1); rc=$?
if [ $rc -eq 1 ] && [ -e full.incomplete ] && [ ! -e full ] &&
   grep -qF "the dump is incomplete: what was written is left in full.incomplete" <<<"$out" &&
   [ $(( 0x$(od -An -tx4 -j424 -N4 full.incomplete | tr -d ' ') & 8 )) -eq 8 ]; then
  ok "failed write: status 1, full.incomplete with the incomplete flag"
else
  bad "failed write: status $rc: $out"
fi

# Debian's makedumpfile reads what vmcore-save writes (1.7.2 has no zstd).
if command -v makedumpfile >/dev/null; then
  for c in "" -c $(grep -ow -- -l <<<"$codecs"); do
    rm -f "mlog$c"
    if makedumpfile --dump-dmesg "dump$c" "mlog$c" >/dev/null 2>&1 &&
       grep -qF "this-wraps-the-ring" "mlog$c" && grep -qF "] hello" "mlog$c"; then
      ok "makedumpfile --dump-dmesg reads $c dump"
    else
      bad "makedumpfile --dump-dmesg on $c dump: $(makedumpfile --dump-dmesg "dump$c" x 2>&1 | tail -3)"
    fi
  done
  "$save" -F -c -d 1 core | makedumpfile -R mdf-rebuilt >/dev/null 2>&1
  "$save" -c -d 1 core direct-c
  cmp -s mdf-rebuilt direct-c && ok "makedumpfile -R rebuilds our -F stream" ||
    bad "makedumpfile -R of our -F stream differs from a direct save"
  # -d 16 on the fixture's struct pages: the same free pages as makedumpfile.
  # Compared over pfns 0x2000-0x224f: makedumpfile also drops pages a PT_LOAD
  # has no file bytes for, which /proc/vmcore never has.
  bitmap2() {
    local sub bb
    sub=$(od -An -tu4 -j432 -N4 "$1" | tr -d ' ') bb=$(od -An -tu4 -j436 -N4 "$1" | tr -d ' ')
    dd if="$1" bs=1 skip=$(( (1 + sub + bb / 2) * 4096 + 0x400 )) count=$((0x4a)) 2>/dev/null | od -An -tx1
  }
  makedumpfile -d 16 core mdf-free >/dev/null 2>&1
  "$save" -d 16 core ours-free
  if [ -n "$(bitmap2 ours-free)" ] && [ "$(bitmap2 mdf-free)" = "$(bitmap2 ours-free)" ] &&
     [ "$(bitmap2 ours-free)" != "$(bitmap2 direct-c)" ]; then
    ok "-d 16 leaves out the free pages makedumpfile leaves out"
  else
    bad "-d 16: free pages differ from makedumpfile's"; diff <(bitmap2 mdf-free) <(bitmap2 ours-free)
  fi
  # Each level of the struct page walk on the fixture's table of page kinds
  # (cache, private cache, anonymous, THP, hugetlb, slab, offline, poisoned,
  # tails): the same pages as makedumpfile at the same level. Debian 12's
  # 1.7.2 for levels 2 and 4; levels 8 and 31 need 1.7.3 or later (Debian
  # 13's, fetched by tests/vm/setup.sh): 1.7.2 takes a slab page whose
  # mapping word has bit 0 set for an anonymous one.
  mdf13=$top/tests/vm/cache/trixie/dumptools/makedumpfile
  for d in 2 4 8 31; do
    mdf=makedumpfile
    if [ $d -ge 8 ]; then
      [ -x "$mdf13" ] || { echo "skip -d $d: no Debian 13 makedumpfile in $mdf13"; continue; }
      mdf=$mdf13
    fi
    "$mdf" -d $d core mdf-d$d >/dev/null 2>&1
    "$save" -d $d core ours-d$d
    if [ -n "$(bitmap2 ours-d$d)" ] && [ "$(bitmap2 mdf-d$d)" = "$(bitmap2 ours-d$d)" ]; then
      ok "-d $d leaves out the pages $("$mdf" -v 2>&1 | sed -n 's/^makedumpfile: version \([0-9.]*\).*/\1/p') leaves out"
    else
      bad "-d $d: pages differ from $mdf's"; diff <(bitmap2 mdf-d$d) <(bitmap2 ours-d$d)
    fi
  done
else
  echo "skip makedumpfile checks: makedumpfile not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
