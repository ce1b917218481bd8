# SPDX-License-Identifier: GPL-2.0
# userspace/bench.mk - vclock-bench and vclock-icount (included by the top
# Makefile; their objects come from userspace/userspace.mk's object rule).

VCLOCK_BENCH_OBJS  := $(call us_objs,vclock_bench bench_stats bench_criu vclock_names cli_common provenance \
			json_out module_params)
VCLOCK_ICOUNT_OBJS := $(call us_objs,vclock_icount elf_lookup vclock_names cli_common module_params \
			provenance json_out)

$(B)/bin/vclock-bench: $(VCLOCK_BENCH_OBJS) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $^ -lpthread -ldl

# Loads libvclock.so and the shim with dlopen: it counts the shipped objects.
$(B)/bin/vclock-icount: $(VCLOCK_ICOUNT_OBJS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $^ -ldl

GUEST_FILES += $(G)/bin/vclock-bench $(G)/bin/vclock-icount
