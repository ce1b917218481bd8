# userspace/bench.mk - vclock-bench and vclock-icount (included by the top
# Makefile after userspace/userspace.mk, whose object rules and helpers it
# reuses), and the host test of the instruction budgets.

VCLOCK_BENCH_OBJS  := $(call us_objs,vclock_bench bench_stats bench_criu vclock_names cli_common provenance \
			json_out)
VCLOCK_ICOUNT_OBJS := $(call us_objs,vclock_icount elf_lookup cli_common)

$(B)/bin/vclock-bench: $(VCLOCK_BENCH_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lpthread -ldl

# Loads libvclock.so and the shim with dlopen: it counts the shipped objects.
$(B)/bin/vclock-icount: $(VCLOCK_ICOUNT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -ldl

GUEST_FILES += $(G)/bin/vclock-bench $(G)/bin/vclock-icount

# The budgets of the reader's fast path, counted on the host against a fake
# device (skips itself where private mount namespaces are not allowed).
$(B)/unit/icount-budgets: tests/unit/icount-budgets.sh $(B)/bin/vclock-icount $(LIBVCLOCK_SO) \
		$(B)/lib/vclock-preload.so
	@install -D -m 755 $< $@

UNIT_TESTS += $(B)/unit/icount-budgets

# vclock-bench's and vclock-maps' JSON from one guest boot against doc/schema/.
$(B)/unit/bench_json_test: $(wildcard doc/schema/*.json) tests/unit/json_schema_check.py
UNIT_TESTS += $(B)/unit/bench_json_test

# vclock-bench --criu: the CRIU benchmark's statistics on known samples.
$(B)/unit/bench_criu_test: $(B)/bin/vclock-bench doc/schema/vclock-criu-bench.schema.json
UNIT_TESTS += $(B)/unit/bench_criu_test
