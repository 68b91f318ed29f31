#!/bin/sh
# description: 10 kexec reboots in one VM run, alternating kexec -c (odd hops) and kexec -s (even hops); every kernel runs this scenario again from its own root, rebuilt as the next initramfs, and checks that the token its predecessor put on its command line is also the one in its initramfs; MemTotal in the tenth kernel equals the first's
# firmware: bios
# timeout: 420
# expect: KX-CHAIN-MEMTOTAL 0/10:
# expect: KX-OK chain 1 loaded with -c: kexec_loaded=1
# expect: KX-CHAIN 1/10 ok
# expect: KX-OK chain 2 loaded with -s: kexec_loaded=1
# expect: KX-CHAIN 2/10 ok
# expect: KX-CHAIN 3/10 ok
# expect: KX-CHAIN 4/10 ok
# expect: KX-CHAIN 5/10 ok
# expect: KX-CHAIN 6/10 ok
# expect: KX-CHAIN 7/10 ok
# expect: KX-CHAIN 8/10 ok
# expect: KX-CHAIN 9/10 ok
# expect: KX-OK chain 10 loaded with -s: kexec_loaded=1
# expect: KX-CHAIN 10/10 ok
# expect-re: ^KX-OK MemTotal of kernel 10 = kernel 0: [0-9]+ kB$
# expect: KX-CHAIN-DONE
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
# reject: KX-SCENARIO-END rc=1
. /etc/kx-lib.sh

HOPS=10
arg() { sed -n "s/.*[[:space:]]kx\.$1=\([^[:space:]]*\).*/\1/p" /proc/cmdline; }

n=$(arg chain)
n=${n:-0}
mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
echo "KX-CHAIN-MEMTOTAL $n/$HOPS: $mem kB"

if [ "$n" -eq 0 ]; then
    mem0=$mem
else
    # The predecessor wrote KX_TOKEN-n-NONCE both on our command line and into
    # /kx-next/token of our initramfs: a stale initrd or command line (of an
    # earlier hop, or the first kernel's) shows up as a mismatch.
    ctok=$(arg ctok)
    itok=$(cat /kx-next/token 2>/dev/null)
    case "$ctok" in
    "$KX_TOKEN-$n-"?*) ;;
    *) fail "chain $n: command line token '$ctok' is not $KX_TOKEN-$n-..."; exit 1 ;;
    esac
    if [ "$itok" != "$ctok" ]; then
        fail "chain $n: initramfs token '$itok' != command line token '$ctok'"; exit 1
    fi
    echo "KX-CHAIN $n/$HOPS ok"
    mem0=$(arg mem0)
fi

if [ "$n" -eq "$HOPS" ]; then
    echo "KX-CHAIN-MEMTOTAL first: $mem0 kB, last: $mem kB"
    if [ "$mem" = "$mem0" ]; then ok "MemTotal of kernel $n = kernel 0: $mem kB"
    else fail "MemTotal of kernel $n is $mem kB, kernel 0 had $mem0 kB"; fi
    echo "KX-CHAIN-DONE"
    exit 0
fi

m=$((n + 1))
if [ $((m % 2)) -eq 1 ]; then sc=-c; else sc=-s; fi
nonce=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
tok=$KX_TOKEN-$m-$nonce
mkdir -p /tmp/kx-next
echo "$tok" > /tmp/kx-next/token
self_initrd /tmp/next.cpio || { fail "chain $m: initramfs"; exit 1; }
run kexec $sc -l "$KX_KERNEL" --initrd=/tmp/next.cpio \
    --append="$KX_APPEND kx.chain=$m kx.ctok=$tok kx.mem0=$mem0" ||
    { fail "chain $m: kexec $sc -l: status $?"; exit 1; }
expect_loaded "chain $m loaded with $sc" 1
exec_loaded
