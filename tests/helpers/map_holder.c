// SPDX-License-Identifier: GPL-2.0
/*
 * map_holder PATH PAGES - map PAGES pages of PATH read-only and shared,
 * print "ready" and wait to be killed: a process with a mapping of PATH for
 * a tool to inspect (json_schema_test maps a stand-in /dev/vclock with it).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long pages;
	void *p;
	int fd;

	if (argc != 3 || (pages = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: map_holder PATH PAGES\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	p = mmap(NULL, (size_t)pages * 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
