# Thin driver over meson/ninja. Targets are a contract: make, make check,
# make demo, make bench; binaries land in build/.
BUILD := build
MESON_OPTS ?=

.PHONY: all check unit vm demo bench deps fuzz clean

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

deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD)
