/*
 * NAME
 *	ngram.h - the second learner: logistic regression on character 4-grams
 * DESCRIPTION
 *	Word Bayes learns words; a new campaign spells its words anew
 *	("V1agra", "c-a-s-h", a fresh domain a day).  Character 4-grams keep
 *	most of a word that changed one letter, so what was learned from
 *	last month's campaign still counts (TREC spam track: online logistic
 *	regression on 4-grams, Goodman and Yih 2006, Sculley and Wachman
 *	2007, ahead of word Bayes).
 *
 *	Features: every overlapping 4-byte window of the Subject, the From
 *	header (display name and address: what a sender chooses per
 *	campaign) and the first PC_NGRAM_TEXT_MAX bytes of the visible text
 *	(the view's body: HTML reduced to what a reader sees, never markup,
 *	so that mostly plain training ham cannot teach "HTML = spam"),
 *	lower-cased, white space runs as one space, each source hashed apart
 *	into PC_NGRAM_BUCKETS.  A message is the set of its buckets, each
 *	1/sqrt(n) (a long message is no surer than a short one).  To, Cc and
 *	the Received path are left out: they say who receives and how, not
 *	what is sent, and Bayes' header tokens have them.
 *
 *	Model: p = 1 / (1 + exp(-sum w[i] x[i])), no bias.  Learning a
 *	message moves each of its weights by PC_NGRAM_RATE (y - p) x[i], y
 *	1 for spam, 0 for ham.  Online learning follows the order it is
 *	taught in, and people teach a folder at a time: after 2,000 ham in a
 *	row it had unlearned the spam (cross-validation AUC 0.87 against
 *	0.999 interleaved).  So each learned message is followed by one of
 *	the other class learned again, from a ring of the last PC_NGRAM_RING
 *	of each kept in the store (12 KB a message): the order no longer
 *	matters (AUC 0.9997 either way).  Forgetting applies the opposite
 *	step at the current p and drops the message from its ring.  That is
 *	an approximation: the step it takes back was computed at another p,
 *	and later learning (and replays of it) built on it, so a learn then
 *	forget leaves the weights near, not at, where they were.
 *
 *	Store: one value of PC_NGRAM_BUCKETS floats (4 MB), the message
 *	counts and the rings, under their own keys in the Bayes LMDB
 *	environment; learning writes them in Bayes' transaction, the weights
 *	once per transaction.  Classifying reads the value in place (LMDB
 *	maps it: no copy), one float per bucket of the message.
 */
#ifndef PC_SPAM_NGRAM_H
#define PC_SPAM_NGRAM_H

#include <glib.h>
#include <lmdb.h>
#include "rules.h"

#define PC_NGRAM_BITS 20
#define PC_NGRAM_BUCKETS (1u << PC_NGRAM_BITS)
#define PC_NGRAM_TEXT_MAX 3072		/* bytes of visible text */
#define PC_NGRAM_HEADER_MAX 256		/* bytes of each header */
#define PC_NGRAM_RATE 3.0
#define PC_NGRAM_RING 512		/* messages of each class kept to replay */

/* The message's buckets (guint32, ascending, each once). */
GArray *pc_ngram_features(const PcSpamView *view);
/* Of one text, hashed as source (for tests). */
void pc_ngram_add_text(GArray *features, guint source, const char *text, gsize max);
/* Sorts and drops repeats. */
void pc_ngram_finish(GArray *features);

/* The model's arithmetic over weights[PC_NGRAM_BUCKETS]. */
double pc_ngram_predict(const float *weights, const GArray *features);
void pc_ngram_update(float *weights, const GArray *features, gboolean spam, int delta);

/* A model being learned: the weights copied out of the store. */
typedef struct {
	float *weights;
	guint64 n[2];	/* spam, ham messages */
} PcNgramModel;

/* Under Bayes' write transaction: load, update in memory, save. */
void pc_ngram_load(MDB_txn *txn, MDB_dbi dbi, PcNgramModel *model);
int pc_ngram_learn(MDB_txn *txn, MDB_dbi dbi, PcNgramModel *model, const GArray *features,
		   gboolean spam, int delta);
int pc_ngram_save(MDB_txn *txn, MDB_dbi dbi, const PcNgramModel *model);
void pc_ngram_model_clear(PcNgramModel *model);
/* Under a read transaction, the weights in place; FALSE in *active when
 * fewer than min_learned of either class were learned. */
void pc_ngram_classify(MDB_txn *txn, MDB_dbi dbi, const GArray *features, guint min_learned,
		       double *probability, gboolean *active);
void pc_ngram_counts(MDB_txn *txn, MDB_dbi dbi, guint64 n[2]);

#endif
