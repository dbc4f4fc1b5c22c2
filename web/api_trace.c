/*
 * NAME
 *	api_trace.c - /api/history (the message trace) and /api/stats
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api-private.h"
#include "client.h"
#include "trace.h"

static void
pcw_record(JsonBuilder *b, const PchEntry *e)
{
	json_builder_begin_object(b);
	pcw_member_int(b, "id", e->id);
	pcw_member_int(b, "time", e->time);
	pcw_member_int(b, "size", (gint64)e->size);
	json_builder_set_member_name(b, "spam_score");
	json_builder_add_double_value(b, e->spam_score);
	json_builder_set_member_name(b, "ms");
	json_builder_add_double_value(b, e->ms);
	pcw_member(b, "queue_id", e->queue_id);
	pcw_member(b, "client", e->client);
	pcw_member(b, "sender", e->sender);
	pcw_member(b, "group", e->group);
	pcw_member(b, "status", e->status);
	pcw_member(b, "action", e->action);
	pcw_member(b, "reply", e->reply);
	pcw_member(b, "reason", e->reason);
	pcw_member(b, "quarantine_id", e->quarantine_id);
	pcw_member(b, "spam_tests", e->spam_tests);
	pcw_member(b, "detections", e->detections);
	pcw_member(b, "detail", e->detail);
	pcw_member_strv(b, "recipients", e->recipients);
	json_builder_end_object(b);
}

static gboolean
pcw_list_one(const PchEntry *e, gpointer data)
{
	pcw_record(data, e);
	return TRUE;
}

/* A domain administrator's domains, for the store's own filter. */
static const char *const *
pcw_domains(const PcwUser *user)
{
	return user->role == PCW_ROLE_DOMAIN ? (const char *const *)user->domains : NULL;
}

static void
pcw_history_list(PchStore *store, const PcwUser *user, const PcwRequest *req,
		 PcwResponse *out)
{
	PchFilter f = {
		.sender = pcw_query(req, "sender"), .recipient = pcw_query(req, "rcpt"),
		.queue_id = pcw_query(req, "queue_id"), .client = pcw_query(req, "client"),
		.status = pcw_query(req, "status"), .action = pcw_query(req, "action"),
		.since = pcw_query_int(req, "since", 0, 0, G_MAXINT64),
		.before = pcw_query_int(req, "before", 0, 0, G_MAXINT64),
		.limit = (guint)pcw_query_int(req, "limit", PCH_DEFAULT_LIMIT, 1, 1000),
		.offset = (guint)pcw_query_int(req, "offset", 0, 0, G_MAXUINT),
		/* in the query, so that a page has its LIMIT of the user's records */
		.domains = pcw_domains(user),
	};
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;

	/* an empty field of the search form is no filter */
	for (const char **p = &f.sender; p <= &f.action; p++)
		if (*p != NULL && **p == '\0')
			*p = NULL;
	json_builder_begin_array(b);
	if (!pch_search(store, &f, pcw_list_one, b, &error)) {
		g_warning("%s", error->message);
		pcw_error(out, 500, "the message history cannot be read");
		return;
	}
	json_builder_end_array(b);
	pcw_ok(out, b);
}

static void
pcw_history_get(PchStore *store, const PcwUser *user, const char *number, PcwResponse *out)
{
	char *end = NULL;
	gint64 id = g_ascii_strtoll(number, &end, 10);
	g_autoptr(GError) error = NULL;
	g_autoptr(PchEntry) e = end && *end == '\0' && id > 0 ? pch_get(store, id, &error) : NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (e == NULL || !pcw_visible(user, e->sender, e->recipients)) {
		pcw_error(out, error ? 500 : 404, error ? "the message history cannot be read"
							: "no such record");
		return;
	}
	pcw_record(b, e);
	pcw_ok(out, b);
}

static PchStore *
pcw_history_open(PcwApi *api, PcwResponse *out)
{
	g_autoptr(GError) error = NULL;
	PchStore *store = NULL;

	if (*api->conf->history_dir == '\0')
		pcw_error(out, 404, "there is no message history ([history] dir is empty)");
	else if ((store = pch_open(api->conf->history_dir, &error)) == NULL)
		pcw_error(out, 500, "the message history cannot be read");
	if (error != NULL)
		g_warning("%s", error->message);
	return store;
}

void
pcw_trace(PcwApi *api, const PcwUser *user, const PcwRequest *req, PcwResponse *out)
{
	g_autoptr(PchStore) store = pcw_history_open(api, out);

	if (store == NULL)
		return;
	if (strcmp(req->path, "/api/history") == 0)
		pcw_history_list(store, user, req, out);
	else
		pcw_history_get(store, user, req->path + strlen("/api/history/"), out);
}

/* Statistics: one pass over the records of the period. */

#define PCW_STATS_BUCKETS 48
#define PCW_STATS_TOP 10
/* Distinct names counted at most: the rest of a flood counts as "other". */
#define PCW_STATS_NAMES 10000

static const char *const pcw_actions[] = { "accept", "reject", "quarantine", "tempfail",
					   "discard", NULL };

typedef struct {
	guint counts[G_N_ELEMENTS(pcw_actions)];	/* last: other */
	GArray *ms;					/* double */
} PcwBucket;

typedef struct {
	gint64 start;
	gint64 width;
	PcwBucket buckets[PCW_STATS_BUCKETS];
	GHashTable *by_status;
	GHashTable *detections;
	GHashTable *senders;
	GHashTable *clients;
} PcwTally;

static void
pcw_count(GHashTable *table, const char *name)
{
	gpointer n;

	if (*name == '\0')
		return;
	if (!g_hash_table_lookup_extended(table, name, NULL, &n) &&
	    g_hash_table_size(table) >= PCW_STATS_NAMES)
		name = "other";
	n = g_hash_table_lookup(table, name);
	g_hash_table_replace(table, g_strdup(name), GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
}

static guint
pcw_action_index(const char *action)
{
	guint i = 0;

	while (pcw_actions[i] != NULL && strcmp(pcw_actions[i], action) != 0)
		i++;
	return i;
}

static gboolean
pcw_tally_one(const PchSummary *row, gpointer data)
{
	PcwTally *t = data;
	gint64 slot = (row->time - t->start) / t->width;
	PcwBucket *bucket;

	if (slot < 0 || slot >= PCW_STATS_BUCKETS)
		return TRUE;
	bucket = &t->buckets[slot];
	bucket->counts[pcw_action_index(row->action)]++;
	g_array_append_val(bucket->ms, row->ms);
	pcw_count(t->by_status, row->status);
	if (strcmp(row->action, "accept") != 0 && strcmp(row->action, "tempfail") != 0) {
		g_auto(GStrv) names = g_strsplit(row->detections, ",", 17);

		for (guint i = 0; names[i] != NULL; i++)
			pcw_count(t->detections, names[i]);
		pcw_count(t->senders, *row->sender ? row->sender : "<>");
		pcw_count(t->clients, row->client);
	}
	return TRUE;
}

static gint
pcw_double_cmp(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile of sorted values; null when there are none (a
 * bucket without mail has no latency, not a latency of 0). */
static void
pcw_member_ms(JsonBuilder *b, const char *name, GArray *values, double p)
{
	json_builder_set_member_name(b, name);
	if (values->len == 0)
		json_builder_add_null_value(b);
	else
		json_builder_add_double_value(b, g_array_index(values, double,
							    (guint)(p * (values->len - 1) + 0.5)));
}

static void
pcw_series(JsonBuilder *b, PcwTally *t)
{
	json_builder_set_member_name(b, "series");
	json_builder_begin_array(b);
	for (guint i = 0; i < PCW_STATS_BUCKETS; i++) {
		PcwBucket *bucket = &t->buckets[i];

		g_array_sort(bucket->ms, pcw_double_cmp);
		json_builder_begin_object(b);
		pcw_member_int(b, "time", t->start + (gint64)i * t->width);
		for (guint a = 0; a < G_N_ELEMENTS(pcw_actions); a++)
			pcw_member_int(b, pcw_actions[a] ? pcw_actions[a] : "other",
				       bucket->counts[a]);
		pcw_member_ms(b, "ms_p50", bucket->ms, 0.5);
		pcw_member_ms(b, "ms_p95", bucket->ms, 0.95);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static gint
pcw_by_count(gconstpointer a, gconstpointer b, gpointer table)
{
	guint x = GPOINTER_TO_UINT(g_hash_table_lookup(table, *(const char *const *)a));
	guint y = GPOINTER_TO_UINT(g_hash_table_lookup(table, *(const char *const *)b));

	return x != y ? (x < y) - (x > y) : strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* [{"name", "count"}] of the most counted, at most max. */
static void
pcw_top(JsonBuilder *b, const char *member, GHashTable *table, guint max)
{
	g_autofree gpointer *keys = g_hash_table_get_keys_as_array(table, NULL);
	guint n = g_hash_table_size(table);

	g_qsort_with_data(keys, (gint)n, sizeof(gpointer), pcw_by_count, table);
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (guint i = 0; i < MIN(n, max); i++) {
		json_builder_begin_object(b);
		pcw_member(b, "name", keys[i]);
		pcw_member_int(b, "count", GPOINTER_TO_UINT(g_hash_table_lookup(table, keys[i])));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* The daemon's answer to request, as JSON, into member (null when it
 * cannot be asked: the statistics of the history stand without it). */
static void
pcw_daemon_member(JsonBuilder *b, const char *member, const char *socket, const char *request)
{
	g_autoptr(GString) answer = g_string_new(NULL);
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	JsonNode *root;

	json_builder_set_member_name(b, member);
	if (pcm_control_ask(socket, request, answer, NULL) &&
	    json_parser_load_from_data(parser, answer->str, (gssize)answer->len, NULL) &&
	    (root = json_parser_get_root(parser)) != NULL && JSON_NODE_HOLDS_OBJECT(root))
		json_builder_add_value(b, json_node_copy(root));
	else
		json_builder_add_null_value(b);
}

static void
pcw_tally_clear(PcwTally *t)
{
	for (guint i = 0; i < PCW_STATS_BUCKETS; i++)
		g_array_unref(t->buckets[i].ms);
	g_hash_table_unref(t->by_status);
	g_hash_table_unref(t->detections);
	g_hash_table_unref(t->senders);
	g_hash_table_unref(t->clients);
}

static void
pcw_stats_answer(PcwApi *api, const PcwUser *user, PcwTally *t, gint64 hours, PcwResponse *out)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	GHashTableIter iter;
	gpointer key, value;

	json_builder_begin_object(b);
	pcw_member_int(b, "hours", hours);
	pcw_member_int(b, "bucket", t->width);
	pcw_series(b, t);
	json_builder_set_member_name(b, "by_status");
	json_builder_begin_object(b);
	g_hash_table_iter_init(&iter, t->by_status);
	while (g_hash_table_iter_next(&iter, &key, &value))
		pcw_member_int(b, key, GPOINTER_TO_UINT(value));
	json_builder_end_object(b);
	pcw_top(b, "top_detections", t->detections, PCW_STATS_TOP);
	pcw_top(b, "top_senders", t->senders, PCW_STATS_TOP);
	pcw_top(b, "top_clients", t->clients, PCW_STATS_TOP);
	/* the daemon's counters are the whole gateway's: administrators only */
	if (user->role == PCW_ROLE_ADMIN) {
		pcw_daemon_member(b, "daemon", api->conf->control_socket, "stats json");
		pcw_daemon_member(b, "database", api->conf->control_socket, "status json");
	} else {
		json_builder_set_member_name(b, "daemon");
		json_builder_add_null_value(b);
		json_builder_set_member_name(b, "database");
		json_builder_add_null_value(b);
	}
	json_builder_end_object(b);
	pcw_ok(out, b);
}

void
pcw_stats(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	  PcwResponse *out)
{
	gint64 hours = pcw_query_int(req, "hours", 24, 1, 720);
	g_autoptr(PchStore) store = pcw_history_open(api, out);
	g_autoptr(GError) error = NULL;
	PcwTally t = { .width = hours * 3600 / PCW_STATS_BUCKETS };

	if (store == NULL)
		return;
	/* buckets end with the current one */
	t.start = (now / t.width + 1 - PCW_STATS_BUCKETS) * t.width;
	for (guint i = 0; i < PCW_STATS_BUCKETS; i++)
		t.buckets[i].ms = g_array_new(FALSE, FALSE, sizeof(double));
	t.by_status = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t.detections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t.senders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t.clients = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (pch_summaries(store, t.start, pcw_domains(user), pcw_tally_one, &t, &error)) {
		pcw_stats_answer(api, user, &t, hours, out);
	} else {
		g_warning("%s", error->message);
		pcw_error(out, 500, "the message history cannot be read");
	}
	pcw_tally_clear(&t);
}
