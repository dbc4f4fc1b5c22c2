/*
 * NAME
 *	history.c - queue and write the message trace (history.h)
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <syslog.h>

#include "history.h"
#include "trace.h"
#include "log.h"
#include "stats.h"
#include "writer.h"

#define PCM_HISTORY_BACKLOG 10000	/* entries queued at most */
#define PCM_HISTORY_BATCH 500
#define PCM_HISTORY_PURGE_EVERY 1000	/* entries between purges */

typedef struct {
	PcmWriterJob head;	/* the store: [history] dir */
	PchEntry *entry;
	guint max_entries, max_age;
} PcmHistoryJob;

static void
pcm_history_job_free(gpointer data)
{
	PcmHistoryJob *job = data;

	pch_entry_free(job->entry);
	g_free(job->head.dir);
	g_free(job);
}

/* Writes a batch in one transaction and purges every so often; the store
 * is made when missing and closed after a failure, to be opened again. */
static void
pcm_history_write(gpointer *store, const char *dir, GPtrArray *batch)
{
	static guint since_purge = PCM_HISTORY_PURGE_EVERY;	/* writer thread only */
	static PcmLogLimit failed;
	const PcmHistoryJob *last = g_ptr_array_index(batch, batch->len - 1);
	g_autoptr(GPtrArray) entries = g_ptr_array_new();
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < batch->len; i++)
		g_ptr_array_add(entries, ((PcmHistoryJob *)g_ptr_array_index(batch, i))->entry);
	if (*store == NULL) {
		g_mkdir_with_parents(dir, 0700);
		*store = pch_open(dir, &error);
	}
	if (*store == NULL || !pch_add(*store, (PchEntry *const *)entries->pdata, entries->len,
				       &error)) {
		pcm_log_limited(&failed, 300, LOG_ERR, "history: %s", error->message);
		pcm_stats_error("history");
		g_clear_pointer(store, pch_close);
		return;
	}
	since_purge += batch->len;
	if (since_purge >= PCM_HISTORY_PURGE_EVERY) {
		since_purge = 0;
		if (!pch_purge(*store, last->max_entries, last->max_age, NULL, &error))
			pcm_log_limited(&failed, 300, LOG_ERR, "history: %s", error->message);
	}
}

static void
pcm_history_close(gpointer store)
{
	pch_close(store);
}

static const PcmWriterOps pcm_history_ops = {
	"history", PCM_HISTORY_BATCH, pcm_history_write, pcm_history_close, pcm_history_job_free,
};
static PcmWriter pcm_history_writer = PCM_WRITER_INIT(&pcm_history_ops);

static char *
pcm_history_reply(const PcDecision *d)
{
	if (d->rcode == NULL)
		return g_strdup("");
	return g_strdup_printf("%s %s %s", d->rcode, d->xcode ? d->xcode : "",
			       d->reply ? d->reply : "");
}

/* Names of what the checks but spam found, at most PCM_HISTORY_NAMES: what
 * the statistics' top detections count. */
#define PCM_HISTORY_NAMES 16
static char *
pcm_history_detections(const PcVerdict *v)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	guint n = 0;

	for (guint i = 0; i < v->findings->len && n < PCM_HISTORY_NAMES; i++) {
		const PcFinding *f = g_ptr_array_index(v->findings, i);

		if (strcmp(f->source, "spam") == 0 || f->status == PC_STATUS_CLEAN)
			continue;
		for (guint k = 0; f->names != NULL && k < f->names->len && n < PCM_HISTORY_NAMES;
		     k++) {
			const char *name = g_ptr_array_index(f->names, k);

			/* a part's finding and the message's may name the same */
			if (g_hash_table_add(seen, (gpointer)name))
				g_string_append_printf(out, "%s%s", n++ ? "," : "", name);
		}
	}
	return g_strdup(out->str);
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
					       : pc_status_name(pcm_outcome_status(outcome)));
	e->action = g_strdup(pc_action_name(d->action));
	e->reply = pcm_history_reply(d);
	e->reason = g_strdup(d->action != PC_ACT_ACCEPT && d->reason ? d->reason : "");
	e->quarantine_id = g_strdup(quarantine_id);
	/* with the lists', as the log line and X-Spam-Status have them */
	e->spam_score = d->spam_score;
	e->spam_tests = pc_decision_spam_tests(d, outcome->verdict);
	e->detail = g_strdup(detail);
	e->ms = (g_get_monotonic_time() - msg->start_us) / 1000.0;
	e->detections = pcm_history_detections(outcome->verdict);
	return e;
}

void
pcm_history_record(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
		   const char *quarantine_id, const char *detail)
{
	static PcmLogLimit behind;
	const PcmConfig *conf = msg->rt->conf;
	PcmHistoryJob *job;

	if (*conf->history_dir == '\0')
		return;
	if (pcm_writer_queued(&pcm_history_writer) >= PCM_HISTORY_BACKLOG) {
		pcm_log_limited(&behind, 300, LOG_WARNING, "history: the writer is behind (%u "
				"entries queued); messages are left out of the history until it "
				"catches up", PCM_HISTORY_BACKLOG);
		pcm_stats_error("history");
		return;
	}
	job = g_new0(PcmHistoryJob, 1);
	job->entry = pcm_history_entry(conn, msg, outcome, quarantine_id, detail);
	job->head.dir = g_strdup(conf->history_dir);
	job->max_entries = conf->history_max_entries;
	job->max_age = conf->history_max_age;
	pcm_writer_push(&pcm_history_writer, job);
}

void
pcm_history_shutdown(void)
{
	pcm_writer_stop(&pcm_history_writer);
}
