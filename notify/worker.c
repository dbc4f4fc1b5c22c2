/*
 * NAME
 *	worker.c - the sender thread: works the queue, retries, gives up
 * DESCRIPTION
 *	One thread, so that sending never blocks a milter thread and a slow
 *	relay holds up only notifications.  It wakes when told (a new
 *	notification) and every tick; a file whose last attempt failed waits
 *	retry_interval seconds (kept in memory: after a restart everything
 *	is due at once, which only brings a retry forward).
 */
#include "config.h"

#include <string.h>
#include <syslog.h>
#include <glib/gstdio.h>

#include "notify-private.h"
#include "queue.h"

struct _PcnWorker {
	GThread *thread;
	GMutex lock;
	GCond cond;
	gboolean stop;
	gboolean woken;
	char *queue_dir;
	char *sendmail_path;
	char *relay;
	guint retry_interval;
	guint max_attempts;
	PcnLogFunc log;
	GHashTable *next_try;	/* file name -> gint64 monotonic time (boxed) */
	PcnWorkerCounts counts;	/* under lock */
};

static void
pcn_worker_count(PcnWorker *w, guint64 *counter)
{
	g_mutex_lock(&w->lock);
	(*counter)++;
	g_mutex_unlock(&w->lock);
}

static void
pcn_log(PcnWorker *w, int priority, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
pcn_log(PcnWorker *w, int priority, const char *fmt, ...)
{
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (w->log != NULL)
		w->log(priority, text);
}

static void
pcn_worker_set(PcnWorker *w, const PcnSenderConfig *c)
{
	g_free(w->queue_dir);
	g_free(w->sendmail_path);
	g_free(w->relay);
	w->queue_dir = g_strdup(c->queue_dir);
	w->sendmail_path = g_strdup(c->sendmail_path);
	w->relay = g_strdup(c->relay ? c->relay : "");
	w->retry_interval = MAX(c->retry_interval, 1);
	w->max_attempts = MAX(c->max_attempts, 1);
}

/* One attempt with the configuration as it is now. */
static gboolean
pcn_worker_send(PcnWorker *w, const char *path, GError **error)
{
	g_autoptr(GPtrArray) rcpts = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GBytes) message = NULL;
	g_autofree char *relay = NULL;
	g_autofree char *sendmail = NULL;

	if (!pcn_queue_read(path, rcpts, &message, error))
		return FALSE;
	g_ptr_array_add(rcpts, NULL);
	g_mutex_lock(&w->lock);
	relay = g_strdup(w->relay);
	sendmail = g_strdup(w->sendmail_path);
	g_mutex_unlock(&w->lock);
	return pcn_deliver(sendmail, relay, "", (const char *const *)rcpts->pdata, message, error);
}

static void
pcn_worker_give_up(PcnWorker *w, const char *dir, const char *name, const char *why)
{
	g_autofree char *failed = g_build_filename(dir, "failed", NULL);
	g_autofree char *from = g_build_filename(dir, name, NULL);
	g_autofree char *to = g_build_filename(failed, name, NULL);

	g_mkdir_with_parents(failed, 0700);
	g_rename(from, to);
	pcn_worker_count(w, &w->counts.given_up);
	pcn_log(w, LOG_ERR, "%s given up after %u attempts (%s); kept in %s", name,
		pcn_queue_attempts(name), why, failed);
}

/* Sends one queue file if it is due. */
static void
pcn_worker_file(PcnWorker *w, const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;
	gint64 *due = g_hash_table_lookup(w->next_try, name);
	g_autofree char *renamed = NULL;
	g_autofree char *renamed_path = NULL;
	guint attempts;

	if (due != NULL && *due > g_get_monotonic_time())
		return;
	if (pcn_worker_send(w, path, &error)) {
		g_unlink(path);
		g_hash_table_remove(w->next_try, name);
		pcn_worker_count(w, &w->counts.sent);
		pcn_log(w, LOG_INFO, "%s sent", name);
		return;
	}
	attempts = pcn_queue_attempts(name) + 1;
	renamed = pcn_queue_renamed(name, attempts);
	renamed_path = g_build_filename(dir, renamed, NULL);
	g_hash_table_remove(w->next_try, name);
	if (g_rename(path, renamed_path) != 0)
		return;
	if (attempts >= w->max_attempts) {
		pcn_worker_give_up(w, dir, renamed, error->message);
		return;
	}
	g_hash_table_insert(w->next_try, g_strdup(renamed),
			    g_memdup2(&(gint64){ g_get_monotonic_time() +
						 w->retry_interval * G_USEC_PER_SEC },
				      sizeof(gint64)));
	pcn_worker_count(w, &w->counts.deferred);
	pcn_log(w, LOG_WARNING, "%s deferred (attempt %u of %u): %s", renamed, attempts,
		w->max_attempts, error->message);
}

static void
pcn_worker_pass(PcnWorker *w)
{
	g_autofree char *dir = NULL;
	g_autoptr(GPtrArray) names = NULL;

	g_mutex_lock(&w->lock);
	dir = g_strdup(w->queue_dir);
	g_mutex_unlock(&w->lock);
	names = pcn_queue_files(dir);
	for (guint i = 0; i < names->len && !g_atomic_int_get(&w->stop); i++)
		pcn_worker_file(w, dir, g_ptr_array_index(names, i));
}

static gpointer
pcn_worker_main(gpointer data)
{
	PcnWorker *w = data;

	for (;;) {
		gint64 until;

		pcn_worker_pass(w);
		g_mutex_lock(&w->lock);
		until = g_get_monotonic_time() + MIN(w->retry_interval, 60) * G_USEC_PER_SEC;
		while (!w->stop && !w->woken)
			if (!g_cond_wait_until(&w->cond, &w->lock, until))
				break;
		w->woken = FALSE;
		if (w->stop) {
			g_mutex_unlock(&w->lock);
			return NULL;
		}
		g_mutex_unlock(&w->lock);
	}
}

PcnWorker *
pcn_worker_start(const PcnSenderConfig *config, PcnLogFunc log)
{
	PcnWorker *w = g_new0(PcnWorker, 1);

	g_mutex_init(&w->lock);
	g_cond_init(&w->cond);
	w->log = log;
	w->next_try = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	pcn_worker_set(w, config);
	w->thread = g_thread_new("notify", pcn_worker_main, w);
	return w;
}

void
pcn_worker_counts(PcnWorker *w, PcnWorkerCounts *out)
{
	g_autofree char *dir = NULL;
	g_autoptr(GPtrArray) files = NULL;

	g_mutex_lock(&w->lock);
	*out = w->counts;
	dir = g_strdup(w->queue_dir);
	g_mutex_unlock(&w->lock);
	files = pcn_queue_files(dir);
	out->queued = files->len;
}

void
pcn_worker_wake(PcnWorker *w)
{
	g_mutex_lock(&w->lock);
	w->woken = TRUE;
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
}

void
pcn_worker_configure(PcnWorker *w, const PcnSenderConfig *config)
{
	g_mutex_lock(&w->lock);
	pcn_worker_set(w, config);
	w->woken = TRUE;
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
}

void
pcn_worker_stop(PcnWorker *w)
{
	if (w == NULL)
		return;
	g_mutex_lock(&w->lock);
	g_atomic_int_set(&w->stop, TRUE);
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
	g_thread_join(w->thread);
	g_hash_table_unref(w->next_try);
	g_free(w->queue_dir);
	g_free(w->sendmail_path);
	g_free(w->relay);
	g_mutex_clear(&w->lock);
	g_cond_clear(&w->cond);
	g_free(w);
}
