// SPDX-License-Identifier: GPL-2.0
/*
 * 37-kmod-hpet-page - the hpet_page policy (Linux v4.6 patch 6/6: no vvar
 * access to the HPET's MMIO page for a never-used vclock).
 *
 *   - the default is always; the parameter reads back what was given at
 *     load and at run time, with blanks; other values are EINVAL;
 *   - hpet_page=if-used, counter mode never hpet since load (clock_mode=none
 *     at insmod): touching the HPET page is SIGBUS for every strategy, the
 *     data page reads; remap leaves the HPET PTE out at mmap time; through
 *     /proc/vclock too;
 *   - once the mode has been hpet (then none again): the HPET page reads
 *     for every strategy, also in a remap mapping made before (it faults
 *     in); the status file says so;
 *   - hpet_page=always, mode none: the HPET page reads for every strategy
 *     and remap has its PTE right after mmap;
 *   - switching always -> if-used leaves a PTE already made, a new mapping
 *     of a never-used HPET gets SIGBUS.
 * Leaves the module loaded as vm/run --load loaded it.
 */
#include "vclock_test.h"

static unsigned int strategies;	/* offered by this kernel */

/* In a child: one load of the HPET counter through @arg's mapping. */
static void read_counter(void *arg)
{
	const struct vt_map *m = arg;
	volatile uint32_t v = *vt_counter(m);

	(void)v;
}

static void read_data(void *arg)
{
	const struct vt_map *m = arg;
	volatile uint32_t v = vt_data(m)->magic;

	_exit(v == VCLOCK_MAGIC ? 0 : 1);
}

/* Is the HPET page's PTE present in this process (the module's query)? */
static int hpet_present(int fd, const struct vt_map *m)
{
	struct vclock_pte_info e[8];
	const struct vclock_pte_info *h;
	unsigned int nr_vmas;
	int n = vt_query(fd, 0, e, 8, &nr_vmas);

	h = n > 0 ? vt_entry(e, n, m->hpet) : NULL;
	return h ? (int)h->present : -1;
}

static int load(const char *params)
{
	int err;

	if (vt_loaded() && vt_unload())
		tap_bail("cannot unload the module to reload it with %s", params);
	err = vt_load(params);
	if (err)
		tap_bail("insmod %s: %s", params, strerror(-err));
	return err;
}

/* Has the status file a line "hpet_page: @policy (hpet mode used since load: @used)"? */
static int status_says(const char *policy, const char *used)
{
	char line[256], want[128];
	int found = 0;
	FILE *f = fopen("/sys/kernel/debug/vclock/status", "r");

	snprintf(want, sizeof(want), "hpet_page: %s (hpet mode used since load: %s)\n", policy,
		 used);
	while (f && fgets(line, sizeof(line), f))
		found |= !strcmp(line, want);
	if (f)
		fclose(f);
	return found;
}

/*
 * Every offered strategy: map through @path, check the data page reads,
 * then the HPET page: SIGBUS if !@allowed, else a read; remap's PTE right
 * after mmap must be there exactly when @allowed.
 */
static void per_strategy(const char *label, const char *path, int allowed)
{
	unsigned int s;

	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		struct vt_map m;
		int fd = open(path, O_RDONLY | O_CLOEXEC), sig, err;

		if (fd < 0)
			tap_bail("open %s: %s", path, strerror(errno));
		if (!(strategies & (1u << s))) {
			vt_check_unoffered(fd, s);
			close(fd);
			continue;
		}
		err = vt_map(fd, s, VCLOCK_LAB_WB, &m);
		if (!tap_ok(!err, "%s: %s mmap through %s", label, vt_strategy_names[s], path)) {
			close(fd);
			continue;
		}
		if (s == VCLOCK_STRATEGY_REMAP) {
			int p = hpet_present(fd, &m);

			tap_ok(p == allowed, "%s: remap: HPET PTE %s right after mmap (want %s)",
			       label, p < 0 ? "unknown" : p ? "present" : "absent",
			       allowed ? "present" : "absent");
		}
		sig = vt_in_child(read_data, &m);
		tap_ok(sig == 0, "%s: %s: the data page reads (child status %d)", label,
		       vt_strategy_names[s], sig);
		sig = vt_in_child(read_counter, &m);
		if (allowed)
			tap_ok(sig == 0, "%s: %s: the HPET counter reads (child status %d)", label,
			       vt_strategy_names[s], sig);
		else
			tap_ok(sig == SIGBUS, "%s: %s: touching the HPET page is SIGBUS (got %s)",
			       label, vt_strategy_names[s], sig ? strsignal(sig) : "no signal");
		vt_unmap(&m);
		close(fd);
	}
}

static void check_param(const char *want, const char *when)
{
	char val[32] = "";

	tap_ok(vt_param_read("hpet_page", val, sizeof(val)) == 0 && !strcmp(val, want),
	       "hpet_page reads back %s %s (got '%s')", want, when, val);
}

int main(void)
{
	struct vt_map before, m;
	int fd, sig, err;

	tap_header();
	if (!vt_loaded() && vt_reload())
		tap_bail("cannot load the module");
	check_param("always", "by default");
	fd = vt_open();
	strategies = vt_strategies(fd);
	close(fd);

	/* ---- the parameter itself -------------------------------------------- */
	err = vt_param_write("hpet_page", "sometimes");
	tap_ok(err == -EINVAL, "hpet_page=sometimes: EINVAL (%s)", err ? strerror(-err) : "accepted");
	err = vt_param_write("hpet_page", " if-used\n");
	tap_ok(err == 0, "hpet_page=' if-used\\n' accepted (%s)", err ? strerror(-err) : "ok");
	check_param("if-used", "after a write");
	err = vt_param_write("hpet_page", "always");
	check_param("always", "after writing always");

	/* ---- if-used, never used ----------------------------------------------- */
	load("hpet_page=if-used clock_mode=none");
	check_param("if-used", "given at insmod");
	tap_ok(status_says("if-used", "no"), "status: hpet_page: if-used, hpet mode not used");
	per_strategy("if-used, never hpet", VCLOCK_DEVICE, 0);
	per_strategy("if-used, never hpet", VCLOCK_PROC_FILE, 0);

	/* A remap mapping made now keeps no HPET PTE; it faults in once allowed. */
	fd = vt_open();
	if (vt_map(fd, VCLOCK_STRATEGY_REMAP, VCLOCK_LAB_WB, &before))
		tap_bail("remap mmap: %s", strerror(errno));

	/* ---- used once: hpet, then none again ---------------------------------- */
	err = vt_param_write("clock_mode", "hpet");
	tap_ok(err == 0, "clock_mode=hpet (%s)", err ? strerror(-err) : "ok");
	err = vt_param_write("clock_mode", "none");
	tap_ok(err == 0, "clock_mode=none again (%s)", err ? strerror(-err) : "ok");
	tap_ok(status_says("if-used", "yes"), "status: hpet_page: if-used, hpet mode used");
	per_strategy("if-used, hpet used before", VCLOCK_DEVICE, 1);
	per_strategy("if-used, hpet used before", VCLOCK_PROC_FILE, 1);
	tap_ok(hpet_present(fd, &before) == 0,
	       "remap made before hpet was used: still no HPET PTE before a touch");
	sig = vt_in_child(read_counter, &before);
	tap_ok(sig == 0, "remap made before hpet was used: the HPET page faults in now (child status %d)",
	       sig);
	vt_unmap(&before);
	close(fd);

	/* ---- always, never used ------------------------------------------------- */
	load("hpet_page=always clock_mode=none");
	check_param("always", "given at insmod");
	tap_ok(status_says("always", "no"), "status: hpet_page: always, hpet mode not used");
	per_strategy("always, never hpet", VCLOCK_DEVICE, 1);

	/* ---- always -> if-used: a PTE made stays, a new one is refused --------- */
	fd = vt_open();
	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &m))
		tap_bail("fault mmap: %s", strerror(errno));
	read_counter(&m);	/* the PTE, in this process */
	err = vt_param_write("hpet_page", "if-used");
	tap_ok(err == 0 && hpet_present(fd, &m) == 1,
	       "always -> if-used: the HPET PTE made before stays");
	tap_ok(vt_in_child(read_counter, &m) == 0,
	       "always -> if-used: it still reads (fork copied the PTE)");
	vt_unmap(&m);
	close(fd);
	per_strategy("always -> if-used, never hpet", VCLOCK_DEVICE, 0);

	/* Back as vm/run loaded it. */
	if (vt_unload() || vt_reload())
		tap_bail("cannot reload the module as vm/run did");
	check_param("always", "after the reload");
	return tap_done();
}
