# SPDX-License-Identifier: GPL-2.0
# tests/unit/unit.mk - the host unit tests (included by the top Makefile):
# the pure user-space code under ASan/UBSan (UNIT_CFLAGS), the built
# products on the host, and the harness itself. Each is a program or a
# script in $(B)/unit printing TAP; tests/check runs them all.

# The reader's arithmetic and seqcount on a synthetic page in memory.
$(B)/unit/reader-math: tests/unit/reader_math.c tests/unit/seq_writer.h $(VDSO_HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< -lpthread

# The whole library without a module: fallback results and the retry policy.
$(B)/unit/lib-fallback: tests/unit/lib_fallback.c $(VDSO_SRCS) $(VDSO_HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) -lpthread

# The mapped path without the module: a regular file is /dev/vclock in a
# private mount namespace (skips itself where namespaces are not allowed).
$(B)/unit/lib-fakedev: tests/unit/lib_fakedev.c tests/unit/seq_writer.h $(VDSO_SRCS) $(VDSO_HDRS) \
		$(TEST_HDRS) $(TEST_LIB_SAN)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) $(TEST_LIB_SAN) -lpthread

# The timekeeper's line arithmetic (kmod/vclock_tk_line.h), pure.
$(B)/unit/tk-line: tests/unit/tk_line_test.c kmod/vclock_tk_line.h $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -I$(TOP)/kmod -o $@ $<

# Which file the library maps for VCLOCK_DEVICE (its /proc/self/environ reader).
$(B)/unit/lib-devpath: tests/unit/lib_devpath.c $(VDSO_SRCS) $(VDSO_HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) -lpthread

# vclock-bench's verdicts on known per-repetition ratios (bench_stats.c).
$(B)/unit/bench-verdict: tests/unit/bench_verdict_test.c userspace/bench_stats.c \
		userspace/bench_stats.h $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< userspace/bench_stats.c

# The test programs' option table (tests/lib/test_options.c).
$(B)/unit/test-options: tests/unit/test_options_test.c $(TEST_HDRS) $(TEST_LIB_SAN)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< $(TEST_LIB_SAN)

# readelf on libvclock.so: no NEEDED, no undefined symbols, exact exports.
$(B)/unit/libvclock-elf: tests/unit/libvclock-elf.sh $(LIBVCLOCK_SO) $(LIBVCLOCK_A)
	@install -D -m 755 $< $@

# The tools' pure parts.
$(B)/unit/proc-maps: tests/unit/proc_maps_test.c userspace/proc_maps.c $(US_HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/proc_maps_test.c userspace/proc_maps.c
$(B)/unit/names-options: tests/unit/names_test.c userspace/vclock_names.c $(US_HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/names_test.c userspace/vclock_names.c -lm
$(B)/unit/timespec-math: tests/unit/timespec_test.c $(US_HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/timespec_test.c
$(B)/unit/elf-lookup: tests/unit/elf_lookup_test.c userspace/elf_lookup.c $(US_HDRS) $(TEST_HDRS) \
		$(LIBVCLOCK_SO)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ tests/unit/elf_lookup_test.c userspace/elf_lookup.c -ldl

# The built tools on the host, where /dev/vclock is absent: CLI conventions,
# fallback behaviour, the preload shim, vclock-check against the real vDSO.
$(B)/unit/tools-host: tests/unit/tools-host.sh $(patsubst %,$(B)/bin/%,$(VCLOCK_TOOLS)) \
		$(B)/bin/vclock-bench $(B)/bin/vclock-icount \
		$(B)/lib/vclock-preload.so $(LIBVCLOCK_SO) $(B)/tests/vclock-clockloop \
		$(B)/tests/libvclock-broken.so $(B)/facts
	@install -D -m 755 $< $@

# The budgets of the reader's fast path, counted on the host against a fake
# device (skips itself where private mount namespaces are not allowed).
$(B)/unit/icount-budgets: tests/unit/icount-budgets.sh $(B)/bin/vclock-icount $(LIBVCLOCK_SO) \
		$(B)/lib/vclock-preload.so
	@install -D -m 755 $< $@

# The tools' JSON against doc/schema/ (tests/unit/json_schema_check.py).
$(B)/unit/json_schema_test: $(B)/tests/map_holder $(B)/bin/vclock-check $(B)/bin/vclock-maps \
		$(B)/bin/vclock-icount $(LIBVCLOCK_SO) $(B)/lib/vclock-preload.so \
		$(wildcard doc/schema/*.json) tests/unit/json_schema_check.py

# vclock-bench's and vclock-maps' JSON from one guest boot against doc/schema/.
$(B)/unit/bench_json_test: $(wildcard doc/schema/*.json) tests/unit/json_schema_check.py

# vclock-bench --criu: the CRIU benchmark's statistics on known samples.
$(B)/unit/bench_criu_test: $(B)/bin/vclock-bench doc/schema/vclock-criu-bench.schema.json

# Every tool against the option and exit status table of doc/cli.md.
$(B)/unit/cli_table_test: doc/cli.md $(patsubst %,$(B)/bin/%,$(VCLOCK_TOOLS)) $(B)/bin/vclock-bench \
		$(B)/bin/vclock-icount $(B)/tests/libvclock-broken.so

# The kernel's checkpatch.pl --strict on kmod/ (vm/kernel-source fetches it).
$(B)/unit/checkpatch_test: $(KSRC)/package

# The tree generation's refusals and env on fake kernel trees (vm/gen).
$(B)/unit/gen_tree_test: vm/gen vm/kconfig/required

# Host-side tests of the harness and the install (shell, TAP).
$(B)/unit/%_test: tests/unit/%_test.sh
	@install -D -m 755 $< $@

UNIT_TESTS += $(B)/unit/reader-math $(B)/unit/lib-fallback $(B)/unit/lib-fakedev \
	      $(B)/unit/libvclock-elf $(B)/unit/test-options $(B)/unit/proc-maps $(B)/unit/names-options \
	      $(B)/unit/timespec-math $(B)/unit/elf-lookup $(B)/unit/tools-host \
	      $(B)/unit/icount-budgets $(B)/unit/json_schema_test $(B)/unit/summarize_test \
	      $(B)/unit/vm_run_test $(B)/unit/vm_run_options_test $(B)/unit/install_test $(B)/unit/report_test \
	      $(B)/unit/readme_commands_test $(B)/unit/readme_messages_test $(B)/unit/tk-line \
	      $(B)/unit/lib-devpath $(B)/unit/bench_json_test $(B)/unit/bench_criu_test \
	      $(B)/unit/gen_tree_test $(B)/unit/check_generations_test $(B)/unit/bench_chart_test $(B)/unit/check_dmesg_test $(B)/unit/bug_finders_test $(B)/unit/bench-verdict $(B)/unit/spdx_test $(B)/unit/cli_table_test
# checkpatch_test needs the kernel's source (KSRC_TOOLS=1, top Makefile).
ifeq ($(KSRC_TOOLS),1)
UNIT_TESTS += $(B)/unit/checkpatch_test
endif
