# userspace/userspace.mk - the tools, the LD_PRELOAD shim, their host unit
# tests and the in-guest suites 40-49 (included by the top Makefile after
# vdso/vdso.mk, whose LIBVCLOCK_A, VDSO_HDRS and UNIT_CFLAGS it uses).
#
#   $(B)/bin/vclock-check, vclock-maps, vclock-ticker,
#            vclock-report                              -> $(G)/bin
#   $(B)/lib/vclock-preload.so                          -> $(G)/lib

US_HDRS   := $(wildcard userspace/*.h) $(VDSO_HDRS)
US_CFLAGS := $(CFLAGS) -fPIC -I$(TOP)/vdso -I$(TOP)/userspace
us_objs    = $(patsubst %,$(B)/obj/userspace/%.o,$(1))

$(B)/obj/userspace/%.o: userspace/%.c $(US_HDRS)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -c -o $@ $<

VCLOCK_CHECK_OBJS  := $(call us_objs,vclock_check check_readers check_abi check_snapshot provenance json_out \
			clock_api elf_lookup vclock_names cli_common)
VCLOCK_MAPS_OBJS   := $(call us_objs,vclock_maps proc_maps vclock_names cli_common provenance json_out)
VCLOCK_TICKER_OBJS := $(call us_objs,vclock_ticker vclock_names cli_common)
VCLOCK_REPORT_OBJS := $(call us_objs,vclock_report proc_maps vclock_names cli_common)
PRELOAD_OBJS       := $(call us_objs,vclock_preload vclock_names)

$(B)/bin/vclock-check: $(VCLOCK_CHECK_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lpthread -ldl
$(B)/bin/vclock-maps: $(VCLOCK_MAPS_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^
$(B)/bin/vclock-ticker: $(VCLOCK_TICKER_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^
$(B)/bin/vclock-report: $(VCLOCK_REPORT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^
$(B)/lib/vclock-preload.so: $(PRELOAD_OBJS) $(LIBVCLOCK_A) userspace/vclock-preload.map
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -Wl,-z,defs -Wl,--version-script=$(TOP)/userspace/vclock-preload.map \
		-o $@ $(PRELOAD_OBJS) $(LIBVCLOCK_A)

VCLOCK_TOOLS := vclock-check vclock-maps vclock-ticker vclock-report
$(G)/bin/%: $(B)/bin/%
	@install -D -m 755 $< $@
$(G)/lib/vclock-preload.so: $(B)/lib/vclock-preload.so
	@install -D -m 755 $< $@
GUEST_FILES += $(patsubst %,$(G)/bin/%,$(VCLOCK_TOOLS)) $(G)/lib/vclock-preload.so

# ---- test helpers, host ($(B)/tests) and guest ($(G)/tests/helpers) ---------
# vclock-clockloop: an unmodified libc program reading clocks (for strace -c).
# libvclock-broken.so: a wrong "vDSO", the negative control of vclock-check.
$(B)/tests/vclock-clockloop: tests/guest/clockloop.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
# vclock-as-user: runs a command as a non-root uid (busybox setpriv cannot).
$(B)/tests/vclock-as-user: tests/guest/as_user.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
$(B)/tests/libvclock-broken.so: tests/guest/broken_vdso.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $<
$(G)/tests/helpers/%: $(B)/tests/%
	@install -D -m 755 $< $@
$(G)/tests/lib/vclock-module.sh: tests/guest/vclock-module.sh
	@install -D -m 644 $< $@
GUEST_FILES += $(G)/tests/helpers/vclock-clockloop $(G)/tests/helpers/libvclock-broken.so \
	       $(G)/tests/helpers/vclock-as-user \
	       $(G)/tests/lib/vclock-module.sh

# ---- host unit tests (ASan/UBSan) -------------------------------------------
$(B)/unit/proc-maps: tests/unit/proc_maps_test.c userspace/proc_maps.c $(US_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/proc_maps_test.c userspace/proc_maps.c
$(B)/unit/names-options: tests/unit/names_test.c userspace/vclock_names.c $(US_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/names_test.c userspace/vclock_names.c -lm
$(B)/unit/timespec-math: tests/unit/timespec_test.c $(US_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/timespec_test.c
$(B)/unit/elf-lookup: tests/unit/elf_lookup_test.c userspace/elf_lookup.c $(US_HDRS) tests/tap.h \
		$(LIBVCLOCK_SO)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/elf_lookup_test.c userspace/elf_lookup.c -ldl
# The built tools on the host, where /dev/vclock is absent: CLI conventions,
# fallback behaviour, the preload shim, vclock-check against the real vDSO.
$(B)/unit/tools-host: tests/unit/tools-host.sh $(patsubst %,$(B)/bin/%,$(VCLOCK_TOOLS)) \
		$(B)/lib/vclock-preload.so $(LIBVCLOCK_SO) $(B)/tests/vclock-clockloop \
		$(B)/tests/libvclock-broken.so $(B)/facts
	@install -D -m 755 $< $@

UNIT_TESTS += $(B)/unit/proc-maps $(B)/unit/names-options $(B)/unit/timespec-math \
	      $(B)/unit/elf-lookup $(B)/unit/tools-host

# ---- in-guest suites 40-49 (shell suites come in through tests/tests.mk) ----
$(G)/tests/suites/40-vdso-abi: tests/guest/vdso_abi.c tests/tap.h $(US_HDRS)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -o $@ $< -ldl
$(G)/tests/suites/41-reader: tests/guest/reader_suite.c tests/tap.h $(US_HDRS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -o $@ $< $(LIBVCLOCK_A) -lpthread
GUEST_FILES += $(G)/tests/suites/40-vdso-abi $(G)/tests/suites/41-reader

# ---- build-time provenance facts (userspace/provenance.h) --------------------
# build/facts for the tools on the host (the commit); the generation's
# /opt/vclock/facts in the guest adds the QEMU version, the host's CPU and
# the generation's CRIU. Rewritten only when a fact changes.
facts_commit = echo "commit=$$(git -C $(TOP) describe --always --dirty 2>/dev/null)"
facts_write  = if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/facts: FORCE
	@mkdir -p $(@D)
	@$(facts_commit) >$@.tmp
	@$(facts_write)
$(GK)/facts: FORCE
	@mkdir -p $(@D)
	@{ $(facts_commit); \
	   echo "qemu=$$(qemu-system-x86_64 --version 2>/dev/null | head -n 1)"; \
	   echo "host_cpu=$$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"; \
	   echo "criu=$(CRIU_VERSION)"; } >$@.tmp
	@$(facts_write)
GEN_FILES += $(GK)/facts

# The tools' JSON against doc/schema/ (tests/unit/json_schema_check.py).
$(B)/tests/map_holder: tests/unit/map_holder.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
$(B)/unit/json_schema_test: $(B)/tests/map_holder $(B)/bin/vclock-check $(B)/bin/vclock-maps \
		$(wildcard doc/schema/*.json) tests/unit/json_schema_check.py
UNIT_TESTS += $(B)/unit/json_schema_test

# __vdso_getcpu against the getcpu syscall: a guest suite and a host test.
GETCPU_DEPS := tests/guest/getcpu_suite.c tests/tap.h $(VDSO_HDRS) $(LIBVCLOCK_SO)
$(G)/tests/suites/46-getcpu: $(GETCPU_DEPS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -o $@ $< $(LIBVCLOCK_A) -lpthread -ldl
$(B)/unit/getcpu: $(GETCPU_DEPS) $(VDSO_SRCS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) -lpthread -ldl
GUEST_FILES += $(G)/tests/suites/46-getcpu
UNIT_TESTS += $(B)/unit/getcpu
