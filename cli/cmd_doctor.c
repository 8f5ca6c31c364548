// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_doctor.c - `svatrace doctor`: say what this host can collect and why
 * not, and what to change. Exit 0 when collection is possible.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "collect/doctor.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: svatrace doctor [--json] [--btf FILE] [--rate]\n"
		   "\n"
		   "Check what 'svatrace collect' can capture on this host: privileges, kernel\n"
		   "BTF, each tracepoint and kernel function probe (present or not, and why),\n"
		   "the IOMMU (kind, strict/lazy/passthrough, VT-d scalable mode), PCI devices\n"
		   "with ATS/PRI/PASID, DSA devices and work queues, and what to change\n"
		   "(kernel command line, modules, hardware). Exit status 0 when collection\n"
		   "is possible, 1 when it is not.\n"
		   "\n"
		   "Options:\n"
		   "  --json         one JSON object instead of text\n"
		   "      --btf FILE kernel BTF to check (default: /sys/kernel/btf/vmlinux)\n"
		   "      --rate     also count this host's events for one second (collect\n"
		   "                 --summary) and advise full, sampled or summary capture\n"
		   "  -h, --help     this help\n"
		   "\n"
		   "Example:\n"
		   "  sudo svatrace doctor\n");
}

static const char *yes_no(json_t *v)
{
	return json_is_true(v) ? "yes" : "no";
}

static void print_text(json_t *r)
{
	json_t *iommu = json_object_get(r, "iommu"), *v;
	size_t i;

	printf("kernel:          %s\n", json_string_value(json_object_get(r, "kernel_release")));
	printf(
	    "privileges:      %s\n",
	    json_is_true(json_object_get(json_object_get(r, "privileges"), "ok"))
		? "ok (may load BPF tracing programs)"
		: json_string_value(json_object_get(json_object_get(r, "privileges"), "message")));
	printf("BTF:             %s (%s)\n",
	       yes_no(json_object_get(json_object_get(r, "btf"), "ok")),
	       json_string_value(json_object_get(json_object_get(r, "btf"), "path")));
	printf("tracefs:         %s\n", json_is_string(json_object_get(r, "tracefs"))
					    ? json_string_value(json_object_get(r, "tracefs"))
					    : "not available");
	printf("IOMMU:           %s, mode %s\n", json_string_value(json_object_get(iommu, "kind")),
	       json_string_value(json_object_get(iommu, "mode")));
	if (json_object_get(iommu, "invalidation"))
		printf("invalidation:    %s\n",
		       json_string_value(json_object_get(iommu, "invalidation")));
	if (json_object_get(iommu, "amd_iommu_options"))
		printf("AMD-Vi:          %u unit(s), amd_iommu=%s, page table %s\n",
		       (unsigned int)json_array_size(json_object_get(iommu, "units")),
		       json_string_value(json_object_get(iommu, "amd_iommu_options")),
		       json_string_value(json_object_get(iommu, "page_table")));
	if (json_object_get(iommu, "scalable_mode"))
		printf("scalable mode:   %s\n",
		       json_string_value(json_object_get(iommu, "scalable_mode")));
	printf("ATS/PRI/PASID devices:\n");
	json_array_foreach (json_object_get(r, "devices_with_ats_pri_pasid"), i, v)
		printf("  %s ats=%s pri=%s pasid=%s\n",
		       json_string_value(json_object_get(v, "bdf")),
		       yes_no(json_object_get(v, "ats")), yes_no(json_object_get(v, "pri")),
		       yes_no(json_object_get(v, "pasid")));
	if (!json_array_size(json_object_get(r, "devices_with_ats_pri_pasid")))
		printf("  (none)\n");
	printf("DSA work queues:\n");
	json_array_foreach (json_object_get(json_object_get(r, "dsa"), "wqs"), i, v) {
		json_t *sz = json_object_get(v, "size");

		printf("  %s mode=%s size=%lld state=%s\n",
		       json_string_value(json_object_get(v, "name")),
		       json_string_value(json_object_get(v, "mode")) ?: "?",
		       json_is_integer(sz) ? (long long)json_integer_value(sz) : -1LL,
		       json_string_value(json_object_get(v, "state")) ?: "?");
	}
	if (!json_array_size(json_object_get(json_object_get(r, "dsa"), "wqs")))
		printf("  (none)\n");
	printf("probes:\n");
	json_array_foreach (json_object_get(r, "probes"), i, v) {
		const char *fr = json_string_value(json_object_get(v, "fentry_refused"));

		printf("  %-40s %-10s  %s%s", json_string_value(json_object_get(v, "name")),
		       json_string_value(json_object_get(v, "via")),
		       json_is_true(json_object_get(v, "present")) ? "present" : "absent: ",
		       json_is_true(json_object_get(v, "present"))
			   ? ""
			   : json_string_value(json_object_get(v, "why")) ?: "?");
		if (fr)
			printf(" (fentry: %s)", fr);
		putchar('\n');
	}
	printf("a trace collected here would hold (what could identify this host):\n");
	json_array_foreach (json_object_get(r, "a_trace_would_hold"), i, v)
		printf("  - %s\n", json_string_value(v));
	printf("what to change:\n");
	json_array_foreach (json_object_get(r, "advice"), i, v)
		printf("  - %s\n", json_string_value(v));
	printf(
	    "verdict:         %s\n",
	    json_is_true(json_object_get(r, "can_collect"))
		? (json_is_true(json_object_get(r, "events_can_fire"))
		       ? "collection possible"
		       : "collection possible, but no IOMMU is active: IOMMU events will not fire")
		: "collection NOT possible here");
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"btf", required_argument, NULL, 'B'},
	    {"rate", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *btf = NULL;
	bool json = false, ok = false, rate = false;
	json_t *r;
	int c;

	while ((c = cli_getopt(argc, argv, "h", lopts)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'B':
			btf = optarg;
			break;
		case 'R':
			rate = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("doctor", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	r = doctor_report(btf, &ok);
	if (!r)
		return cli_error("doctor", "out of memory");
	if (rate && ok)
		doctor_add_event_rate(r, btf);
	if (json) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		print_text(r);
	}
	json_decref(r);
	return ok ? CLI_OK : CLI_FAIL;
}
