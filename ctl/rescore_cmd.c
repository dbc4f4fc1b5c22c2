/*
 * NAME
 *	rescore_cmd.c - portcullisctl rescore: rule weights fitted to a site's mail
 * DESCRIPTION
 *	Every message of the corpus is scored as the daemon would score it
 *	(its rules, no DNS: old mail's lookups say nothing of when it came),
 *	and the weights of the rules that hit and of the learners' buckets
 *	(BAYES_xx, NGRAM_xx) are fitted with rescore.h's logistic regression.
 *	The learners must be judged as they do on mail they have not seen: a
 *	store that learned the corpus knows every message in it, and a fit on
 *	that would trust them far beyond what they do on new mail.  So with
 *	bayes_dir set the corpus is cut in five; each fifth is scored by
 *	learners trained, in a scratch store, on the other four.  The result is
 *	a file of score lines ([spam] scores_file) the daemon reads after the
 *	rules.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <portcullis/engine.h>
#include <portcullis/learn.h>
#include <portcullis/rescore.h>

#include "ctl.h"
#include "runtime.h"

const char pcc_rescore_help[] =
	"    rescore --spam PATH... --ham PATH... [--ham-cost N] [--dry-run]\n"
	"        Fits the scores to this site's mail: scores every message as the\n"
	"        daemon does (without DNS lists), then fits the weight of each rule\n"
	"        that hit and of the learners' buckets (BAYES_xx, NGRAM_xx) with a\n"
	"        regularised logistic regression in which a ham flagged costs N (10)\n"
	"        spam missed, each weight keeps its published sign and stays near\n"
	"        its published score where few messages show it. The learners are\n"
	"        judged on mail they did not learn (each fifth of the corpus by a\n"
	"        scratch store trained on the rest). Writes [spam] scores_file\n"
	"        (reload the daemon to apply it) and prints spam caught and ham\n"
	"        flagged on the corpus with the published and the fitted scores.\n";

/* Learner folds: each fifth is scored by learners trained on the rest. */
#define PCC_RESCORE_FOLDS 5
#define PCC_RESCORE_BATCH 64

typedef struct {
	char *data;
	gsize len;
	gboolean spam;
} PccMessage;

typedef struct {
	const PcmConfig *conf;
	PcPolicy policy;
	GArray *corpus;			/* PccMessage */
	GHashTable *index;		/* rule name -> index + 1 */
	GArray *published;		/* double, by index: the fitted set's */
	GArray *published4;		/* double[4], by index: every set's */
	GPtrArray *names;		/* char *, by index */
	guint set;			/* the score set fitted */
	GArray *messages;		/* PcRescoreMessage */
	GPtrArray *hit_lists;		/* guint *, owned */
	gboolean spam;			/* the class being read */
	guint failed;
} PccRescore;

static void
pcc_message_clear(gpointer data)
{
	g_free(((PccMessage *)data)->data);
}

static void
pcc_rescore_collect(const char *path, const char *data, gsize len, gpointer user)
{
	PccRescore *r = user;
	PccMessage m = { g_memdup2(data, len), len, r->spam };

	(void)path;
	g_array_append_val(r->corpus, m);
}

/* The rules to fit and their published scores in the engine's score set:
 * every rule that runs and scores, and the learners' buckets. */
static void
pcc_rescore_rules(PccRescore *r, PcEngine *engine)
{
	g_autoptr(GPtrArray) lines = pc_engine_spam_rules(engine);

	r->set = pc_engine_info(engine)->score_set;
	for (guint i = 0; i < lines->len; i++) {
		g_auto(GStrv) f = g_strsplit(g_ptr_array_index(lines, i), "\t", 3);
		g_auto(GStrv) scores = NULL;
		double score, all[4];

		if (f[1] == NULL || f[2] == NULL ||
		    (strcmp(f[1], "run") != 0 && strcmp(f[1], "learner") != 0))
			continue;
		scores = g_strsplit(f[2], " ", 4);
		if (g_strv_length(scores) != 4 || (score = g_ascii_strtod(scores[r->set], NULL)) == 0)
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

/* One message scored: the rules it hit, and the rest of its score. */
static void
pcc_rescore_one(PccRescore *r, PcEngine *engine, const PccMessage *msg)
{
	PcInput input = { .data = (const guint8 *)msg->data, .len = msg->len, .fd = -1 };
	g_autoptr(PcVerdict) v = pc_engine_scan(engine, &input, &r->policy);
	g_auto(GStrv) tests = NULL;
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(guint));
	PcRescoreMessage m = { .spam = msg->spam };

	if (!v->spam_scanned) {
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

/* The daemon's engine without DNS lists and without a previous fit (the
 * fit starts from, and is pulled toward, the published scores), its
 * learners reading bayes_dir. */
static PcEngine *
pcc_rescore_engine(const PcmConfig *conf, const char *bayes_dir)
{
	g_autoptr(GError) error = NULL;
	PcEngineOptions options;
	PcEngine *engine;

	pcm_runtime_engine_options(conf, &options);
	options.dns_lists = FALSE;
	options.auth = FALSE;		/* offline, as the corpus is */
	options.av_wait_for_database = FALSE;
	options.spam_scores_file = NULL;
	options.bayes_dir = bayes_dir;
	engine = pc_engine_new(&options, &error);
	if (engine == NULL)
		pcc_print_error(error->message);
	return engine;
}

/* A scratch store that learned every message outside fold. */
static gboolean
pcc_rescore_learn(PccRescore *r, const char *dir, guint fold)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func((GDestroyNotify)pc_lesson_free);
	PcLearner *learner = pc_learner_open(dir, &error);
	gboolean ok = learner != NULL;

	for (guint i = 0; ok && i <= r->corpus->len; i++) {
		const PccMessage *m = i < r->corpus->len ? &g_array_index(r->corpus, PccMessage, i)
							  : NULL;

		if (m != NULL && i % PCC_RESCORE_FOLDS != fold)
			g_ptr_array_add(batch, pc_lesson_new((const guint8 *)m->data, m->len,
							     m->spam, +1));
		if (batch->len == PCC_RESCORE_BATCH || (m == NULL && batch->len > 0)) {
			ok = pc_learner_learn_lessons(learner, (PcLesson *const *)batch->pdata,
						      batch->len, &error);
			g_ptr_array_set_size(batch, 0);
		}
	}
	if (!ok)
		pcc_print_error(error->message);
	pc_learner_close(learner);
	return ok;
}

static void
pcc_rm_tree(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			pcc_rm_tree(path);
		else
			g_unlink(path);
	}
	g_rmdir(dir);
}

/* Scores the messages of fold (all of them when folds is 1), learners
 * trained on the other folds when there are several. */
static gboolean
pcc_rescore_fold(PccRescore *r, guint fold, guint folds)
{
	g_autofree char *tmp = NULL, *store = NULL;
	PcEngine *engine;

	if (folds > 1) {
		tmp = g_dir_make_tmp("portcullis-rescore-XXXXXX", NULL);
		store = tmp ? g_build_filename(tmp, "bayes", NULL) : NULL;
		if (store == NULL || !pcc_rescore_learn(r, store, fold)) {
			if (tmp != NULL)
				pcc_rm_tree(tmp);
			return FALSE;
		}
	}
	engine = pcc_rescore_engine(r->conf, store ? store : "");
	if (engine != NULL) {
		if (r->names->len == 0)
			pcc_rescore_rules(r, engine);
		for (guint i = fold; i < r->corpus->len; i += folds)
			pcc_rescore_one(r, engine, &g_array_index(r->corpus, PccMessage, i));
		pc_engine_unref(engine);
	}
	if (tmp != NULL)
		pcc_rm_tree(tmp);
	return engine != NULL;
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
pcc_rescore_write(const PccRescore *r, const double *w, const char *path, guint *written,
		  GError **error)
{
	g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *when = g_date_time_format_iso8601(now);
	const double *pub = (const double *)r->published->data;

	g_string_append_printf(out, "# portcullisctl rescore, %s: %u messages, score set %u.\n"
			       "# Read after the rules ([spam] scores_file); delete it to go back "
			       "to the published scores.\n", when, r->messages->len, r->set);
	*written = 0;
	for (guint i = 0; i < r->names->len; i++) {
		double four[4];

		if (w[i] == pub[i])
			continue;
		/* the fit saw no DNS lists: it stands for its set and that set's
		 * network twin; the other two keep their published scores */
		memcpy(four, &g_array_index(r->published4, double, 4 * i), sizeof(four));
		four[r->set] = four[r->set ^ 1] = w[i];
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

/* --spam A B --ham C --ham-cost N --dry-run */
static gboolean
pcc_rescore_args(int argc, char **argv, GPtrArray *spam, GPtrArray *ham, double *ham_cost,
		 gboolean *dry_run)
{
	GPtrArray *into = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--ham-cost") == 0 && i + 1 < argc) {
			char *end;

			*ham_cost = g_ascii_strtod(argv[++i], &end);
			if (*end != '\0' || *ham_cost < 1 || *ham_cost > 1000)
				return FALSE;
		} else if (strcmp(argv[i], "--spam") == 0)
			into = spam;
		else if (strcmp(argv[i], "--ham") == 0)
			into = ham;
		else if (strcmp(argv[i], "--dry-run") == 0)
			*dry_run = TRUE;
		else if (into != NULL && argv[i][0] != '-')
			g_ptr_array_add(into, argv[i]);
		else
			return FALSE;
	}
	return spam->len > 0 && ham->len > 0;
}

static void
pcc_rescore_read(PccRescore *r, GPtrArray *paths, gboolean spam)
{
	r->spam = spam;
	for (guint i = 0; i < paths->len; i++)
		pcc_messages_foreach(g_ptr_array_index(paths, i), pcc_rescore_collect, r,
				     &r->failed);
}

static void
pcc_rescore_clear(PccRescore *r)
{
	g_array_unref(r->corpus);
	g_hash_table_unref(r->index);
	g_array_unref(r->published);
	g_array_unref(r->published4);
	g_ptr_array_unref(r->names);
	g_array_unref(r->messages);
	g_ptr_array_unref(r->hit_lists);
}

/* Fits and reports; writes the file unless dry_run. */
static int
pcc_rescore_fit(PccRescore *r, double ham_cost, gboolean dry_run)
{
	g_autoptr(GError) error = NULL;
	PcRescoreParams params = { r->conf->policy.spam_threshold, ham_cost, 1, 3000 };
	g_autofree double *w = g_memdup2(r->published->data, r->published->len * sizeof(double));
	g_autofree char *before = pcc_rescore_outcome(r, w, params.threshold);
	g_autofree char *after = NULL, *file = NULL;
	guint written = 0;

	pc_rescore_fit((const PcRescoreMessage *)r->messages->data, r->messages->len, w,
		       r->published->len, &params);
	after = pcc_rescore_outcome(r, w, params.threshold);
	printf("%u messages, %u rules and buckets in score set %u\npublished scores: %s\n"
	       "fitted scores:    %s (on the messages fitted to)\n", r->messages->len,
	       r->published->len, r->set, before, after);
	if (dry_run)
		return PCC_OK;
	if (!pcc_rescore_write(r, w, r->conf->spam_scores_file, &written, &error)) {
		pcc_print_error(error->message);
		return PCC_ERROR;
	}
	file = pcc_text(r->conf->spam_scores_file);
	printf("wrote %u scores to %s; reload portcullis to apply them\n", written, file);
	return PCC_OK;
}

int
pcc_rescore(const PcmConfig *conf, int argc, char **argv)
{
	g_autoptr(GPtrArray) spam = g_ptr_array_new(), ham = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	gboolean dry_run = FALSE;
	double ham_cost = 10;
	PccRescore r = { .conf = conf, .policy = conf->policy };
	guint folds = *conf->bayes_dir ? PCC_RESCORE_FOLDS : 1;
	int rc = PCC_OK;

	if (!pcc_rescore_args(argc, argv, spam, ham, &ham_cost, &dry_run)) {
		fprintf(stderr, "portcullisctl: rescore --spam PATH... --ham PATH... [--ham-cost N] "
			"[--dry-run] (see --help)\n");
		return PCC_USAGE;
	}
	if (!dry_run && *conf->spam_scores_file == '\0') {
		fprintf(stderr, "portcullisctl: [spam] scores_file is not set\n");
		return PCC_ERROR;
	}
	if (!pc_engine_global_init(NULL, &error)) {
		pcc_print_error(error->message);
		return PCC_ERROR;
	}
	r.policy.av = FALSE;
	r.corpus = g_array_new(FALSE, FALSE, sizeof(PccMessage));
	g_array_set_clear_func(r.corpus, pcc_message_clear);
	r.index = g_hash_table_new(g_str_hash, g_str_equal);
	r.published = g_array_new(FALSE, FALSE, sizeof(double));
	r.published4 = g_array_new(FALSE, FALSE, sizeof(double));
	r.names = g_ptr_array_new_with_free_func(g_free);
	r.messages = g_array_new(FALSE, FALSE, sizeof(PcRescoreMessage));
	r.hit_lists = g_ptr_array_new_with_free_func(g_free);
	pcc_rescore_read(&r, spam, TRUE);
	pcc_rescore_read(&r, ham, FALSE);
	for (guint fold = 0; fold < folds && rc == PCC_OK; fold++)
		if (!pcc_rescore_fold(&r, fold, folds))
			rc = PCC_ERROR;
	if (rc == PCC_OK)
		rc = pcc_rescore_fit(&r, ham_cost, dry_run);
	if (r.failed) {
		fprintf(stderr, "portcullisctl: %u messages could not be read or scored\n",
			r.failed);
		rc = PCC_ERROR;
	}
	pcc_rescore_clear(&r);
	return rc;
}
