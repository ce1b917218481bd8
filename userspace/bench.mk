# userspace/bench.mk - vclock-bench (included by the top Makefile after
# userspace/userspace.mk, whose object rules and helpers it reuses).

VCLOCK_BENCH_OBJS := $(call us_objs,vclock_bench vclock_names cli_common)

$(B)/bin/vclock-bench: $(VCLOCK_BENCH_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lpthread -ldl

GUEST_FILES += $(G)/bin/vclock-bench
