#!/bin/sh
# description: Debian 12's kdump-tools with kx as /sbin/kexec: kdump-config load, status, unload, status, load again (the running kernel and an initrd through Debian's /var/lib/kdump links); after a crash the capture kernel runs kdump-config savecore, which saves the dmesg and a makedumpfile dump (-c -d 31, flattened) on an ext4 disk; the saved dump is rebuilt (-R) and its log read back
# firmware: bios
# qemu-append: crashkernel=256M
# disk: 512 ext4
# timeout: 300
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @CACHE@/kdump-tools/usr/sbin/kdump-config usr/sbin/kdump-config
# file: /lib/lsb/init-functions lib/lsb/init-functions
# file: /lib/lsb/init-functions.d/00-verbose lib/lsb/init-functions.d/00-verbose
# file: @CACHE@/kdump-tools/etc/kdump/sysctl.conf etc/kdump/sysctl.conf
# file: /usr/lib/file/magic.mgc usr/share/misc/magic.mgc
# file: @KDIR@/config boot/kx-config
# host-bin: /usr/bin/file /usr/bin/makedumpfile
# expect: loaded kdump kernel
# expect-re: current state +: ready to kdump
# expect: unloaded kdump kernel
# expect-re: current state +: Not ready to kdump
# expect: KX-OK kdump-config loaded the capture kernel again
# expect-re: kexec command:\s*\n\s*/sbin/kexec -p --command-line=.* --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: saved dmesg content in /var/crash/
# expect: saved vmcore in /var/crash/
# expect: KX-OK the saved dmesg holds the marker
# expect: KX-OK makedumpfile reads the saved dump back: the marker is in it
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p /var/crash && mount "$KX_DISK" /var/crash || { fail "mount $KX_DISK"; exit 1; }

if [ -e /proc/vmcore ]; then
    echo "KX-CAPTURE-UP"
    cat /proc/cmdline
    kdump-config savecore; echo "kdump-config savecore: status $?"
    ls -lR /var/crash
    dmesg_file=$(ls /var/crash/2*/dmesg.* 2>/dev/null | head -n1)
    dump_file=$(ls /var/crash/2*/dump.* 2>/dev/null | head -n1)
    if [ -n "$dmesg_file" ] && grep -q "$KD_MARKER" "$dmesg_file"; then
        ok "the saved dmesg holds the marker"
    else fail "no saved dmesg with $KD_MARKER"; fi
    # kdump-config saves makedumpfile's flattened format (-F): rebuilt with -R.
    if [ -n "$dump_file" ] && makedumpfile -R /tmp/dump.kdump < "$dump_file" &&
       makedumpfile --dump-dmesg /tmp/dump.kdump /tmp/back.txt &&
       grep -q "$KD_MARKER" /tmp/back.txt; then
        ok "makedumpfile reads the saved dump back: the marker is in it ($(wc -c < "$dump_file") bytes)"
    else fail "the saved dump $dump_file does not read back"; fi
    umount /var/crash
    exit 0
fi

# Debian's layout: the running kernel and its config in /boot, the capture
# initrd that the kernel postinst hook would make with mkinitramfs in
# /var/lib/kdump/initrd.img-VERSION; kdump-config makes the links
# /var/lib/kdump/{vmlinuz,initrd.img} itself.
kver=$(uname -r)
ln -s /boot/vmlinuz "/boot/vmlinuz-$kver"
cp /boot/kx-config "/boot/config-$kver"
mkdir -p /var/lib/kdump /etc/default
cat > /etc/default/kdump-tools <<CONF
USE_KDUMP=1
KDUMP_KERNEL=/var/lib/kdump/vmlinuz
KDUMP_INITRD=/var/lib/kdump/initrd.img
KDUMP_COREDIR="/var/crash"
KDUMP_CMDLINE_APPEND="reset_devices nr_cpus=1 irqpoll"
MAKEDUMP_ARGS="-c -d 31"
CONF
make_capture_initrd || { fail "capture initramfs"; exit 1; }
mv /tmp/capture.cpio "/var/lib/kdump/initrd.img-$kver" || { fail "mv: status $?"; exit 1; }
# The hook also records the sysctls the initrd was made with; kdump-config
# remakes the initrd when they changed.
cp /etc/kdump/sysctl.conf "/var/lib/kdump/latest_sysctls-$kver"

run kdump-config load || fail "kdump-config load: status $?"
run kdump-config status
run kdump-config unload || fail "kdump-config unload: status $?"
run kdump-config status
if run kdump-config load && [ "$(crash_loaded)" = 1 ]; then
    ok "kdump-config loaded the capture kernel again"
else fail "kdump-config load (again)"; fi
run kdump-config show
umount /var/crash
crash_now
