#!/bin/sh
# description: arm64: with a kernel loaded, kx refuses a 4 KiB and a 3 MB truncated Image (the EFI stub's PE section table), a file that is no kernel, an empty file, a truncated and a garbage --dtb, through kexec_load and kexec_file_load; the loaded kernel is kept and boots (kexec-tools 2.0.25 accepts a truncated Image and hangs at kexec -e)
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# timeout: 150
# expect: KX-OK after good load: kexec_loaded=1
# expect: KX-OK 4 KiB Image refused
# expect: KX-OK 3 MB Image refused
# expect: KX-OK -s 4 KiB Image refused
# expect: KX-OK junk refused
# expect: KX-OK empty file refused
# expect: KX-OK garbage dtb refused
# expect: KX-OK truncated dtb refused
# expect: KX-OK after bad loads: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "good load: status $?"
expect_loaded "after good load" 1
head -c 4096 "$KX_KERNEL" > /tmp/t4k
head -c 3000000 "$KX_KERNEL" > /tmp/t3m
echo "not a kernel" > /tmp/junk
: > /tmp/empty
echo junk > /tmp/bad.dtb
head -c 3000 /sys/firmware/fdt > /tmp/trunc.dtb
refused() { # what, args...
    what=$1; shift
    if kexec "$@" --append=x 2>/tmp/err; then fail "$what accepted"; return; fi
    cat /tmp/err
    if grep -q "$pat" /tmp/err; then ok "$what refused"; else fail "$what: message lacks '$pat'"; fi
}
pat="PE header says the Image is truncated"; refused "4 KiB Image" -c -l /tmp/t4k
refused "3 MB Image" -c -l /tmp/t3m
refused "-s 4 KiB Image" -s -l /tmp/t4k
pat="not a kernel image"; refused "junk" -c -l /tmp/junk
pat="kexec"; refused "empty file" -c -l /tmp/empty
pat="not a flattened device tree"; refused "garbage dtb" -c -l "$KX_KERNEL" --dtb=/tmp/bad.dtb
pat="truncated or damaged"; refused "truncated dtb" -c -l "$KX_KERNEL" --dtb=/tmp/trunc.dtb
expect_loaded "after bad loads" 1
exec_loaded
