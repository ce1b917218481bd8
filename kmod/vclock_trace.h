/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_trace.h - trace events of the module (tracefs: events/vclock/),
 * for ftrace and perf:
 *
 *   vclock_fault        a page inserted from .fault: address, layout page,
 *                       pfn (a physical frame number: tracefs is root-only),
 *                       strategy, requested cache mode
 *   vclock_tk_update    a timekeeper update: counter mode, measured rate,
 *                       published mult, how far the published line was ahead
 *                       of the kernel, the steering (rate - mult)
 *   vclock_mode_switch  the counter mode changed (from, to)
 *   vclock_view_create  a time-namespace view created / freed: its offsets
 *   vclock_view_free    and the number of views after
 *
 * The debugfs status (counters) stays; these are the events behind it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vclock

#if !defined(_VCLOCK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VCLOCK_TRACE_H

#include <linux/tracepoint.h>

#include <vclock_abi.h>

#include "vclock_internal.h"

#define vclock_show_mode(m)						\
	__print_symbolic(m, { VCLOCK_MODE_NONE, "none" },		\
			 { VCLOCK_MODE_HPET, "hpet" }, { VCLOCK_MODE_TSC, "tsc" })
#define vclock_show_page(p)						\
	__print_symbolic(p, { VCLOCK_PAGE_DATA, "data" },		\
			 { VCLOCK_PAGE_LAB, "lab" }, { VCLOCK_PAGE_TK, "tk" },	\
			 { VCLOCK_PAGE_HPET, "hpet" })
#define vclock_show_strategy(s)						\
	__print_symbolic(s, { VCLOCK_STRATEGY_FILE, "file" },		\
			 { VCLOCK_STRATEGY_FAULT, "fault" },		\
			 { VCLOCK_STRATEGY_REMAP, "remap" },		\
			 { VCLOCK_STRATEGY_SPLIT, "split" },		\
			 { VCLOCK_STRATEGY_MIXED, "mixed" })
#define vclock_show_cache(c)						\
	__print_symbolic(c, { VCLOCK_CACHE_NONE, "-" },			\
			 { VCLOCK_CACHE_WB, "WB" }, { VCLOCK_CACHE_WC, "WC" },	\
			 { VCLOCK_CACHE_WT, "WT" }, { VCLOCK_CACHE_WP, "WP" },	\
			 { VCLOCK_CACHE_UC, "UC" },				\
			 { VCLOCK_CACHE_UC_MINUS, "UC-" })

TRACE_EVENT(vclock_fault,
	TP_PROTO(unsigned long address, unsigned int page, unsigned long pfn,
		 unsigned long vm_pgoff),
	TP_ARGS(address, page, pfn, vm_pgoff),
	TP_STRUCT__entry(
		__field(unsigned long, address)
		__field(unsigned long, pfn)
		__field(unsigned int, page)
		__field(unsigned int, strategy)
		__field(unsigned int, requested)
	),
	TP_fast_assign(
		__entry->address = address;
		__entry->pfn = pfn;
		__entry->page = page;
		__entry->strategy = VCLOCK_PGOFF_STRATEGY(vm_pgoff);
		__entry->requested = vclock_requested_cache(VCLOCK_PGOFF_LAB(vm_pgoff), page);
	),
	TP_printk("address=%#lx page=%s pfn=%#lx strategy=%s requested=%s",
		  __entry->address, vclock_show_page(__entry->page), __entry->pfn,
		  vclock_show_strategy(__entry->strategy),
		  vclock_show_cache(__entry->requested))
);

TRACE_EVENT(vclock_tk_update,
	TP_PROTO(int mode, u32 rate, u32 mult, u64 ahead_ns),
	TP_ARGS(mode, rate, mult, ahead_ns),
	TP_STRUCT__entry(
		__field(u64, ahead_ns)
		__field(int, mode)
		__field(u32, rate)
		__field(u32, mult)
	),
	TP_fast_assign(
		__entry->ahead_ns = ahead_ns;
		__entry->mode = mode;
		__entry->rate = rate;
		__entry->mult = mult;
	),
	TP_printk("mode=%s rate=%u mult=%u ahead_ns=%llu steer=%d",
		  vclock_show_mode(__entry->mode), __entry->rate, __entry->mult,
		  __entry->ahead_ns, (int)(__entry->rate - __entry->mult))
);

TRACE_EVENT_CONDITION(vclock_mode_switch,
	TP_PROTO(int from, int to),
	TP_ARGS(from, to),
	TP_CONDITION(from != to),
	TP_STRUCT__entry(
		__field(int, from)
		__field(int, to)
	),
	TP_fast_assign(
		__entry->from = from;
		__entry->to = to;
	),
	TP_printk("from=%s to=%s", vclock_show_mode(__entry->from),
		  vclock_show_mode(__entry->to))
);

DECLARE_EVENT_CLASS(vclock_view,
	TP_PROTO(s64 mono_ns, s64 boot_ns, unsigned int nr_views),
	TP_ARGS(mono_ns, boot_ns, nr_views),
	TP_STRUCT__entry(
		__field(s64, mono_ns)
		__field(s64, boot_ns)
		__field(unsigned int, nr_views)
	),
	TP_fast_assign(
		__entry->mono_ns = mono_ns;
		__entry->boot_ns = boot_ns;
		__entry->nr_views = nr_views;
	),
	TP_printk("monotonic_offset_ns=%lld boottime_offset_ns=%lld views=%u",
		  __entry->mono_ns, __entry->boot_ns, __entry->nr_views)
);

DEFINE_EVENT(vclock_view, vclock_view_create,
	TP_PROTO(s64 mono_ns, s64 boot_ns, unsigned int nr_views),
	TP_ARGS(mono_ns, boot_ns, nr_views));

DEFINE_EVENT(vclock_view, vclock_view_free,
	TP_PROTO(s64 mono_ns, s64 boot_ns, unsigned int nr_views),
	TP_ARGS(mono_ns, boot_ns, nr_views));

#endif /* _VCLOCK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vclock_trace
#include <trace/define_trace.h>
