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
