// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_getcpu_so.c - vclock_getcpu.c for libvclock.so: with the vDSO's
 * plain "getcpu" alias, which only the shared object exports.
 */
#define VCLOCK_GETCPU_ALIAS 1
#include "vclock_getcpu.c"
