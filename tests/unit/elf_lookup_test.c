// SPDX-License-Identifier: GPL-2.0
/*
 * elf_lookup_test - the small ELF symbol lookup that vclock-check uses for
 * --lib vdso, checked against the dynamic linker: glibc registers the vDSO
 * as "linux-vdso.so.1", so dlsym() on it is the oracle. Also: versions,
 * missing names, non-ELF memory, and libvclock.so loaded by dlopen (whose
 * dynamic section the dynamic linker has relocated in place).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_lookup.h"
#include "tap.h"

static const char *const vdso_names[] = {
	"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_clock_getres",
};

static void test_vdso(void)
{
	const void *base = elf_vdso_base();
	void *h, *ours, *theirs;
	size_t i;

	if (!base) {
		tap_skip("no vDSO in this process", "vDSO lookups");
		return;
	}
	h = dlopen("linux-vdso.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (!h) {
		tap_skip("the dynamic linker does not name the vDSO", "vDSO oracle");
		return;
	}
	for (i = 0; i < sizeof(vdso_names) / sizeof(vdso_names[0]); i++) {
		ours = elf_lookup(base, vdso_names[i], NULL);
		theirs = dlsym(h, vdso_names[i]);
		tap_ok(ours && ours == theirs, "%s: %p (dlsym %p)", vdso_names[i], ours, theirs);
		tap_ok(elf_lookup(base, vdso_names[i], "LINUX_2.6") == ours,
		       "%s has version LINUX_2.6", vdso_names[i]);
	}
	tap_ok(!elf_lookup(base, "__vdso_clock_gettime", "LINUX_9.9"), "wrong version: not found");
	tap_ok(!elf_lookup(base, "__vdso_no_such_function", NULL), "missing name: not found");
	tap_ok(!elf_lookup(base, "__vdso_clock_gettim", NULL), "prefix of a name: not found");
}

static void test_bad_images(void)
{
	static const char junk[4096] = "not an ELF image";
	char *copy;

	tap_ok(!elf_lookup(NULL, "x", NULL), "NULL image");
	tap_ok(!elf_lookup(junk, "x", NULL), "junk image");
	copy = malloc(4096);
	if (copy) {
		memcpy(copy, "\177ELF\001", 5);	/* 32-bit class */
		tap_ok(!elf_lookup(copy, "x", NULL), "32-bit ELF refused");
		free(copy);
	}
}

static void test_libvclock(void)
{
	char path[4096];
	const char *self = "/proc/self/exe";
	ssize_t n = readlink(self, path, sizeof(path) - 64);
	void *h, *sym;
	Dl_info info;

	if (n <= 0) {
		tap_skip("no /proc/self/exe", "libvclock.so lookup");
		return;
	}
	path[n] = 0;
	strcpy(strrchr(path, '/'), "/../lib/libvclock.so");
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		tap_ok(0, "dlopen %s: %s", path, dlerror());
		return;
	}
	sym = dlvsym(h, "__vdso_clock_gettime", "LINUX_2.6");
	if (!sym || !dladdr(sym, &info)) {
		tap_ok(0, "libvclock.so: dlvsym/dladdr");
		return;
	}
	tap_ok(elf_lookup(info.dli_fbase, "__vdso_clock_gettime", "LINUX_2.6") == sym,
	       "libvclock.so through its mapped image: the dynamic linker's address");
	tap_ok(elf_lookup(info.dli_fbase, "vclock_init", "VCLOCK_1") == dlsym(h, "vclock_init"),
	       "vclock_init under VCLOCK_1");
	tap_ok(!elf_lookup(info.dli_fbase, "vclock_lib_first_use", NULL),
	       "internal functions are not found");
}

int main(void)
{
	tap_header();
	test_vdso();
	test_bad_images();
	test_libvclock();
	return tap_done();
}
