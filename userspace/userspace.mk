# SPDX-License-Identifier: GPL-2.0
# userspace/userspace.mk - the tools and the LD_PRELOAD shim (included by
# the top Makefile, which defines US_CFLAGS, US_HDRS, us_objs, VCLOCK_TOOLS
# and the library's LIBVCLOCK_A).
#
#   $(B)/bin/vclock-check, vclock-maps, vclock-ticker,
#            vclock-report                              -> $(G)/bin
#   $(B)/lib/vclock-preload.so                          -> $(G)/lib

$(B)/obj/userspace/%.o: userspace/%.c $(US_HDRS)
	@mkdir -p $(@D)
	$(quiet)$(CC) $(US_CFLAGS) -c -o $@ $<

VCLOCK_CHECK_OBJS  := $(call us_objs,vclock_check check_readers check_abi check_snapshot provenance json_out \
			clock_api elf_lookup vclock_names cli_common)
VCLOCK_MAPS_OBJS   := $(call us_objs,vclock_maps proc_maps vclock_names cli_common provenance json_out)
VCLOCK_TICKER_OBJS := $(call us_objs,vclock_ticker vclock_names cli_common)
VCLOCK_REPORT_OBJS := $(call us_objs,vclock_report report_common report_copy report_gup proc_maps vclock_names cli_common)
PRELOAD_OBJS       := $(call us_objs,vclock_preload vclock_names)

$(B)/bin/vclock-check: $(VCLOCK_CHECK_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $^ -lpthread -ldl
$(B)/bin/vclock-maps: $(VCLOCK_MAPS_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $^
$(B)/bin/vclock-ticker: $(VCLOCK_TICKER_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $^
$(B)/bin/vclock-report: $(VCLOCK_REPORT_OBJS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $^
$(B)/lib/vclock-preload.so: $(PRELOAD_OBJS) $(LIBVCLOCK_A) userspace/vclock-preload.map
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -shared -Wl,-z,defs -Wl,--version-script=$(TOP)/userspace/vclock-preload.map \
		-o $@ $(PRELOAD_OBJS) $(LIBVCLOCK_A)

$(G)/bin/%: $(B)/bin/%
	@install -D -m 755 $< $@
$(G)/lib/vclock-preload.so: $(B)/lib/vclock-preload.so
	@install -D -m 755 $< $@
GUEST_FILES += $(patsubst %,$(G)/bin/%,$(VCLOCK_TOOLS)) $(G)/lib/vclock-preload.so

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
	   echo "qemu=$$($(TOP)/vm/qemu version 2>/dev/null)"; \
	   echo "host_cpu=$$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"; \
	   echo "criu=$(CRIU_VERSION)"; } >$@.tmp
	@$(facts_write)
GEN_FILES += $(GK)/facts
