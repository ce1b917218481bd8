/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_ready.h - the ready file of a checkpoint/restore case program: the
 * runner (criu-tests/criu-lib.sh) waits for it before it dumps. Nothing of
 * vclock in it, so a program that must know nothing of vclock (the plain
 * libc clock loop) can use it too.
 */
#ifndef TEST_READY_H
#define TEST_READY_H

/*
 * Create @path atomically (write @path.tmp, rename) with "pid=PID\n"
 * followed by @extra (may be NULL); 0 or -1.
 */
int vt_write_ready(const char *path, const char *extra);

#endif /* TEST_READY_H */
