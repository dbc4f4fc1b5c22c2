/*
 * NAME
 *	history.c - queue and write the message trace (history.h)
 */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include "history.h"
#include "trace.h"
#include "log.h"
#include "stats.h"

#define PCM_HISTORY_BACKLOG 10000	/* entries queued at most */
#define PCM_HISTORY_PURGE_EVERY 1000	/* entries between purges */

typedef struct {
	PchEntry *entry;	/* NULL: stop */
	char *dir;
	guint max_entries, max_age;
} PcmHistoryJob;

static GMutex pcm_history_lock;
static GAsyncQueue *pcm_history_queue;
static GThread *pcm_history_thread;

static void
pcm_history_job_free(PcmHistoryJob *job)
{
	pch_entry_free(job->entry);
	g_free(job->dir);
	g_free(job);
}

/* The store of the newest job's dir, reopened when a reload changed it. */
static PchStore *
pcm_history_store(PchStore *store, char **open_dir, const char *dir)
{
	g_autoptr(GError) error = NULL;
	static PcmLogLimit failed;

	if (store != NULL && g_strcmp0(*open_dir, dir) == 0)
		return store;
	pch_close(store);
	g_free(*open_dir);
	*open_dir = g_strdup(dir);
	g_mkdir_with_parents(dir, 0700);
	store = pch_open(dir, &error);
	if (store == NULL)
		pcm_log_limited(&failed, 300, LOG_ERR, "history: %s", error->message);
	return store;
}

/* Writes a batch: what the queue holds now, in one transaction. */
static gboolean
pcm_history_write(PchStore **store, char **open_dir, GPtrArray *batch, guint *since_purge)
{
	const PcmHistoryJob *last = g_ptr_array_index(batch, batch->len - 1);
	g_autoptr(GPtrArray) entries = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	static PcmLogLimit failed;

	for (guint i = 0; i < batch->len; i++)
		g_ptr_array_add(entries, ((PcmHistoryJob *)g_ptr_array_index(batch, i))->entry);
	*store = pcm_history_store(*store, open_dir, last->dir);
	if (*store == NULL || !pch_add(*store, (PchEntry *const *)entries->pdata, entries->len,
				       &error)) {
		if (error != NULL)
			pcm_log_limited(&failed, 300, LOG_ERR, "history: %s", error->message);
		pcm_stats_error("history");
		return FALSE;
	}
	*since_purge += batch->len;
	if (*since_purge >= PCM_HISTORY_PURGE_EVERY) {
		*since_purge = 0;
		if (!pch_purge(*store, last->max_entries, last->max_age, NULL, &error))
			pcm_log_limited(&failed, 300, LOG_ERR, "history: %s", error->message);
	}
	return TRUE;
}

static gpointer
pcm_history_writer(gpointer data)
{
	g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func(
		(GDestroyNotify)pcm_history_job_free);
	PchStore *store = NULL;
	char *open_dir = NULL;
	guint since_purge = PCM_HISTORY_PURGE_EVERY;	/* purge once at start */
	gboolean stop = FALSE;

	(void)data;
	while (!stop) {
		PcmHistoryJob *job = g_async_queue_pop(pcm_history_queue);

		do {
			if (job->entry == NULL) {
				stop = TRUE;
				pcm_history_job_free(job);
			} else {
				g_ptr_array_add(batch, job);
			}
		} while (!stop && batch->len < 500 &&
			 (job = g_async_queue_try_pop(pcm_history_queue)) != NULL);
		if (batch->len > 0)
			pcm_history_write(&store, &open_dir, batch, &since_purge);
		g_ptr_array_set_size(batch, 0);
	}
	pch_close(store);
	g_free(open_dir);
	return NULL;
}

static GAsyncQueue *
pcm_history_queue_get(void)
{
	GAsyncQueue *queue;

	g_mutex_lock(&pcm_history_lock);
	if (pcm_history_queue == NULL) {
		pcm_history_queue = g_async_queue_new();
		pcm_history_thread = g_thread_new("history", pcm_history_writer, NULL);
	}
	queue = pcm_history_queue;
	g_mutex_unlock(&pcm_history_lock);
	return queue;
}

static char *
pcm_history_reply(const PcDecision *d)
{
	if (d->rcode == NULL)
		return g_strdup("");
	return g_strdup_printf("%s %s %s", d->rcode, d->xcode ? d->xcode : "",
			       d->reply ? d->reply : "");
}

static PchEntry *
pcm_history_entry(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
		  const char *quarantine_id, const char *detail)
{
	const PcDecision *d = &outcome->decision;
	PchEntry *e = g_new0(PchEntry, 1);

	e->time = g_get_real_time() / G_USEC_PER_SEC;
	e->queue_id = g_strdup(msg->queue_id);
	e->client = g_strdup_printf("%s[%s]", conn->client_name ? conn->client_name : "",
				    conn->client_addr ? conn->client_addr : "");
	e->sender = g_strdup(msg->sender);
	e->recipients = g_new0(char *, msg->recipients->len + 1);
	for (guint i = 0; i < msg->recipients->len; i++)
		e->recipients[i] = g_strdup(g_ptr_array_index(msg->recipients, i));
	e->size = msg->size;
	e->group = g_strdup(outcome->groups);
	e->status = g_strdup(outcome->released ? "unscanned"
					       : pc_status_name(outcome->verdict->status));
	e->action = g_strdup(pc_action_name(d->action));
	e->reply = pcm_history_reply(d);
	e->reason = g_strdup(d->action != PC_ACT_ACCEPT && d->reason ? d->reason : "");
	e->quarantine_id = g_strdup(quarantine_id);
	e->spam_score = outcome->verdict->spam_score;
	e->spam_tests = g_strdup(outcome->verdict->spam_tests);
	e->detail = g_strdup(detail);
	return e;
}

void
pcm_history_record(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
		   const char *quarantine_id, const char *detail)
{
	static PcmLogLimit behind;
	const PcmConfig *conf = msg->rt->conf;
	GAsyncQueue *queue;
	PcmHistoryJob *job;

	if (*conf->history_dir == '\0')
		return;
	queue = pcm_history_queue_get();
	if (g_async_queue_length(queue) >= PCM_HISTORY_BACKLOG) {
		pcm_log_limited(&behind, 300, LOG_WARNING, "history: the writer is behind (%u "
				"entries queued); messages are left out of the history until it "
				"catches up", PCM_HISTORY_BACKLOG);
		pcm_stats_error("history");
		return;
	}
	job = g_new0(PcmHistoryJob, 1);
	job->entry = pcm_history_entry(conn, msg, outcome, quarantine_id, detail);
	job->dir = g_strdup(conf->history_dir);
	job->max_entries = conf->history_max_entries;
	job->max_age = conf->history_max_age;
	g_async_queue_push(queue, job);
}

void
pcm_history_shutdown(void)
{
	g_mutex_lock(&pcm_history_lock);
	if (pcm_history_queue != NULL) {
		g_async_queue_push(pcm_history_queue, g_new0(PcmHistoryJob, 1));
		g_thread_join(pcm_history_thread);
		g_clear_pointer(&pcm_history_queue, g_async_queue_unref);
		pcm_history_thread = NULL;
	}
	g_mutex_unlock(&pcm_history_lock);
}
