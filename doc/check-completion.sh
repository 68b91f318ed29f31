#!/usr/bin/env bash
# check-completion.sh COMPLETION: the kexec completion in a plain bash (no
# bash-completion package) offers what a user expects after each word.
set -euo pipefail
script=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/initrd.img" "$work/vmlinuz"
cd "$work"  # "nothing" below then means no file names either
fail=0

# complete WORD...: the candidates for the last word, one per line
complete_words() {
  bash --norc --noprofile -c 'source "$1"; shift; COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1)); _kexec; printf "%s\n" "${COMPREPLY[@]}"' x "$script" "$@"
}

# check NAME WANT WORD...: the sorted candidates equal WANT (lines)
check() {
  local name=$1 want=$2 got; shift 2
  got=$(complete_words "$@" | sed '/^$/d' | sort)
  want=$(sed '/^$/d' <<<"$want" | sort)
  if [ "$got" = "$want" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: want [$(echo $want)] got [$(echo $got)]"; fail=1
  fi
}

types='bzImage bzImage64 linux16 bzImage32 lkrn multiboot2 multiboot2-x86 mb2 multiboot
multiboot-x86 multiboot1 mb1 elf elf-x86_64 elf-x86 elf32-x86_64 elf64 elf32 vmlinux uki'
check "--ini"              "--initrd" kexec --ini
check "--dry"              "--dry-run" kexec --dry
check "-t types"           "$(tr ' ' '\n' <<<"$types")" kexec -t ''
check "--type=mb"          "$(printf -- '--type=%s\n' mb1 mb2)" kexec --type=mb
check "--type = multiboot2" "multiboot2
multiboot2-x86" kexec --type = multiboot2
check "--initrd file"      "$work/initrd.img" kexec -l "$work/vmlinuz" --initrd "$work/ini"
check "--initrd=file"      "--initrd=$work/initrd.img" kexec --initrd="$work/ini"
check "--module file"      "$work/vmlinuz" kexec --module "$work/vm"
check "--dtb=file"         "--dtb=$work/vmlinuz" kexec --dtb="$work/vm"
check "kernel file"        "$work/vmlinuz" kexec -l "$work/vm"
check "--sysroot dir"      "$work" kexec --sysroot "$work"
for opt in --mem-min --mem-max --serial --serial-baud --append --command-line; do
  check "nothing after $opt" "" kexec "$opt" ''
done
exit $fail
