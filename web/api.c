/*
 * NAME
 *	api.c - the web console's JSON API (api.h): sessions and routing
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "api-private.h"

void
pcw_ok(PcwResponse *out, JsonBuilder *b)
{
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autoptr(JsonGenerator) gen = json_generator_new();

	json_generator_set_root(gen, root);
	out->status = 200;
	out->body = json_generator_to_data(gen, NULL);
}

void
pcw_error(PcwResponse *out, guint status, const char *message)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	pcw_member(b, "error", message);
	json_builder_end_object(b);
	pcw_ok(out, b);
	out->status = status;
}

void
pcw_member(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, value ? value : "");
}

void
pcw_member_int(JsonBuilder *b, const char *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

void
pcw_member_strv(JsonBuilder *b, const char *name, char **values)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; values != NULL && values[i] != NULL; i++)
		json_builder_add_string_value(b, values[i]);
	json_builder_end_array(b);
}

const char *
pcw_query(const PcwRequest *req, const char *name)
{
	return req->query ? g_hash_table_lookup(req->query, name) : NULL;
}

gint64
pcw_query_int(const PcwRequest *req, const char *name, gint64 fallback, gint64 min, gint64 max)
{
	const char *text = pcw_query(req, name);

	if (text == NULL || *text == '\0')
		return fallback;
	return CLAMP(g_ascii_strtoll(text, NULL, 10), min, max);
}

JsonObject *
pcw_body(const PcwRequest *req, JsonParser **parser, PcwResponse *out)
{
	g_autoptr(GError) error = NULL;
	JsonNode *root;

	if (req->content_type == NULL ||
	    !g_str_has_prefix(req->content_type, "application/json")) {
		pcw_error(out, 415, "the body must be JSON (Content-Type: application/json)");
		return NULL;
	}
	*parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(*parser, req->body ? req->body : "", -1, &error) ||
	    (root = json_parser_get_root(*parser)) == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_clear_object(parser);
		pcw_error(out, 400, "the body is not a JSON object");
		return NULL;
	}
	return json_node_get_object(root);
}

const char *
pcw_body_string(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
		       ? json_node_get_string(n) : NULL;
}

gboolean
pcw_body_strv(JsonObject *o, const char *name, guint max, char ***out)
{
	JsonNode *n = json_object_get_member(o, name);
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	JsonArray *a;

	*out = NULL;
	if (n == NULL)
		return TRUE;
	if (!JSON_NODE_HOLDS_ARRAY(n) || json_array_get_length(a = json_node_get_array(n)) > max)
		return FALSE;
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *item = json_array_get_element(a, i);

		if (!JSON_NODE_HOLDS_VALUE(item) || json_node_get_value_type(item) != G_TYPE_STRING)
			return FALSE;
		g_strv_builder_add(b, json_node_get_string(item));
	}
	*out = g_strv_builder_end(b);
	return TRUE;
}

gboolean
pcw_visible(const PcwUser *user, const char *sender, char **recipients)
{
	if (pcw_user_sees(user, sender))
		return TRUE;
	for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
		if (pcw_user_sees(user, recipients[i]))
			return TRUE;
	return FALSE;
}

static void
pcw_user_object(PcwResponse *out, const PcwUser *user, const char *csrf)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	pcw_member(b, "user", user->name);
	pcw_member(b, "role", user->role == PCW_ROLE_ADMIN ? "admin" : "domain");
	pcw_member_strv(b, "domains", user->domains);
	pcw_member(b, "csrf", csrf);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

/* What tells a changed users file: portcullisctl web-user writes a new
 * file and renames it over the old one. */
static char *
pcw_users_stamp(const char *path)
{
	GStatBuf st;

	if (g_stat(path, &st) != 0)
		return g_strdup("none");
	return g_strdup_printf("%lu:%ld:%ld.%09ld", (unsigned long)st.st_ino, (long)st.st_size,
			       (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static PcwAccounts *
pcw_users_read(const char *path, GError **error)
{
	g_autoptr(GError) local = NULL;
	PcwAccounts *a = pcw_accounts_load(path, &local);

	if (a == NULL && g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
		return pcw_accounts_new();
	if (a == NULL)
		g_propagate_error(error, g_steal_pointer(&local));
	return a;
}

gboolean
pcw_api_init(PcwApi *api, const PcmConfig *conf, PcwSessions *sessions, gboolean tls,
	     GError **error)
{
	memset(api, 0, sizeof(*api));
	g_mutex_init(&api->lock);
	api->conf = conf;
	api->sessions = sessions;
	api->tls = tls;
	api->users_stamp = pcw_users_stamp(conf->web_users_file);
	api->accounts = pcw_users_read(conf->web_users_file, error);
	return api->accounts != NULL;
}

void
pcw_api_clear(PcwApi *api)
{
	g_clear_pointer(&api->accounts, pcw_accounts_free);
	g_clear_pointer(&api->users_stamp, g_free);
	g_clear_pointer(&api->link_key, g_bytes_unref);
	g_mutex_clear(&api->lock);
}

/* The accounts as the users file has them now, so that portcullisctl
 * web-user takes effect at once (a deleted user's sessions end); a file
 * that turned bad leaves the last good set, and says so once. */
static PcwAccounts *
pcw_api_accounts(PcwApi *api)
{
	g_autofree char *stamp = pcw_users_stamp(api->conf->web_users_file);
	PcwAccounts *a;

	g_mutex_lock(&api->lock);
	if (strcmp(stamp, api->users_stamp) != 0) {
		g_autoptr(GError) error = NULL;
		PcwAccounts *fresh = pcw_users_read(api->conf->web_users_file, &error);

		if (fresh != NULL) {
			pcw_accounts_free(api->accounts);
			api->accounts = fresh;
		} else {
			g_warning("%s; keeping the accounts read before", error->message);
		}
		g_free(api->users_stamp);
		api->users_stamp = g_steal_pointer(&stamp);
	}
	a = pcw_accounts_ref(api->accounts);
	g_mutex_unlock(&api->lock);
	return a;
}

static void
pcw_api_login(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	g_autoptr(GHashTable) form = g_uri_parse_params(req->body ? req->body : "", -1, "&",
							G_URI_PARAMS_WWW_FORM, NULL);
	const char *name = form ? g_hash_table_lookup(form, "name") : NULL;
	const char *password = form ? g_hash_table_lookup(form, "password") : NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *csrf = NULL;
	g_autofree char *token = NULL;
	g_autoptr(PcwAccounts) accounts = NULL;

	if (name == NULL || password == NULL) {
		pcw_error(out, 400, "name and password, form-encoded");
		return;
	}
	accounts = pcw_api_accounts(api);
	token = pcw_login(api->sessions, accounts, name, password, req->client, now, &csrf,
			  &error);
	if (token == NULL) {
		pcw_error(out, 401, error->message);
		return;
	}
	pcw_user_object(out, pcw_accounts_find(accounts, name), csrf);
	out->set_cookie = g_strdup_printf(PCW_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
					  token, api->tls || req->https ? "; Secure" : "");
}

static gboolean
pcw_is(const PcwRequest *req, const char *path)
{
	return strcmp(req->path, path) == 0 || (g_str_has_prefix(req->path, path) &&
						 req->path[strlen(path)] == '/');
}

/* The session's routes: user is logged in, and a POST carried its CSRF token. */
static void
pcw_api_route(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	      PcwResponse *out)
{
	gboolean post = strcmp(req->method, "POST") == 0;

	if (post && strcmp(req->path, "/api/logout") == 0) {
		pcw_logout(api->sessions, req->session);
		out->set_cookie = g_strdup(PCW_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
		out->status = 200;
		out->body = g_strdup("{\"logged_out\":true}");
	} else if (!post && strcmp(req->path, "/api/me") == 0) {
		g_autofree char *csrf = pcw_session_csrf(api->sessions, req->session, now);

		pcw_user_object(out, user, csrf);
	} else if (!post && pcw_is(req, "/api/history")) {
		pcw_trace(api, user, req, out);
	} else if (!post && strcmp(req->path, "/api/stats") == 0) {
		pcw_stats(api, user, req, now, out);
	} else if (pcw_is(req, "/api/quarantine")) {
		pcw_quarantine(api, user, req, now, out);
	} else if (strcmp(req->path, "/api/lists") == 0) {
		pcw_lists(api, user, req, now, out);
	} else if (!post && strcmp(req->path, "/api/audit") == 0) {
		pcw_audit_list(api, user, req, out);
	} else {
		pcw_error(out, 404, "no such API");
	}
}

void
pcw_api_handle(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	gboolean post = strcmp(req->method, "POST") == 0;
	g_autofree char *name = NULL;
	g_autoptr(PcwAccounts) accounts = NULL;
	const PcwUser *user;

	memset(out, 0, sizeof(*out));
	if (!post && strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		pcw_error(out, 405, "GET or POST");
		return;
	}
	if (post && strcmp(req->path, "/api/login") == 0) {
		pcw_api_login(api, req, now, out);
		return;
	}
	/* a recipient's link is its own permission: no session */
	if (pcw_is(req, "/api/link")) {
		pcw_link(api, req, now, out);
		return;
	}
	name = pcw_session_user(api->sessions, req->session, now);
	accounts = pcw_api_accounts(api);
	user = name ? pcw_accounts_find(accounts, name) : NULL;
	if (user == NULL) {
		pcw_error(out, 401, "log in first");
		return;
	}
	if (post && !pcw_session_csrf_ok(api->sessions, req->session, req->csrf)) {
		pcw_error(out, 403, "missing or wrong X-CSRF-Token");
		return;
	}
	pcw_api_route(api, user, req, now, out);
}

void
pcw_response_clear(PcwResponse *r)
{
	g_clear_pointer(&r->body, g_free);
	g_clear_pointer(&r->data, g_bytes_unref);
	g_clear_pointer(&r->disposition, g_free);
	g_clear_pointer(&r->set_cookie, g_free);
}
