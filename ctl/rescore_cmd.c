/*
 * NAME
 *	rescore_cmd.c - portcullisctl rescore: rule weights fitted to a site's mail
 * DESCRIPTION
 *	Every message of the corpus is scored as the daemon would score it
 *	(its rules, its Bayes store, no DNS: old mail's lookups say nothing of
 *	when it came), and the weights of the rules that hit are fitted with
 *	rescore.h's logistic regression.  The learners' part of each score is
 *	left as it is unless --fit-learners: when the corpus is what they
 *	learned from, they know every message already, and a fit would trust
 *	them far beyond what they do on new mail.  The result is a file of
 *	score lines ([spam] scores_file) the daemon reads after the rules.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <portcullis/engine.h>
#include <portcullis/rescore.h>

#include "ctl.h"
#include "runtime.h"

const char pcc_rescore_help[] =
	"    rescore --spam PATH... --ham PATH... [--fit-learners] [--dry-run]\n"
	"        Fits the rules' scores to this site's mail: scores every message as\n"
	"        the daemon does (without DNS lists), then fits the weight of each\n"
	"        rule that hit with a regularised logistic regression in which a\n"
	"        ham flagged costs ten spam missed, each weight keeps its published\n"
	"        sign and stays near its published score where few messages show\n"
	"        it. Writes [spam] scores_file (reload the daemon to apply it) and\n"
	"        prints spam caught and ham flagged on the corpus before and after.\n"
	"        --fit-learners also fits the BAYES_xx and NGRAM_xx buckets: only\n"
	"        for a corpus the Bayes store has not learned.\n";

typedef struct {
	PcEngine *engine;
	PcPolicy policy;
	GHashTable *index;		/* rule name -> index + 1 */
	GArray *published;		/* double, by index: the fitted set's */
	GArray *published4;		/* double[4], by index: every set's */
	GPtrArray *names;		/* char *, by index */
	GArray *messages;		/* PcRescoreMessage */
	GPtrArray *hit_lists;		/* guint *, owned */
	gboolean spam;
	guint failed;
} PccRescore;

/* The rules to fit and their published scores in score set set: every
 * rule that runs and scores, and the learners' buckets when asked. */
static void
pcc_rescore_rules(PccRescore *r, guint set, gboolean learners)
{
	g_autoptr(GPtrArray) lines = pc_engine_spam_rules(r->engine);

	for (guint i = 0; i < lines->len; i++) {
		g_auto(GStrv) f = g_strsplit(g_ptr_array_index(lines, i), "\t", 3);
		g_auto(GStrv) scores = NULL;
		double score, all[4];

		if (f[1] == NULL || f[2] == NULL ||
		    !(strcmp(f[1], "run") == 0 || (learners && strcmp(f[1], "learner") == 0)))
			continue;
		scores = g_strsplit(f[2], " ", 4);
		if (g_strv_length(scores) != 4 || (score = g_ascii_strtod(scores[set], NULL)) == 0)
			continue;
		for (guint s = 0; s < 4; s++)
			all[s] = g_ascii_strtod(scores[s], NULL);
		g_array_append_val(r->published, score);
		g_array_append_vals(r->published4, all, 4);
		g_ptr_array_add(r->names, g_strdup(f[0]));
		g_hash_table_insert(r->index, g_ptr_array_index(r->names, r->names->len - 1),
				    GUINT_TO_POINTER(r->names->len));
	}
}

static void
pcc_rescore_one(const char *path, const char *data, gsize len, gpointer user)
{
	PccRescore *r = user;
	PcInput input = { (const guint8 *)data, len, -1, NULL, NULL, 0 };
	g_autoptr(PcVerdict) v = pc_engine_scan(r->engine, &input, &r->policy);
	g_auto(GStrv) tests = NULL;
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(guint));
	PcRescoreMessage m = { .spam = r->spam };

	if (!v->spam_scanned) {
		g_autofree char *p = pcc_text(path);

		fprintf(stderr, "portcullisctl: %s: not scored (%s)\n", p,
			pc_status_name(v->status));
		r->failed++;
		g_array_unref(hits);
		return;
	}
	tests = g_strsplit(v->spam_tests ? v->spam_tests : "", ",", -1);
	m.offset = v->spam_score;
	for (guint i = 0; tests[i] != NULL; i++) {
		guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(r->index, tests[i]));

		if (idx == 0)
			continue;
		g_array_append_val(hits, (guint){ idx - 1 });
		m.offset -= g_array_index(r->published, double, idx - 1);
	}
	m.n_hits = hits->len;
	m.hits = (const guint *)g_array_free(hits, FALSE);
	g_ptr_array_add(r->hit_lists, (gpointer)m.hits);
	g_array_append_val(r->messages, m);
}

/* "caught N/M (P%), flagged N/M (P%)" with weights w. */
static char *
pcc_rescore_outcome(const PccRescore *r, const double *w, double threshold)
{
	guint spam = 0, caught = 0, ham = 0, flagged = 0;

	for (guint i = 0; i < r->messages->len; i++) {
		const PcRescoreMessage *m = &g_array_index(r->messages, PcRescoreMessage, i);
		double score = m->offset;

		for (guint j = 0; j < m->n_hits; j++)
			score += w[m->hits[j]];
		if (m->spam) {
			spam++;
			caught += score >= threshold;
		} else {
			ham++;
			flagged += score >= threshold;
		}
	}
	return g_strdup_printf("spam caught %u/%u (%.1f%%), ham flagged %u/%u (%.2f%%)", caught,
			       spam, spam ? 100.0 * caught / spam : 0, flagged, ham,
			       ham ? 100.0 * flagged / ham : 0);
}

/* Score lines for the weights that moved, with the corpus they came from. */
static gboolean
pcc_rescore_write(const PccRescore *r, const double *w, guint set, const char *path,
		  guint *written, GError **error)
{
	g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *when = g_date_time_format_iso8601(now);
	const double *pub = (const double *)r->published->data;

	g_string_append_printf(out, "# portcullisctl rescore, %s: %u messages, score set %u.\n"
			       "# Read after the rules ([spam] scores_file); delete it to go back "
			       "to the published scores.\n", when, r->messages->len, set);
	*written = 0;
	for (guint i = 0; i < r->names->len; i++) {
		if (w[i] == pub[i])
			continue;
		double four[4];

		/* the fit saw no DNS lists: it stands for its set and that set's
		 * network twin; the other two keep their published scores */
		memcpy(four, &g_array_index(r->published4, double, 4 * i), sizeof(four));
		four[set] = four[set ^ 1] = w[i];
		g_string_append_printf(out, "score %s %.3f %.3f %.3f %.3f # was %g\n",
				       (char *)g_ptr_array_index(r->names, i), four[0], four[1],
				       four[2], four[3], pub[i]);
		(*written)++;
	}
	if (!g_file_set_contents(tmp, out->str, out->len, error))
		return FALSE;
	if (g_rename(tmp, path) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
			    g_strerror(errno));
		g_unlink(tmp);
		return FALSE;
	}
	return TRUE;
}

/* --spam A B --ham C --fit-learners --dry-run */
static gboolean
pcc_rescore_args(int argc, char **argv, GPtrArray *spam, GPtrArray *ham, gboolean *learners,
		 gboolean *dry_run)
{
	GPtrArray *into = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--spam") == 0)
			into = spam;
		else if (strcmp(argv[i], "--ham") == 0)
			into = ham;
		else if (strcmp(argv[i], "--fit-learners") == 0)
			*learners = TRUE;
		else if (strcmp(argv[i], "--dry-run") == 0)
			*dry_run = TRUE;
		else if (into != NULL && argv[i][0] != '-')
			g_ptr_array_add(into, argv[i]);
		else
			return FALSE;
	}
	return spam->len > 0 && ham->len > 0;
}

static PcEngine *
pcc_rescore_engine(const PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;
	PcEngineOptions options;
	PcEngine *engine;

	if (!pc_engine_global_init(NULL, &error)) {
		pcc_print_error(error->message);
		return NULL;
	}
	pcm_runtime_engine_options(conf, &options);
	options.dns_lists = FALSE;
	/* the fit starts from, and is pulled toward, the published scores */
	options.spam_scores_file = NULL;
	engine = pc_engine_new(&options, &error);
	if (engine == NULL)
		pcc_print_error(error->message);
	return engine;
}

static void
pcc_rescore_read(PccRescore *r, GPtrArray *paths, gboolean spam)
{
	r->spam = spam;
	for (guint i = 0; i < paths->len; i++)
		pcc_messages_foreach(g_ptr_array_index(paths, i), pcc_rescore_one, r, &r->failed);
}

int
pcc_rescore(const PcmConfig *conf, int argc, char **argv)
{
	g_autoptr(GPtrArray) spam = g_ptr_array_new(), ham = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	gboolean learners = FALSE, dry_run = FALSE;
	PccRescore r = { 0 };
	PcRescoreParams params = { conf->policy.spam_threshold, 10, 1, 3000 };
	g_autofree double *w = NULL;
	g_autofree char *before = NULL, *after = NULL, *file = NULL;
	guint set, written = 0;
	int rc = PCC_OK;

	if (!pcc_rescore_args(argc, argv, spam, ham, &learners, &dry_run)) {
		fprintf(stderr, "portcullisctl: rescore --spam PATH... --ham PATH... "
			"[--fit-learners] [--dry-run] (see --help)\n");
		return PCC_USAGE;
	}
	if (!dry_run && *conf->spam_scores_file == '\0') {
		fprintf(stderr, "portcullisctl: [spam] scores_file is not set\n");
		return PCC_ERROR;
	}
	if ((r.engine = pcc_rescore_engine(conf)) == NULL)
		return PCC_ERROR;
	r.policy = conf->policy;
	r.policy.av = FALSE;
	r.index = g_hash_table_new(g_str_hash, g_str_equal);
	r.published = g_array_new(FALSE, FALSE, sizeof(double));
	r.published4 = g_array_new(FALSE, FALSE, sizeof(double));
	r.names = g_ptr_array_new_with_free_func(g_free);
	r.messages = g_array_new(FALSE, FALSE, sizeof(PcRescoreMessage));
	r.hit_lists = g_ptr_array_new_with_free_func(g_free);
	set = pc_engine_info(r.engine)->score_set;
	pcc_rescore_rules(&r, set, learners);
	pcc_rescore_read(&r, spam, TRUE);
	pcc_rescore_read(&r, ham, FALSE);
	w = g_memdup2(r.published->data, r.published->len * sizeof(double));
	before = pcc_rescore_outcome(&r, w, params.threshold);
	pc_rescore_fit((const PcRescoreMessage *)r.messages->data, r.messages->len, w,
		       r.published->len, &params);
	after = pcc_rescore_outcome(&r, w, params.threshold);
	printf("%u messages, %u rules in score set %u%s\npublished scores: %s\n"
	       "fitted scores:    %s (on the messages fitted to)\n", r.messages->len,
	       r.published->len, set, learners ? " (with the learners' buckets)" : "", before,
	       after);
	if (!dry_run && !pcc_rescore_write(&r, w, set, conf->spam_scores_file, &written, &error)) {
		pcc_print_error(error->message);
		rc = PCC_ERROR;
	} else if (!dry_run) {
		file = pcc_text(conf->spam_scores_file);
		printf("wrote %u scores to %s; reload portcullis to apply them\n", written, file);
	}
	if (r.failed)
		rc = PCC_ERROR;
	g_hash_table_unref(r.index);
	g_array_unref(r.published);
	g_array_unref(r.published4);
	g_ptr_array_unref(r.names);
	g_array_unref(r.messages);
	g_ptr_array_unref(r.hit_lists);
	pc_engine_unref(r.engine);
	return rc;
}
