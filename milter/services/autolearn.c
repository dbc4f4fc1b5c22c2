/*
 * NAME
 *	autolearn.c - learn clear cases into the Bayes store (autolearn.h)
 * DESCRIPTION
 *	The scan already tokenized the message (the verdict keeps the Bayes
 *	tokens), so a lesson costs no second parse; one writer thread,
 *	started with the first lesson, learns whatever has queued up in one
 *	LMDB transaction.
 *	A commit waits for the disk (a few ms), so one commit per message
 *	under one lock would cap the whole daemon at a few hundred messages
 *	a second and add that wait to every answer.
 */
#include "config.h"

#include <string.h>
#include <syslog.h>
#include <portcullis/learn.h>

#include "autolearn.h"
#include "log.h"
#include "stats.h"
#include "writer.h"

/* Past this backlog lessons are skipped: learning is best effort, and a
 * store that cannot keep up must not eat the daemon's memory.  Counted in
 * messages and in tokens: a lesson holds up to 10,000 tokens (about half
 * a megabyte), ordinary mail a few hundred to a few thousand, so the
 * token bound (some 50 MB) is what holds when the messages are fat. */
#define PCM_AUTOLEARN_BACKLOG 1000
#define PCM_AUTOLEARN_BACKLOG_TOKENS 1000000
#define PCM_AUTOLEARN_BATCH 64

typedef struct {
	PcmWriterJob head;	/* the store: bayes_dir */
	PcLesson *lesson;
	guint tokens;		/* pc_lesson_size(lesson), counted in the backlog */
	char *queue_id;		/* as shown in the log */
} PcmLessonJob;

static gint pcm_autolearn_tokens;	/* atomic: tokens queued and not yet freed */

static void
pcm_lesson_job_free(gpointer data)
{
	PcmLessonJob *job = data;

	g_atomic_int_add(&pcm_autolearn_tokens, -(gint)job->tokens);
	pc_lesson_free(job->lesson);
	g_free(job->head.dir);
	g_free(job->queue_id);
	g_free(job);
}

/* Learns one batch in one transaction; the learner is closed after a
 * failure, to be opened again for the next. */
static void
pcm_autolearn_write(gpointer *store, const char *dir, GPtrArray *batch)
{
	PcLearner **learner = (PcLearner **)store;
	g_autoptr(GPtrArray) lessons = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) ids = g_string_new(NULL);

	if (*learner == NULL)
		*learner = pc_learner_open(dir, &error);
	for (guint i = 0; i < batch->len; i++)
		g_ptr_array_add(lessons, ((PcmLessonJob *)g_ptr_array_index(batch, i))->lesson);
	if (*learner != NULL &&
	    pc_learner_learn_lessons(*learner, (PcLesson *const *)lessons->pdata, lessons->len,
				     &error))
		return;
	g_clear_pointer(learner, pc_learner_close);
	for (guint i = 0; i < batch->len; i++)
		g_string_append_printf(ids, "%s%s", i ? "," : "",
				       ((PcmLessonJob *)g_ptr_array_index(batch, i))->queue_id);
	pcm_log(LOG_WARNING, "autolearn failed for %u message(s) (%s): %s", batch->len, ids->str,
		error->message);
}

static void
pcm_autolearn_close(gpointer store)
{
	pc_learner_close(store);
}

static const PcmWriterOps pcm_autolearn_ops = {
	"autolearn", PCM_AUTOLEARN_BATCH, pcm_autolearn_write, pcm_autolearn_close,
	pcm_lesson_job_free,
};
static PcmWriter pcm_autolearn_writer = PCM_WRITER_INIT(&pcm_autolearn_ops);

/* Whether the writer is too far behind to take a lesson of this many tokens. */
static gboolean
pcm_autolearn_behind(guint tokens)
{
	return pcm_writer_queued(&pcm_autolearn_writer) >= PCM_AUTOLEARN_BACKLOG ||
	       (guint)g_atomic_int_get(&pcm_autolearn_tokens) + tokens >
		       PCM_AUTOLEARN_BACKLOG_TOKENS;
}

/* Which class the message is learned as, or NULL: not a clear case. */
static const char *
pcm_autolearn_class(const PcmMsg *msg, const PcVerdict *verdict)
{
	const PcmConfig *conf = msg->rt->conf;
	double score = verdict->spam_score - verdict->spam_bayes;

	if (!conf->autolearn || !verdict->spam_scanned || *conf->bayes_dir == '\0' ||
	    verdict->spam_tokens == NULL)
		return NULL;
	return score >= conf->autolearn_spam ? "spam" :
	       score < conf->autolearn_ham ? "ham" : NULL;
}

void
pcm_autolearn(const PcmMsg *msg, const PcVerdict *verdict, GString *log_extra)
{
	static PcmLogLimit behind;
	const char *class = pcm_autolearn_class(msg, verdict);
	g_autoptr(PcLesson) lesson = NULL;
	PcmLessonJob *job;

	if (class == NULL)
		return;
	lesson = pc_lesson_from_verdict(verdict, strcmp(class, "spam") == 0, +1);
	if (pcm_autolearn_behind(pc_lesson_size(lesson))) {
		pcm_log_limited(&behind, 300, LOG_WARNING, "autolearn: the Bayes store's writer "
				"is behind (%u messages or %u tokens queued); messages are not "
				"learned until it catches up", PCM_AUTOLEARN_BACKLOG,
				PCM_AUTOLEARN_BACKLOG_TOKENS);
		g_string_append(log_extra, " autolearn=skipped");
		pcm_stats_autolearn("skipped");
		return;
	}
	job = g_new0(PcmLessonJob, 1);
	job->tokens = pc_lesson_size(lesson);
	g_atomic_int_add(&pcm_autolearn_tokens, (gint)job->tokens);
	job->lesson = g_steal_pointer(&lesson);
	job->head.dir = g_strdup(msg->rt->conf->bayes_dir);
	job->queue_id = g_strdup(msg->log_id);
	pcm_writer_push(&pcm_autolearn_writer, job);
	g_string_append_printf(log_extra, " autolearn=%s", class);
	pcm_stats_autolearn(class);
}

void
pcm_autolearn_shutdown(void)
{
	pcm_writer_stop(&pcm_autolearn_writer);
}
