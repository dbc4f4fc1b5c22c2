/*
 * Unit tests for the 4-gram learner (engine/spam/ngram.c): what it reads of
 * a message (visible text, never markup; bounded), the update rule by
 * hand, learning through the store, forgetting.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include <portcullis/learn.h>

#include "spam/bayes.h"
#include "spam/ngram.h"
#include "spam/spam.h"

/* The features of a whole message, as the spam check and learn make them. */
static GArray *
test_features(const char *msg)
{
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	PcMime mime = { 0 };
	PcScan scan = { .data = (const guint8 *)msg, .len = strlen(msg), .mime = &mime,
			.verdict = verdict };
	PcSpamView v = { 0 };
	GArray *f;

	pc_mime_parse(scan.data, scan.len, 20, PC_ENGINE_MAX_PARTS, verdict, &mime);
	pc_spam_view_init(&v, &scan);
	f = pc_ngram_features(&v);
	pc_spam_view_clear(&v);
	pc_mime_clear(&mime);
	return f;
}

static gboolean
test_same(const GArray *a, const GArray *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(guint32)) == 0;
}

/* Markup, case and spacing are not features: an HTML message and the
 * plain text a reader sees in it give the same set. */
static void
test_features_visible_text(void)
{
	const char html[] = "Subject: Offer\r\nFrom: Shop <shop@example.com>\r\n"
			    "Content-Type: text/html\r\n\r\n"
			    "<html><body><p><b>CHEAP</b>   <font color=red>pills</font></p>"
			    "<p>order <a href=\"http://x.example/\">now</a></p></body></html>\r\n";
	const char text[] = "Subject: Offer\r\nFrom: Shop <shop@example.com>\r\n\r\n"
			    "cheap pills\r\n\r\norder now\r\n";
	const char other[] = "Subject: Offer\r\nFrom: Shop <shop@example.com>\r\n\r\n"
			     "cheap pills\r\n\r\norder later\r\n";
	g_autoptr(GArray) fh = test_features(html);
	g_autoptr(GArray) ft = test_features(text);
	g_autoptr(GArray) fo = test_features(other);

	g_assert_cmpuint(ft->len, >, 10);
	g_assert_true(test_same(fh, ft));
	g_assert_false(test_same(ft, fo));
	for (guint i = 1; i < ft->len; i++)
		g_assert_cmpuint(((guint32 *)ft->data)[i - 1], <, ((guint32 *)ft->data)[i]);
}

/* A huge message gives no more features than its budgets allow, and text
 * past PC_NGRAM_TEXT_MAX changes nothing. */
static void
test_features_bounded(void)
{
	GString *a = g_string_new("Subject: s\r\n\r\n"), *b;
	g_autoptr(GArray) fa = NULL;
	g_autoptr(GArray) fb = NULL;

	for (guint i = 0; a->len < 4 * PC_NGRAM_TEXT_MAX; i++)
		g_string_append_printf(a, "w%u ", i);
	b = g_string_new(a->str);
	g_string_append(a, "tail one\r\n");
	g_string_append(b, "other end\r\n");
	fa = test_features(a->str);
	fb = test_features(b->str);
	g_assert_cmpuint(fa->len, <=, PC_NGRAM_TEXT_MAX + PC_NGRAM_HEADER_MAX);
	g_assert_cmpuint(fa->len, >, PC_NGRAM_TEXT_MAX / 4);
	g_assert_true(test_same(fa, fb));
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
}

/* By hand, R = PC_NGRAM_RATE: all weights 0, four features, spam: p = 0.5,
 * each weight += R (1 - 0.5) / sqrt(4) = R / 4.  Then p = sigmoid(4 (R/4)
 * / 2) = sigmoid(R / 2).  Ham on two of them: p = sigmoid(2 (R/4) /
 * sqrt 2), each -= R p / sqrt 2. */
static void
test_update_rule(void)
{
	g_autofree float *w = g_new0(float, PC_NGRAM_BUCKETS);
	g_autoptr(GArray) four = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_autoptr(GArray) two = g_array_new(FALSE, FALSE, sizeof(guint32));
	const double r = PC_NGRAM_RATE;
	double p;

	g_array_append_vals(four, (guint32[]){ 1, 2, 3, 4 }, 4);
	g_array_append_vals(two, (guint32[]){ 1, 2 }, 2);
	g_assert_cmpfloat(pc_ngram_predict(w, four), ==, 0.5);
	pc_ngram_update(w, four, TRUE, +1);
	for (guint i = 1; i <= 4; i++)
		g_assert_cmpfloat_with_epsilon(w[i], r / 4, 1e-6);
	g_assert_cmpfloat(w[0], ==, 0);
	g_assert_cmpfloat_with_epsilon(pc_ngram_predict(w, four), 1 / (1 + exp(-r / 2)), 1e-6);
	p = 1 / (1 + exp(-(r / 2) / sqrt(2)));
	g_assert_cmpfloat_with_epsilon(pc_ngram_predict(w, two), p, 1e-6);
	pc_ngram_update(w, two, FALSE, +1);
	g_assert_cmpfloat_with_epsilon(w[1], r / 4 - r * p / sqrt(2), 1e-6);
	g_assert_cmpfloat_with_epsilon(w[3], r / 4, 1e-6);
	/* forgetting the ham takes the step back at the p of now */
	p = pc_ngram_predict(w, two);
	pc_ngram_update(w, two, FALSE, -1);
	g_assert_cmpfloat_with_epsilon(w[1], r / 4 - r * (1 / (1 + exp(-(r / 2) / sqrt(2)))) /
					     sqrt(2) + r * p / sqrt(2), 1e-6);
}

static GArray *
test_text_features(const char *text)
{
	GArray *f = g_array_new(FALSE, FALSE, sizeof(guint32));

	pc_ngram_add_text(f, 3, text, PC_NGRAM_TEXT_MAX);
	pc_ngram_finish(f);
	return f;
}

/* Two made-up classes, taught a class at a time (as people teach a
 * folder): new messages of each are told apart, spelled anew. */
static void
test_learn_classify_forget(void)
{
	g_autofree char *dir = g_dir_make_tmp("ngram-test-XXXXXX", NULL);
	PcBayes *b = pc_bayes_open(dir, TRUE, NULL);
	g_autoptr(GPtrArray) spam = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	g_autoptr(GPtrArray) ham = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	g_autoptr(GArray) ps = test_text_features("buy cheaap viagraa pills online, best "
						  "priices, limited offer");
	g_autoptr(GArray) ph = test_text_features("the meeting agenda for thursday: "
						  "project review and budget minutes");
	g_autoptr(GArray) lessons = g_array_new(FALSE, FALSE, sizeof(PcBayesLesson));
	double p_spam, p_ham, p;
	gboolean active;
	guint64 n[2];

	g_assert_nonnull(b);
	for (guint i = 0; i < 20; i++) {
		g_autofree char *s = g_strdup_printf("cheap viagra pills %u online best prices "
						     "offer %u limited", i, i * 7);
		g_autofree char *h = g_strdup_printf("meeting %u agenda project review budget "
						     "thursday minutes %u", i, i * 3);

		g_ptr_array_add(spam, test_text_features(s));
		g_ptr_array_add(ham, test_text_features(h));
	}
	g_assert_true(pc_bayes_ngram_classify(b, ps, 20, &p, &active, NULL));
	g_assert_false(active);
	for (guint i = 0; i < 20; i++)
		g_array_append_val(lessons, ((PcBayesLesson){ none, TRUE, +1, spam->pdata[i] }));
	g_assert_true(pc_bayes_learn(b, (PcBayesLesson *)lessons->data, lessons->len, NULL));
	g_array_set_size(lessons, 0);
	for (guint i = 0; i < 20; i++)
		g_array_append_val(lessons, ((PcBayesLesson){ none, FALSE, +1, ham->pdata[i] }));
	g_assert_true(pc_bayes_learn(b, (PcBayesLesson *)lessons->data, lessons->len, NULL));
	g_assert_true(pc_bayes_ngram_classify(b, ps, 20, &p_spam, &active, NULL));
	g_assert_true(active);
	g_assert_true(pc_bayes_ngram_classify(b, ph, 20, &p_ham, &active, NULL));
	g_assert_cmpfloat(p_spam, >, 0.9);
	g_assert_cmpfloat(p_ham, <, 0.1);

	/* forgetting a spam: one fewer counted (inactive at 20), and the
	 * spam probe is less sure than before */
	g_assert_true(pc_bayes_learn(b, &(PcBayesLesson){ none, TRUE, -1, spam->pdata[0] }, 1,
				     NULL));
	g_assert_true(pc_bayes_ngram_classify(b, ps, 20, &p, &active, NULL));
	g_assert_false(active);
	g_assert_true(pc_bayes_ngram_classify(b, ps, 19, &p, &active, NULL));
	g_assert_true(active);
	g_assert_cmpfloat(p, <, p_spam);
	g_assert_true(pc_bayes_counts(b, &n[0], &n[1], NULL));
	pc_bayes_close(b);
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

		g_assert_cmpint(system(cmd), ==, 0);
	}
}

/* A folder of spam, then ten times as much ham that shares most of its
 * text (a common footer): taught in that order, plain online learning
 * ends up calling everything ham; with replay the spam is still told. */
static void
test_learn_order(void)
{
	static const char common[] = "hello friend, this message was sent to you by our "
				     "mailing system; to stop receiving it write to the "
				     "address below. ";
	g_autofree char *dir = g_dir_make_tmp("ngram-test-XXXXXX", NULL);
	PcBayes *b = pc_bayes_open(dir, TRUE, NULL);
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	g_autofree char *spam_probe = g_strconcat(common, "cheap viagra pills, limited offer",
						  NULL);
	g_autofree char *ham_probe = g_strconcat(common, "the agenda of the budget meeting",
						 NULL);
	g_autoptr(GArray) ps = test_text_features(spam_probe);
	g_autoptr(GArray) ph = test_text_features(ham_probe);
	double p_spam, p_ham;
	gboolean active;

	for (guint i = 0; i < 220; i++) {
		gboolean spam = i < 20;
		g_autofree char *text = g_strdup_printf(
			"%s%s %u", common, spam ? "cheap viagra pills offer" :
			"meeting agenda, budget review, project notes", i);
		GArray *f = test_text_features(text);

		g_ptr_array_add(keep, f);
		g_assert_true(pc_bayes_learn(b, &(PcBayesLesson){ none, spam, +1, f }, 1, NULL));
	}
	g_assert_true(pc_bayes_ngram_classify(b, ps, 20, &p_spam, &active, NULL));
	g_assert_true(active);
	g_assert_true(pc_bayes_ngram_classify(b, ph, 20, &p_ham, &active, NULL));
	g_assert_cmpfloat(p_spam, >, 0.5);
	g_assert_cmpfloat(p_ham, <, 0.5);
	pc_bayes_close(b);
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

		g_assert_cmpint(system(cmd), ==, 0);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_true(pc_engine_global_init(NULL, NULL));
	g_test_add_func("/ngram/features/visible-text", test_features_visible_text);
	g_test_add_func("/ngram/features/bounded", test_features_bounded);
	g_test_add_func("/ngram/update-rule", test_update_rule);
	g_test_add_func("/ngram/learn-classify-forget", test_learn_classify_forget);
	g_test_add_func("/ngram/learn-order", test_learn_order);
	return g_test_run();
}
