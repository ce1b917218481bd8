# SPDX-License-Identifier: GPL-2.0
# tests/lib/lib.mk - the test library (included by the top Makefile, which
# names it TEST_LIB, TEST_LIB_SAN and TEST_HDRS for the test programs).
#
#   $(TEST_LIB)       tests/lib/*.c and the tools' maps parser, for the
#                     guest suites and the CRIU case programs
#   $(TEST_LIB_SAN)   the same under ASan/UBSan, for the host unit tests
#   tests/lib/vclock-module.sh -> $(G)/tests/lib/vclock-module.sh (sourced by
#                     the shell suites that unload the module)

TEST_LIB_SRCS := $(wildcard tests/lib/*.c)
TEST_LIB_OBJS := $(patsubst tests/lib/%.c,$(B)/obj/tests/lib/%.o,$(TEST_LIB_SRCS))
TEST_LIB_SAN_OBJS := $(patsubst tests/lib/%.c,$(B)/obj/tests/lib-san/%.o,$(TEST_LIB_SRCS)) \
		     $(B)/obj/tests/lib-san/proc_maps.o

$(B)/obj/tests/lib/%.o: tests/lib/%.c $(TEST_HDRS)
	@mkdir -p $(@D)
	$(quiet)$(CC) $(TEST_CFLAGS) -c -o $@ $<
$(B)/obj/tests/lib-san/%.o: tests/lib/%.c $(TEST_HDRS)
	@mkdir -p $(@D)
	$(quiet)$(CC) $(UNIT_CFLAGS) -c -o $@ $<
$(B)/obj/tests/lib-san/proc_maps.o: userspace/proc_maps.c $(US_HDRS)
	@mkdir -p $(@D)
	$(quiet)$(CC) $(UNIT_CFLAGS) -c -o $@ $<

$(TEST_LIB): $(TEST_LIB_OBJS) $(B)/obj/userspace/proc_maps.o
	@mkdir -p $(@D)
	@rm -f $@
	$(quiet)ar rcs $@ $^
$(TEST_LIB_SAN): $(TEST_LIB_SAN_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(quiet)ar rcs $@ $^

$(G)/tests/lib/vclock-module.sh: tests/lib/vclock-module.sh
	@install -D -m 644 $< $@
GUEST_FILES += $(G)/tests/lib/vclock-module.sh
