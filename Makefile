# Thin driver over meson/ninja. Targets are a contract: make, make check,
# make demo, make bench, make install PREFIX= DESTDIR=; binaries land in build/.
BUILD := build
MESON_OPTS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all check unit vm demo bench deps fuzz clean install

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

# Every test: unit tests and the QEMU scenarios (run in parallel by meson).
check: all
	tests/vm/setup.sh
	meson test -C $(BUILD) --print-errorlogs $(TESTARGS)

unit: all
	meson test -C $(BUILD) --print-errorlogs --suite unit

vm: all
	tests/vm/setup.sh
	meson test -C $(BUILD) --print-errorlogs --suite vm

demo: all
	tests/vm/demo.sh

bench: all
	bench/run.sh

fuzz:
	tests/fuzz/build.sh

# kexec and vmcore-dmesg to PREFIX/sbin, libkx (shared and static), its
# headers, kx.pc, man pages and bash completion, under DESTDIR when given.
install: all
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD)
