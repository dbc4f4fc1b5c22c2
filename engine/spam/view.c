/*
 * NAME
 *	view.c - the message as spam rules see it (PcSpamView)
 * DESCRIPTION
 *	Headers decoded and raw; "body" is the Subject and then the visible
 *	text of every text part that is not an attachment, converted to
 *	UTF-8 by GMime and cut into paragraphs (a paragraph's lines joined by
 *	spaces, as SpamAssassin's body rules expect); HTML is reduced to its
 *	text with libxml2's HTML parser (script and style dropped, block
 *	elements end a paragraph, link targets kept as URIs); "rawbody" is
 *	the decoded text with markup, line by line.  Also what the eval:
 *	tests count (html.c: hidden text, mismatched links, images; words,
 *	To and Cc addresses) and the targets of DNS lists (the URLs'
 *	registrable domains, the envelope sender's domain).
 */
#include "config.h"

#include <string.h>

#include "spam.h"
#include "url.h"

static void
pc_view_headers(PcSpamView *v, GMimeObject *top)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(top);
	int n = g_mime_header_list_get_count(list);

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *value = g_mime_header_get_value(h);
		const char *raw = g_mime_header_get_raw_value(h);
		char *unfolded = g_strdup(value ? value : "");

		g_strdelimit(unfolded, "\r\n", ' ');
		g_ptr_array_add(v->header_names, g_strdup(g_mime_header_get_name(h)));
		g_ptr_array_add(v->header_values, g_strstrip(unfolded));
		g_ptr_array_add(v->header_raw, g_strdup(raw ? raw : ""));
	}
}

/* Paragraphs: blank lines separate them, line breaks inside become spaces. */
static void
pc_view_paragraphs(GPtrArray *out, const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *para = g_string_new(NULL);

	for (guint i = 0; ; i++) {
		char *l = lines[i] ? g_strstrip(lines[i]) : NULL;

		if ((l == NULL || *l == '\0') && para->len > 0) {
			g_ptr_array_add(out, g_strdup(para->str));
			g_string_truncate(para, 0);
		}
		if (l == NULL)
			break;
		if (*l != '\0')
			g_string_append_printf(para, "%s%s", para->len ? " " : "", l);
	}
	g_string_free(para, TRUE);
}

/* Normalised when it is a URL (mailto: and the like are kept as written). */
static void
pc_view_add_uri(GPtrArray *uris, const char *raw)
{
	char *url = pc_url_normalise(raw);

	g_ptr_array_add(uris, url ? url : g_strdup(raw));
}

/* http(s)/ftp URLs, www. names, mailto: links and bare addresses in plain
 * text.  An address counts as "mailto:ADDRESS", as in SpamAssassin's uri
 * list: its uri rules look for "unsubscribe" there, in list footers that
 * give an address to write to ("send an email to: list-unsubscribe@host"). */
static void
pc_view_text_uris(GPtrArray *uris, const char *text)
{
	static GRegex *re;
	GMatchInfo *m = NULL;

	/* hxxp:// and example[.]com are links a reader still follows */
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("\\b(?:(?:h(?:tt|xx|\\*\\*)ps?|ftp)://|www(?:\\.|\\[\\.\\])|"
					"mailto:)[^\\s<>\"'()]+|"
					"(?<![\\w.+:/-])[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+",
					G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);

		g_once_init_leave(&re, r);
	}
	for (g_regex_match(re, text, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
		g_autofree char *raw = g_match_info_fetch(m, 0);

		if (strchr(raw, ':') == NULL && strchr(raw, '@') != NULL) {
			g_autofree char *mailto = g_strconcat("mailto:", raw, NULL);

			g_ptr_array_add(uris, g_steal_pointer(&mailto));
			continue;
		}
		pc_view_add_uri(uris, raw);
	}
	g_match_info_free(m);
}

static void
pc_view_part(PcSpamView *v, GMimeObject *part)
{
	GMimeContentType *ct;
	g_autofree char *text = NULL;
	const char *disposition;

	ct = g_mime_object_get_content_type(part);
	if (g_mime_content_type_is_type(ct, "image", "*"))
		v->images++;
	if (!GMIME_IS_TEXT_PART(part))
		return;
	disposition = g_mime_object_get_disposition(part);
	if (disposition != NULL && g_ascii_strcasecmp(disposition, "attachment") == 0)
		return;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (text == NULL || !g_utf8_validate(text, -1, NULL))
		return;
	g_strdelimit(text, "\r", ' ');
	{
		g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

		for (guint i = 0; lines[i] != NULL; i++)
			g_ptr_array_add(v->rawbody, g_strdup(lines[i]));
	}
	if (g_mime_content_type_is_type(ct, "text", "html")) {
		g_autofree char *visible = pc_spam_html_text(text, v);

		pc_view_paragraphs(v->body, visible);
		pc_view_text_uris(v->uris, visible);
	} else if (g_mime_content_type_is_type(ct, "text", "*")) {
		pc_view_paragraphs(v->body, text);
		pc_view_text_uris(v->uris, text);
	}
}

/* Words of visible text, the subject (the first paragraph) left out. */
static guint
pc_view_words(const GPtrArray *body, gboolean has_subject)
{
	guint n = 0;

	for (guint i = has_subject ? 1 : 0; i < body->len; i++) {
		g_auto(GStrv) words = g_strsplit_set(g_ptr_array_index(body, i), " \t", -1);

		for (guint j = 0; words[j] != NULL; j++)
			n += *words[j] != '\0';
	}
	return n;
}

static guint
pc_view_recipients(GMimeMessage *message)
{
	InternetAddressList *to = g_mime_message_get_addresses(message, GMIME_ADDRESS_TYPE_TO);
	InternetAddressList *cc = g_mime_message_get_addresses(message, GMIME_ADDRESS_TYPE_CC);

	return (guint)MAX(internet_address_list_length(to), 0) +
	       (guint)MAX(internet_address_list_length(cc), 0);
}

/* Registrable domains of the URLs, each once, in order of appearance. */
static GPtrArray *
pc_view_uri_domains(const GPtrArray *uris)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	/* a set, not a scan of out: a message may carry thousands of links */
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < uris->len; i++) {
		g_autofree char *host = pc_url_host(g_ptr_array_index(uris, i));
		char *domain = host ? pc_url_registrable(host) : NULL;

		/* contains, then add: adding a key already there would swap in
		 * this copy, which is then freed under the set */
		if (domain != NULL && !g_hash_table_contains(seen, domain)) {
			g_hash_table_add(seen, domain);
			g_ptr_array_add(out, domain);
		} else {
			g_free(domain);
		}
	}
	return out;
}

/* The envelope sender without its brackets; Return-Path's when the scan
 * has no envelope. */
static char *
pc_view_envelope_from(const PcSpamView *v, const char *sender)
{
	for (guint i = 0; sender == NULL && i < v->header_names->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), "Return-Path") == 0)
			sender = g_ptr_array_index(v->header_values, i);
	if (sender == NULL)
		return NULL;
	sender += strspn(sender, " <");
	return g_strndup(sender, strcspn(sender, "> "));
}

static char *
pc_view_sender_domain(const char *envelope_from)
{
	const char *at = envelope_from ? strrchr(envelope_from, '@') : NULL;

	if (at == NULL || at[1] == '\0')
		return NULL;
	return g_ascii_strdown(at + 1, -1);
}

void
pc_spam_view_init(PcSpamView *v, const PcScan *scan)
{
	const char *subject;

	v->header_names = g_ptr_array_new_with_free_func(g_free);
	v->header_values = g_ptr_array_new_with_free_func(g_free);
	v->header_raw = g_ptr_array_new_with_free_func(g_free);
	v->body = g_ptr_array_new_with_free_func(g_free);
	v->rawbody = g_ptr_array_new_with_free_func(g_free);
	v->uris = g_ptr_array_new_with_free_func(g_free);
	v->full = (const char *)scan->data;
	v->full_len = scan->len;
	if (scan->mime == NULL || scan->mime->message == NULL)
		return;
	pc_view_headers(v, GMIME_OBJECT(scan->mime->message));
	subject = g_mime_message_get_subject(scan->mime->message);
	if (subject != NULL && *subject != '\0')
		g_ptr_array_add(v->body, g_strdup(subject));
	for (guint i = 0; i < scan->mime->entities->len; i++)
		pc_view_part(v, g_ptr_array_index(scan->mime->entities, i));
	v->words = pc_view_words(v->body, subject != NULL && *subject != '\0');
	v->recipients = pc_view_recipients(scan->mime->message);
	v->uri_domains = pc_view_uri_domains(v->uris);
	v->envelope_from = pc_view_envelope_from(v, scan->input ? scan->input->sender : NULL);
	v->sender_domain = pc_view_sender_domain(v->envelope_from);
}

void
pc_spam_view_clear(PcSpamView *v)
{
	g_clear_pointer(&v->header_names, g_ptr_array_unref);
	g_clear_pointer(&v->header_values, g_ptr_array_unref);
	g_clear_pointer(&v->header_raw, g_ptr_array_unref);
	g_clear_pointer(&v->body, g_ptr_array_unref);
	g_clear_pointer(&v->rawbody, g_ptr_array_unref);
	g_clear_pointer(&v->uris, g_ptr_array_unref);
	g_clear_pointer(&v->uri_domains, g_ptr_array_unref);
	g_clear_pointer(&v->relay_address, g_free);
	g_clear_pointer(&v->envelope_from, g_free);
	g_clear_pointer(&v->sender_domain, g_free);
	g_clear_pointer(&v->dns, g_hash_table_unref);
}
