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

/* Past this backlog lessons are skipped: learning is best effort, and a
 * store that cannot keep up must not eat the daemon's memory.  Counted in
 * messages and in tokens: a lesson holds up to 10,000 tokens (about half
 * a megabyte), ordinary mail a few hundred to a few thousand, so the
 * token bound (some 50 MB) is what holds when the messages are fat. */
#define PCM_AUTOLEARN_BACKLOG 1000
#define PCM_AUTOLEARN_BACKLOG_TOKENS 1000000
#define PCM_AUTOLEARN_BATCH 64

typedef struct {
	PcLesson *lesson;	/* NULL: the writer stops */
	guint tokens;		/* pc_lesson_size(lesson), counted in the backlog */
	char *dir;
	char *queue_id;	/* as shown in the log */
} PcmLessonJob;

static GMutex pcm_autolearn_lock;	/* guards starting and stopping the writer */
static GAsyncQueue *pcm_autolearn_queue;
static GThread *pcm_autolearn_thread;
static gint pcm_autolearn_tokens;	/* atomic: tokens queued and not yet freed */

static void
pcm_lesson_job_free(gpointer data)
{
	PcmLessonJob *job = data;

	g_atomic_int_add(&pcm_autolearn_tokens, -(gint)job->tokens);
	pc_lesson_free(job->lesson);
	g_free(job->dir);
	g_free(job->queue_id);
	g_free(job);
}

/* Learns one batch (every job for the same store); the learner is kept
 * open between batches and opened again after a failure or a new dir. */
static void
pcm_autolearn_write(PcLearner **learner, char **dir, GPtrArray *batch)
{
	const PcmLessonJob *first = g_ptr_array_index(batch, 0);
	g_autoptr(GPtrArray) lessons = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) ids = g_string_new(NULL);

	if (*learner == NULL || strcmp(*dir, first->dir) != 0) {
		g_clear_pointer(learner, pc_learner_close);
		g_free(*dir);
		*dir = g_strdup(first->dir);
		*learner = pc_learner_open(*dir, &error);
	}
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

/* Up to PCM_AUTOLEARN_BATCH jobs for one store; FALSE once told to stop. */
static gboolean
pcm_autolearn_take(GPtrArray *batch)
{
	PcmLessonJob *job = g_async_queue_pop(pcm_autolearn_queue);

	while (job != NULL) {
		if (job->lesson == NULL) {
			pcm_lesson_job_free(job);
			return FALSE;
		}
		if (batch->len > 0 &&
		    strcmp(job->dir, ((PcmLessonJob *)g_ptr_array_index(batch, 0))->dir) != 0) {
			g_async_queue_push_front(pcm_autolearn_queue, job);
			break;
		}
		g_ptr_array_add(batch, job);
		job = batch->len < PCM_AUTOLEARN_BATCH ?
		      g_async_queue_try_pop(pcm_autolearn_queue) : NULL;
	}
	return TRUE;
}

static gpointer
pcm_autolearn_writer(gpointer data)
{
	PcLearner *learner = NULL;
	char *dir = NULL;
	gboolean going = TRUE;

	(void)data;
	while (going) {
		g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func(pcm_lesson_job_free);

		going = pcm_autolearn_take(batch);
		if (batch->len > 0)
			pcm_autolearn_write(&learner, &dir, batch);
	}
	pc_learner_close(learner);
	g_free(dir);
	return NULL;
}

/* The queue, with its writer started on first use; NULL when too far
 * behind to take a lesson of this many tokens. */
static GAsyncQueue *
pcm_autolearn_queue_get(guint tokens)
{
	GAsyncQueue *queue;

	g_mutex_lock(&pcm_autolearn_lock);
	if (pcm_autolearn_queue == NULL) {
		pcm_autolearn_queue = g_async_queue_new();
		pcm_autolearn_thread = g_thread_new("autolearn", pcm_autolearn_writer, NULL);
	}
	queue = pcm_autolearn_queue;
	g_mutex_unlock(&pcm_autolearn_lock);
	if (g_async_queue_length(queue) >= PCM_AUTOLEARN_BACKLOG ||
	    (guint)g_atomic_int_get(&pcm_autolearn_tokens) + tokens > PCM_AUTOLEARN_BACKLOG_TOKENS)
		return NULL;
	return queue;
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
	GAsyncQueue *queue;
	PcmLessonJob *job;

	if (class == NULL)
		return;
	lesson = pc_lesson_from_verdict(verdict, strcmp(class, "spam") == 0, +1);
	if ((queue = pcm_autolearn_queue_get(pc_lesson_size(lesson))) == NULL) {
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
	job->dir = g_strdup(msg->rt->conf->bayes_dir);
	job->queue_id = g_strdup(msg->log_id);
	g_async_queue_push(queue, job);
	g_string_append_printf(log_extra, " autolearn=%s", class);
	pcm_stats_autolearn(class);
}

void
pcm_autolearn_shutdown(void)
{
	g_mutex_lock(&pcm_autolearn_lock);
	if (pcm_autolearn_queue != NULL) {
		/* the stop job goes last: what was queued before it is learned */
		g_async_queue_push(pcm_autolearn_queue, g_new0(PcmLessonJob, 1));
		g_thread_join(pcm_autolearn_thread);
		g_clear_pointer(&pcm_autolearn_queue, g_async_queue_unref);
		pcm_autolearn_thread = NULL;
	}
	g_mutex_unlock(&pcm_autolearn_lock);
}
