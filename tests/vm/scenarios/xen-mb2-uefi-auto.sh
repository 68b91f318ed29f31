#!/bin/sh
# description: Xen from a UEFI-booted kernel with no no-real-mode on its command line: kx adds it itself (Xen would call a BIOS that is not there and hang) and says so under -d; Xen boots dom0
# firmware: uefi
# timeout: 300
# until: (XEN) Hardware Dom0 halted
# expect: kexec: added no-real-mode to the command line: Xen started from a UEFI boot
# expect: KX-OK after load: kexec_loaded=1
# expect-re: \(XEN\) Command line: console=com1 com1=115200,8n1 loglvl=all kx\.xen=@APPEND_TOKEN@ no-real-mode$
# expect: *** Building a PV Dom0 ***
# expect-re: Command line: console=hvc0 earlyprintk=xen .*kx\.append=@APPEND_TOKEN@
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
XEN=/boot/xen-4.17-amd64.gz
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all kx.xen=$KX_APPEND_TOKEN"
run kexec -d -l "$XEN" --command-line="$XEN_ARGS" \
	--module "$KX_KERNEL console=hvc0 earlyprintk=xen $KX_APPEND" --module "$KX_INITRD" ||
	fail "kexec -l xen: status $?"
expect_loaded "after load" 1
exec_loaded
