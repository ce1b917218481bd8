// SPDX-License-Identifier: GPL-2.0
/*
 * proc_maps_test - the maps/smaps parser on synthetic lines (a vclock VMA,
 * paths with spaces, anonymous and special mappings, garbage) and on this
 * process's own /proc/self/maps and smaps ([vdso] where getauxval says).
 */
#include <string.h>
#include <sys/auxv.h>

#include "proc_maps.h"
#include "tap.h"

static void test_lines(void)
{
	struct maps_entry e;
	char buf[512];
	const char *vclock =
		"7f0a1c000000-7f0a1c003000 r--s 00010000 00:05 412                        "
		"/dev/vclock\n";

	tap_ok(!maps_parse_line(vclock, &e) && e.start == 0x7f0a1c000000ul &&
	       e.end == 0x7f0a1c003000ul && !strcmp(e.perms, "r--s") && e.offset == 0x10000 &&
	       e.dev_major == 0 && e.dev_minor == 5 && e.inode == 412 &&
	       !strcmp(e.path, "/dev/vclock"), "a vclock line: every field");
	maps_format(&e, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "7f0a1c000000-7f0a1c003000 r--s 00010000 00:05 412 /dev/vclock"),
	       "formatted back: %s", buf);

	tap_ok(!maps_parse_line("00400000-00401000 r-xp 00000000 fd:01 1234 /opt/my dir/a b\n",
				&e) && !strcmp(e.path, "/opt/my dir/a b") && e.dev_major == 0xfd &&
	       e.dev_minor == 1, "a path with spaces, hex major");
	tap_ok(!maps_parse_line("7ffd5a1e0000-7ffd5a1e4000 r--p 00000000 00:00 0  [vvar]", &e) &&
	       !strcmp(e.path, "[vvar]") && !e.inode, "[vvar] without a newline");
	tap_ok(!maps_parse_line("55d0c0000000-55d0c0021000 rw-p 00000000 00:00 0\n", &e) &&
	       e.path[0] == 0, "anonymous: empty path");
	tap_ok(!maps_parse_line("7f00-7f01 r--s 00000000 00:05 9 /dev/vclock (deleted)", &e) &&
	       !strcmp(e.path, "/dev/vclock (deleted)"), "a deleted file keeps its suffix");

	tap_ok(maps_parse_line("Rss:                   0 kB\n", &e) == -1, "smaps field is no maps line");
	tap_ok(maps_parse_line("VmFlags: rd mr\n", &e) == -1, "VmFlags is no maps line");
	tap_ok(maps_parse_line("7f00-7e00 r--s 0 00:05 9 x\n", &e) == -1, "end before start");
	tap_ok(maps_parse_line("7f00-7f01 r--sx 0 00:05 9 x\n", &e) == -1, "5-letter perms");
	tap_ok(maps_parse_line("", &e) == -1, "empty line");
	tap_ok(maps_parse_line("7f00-7f01 r--s 0 00:05 9x\n", &e) == -1, "inode glued to junk");
}

static void test_smaps_fields(void)
{
	struct maps_entry e;

	memset(&e, 0, sizeof(e));
	tap_ok(!smaps_parse_field("Size:                 12 kB\n", &e) && e.size_kb == 12,
	       "Size field");
	tap_ok(!smaps_parse_field("Rss:                   8 kB\n", &e) && e.rss_kb == 8,
	       "Rss field");
	tap_ok(!smaps_parse_field("VmFlags: rd mr ms pf io de dd \n", &e) &&
	       !strcmp(e.vmflags, "rd mr ms pf io de dd"), "VmFlags field: '%s'", e.vmflags);
	tap_ok(smaps_parse_field("7f00-7f01 r--s 0 00:05 9 /dev/vclock\n", &e) == -1,
	       "a VMA header is no field");
	tap_ok(vmflags_has(e.vmflags, "pf") && vmflags_has(e.vmflags, "rd") &&
	       vmflags_has(e.vmflags, "dd") && !vmflags_has(e.vmflags, "d") &&
	       !vmflags_has(e.vmflags, "wr"), "vmflags_has matches whole codes only");
	tap_ok(!strcmp(vmflag_meaning("pf"), "pure PFN range") &&
	       !strcmp(vmflag_meaning("io"), "memory-mapped I/O") && !vmflag_meaning("zz"),
	       "VmFlags codes in words");
}

static void test_streams(void)
{
	static const char maps[] =
		"00400000-00401000 r-xp 00000000 fd:01 1 /bin/x\n"
		"7f0a1c000000-7f0a1c003000 r--s 00010000 00:05 412 /dev/vclock\n"
		"7ffd5a1e0000-7ffd5a1e4000 r--p 00000000 00:00 0 [vvar]\n";
	static const char smaps[] =
		"00400000-00401000 r-xp 00000000 fd:01 1 /bin/x\n"
		"Size:                  4 kB\n"
		"VmFlags: rd ex mr mw me\n"
		"7f0a1c000000-7f0a1c003000 r--s 00010000 00:05 412 /dev/vclock\n"
		"Size:                 12 kB\n"
		"Rss:                   0 kB\n"
		"VmFlags: rd mr ms pf io de dd\n";
	struct maps_list l = { 0 };
	FILE *f = fmemopen((void *)maps, sizeof(maps) - 1, "r");

	tap_ok(f && !maps_read_stream(f, &l) && l.n == 3, "three entries from a maps stream");
	if (f)
		fclose(f);
	f = fmemopen((void *)smaps, sizeof(smaps) - 1, "r");
	tap_ok(f && !smaps_merge_stream(f, &l), "smaps stream merged");
	if (f)
		fclose(f);
	tap_ok(l.n == 3 && l.v[1].have_smaps && l.v[1].size_kb == 12 &&
	       !strcmp(l.v[1].vmflags, "rd mr ms pf io de dd") && !l.v[2].have_smaps &&
	       !strcmp(l.v[0].vmflags, "rd ex mr mw me"), "smaps fields went to their VMAs");
	maps_free(&l);
}

static void test_self(void)
{
	struct maps_list l = { 0 };
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	size_t i, found = l.n;
	int err = maps_read("self", &l);

	tap_ok(!err && l.n > 5, "/proc/self/maps: %zu entries", l.n);
	tap_ok(!smaps_merge("self", &l), "/proc/self/smaps merged");
	found = l.n;
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.v[i].path, "[vdso]"))
			found = i;
	if (!vdso) {
		tap_skip("no vDSO", "[vdso] entry");
	} else {
		tap_ok(found < l.n && l.v[found].start == vdso && l.v[found].have_smaps &&
		       vmflags_has(l.v[found].vmflags, "ex"),
		       "[vdso] starts at AT_SYSINFO_EHDR %#lx and is executable", vdso);
	}
	tap_ok(maps_read("999999999", &l) < 0, "maps of a pid that does not exist fails");
	maps_free(&l);
}

int main(void)
{
	tap_header();
	test_lines();
	test_smaps_fields();
	test_streams();
	test_self();
	return tap_done();
}
