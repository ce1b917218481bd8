# SPDX-License-Identifier: GPL-2.0
# vclock - top-level build.
#
# Every goal that builds first includes $(GDIR)/env.mk, whose rule installs
# the Debian packages needed (vm/setup-host) and prepares the kernel
# generation (vm/gen); make then restarts with its variables. See 'make help'.

SHELL     := /bin/bash
TOP       := $(CURDIR)
B         := $(TOP)/build
# The kernel's checkpatch.pl and timers selftests (vm/kernel-source, vm/vm.mk).
KSRC      := $(B)/kernel-source
# They are fetched (about 140 MB, once) and built only for the goals that run
# them: checkpatch_test (host) and 49-kselftest-timers (guest). KSRC_TOOLS=1
# asks for them with any goal; exported, so the goals' own makes see it.
KSRC_GOALS := check check-run check-long check-generations soak coverage
ifneq ($(filter $(KSRC_GOALS),$(MAKECMDGOALS)),)
KSRC_TOOLS := 1
endif
export KSRC_TOOLS
# G: the part of the guest's /opt/vclock every generation shares.
G         := $(B)/guest

# The kernel generation (vm/gen list): its kernel, headers, toolchain root and
# CRIU come from $(GDIR)/env.mk, which vm/gen writes (fetching what the
# generation needs, once) after vm/setup-host has installed the host's part.
# make coverage needs the kernel's gcov: the debug generation's.
ifneq ($(filter coverage,$(MAKECMDGOALS)),)
GEN       ?= debug
endif
GEN       ?= 6.1
GDIR      := $(B)/gen/$(GEN)
# GK: the generation's own part of /opt/vclock (kmod/, criu/).
GK        := $(GDIR)/guest
IMAGE     := $(GDIR)/initramfs.cpio.gz
export VCLOCK_GEN := $(GEN)

.DEFAULT_GOAL := all
NO_GEN_GOALS := clean distclean help install criu-install
ifneq ($(if $(MAKECMDGOALS),$(filter-out $(NO_GEN_GOALS),$(MAKECMDGOALS)),all),)
include $(GDIR)/env.mk
endif
$(GDIR)/env.mk: FORCE
	@$(TOP)/vm/setup-host
	@$(TOP)/vm/qemu prepare
	@$(TOP)/vm/gen prepare $(GEN)
FORCE:

CC        := gcc
CFLAGS    := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I$(TOP)/include
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Quiet build: one line per product ("  CC    build/bin/vclock-check"),
# intermediate objects silent; V=1 prints every command in full (and the
# module's Kbuild commands, vm/kbuild).
V ?= 0
export V
ifeq ($(V),1)
say   =
quiet =
else
say   = @printf '  %-5s %s\n' '$(1)' '$(patsubst $(TOP)/%,%,$@)';
quiet = @
endif

.PHONY: all install setup check check-generations report coverage check-long check-run demo demo-run bench soak clean distclean help kmod \
	image guest-tree unit FORCE

all: kmod guest-tree image

help:
	@echo "make          build module, library, tools, tests and the guest image (GEN=6.1)"
	@echo "make check    install what is missing, build, run host unit tests and every"
	@echo "              in-guest suite in four QEMU boots (default, TSC, resume, slab debugging);"
	@echo "              last line: N passed, N failed, N skipped"
	@echo "make check GEN=6.12|newest   the same on another kernel generation (vm/gen list)"
	@echo "make check GEN=tree KTREE=DIR  the same on the kernel you built in DIR (its bzImage,"
	@echo "              its modules; refused if its .config lacks vm/kconfig/required options)"
	@echo "make check GEN=src  the same on linux-source-6.12 built here (tinyconfig +"
	@echo "              vm/kconfig/*, KPATCHES=DIR applied; cached in build/gen/src/linux)"
	@echo "make check-generations  every suite on every generation; a suite x generation matrix"
	@echo "make coverage which lines of kmod/ the suites run (gcov, GEN=debug): out/coverage/"
	@echo "make report   out/report.md and out/report.json: what each generation's kernel does"
	@echo "make soak N=10  the default boot's suites N times in a row (GEN=...): per suite,"
	@echo "              how many boots it passed, failed, hung or crashed in"
	@echo "make check-long  the long variants (fuzz 120 s, churn 30 s, 1000 map and"
	@echo "              200 insmod cycles, 50 CRIU cycles)"
	@echo "make demo     install, build, boot the guest and show vclock at work"
	@echo "make bench    two guest boots (clocksource hpet, then tsc) running vclock-bench;"
	@echo "              writes out/bench.json and the chart out/bench.png"
	@echo "make bench GENS=\"6.1 6.12 newest\"  the same per generation, side by side in"
	@echo "              out/bench-generations.md"
	@echo "make install  the module for the running kernel and the CRIU plugin (DESTDIR=)"
	@echo "make clean    remove build products (keeps build/gen, what vm/gen fetched);"
	@echo "make distclean  also build/gen"
	@echo "vm/run --help run your own command in the guest"
	@echo "Variables: GEN=6.1|6.12|newest|tree|src|patched|debug the kernel generation; KVER=<ver> another"
	@echo "           /boot/vmlinuz-<ver> with /usr/src/linux-headers-<ver> for GEN=6.1;"
	@echo "           KTREE=DIR (GEN=tree) a kernel build tree; KPATCHES=DIR (GEN=src, patched, debug) patches"
	@echo "           V=1 every build command in full (else one line per product);"
	@echo "           KSRC_TOOLS=1 the kernel's checkpatch and timers selftests with any"
	@echo "           goal (fetched once, ~140 MB; make check and soak take them anyway)"

# Done by including $(GDIR)/env.mk; kept as a name for people.
setup:
	@:

check: setup
	@$(MAKE) --no-print-directory check-run

demo: setup
	@$(MAKE) --no-print-directory demo-run

bench: setup
	@$(MAKE) --no-print-directory all
	@$(TOP)/vm/bench

check-run: all
	@$(TOP)/tests/check

# One program per generation's guest: out/report.md and out/report.json.
report: all
	@$(TOP)/vm/report

# Which lines of kmod/ the suites run (gcov; GEN=debug): out/coverage/.
coverage: all
	@VCLOCK_GEN=$(GEN) $(TOP)/vm/coverage

# Every suite on every generation (vm/gen list); a suite x generation matrix.
check-generations: all
	@$(TOP)/tests/check-generations

# The default boot's suites N times in a row: a per-suite table of passes,
# failures, hangs and crashes (not part of make check: N boots take long).
N ?= 10
soak: all
	@SOAK_N=$(N) $(TOP)/tests/soak

check-long: setup
	@$(MAKE) --no-print-directory all
	@CHECK_LONG=1 $(TOP)/tests/check
	@$(MAKE) --no-print-directory criu-check-long

# Real hardware: the module for the running kernel (INSTALL_KVER=<ver> for
# another installed one, never the guest's), the plugin for the host's CRIU.
# DESTDIR (or INSTALL_MOD_PATH for the module) stages both into a directory.
INSTALL_KVER ?= $(shell uname -r)
INSTALL_KDIR ?= /lib/modules/$(INSTALL_KVER)/build
# The module is built before anything is installed: a kernel without
# headers leaves no plugin behind.
install:
	$(MAKE) -C kmod KVER=$(INSTALL_KVER) KDIR=$(INSTALL_KDIR)
	@$(MAKE) --no-print-directory criu-install
	$(MAKE) -C kmod KVER=$(INSTALL_KVER) KDIR=$(INSTALL_KDIR) install

demo-run: all
	@$(TOP)/vm/demo

# ---- kernel module (Kbuild, W=1, warnings are errors), per generation --------
KMOD_KO := $(GK)/kmod/vclock.ko
kmod: $(KMOD_KO)
$(KMOD_KO): $(wildcard kmod/*.[ch]) kmod/Kbuild include/vclock_abi.h $(GDIR)/env.mk
	$(call say,KMOD)$(TOP)/vm/kbuild $(GEN) $(@D)

# ---- shared variables: the products and header sets that more than one
# directory's .mk uses. They are defined here, so no fragment depends on
# the order in which the others are included.
VDSO_HDRS    := $(wildcard vdso/*.h) include/vclock_abi.h
VDSO_SRCS    := vdso/vclock_state.c vdso/vclock_entry.c vdso/vclock_getcpu.c
LIBVCLOCK_SO := $(B)/lib/libvclock.so
LIBVCLOCK_A  := $(B)/lib/libvclock.a
US_HDRS      := $(wildcard userspace/*.h) $(VDSO_HDRS)
US_CFLAGS    := $(CFLAGS) -fPIC -I$(TOP)/vdso -I$(TOP)/userspace
us_objs       = $(patsubst %,$(B)/obj/userspace/%.o,$(1))
VCLOCK_TOOLS := vclock-check vclock-maps vclock-ticker vclock-report
CRIU_PLUGIN_SO := $(B)/criu/vclock_plugin.so
# Test programs: tap.h and the test library (tests/lib), which links the
# tools' /proc/PID/maps parser in; TEST_LIB_SAN is its ASan/UBSan build.
TEST_HDRS    := tests/tap.h $(wildcard tests/lib/*.h) userspace/proc_maps.h include/vclock_abi.h
TEST_LIB     := $(B)/lib/libvclocktest.a
TEST_LIB_SAN := $(B)/unit/lib/libvclocktest.a
TEST_CFLAGS  := $(CFLAGS) -I$(TOP)/tests -I$(TOP)/tests/lib -I$(TOP)/vdso -I$(TOP)/userspace
# Host unit tests: the same, under ASan/UBSan.
UNIT_CFLAGS  := $(TEST_CFLAGS) $(SANITIZE)

# ---- the parts: each directory's .mk builds that directory's products and
# adds them to these lists.
GUEST_FILES :=	# files under $(G), copied into the guest at /opt/vclock
GEN_FILES   :=	# files under $(GK), built per generation, also in /opt/vclock
UNIT_TESTS  :=	# host unit-test programs under $(B)/unit (ASan/UBSan builds)
include vdso/vdso.mk userspace/userspace.mk userspace/bench.mk criu-plugin/criu-plugin.mk \
	tests/tests.mk tests/lib/lib.mk tests/helpers/helpers.mk tests/guest/guest.mk \
	criu-tests/criu.mk tests/unit/unit.mk vm/vm.mk

guest-tree: $(GUEST_FILES) $(GEN_FILES) unit
	@mkdir -p $(G)/bin $(G)/lib $(G)/tests/suites

unit: $(UNIT_TESTS)

image: kmod guest-tree
	@$(TOP)/vm/mkinitramfs $(GEN) $(G) $(GK) $(IMAGE)

# clean keeps what vm/gen fetched (build/gen/*/root, env); distclean does not.
clean:
	rm -rf $(TOP)/out $(filter-out $(B)/gen $(B)/kernel-source,$(wildcard $(B)/*)) $(B)/gen/*/guest \
		$(B)/gen/*/kbuild $(B)/gen/*/initramfs.cpio.gz* $(B)/gen/*/root/vclock-build
	rm -rf kmod/*.o kmod/.*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd kmod/Module.symvers \
		kmod/modules.order kmod/.tmp_versions

distclean: clean
	rm -rf $(B)
