/*
 * NAME
 *	api_links.c - /api/link: a recipient follows a digest's link
 */
#include "config.h"

#include <string.h>
#include <portcullis/object.h>

#include "release_entry.h"
#include "api-private.h"
#include "audit.h"
#include "links.h"
#include "preview.h"
#include "release.h"
#include "store.h"

static gboolean
pcw_has_recipient(const PcqEntry *e, const char *rcpt)
{
	for (guint i = 0; e->recipients != NULL && e->recipients[i] != NULL; i++)
		if (g_ascii_strcasecmp(e->recipients[i], rcpt) == 0)
			return TRUE;
	return FALSE;
}

/* The key, once the release key exists (the daemon makes it at its first
 * start, perhaps after the console's). */
static GBytes *
pcw_api_link_key(PcwApi *api)
{
	static GMutex lock;
	GBytes *key;

	g_mutex_lock(&lock);
	if (api->link_key == NULL) {
		g_autoptr(GBytes) secret = pcq_release_key_load(api->conf->release_key_file, FALSE,
								NULL);

		api->link_key = secret ? pcw_link_key(secret) : NULL;
	}
	key = api->link_key;
	g_mutex_unlock(&lock);
	return key;
}

/* What a link may act on: its entry, still there, for its recipient, of a
 * status the digests list.  NULL after the answer in out otherwise. */
static PcqEntry *
pcw_link_entry(PcwApi *api, const char *token, gint64 now, char **rcpt, gint64 *expires,
	       PcwResponse *out)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *id = NULL;
	g_autoptr(PcqEntry) e = NULL;

	if (pcw_api_link_key(api) == NULL) {
		pcw_error(out, 404, "recipients' links are off (no release key)");
		return NULL;
	}
	if (!pcw_link_verify(api->link_key, token, now, &id, rcpt, expires, &error)) {
		pcw_error(out, g_error_matches(error, PCW_LINK_ERROR, PCW_LINK_EXPIRED) ? 410 : 403,
			  error->message);
		return NULL;
	}
	e = pcq_valid_id(id) ? pcq_entry_load(api->conf->quarantine_dir, id, NULL) : NULL;
	if (e == NULL || e->damaged || !pcw_has_recipient(e, *rcpt)) {
		pcw_error(out, 404, "this message is no longer in the quarantine");
		return NULL;
	}
	if (!pcw_digest_status(api->conf->web_digest_statuses, e->status)) {
		pcw_error(out, 403, "this message cannot be released from a link");
		return NULL;
	}
	return g_steal_pointer(&e);
}

static void
pcw_link_show(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	g_autofree char *rcpt = NULL;
	gint64 expires = 0;
	g_autoptr(PcqEntry) e = pcw_link_entry(api, pcw_query(req, "t"), now, &rcpt, &expires, out);
	g_autoptr(GMappedFile) map = NULL;
	g_autoptr(PcwPreview) p = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (e == NULL)
		return;
	map = pcq_map_file(api->conf->quarantine_dir, e->id, ".eml", NULL);
	p = map ? pcw_preview_new(g_mapped_file_get_contents(map), g_mapped_file_get_length(map),
				  NULL) : NULL;
	json_builder_begin_object(b);
	pcw_member(b, "id", e->id);
	pcw_member(b, "recipient", rcpt);
	pcw_member(b, "sender", e->sender);
	pcw_member(b, "subject", p ? p->subject : "");
	pcw_member_int(b, "received", e->received);
	pcw_member(b, "status", e->status);
	pcw_member(b, "reason", e->reason);
	pcw_member_int(b, "expires", expires);
	json_builder_set_member_name(b, "released");
	json_builder_add_boolean_value(b, pcq_entry_released_to(e, rcpt));
	json_builder_end_object(b);
	pcw_ok(out, b);
}

static void
pcw_link_post(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	PcqReleaseTarget target = { api->conf->quarantine_dir, api->conf->release_key_file,
				    api->conf->sendmail_path, api->conf->notify_relay };
	gboolean release = strcmp(req->path, "/api/link/release") == 0;
	g_autoptr(JsonParser) parser = NULL;
	JsonObject *o = pcw_body(req, &parser, out);
	g_autofree char *rcpt = NULL;
	g_autofree char *who = NULL;
	gint64 expires = 0;
	g_autoptr(PcqEntry) e = o ? pcw_link_entry(api, pcw_body_string(o, "t"), now, &rcpt,
						   &expires, out) : NULL;
	g_autoptr(PcwAudit) audit = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *warning = NULL;
	const char *to[] = { rcpt, NULL };
	gboolean ok;

	if (e == NULL)
		return;
	if ((audit = pcw_audit_open(api->conf->web_audit_log, &error)) == NULL) {
		pcw_error(out, 500, error->message);
		return;
	}
	who = g_strdup_printf("recipient %s", rcpt);
	if (release && pcq_entry_released_to(e, rcpt)) {
		pcw_error(out, 409, "this message was already released to you");
		return;
	}
	ok = release ? pcq_release_entry(&target, e, to, now, &warning, &error)
		     : pcw_optout_add(api->conf->web_digest_optout_file, rcpt, &error);
	pcw_audit_write(audit, now, who, release ? "release" : "digest opt-out",
			release ? e->id : rcpt, ok ? "ok" : error->message);
	if (!ok) {
		g_warning("%s", error->message);
		pcw_error(out, 500, release ? "the message could not be released; try again later"
					    : "your choice could not be saved; try again later");
		return;
	}
	out->status = 200;
	out->body = g_strdup(release ? "{\"released\":true}" : "{\"opted_out\":true}");
}

void
pcw_link(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out)
{
	gboolean post = strcmp(req->method, "POST") == 0;

	if (!post && strcmp(req->path, "/api/link") == 0)
		pcw_link_show(api, req, now, out);
	else if (post && (strcmp(req->path, "/api/link/release") == 0 ||
			  strcmp(req->path, "/api/link/optout") == 0))
		pcw_link_post(api, req, now, out);
	else
		pcw_error(out, 404, "no such API");
}
