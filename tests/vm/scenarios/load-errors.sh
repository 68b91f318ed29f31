#!/bin/sh
# description: a FIFO as kernel or initrd and an empty initrd fail at once with a clear message; the kernel loaded before stays loaded and boots
# firmware: bios
# expect: KX-STAGE1-UP
# expect: KX-OK good load: kexec_loaded=1
# expect: KX-OK FIFO kernel: status 1, "not a regular file"
# expect: KX-OK FIFO initrd: status 1, "not a regular file"
# expect: KX-OK FIFO initrd, -s: status 1, "not a regular file"
# expect: KX-OK empty initrd: status 1, "is empty"
# expect: KX-OK empty initrd, -s: status 1, "is empty"
# expect: KX-OK empty initrd, -c: status 1, "is empty"
# expect: KX-OK after the errors: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh

# refused WHAT TEXT ARGS...: kexec ARGS must fail with status 1 within 10 s (a
# hang is status 124 or 143 from timeout) and say TEXT; the good kernel stays.
refused() {
    what=$1 text=$2; shift 2
    echo "+ kexec $*" | cut -c 1-160
    timeout 10 kexec "$@" >/tmp/out 2>/tmp/err
    rc=$?
    head -c 600 /tmp/err | cut -c 1-160 | sed 's/^/  stderr: /'
    if [ $rc -ne 1 ]; then fail "$what: status $rc (want 1; 124/143: it hung)"
    elif ! grep -q "$text" /tmp/err; then fail "$what: no \"$text\" in the message"
    else ok "$what: status $rc, \"$text\""; fi
    if [ "$(loaded)" != 1 ]; then fail "$what: the good kernel was unloaded"; fi
}

run kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "good load: status $?"
expect_loaded "good load" 1

mkfifo /tmp/fifo
: > /tmp/empty

refused "FIFO kernel"        "not a regular file" -l /tmp/fifo --initrd="$KX_INITRD"
refused "FIFO initrd"        "not a regular file" -l "$KX_KERNEL" --initrd=/tmp/fifo
refused "FIFO initrd, -s"    "not a regular file" -s -l "$KX_KERNEL" --initrd=/tmp/fifo
refused "empty initrd"       "is empty" -l "$KX_KERNEL" --initrd=/tmp/empty --append="$KX_APPEND"
refused "empty initrd, -s"   "is empty" -s -l "$KX_KERNEL" --initrd=/tmp/empty
refused "empty initrd, -c"   "is empty" -c -l "$KX_KERNEL" --initrd=/tmp/empty

expect_loaded "after the errors" 1
exec_loaded
