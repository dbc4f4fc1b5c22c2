/*
 * NAME
 *	api_lists.c - /api/lists (the sender allow and block lists) and
 *	/api/audit: the whole gateway's, administrators only
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "api-private.h"
#include "audit.h"
#include "client.h"
#include "masks.h"

/* At most this many masks a list: it is read at every reload. */
#define PCW_LIST_MAX 100000

/* One editor at a time: read, change, write back. */
static GMutex pcw_lists_lock;

static const char *
pcw_list_path(const PcmConfig *conf, const char *list)
{
	if (g_strcmp0(list, "allow") == 0)
		return conf->allow_senders_file;
	if (g_strcmp0(list, "block") == 0)
		return conf->block_senders_file;
	return NULL;
}

/* The masks of a list file, in file order (a missing file: none). */
static GPtrArray *
pcw_list_read(const char *path, GError **error)
{
	GPtrArray *masks = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL;
	g_autoptr(GError) local = NULL;
	g_auto(GStrv) lines = NULL;

	if (*path == '\0' || !g_file_get_contents(path, &text, NULL, &local)) {
		if (local != NULL && !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_propagate_error(error, g_steal_pointer(&local));
			g_ptr_array_unref(masks);
			return NULL;
		}
		return masks;
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		char *hash = strchr(lines[i], '#');

		if (hash != NULL)
			*hash = '\0';
		if (*g_strstrip(lines[i]) != '\0')
			g_ptr_array_add(masks, g_strdup(lines[i]));
	}
	return masks;
}

static gboolean
pcw_list_write(const char *path, GPtrArray *masks, GError **error)
{
	g_autoptr(GString) text = g_string_new("# Kept by the web console (portcullis-web); one "
					       "mask a line.\n");
	g_autofree char *dir = g_path_get_dirname(path);

	for (guint i = 0; i < masks->len; i++)
		g_string_append_printf(text, "%s\n", (const char *)g_ptr_array_index(masks, i));
	if (g_mkdir_with_parents(dir, 0750) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	return g_file_set_contents_full(path, text->str, (gssize)text->len,
					G_FILE_SET_CONTENTS_CONSISTENT, 0640, error);
}

/* An address, *@domain, a domain or a glob, as masks.h takes them; not
 * re: or file: (a console user does not choose what the daemon reads or
 * how long it matches), nothing the file's syntax would cut ('#'). */
static gboolean
pcw_mask_ok(const char *mask, char **why)
{
	g_autoptr(PcMasks) scratch = pc_masks_new();
	g_autoptr(GError) error = NULL;

	if (*mask == '\0' || strlen(mask) > 320 || strchr(mask, '#') != NULL ||
	    g_str_has_prefix(mask, "re:") || g_str_has_prefix(mask, "file:") ||
	    !g_utf8_validate(mask, -1, NULL)) {
		*why = g_strdup("an address, *@domain, a domain or a glob, at most 320 characters, "
				"without '#'");
		return FALSE;
	}
	if (!pc_masks_add(scratch, mask, &error)) {
		*why = g_strdup(error->message);
		return FALSE;
	}
	return TRUE;
}

static guint
pcw_list_find(GPtrArray *masks, const char *mask)
{
	for (guint i = 0; i < masks->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(masks, i), mask) == 0)
			return i;
	return G_MAXUINT;
}

/* Adds or removes mask; FALSE with a reason for the person (*status). */
static gboolean
pcw_list_change(const char *path, const char *op, const char *mask, guint *status, char **why)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) masks = pcw_list_read(path, &error);
	guint at;

	*status = 500;
	if (masks == NULL) {
		*why = g_strdup(error->message);
		return FALSE;
	}
	at = pcw_list_find(masks, mask);
	*status = 409;
	if (strcmp(op, "add") == 0) {
		if (at != G_MAXUINT || masks->len >= PCW_LIST_MAX) {
			*why = g_strdup(at != G_MAXUINT ? "already on the list" : "the list is full");
			return FALSE;
		}
		g_ptr_array_add(masks, g_strdup(mask));
	} else {
		if (at == G_MAXUINT) {
			*why = g_strdup("not on the list");
			return FALSE;
		}
		g_ptr_array_remove_index(masks, at);
	}
	*status = 500;
	if (!pcw_list_write(path, masks, &error)) {
		*why = g_strdup(error->message);
		return FALSE;
	}
	return TRUE;
}

static void
pcw_lists_get(PcwApi *api, PcwResponse *out)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	static const char *const lists[] = { "allow", "block" };

	json_builder_begin_object(b);
	for (guint i = 0; i < G_N_ELEMENTS(lists); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) masks = pcw_list_read(pcw_list_path(api->conf, lists[i]), &error);

		if (masks == NULL) {
			pcw_error(out, 500, error->message);
			return;
		}
		g_ptr_array_add(masks, NULL);
		pcw_member_strv(b, lists[i], (char **)masks->pdata);
	}
	json_builder_end_object(b);
	pcw_ok(out, b);
}

/* The daemon takes the lists at a configuration reload; with its running
 * engine (no signatures loaded again) when nothing else changed. */
static void
pcw_lists_reload(PcwApi *api, JsonBuilder *b)
{
	g_autoptr(GString) answer = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	gboolean ok = pcm_control_ask(api->conf->control_socket, "reload policy", answer, &error);

	json_builder_set_member_name(b, "reloaded");
	json_builder_add_boolean_value(b, ok);
	if (!ok)
		pcw_member(b, "reload_error", error->message);
}

static void
pcw_lists_post(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	       PcwResponse *out)
{
	g_autoptr(JsonParser) parser = NULL;
	JsonObject *o = pcw_body(req, &parser, out);
	const char *list = o ? pcw_body_string(o, "list") : NULL;
	const char *op = o ? pcw_body_string(o, "op") : NULL;
	const char *mask = o ? pcw_body_string(o, "mask") : NULL;
	const char *path = pcw_list_path(api->conf, list);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(PcwAudit) audit = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *why = NULL;
	g_autofree char *what = NULL;
	guint status;

	if (o == NULL)
		return;
	if (path == NULL || *path == '\0' || op == NULL ||
	    (strcmp(op, "add") != 0 && strcmp(op, "remove") != 0) || mask == NULL) {
		pcw_error(out, 400, "list (allow or block, with its file set), op (add or remove) "
			  "and mask");
		return;
	}
	if (strcmp(op, "add") == 0 && !pcw_mask_ok(mask, &why)) {
		pcw_error(out, 400, why);
		return;
	}
	if ((audit = pcw_audit_open(api->conf->web_audit_log, &error)) == NULL) {
		pcw_error(out, 500, error->message);
		return;
	}
	what = g_strdup_printf("%s %s", list, mask);
	g_mutex_lock(&pcw_lists_lock);
	if (!pcw_list_change(path, op, mask, &status, &why)) {
		g_mutex_unlock(&pcw_lists_lock);
		pcw_audit_write(audit, now, user->name, op[0] == 'a' ? "list add" : "list remove",
				what, why);
		pcw_error(out, status, why);
		return;
	}
	g_mutex_unlock(&pcw_lists_lock);
	pcw_audit_write(audit, now, user->name, op[0] == 'a' ? "list add" : "list remove", what,
			"ok");
	json_builder_begin_object(b);
	pcw_member(b, "list", list);
	pcw_member(b, "op", op);
	pcw_member(b, "mask", mask);
	pcw_lists_reload(api, b);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

void
pcw_lists(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	  PcwResponse *out)
{
	if (user->role != PCW_ROLE_ADMIN)
		pcw_error(out, 403, "the sender lists are the whole gateway's: administrators only");
	else if (strcmp(req->method, "POST") == 0)
		pcw_lists_post(api, user, req, now, out);
	else
		pcw_lists_get(api, out);
}

void
pcw_audit_list(PcwApi *api, const PcwUser *user, const PcwRequest *req, PcwResponse *out)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) lines = NULL;

	if (user->role != PCW_ROLE_ADMIN) {
		pcw_error(out, 403, "the audit log: administrators only");
		return;
	}
	lines = pcw_audit_tail(api->conf->web_audit_log,
			       (guint)pcw_query_int(req, "limit", 100, 1, 1000), &error);
	if (lines == NULL) {
		pcw_error(out, 500, error->message);
		return;
	}
	json_builder_begin_array(b);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(JsonParser) parser = json_parser_new_immutable();
		JsonNode *root;

		/* lines we wrote; anything else in the file is skipped */
		if (json_parser_load_from_data(parser, lines[i], -1, NULL) &&
		    (root = json_parser_get_root(parser)) != NULL && JSON_NODE_HOLDS_OBJECT(root))
			json_builder_add_value(b, json_node_copy(root));
	}
	json_builder_end_array(b);
	pcw_ok(out, b);
}
