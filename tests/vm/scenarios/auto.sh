#!/bin/sh
# description: no syscall flag: kexec picks one and says which with -d, then boots
# firmware: bios
# expect: KX-STAGE1-UP
# expect-re: ^KX-OK -d names the syscall: .*kexec_(file_)?load
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "+ kexec -d -l $KX_KERNEL --initrd=$KX_INITRD --append=$KX_APPEND"
kexec -d -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" >/tmp/debug 2>&1 ||
    fail "kexec -d -l: status $?"
sed 's/^/  debug: /' /tmp/debug | head -n 80
line=$(grep -Ei 'kexec_file_load|kexec_load' /tmp/debug | head -n 1)
if [ -n "$line" ]; then ok "-d names the syscall: $line"
else fail "-d output does not say whether kexec_load or kexec_file_load was used"; fi
expect_loaded "after load" 1
exec_loaded
