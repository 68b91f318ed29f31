#!/usr/bin/env bash
# The library as users get it: `meson install` into a DESTDIR, examples/kx-plan.c
# built against the installed tree through pkg-config (shared library, then
# static), and its JSON compared with `kexec --dry-run --json` for the same
# arguments on the golden fixtures.
#   install-example.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
unset LD_LIBRARY_PATH   # meson points it at the build tree; the test wants the DESTDIR
build=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/dest
meson install -C "$build" --no-rebuild --destdir "$dest" --quiet >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL meson install"; exit 1; }

opt() { # opt NAME: a meson option's value in the build
  meson introspect --buildoptions "$build" |
    python3 -c "import json,sys; print(next(o['value'] for o in json.load(sys.stdin) if o['name']=='$1'))"
}
prefix=$(opt prefix); libdir=$(opt libdir); includedir=$(opt includedir); sbindir=$(opt sbindir)
case "$libdir" in /*) ;; *) libdir=$prefix/$libdir ;; esac
case "$includedir" in /*) ;; *) includedir=$prefix/$includedir ;; esac
case "$sbindir" in /*) ;; *) sbindir=$prefix/$sbindir ;; esac

pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

for f in "$sbindir/kexec" "$sbindir/vmcore-dmesg" "$sbindir/vmcore-save" "$includedir/kx/kx.h" \
         "$libdir/libkx.a" "$libdir/libkx.so" "$libdir/pkgconfig/kx.pc"; do
  [ -e "$dest$f" ] && ok "installed $f" || bad "not installed: $f"
done
soname=$(readelf -d "$dest$libdir/libkx.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libkx.so.0 ] && ok "soname $soname" || bad "soname is '$soname', want libkx.so.0"

export PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest$libdir/pkgconfig
# The example includes only <kx/kx.h>: no internal header may be reachable.
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Wextra -Werror -o "$work/kx-plan" "$src/examples/kx-plan.c" \
  $(pkg-config --cflags --libs kx) && ok "kx-plan builds with pkg-config (shared)" ||
  bad "kx-plan does not build against the installed tree"
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Wextra -Werror -static -o "$work/kx-plan-static" "$src/examples/kx-plan.c" \
  $(pkg-config --static --cflags --libs kx) && ok "kx-plan builds with pkg-config --static" ||
  bad "kx-plan does not link statically"
export LD_LIBRARY_PATH=$dest$libdir
libs=$(ldd "$work/kx-plan")   # not piped into grep -q: pipefail would see ldd's SIGPIPE
if grep -q "libkx.so.0 => $dest" <<<"$libs"; then ok "kx-plan uses the installed libkx.so.0"
else bad "kx-plan does not resolve libkx.so.0 from the DESTDIR: $(grep kx <<<"$libs")"; fi

python3 "$src/tests/golden/mkfixtures.py" "$work/fx"
fx=$work/fx
compare() { # compare NAME ARGS...: kx-plan ARGS vs kexec --dry-run --json -l ARGS
  local name=$1; shift
  local want got
  want=$("$build/kexec" --dry-run --json -l "$@" 2>&1) || true
  for prog in kx-plan kx-plan-static; do
    got=$("$work/$prog" "$@" 2>&1) || true
    if [ -n "$want" ] && [ "$want" = "$got" ] && grep -q '"segments"' <<<"$want"; then
      ok "$prog $name: same JSON as kexec"
    else
      bad "$prog $name differs:"; diff <(echo "$want") <(echo "$got") | head -5
    fi
  done
}
compare bios-initrd "$fx/bzImage" --initrd="$fx/initrd" --append=console=ttyS0 --sysroot="$fx/sysroot-bios"
compare uefi-initrd "$fx/bzImage" --initrd="$fx/initrd" --append="a b" --sysroot="$fx/sysroot-uefi"
compare bios-plain "$fx/bzImage" --sysroot="$fx/sysroot-bios"
compare crash-bzimage "$fx/bzImage" -p --initrd="$fx/initrd" --sysroot="$fx/sysroot-crash"
compare crash-vmlinux "$fx/vmlinux" -p --append=console=ttyS0 --sysroot="$fx/sysroot-crash"
# -p on a tree without a crash region: both refuse, each in its own words.
if "$work/kx-plan" "$fx/bzImage" -p --sysroot="$fx/sysroot-bios" >/dev/null 2>&1; then
  bad "kx-plan -p without a crash region succeeded"
else ok "kx-plan -p without a crash region fails"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
