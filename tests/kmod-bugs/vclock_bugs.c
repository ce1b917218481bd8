// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_bugs.c - a test-only module that commits one bug on request, so
 * that a test can show each of the debug kernel's bug finders catching it
 * and vm/check-dmesg failing the run (tests/unit/bug_finders_test.sh):
 *
 *	insmod vclock_bugs.ko bug=uaf|oob|lock|sleep|leak
 *
 * Never load it anywhere else: every bug is real.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to commit at load: uaf, oob, lock, sleep or leak");

static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);
static DEFINE_SPINLOCK(spin);

/* KASAN: slab-use-after-free */
static void bug_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("vclock_bugs: read after free: %d\n", READ_ONCE(p[8]));
}

/* KASAN: slab-out-of-bounds, one byte past a 64-byte object */
static void bug_oob(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	size_t i = 64;

	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(i);
	pr_info("vclock_bugs: read out of bounds: %d\n", READ_ONCE(p[i]));
	kfree(p);
}

/* lockdep: A then B, later B then A: a possible circular dependency */
static void bug_lock(void)
{
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);

	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
}

/*
 * DEBUG_ATOMIC_SLEEP: an allocation that may sleep, with a spinlock held
 * (might_sleep() reports it whether or not this one sleeps; a real sleep,
 * msleep(), would meet the scheduler's own "scheduling while atomic")
 */
static void bug_sleep(void)
{
	void *p;

	spin_lock(&spin);
	p = kmalloc(16, GFP_KERNEL);
	spin_unlock(&spin);
	kfree(p);
}

/* kmemleak: an object nobody points to any more */
static void bug_leak(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	if (p)
		memset(p, 0x5a, 128);
	OPTIMIZER_HIDE_VAR(p);
}

static int __init vclock_bugs_init(void)
{
	static const struct {
		const char *name;
		void (*commit)(void);
	} bugs[] = {
		{ "uaf", bug_uaf }, { "oob", bug_oob }, { "lock", bug_lock },
		{ "sleep", bug_sleep }, { "leak", bug_leak },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bugs); i++) {
		if (!strcmp(bug, bugs[i].name)) {
			pr_info("vclock_bugs: committing bug '%s'\n", bug);
			bugs[i].commit();
			return 0;
		}
	}
	pr_err("vclock_bugs: unknown bug '%s' (uaf, oob, lock, sleep, leak)\n", bug);
	return -EINVAL;
}

static void __exit vclock_bugs_exit(void)
{
}

module_init(vclock_bugs_init);
module_exit(vclock_bugs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vclock's test of the kernel's bug finders: one real bug on request");
