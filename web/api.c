/*
 * NAME
 *	api.c - the web console's JSON API (api.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "api.h"
#include "trace.h"

static char *
pcw_json(JsonBuilder *b)
{
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autoptr(JsonGenerator) gen = json_generator_new();

	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

static void
pcw_error(PcwResponse *out, guint status, const char *message)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "error");
	json_builder_add_string_value(b, message);
	json_builder_end_object(b);
	out->status = status;
	out->body = pcw_json(b);
}

static void
pcw_member(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, value ? value : "");
}

static void
pcw_api_login(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	g_autoptr(GHashTable) form = g_uri_parse_params(req->body ? req->body : "", -1, "&",
							G_URI_PARAMS_WWW_FORM, NULL);
	const char *name = form ? g_hash_table_lookup(form, "name") : NULL;
	const char *password = form ? g_hash_table_lookup(form, "password") : NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *csrf = NULL;
	g_autofree char *token = NULL;
	const PcwUser *user;

	if (name == NULL || password == NULL) {
		pcw_error(out, 400, "name and password, form-encoded");
		return;
	}
	token = pcw_login(api->sessions, api->accounts, name, password, req->client, now, &csrf,
			  &error);
	if (token == NULL) {
		pcw_error(out, 401, error->message);
		return;
	}
	user = pcw_accounts_find(api->accounts, name);
	out->set_cookie = g_strdup_printf(PCW_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
					  token, api->tls ? "; Secure" : "");
	json_builder_begin_object(b);
	pcw_member(b, "user", user->name);
	pcw_member(b, "role", user->role == PCW_ROLE_ADMIN ? "admin" : "domain");
	pcw_member(b, "csrf", csrf);
	json_builder_end_object(b);
	out->status = 200;
	out->body = pcw_json(b);
}

/* Whether user may see the record: an address of it in their domains. */
static gboolean
pcw_record_visible(const PcwUser *user, const PchEntry *e)
{
	if (pcw_user_sees(user, e->sender))
		return TRUE;
	for (guint i = 0; e->recipients[i] != NULL; i++)
		if (pcw_user_sees(user, e->recipients[i]))
			return TRUE;
	return FALSE;
}

static void
pcw_record(JsonBuilder *b, const PchEntry *e)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_int_value(b, e->id);
	json_builder_set_member_name(b, "time");
	json_builder_add_int_value(b, e->time);
	json_builder_set_member_name(b, "size");
	json_builder_add_int_value(b, (gint64)e->size);
	json_builder_set_member_name(b, "spam_score");
	json_builder_add_double_value(b, e->spam_score);
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
	pcw_member(b, "detail", e->detail);
	json_builder_set_member_name(b, "recipients");
	json_builder_begin_array(b);
	for (guint i = 0; e->recipients[i] != NULL; i++)
		json_builder_add_string_value(b, e->recipients[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
}

typedef struct {
	JsonBuilder *b;
	const PcwUser *user;
} PcwList;

static gboolean
pcw_list_one(const PchEntry *e, gpointer data)
{
	PcwList *list = data;

	if (pcw_record_visible(list->user, e))
		pcw_record(list->b, e);
	return TRUE;
}

static const char *
pcw_query(const PcwRequest *req, const char *name)
{
	return req->query ? g_hash_table_lookup(req->query, name) : NULL;
}

static void
pcw_history_list(PchStore *store, const PcwUser *user, const PcwRequest *req,
		 PcwResponse *out)
{
	const char *limit = pcw_query(req, "limit"), *offset = pcw_query(req, "offset");
	PchFilter f = {
		.sender = pcw_query(req, "sender"), .recipient = pcw_query(req, "rcpt"),
		.queue_id = pcw_query(req, "queue_id"), .client = pcw_query(req, "client"),
		.status = pcw_query(req, "status"), .action = pcw_query(req, "action"),
		.limit = limit ? (guint)MIN(strtoul(limit, NULL, 10), 1000) : 0,
		.offset = offset ? (guint)strtoul(offset, NULL, 10) : 0,
		/* in the query, so that a page has its LIMIT of the user's records */
		.domains = user->role == PCW_ROLE_DOMAIN ? (const char *const *)user->domains : NULL,
	};
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	PcwList list = { b, user };

	json_builder_begin_array(b);
	if (!pch_search(store, &f, pcw_list_one, &list, &error)) {
		pcw_error(out, 500, "the message history cannot be read");
		return;
	}
	json_builder_end_array(b);
	out->status = 200;
	out->body = pcw_json(b);
}

static void
pcw_history_get(PchStore *store, const PcwUser *user, const char *number, PcwResponse *out)
{
	char *end = NULL;
	gint64 id = g_ascii_strtoll(number, &end, 10);
	g_autoptr(GError) error = NULL;
	g_autoptr(PchEntry) e = end && *end == '\0' && id > 0 ? pch_get(store, id, &error) : NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (e == NULL || !pcw_record_visible(user, e)) {
		pcw_error(out, error ? 500 : 404, error ? "the message history cannot be read"
							: "no such record");
		return;
	}
	pcw_record(b, e);
	out->status = 200;
	out->body = pcw_json(b);
}

static void
pcw_history(PcwApi *api, const PcwUser *user, const PcwRequest *req, PcwResponse *out)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PchStore) store = pch_open(api->history_dir, &error);

	if (store == NULL) {
		pcw_error(out, 500, "the message history cannot be read");
		return;
	}
	if (strcmp(req->path, "/api/history") == 0)
		pcw_history_list(store, user, req, out);
	else
		pcw_history_get(store, user, req->path + strlen("/api/history/"), out);
}

void
pcw_api_handle(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	gboolean post = strcmp(req->method, "POST") == 0;
	g_autofree char *name = NULL;
	const PcwUser *user;

	memset(out, 0, sizeof(*out));
	if (post && strcmp(req->path, "/api/login") == 0) {
		pcw_api_login(api, req, now, out);
		return;
	}
	if (!post && strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		pcw_error(out, 405, "GET or POST");
		return;
	}
	name = pcw_session_user(api->sessions, req->session, now);
	user = name ? pcw_accounts_find(api->accounts, name) : NULL;
	if (user == NULL) {
		pcw_error(out, 401, "log in first");
		return;
	}
	if (post && !pcw_session_csrf_ok(api->sessions, req->session, req->csrf)) {
		pcw_error(out, 403, "missing or wrong X-CSRF-Token");
		return;
	}
	if (post && strcmp(req->path, "/api/logout") == 0) {
		pcw_logout(api->sessions, req->session);
		out->set_cookie = g_strdup(PCW_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
		out->status = 200;
		out->body = g_strdup("{\"logged_out\":true}");
	} else if (!post && (strcmp(req->path, "/api/history") == 0 ||
			     g_str_has_prefix(req->path, "/api/history/"))) {
		pcw_history(api, user, req, out);
	} else {
		pcw_error(out, 404, "no such API");
	}
}

void
pcw_response_clear(PcwResponse *r)
{
	g_clear_pointer(&r->body, g_free);
	g_clear_pointer(&r->set_cookie, g_free);
}
