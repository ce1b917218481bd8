# vclock - top-level build.
#
# 'make demo' and 'make check' install the Debian packages they need first
# (vm/setup-host), then re-enter make so that the guest kernel version is
# looked up after the install. See 'make help'.

SHELL     := /bin/bash
TOP       := $(CURDIR)
B         := $(TOP)/build
KVER      ?= $(shell $(TOP)/vm/kernel-version 2>/dev/null)
KDIR      ?= /usr/src/linux-headers-$(KVER)
G         := $(B)/guest
IMAGE     := $(B)/initramfs-$(KVER).cpio.gz

CC        := gcc
CFLAGS    := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I$(TOP)/include
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all install setup check check-long check-run demo demo-run bench clean help kmod image guest-tree unit

all: kmod guest-tree image

help:
	@echo "make          build module, library, tools, tests and the guest image"
	@echo "make check    install what is missing, build, run host unit tests and all"
	@echo "              in-guest suites in one QEMU boot; last line: N passed, N failed"
	@echo "make check-long  the same with the long variants (fuzz 120 s, churn 30 s,"
	@echo "              1000 map and 200 insmod cycles, 50 CRIU cycles)"
	@echo "make demo     install, build, boot the guest and show vclock at work"
	@echo "make bench    two guest boots (clocksource hpet, then tsc) running vclock-bench;"
	@echo "              writes out/bench.json and the chart out/bench.png"
	@echo "make clean    remove build products"
	@echo "vm/run --help run your own command in the guest"
	@echo "Variables: KVER=<ver> KDIR=<headers dir> pick the guest kernel (default: newest"
	@echo "           /boot/vmlinuz-<ver> with /usr/src/linux-headers-<ver>)"

setup:
	@$(TOP)/vm/setup-host

check: setup
	@$(MAKE) --no-print-directory check-run

demo: setup
	@$(MAKE) --no-print-directory demo-run

bench: setup
	@$(MAKE) --no-print-directory all
	@$(TOP)/vm/bench

check-run: all
	@$(TOP)/tests/check

check-long: setup
	@$(MAKE) --no-print-directory all
	@CHECK_LONG=1 $(TOP)/tests/check
	@$(MAKE) --no-print-directory criu-check-long

install: criu-install
	$(MAKE) -C kmod KVER=$(KVER) KDIR=$(KDIR) install

demo-run: all
	@$(TOP)/vm/demo

# ---- kernel module (Kbuild, W=1, warnings are errors) -----------------------
kmod:
	@test -n "$(KVER)" || { echo "vclock: no guest kernel with headers; run 'make check' (installs them)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP)/kmod W=1 KCFLAGS=-Werror modules

# ---- the parts: each directory's .mk adds its products to these lists --------
GUEST_FILES :=	# files under $(G), copied into the guest at /opt/vclock
UNIT_TESTS  :=	# host unit-test programs under $(B)/unit (ASan/UBSan builds)
-include vdso/vdso.mk userspace/userspace.mk userspace/bench.mk criu-tests/criu-tests.mk
include tests/tests.mk

guest-tree: $(GUEST_FILES) unit
	@mkdir -p $(G)/bin $(G)/lib $(G)/kmod $(G)/tests/suites
	@for f in kmod/*.ko; do [ -e "$$f" ] || continue; cmp -s $$f $(G)/kmod/$$(basename $$f) || install -m 644 $$f $(G)/kmod/; done

unit: $(UNIT_TESTS)

image: kmod guest-tree
	@$(TOP)/vm/mkinitramfs $(KVER) $(G) $(IMAGE)

clean:
	rm -rf $(B) $(TOP)/out
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(TOP)/kmod clean >/dev/null; fi
