/*
 * NAME
 *	bayes.c - token statistics in LMDB and Robinson-Fisher combining
 * DESCRIPTION
 *	LMDB because the daemon's threads read while portcullisctl writes:
 *	readers never block and never see half a learning, a crash loses at
 *	most the transaction in progress, and it is a Debian library.  Keys
 *	are the tokens; values two 32-bit counts (spam, ham).  The key
 *	"\001counts" holds the numbers of messages learned; "\001ngram" and
 *	"\001ngram-counts" are the 4-gram learner's (ngram.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <lmdb.h>
#include <glib/gstdio.h>

#include "bayes.h"
#include "ngram.h"

#define PC_BAYES_COUNTS "\001counts"
#define PC_BAYES_MAP_SIZE (G_GUINT64_CONSTANT(1) << 32)
#define PC_BAYES_STRENGTH 1.0		/* Robinson's s */
#define PC_BAYES_ASSUMED 0.5		/* Robinson's x */
#define PC_BAYES_MIN_DEVIATION 0.1	/* tokens nearer 0.5 say nothing */
#define PC_BAYES_MAX_TOKENS 150

struct _PcBayes {
	MDB_env *env;
	MDB_dbi dbi;
};

#define PC_BAYES_ERROR (g_quark_from_static_string("pc-bayes-error"))

static gboolean
pc_bayes_fail(GError **error, const char *what, int rc)
{
	g_set_error(error, PC_BAYES_ERROR, rc, "bayes: %s: %s", what, mdb_strerror(rc));
	return FALSE;
}

/* The unnamed database, in a transaction of its own. */
static int
pc_bayes_open_dbi(PcBayes *b, gboolean writable)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(b->env, NULL, writable ? 0 : MDB_RDONLY, &txn);

	if (rc != 0)
		return rc;
	rc = mdb_dbi_open(txn, NULL, writable ? MDB_CREATE : 0, &b->dbi);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return rc;
	}
	return mdb_txn_commit(txn);	/* frees txn, also on failure */
}

PcBayes *
pc_bayes_open(const char *dir, gboolean writable, GError **error)
{
	PcBayes *b = g_new0(PcBayes, 1);
	int rc;

	if (writable)
		g_mkdir_with_parents(dir, 0750);
	if ((rc = mdb_env_create(&b->env)) != 0 ||
	    (rc = mdb_env_set_mapsize(b->env, PC_BAYES_MAP_SIZE)) != 0 ||
	    (rc = mdb_env_open(b->env, dir, MDB_NOTLS | (writable ? 0 : MDB_RDONLY), 0640)) != 0 ||
	    (rc = pc_bayes_open_dbi(b, writable)) != 0) {
		g_autofree char *what = g_strdup_printf("cannot open %s", dir);

		mdb_env_close(b->env);
		g_free(b);
		pc_bayes_fail(error, what, rc);
		return NULL;
	}
	return b;
}

void
pc_bayes_close(PcBayes *b)
{
	if (b == NULL)
		return;
	mdb_env_close(b->env);
	g_free(b);
}

static void
pc_bayes_get_counts(MDB_txn *txn, MDB_dbi dbi, guint64 *spam, guint64 *ham)
{
	MDB_val key = { strlen(PC_BAYES_COUNTS), (void *)PC_BAYES_COUNTS }, val;
	guint64 c[2] = { 0, 0 };

	if (mdb_get(txn, dbi, &key, &val) == 0 && val.mv_size == sizeof(c))
		memcpy(c, val.mv_data, sizeof(c));
	*spam = c[0];
	*ham = c[1];
}

gboolean
pc_bayes_counts(PcBayes *b, guint64 *spam, guint64 *ham, GError **error)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn);

	if (rc != 0)
		return pc_bayes_fail(error, "read", rc);
	pc_bayes_get_counts(txn, b->dbi, spam, ham);
	mdb_txn_abort(txn);
	return TRUE;
}

static void
pc_bayes_token_counts(MDB_txn *txn, MDB_dbi dbi, const char *token, guint32 c[2])
{
	MDB_val key = { strlen(token), (void *)token }, val;

	c[0] = c[1] = 0;
	if (mdb_get(txn, dbi, &key, &val) == 0 && val.mv_size == 2 * sizeof(guint32))
		memcpy(c, val.mv_data, 2 * sizeof(guint32));
}

static guint32
pc_bayes_add(guint32 count, int delta)
{
	return delta < 0 && count < (guint32)-delta ? 0 : count + delta;
}

/* Under a write transaction: one message's tokens and the message count. */
static int
pc_bayes_apply(MDB_txn *txn, MDB_dbi dbi, const PcBayesLesson *lesson)
{
	int side = lesson->spam ? 0 : 1, rc;
	guint64 n[2];
	MDB_val ckey = { strlen(PC_BAYES_COUNTS), (void *)PC_BAYES_COUNTS };
	MDB_val cval = { sizeof(n), n };

	for (guint i = 0; i < lesson->tokens->len; i++) {
		const char *token = g_ptr_array_index(lesson->tokens, i);
		MDB_val key = { strlen(token), (void *)token }, val;
		guint32 c[2];

		pc_bayes_token_counts(txn, dbi, token, c);
		c[side] = pc_bayes_add(c[side], lesson->delta);
		val = (MDB_val){ sizeof(c), c };
		rc = c[0] || c[1] ? mdb_put(txn, dbi, &key, &val, 0) : mdb_del(txn, dbi, &key, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return rc;
	}
	pc_bayes_get_counts(txn, dbi, &n[0], &n[1]);
	n[side] = lesson->delta < 0 && n[side] == 0 ? 0 : n[side] + lesson->delta;
	return mdb_put(txn, dbi, &ckey, &cval, 0);
}

/* Under the write transaction: the lessons' 4-grams, the weights copied
 * out and written back once for the whole batch. */
static int
pc_bayes_apply_ngrams(MDB_txn *txn, MDB_dbi dbi, const PcBayesLesson *lessons, guint n)
{
	PcNgramModel model = { 0 };
	gboolean any = FALSE;
	int rc = 0;

	for (guint i = 0; i < n && !any; i++)
		any = lessons[i].ngrams != NULL;
	if (!any)
		return 0;
	pc_ngram_load(txn, dbi, &model);
	for (guint i = 0; i < n && rc == 0; i++)
		if (lessons[i].ngrams != NULL)
			rc = pc_ngram_learn(txn, dbi, &model, lessons[i].ngrams, lessons[i].spam,
					    lessons[i].delta);
	if (rc == 0)
		rc = pc_ngram_save(txn, dbi, &model);
	pc_ngram_model_clear(&model);
	return rc;
}

gboolean
pc_bayes_learn(PcBayes *b, const PcBayesLesson *lessons, guint n, GError **error)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(b->env, NULL, 0, &txn);

	if (rc != 0)
		return pc_bayes_fail(error, "learn", rc);
	for (guint i = 0; i < n && rc == 0; i++)
		rc = pc_bayes_apply(txn, b->dbi, &lessons[i]);
	if (rc == 0)
		rc = pc_bayes_apply_ngrams(txn, b->dbi, lessons, n);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return pc_bayes_fail(error, "learn", rc);
	}
	rc = mdb_txn_commit(txn);	/* frees txn, also on failure */
	return rc == 0 || pc_bayes_fail(error, "learn", rc);
}

double
pc_bayes_token_probability(guint32 spam, guint32 ham, guint64 nspam, guint64 nham)
{
	double s = nspam ? (double)spam / nspam : 0, h = nham ? (double)ham / nham : 0;
	double p = s + h > 0 ? s / (s + h) : PC_BAYES_ASSUMED;
	double n = (double)spam + ham;

	return (PC_BAYES_STRENGTH * PC_BAYES_ASSUMED + n * p) / (PC_BAYES_STRENGTH + n);
}

/* P(chi-square with v degrees of freedom (even) >= x2). */
static double
pc_chi2q(double x2, guint v)
{
	double m = x2 / 2.0, term = exp(-m), sum = term;

	for (guint i = 1; i < v / 2; i++) {
		term *= m / i;
		sum += term;
	}
	return MIN(sum, 1.0);
}

double
pc_bayes_combine(const double *f, guint n)
{
	double ln_ham = 0, ln_spam = 0, s, h;

	if (n == 0)
		return 0.5;
	for (guint i = 0; i < n; i++) {
		double p = CLAMP(f[i], 1e-6, 1 - 1e-6);

		ln_ham += log(p);
		ln_spam += log(1.0 - p);
	}
	s = 1.0 - pc_chi2q(-2.0 * ln_spam, 2 * n);
	h = 1.0 - pc_chi2q(-2.0 * ln_ham, 2 * n);
	return (s - h + 1.0) / 2.0;
}

static gint
pc_bayes_by_deviation(gconstpointer a, gconstpointer b)
{
	double x = fabs(*(const double *)a - 0.5), y = fabs(*(const double *)b - 0.5);

	return x < y ? 1 : x > y ? -1 : 0;
}

gboolean
pc_bayes_classify(PcBayes *b, GPtrArray *tokens, guint min_learned, double *probability,
		  gboolean *active, GError **error)
{
	g_autoptr(GArray) f = g_array_new(FALSE, FALSE, sizeof(double));
	MDB_txn *txn = NULL;
	guint64 nspam, nham;
	int rc = mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn);

	*probability = 0.5;
	*active = FALSE;
	if (rc != 0)
		return pc_bayes_fail(error, "read", rc);
	pc_bayes_get_counts(txn, b->dbi, &nspam, &nham);
	if (nspam < min_learned || nham < min_learned) {
		mdb_txn_abort(txn);
		return TRUE;
	}
	for (guint i = 0; i < tokens->len; i++) {
		guint32 c[2];
		double p;

		pc_bayes_token_counts(txn, b->dbi, g_ptr_array_index(tokens, i), c);
		if (c[0] + c[1] == 0)
			continue;
		p = pc_bayes_token_probability(c[0], c[1], nspam, nham);
		if (fabs(p - 0.5) >= PC_BAYES_MIN_DEVIATION)
			g_array_append_val(f, p);
	}
	mdb_txn_abort(txn);
	g_array_sort(f, pc_bayes_by_deviation);
	*probability = pc_bayes_combine((const double *)f->data, MIN(f->len, PC_BAYES_MAX_TOKENS));
	*active = TRUE;
	return TRUE;
}

gboolean
pc_bayes_ngram_counts(PcBayes *b, guint64 *spam, guint64 *ham, GError **error)
{
	MDB_txn *txn = NULL;
	guint64 n[2];
	int rc = mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn);

	if (rc != 0)
		return pc_bayes_fail(error, "read", rc);
	pc_ngram_counts(txn, b->dbi, n);
	mdb_txn_abort(txn);
	*spam = n[0];
	*ham = n[1];
	return TRUE;
}

gboolean
pc_bayes_ngram_classify(PcBayes *b, const GArray *features, guint min_learned,
			double *probability, gboolean *active, GError **error)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn);

	*probability = 0.5;
	*active = FALSE;
	if (rc != 0)
		return pc_bayes_fail(error, "read", rc);
	pc_ngram_classify(txn, b->dbi, features, min_learned, probability, active);
	mdb_txn_abort(txn);
	return TRUE;
}
