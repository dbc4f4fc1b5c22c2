/*
 * NAME
 *	api_quarantine.c - /api/quarantine: list, detail, preview, download,
 *	release, delete, learn, and the same in bulk
 */
#include "config.h"

#include <string.h>
#include <portcullis/learn.h>

#include "release_entry.h"
#include "api-private.h"
#include "audit.h"
#include "index.h"
#include "preview.h"
#include "store.h"

#define PCW_BULK_MAX 1000

static void
pcw_entry(JsonBuilder *b, const PcqEntry *e)
{
	pcw_member(b, "id", e->id);
	pcw_member_int(b, "received", e->received);
	pcw_member_int(b, "size", (gint64)e->size);
	pcw_member(b, "queue_id", e->queue_id);
	pcw_member(b, "sender", e->sender);
	pcw_member_strv(b, "recipients", e->recipients);
	pcw_member(b, "group", e->group);
	pcw_member(b, "status", e->damaged ? "damaged" : e->status);
	pcw_member(b, "action", e->action);
	pcw_member(b, "reason", e->reason);
	json_builder_set_member_name(b, "released");
	e->released ? json_builder_add_string_value(b, e->released) : json_builder_add_null_value(b);
	json_builder_set_member_name(b, "damage");
	e->damage ? json_builder_add_string_value(b, e->damage) : json_builder_add_null_value(b);
}

typedef struct {
	JsonBuilder *b;
	guint limit;
	guint count;
} PcwPage;

static gboolean
pcw_list_one(const PcqEntry *e, gpointer data)
{
	PcwPage *page = data;

	/* one more than the page was asked for: there is a next page */
	if (++page->count > page->limit)
		return FALSE;
	json_builder_begin_object(page->b);
	pcw_entry(page->b, e);
	json_builder_end_object(page->b);
	return TRUE;
}

static const char *
pcw_nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static void
pcw_quarantine_list(PcwApi *api, const PcwUser *user, const PcwRequest *req, PcwResponse *out)
{
	guint limit = (guint)pcw_query_int(req, "limit", 100, 1, 1000);
	g_autofree char *rcpt = pcw_nonempty(pcw_query(req, "rcpt"))
					? g_ascii_strdown(pcw_query(req, "rcpt"), -1) : NULL;
	PcqFilter f = {
		.since = pcw_query_int(req, "since", 0, 0, G_MAXINT64),
		.before = pcw_query_int(req, "before", 0, 0, G_MAXINT64),
		.status = pcw_nonempty(pcw_query(req, "status")),
		.sender = pcw_nonempty(pcw_query(req, "sender")),
		.recipient = rcpt,
		.domains = user->role == PCW_ROLE_DOMAIN ? (const char *const *)user->domains : NULL,
		.limit = limit + 1,
		.offset = (guint)pcw_query_int(req, "offset", 0, 0, G_MAXUINT),
		.newest_first = TRUE,
	};
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	PcwPage page = { b, limit, 0 };

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "entries");
	json_builder_begin_array(b);
	if (!pcq_index_list(api->conf->quarantine_dir, &f, pcw_list_one, &page, &error)) {
		g_warning("%s", error->message);
		pcw_error(out, 500, "the quarantine cannot be read");
		return;
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "more");
	json_builder_add_boolean_value(b, page.count > limit);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

/* The entry, when it is there and the user's to see; else NULL after a
 * 404 that does not say which. */
static PcqEntry *
pcw_entry_load(PcwApi *api, const PcwUser *user, const char *id, PcwResponse *out)
{
	g_autoptr(GError) error = NULL;
	PcqEntry *e = pcq_valid_id(id) ? pcq_entry_load(api->conf->quarantine_dir, id, &error)
				       : NULL;

	if (e != NULL && pcw_visible(user, e->sender, e->recipients))
		return e;
	pcq_entry_free(e);
	if (error != NULL && !g_error_matches(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND)) {
		g_warning("%s", error->message);
		pcw_error(out, 500, "the quarantine cannot be read");
	} else {
		pcw_error(out, 404, "no such entry");
	}
	return NULL;
}

/* "PATH\tDECLARED\tDETECTED\tSIZE\tSTATUS\tNAME" as objects, depth from the path. */
static void
pcw_objects(JsonBuilder *b, char **objects)
{
	json_builder_set_member_name(b, "objects");
	json_builder_begin_array(b);
	for (guint i = 0; objects != NULL && objects[i] != NULL; i++) {
		guint depth = 0;
		g_auto(GStrv) f = pcq_object_fields(objects[i], &depth);

		if (f == NULL)
			continue;
		json_builder_begin_object(b);
		pcw_member(b, "path", f[0]);
		pcw_member_int(b, "depth", depth);
		pcw_member(b, "declared", f[1]);
		pcw_member(b, "detected", f[2]);
		pcw_member_int(b, "size", g_ascii_strtoll(f[3], NULL, 10));
		pcw_member(b, "status", f[4]);
		pcw_member(b, "name", f[5]);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static PcwPreview *
pcw_entry_preview(PcwApi *api, const PcqEntry *e)
{
	g_autoptr(GMappedFile) map = pcq_map_file(api->conf->quarantine_dir, e->id, ".eml", NULL);

	if (map == NULL)
		return NULL;
	return pcw_preview_new(g_mapped_file_get_contents(map), g_mapped_file_get_length(map),
			       NULL);
}

static void
pcw_quarantine_detail(PcwApi *api, const PcqEntry *e, PcwResponse *out)
{
	g_autoptr(PcwPreview) p = pcw_entry_preview(api, e);
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	pcw_entry(b, e);
	pcw_member(b, "client_address", e->client_address);
	pcw_member(b, "client_name", e->client_name);
	pcw_member(b, "helo", e->helo);
	pcw_member(b, "subject", p ? p->subject : "");
	pcw_member_strv(b, "findings", e->findings);
	pcw_objects(b, e->objects);
	json_builder_set_member_name(b, "headers");
	json_builder_begin_array(b);
	for (guint i = 0; p != NULL && p->names[i] != NULL; i++) {
		json_builder_begin_object(b);
		pcw_member(b, "name", p->names[i]);
		pcw_member(b, "value", p->values[i]);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

static void
pcw_quarantine_preview(PcwApi *api, const PcqEntry *e, PcwResponse *out)
{
	g_autoptr(PcwPreview) p = pcw_entry_preview(api, e);
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (p == NULL) {
		pcw_error(out, 422, "the stored message cannot be read as a message");
		return;
	}
	json_builder_begin_object(b);
	pcw_member(b, "text", p->text);
	pcw_member(b, "part", p->part);
	json_builder_set_member_name(b, "truncated");
	json_builder_add_boolean_value(b, p->truncated);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

static void
pcw_quarantine_download(PcwApi *api, const PcqEntry *e, PcwResponse *out)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GMappedFile) map = pcq_map_file(api->conf->quarantine_dir, e->id, ".eml",
						  &error);

	if (map == NULL) {
		g_warning("%s", error->message);
		pcw_error(out, 500, "the stored message cannot be read");
		return;
	}
	out->status = 200;
	out->data = g_mapped_file_get_bytes(map);
	/* ids are [0-9A-Za-z-] (pcq_valid_id and the store's own): safe in the header */
	out->disposition = g_strdup_printf("attachment; filename=\"%s.eml\"", e->id);
}

/* The recipients user may release e to: those asked for (a domain
 * administrator: only original recipients in their domains), by default
 * all of them the user sees.  NULL with a reason when none. */
static char **
pcw_release_to(const PcwUser *user, const PcqEntry *e, char **asked, char **why)
{
	g_autoptr(GStrvBuilder) to = g_strv_builder_new();
	char **list = asked ? asked : e->recipients;
	g_auto(GStrv) out = NULL;

	for (guint i = 0; list != NULL && list[i] != NULL; i++) {
		gboolean original = FALSE;

		for (guint k = 0; e->recipients[k] != NULL && !original; k++)
			original = g_ascii_strcasecmp(e->recipients[k], list[i]) == 0;
		if (user->role == PCW_ROLE_ADMIN || (original && pcw_user_sees(user, list[i])))
			g_strv_builder_add(to, list[i]);
		else if (asked != NULL) {
			*why = g_strdup("you may release only to its recipients in your domains");
			return NULL;
		}
	}
	out = g_strv_builder_end(to);
	if (out[0] == NULL) {
		*why = g_strdup("none of its recipients is in your domains");
		return NULL;
	}
	return g_steal_pointer(&out);
}

static gboolean
pcw_release(PcwApi *api, const PcwUser *user, PcqEntry *e, char **asked, gint64 now,
	    char **what, guint *status, char **why)
{
	PcqReleaseTarget target = { api->conf->quarantine_dir, api->conf->release_key_file,
				    api->conf->sendmail_path, api->conf->notify_relay };
	g_auto(GStrv) to = pcw_release_to(user, e, asked, why);
	g_autofree char *list = NULL;
	g_autofree char *warning = NULL;
	g_autoptr(GError) error = NULL;

	if (to == NULL) {
		*status = 403;
		return FALSE;
	}
	list = g_strjoinv(",", to);
	*what = g_strdup_printf("%s to %s", e->id, list);
	if (!pcq_release_entry(&target, e, (const char *const *)to, now, &warning, &error)) {
		*why = g_strdup(error->message);
		return FALSE;
	}
	if (warning != NULL)
		g_warning("%s: %s", e->id, warning);
	return TRUE;
}

static gboolean
pcw_delete(PcwApi *api, const PcwUser *user, const PcqEntry *e, guint *status, char **why)
{
	g_autoptr(GError) error = NULL;

	/* mail for other domains too is not a domain administrator's to remove */
	for (guint i = 0; e->recipients[i] != NULL; i++)
		if (!pcw_user_sees(user, e->recipients[i])) {
			*why = g_strdup("it has recipients outside your domains");
			*status = 403;
			return FALSE;
		}
	if (!pcq_delete(api->conf->quarantine_dir, e->id, &error)) {
		*why = g_strdup(error->message);
		return FALSE;
	}
	return TRUE;
}

/* LMDB allows one open environment per process: one learner at a time. */
static GMutex pcw_learn_lock;

static gboolean
pcw_learn(PcwApi *api, const PcqEntry *e, gboolean spam, char **why)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GMappedFile) map = NULL;
	PcLearner *learner;
	PcLesson *lesson;
	gboolean ok;

	if (*api->conf->bayes_dir == '\0') {
		*why = g_strdup("Bayes is off ([spam] bayes_dir is empty)");
		return FALSE;
	}
	map = pcq_map_file(api->conf->quarantine_dir, e->id, ".eml", &error);
	if (map == NULL) {
		*why = g_strdup(error->message);
		return FALSE;
	}
	lesson = pc_lesson_new((const guint8 *)g_mapped_file_get_contents(map),
			       g_mapped_file_get_length(map), spam, +1);
	g_mutex_lock(&pcw_learn_lock);
	learner = pc_learner_open(api->conf->bayes_dir, &error);
	ok = learner != NULL && pc_learner_learn_lessons(learner, &lesson, 1, &error);
	if (learner != NULL)
		pc_learner_close(learner);
	g_mutex_unlock(&pcw_learn_lock);
	pc_lesson_free(lesson);
	if (!ok)
		*why = g_strdup(error->message);
	return ok;
}

/* One action on one entry, written to the audit log whatever came of it:
 * 200, or 403 (not the user's to do) or 409 (it failed) with *why. */
static guint
pcw_act(PcwApi *api, const PcwUser *user, PcwAudit *audit, PcqEntry *e, const char *action,
	char **to, gint64 now, char **why)
{
	g_autofree char *what = NULL;
	guint status = 409;
	gboolean ok;

	if (strcmp(action, "release") == 0)
		ok = pcw_release(api, user, e, to, now, &what, &status, why);
	else if (strcmp(action, "delete") == 0)
		ok = pcw_delete(api, user, e, &status, why);
	else
		ok = pcw_learn(api, e, strcmp(action, "spam") == 0, why);
	pcw_audit_write(audit, now, user->name, action, what ? what : e->id, ok ? "ok" : *why);
	return ok ? 200 : status;
}

static gboolean
pcw_action_known(const char *action)
{
	static const char *const known[] = { "release", "delete", "spam", "ham", NULL };

	return action != NULL && g_strv_contains(known, action);
}

/* POST /api/quarantine/ID/ACTION */
static void
pcw_quarantine_post(PcwApi *api, const PcwUser *user, const PcwRequest *req, PcqEntry *e,
		    const char *verb, gint64 now, PcwResponse *out)
{
	g_autoptr(JsonParser) parser = NULL;
	JsonObject *o = pcw_body(req, &parser, out);
	gboolean learn = strcmp(verb, "learn") == 0;
	const char *action = learn && o ? pcw_body_string(o, "class") : verb;
	g_autoptr(PcwAudit) audit = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *why = NULL;
	g_auto(GStrv) to = NULL;
	guint status;

	if (o == NULL)
		return;
	if (learn && g_strcmp0(action, "spam") != 0 && g_strcmp0(action, "ham") != 0) {
		pcw_error(out, 400, "learn: class spam or ham");
		return;
	}
	if (!pcw_body_strv(o, "to", 100, &to)) {
		pcw_error(out, 400, "to: an array of at most 100 addresses");
		return;
	}
	if ((audit = pcw_audit_open(api->conf->web_audit_log, &error)) == NULL) {
		pcw_error(out, 500, error->message);
		return;
	}
	if ((status = pcw_act(api, user, audit, e, action, to, now, &why)) != 200) {
		pcw_error(out, status, why);
		return;
	}
	json_builder_begin_object(b);
	pcw_member(b, "id", e->id);
	pcw_member(b, "done", action);
	if (e->released)
		pcw_member(b, "released", e->released);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

static void
pcw_bulk_result(JsonBuilder *b, const char *id, gboolean ok, const char *why)
{
	json_builder_begin_object(b);
	pcw_member(b, "id", id);
	json_builder_set_member_name(b, "ok");
	json_builder_add_boolean_value(b, ok);
	json_builder_set_member_name(b, "error");
	why ? json_builder_add_string_value(b, why) : json_builder_add_null_value(b);
	json_builder_end_object(b);
}

static void
pcw_quarantine_bulk(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
		    PcwResponse *out)
{
	g_autoptr(JsonParser) parser = NULL;
	JsonObject *o = pcw_body(req, &parser, out);
	const char *action = o ? pcw_body_string(o, "action") : NULL;
	g_autoptr(PcwAudit) audit = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) ids = NULL;

	if (o == NULL)
		return;
	if (!pcw_action_known(action) || !pcw_body_strv(o, "ids", PCW_BULK_MAX, &ids) ||
	    ids == NULL) {
		pcw_error(out, 400, "action (release, delete, spam or ham) and ids (at most 1000)");
		return;
	}
	if ((audit = pcw_audit_open(api->conf->web_audit_log, &error)) == NULL) {
		pcw_error(out, 500, error->message);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "results");
	json_builder_begin_array(b);
	for (guint i = 0; ids[i] != NULL; i++) {
		PcwResponse missing = { 0 };
		g_autoptr(PcqEntry) e = pcw_entry_load(api, user, ids[i], &missing);
		g_autofree char *why = NULL;

		if (e == NULL)
			pcw_bulk_result(b, ids[i], FALSE, "no such entry");
		else
			pcw_bulk_result(b, ids[i], pcw_act(api, user, audit, e, action, NULL, now,
							    &why) == 200, why);
		pcw_response_clear(&missing);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	pcw_ok(out, b);
}

void
pcw_quarantine(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	       PcwResponse *out)
{
	gboolean post = strcmp(req->method, "POST") == 0;
	const char *rest = req->path + strlen("/api/quarantine");
	g_auto(GStrv) parts = NULL;
	g_autoptr(PcqEntry) e = NULL;

	if (*rest == '\0') {
		post ? pcw_error(out, 405, "GET") : pcw_quarantine_list(api, user, req, out);
		return;
	}
	if (post && strcmp(rest, "/bulk") == 0) {
		pcw_quarantine_bulk(api, user, req, now, out);
		return;
	}
	parts = g_strsplit(rest + 1, "/", 3);
	if (parts[0] == NULL || (parts[1] != NULL && parts[2] != NULL) ||
	    (e = pcw_entry_load(api, user, parts[0], out)) == NULL) {
		if (out->body == NULL)
			pcw_error(out, 404, "no such API");
		return;
	}
	if (!post && parts[1] == NULL)
		pcw_quarantine_detail(api, e, out);
	else if (!post && strcmp(parts[1], "preview") == 0)
		pcw_quarantine_preview(api, e, out);
	else if (!post && strcmp(parts[1], "download") == 0)
		pcw_quarantine_download(api, e, out);
	else if (post && parts[1] != NULL &&
		 (strcmp(parts[1], "release") == 0 || strcmp(parts[1], "delete") == 0 ||
		  strcmp(parts[1], "learn") == 0))
		pcw_quarantine_post(api, user, req, e, parts[1], now, out);
	else
		pcw_error(out, 404, "no such API");
}
