# SPDX-License-Identifier: GPL-2.0
# vdso/vdso.mk - the reader library (included by the top Makefile, which
# defines VDSO_SRCS, VDSO_HDRS, LIBVCLOCK_SO and LIBVCLOCK_A).
#
#   $(B)/lib/libvclock.so   freestanding shared object, vDSO names + vclock_*
#   $(B)/lib/libvclock.a    the same PIC objects, for the tools and the shim
#
# Built like the kernel's vDSO: no libc, no startup files, no builtins that
# could turn into memset/memcpy calls, no stack protector; the link refuses
# undefined symbols and produces no NEEDED entries.

VDSO_OBJS    := $(patsubst vdso/%.c,$(B)/obj/vdso/%.o,$(VDSO_SRCS))
# The .so's getcpu object adds the plain "getcpu" alias (vclock_getcpu_so.c).
VDSO_SO_OBJS := $(filter-out %/vclock_getcpu.o,$(VDSO_OBJS)) $(B)/obj/vdso/vclock_getcpu_so.o

VDSO_CFLAGS  := $(CFLAGS) -I$(TOP)/vdso -fPIC -ffreestanding -fno-builtin \
		-fno-stack-protector -fno-tree-loop-distribute-patterns \
		-fvisibility=hidden -fno-plt
VDSO_LDFLAGS := -shared -nostdlib -Wl,-z,defs -Wl,--hash-style=both \
		-Wl,-soname,libvclock.so -Wl,-z,noexecstack \
		-Wl,--version-script=$(TOP)/vdso/libvclock.map

$(B)/obj/vdso/%.o: vdso/%.c $(VDSO_HDRS)
	@mkdir -p $(@D)
	$(quiet)$(CC) $(VDSO_CFLAGS) -c -o $@ $<

$(B)/obj/vdso/vclock_getcpu_so.o: vdso/vclock_getcpu.c

$(LIBVCLOCK_SO): $(VDSO_SO_OBJS) vdso/libvclock.map
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(VDSO_CFLAGS) $(VDSO_LDFLAGS) -o $@ $(VDSO_SO_OBJS)

$(LIBVCLOCK_A): $(VDSO_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR)ar rcs $@ $^

$(G)/lib/libvclock.so: $(LIBVCLOCK_SO)
	@install -D -m 755 $< $@

GUEST_FILES += $(G)/lib/libvclock.so
