// SPDX-License-Identifier: GPL-2.0
/*
 * plugin_test - the CRIU plugin on the host, where the vclock module is not
 * loaded (it is never loaded on the host): the record file round trip and
 * its parser's refusals; then vclock_plugin.so loaded the way CRIU loads
 * it (dlopen, CR_PLUGIN_DESC), with this program providing the two
 * functions CRIU exports to plugins: its descriptor and hooks, "not mine"
 * for every other device, a stale record removed at dump, restore init
 * with no record, with a malformed one, and with one while the module is
 * absent (refused, with the message the guest suite also looks for).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criu/criu-plugin.h>

#include "device.h"
#include "record.h"
#include "tap.h"

/* ---- what CRIU provides to plugins --------------------------------------------- */

static char log_buf[8192];
static int image_dir_fd = -1;

void print_on_level(unsigned int loglevel, const char *format, ...)
{
	size_t used = strlen(log_buf);
	va_list ap;

	(void)loglevel;
	va_start(ap, format);
	vsnprintf(log_buf + used, sizeof(log_buf) - used, format, ap);
	va_end(ap);
}

int criu_get_image_dir(void)
{
	return image_dir_fd;
}

/* ---- helpers ----------------------------------------------------------------- */

static char dir_path[] = "/tmp/vclock-plugin-test.XXXXXX";

static void write_file(const char *name, const char *text)
{
	int fd = openat(image_dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		tap_bail("cannot write %s: %s", name, strerror(errno));
	close(fd);
}

static int file_exists(const char *name)
{
	struct stat st;

	return fstatat(image_dir_fd, name, &st, 0) == 0;
}

static const char good_record[] =
	"format 1\n"
	"device /dev/vclock 10:123\n"
	"abi_version 1\n"
	"layout_version 1\n"
	"strategies 0x6 fault,remap\n"
	"vma pid=42 start=0x7f0000000000 end=0x7f0000003000 pgoff=0x10 strategy=fault\n"
	"vma pid=43 start=0x7f0000010000 end=0x7f0000013000 pgoff=0x20 strategy=remap\n"
	"file id=7 flags=0100000 strategy=2\n";

/* ---- the record -------------------------------------------------------------- */

static void test_record_roundtrip(void)
{
	struct vcp_record w, r;
	struct vcp_vma v = { .pid = 7, .start = 0x1000, .end = 0x4000, .pgoff = 0x30 };
	struct vcp_file f = { .id = 99, .flags = O_RDONLY | O_NONBLOCK, .strategy = 3 };
	unsigned int bad = 0;
	int err, i;

	vcp_record_init(&w);
	snprintf(w.path, sizeof(w.path), "/dev/vclock");
	w.dev_major = 10, w.dev_minor = 55, w.abi_version = 4, w.layout_version = 9;
	w.strategy_mask = 1u << VCLOCK_STRATEGY_SPLIT;
	for (i = 0; i < 5; i++) {
		v.start += 0x10000, v.end += 0x10000;
		vcp_record_add_vma(&w, &v);
	}
	tap_ok(vcp_record_add_vma(&w, &v) == 0 && w.nr_vmas == 5,
	       "the same mapping twice is recorded once");
	vcp_record_add_file(&w, &f);
	err = vcp_record_write(image_dir_fd, &w);
	tap_ok(!err && !file_exists(VCP_RECORD_FILE ".tmp"), "record written (%s), no temp file left",
	       strerror(-err));
	vcp_record_init(&r);
	err = vcp_record_read(image_dir_fd, &r, &bad);
	tap_ok(!err && !strcmp(r.path, "/dev/vclock") && r.dev_major == 10 && r.dev_minor == 55 &&
	       r.abi_version == 4 && r.layout_version == 9 && r.strategy_mask == w.strategy_mask,
	       "record read back: device and versions (err %d, line %u)", err, bad);
	tap_ok(r.nr_vmas == 5 && r.vmas[4].start == w.vmas[4].start &&
	       r.vmas[4].pgoff == 0x30 && r.vmas[0].pid == 7,
	       "record read back: the 5 mappings");
	tap_ok(r.nr_files == 1 && vcp_record_file(&r, 99) && vcp_record_file(&r, 99)->flags ==
	       (O_RDONLY | O_NONBLOCK) && vcp_record_file(&r, 99)->strategy == 3 &&
	       !vcp_record_file(&r, 98), "record read back: the open file, by id");
	vcp_record_free(&r);
	vcp_record_free(&w);
}

/* Each text must be refused, as malformed at line @line (0: a missing key). */
static void expect_malformed(const char *text, unsigned int line, const char *what)
{
	struct vcp_record r;
	unsigned int bad = 99;
	int err;

	write_file(VCP_RECORD_FILE, text);
	vcp_record_init(&r);
	err = vcp_record_read(image_dir_fd, &r, &bad);
	tap_ok(err == -EINVAL && bad == line, "record refused: %s (err %d, line %u)", what, err,
	       bad);
	vcp_record_free(&r);
}

static void test_record_refusals(void)
{
	struct vcp_record r;
	unsigned int bad;

	unlinkat(image_dir_fd, VCP_RECORD_FILE, 0);
	vcp_record_init(&r);
	tap_ok(vcp_record_read(image_dir_fd, &r, &bad) == -ENOENT, "no record: -ENOENT");
	expect_malformed("format 2\n", 1, "another format");
	expect_malformed("format 1\ndevice /dev/vclock 10:1\nabi_version 1\nlayout_version 1\n",
			 0, "strategies line missing");
	expect_malformed("format 1\nformat 1\n", 2, "a key twice");
	expect_malformed("format 1\ncolour blue\n", 2, "an unknown key");
	expect_malformed("format 1\ndevice vclock 10:1\n", 2, "a relative device path");
	expect_malformed("format 1\nstrategies 0x100\n", 2, "a strategy beyond the ABI's");
	expect_malformed("format 1\nvma pid=1 start=0x2000 end=0x1000 pgoff=0\n", 2,
			 "a mapping that ends before it starts");
	expect_malformed("format 1\nfile id=1 flags=0 strategy=0\n", 2,
			 "an open file with strategy 'file'");
	expect_malformed("format 1\nlayout_version 1", 2, "a last line cut short");
}

/* ---- the plugin as CRIU loads it -------------------------------------------------- */

static cr_plugin_desc_t *desc;

static void load_plugin(void)
{
	void *h = dlopen(VCP_PLUGIN_SO, RTLD_LAZY);

	if (!h)
		tap_bail("dlopen %s: %s", VCP_PLUGIN_SO, dlerror());
	desc = dlsym(h, "CR_PLUGIN_DESC");
	tap_ok(desc && !strcmp(desc->name, "vclock") && desc->version == CRIU_PLUGIN_VERSION &&
	       desc->max_hooks == CR_PLUGIN_HOOK__MAX && desc->init && desc->exit,
	       "CR_PLUGIN_DESC: name vclock, version %#x, %u hooks", desc ? desc->version : 0,
	       desc ? desc->max_hooks : 0);
	if (!desc)
		tap_bail("no descriptor");
	tap_ok(desc->hooks[CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA] &&
	       desc->hooks[CR_PLUGIN_HOOK__UPDATE_VMA_MAP] &&
	       desc->hooks[CR_PLUGIN_HOOK__DUMP_EXT_FILE] &&
	       desc->hooks[CR_PLUGIN_HOOK__RESTORE_EXT_FILE] &&
	       !desc->hooks[CR_PLUGIN_HOOK__DUMP_UNIX_SK] &&
	       !desc->hooks[CR_PLUGIN_HOOK__RESUME_DEVICES_LATE],
	       "hooks: device VMA, VMA map, external file dump and restore, nothing else");
	tap_ok(!dlsym(h, "vcp_record_write") && !dlsym(h, "vcp_is_vclock"),
	       "nothing but the descriptor is exported");
}

static void test_not_mine(void)
{
	CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA_t *handle = desc->hooks[CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA];
	CR_PLUGIN_HOOK__DUMP_EXT_FILE_t *dump_file = desc->hooks[CR_PLUGIN_HOOK__DUMP_EXT_FILE];
	CR_PLUGIN_HOOK__UPDATE_VMA_MAP_t *update = desc->hooks[CR_PLUGIN_HOOK__UPDATE_VMA_MAP];
	CR_PLUGIN_HOOK__RESTORE_EXT_FILE_t *restore_file =
		desc->hooks[CR_PLUGIN_HOOK__RESTORE_EXT_FILE];
	const char *devs[] = { "/dev/null", "/dev/zero", "/dev/urandom" };
	uint64_t pgoff = 77;
	int plugin_fd = -1, i, fd, claimed = 0;
	struct stat st;

	tap_ok(desc->init(CR_PLUGIN_STAGE__DUMP) == 0, "init(dump)");
	for (i = 0; i < 3; i++) {
		fd = open(devs[i], O_RDONLY);
		if (fd < 0 || fstat(fd, &st))
			tap_bail("cannot open %s", devs[i]);
		claimed += handle(fd, &st) != -ENOTSUP;
		claimed += dump_file(fd, 3) != -ENOTSUP;
		close(fd);
	}
	tap_ok(!claimed, "dump: /dev/null, /dev/zero, /dev/urandom left to CRIU (-ENOTSUP)");
	tap_ok(!file_exists(VCP_RECORD_FILE), "dump of no vclock file writes no record");
	desc->exit(CR_PLUGIN_STAGE__DUMP, 0);
	tap_ok(update("/dev/null", 0x1000, 0x10, &pgoff, &plugin_fd) == -ENOTSUP && pgoff == 77 &&
	       plugin_fd == -1, "restore: a mapping of /dev/null is not ours (-ENOTSUP)");
	tap_ok(restore_file(7) == -ENOTSUP, "restore: an unknown file id is not ours (-ENOTSUP)");
}

static void test_stale_record_removed(void)
{
	write_file(VCP_RECORD_FILE, good_record);
	tap_ok(desc->init(CR_PLUGIN_STAGE__DUMP) == 0 && !file_exists(VCP_RECORD_FILE),
	       "dump: a record left in the image directory by an earlier dump is removed");
	desc->exit(CR_PLUGIN_STAGE__DUMP, 0);
}

static int restore_init_logs(const char *want)
{
	int ret;

	log_buf[0] = 0;
	ret = desc->init(CR_PLUGIN_STAGE__RESTORE);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, ret);
	if (!strstr(log_buf, want))
		tap_diag("log was: %s", log_buf);
	return ret == 0 ? 0 : strstr(log_buf, want) ? 1 : -1;
}

static void test_restore_init(void)
{
	struct stat st;

	unlinkat(image_dir_fd, VCP_RECORD_FILE, 0);
	tap_ok(restore_init_logs("nothing of vclock to restore") == 0,
	       "restore without a record: init succeeds, nothing to check");
	write_file(VCP_RECORD_FILE, "format 1\nabi_version x\n");
	tap_ok(restore_init_logs("malformed at line 2") == 1,
	       "restore with a malformed record: refused, says which line");
	if (!stat(VCP_SYSFS_DEV, &st)) {
		tap_skip("a vclock module is loaded on this host", "restore with the module absent");
		return;
	}
	write_file(VCP_RECORD_FILE, good_record);
	tap_ok(restore_init_logs("vclock plugin: module not loaded on restore: insmod vclock.ko "
				 "first") == 1,
	       "restore with a record and no module: refused with 'insmod vclock.ko first'");
}

int main(void)
{
	tap_header();
	if (!mkdtemp(dir_path))
		tap_bail("mkdtemp: %s", strerror(errno));
	image_dir_fd = open(dir_path, O_RDONLY | O_DIRECTORY);
	if (image_dir_fd < 0)
		tap_bail("open %s: %s", dir_path, strerror(errno));
	test_record_roundtrip();
	test_record_refusals();
	load_plugin();
	test_not_mine();
	test_stale_record_removed();
	test_restore_init();
	unlinkat(image_dir_fd, VCP_RECORD_FILE, 0);
	close(image_dir_fd);
	rmdir(dir_path);
	return tap_done();
}
