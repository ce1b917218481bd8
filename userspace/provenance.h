/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provenance.h - where a measurement or a check came from, for every JSON
 * output of the tools ("provenance": {...}): the commit the tools were
 * built from, the kernel and its command line, the module and its
 * parameters (as the tool found them), CRIU, QEMU and its accelerator, the
 * date, the host's CPU. Unknown facts are null, never guessed.
 *
 * Every JSON output of the tools begins with the same envelope
 * (provenance_envelope(), doc/schema/provenance.schema.json):
 *   "schema": {"name": "vclock-bench", "version": 1},
 *   "tool": {"name": "vclock-bench", "version": "1.0"},
 *   "provenance": {...}
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
#define PROV_PARAMS	8

struct provenance {
	char commit[PROV_LEN];		/* git describe of the tools' tree */
	char kernel[PROV_LEN];		/* uname -r */
	char cmdline[1024];		/* /proc/cmdline */
	char module[PROV_LEN];		/* /sys/module/vclock/version; "" unloaded */
	char module_srcversion[PROV_LEN];
	struct {
		char name[32];
		char value[64];
	} params[PROV_PARAMS];		/* /sys/module/vclock/parameters/, readable ones; */
	int nr_params;			/* none: the module is not loaded */
	char criu[PROV_LEN];		/* CRIU's version */
	char qemu[PROV_LEN];		/* QEMU's version, in the guest */
	char accel[PROV_LEN];		/* tcg or kvm, in the guest */
	char date[PROV_LEN];		/* now, UTC, ISO 8601 */
	char host_cpu[PROV_LEN];	/* the physical machine's CPU model */
	char cpu[PROV_LEN];		/* the CPU model this runs on (virtual in a guest) */
	bool guest;			/* running in vclock's QEMU guest */
};

void provenance_collect(struct provenance *p);

/*
 * The envelope's members, for the start of a JSON object (after its '{',
 * no comma after them): the schema @schema at @version, this tool @tool,
 * and @p.
 */
void provenance_envelope(FILE *f, const char *schema, int version, const char *tool,
			 const struct provenance *p);

#endif /* PROVENANCE_H */
