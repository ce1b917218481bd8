// SPDX-License-Identifier: GPL-2.0
/*
 * 01-hpet - the guest's HPET, seen without vclock: the ACPI table's
 * address equals the kernel's resource, and the counter mapped through the
 * kernel's own /dev/hpet has a sane period and advances at that rate.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"

/* ACPI HPET table: header (36) + block id (4) + generic address (12). */
#define ACPI_HPET_GAS_ADDR 44

static uint64_t acpi_hpet_address(void)
{
	unsigned char t[64];
	uint64_t a = 0;
	int fd = open("/sys/firmware/acpi/tables/HPET", O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, t, sizeof(t)) >= ACPI_HPET_GAS_ADDR + 8 && !memcmp(t, "HPET", 4))
		memcpy(&a, t + ACPI_HPET_GAS_ADDR, 8);
	close(fd);
	return a;
}

static uint64_t iomem_hpet_start(void)
{
	char line[256];
	uint64_t start = 0;
	FILE *f = fopen("/proc/iomem", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, ": HPET")) {
			sscanf(line, " %" SCNx64, &start);
			break;
		}
	if (f)
		fclose(f);
	return start;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * A counter value and the clock at it: the load bracketed by two clock
 * reads, taken again while the bracket is wider than 20 us (a preemption
 * between the load and the clock would count as counter time).
 */
static void counter_at(const volatile uint32_t *h, uint32_t *c, uint64_t *t)
{
	uint64_t a, b;
	int i;

	for (i = 0; i < 100; i++) {
		a = now_ns();
		*c = h[0xf0 / 4];
		b = now_ns();
		if (b - a <= 20000)
			break;
	}
	*t = a + (b - a) / 2;
}

int main(void)
{
	uint64_t acpi = acpi_hpet_address(), iomem = iomem_hpet_start();
	const volatile uint32_t *h;
	uint32_t period_fs, c0, c1;
	uint64_t t0, t1;
	double hz, ratio;
	int fd;

	tap_header();
	tap_ok(acpi != 0, "ACPI HPET table present (address 0x%" PRIx64 ")", acpi);
	tap_ok(acpi == iomem, "ACPI address equals the kernel's HPET resource 0x%" PRIx64, iomem);

	fd = open("/dev/hpet", O_RDONLY);
	if (fd < 0)
		tap_bail("cannot open /dev/hpet: %m");
	h = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED)
		tap_bail("cannot mmap /dev/hpet: %m");

	period_fs = h[1]; /* GCAP_ID bits 63:32 */
	tap_ok(period_fs > 0 && period_fs <= 100000000,
	       "period %u fs is non-zero and at most 100 ns", period_fs);
	tap_ok(h[0x10 / 4] & 1, "main counter enabled (GEN_CONF.ENABLE_CNF)");

	counter_at(h, &c0, &t0);
	usleep(200000);
	counter_at(h, &c1, &t1);
	tap_ok(c1 != c0, "counter advances (%u -> %u)", c0, c1);

	hz = 1e15 / period_fs;
	ratio = (double)(uint32_t)(c1 - c0) / hz * 1e9 / (double)(t1 - t0);
	tap_ok(ratio > 0.99 && ratio < 1.01,
	       "counter rate matches its period within 1%% (ratio %.4f)", ratio);
	return tap_done();
}
