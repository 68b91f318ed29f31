#!/bin/sh
# description: harness check: kx from build-arm64/ (static) is /sbin/kexec in the arm64 guest and runs there (fixture kernel, for speed); loads are the loader's scenarios
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# timeout: 90
# expect: KX-STAGE1-KEXEC: /sbin/kexec
# expect-re: ^kexec \(kx\) [0-9]
# expect: KX-OK kx runs
# expect: KX-SCENARIO-END rc=0
. /etc/kx-lib.sh
if kexec --version; then ok "kx runs"; else fail "kexec --version: status $?"; fi
