/*
 * NAME
 *	stats.c - message counters (stats.h)
 */
#include "config.h"

#include "callbacks.h"
#include "stats.h"

#define PCM_STAT_ACTIONS 5	/* PcAction */

static gint64 pcm_by_action[PCM_STAT_ACTIONS];
static gint64 pcm_by_status[PC_STATUS_COUNT];
static gint64 pcm_ms_total;	/* whole milliseconds */
/* Message time histogram: upper bounds in ms, the last one +Inf. */
static const double pcm_buckets_ms[] = { 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 };
static gint64 pcm_bucket_counts[G_N_ELEMENTS(pcm_buckets_ms) + 1];
static gint64 pcm_reloads[2];	/* failed, worked */

/* Relaxed atomics: each counter on its own; a reader may see one message
 * counted by action and not yet by status, never a torn value. */
#define PCM_ADD(var, n) __atomic_fetch_add(&(var), (n), __ATOMIC_RELAXED)
#define PCM_GET(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)

void
pcm_stats_message(PcAction action, PcStatus status, double ms)
{
	if ((guint)action < PCM_STAT_ACTIONS)
		PCM_ADD(pcm_by_action[action], 1);
	if ((guint)status < PC_STATUS_COUNT)
		PCM_ADD(pcm_by_status[status], 1);
	PCM_ADD(pcm_ms_total, (gint64)ms);
	for (guint i = 0; i <= G_N_ELEMENTS(pcm_buckets_ms); i++)
		if (i == G_N_ELEMENTS(pcm_buckets_ms) || ms <= pcm_buckets_ms[i]) {
			PCM_ADD(pcm_bucket_counts[i], 1);
			break;
		}
}

void
pcm_stats_reload(gboolean ok)
{
	PCM_ADD(pcm_reloads[ok ? 1 : 0], 1);
}

/* Prometheus' text format (version 0.0.4): HELP and TYPE, then samples. */
static void
pcm_prom_head(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void
pcm_stats_prometheus(GString *out)
{
	gint64 cumulative = 0, count = 0;

	pcm_prom_head(out, "portcullis_messages_total", "counter",
		      "Messages by the action taken.");
	for (guint a = 0; a < PCM_STAT_ACTIONS; a++)
		g_string_append_printf(out, "portcullis_messages_total{action=\"%s\"} %" G_GINT64_FORMAT
				       "\n", pc_action_name((PcAction)a), PCM_GET(pcm_by_action[a]));
	pcm_prom_head(out, "portcullis_message_status_total", "counter",
		      "Messages by the worst status found.");
	for (guint s = 0; s < PC_STATUS_COUNT; s++)
		g_string_append_printf(out, "portcullis_message_status_total{status=\"%s\"} %"
				       G_GINT64_FORMAT "\n", pc_status_name((PcStatus)s),
				       PCM_GET(pcm_by_status[s]));
	pcm_prom_head(out, "portcullis_message_duration_seconds", "histogram",
		      "Time from MAIL FROM to the answer at end of message.");
	for (guint i = 0; i <= G_N_ELEMENTS(pcm_buckets_ms); i++) {
		cumulative += PCM_GET(pcm_bucket_counts[i]);
		if (i < G_N_ELEMENTS(pcm_buckets_ms))
			g_string_append_printf(out, "portcullis_message_duration_seconds_bucket{le=\"%g\"} %"
					       G_GINT64_FORMAT "\n", pcm_buckets_ms[i] / 1000,
					       cumulative);
		else
			g_string_append_printf(out, "portcullis_message_duration_seconds_bucket{le=\"+Inf\"} %"
					       G_GINT64_FORMAT "\n", cumulative);
	}
	count = cumulative;
	g_string_append_printf(out, "portcullis_message_duration_seconds_sum %.3f\n"
			       "portcullis_message_duration_seconds_count %" G_GINT64_FORMAT "\n",
			       PCM_GET(pcm_ms_total) / 1000.0, count);
	pcm_prom_head(out, "portcullis_messages_in_flight", "gauge", "Messages being received or scanned.");
	g_string_append_printf(out, "portcullis_messages_in_flight %u\n", pcm_messages_in_flight());
	pcm_prom_head(out, "portcullis_connections_open", "gauge", "Open MTA connections.");
	g_string_append_printf(out, "portcullis_connections_open %u\n", pcm_connections_open());
	pcm_prom_head(out, "portcullis_reloads_total", "counter", "Reloads by their result.");
	g_string_append_printf(out, "portcullis_reloads_total{result=\"failed\"} %" G_GINT64_FORMAT "\n"
			       "portcullis_reloads_total{result=\"worked\"} %" G_GINT64_FORMAT "\n",
			       PCM_GET(pcm_reloads[0]), PCM_GET(pcm_reloads[1]));
}

static void
pcm_stats_add(GString *out, gboolean json, const char *name, gint64 value)
{
	if (json)
		g_string_append_printf(out, "%s\"%s\":%" G_GINT64_FORMAT,
				       out->len > 1 ? "," : "", name, value);
	else
		g_string_append_printf(out, "%s %" G_GINT64_FORMAT "\n", name, value);
}

char *
pcm_stats_text(gboolean json)
{
	GString *out = g_string_new(json ? "{" : "");
	gint64 total = 0;

	for (guint a = 0; a < PCM_STAT_ACTIONS; a++) {
		g_autofree char *name = g_strdup_printf("messages_%s",
							pc_action_name((PcAction)a));
		gint64 n = PCM_GET(pcm_by_action[a]);

		pcm_stats_add(out, json, name, n);
		total += n;
	}
	for (guint s = 0; s < PC_STATUS_COUNT; s++) {
		g_autofree char *name = g_strdup_printf("status_%s", pc_status_name((PcStatus)s));

		pcm_stats_add(out, json, name, PCM_GET(pcm_by_status[s]));
	}
	pcm_stats_add(out, json, "messages_total", total);
	pcm_stats_add(out, json, "message_milliseconds_total",
		      PCM_GET(pcm_ms_total));
	pcm_stats_add(out, json, "messages_in_flight", pcm_messages_in_flight());
	pcm_stats_add(out, json, "connections_open", pcm_connections_open());
	if (json)
		g_string_append(out, "}\n");
	return g_string_free(out, FALSE);
}
