/*
 * NAME
 *	bayes.h - Bayesian spam classifier: tokens, statistics store, combining
 * DESCRIPTION
 *	Tokens (tokens.c): words and word pairs of the visible text, subject
 *	words, a few headers (sender address and domain, Reply-To and
 *	Message-ID domains, mailer), SpamAssassin's header tokens
 *	(htokens.c) and URL host names, each once per message.  Each
 *	token's probability is Robinson's f(w) (strength 1, assumed 0.5);
 *	the tokens furthest from 0.5 (at most 150, at least 0.1 away) are
 *	combined with Fisher's chi-square method into I in [0, 1]: near 1
 *	spam, near 0 ham, 0.5 unsure.
 *
 *	The store is LMDB (one environment per directory: many readers in the
 *	milter's threads, one writer in portcullisctl, crash safe; a reader
 *	sees what was learned at its next message).  The interface is these
 *	few calls, so another backend (Redis) can take its place.
 */
#ifndef PC_SPAM_BAYES_H
#define PC_SPAM_BAYES_H

#include <glib.h>
#include "rules.h"

typedef struct _PcBayes PcBayes;

/* writable: portcullisctl learn/forget; the daemon opens read-only.  The
 * directory is made when writable and missing. */
PcBayes *pc_bayes_open(const char *dir, gboolean writable, GError **error);
void pc_bayes_close(PcBayes *bayes);

/* Messages learned so far. */
gboolean pc_bayes_counts(PcBayes *bayes, guint64 *spam, guint64 *ham, GError **error);
/* A message's tokens, learned (delta +1) or forgotten (-1) as spam or ham;
 * its 4-gram features (ngram.h) too when not NULL. */
typedef struct {
	GPtrArray *tokens;
	gboolean spam;
	int delta;
	GArray *ngrams;
} PcBayesLesson;

/* Every lesson in one write transaction: one disk sync for all of them. */
gboolean pc_bayes_learn(PcBayes *bayes, const PcBayesLesson *lessons, guint n,
			GError **error);
/* The combined probability; FALSE in *active when fewer than min_learned
 * spam or ham messages are known (then *probability is 0.5). */
gboolean pc_bayes_classify(PcBayes *bayes, GPtrArray *tokens, guint min_learned,
			   double *probability, gboolean *active, GError **error);

/* The 4-gram learner's (ngram.h) messages and probability, on the same
 * terms. */
gboolean pc_bayes_ngram_counts(PcBayes *bayes, guint64 *spam, guint64 *ham, GError **error);
gboolean pc_bayes_ngram_classify(PcBayes *bayes, const GArray *features, guint min_learned,
				 double *probability, gboolean *active, GError **error);

/* The arithmetic, for tests. */
double pc_bayes_token_probability(guint32 spam, guint32 ham, guint64 nspam, guint64 nham);
double pc_bayes_combine(const double *f, guint n);

/* The tokens of a message (char *, unique), from at most the first
 * PC_BAYES_TEXT_MAX bytes of its body text and PC_BAYES_SET_MAX in all.
 * Unbounded, 10 MB of distinct words made 2.5 million tokens (200 MB,
 * kept on the verdict and queued for autolearn).  SpamAssassin's Bayes
 * reads a bounded body too (body_part_scan_size, 50 KB a part): this is
 * two such parts, a text and an HTML alternative.  Ordinary mail makes a
 * few hundred to a few thousand tokens. */
#define PC_BAYES_TEXT_MAX (100 * 1024)
#define PC_BAYES_SET_MAX 10000
/* Longest token kept, in bytes (the store's keys are at most 511). */
#define PC_BAYES_TOKEN_MAX 200
GPtrArray *pc_bayes_tokens(const PcSpamView *view);
/* SpamAssassin's header tokens, "HNAME:WORD" (char *, owned by out, maybe
 * twice), until out holds max.  A header block of thousands of
 * addresses cannot crowd the body's words out. */
#define PC_BAYES_HEADER_MAX 1000
void pc_bayes_header_tokens(const PcSpamView *view, GPtrArray *out, guint max);

#endif
