// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-as-user UID COMMAND [ARGS...] - run COMMAND as UID (and gid UID,
 * no supplementary groups), for the shell suites that check what the tools
 * do without root. Busybox's setpriv cannot change the uid.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	long uid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s UID COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	uid = strtol(argv[1], &end, 10);
	if (*end || uid <= 0) {
		fprintf(stderr, "%s: '%s' is not a non-root uid\n", argv[0], argv[1]);
		return 2;
	}
	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid)) {
		fprintf(stderr, "%s: cannot become uid %ld: %s\n", argv[0], uid, strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "%s: cannot run %s: %s\n", argv[0], argv[2], strerror(errno));
	return 127;
}
