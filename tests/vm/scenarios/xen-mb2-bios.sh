#!/bin/sh
# description: Debian's Xen 4.17 through Multiboot2 (relocated by the planner) from a BIOS-booted kernel, with dom0 kernel and initrd as modules
# firmware: bios
# timeout: 280
# until: (XEN) Hardware Dom0 halted
# expect: KX-OK after load: kexec_loaded=1
# expect-re: \(XEN\) Xen version 4\.17
# expect-re: \(XEN\) Bootloader: kx$
# expect-re: \(XEN\) Command line: console=com1 com1=115200,8n1 loglvl=all kx\.xen=@APPEND_TOKEN@$
# expect-re: \(XEN\) (Multiboot|Xen)-e820 RAM map:
# expect-re: \(XEN\) ACPI: RSDP
# expect: *** Building a PV Dom0 ***
# Under QEMU 10 the PV dom0 gets as far as its console: the module's command
# line reached it. Xen then halts the machine without exiting QEMU (until:).
# expect-re: Command line: console=hvc0 earlyprintk=xen .*kx\.append=@APPEND_TOKEN@
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
XEN=/boot/xen-4.17-amd64.gz
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all kx.xen=$KX_APPEND_TOKEN"
run kexec --dry-run --json -l "$XEN" --command-line="$XEN_ARGS" \
	--module "$KX_KERNEL console=hvc0 earlyprintk=xen $KX_APPEND" --module "$KX_INITRD" ||
	fail "dry run: status $?"
run kexec -d -l "$XEN" --command-line="$XEN_ARGS" \
	--module "$KX_KERNEL console=hvc0 earlyprintk=xen $KX_APPEND" --module "$KX_INITRD" ||
	fail "kexec -l xen: status $?"
expect_loaded "after load" 1
exec_loaded
