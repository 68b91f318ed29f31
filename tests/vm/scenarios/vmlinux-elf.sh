#!/bin/sh
# description: the ELF vmlinux out of the Debian kernel, no flags: recognised as Linux by its notes; the kernel's kexec_file_load refuses it (-s fails), auto mode uses kexec_load (-d says so), and stage 2 boots with our initrd and command line
# firmware: bios
# file: @KDIR@/vmlinux /boot/vmlinux
# expect: KX-STAGE1-UP
# expect: KX-OK format: elf-linux
# expect-re: ^KX-OK kexec_file_load refuses an ELF vmlinux: .+
# expect: KX-OK auto used kexec_load: kexec: loaded with kexec_load
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
kexec --dry-run -l /boot/vmlinux --initrd="$KX_INITRD" --append="$KX_APPEND" > /tmp/plan 2>&1 ||
    fail "kexec --dry-run: status $?"
sed 's/^/  plan: /' /tmp/plan
grep -q '^format: *elf-linux' /tmp/plan && ok "format: elf-linux" || fail "not planned as Linux"
# The kernel's kexec_file_load takes only bzImages on x86 (it answers ENOEXEC).
if kexec -s -l /boot/vmlinux --initrd="$KX_INITRD" --append="$KX_APPEND" > /tmp/s 2>&1; then
    fail "kexec -s accepted an ELF vmlinux"
else
    ok "kexec_file_load refuses an ELF vmlinux: $(head -n 1 /tmp/s)"
fi
expect_loaded "after -s" 0
# Auto mode does not ask kexec_file_load for a format it cannot take (src/cli/main.c)
# and loads with kexec_load; -d names the syscall used.
echo "+ kexec -d -l /boot/vmlinux --initrd=$KX_INITRD --append=$KX_APPEND"
kexec -d -l /boot/vmlinux --initrd="$KX_INITRD" --append="$KX_APPEND" > /tmp/debug 2>&1 ||
    { sed 's/^/  debug: /' /tmp/debug; fail "kexec -d -l: status $?"; }
sed 's/^/  debug: /' /tmp/debug | tail -n 3
line=$(grep 'loaded with kexec_load' /tmp/debug | head -n 1)
[ -n "$line" ] && ok "auto used kexec_load: $line" || fail "-d does not say kexec_load was used"
expect_loaded "after load" 1
exec_loaded
