# SPDX-License-Identifier: GPL-2.0
# vm/vm.mk - the guest-side half of 'make demo' (included by the top
# Makefile; vm/demo boots the guest and runs it).

GUEST_FILES += $(G)/bin/vclock-demo
$(G)/bin/vclock-demo: vm/demo-guest
	@install -D -m 755 $< $@

# The kernel's checkpatch.pl and timers selftests, from Debian's linux-source
# package (vm/kernel-source: third-party tools, run, never copied; make clean
# keeps them). checkpatch_test (tests/unit) and 49-kselftest-timers use them.
$(KSRC)/package:
	@vm/kernel-source $(KSRC)
