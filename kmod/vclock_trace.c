// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_trace.c - the trace events' definitions (vclock_trace.h).
 */
#include "vclock_internal.h"

#define CREATE_TRACE_POINTS
#include "vclock_trace.h"
