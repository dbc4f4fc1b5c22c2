/*
 * fuzz-scan: libFuzzer target for the engine's scan entry.  Each input is
 * a message given to pc_engine_scan() from memory, as the daemon gives a
 * message below spool_memory_max: GMime parsing, decoding, libmagic,
 * libclamav per part, raw and whole-message scans, the attachment filter.
 * Then the decision step runs on the verdict and every part edit it asks
 * for is spliced (pc_rewrite), so the offsets GMime reports are fuzzed too.
 *
 * The shipped spam rules are loaded, so the spam view (text, HTML walk,
 * URLs and their domains) is built for every input: without rules or Bayes
 * the spam check looks for GTUBE only.
 *
 * Environment: PORTCULLIS_SIGS (signature directory; default the test
 * signatures next to this file), PORTCULLIS_RULES (spam rules directory;
 * default rules/spam there too), PORTCULLIS_FUZZ_TMP (scratch directory).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <portcullis/engine.h>
#include <portcullis/rewrite.h>

#include "decide.h"
#include "fuzz.h"

static PcEngine *fuzz_engine;
static PcPolicy fuzz_policy;

static void
fuzz_policy_init(void)
{
	static char *names[] = { "*.exe", "*.scr", "*.js", NULL };

	fuzz_policy.av = TRUE;
	fuzz_policy.filter_enabled = TRUE;
	fuzz_policy.spam = TRUE;
	fuzz_policy.spam_threshold = 5;
	fuzz_policy.probable_threshold = 3;
	fuzz_policy.scan_mode = PC_SCAN_BOTH;
	fuzz_policy.filter.name_include = names;
	fuzz_policy.filter.executables = TRUE;
	fuzz_policy.filter.type_mismatch = TRUE;
	fuzz_policy.filter.double_extension = TRUE;
	/* Nothing blocked: every finding becomes a part edit to splice. */
	for (int s = 0; s < PC_STATUS_COUNT; s++)
		fuzz_policy.object_action[s] = PC_OBJ_PLACEHOLDER;
	fuzz_policy.object_action[PC_STATUS_FILTERED] = PC_OBJ_REMOVE;
	fuzz_policy.object_action[PC_STATUS_SUSPICIOUS] = PC_OBJ_RENAME;
	fuzz_policy.rename_suffix = ".blocked";
	fuzz_policy.reject_message = "rejected: {reason}";
	fuzz_policy.disclaimer_text = "-- \nchecked\n";
	fuzz_policy.disclaimer_html = "<p>checked</p>";
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *sigs = g_getenv("PORTCULLIS_SIGS");
	const char *rules = g_getenv("PORTCULLIS_RULES");
	const char *tmp = g_getenv("PORTCULLIS_FUZZ_TMP");
	g_autofree char *here = g_path_get_dirname((*argv)[0]);
	g_autofree char *fallback = g_build_filename(here, "..", "..", "tests", "data", "sigs",
						     NULL);
	g_autofree char *rules_fallback = g_build_filename(here, "..", "..", "rules", "spam", NULL);
	PcEngineOptions options = {
		.database_dir = sigs ? sigs : fallback,
		.spam_rules_dir = rules ? rules : rules_fallback,
		.tmp_dir = tmp ? tmp : g_get_tmp_dir(),
		.max_scan_size = 20 << 20, .max_file_size = 10 << 20, .max_recursion = 8,
		.max_files = 200, .max_scan_time_ms = 5000, .max_mime_depth = 20,
		.memory_max = 256 << 10,
	};
	(void)argc;
	fuzz_engine = fuzz_engine_start("fuzz-scan", &options);
	fuzz_policy_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t len)
{
	PcInput input = { .data = data, .len = len, .fd = -1 };
	g_autoptr(PcVerdict) verdict = NULL;
	PcRewrite result;
	PcDecision decision;

	if (len == 0)
		input.data = (const guint8 *)"";
	verdict = pc_engine_scan(fuzz_engine, &input, &fuzz_policy);
	pc_decide(&fuzz_policy, verdict, NULL, "fuzz.example", &decision);
	if (decision.edits->len > 0 &&
	    pc_rewrite(input.data, len, verdict, decision.edits, &result, NULL))
		pc_rewrite_clear(&result);
	g_free(pc_verdict_to_json(verdict, "fuzz"));
	pc_decision_clear(&decision);
	return 0;
}
