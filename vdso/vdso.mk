# vdso/vdso.mk - the reader library (included by the top Makefile).
#
#   $(B)/lib/libvclock.so   freestanding shared object, vDSO names + vclock_*
#   $(B)/lib/libvclock.a    the same PIC objects, for the tools and the shim
#
# Built like the kernel's vDSO: no libc, no startup files, no builtins that
# could turn into memset/memcpy calls, no stack protector; the link refuses
# undefined symbols and produces no NEEDED entries.

VDSO_HDRS    := $(wildcard vdso/*.h) include/vclock_abi.h
VDSO_SRCS    := vdso/vclock_state.c vdso/vclock_entry.c vdso/vclock_getcpu.c
VDSO_OBJS    := $(patsubst vdso/%.c,$(B)/obj/vdso/%.o,$(VDSO_SRCS))
# The .so's getcpu object adds the plain "getcpu" alias (vclock_getcpu_so.c).
VDSO_SO_OBJS := $(filter-out %/vclock_getcpu.o,$(VDSO_OBJS)) $(B)/obj/vdso/vclock_getcpu_so.o
LIBVCLOCK_SO := $(B)/lib/libvclock.so
LIBVCLOCK_A  := $(B)/lib/libvclock.a

VDSO_CFLAGS  := $(CFLAGS) -I$(TOP)/vdso -fPIC -ffreestanding -fno-builtin \
		-fno-stack-protector -fno-tree-loop-distribute-patterns \
		-fvisibility=hidden -fno-plt
VDSO_LDFLAGS := -shared -nostdlib -Wl,-z,defs -Wl,--hash-style=both \
		-Wl,-soname,libvclock.so -Wl,-z,noexecstack \
		-Wl,--version-script=$(TOP)/vdso/libvclock.map

$(B)/obj/vdso/%.o: vdso/%.c $(VDSO_HDRS)
	@mkdir -p $(@D)
	$(CC) $(VDSO_CFLAGS) -c -o $@ $<

$(B)/obj/vdso/vclock_getcpu_so.o: vdso/vclock_getcpu.c

$(LIBVCLOCK_SO): $(VDSO_SO_OBJS) vdso/libvclock.map
	@mkdir -p $(@D)
	$(CC) $(VDSO_CFLAGS) $(VDSO_LDFLAGS) -o $@ $(VDSO_SO_OBJS)

$(LIBVCLOCK_A): $(VDSO_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(G)/lib/libvclock.so: $(LIBVCLOCK_SO)
	@install -D -m 755 $< $@

GUEST_FILES += $(G)/lib/libvclock.so

# ---- host unit tests (ASan/UBSan; no module needed) -------------------------
UNIT_CFLAGS := $(CFLAGS) $(SANITIZE) -I$(TOP)/vdso -I$(TOP)/userspace -I$(TOP)/tests

# The reader's arithmetic and seqcount on a synthetic page in memory.
$(B)/unit/reader-math: tests/unit/reader_math.c tests/unit/seq_writer.h $(VDSO_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< -lpthread

# The whole library without a module: fallback results and the retry policy.
$(B)/unit/lib-fallback: tests/unit/lib_fallback.c $(VDSO_SRCS) $(VDSO_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) -lpthread

# The mapped path without the module: a regular file is /dev/vclock in a
# private mount namespace (skips itself where namespaces are not allowed).
$(B)/unit/lib-fakedev: tests/unit/lib_fakedev.c tests/unit/seq_writer.h tests/guest/vclock_child.h $(VDSO_SRCS) $(VDSO_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) -lpthread

# readelf on libvclock.so: no NEEDED, no undefined symbols, exact exports.
$(B)/unit/libvclock-elf: tests/unit/libvclock-elf.sh $(LIBVCLOCK_SO) $(LIBVCLOCK_A)
	@install -D -m 755 $< $@

# The timekeeper's line arithmetic (kmod/vclock_tk_line.h), pure.
$(B)/unit/tk-line: tests/unit/tk_line_test.c kmod/vclock_tk_line.h tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -I$(TOP)/kmod -o $@ $<

# Which file the library maps for VCLOCK_DEVICE (its /proc/self/environ reader).
$(B)/unit/lib-devpath: tests/unit/lib_devpath.c $(VDSO_SRCS) $(VDSO_HDRS) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) -lpthread

UNIT_TESTS += $(B)/unit/reader-math $(B)/unit/lib-fallback $(B)/unit/lib-fakedev $(B)/unit/tk-line \
	      $(B)/unit/libvclock-elf $(B)/unit/lib-devpath
