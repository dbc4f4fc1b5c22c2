/*
 * NAME
 *	housekeeping.c - the expiry thread (see housekeeping.h)
 */
#include "config.h"

#include "housekeeping.h"
#include "index.h"
#include "log.h"
#include "release.h"
#include "runtime.h"

#define PCM_HOUSEKEEPING_INTERVAL (G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC)

static GThread *pcm_housekeeping_thread;
static GMutex pcm_housekeeping_lock;
static GCond pcm_housekeeping_cond;
static gboolean pcm_housekeeping_stopping;

static void
pcm_housekeeping_purge(const char *what, const char *dir, guint days, guint64 size)
{
	g_autoptr(GError) error = NULL;
	guint removed = 0;

	if (*dir == '\0' || (days == 0 && size == 0) || !g_file_test(dir, G_FILE_TEST_IS_DIR))
		return;
	if (!pcq_purge(dir, days, size, &removed, &error))
		pcm_log(LOG_WARNING, "%s expiry: %s", what, error->message);
	else if (removed > 0)
		pcm_log(LOG_INFO, "%s expiry: %u entries removed from %s", what, removed, dir);
}

static void
pcm_housekeeping_used_marks(const char *dir)
{
	g_autoptr(GError) error = NULL;
	guint removed = 0;

	if (*dir == '\0')
		return;
	if (!pcq_release_purge_used(dir, g_get_real_time() / G_USEC_PER_SEC, &removed, &error))
		pcm_log(LOG_WARNING, "release mark records: %s", error->message);
	else if (removed > 0)
		pcm_log(LOG_INFO, "release mark records: %u expired ones removed", removed);
}

/* The runtime is let go before the thread sleeps: holding it for an hour
 * would keep a replaced engine (and its signatures) in memory. */
static void
pcm_housekeeping_run(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();

	if (rt == NULL)
		return;
	if (rt->conf->quarantine_store == PCM_QUARANTINE_DIRECTORY)
		pcm_housekeeping_purge("quarantine", rt->conf->quarantine_dir,
				       rt->conf->quarantine_max_age, rt->conf->quarantine_max_size);
	pcm_housekeeping_purge("archive", rt->conf->archive_dir, rt->conf->archive_max_age, 0);
	pcm_housekeeping_used_marks(rt->conf->quarantine_dir);
}

static gpointer
pcm_housekeeping_main(gpointer data)
{
	(void)data;
	g_mutex_lock(&pcm_housekeeping_lock);
	while (!pcm_housekeeping_stopping) {
		gint64 until = g_get_monotonic_time() + PCM_HOUSEKEEPING_INTERVAL;

		g_mutex_unlock(&pcm_housekeeping_lock);
		pcm_housekeeping_run();
		g_mutex_lock(&pcm_housekeeping_lock);
		while (!pcm_housekeeping_stopping) {
			if (!g_cond_wait_until(&pcm_housekeeping_cond, &pcm_housekeeping_lock, until))
				break;
		}
	}
	g_mutex_unlock(&pcm_housekeeping_lock);
	return NULL;
}

void
pcm_housekeeping_start(void)
{
	pcm_housekeeping_thread = g_thread_new("housekeeping", pcm_housekeeping_main, NULL);
}

void
pcm_housekeeping_stop(void)
{
	if (pcm_housekeeping_thread == NULL)
		return;
	g_mutex_lock(&pcm_housekeeping_lock);
	pcm_housekeeping_stopping = TRUE;
	g_cond_signal(&pcm_housekeeping_cond);
	g_mutex_unlock(&pcm_housekeeping_lock);
	g_clear_pointer(&pcm_housekeeping_thread, g_thread_join);
}
