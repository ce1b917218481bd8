/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provenance.h - where a measurement or a check came from, for every JSON
 * output of the tools ("provenance": {...}): the commit the tools were
 * built from, the kernel, the module, CRIU, QEMU and its accelerator, the
 * date, the host's CPU. Unknown facts are null, never guessed.
 *
 * Build-time facts come from a key=value file: $VCLOCK_FACTS, else "facts"
 * beside the tool's bin/ directory (build/facts on the host, written by
 * make; /opt/vclock/facts in the guest, with the QEMU version, the host's
 * CPU and the generation's CRIU version). Run-time facts are read here.
 */
#ifndef PROVENANCE_H
#define PROVENANCE_H

#include <stdbool.h>
#include <stdio.h>

#define PROV_LEN	160

struct provenance {
	char commit[PROV_LEN];		/* git describe of the tools' tree */
	char kernel[PROV_LEN];		/* uname -r */
	char module[PROV_LEN];		/* /sys/module/vclock/version; "" unloaded */
	char module_srcversion[PROV_LEN];
	char criu[PROV_LEN];		/* CRIU's version */
	char qemu[PROV_LEN];		/* QEMU's version, in the guest */
	char accel[PROV_LEN];		/* tcg or kvm, in the guest */
	char date[PROV_LEN];		/* now, UTC, ISO 8601 */
	char host_cpu[PROV_LEN];	/* the physical machine's CPU model */
	char cpu[PROV_LEN];		/* the CPU model this runs on (virtual in a guest) */
	bool guest;			/* running in vclock's QEMU guest */
	char facts_file[PROV_LEN];	/* where build-time facts came from; "" none */
};

void provenance_collect(struct provenance *p);

/* @p as one JSON object (no key, no newline). */
void provenance_json(FILE *f, const struct provenance *p);

#endif /* PROVENANCE_H */
