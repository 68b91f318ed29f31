# Thin driver over meson/ninja. Targets are a contract: make, make check,
# make demo, make bench, make install PREFIX= DESTDIR=; binaries land in build/.
# make ARCH=arm64: a cross build in build-arm64/ (cross/arm64.txt; the
# toolchain and arm64 libraries come from scripts/install-deps.sh); its
# `check` is the unit suite under qemu-user.
ARCH ?= x86_64
MESON_OPTS ?=
ifeq ($(ARCH),arm64)
BUILD := build-arm64
MESON_OPTS += --cross-file cross/arm64.txt
else ifeq ($(ARCH),x86_64)
BUILD := build
else
$(error ARCH=$(ARCH): kx builds for x86_64 and arm64)
endif
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all check unit vm demo bench deps fuzz clean install deb deb-check

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

# The arm64 QEMU scenarios boot build-arm64/kexec; with the cross compiler
# installed, check and vm build it first (outside the tests' timeouts).
ARM64_VM := $(if $(shell command -v aarch64-linux-gnu-gcc),arm64-vm-build)
.PHONY: arm64-vm-build
arm64-vm-build:
	$(MAKE) ARCH=arm64

# Every test: unit tests and the QEMU scenarios (run in parallel by meson).
ifeq ($(ARCH),arm64)
check: unit
else
check: all $(ARM64_VM)
	tests/vm/setup.sh
	meson test -C $(BUILD) --print-errorlogs $(TESTARGS)
endif

unit: all
	meson test -C $(BUILD) --print-errorlogs --suite unit

vm: all $(ARM64_VM)
	tests/vm/setup.sh
	meson test -C $(BUILD) --print-errorlogs --suite vm

demo: all
	tests/vm/demo.sh

bench: all
	bench/run.sh

fuzz:
	tests/fuzz/build.sh

# kexec, vmcore-dmesg and vmcore-save to PREFIX/sbin, libkx (shared and static), its
# headers, kx.pc, man pages and bash completion, under DESTDIR when given.
install: all
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

# Debian packages in build-deb/, built from a copy of the tracked and untracked
# (not ignored) files, then checked by lintian; any error-level tag fails.
DEB := build-deb
deb:
	rm -rf $(DEB)/src $(DEB)/*.deb $(DEB)/*.changes $(DEB)/*.buildinfo && mkdir -p $(DEB)/src
	git ls-files -z --cached --others --exclude-standard | \
	  tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB)/src
	cd $(DEB)/src && dpkg-buildpackage -us -uc -b -jauto
	lintian --fail-on error $(DEB)/*.changes

# Installs the packages into a Debian 12 chroot and uses them (as root).
deb-check: deb
	tests/pkg/deb-install.sh $(DEB)

deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD)
