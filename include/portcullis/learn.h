/*
 * NAME
 *	learn.h - teach the spam engine's Bayes store (portcullisctl learn)
 * SYNOPSIS
 *	learner = pc_learner_open("/var/lib/portcullis/bayes", &error);
 *	pc_learner_learn(learner, data, len, TRUE, +1, &error);	spam
 *	pc_learner_learn(learner, data, len, FALSE, -1, &error);	forget ham
 *	pc_learner_close(learner);
 *
 *	lesson = pc_lesson_new(data, len, TRUE, +1);	(any thread, no store)
 *	lesson = pc_lesson_from_verdict(verdict, TRUE, +1);	(no parse)
 *	pc_learner_learn_lessons(learner, lessons, n, &error);
 *	pc_lesson_free(lesson);
 * DESCRIPTION
 *	Learning opens the store for writing; the daemon's threads keep
 *	reading it meanwhile and see each learned message at their next
 *	message, with no restart.  Call pc_engine_global_init() first.
 *	A lesson is a message already tokenized, so that scanning threads can
 *	do that work and one writer learn many in a single transaction: each
 *	commit waits for the disk, so batching is what makes it keep up.
 */
#ifndef PORTCULLIS_LEARN_H
#define PORTCULLIS_LEARN_H

#include <glib.h>
#include <portcullis/verdict.h>

G_BEGIN_DECLS

typedef struct _PcLearner PcLearner;

PcLearner *pc_learner_open(const char *bayes_dir, GError **error);
gboolean pc_learner_learn(PcLearner *learner, const guint8 *data, gsize len, gboolean spam,
			  int delta, GError **error);
typedef struct _PcLesson PcLesson;

PcLesson *pc_lesson_new(const guint8 *data, gsize len, gboolean spam, int delta);
/* From the tokens a scan kept (spam_tokens); NULL when it kept none. */
PcLesson *pc_lesson_from_verdict(const PcVerdict *verdict, gboolean spam, int delta);
void pc_lesson_free(PcLesson *lesson);
/* Tokens it holds (at most 10,000): what it costs while queued. */
guint pc_lesson_size(const PcLesson *lesson);
/* All of them or none (one write transaction). */
gboolean pc_learner_learn_lessons(PcLearner *learner, PcLesson *const *lessons, guint n,
				  GError **error);
gboolean pc_learner_counts(PcLearner *learner, guint64 *spam, guint64 *ham, GError **error);
/* The 4-gram learner's (learned with Bayes; differs only where a store
 * was started before it, or where autolearn ran with ngram = no). */
gboolean pc_learner_ngram_counts(PcLearner *learner, guint64 *spam, guint64 *ham,
				 GError **error);
void pc_learner_close(PcLearner *learner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcLesson, pc_lesson_free)

G_END_DECLS

#endif
