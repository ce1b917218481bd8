// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_hpet.c - find the HPET and decide whether it can be a vclock.
 *
 * hpet_address is not exported to modules, so the HPET is found the way the
 * kernel finds it: the ACPI HPET table. The hpet_address module parameter
 * overrides it (for machines without the table, or to test the failure
 * paths). The HPET is usable when its period is sane, its counter is enabled
 * and it advances; otherwise the module still loads, HPET mode is reported
 * unavailable, and the HPET page of a mapping faults with SIGBUS.
 */
#include "vclock_internal.h"

#include <linux/acpi.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/ioport.h>

/* The HPET spec caps the period at 100 ns (0x05F5E100 fs). */
#define HPET_MAX_PERIOD_FS	100000000u
#define HPET_CAP_COUNT_64	BIT(13)
#define HPET_CAP_NUM_TIM(c)	((((c) >> 8) & 0x1f) + 1)
#define HPET_CONF_ENABLE	BIT(0)

struct vclock_hpet vclock_hpet;

static phys_addr_t vclock_hpet_from_acpi(void)
{
	struct acpi_table_header *hdr;
	phys_addr_t address = 0;

	if (acpi_disabled)
		return 0;
	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_HPET, 0, &hdr)))
		return 0;
	address = ((struct acpi_table_hpet *)hdr)->address.address;
	acpi_put_table(hdr);
	return address;
}

/* Read and sanity-check the registers; say clearly why the HPET is unusable. */
static bool vclock_hpet_check(void)
{
	struct vclock_hpet *h = &vclock_hpet;
	u32 cap = readl(h->regs + VCLOCK_HPET_GCAP_ID);
	u32 c0, c1;

	h->period_fs = readl(h->regs + VCLOCK_HPET_PERIOD);
	h->num_timers = HPET_CAP_NUM_TIM(cap);
	h->counter_64 = cap & HPET_CAP_COUNT_64;

	if (!h->period_fs || h->period_fs > HPET_MAX_PERIOD_FS) {
		pr_warn("HPET at %pa has an invalid period (%u fs): HPET mode unavailable\n",
			&h->address, h->period_fs);
		return false;
	}
	if (!(readl(h->regs + VCLOCK_HPET_CONFIG) & HPET_CONF_ENABLE)) {
		pr_warn("HPET at %pa is not enabled (the kernel does not use it; boot with hpet=force?): HPET mode unavailable\n",
			&h->address);
		return false;
	}
	/* 100 us is at least 1000 ticks of the slowest legal HPET (10 MHz); init sleeps. */
	c0 = vclock_hpet_counter();
	usleep_range(100, 200);
	c1 = vclock_hpet_counter();
	if (c1 == c0) {
		pr_warn("HPET at %pa does not count (stuck at %u): HPET mode unavailable\n",
			&h->address, c0);
		return false;
	}
	return true;
}

int vclock_hpet_init(unsigned long address_param)
{
	struct vclock_hpet *h = &vclock_hpet;

	h->address = address_param ? address_param : vclock_hpet_from_acpi();
	if (!h->address) {
		pr_warn("no HPET: no ACPI HPET table (boot with hpet on, or load with hpet_address=): HPET mode unavailable\n");
		return 0;
	}
	/* ioremap() of RAM is a kernel WARNING, and no HPET is ever RAM. */
	if (region_intersects(h->address, PAGE_SIZE, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		if (address_param) {
			pr_err("hpet_address=%pa is system RAM, not an HPET: not loading\n",
			       &h->address);
			h->address = 0;
			return -EINVAL;
		}
		pr_warn("the ACPI HPET table's address %pa is system RAM: HPET mode unavailable\n",
			&h->address);
		return 0;
	}
	if (!PAGE_ALIGNED(h->address)) {
		pr_warn("HPET at %pa is not page aligned, cannot map it to user space: HPET mode unavailable\n",
			&h->address);
		return 0;
	}
	h->regs = ioremap(h->address, PAGE_SIZE);
	if (!h->regs) {
		pr_err("cannot ioremap the HPET at %pa\n", &h->address);
		return -ENOMEM;
	}
	h->usable = vclock_hpet_check();
	if (h->usable)
		pr_info("HPET at %pa: period %u fs (%u kHz), %u timers, %s counter\n",
			&h->address, h->period_fs,
			(u32)div_u64(1000000000000ull, h->period_fs), h->num_timers,
			h->counter_64 ? "64-bit" : "32-bit");
	return 0;
}

void vclock_hpet_exit(void)
{
	if (vclock_hpet.regs)
		iounmap(vclock_hpet.regs);
	vclock_hpet.regs = NULL;
	vclock_hpet.usable = false;
}
