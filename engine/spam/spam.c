/*
 * NAME
 *	spam.c - the spam check: rules over the parsed message, a score, a status
 * DESCRIPTION
 *	Rules load with the engine (rules_dir, every *.cf, strict: our own
 *	rule files must be right) and are shared read-only by all scans.
 *	Per message the check builds the rules' view of the message the engine
 *	already parsed, runs the rules, adds GTUBE, and records the score and
 *	the rules that hit in the verdict.  A score at or above the policy's
 *	spam_threshold is a "spam" finding, at or above probable_threshold a
 *	"probable" one: the decision step then treats them like any status.
 */
#include "config.h"

#include <string.h>

#include "spam.h"

#define PC_GTUBE_SCORE 1000.0

static gpointer
pc_spam_create(const PcEngineOptions *options, GError **error)
{
	PcRuleSet *rules = pc_rules_new();

	if (options->spam_rules_dir != NULL && *options->spam_rules_dir != '\0' &&
	    !pc_rules_load_dir(rules, options->spam_rules_dir, TRUE, error)) {
		pc_rules_free(rules);
		return NULL;
	}
	if (!pc_rules_finish(rules, TRUE, error)) {
		pc_rules_free(rules);
		return NULL;
	}
	return rules;
}

static void
pc_spam_destroy(gpointer state)
{
	pc_rules_free(state);
}

static gint
pc_spam_by_score(gconstpointer a, gconstpointer b)
{
	const PcRuleHit *x = a, *y = b;

	return x->score < y->score ? 1 : x->score > y->score ? -1 : strcmp(x->name, y->name);
}

/* "A,B,C" by score, highest first: the log and X-Spam-Status name them. */
static char *
pc_spam_tests(GArray *hits)
{
	GString *out = g_string_new(NULL);

	g_array_sort(hits, pc_spam_by_score);
	for (guint i = 0; i < hits->len; i++)
		g_string_append_printf(out, "%s%s", i ? "," : "",
				       g_array_index(hits, PcRuleHit, i).name);
	return g_string_free(out, FALSE);
}

static gboolean
pc_spam_scan_message(gpointer state, PcScan *scan, GError **error)
{
	const PcPolicy *policy = scan->policy;
	PcSpamView view = { 0 };
	g_autoptr(GArray) hits = g_array_new(FALSE, FALSE, sizeof(PcRuleHit));
	double score;
	PcStatus status = PC_STATUS_CLEAN;

	(void)error;
	if (!policy->spam || scan->alternate)
		return TRUE;
	pc_spam_view_init(&view, scan);
	score = pc_rules_run(state, &view, hits);
	if (scan->data != NULL && g_strstr_len((const char *)scan->data, scan->len, PC_GTUBE)) {
		PcRuleHit gtube = { "GTUBE", PC_GTUBE_SCORE, 1 };

		g_array_append_val(hits, gtube);
		score += PC_GTUBE_SCORE;
	}
	pc_spam_view_clear(&view);
	g_free(scan->verdict->spam_tests);
	scan->verdict->spam_scanned = TRUE;
	scan->verdict->spam_score = score;
	scan->verdict->spam_tests = pc_spam_tests(hits);
	if (score >= policy->spam_threshold)
		status = PC_STATUS_SPAM;
	else if (score >= policy->probable_threshold)
		status = PC_STATUS_PROBABLE;
	if (status != PC_STATUS_CLEAN) {
		g_autofree char *detail = g_strdup_printf("score=%.1f required=%.1f tests=%s", score,
							  policy->spam_threshold,
							  scan->verdict->spam_tests);
		PcFinding *f = pc_verdict_add(scan->verdict, "spam", status, "message",
					      hits->len ? g_array_index(hits, PcRuleHit, 0).name
							: "score", detail);

		f->score = score;
	}
	return TRUE;
}

const PcCheck pc_check_spam = {
	.name = "spam",
	.create = pc_spam_create,
	.scan_message = pc_spam_scan_message,
	.destroy = pc_spam_destroy,
};
