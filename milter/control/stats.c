/*
 * NAME
 *	stats.c - message counters and time histograms (stats.h)
 */
#include "config.h"

#include <string.h>

#include "callbacks.h"
#include "stats.h"

#define PCM_STAT_ACTIONS 5	/* PcAction */
#define PCM_HIST_MAX 16

/* Cumulative on output, per bucket here: observe is one increment. */
typedef struct {
	gint64 counts[PCM_HIST_MAX + 1];	/* the last one: +Inf */
	gint64 sum_us;
} PcmHistogram;

/* A label's counts under a lock: labels come and go rarely, messages
 * often, but the table is touched once per message and kind at most. */
typedef struct {
	GMutex lock;
	GHashTable *values;	/* label -> gint64[2] */
	const char *const *seeds;	/* labels shown at 0 before their first count */
} PcmLabelled;

/* Upper bounds in seconds: a message takes milliseconds to seconds, a
 * stage from microseconds (the filter) to seconds (DNS, big archives). */
static const double pcm_message_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
					     5, 10 };
static const double pcm_stage_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					   0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
G_STATIC_ASSERT(G_N_ELEMENTS(pcm_stage_bounds) <= PCM_HIST_MAX);

static const char *const pcm_milter_stage_names[] = { "spool", "decision", "actions" };
G_STATIC_ASSERT(G_N_ELEMENTS(pcm_milter_stage_names) == PCM_STAGE_COUNT - PC_STAGE_COUNT);

/* The checks' finding sources, then the milter's own kinds (stats.h). */
static const char *const pcm_error_seeds[] = { "av", "magic", "filter", "auth", "spam", "mime",
					       "engine", "spool", "quarantine", "archive",
					       "notify", "mta", "history", NULL };

static const char *const pcm_autolearn_seeds[] = { "spam", "ham", "skipped", NULL };

static gint64 pcm_by_action[PCM_STAT_ACTIONS];
static gint64 pcm_by_status[PC_STATUS_COUNT];
static PcmHistogram pcm_message_time;
static PcmHistogram pcm_stage_time[PCM_STAGE_COUNT];
static gint64 pcm_reloads[2];	/* failed, worked */
static PcmLabelled pcm_dns_lists;	/* asked, unanswered */
static PcmLabelled pcm_errors = { .seeds = pcm_error_seeds };
static PcmLabelled pcm_autolearned = { .seeds = pcm_autolearn_seeds };

/* Relaxed atomics: each counter on its own; a reader may see one message
 * counted by action and not yet by status, never a torn value. */
#define PCM_ADD(var, n) __atomic_fetch_add(&(var), (n), __ATOMIC_RELAXED)
#define PCM_GET(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)

static const char *
pcm_stage_name(guint stage)
{
	return stage < PC_STAGE_COUNT ? pc_stage_name((PcStage)stage)
				      : pcm_milter_stage_names[stage - PC_STAGE_COUNT];
}

static void
pcm_histogram_observe(PcmHistogram *h, const double *bounds, guint n, gint64 us)
{
	guint i = 0;

	while (i < n && us > bounds[i] * G_USEC_PER_SEC)
		i++;
	PCM_ADD(h->counts[i], 1);
	PCM_ADD(h->sum_us, us);
}

static void
pcm_labelled_seed(PcmLabelled *l)
{
	l->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; l->seeds != NULL && l->seeds[i] != NULL; i++)
		g_hash_table_insert(l->values, g_strdup(l->seeds[i]), g_new0(gint64, 2));
}

static void
pcm_labelled_add(PcmLabelled *l, const char *label, gint64 a, gint64 b)
{
	gint64 *v;

	g_mutex_lock(&l->lock);
	if (l->values == NULL)
		pcm_labelled_seed(l);
	v = g_hash_table_lookup(l->values, label);
	if (v == NULL && g_hash_table_size(l->values) >= PCM_STATS_LABELS_MAX)
		v = g_hash_table_lookup(l->values, label = "other");
	if (v == NULL) {
		v = g_new0(gint64, 2);
		g_hash_table_insert(l->values, g_strdup(label), v);
	}
	v[0] += a;
	v[1] += b;
	g_mutex_unlock(&l->lock);
}

static gint
pcm_label_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* label, value pairs sorted by label: the page reads the same each time. */
static GPtrArray *
pcm_labelled_snapshot(PcmLabelled *l, guint which, GArray *values)
{
	GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter it;
	gpointer key, value;

	g_mutex_lock(&l->lock);
	if (l->values == NULL)
		pcm_labelled_seed(l);
	g_hash_table_iter_init(&it, l->values);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_ptr_array_add(labels, g_strdup(key));
	g_ptr_array_sort(labels, pcm_label_cmp);
	for (guint i = 0; i < labels->len; i++) {
		value = g_hash_table_lookup(l->values, g_ptr_array_index(labels, i));
		g_array_append_val(values, ((gint64 *)value)[which]);
	}
	g_mutex_unlock(&l->lock);
	return labels;
}

void
pcm_stats_message(const PcmStatsMessage *m)
{
	const PcVerdict *v = m->verdict;

	if ((guint)m->action < PCM_STAT_ACTIONS)
		PCM_ADD(pcm_by_action[m->action], 1);
	if ((guint)m->status < PC_STATUS_COUNT)
		PCM_ADD(pcm_by_status[m->status], 1);
	pcm_histogram_observe(&pcm_message_time, pcm_message_bounds,
			      G_N_ELEMENTS(pcm_message_bounds), (gint64)(m->ms * 1000));
	for (guint s = 0; s < PCM_STAGE_COUNT; s++)
		pcm_histogram_observe(&pcm_stage_time[s], pcm_stage_bounds,
				      G_N_ELEMENTS(pcm_stage_bounds), m->stage_us[s]);
	for (guint i = 0; v != NULL && i < v->findings->len; i++) {
		const PcFinding *f = g_ptr_array_index(v->findings, i);

		if (f->status == PC_STATUS_ERROR)
			pcm_labelled_add(&pcm_errors, f->source, 1, 0);
	}
	for (guint i = 0; v != NULL && v->dns_lists != NULL && i < v->dns_lists->len; i++) {
		const PcDnsListUse *u = &g_array_index(v->dns_lists, PcDnsListUse, i);

		pcm_labelled_add(&pcm_dns_lists, u->zone, u->asked, u->unanswered);
	}
}

void
pcm_stats_error(const char *kind)
{
	pcm_labelled_add(&pcm_errors, kind, 1, 0);
}

void
pcm_stats_autolearn(const char *result)
{
	pcm_labelled_add(&pcm_autolearned, result, 1, 0);
}

void
pcm_stats_reload(gboolean ok)
{
	PCM_ADD(pcm_reloads[ok ? 1 : 0], 1);
}

/* Prometheus' text format (version 0.0.4): HELP and TYPE, then samples. */
void
pcm_stats_head(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value as the text format wants it: \, " and newline escaped. */
static void
pcm_prom_label(GString *out, const char *value)
{
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			g_string_append_c(out, '\\');
		if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
}

/* One histogram's samples; labels is "" or `stage="av",` (with comma). */
static void
pcm_histogram_write(GString *out, const char *name, const char *labels, const PcmHistogram *h,
		    const double *bounds, guint n)
{
	gint64 cumulative = 0;

	for (guint i = 0; i <= n; i++) {
		cumulative += PCM_GET(h->counts[i]);
		if (i < n)
			g_string_append_printf(out, "%s_bucket{%sle=\"%g\"} %" G_GINT64_FORMAT "\n",
					       name, labels, bounds[i], cumulative);
		else
			g_string_append_printf(out, "%s_bucket{%sle=\"+Inf\"} %" G_GINT64_FORMAT "\n",
					       name, labels, cumulative);
	}
	if (*labels != '\0') {
		g_autofree char *bare = g_strndup(labels, strlen(labels) - 1);

		g_string_append_printf(out, "%s_sum{%s} %.6f\n%s_count{%s} %" G_GINT64_FORMAT "\n",
				       name, bare, PCM_GET(h->sum_us) / 1e6, name, bare, cumulative);
	} else {
		g_string_append_printf(out, "%s_sum %.6f\n%s_count %" G_GINT64_FORMAT "\n", name,
				       PCM_GET(h->sum_us) / 1e6, name, cumulative);
	}
}

static void
pcm_labelled_write(GString *out, PcmLabelled *l, guint which, const char *name,
		   const char *label)
{
	g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GPtrArray) labels = pcm_labelled_snapshot(l, which, values);

	for (guint i = 0; i < labels->len; i++) {
		g_string_append_printf(out, "%s{%s=\"", name, label);
		pcm_prom_label(out, g_ptr_array_index(labels, i));
		g_string_append_printf(out, "\"} %" G_GINT64_FORMAT "\n",
				       g_array_index(values, gint64, i));
	}
}

static void
pcm_labelled_counter(GString *out, PcmLabelled *l, guint which, const char *name,
		     const char *label, const char *help)
{
	pcm_stats_head(out, name, "counter", help);
	pcm_labelled_write(out, l, which, name, label);
}

static void
pcm_stats_prometheus_messages(GString *out)
{
	pcm_stats_head(out, "portcullis_messages_total", "counter", "Messages by the action taken.");
	for (guint a = 0; a < PCM_STAT_ACTIONS; a++)
		g_string_append_printf(out, "portcullis_messages_total{action=\"%s\"} %" G_GINT64_FORMAT
				       "\n", pc_action_name((PcAction)a), PCM_GET(pcm_by_action[a]));
	pcm_stats_head(out, "portcullis_message_status_total", "counter",
		       "Messages by the worst status found.");
	for (guint s = 0; s < PC_STATUS_COUNT; s++)
		g_string_append_printf(out, "portcullis_message_status_total{status=\"%s\"} %"
				       G_GINT64_FORMAT "\n", pc_status_name((PcStatus)s),
				       PCM_GET(pcm_by_status[s]));
	pcm_stats_head(out, "portcullis_message_duration_seconds", "histogram",
		       "Time from MAIL FROM to the answer at end of message.");
	pcm_histogram_write(out, "portcullis_message_duration_seconds", "", &pcm_message_time,
			    pcm_message_bounds, G_N_ELEMENTS(pcm_message_bounds));
	pcm_stats_head(out, "portcullis_stage_duration_seconds", "histogram",
		       "Time of each message in each stage (dns_wait is part of auth and spam).");
	for (guint s = 0; s < PCM_STAGE_COUNT; s++) {
		g_autofree char *labels = g_strdup_printf("stage=\"%s\",", pcm_stage_name(s));

		pcm_histogram_write(out, "portcullis_stage_duration_seconds", labels,
				    &pcm_stage_time[s], pcm_stage_bounds,
				    G_N_ELEMENTS(pcm_stage_bounds));
	}
}

void
pcm_stats_prometheus(GString *out)
{
	pcm_stats_prometheus_messages(out);
	pcm_stats_head(out, "portcullis_messages_in_flight", "gauge", "Messages being received or scanned.");
	g_string_append_printf(out, "portcullis_messages_in_flight %u\n", pcm_messages_in_flight());
	pcm_stats_head(out, "portcullis_connections_open", "gauge", "Open MTA connections.");
	g_string_append_printf(out, "portcullis_connections_open %u\n", pcm_connections_open());
	pcm_stats_head(out, "portcullis_reloads_total", "counter", "Reloads by their result.");
	g_string_append_printf(out, "portcullis_reloads_total{result=\"failed\"} %" G_GINT64_FORMAT "\n"
			       "portcullis_reloads_total{result=\"worked\"} %" G_GINT64_FORMAT "\n",
			       PCM_GET(pcm_reloads[0]), PCM_GET(pcm_reloads[1]));
	pcm_labelled_counter(out, &pcm_errors, 0, "portcullis_errors_total", "kind",
			     "Failures by kind: a check (av, spam...) or the milter's own (spool, quarantine...).");
	pcm_labelled_counter(out, &pcm_dns_lists, 0, "portcullis_dns_list_queries_total", "list",
			     "DNS list queries by list zone, cached answers included.");
	pcm_labelled_counter(out, &pcm_dns_lists, 1, "portcullis_dns_list_timeouts_total", "list",
			     "DNS list queries with no answer within dns_budget_ms, by list zone.");
	pcm_labelled_counter(out, &pcm_autolearned, 0, "portcullis_autolearn_total", "result",
			     "Messages given to the Bayes store by autolearn, by class (skipped: writer behind).");
}

static void
pcm_stats_add(GString *out, gboolean json, const char *name, gint64 value)
{
	if (json) {
		g_autofree char *key = g_strescape(name, NULL);

		g_string_append_printf(out, "%s\"%s\":%" G_GINT64_FORMAT,
				       out->len > 1 ? "," : "", key, value);
	} else {
		g_string_append_printf(out, "%s %" G_GINT64_FORMAT "\n", name, value);
	}
}

static void
pcm_stats_add_labelled(GString *out, gboolean json, PcmLabelled *l, guint which,
		       const char *prefix)
{
	g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GPtrArray) labels = pcm_labelled_snapshot(l, which, values);

	for (guint i = 0; i < labels->len; i++) {
		g_autofree char *name = g_strconcat(prefix, g_ptr_array_index(labels, i), NULL);

		pcm_stats_add(out, json, name, g_array_index(values, gint64, i));
	}
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
		      PCM_GET(pcm_message_time.sum_us) / 1000);
	for (guint s = 0; s < PCM_STAGE_COUNT; s++) {
		g_autofree char *name = g_strdup_printf("stage_%s_milliseconds_total",
							pcm_stage_name(s));

		pcm_stats_add(out, json, name, PCM_GET(pcm_stage_time[s].sum_us) / 1000);
	}
	pcm_stats_add(out, json, "messages_in_flight", pcm_messages_in_flight());
	pcm_stats_add(out, json, "connections_open", pcm_connections_open());
	pcm_stats_add_labelled(out, json, &pcm_errors, 0, "errors_");
	pcm_stats_add_labelled(out, json, &pcm_dns_lists, 0, "dns_queries_");
	pcm_stats_add_labelled(out, json, &pcm_dns_lists, 1, "dns_timeouts_");
	pcm_stats_add_labelled(out, json, &pcm_autolearned, 0, "autolearn_");
	if (json)
		g_string_append(out, "}\n");
	return g_string_free(out, FALSE);
}
