/*
 * NAME
 *	digest_cmd.c - portcullisctl digest: each recipient's quarantined
 *	spam, with a link to release each message (web/links.h)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>
#include <portcullis/object.h>

#include "ctl.h"
#include "index.h"
#include "links.h"
#include "notify.h"
#include "preview.h"
#include "release.h"

const char pcc_digest_help[] =
	"    digest [--since T] [--dry-run]\n"
	"        Mails each recipient a list of their quarantined mail received since T\n"
	"        (default 1d; the unit portcullis-digest.timer runs it daily) whose\n"
	"        status is in [web] digest_statuses (spam, probable) and that was not\n"
	"        released to them, each with a link to the web console ([web] base_url)\n"
	"        that shows the message and releases it to them after they confirm;\n"
	"        links work for [web] link_days. Recipients who opted out get nothing.\n"
	"        --dry-run prints who would get how many entries and sends nothing.\n";

/* Entries listed in one digest at most; the rest are counted. */
#define PCC_DIGEST_MAX 200

typedef struct {
	const PcmConfig *conf;
	GHashTable *by_rcpt;	/* lower-case address -> GPtrArray of PcqEntry * */
	GHashTable *optout;
} PccDigest;

static PcqEntry *
pcc_entry_copy(const PcqEntry *e)
{
	PcqEntry *c = g_new0(PcqEntry, 1);

	c->id = g_strdup(e->id);
	c->received = e->received;
	c->sender = g_strdup(e->sender);
	c->status = g_strdup(e->status);
	c->reason = g_strdup(e->reason);
	return c;
}

static gboolean
pcc_digest_collect(const PcqEntry *e, gpointer data)
{
	PccDigest *d = data;

	if (e->damaged || !pcw_digest_status(d->conf->web_digest_statuses, e->status))
		return TRUE;
	for (guint i = 0; e->recipients != NULL && e->recipients[i] != NULL; i++) {
		g_autofree char *rcpt = g_ascii_strdown(e->recipients[i], -1);
		GPtrArray *list;

		if (g_hash_table_contains(d->optout, rcpt) || pcq_entry_released_to(e, rcpt))
			continue;
		list = g_hash_table_lookup(d->by_rcpt, rcpt);
		if (list == NULL) {
			list = g_ptr_array_new_with_free_func((GDestroyNotify)pcq_entry_free);
			g_hash_table_insert(d->by_rcpt, g_strdup(rcpt), list);
		}
		g_ptr_array_add(list, pcc_entry_copy(e));
	}
	return TRUE;
}

static char *
pcc_subject_of(const PcmConfig *conf, const char *id)
{
	g_autoptr(GMappedFile) map = pcq_map_file(conf->quarantine_dir, id, ".eml", NULL);
	g_autoptr(PcwPreview) p = map ? pcw_preview_new(g_mapped_file_get_contents(map),
							g_mapped_file_get_length(map), NULL)
				      : NULL;

	return g_strdup(p && *p->subject ? p->subject : "(no subject)");
}

/* The text of one digest: every value of a message passes pcw_display
 * (no control characters, bidi controls shown), bounded in length. */
static char *
pcc_digest_text(const PcmConfig *conf, GBytes *key, const char *rcpt, GPtrArray *list,
		gint64 now)
{
	GString *out = g_string_new(NULL);
	g_autofree char *who = pcw_display(rcpt, 320);
	gint64 expires = now + (gint64)conf->web_link_days * 86400;

	g_string_append_printf(out, "These messages for %s were held in quarantine as probable "
			       "spam.\nTo receive one, open its link and press \"Release this message to\n"
			       "me\"; links work for "
			       "%u days.\n\n", who, conf->web_link_days);
	for (guint i = 0; i < list->len && i < PCC_DIGEST_MAX; i++) {
		const PcqEntry *e = g_ptr_array_index(list, i);
		g_autofree char *when = pcc_time(e->received);
		g_autofree char *sender = pcw_display(*e->sender ? e->sender : "<>", 200);
		g_autofree char *raw_subject = pcc_subject_of(conf, e->id);
		g_autofree char *subject = pcw_display(raw_subject, 200);
		g_autofree char *token = pcw_link_token(key, e->id, rcpt, expires);

		g_string_append_printf(out, "%s UTC  from %s\n  Subject: %s\n  Release: %s/#/link/%s"
				       "\n\n", when, sender, subject, conf->web_base_url, token);
	}
	if (list->len > PCC_DIGEST_MAX)
		g_string_append_printf(out, "... and %u more; ask your postmaster.\n",
				       list->len - PCC_DIGEST_MAX);
	g_string_append(out, "\nTo stop these messages, open any link above and choose "
			     "\"Stop sending me digests\".\n");
	return g_string_free(out, FALSE);
}

/* A text/plain UTF-8 message, headers encoded by GMime. */
static GBytes *
pcc_digest_message(const PcmConfig *conf, const char *rcpt, guint count, const char *text)
{
	GMimeMessage *m = g_mime_message_new(TRUE);
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	g_autofree char *subject = g_strdup_printf("Quarantined mail for you: %u message%s", count,
						   count == 1 ? "" : "s");
	g_autofree char *from = *conf->notify_from ? g_strdup(conf->notify_from)
						   : g_strdup_printf("postmaster@%s", g_get_host_name());
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	char *bytes;

	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, "Mail quarantine", from);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, rcpt);
	g_mime_message_set_subject(m, subject, "utf-8");
	g_mime_message_set_date(m, now);
	g_mime_object_set_header((GMimeObject *)m, "Auto-Submitted", "auto-generated", NULL);
	g_mime_text_part_set_text(part, text);
	g_mime_part_set_content_encoding((GMimePart *)part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(m, (GMimeObject *)part);
	g_object_unref(part);
	bytes = g_mime_object_to_string((GMimeObject *)m, NULL);
	g_object_unref(m);
	return g_bytes_new_take(bytes, strlen(bytes));
}

static gboolean
pcc_digest_send(const PcmConfig *conf, GBytes *key, const char *rcpt, GPtrArray *list,
		gint64 now, gboolean dry_run)
{
	g_autofree char *shown = pcc_text(rcpt);
	g_autofree char *text = NULL;
	g_autoptr(GBytes) message = NULL;
	g_autoptr(GError) error = NULL;
	const char *to[] = { rcpt, NULL };

	if (dry_run) {
		printf("%s: %u entries\n", shown, list->len);
		return TRUE;
	}
	text = pcc_digest_text(conf, key, rcpt, list, now);
	message = pcc_digest_message(conf, rcpt, list->len, text);
	/* the null sender: a digest that bounces must not bounce back */
	if (!pcn_deliver(conf->sendmail_path, conf->notify_relay, "", to, message, &error)) {
		g_autofree char *why = pcc_text(error->message);

		fprintf(stderr, "portcullisctl: digest for %s: %s\n", shown, why);
		return FALSE;
	}
	printf("%s: sent, %u entries\n", shown, list->len);
	return TRUE;
}

static gint
pcc_key_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
pcc_digest(const PcmConfig *conf, int argc, char **argv)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	PcqFilter filter = { .since = now - 86400 };
	g_autoptr(GHashTable) by_rcpt = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							      (GDestroyNotify)g_ptr_array_unref);
	g_autoptr(GHashTable) optout = NULL;
	g_autoptr(GBytes) secret = NULL;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gpointer *rcpts = NULL;
	gboolean dry_run = FALSE;
	guint n = 0, failed = 0;
	PccDigest d;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = TRUE;
		else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc &&
			 pcc_parse_time(argv[i + 1], now, &filter.since))
			i++;
		else {
			fprintf(stderr, "portcullisctl: digest [--since T] [--dry-run]\n");
			return PCC_USAGE;
		}
	}
	if (*conf->web_base_url == '\0') {
		fprintf(stderr, "portcullisctl: digest: [web] base_url is not set: the links "
			"would lead nowhere\n");
		return PCC_ERROR;
	}
	if (!pcc_become_owner("quarantine_dir", conf->quarantine_dir, &error) ||
	    (secret = pcq_release_key_load(conf->release_key_file, FALSE, &error)) == NULL) {
		pcc_print_error(error->message);
		return PCC_ERROR;
	}
	key = pcw_link_key(secret);
	optout = pcw_optout_load(conf->web_digest_optout_file);
	d = (PccDigest){ conf, by_rcpt, optout };
	if (!pcq_index_list(conf->quarantine_dir, &filter, pcc_digest_collect, &d, &error)) {
		pcc_print_error(error->message);
		return PCC_ERROR;
	}
	rcpts = g_hash_table_get_keys_as_array(by_rcpt, &n);
	qsort(rcpts, n, sizeof(gpointer), pcc_key_cmp);
	for (guint i = 0; i < n; i++)
		failed += !pcc_digest_send(conf, key, rcpts[i], g_hash_table_lookup(by_rcpt, rcpts[i]),
					   now, dry_run);
	printf("%u digests%s%s\n", n - failed, dry_run ? " (dry run)" : "",
	       failed ? ", some failed (see above)" : "");
	return failed ? PCC_ERROR : PCC_OK;
}
