// SPDX-License-Identifier: GPL-2.0
/*
 * test_ready.c - the ready file (test_ready.h).
 */
#include <stdio.h>
#include <unistd.h>

#include "test_ready.h"

int vt_write_ready(const char *path, const char *extra)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "pid=%d\n%s", (int)getpid(), extra ? extra : "");
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}
