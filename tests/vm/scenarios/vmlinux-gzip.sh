#!/bin/sh
# description: the gzip'd ELF vmlinux (vmlinux.gz), no flags: decompressed, recognised as Linux, loaded with kexec_load; stage 2 boots with our initrd and command line
# firmware: bios
# file: @KDIR@/vmlinux.gz /boot/vmlinux.gz
# expect: KX-STAGE1-UP
# expect: KX-OK format: elf-linux
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
kexec --dry-run -l /boot/vmlinux.gz --initrd="$KX_INITRD" --append="$KX_APPEND" > /tmp/plan 2>&1 ||
    fail "kexec --dry-run: status $?"
sed 's/^/  plan: /' /tmp/plan
grep -q '^format: *elf-linux' /tmp/plan && ok "format: elf-linux" || fail "not planned as Linux"
run kexec -l /boot/vmlinux.gz --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
