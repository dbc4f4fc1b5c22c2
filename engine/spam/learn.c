/*
 * NAME
 *	learn.c - teach the Bayes store a message (portcullisctl learn/forget)
 * DESCRIPTION
 *	The message is parsed and tokenized exactly as the spam check does
 *	when it classifies, so what is learned is what is later looked up.
 */
#include "config.h"

#include <portcullis/learn.h>

#include "bayes.h"
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
pc_learner_learn(PcLearner *l, const guint8 *data, gsize len, gboolean spam, int delta,
		 GError **error)
{
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	g_autoptr(GPtrArray) tokens = NULL;
	PcMime mime = { 0 };
	PcScan scan = { .data = data, .len = len, .mime = &mime, .verdict = verdict };
	PcSpamView view = { 0 };
	gboolean ok;

	pc_mime_parse(data, len, 20, verdict, &mime);
	pc_spam_view_init(&view, &scan);
	tokens = pc_bayes_tokens(&view);
	pc_spam_view_clear(&view);
	pc_mime_clear(&mime);
	ok = pc_bayes_learn(l->bayes, tokens, spam, delta, error);
	return ok;
}
