/*
 * NAME
 *	spam.c - the spam check: rules over the parsed message, a score, a status
 * DESCRIPTION
 *	Rules load with the engine (rules_dir, every *.cf, strict: our own
 *	rule files must be right) and are shared read-only by all scans.
 *	Per message the check builds the rules' view of the message the engine
 *	already parsed, runs the rules, adds GTUBE, and records the score and
 *	the rules that hit in the verdict.  DNS list rules (evals.h) make
 *	their queries first, through a resolver (and cache) that an engine
 *	built by a reload takes over from its predecessor, and the scan
 *	waits for the answers at most dns_budget_ms; a list that has not
 *	answered by then adds nothing and is named in the verdict for the
 *	log.  A score at or above the policy's
 *	spam_threshold is a "spam" finding, at or above probable_threshold a
 *	"probable" one: the decision step then treats them like any status.
 */
#include "config.h"

#include <string.h>

#include "../dns/resolver.h"
#include "bayes.h"
#include "ngram.h"
#include "spam.h"

#define PC_GTUBE_SCORE 1000.0
/* A store that is not there yet (nothing learned) is looked for again. */
#define PC_BAYES_RETRY_US (60 * G_USEC_PER_SEC)

typedef struct {
	PcRuleSet *rules;
	PcRuleSet *rescored;		/* scores_file alone; NULL: none */
	PcResolver *resolver;		/* NULL: no DNS list rules, or turned off */
	GPtrArray *trusted;		/* GInetAddressMask * */
	guint dns_budget_ms;
	char *bayes_dir;		/* NULL: no Bayes */
	guint bayes_min_learned;
	gboolean ngram;			/* the 4-gram learner scores too */
	gboolean auth;			/* sender authentication runs: net score sets */
	GMutex lock;			/* guards bayes and bayes_retry */
	PcBayes *bayes;
	gint64 bayes_retry;
} PcSpamState;

/* Probability buckets as pseudo-rules, SpamAssassin's names; a confident
 * verdict alone reaches the default spam threshold. */
typedef struct {
	double below;
	const char *name;
	double score;
} PcSpamBucket;

static const PcSpamBucket pc_bayes_buckets[] = {
	{ 0.01, "BAYES_00", -2.0 }, { 0.05, "BAYES_05", -1.0 }, { 0.20, "BAYES_20", -0.5 },
	{ 0.40, "BAYES_40", 0 }, { 0.60, "BAYES_50", 0.5 }, { 0.80, "BAYES_60", 1.0 },
	{ 0.95, "BAYES_80", 2.0 }, { 0.99, "BAYES_95", 3.0 }, { 0.999, "BAYES_99", 4.0 },
	{ 2.0, "BAYES_999", 5.0 },
	{ 0, NULL, 0 },
};

/* The 4-gram learner's (ngram.h), the same buckets and scores: of 0,
 * 0.25, 0.5, 0.75, 1 and 1.5 times Bayes' scores, 1 caught the most spam
 * with no ham even at the probable threshold (5-fold cross-validation on
 * the training corpus); 1.5 made a ham probable. */
static const PcSpamBucket pc_ngram_buckets[] = {
	{ 0.01, "NGRAM_00", -2.0 }, { 0.05, "NGRAM_05", -1.0 }, { 0.20, "NGRAM_20", -0.5 },
	{ 0.40, "NGRAM_40", 0 }, { 0.60, "NGRAM_50", 0.5 }, { 0.80, "NGRAM_60", 1.0 },
	{ 0.95, "NGRAM_80", 2.0 }, { 0.99, "NGRAM_95", 3.0 }, { 0.999, "NGRAM_99", 4.0 },
	{ 2.0, "NGRAM_999", 5.0 },
	{ 0, NULL, 0 },
};

static void
pc_spam_destroy(gpointer data)
{
	PcSpamState *st = data;

	pc_rules_free(st->rules);
	pc_rules_free(st->rescored);
	pc_resolver_release(st->resolver);
	pc_trusted_free(st->trusted);
	pc_bayes_close(st->bayes);
	g_free(st->bayes_dir);
	g_mutex_clear(&st->lock);
	g_free(st);
}

/* The rescored weights (a missing file is none yet): into the rules, and
 * apart for the learners' buckets. */
static gboolean
pc_spam_load_scores(PcSpamState *st, const char *path, GError **error)
{
	if (path == NULL || *path == '\0' || !g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	st->rescored = pc_rules_new();
	return pc_rules_load_file(st->rules, path, TRUE, error) &&
	       pc_rules_load_file(st->rescored, path, TRUE, error);
}

static gpointer
pc_spam_create(const PcEngineOptions *options, GError **error)
{
	PcSpamState *st = g_new0(PcSpamState, 1);

	g_mutex_init(&st->lock);
	st->rules = pc_rules_new();
	pc_rules_use_prefilter(st->rules, !options->no_prefilter);
	pc_rules_use_auth(st->rules, options->auth);
	st->auth = options->auth;
	if (options->bayes_dir != NULL && *options->bayes_dir != '\0')
		st->bayes_dir = g_strdup(options->bayes_dir);
	st->bayes_min_learned = options->bayes_min_learned;
	st->ngram = options->ngram;
	/* SpamAssassin's set first, so our files can change its scores */
	if ((options->sa_rules_dir != NULL && *options->sa_rules_dir != '\0' &&
	     !pc_rules_load_dir(st->rules, options->sa_rules_dir, FALSE, error)) ||
	    (options->spam_rules_dir != NULL && *options->spam_rules_dir != '\0' &&
	     !pc_rules_load_dir(st->rules, options->spam_rules_dir, TRUE, error)) ||
	    !pc_spam_load_scores(st, options->spam_scores_file, error) ||
	    !pc_rules_finish(st->rules, options->sa_rules_dir == NULL || !*options->sa_rules_dir,
			     error) ||
	    (st->trusted = pc_trusted_new(options->trusted_networks, error)) == NULL) {
		pc_spam_destroy(st);
		return NULL;
	}
	st->dns_budget_ms = options->dns_budget_ms;
	if (options->dns_lists && pc_rules_uses_dns(st->rules) &&
	    (st->resolver = pc_resolver_acquire(options->dns_servers,
					    MAX(options->dns_budget_ms / 2, 100), error)) == NULL) {
		pc_spam_destroy(st);
		return NULL;
	}
	return st;
}

static PcBayes *pc_spam_bayes(PcSpamState *st);

/* What the store holds now (the daemon rereads it at every message; this
 * is for the start-up report). */
static void
pc_spam_bayes_state(PcSpamState *st, PcEngineInfo *info)
{
	PcBayes *b = pc_spam_bayes(st);

	info->bayes_store = b != NULL && pc_bayes_counts(b, &info->bayes_spam, &info->bayes_ham,
							 NULL);
	info->bayes_active = info->bayes_store && info->bayes_spam >= st->bayes_min_learned &&
			     info->bayes_ham >= st->bayes_min_learned;
}

void
pc_spam_fill_info(gpointer state, PcEngineInfo *info)
{
	PcSpamState *st = state;

	info->spam_rules = pc_rules_count(st->rules);
	info->spam_skipped = pc_rules_unsupported(st->rules);
	info->spam_dropped = pc_rules_dropped(st->rules);
	info->dns_lists = st->resolver != NULL;
	pc_spam_bayes_state(st, info);
	info->score_set = (info->dns_lists || st->auth ? PC_SCORE_NET : 0) |
			  (info->bayes_active ? PC_SCORE_BAYES : 0);
}

/* A bucket's score: its own, unless portcullisctl rescore's scores_file
 * gave it another.  Only that file: SpamAssassin's 23_bayes.cf scores its
 * BAYES_xx rules for its own buckets, which overlap (BAYES_999 hits with
 * BAYES_99 and adds 0.2); ours are one bucket each. */
static double
pc_spam_bucket_score(const PcSpamState *st, const PcSpamBucket *b)
{
	return st->rescored ? pc_rules_score_named(st->rescored, b->name, PC_SCORE_BAYES, b->score)
			    : b->score;
}

GPtrArray *
pc_spam_rule_list(gpointer state)
{
	const PcSpamState *st = state;
	GPtrArray *out = pc_rules_list(st->rules);
	const PcSpamBucket *const learners[] = { pc_bayes_buckets, pc_ngram_buckets };

	for (guint l = 0; l < G_N_ELEMENTS(learners); l++)
		for (const PcSpamBucket *b = learners[l]; b->name != NULL; b++) {
			double score = pc_spam_bucket_score(st, b);

			g_ptr_array_add(out, g_strdup_printf("%s\tlearner\t%g %g %g %g", b->name,
							     score, score, score, score));
		}
	return out;
}

/* The queries that got no answer in time, "a,b", or NULL. */
static char *
pc_spam_unanswered(GPtrArray *names, GHashTable *answers)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);

		if (!g_hash_table_contains(answers, name))
			g_string_append_printf(out, "%s%s", out->len ? "," : "", name);
	}
	return g_string_free(out, out->len == 0);
}

static void
pc_dns_list_use_clear(gpointer data)
{
	g_free(((PcDnsListUse *)data)->zone);
}

/* Each list's queries and unanswered ones, for the metrics. */
static GArray *
pc_spam_list_uses(GPtrArray *names, GHashTable *zones, GHashTable *answers)
{
	GArray *uses = g_array_new(FALSE, TRUE, sizeof(PcDnsListUse));
	guint u;

	g_array_set_clear_func(uses, pc_dns_list_use_clear);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		const char *zone = g_hash_table_lookup(zones, name);

		if (zone == NULL)
			continue;
		for (u = 0; u < uses->len; u++)
			if (strcmp(g_array_index(uses, PcDnsListUse, u).zone, zone) == 0)
				break;
		if (u == uses->len)
			g_array_append_val(uses, ((PcDnsListUse){ g_strdup(zone), 0, 0 }));
		g_array_index(uses, PcDnsListUse, u).asked++;
		if (!g_hash_table_contains(answers, name))
			g_array_index(uses, PcDnsListUse, u).unanswered++;
	}
	return uses;
}

/* Lookups for the DNS list rules, answered within the budget. */
static void
pc_spam_dns(PcSpamState *st, PcSpamView *view, PcScan *scan)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) zones = g_hash_table_new(g_str_hash, g_str_equal);
	gint64 deadline, start;

	if (st->resolver == NULL)
		return;
	deadline = pc_scan_dns_deadline(scan, st->dns_budget_ms);
	view->relay_address = pc_spam_relay(view, scan->input ? scan->input->client_address : NULL,
					    st->trusted);
	view->dns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	pc_rules_dns_names(st->rules, view, names, zones);
	if (names->len == 0)
		return;
	start = g_get_monotonic_time();
	if (pc_resolver_wait(st->resolver, names, deadline, view->dns) > 0) {
		g_free(scan->verdict->dns_unanswered);
		scan->verdict->dns_unanswered = pc_spam_unanswered(names, view->dns);
	}
	scan->verdict->stage_us[PC_STAGE_DNS] += g_get_monotonic_time() - start;
	if (scan->verdict->dns_lists != NULL)
		g_array_unref(scan->verdict->dns_lists);
	scan->verdict->dns_lists = pc_spam_list_uses(names, zones, view->dns);
}

/* At connect and MAIL FROM: the client's and sender's lookups start while
 * the message is still coming (only the client when it is not ours). */
static void
pc_spam_prefetch(gpointer state, const PcPrefetch *what)
{
	PcSpamState *st = state;
	const char *client = what->client_address, *sender = what->sender;
	g_autoptr(GPtrArray) names = NULL;
	PcSpamView view = { 0 };
	const char *at = sender ? strrchr(sender, '@') : NULL;

	if (st->resolver == NULL || (client == NULL && sender == NULL))
		return;
	names = g_ptr_array_new_with_free_func(g_free);
	view.header_names = g_ptr_array_new();
	view.relay_address = pc_spam_relay(&view, client, st->trusted);
	view.sender_domain = at && at[1] ? g_ascii_strdown(at + 1, -1) : NULL;
	pc_rules_dns_names(st->rules, &view, names, NULL);
	for (guint i = 0; i < names->len; i++)
		pc_resolver_start(st->resolver, g_ptr_array_index(names, i));
	g_ptr_array_unref(view.header_names);
	g_free(view.relay_address);
	g_free(view.sender_domain);
}

/* The read-only store, opened on first use and again after a failure. */
static PcBayes *
pc_spam_bayes(PcSpamState *st)
{
	PcBayes *b;

	if (st->bayes_dir == NULL)
		return NULL;
	g_mutex_lock(&st->lock);
	if (st->bayes == NULL && g_get_monotonic_time() >= st->bayes_retry) {
		st->bayes = pc_bayes_open(st->bayes_dir, FALSE, NULL);
		if (st->bayes == NULL)
			st->bayes_retry = g_get_monotonic_time() + PC_BAYES_RETRY_US;
	}
	b = st->bayes;
	g_mutex_unlock(&st->lock);
	return b;
}

/* A learner's probability as the rule hit of its bucket; its score. */
static double
pc_spam_bucket_hit(const PcSpamState *st, const PcSpamBucket *buckets, double p, GArray *hits)
{
	for (guint i = 0; buckets[i].name != NULL; i++) {
		if (p < buckets[i].below) {
			PcRuleHit hit = { buckets[i].name, pc_spam_bucket_score(st, &buckets[i]), 1 };

			g_array_append_val(hits, hit);
			return hit.score;
		}
	}
	return 0;
}

/* BAYES_xx as a rule hit when the store has learned enough (*active). */
static double
pc_spam_bayes_hit(PcSpamState *st, GPtrArray *tokens, GArray *hits, gboolean *active)
{
	PcBayes *bayes = pc_spam_bayes(st);
	double p = 0.5;

	*active = FALSE;
	if (bayes == NULL)
		return 0;
	if (!pc_bayes_classify(bayes, tokens, st->bayes_min_learned, &p, active, NULL) || !*active)
		return 0;
	return pc_spam_bucket_hit(st, pc_bayes_buckets, p, hits);
}

/* NGRAM_xx likewise, from the same store. */
static double
pc_spam_ngram_hit(PcSpamState *st, GArray *features, GArray *hits)
{
	PcBayes *bayes = pc_spam_bayes(st);
	double p = 0.5;
	gboolean active = FALSE;

	if (bayes == NULL || !pc_bayes_ngram_classify(bayes, features, st->bayes_min_learned, &p,
						      &active, NULL) || !active)
		return 0;
	return pc_spam_bucket_hit(st, pc_ngram_buckets, p, hits);
}

/* Both learners' pseudo-rules; what they add to the score.  What they
 * read is kept on the verdict: autolearn learns from it (learn.h). */
static double
pc_spam_learners(PcSpamState *st, const PcSpamView *view, PcVerdict *verdict, GArray *hits,
		 gboolean *bayes)
{
	double score;

	if (verdict->spam_tokens != NULL)
		g_ptr_array_unref(verdict->spam_tokens);
	verdict->spam_tokens = pc_bayes_tokens(view);
	score = pc_spam_bayes_hit(st, verdict->spam_tokens, hits, bayes);
	if (!st->ngram)
		return score;
	if (verdict->spam_ngrams != NULL)
		g_array_unref(verdict->spam_ngrams);
	verdict->spam_ngrams = pc_ngram_features(view);
	return score + pc_spam_ngram_hit(st, verdict->spam_ngrams, hits);
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

/* Rules, DNS lists and the learners over the message's view.  With no rules and
 * no Bayes there is nothing to build it for: GTUBE needs only the bytes. */
static double
pc_spam_score(PcSpamState *st, PcScan *scan, GArray *hits)
{
	PcSpamView view = { 0 };
	gboolean bayes = FALSE;
	double score;

	if (pc_rules_count(st->rules) == 0 && st->bayes_dir == NULL)
		return 0;
	pc_spam_view_init(&view, scan);
	pc_spam_view_relays(&view, st->trusted);
	pc_spam_dns(st, &view, scan);
	if (st->bayes_dir != NULL)
		scan->verdict->spam_bayes = pc_spam_learners(st, &view, scan->verdict, hits,
							     &bayes);
	/* SpamAssassin's score set: network tests take part when DNS lists
	 * or sender authentication run, Bayes once it has learned enough */
	score = pc_rules_run(st->rules, &view, (st->resolver != NULL || st->auth ? PC_SCORE_NET : 0) |
			     (bayes ? PC_SCORE_BAYES : 0), hits);
	pc_spam_view_clear(&view);
	return score + scan->verdict->spam_bayes;
}

static gboolean
pc_spam_scan_message(gpointer state, PcScan *scan, GError **error)
{
	const PcPolicy *policy = scan->policy;
	g_autoptr(GArray) hits = g_array_new(FALSE, FALSE, sizeof(PcRuleHit));
	double score;
	PcStatus status = PC_STATUS_CLEAN;

	(void)error;
	if (!policy->spam || scan->alternate)
		return TRUE;
	score = pc_spam_score(state, scan, hits);
	if (scan->data != NULL && g_strstr_len((const char *)scan->data, scan->len, PC_GTUBE)) {
		PcRuleHit gtube = { "GTUBE", PC_GTUBE_SCORE, 1 };

		g_array_append_val(hits, gtube);
		score += PC_GTUBE_SCORE;
	}
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
	.stage = PC_STAGE_SPAM,
	.create = pc_spam_create,
	.scan_message = pc_spam_scan_message,
	.destroy = pc_spam_destroy,
	.prefetch = pc_spam_prefetch,
};
