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
# The line that reports the choice names exactly one syscall (a line like
# "auto (kexec_file_load, else kexec_load)" describes the request, not the outcome).
line=$(grep -E 'kexec_file_load' /tmp/debug | grep -vE 'kexec_load' | grep -v 'kexec_file_load.*kexec_file_load' | head -n 1)
[ -n "$line" ] || line=$(sed 's/kexec_file_load/@/g' /tmp/debug | grep -E 'kexec_load' | grep -v '@' | head -n 1)
if [ -n "$line" ]; then ok "-d names the syscall: $line"
else fail "-d output does not say whether kexec_load or kexec_file_load was used"; fi
expect_loaded "after load" 1
exec_loaded
