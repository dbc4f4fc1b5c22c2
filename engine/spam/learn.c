/*
 * NAME
 *	learn.c - teach the Bayes store a message (portcullisctl learn/forget)
 * DESCRIPTION
 *	The message is parsed and tokenized exactly as the spam check does
 *	when it classifies, so what is learned is what is later looked up.
 *	Both learners learn it: Bayes its tokens, the 4-gram learner
 *	(ngram.h) its features, in the same transaction.
 */
#include "config.h"

#include <portcullis/learn.h>

#include "bayes.h"
#include "ngram.h"
#include "spam.h"

struct _PcLearner {
	PcBayes *bayes;
};

PcLearner *
pc_learner_open(const char *bayes_dir, GError **error)
{
	PcBayes *bayes = pc_bayes_open(bayes_dir, TRUE, error);
	PcLearner *l;

	if (bayes == NULL)
		return NULL;
	l = g_new0(PcLearner, 1);
	l->bayes = bayes;
	return l;
}

void
pc_learner_close(PcLearner *l)
{
	if (l == NULL)
		return;
	pc_bayes_close(l->bayes);
	g_free(l);
}

gboolean
pc_learner_counts(PcLearner *l, guint64 *spam, guint64 *ham, GError **error)
{
	return pc_bayes_counts(l->bayes, spam, ham, error);
}

gboolean
pc_learner_ngram_counts(PcLearner *l, guint64 *spam, guint64 *ham, GError **error)
{
	return pc_bayes_ngram_counts(l->bayes, spam, ham, error);
}

struct _PcLesson {
	PcBayesLesson lesson;
};

PcLesson *
pc_lesson_new(const guint8 *data, gsize len, gboolean spam, int delta)
{
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	PcMime mime = { 0 };
	PcScan scan = { .data = data, .len = len, .mime = &mime, .verdict = verdict };
	PcSpamView view = { 0 };
	PcLesson *l = g_new0(PcLesson, 1);

	pc_mime_parse(data, len, 20, PC_ENGINE_MAX_PARTS, verdict, &mime);
	pc_spam_view_init(&view, &scan);
	l->lesson = (PcBayesLesson){ pc_bayes_tokens(&view), spam, delta,
				     pc_ngram_features(&view) };
	pc_spam_view_clear(&view);
	pc_mime_clear(&mime);
	return l;
}

PcLesson *
pc_lesson_from_verdict(const PcVerdict *verdict, gboolean spam, int delta)
{
	PcLesson *l;

	if (verdict->spam_tokens == NULL)
		return NULL;
	l = g_new0(PcLesson, 1);
	l->lesson = (PcBayesLesson){ g_ptr_array_ref(verdict->spam_tokens), spam, delta,
				     verdict->spam_ngrams ? g_array_ref(verdict->spam_ngrams)
							  : NULL };
	return l;
}

void
pc_lesson_free(PcLesson *l)
{
	if (l == NULL)
		return;
	g_ptr_array_unref(l->lesson.tokens);
	if (l->lesson.ngrams != NULL)
		g_array_unref(l->lesson.ngrams);
	g_free(l);
}

guint
pc_lesson_size(const PcLesson *l)
{
	return l->lesson.tokens->len;
}

gboolean
pc_learner_learn_lessons(PcLearner *l, PcLesson *const *lessons, guint n, GError **error)
{
	g_autofree PcBayesLesson *all = g_new(PcBayesLesson, n);

	for (guint i = 0; i < n; i++)
		all[i] = lessons[i]->lesson;
	return pc_bayes_learn(l->bayes, all, n, error);
}

gboolean
pc_learner_learn(PcLearner *l, const guint8 *data, gsize len, gboolean spam, int delta,
		 GError **error)
{
	g_autoptr(PcLesson) lesson = pc_lesson_new(data, len, spam, delta);

	return pc_learner_learn_lessons(l, &lesson, 1, error);
}
