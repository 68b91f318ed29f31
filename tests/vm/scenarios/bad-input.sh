#!/bin/sh
# description: bad inputs fail cleanly (non-zero status, a message) and leave the loaded kernel alone
# firmware: bios
# expect: KX-STAGE1-UP
# expect: KX-OK good load: kexec_loaded=1
# expect: KX-OK empty file: status
# expect: KX-OK text file: status
# expect: KX-OK text file, -s: status
# expect: KX-OK first 4 KiB of bzImage: status
# expect: KX-OK first half of bzImage: status
# expect: KX-OK directory: status
# expect: KX-OK missing file: status
# expect: KX-OK missing initrd: status
# expect: KX-OK impossible --mem-min/--mem-max: status
# expect: KX-OK --append longer than cmdline_size: status
# expect: KX-OK --append longer than cmdline_size, -c: status
# expect: KX-OK invalid option: status
# expect: KX-OK -l without a file: status
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh

# bad WHAT ARGS...: kexec ARGS must fail with a message and keep the good kernel.
bad() {
    what=$1; shift
    echo "+ kexec $*" | cut -c 1-160
    kexec "$@" >/tmp/out 2>/tmp/err
    rc=$?
    head -c 600 /tmp/err | cut -c 1-160 | sed 's/^/  stderr: /'
    echo
    if [ $rc -eq 0 ]; then fail "$what: exit status 0"
    elif [ ! -s /tmp/err ]; then fail "$what: status $rc but nothing on stderr"
    else ok "$what: status $rc with a message"; fi
    if [ "$(loaded)" != 1 ]; then fail "$what: the good kernel was unloaded"; fi
}

run kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "good load: status $?"
expect_loaded "good load" 1

: > /tmp/empty
yes "this is a text file, not a kernel" | head -n 200 > /tmp/text
size=$(wc -c < "$KX_KERNEL")
head -c 4096 "$KX_KERNEL" > /tmp/head4k
head -c $((size / 2)) "$KX_KERNEL" > /tmp/half
long=$(yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | head -n 64 | tr -d '\n')

bad "empty file"                  -l /tmp/empty
bad "text file"                   -l /tmp/text
bad "text file, -s"               -s -l /tmp/text
bad "first 4 KiB of bzImage"      -l /tmp/head4k --initrd="$KX_INITRD"
bad "first half of bzImage"       -l /tmp/half --initrd="$KX_INITRD"
bad "directory"                   -l /boot
bad "missing file"                -l /boot/no-such-kernel
bad "missing initrd"              -l "$KX_KERNEL" --initrd=/boot/no-such-initrd
bad "impossible --mem-min/--mem-max" -c -l "$KX_KERNEL" --initrd="$KX_INITRD" \
                                  --mem-min=0x100000 --mem-max=0x200000
bad "--append longer than cmdline_size"    -l "$KX_KERNEL" --append="$long"
bad "--append longer than cmdline_size, -c" -c -l "$KX_KERNEL" --append="$long"
bad "invalid option"              --no-such-option -l "$KX_KERNEL"
bad "-l without a file"           -l

expect_loaded "after the bad inputs" 1
exec_loaded
