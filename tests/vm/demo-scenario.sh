#!/bin/sh
# description: make demo: a Debian kernel loads and executes the next one with kx, live
# firmware: bios
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo
echo "=================== kx demo: the first kernel is up ==================="
echo "uname:   $(uname -a)"
echo "cmdline: $(cat /proc/cmdline)"
echo "kexec:   $(command -v kexec) ($(kexec --version 2>&1 | head -n 1))"
echo "next:    $KX_KERNEL ($(wc -c < "$KX_KERNEL") bytes), initrd $KX_INITRD"
echo
echo "=================== loading the next kernel ==========================="
run kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
echo
echo "=================== executing it: watch for its banner ================"
exec_loaded
