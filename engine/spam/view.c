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

#include "received.h"
#include "spam.h"
#include "url.h"

static void
pc_view_header_list(PcSpamView *v, GMimeHeaderList *list, gboolean content_only)
{
	int n = list ? g_mime_header_list_get_count(list) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *value = g_mime_header_get_value(h);
		const char *raw = g_mime_header_get_raw_value(h);
		char *unfolded;

		if (content_only && g_ascii_strncasecmp(g_mime_header_get_name(h), "Content-", 8) != 0)
			continue;
		unfolded = g_strdup(value ? value : "");

		g_strdelimit(unfolded, "\r\n", ' ');
		g_ptr_array_add(v->header_names, g_strdup(g_mime_header_get_name(h)));
		g_ptr_array_add(v->header_values, g_strstrip(unfolded));
		g_ptr_array_add(v->header_raw, g_strdup(raw ? raw : ""));
	}
}

/* The message's headers.  GMime keeps the Content-* headers of the top
 * level with its body part, not the message; rules read them as headers. */
static void
pc_view_headers(PcSpamView *v, GMimeMessage *message)
{
	GMimeObject *body = g_mime_message_get_mime_part(message);

	pc_view_header_list(v, g_mime_object_get_header_list(GMIME_OBJECT(message)), FALSE);
	if (body != NULL)
		pc_view_header_list(v, g_mime_object_get_header_list(body), TRUE);
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

/* Charset names meaning ASCII (MIMEEval's list for MIME_BASE64_TEXT). */
static gboolean
pc_view_ascii_charset(const char *charset)
{
	static GRegex *re;

	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("us-ascii|ansi_x3\\.4-1968|iso-ir-6|ansi_x3\\.4-1986|"
					"iso_646\\.irv:1991|ascii|iso646-us|us|ibm367|cp367|csascii",
					G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);

		g_once_init_leave(&re, r);
	}
	return charset == NULL || *charset == '\0' || g_regex_match(re, charset, 0, NULL);
}

/* "iso-X-Y" that is none of the ISO charsets mail uses. */
static gboolean
pc_view_bad_iso_charset(const char *charset)
{
	static GRegex *bad, *good;

	if (g_once_init_enter(&bad)) {
		good = g_regex_new("iso-(?:8859-\\d{1,2}|2022-(?:jp|kr))\\b", G_REGEX_CASELESS, 0,
				   NULL);
		g_once_init_leave(&bad, g_regex_new("iso-\\S+-\\S+\\b", G_REGEX_CASELESS, 0, NULL));
	}
	return charset != NULL && g_regex_match(bad, charset, 0, NULL) &&
	       !g_regex_match(good, charset, 0, NULL);
}

/* What MIMEEval counts of one entity (containers included). */
static void
pc_view_mime_stats(PcSpamView *v, GMimeObject *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	const char *raw_cte = g_mime_object_get_header(part, "Content-Transfer-Encoding");
	const char *raw_cd = g_mime_object_get_header(part, "Content-Disposition");
	g_autofree char *cte = raw_cte ? g_ascii_strdown(raw_cte, -1) : NULL;
	g_autofree char *cd = raw_cd ? g_ascii_strdown(raw_cd, -1) : NULL;
	const char *charset = g_mime_content_type_get_parameter(ct, "charset");
	gboolean text = g_mime_content_type_is_type(ct, "text", "*");
	gboolean base64 = cte != NULL && strstr(cte, "base64") != NULL;

	if (g_mime_content_type_is_type(ct, "text", "html"))
		v->mime_html++;
	else if (text)
		v->mime_text++;
	if (g_mime_content_type_is_type(ct, "multipart", "alternative"))
		v->mime_alternative = TRUE;
	if (!base64 && cte != NULL && strstr(cte, "quoted-printable") != NULL)
		v->mime_qp++;
	if (cd != NULL && strstr(cd, "attachment") != NULL)
		v->mime_attachment = TRUE;
	if (text && base64 && pc_view_ascii_charset(charset) &&
	    !(cd != NULL && (g_str_has_prefix(cd, "attachment") || g_str_has_prefix(cd, "inline"))))
		v->mime_base64_text = TRUE;
	if (pc_view_bad_iso_charset(charset))
		v->mime_bad_iso_charset = TRUE;
}

/* A text/plain part SpamAssassin renders as HTML anyway: a tag early on. */
static gboolean
pc_view_looks_html(const char *text)
{
	static GRegex *re;

	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("^.{0,18}?<(?:body|head|html|img|pre|table|title)"
					"(?:\\s.{0,18}?)?>", G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);

		g_once_init_leave(&re, r);
	}
	return g_regex_match(re, text, 0, NULL);
}

static void
pc_view_part(PcSpamView *v, GMimeObject *part)
{
	GMimeContentType *ct;
	g_autofree char *text = NULL;
	const char *disposition;

	if (part == NULL)
		return;
	pc_view_mime_stats(v, part);
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
	if (*text != '\0' && (g_mime_content_type_is_type(ct, "text", "html") ||
			      (g_mime_content_type_is_type(ct, "text", "plain") &&
			       pc_view_looks_html(text)))) {
		g_autofree char *visible = pc_spam_html_text(text, v);

		v->html = TRUE;

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

/* A date as Unix time; 0 when it does not parse. */
static gint64
pc_view_parse_date(const char *text)
{
	g_autoptr(GDateTime) dt = text ? g_mime_utils_header_decode_date(text) : NULL;

	return dt ? g_date_time_to_unix(dt) : 0;
}

/* Resent-Date, else Date: the first of them that parses. */
static gint64
pc_view_date(const PcSpamView *v)
{
	static const char *const names[] = { "Resent-Date", "Date" };

	for (guint n = 0; n < G_N_ELEMENTS(names); n++)
		for (guint i = 0; i < v->header_names->len; i++)
			if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), names[n]) == 0) {
				gint64 t = pc_view_parse_date(g_ptr_array_index(v->header_values, i));

				if (t != 0)
					return t;
			}
	return 0;
}

/* The Received headers' dates, top down, leaving out the local ones a
 * fetchmail pickup adds (HeaderEval does the same before comparing). */
static GArray *
pc_view_received_dates(const PcSpamView *v)
{
	static GRegex *date_re, *local_re, *fetchmail_re;
	g_autoptr(GPtrArray) rcvd = g_ptr_array_new();
	GArray *out = g_array_new(FALSE, FALSE, sizeof(gint64));
	guint first = 0;

	if (g_once_init_enter(&date_re)) {
		local_re = g_regex_new("\\bfrom (?:localhost\\s|(?:\\S+ ){1,2}\\S*\\b127\\.0\\.0\\.1\\b)|"
				       "qmail \\d+ invoked by uid \\d+", 0, 0, NULL);
		fetchmail_re = g_regex_new("\\bby localhost with \\w+ \\(fetchmail-[\\d.]+", 0, 0,
					   NULL);
		g_once_init_leave(&date_re, g_regex_new("\\s.?\\d+ \\S\\S\\S \\d+ \\d+:\\d+:\\d+ \\S+",
							0, 0, NULL));
	}
	for (guint i = 0; i < v->header_names->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), "Received") == 0)
			g_ptr_array_add(rcvd, g_ptr_array_index(v->header_values, i));
	if (rcvd->len > 1 && g_regex_match(local_re, g_ptr_array_index(rcvd, 0), 0, NULL) &&
	    g_regex_match(fetchmail_re, g_ptr_array_index(rcvd, 1), 0, NULL))
		first = 2;
	else if (rcvd->len > 0 && g_regex_match(fetchmail_re, g_ptr_array_index(rcvd, 0), 0, NULL))
		first = 1;
	for (guint i = first; i < rcvd->len && out->len < 100; i++) {
		g_autoptr(GMatchInfo) m = NULL;

		if (g_regex_match(date_re, g_ptr_array_index(rcvd, i), 0, &m)) {
			g_autofree char *text = g_match_info_fetch(m, 0);
			gint64 t = pc_view_parse_date(text);

			if (t != 0)
				g_array_append_val(out, t);
		}
	}
	return out;
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

/* "<a@b>" -> a@b. */
static char *
pc_view_bare_address(const char *text)
{
	text += strspn(text, " <");
	return g_strndup(text, strcspn(text, "> "));
}

/* The first header called name, when none of that name comes after a
 * Received header: one written at delivery, not carried in by the sender
 * (SpamAssassin's test: no "Received: ... name:" order in the headers). */
static const char *
pc_view_delivery_header(const PcSpamView *v, const char *name)
{
	const char *first = NULL;
	gboolean received = FALSE;

	for (guint i = 0; i < v->header_names->len; i++) {
		const char *n = g_ptr_array_index(v->header_names, i);

		if (g_ascii_strcasecmp(n, "Received") == 0) {
			received = TRUE;
		} else if (g_ascii_strcasecmp(n, name) == 0) {
			if (received)
				return NULL;
			if (first == NULL)
				first = g_ptr_array_index(v->header_values, i);
		}
	}
	return first;
}

/* Picked up by fetchmail with an X-Sender address: the delivery headers
 * are the mailbox's, not the sender's, and SpamAssassin trusts none. */
static gboolean
pc_view_fetched(const PcSpamView *v)
{
	gboolean sender = FALSE, fetchmail = FALSE;

	for (guint i = 0; i < v->header_names->len; i++) {
		const char *name = g_ptr_array_index(v->header_names, i);
		const char *value = g_ptr_array_index(v->header_values, i);

		if (g_ascii_strcasecmp(name, "X-Sender") == 0 && !sender)
			sender = g_regex_match_simple("[^\\s@<]@[^\\s@>]", value, 0, 0);
		else if (g_ascii_strcasecmp(name, "Received") == 0)
			fetchmail |= strstr(value, "(fetchmail") != NULL;
	}
	return sender && fetchmail;
}

/* Without the MTA's envelope (portcullis --scan, learning), the envelope
 * sender as SpamAssassin finds it: the envelope-from the last untrusted
 * relay noted, else (unless fetched) X-Envelope-From, Envelope-Sender or
 * Return-Path written at delivery.  NULL: unknown. */
static char *
pc_view_derived_envelope_from(const PcSpamView *v, const PcRelays *r)
{
	static const char *const headers[] = { "X-Envelope-From", "Envelope-Sender",
					       "Return-Path" };
	const PcRelay *hop = r->untrusted->len ? g_ptr_array_index(r->untrusted, 0)
			     : r->trusted->len ? g_ptr_array_index(r->trusted, r->trusted->len - 1)
					       : NULL;

	/* received.c keeps "" for a relay that named no envelope sender */
	if (hop != NULL && hop->envfrom != NULL && *hop->envfrom != '\0' &&
	    strchr(hop->envfrom + 1, '@') != NULL)
		return g_strdup(hop->envfrom);
	if (pc_view_fetched(v))
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(headers); i++) {
		const char *value = pc_view_delivery_header(v, headers[i]);

		if (value != NULL)
			return pc_view_bare_address(value);
	}
	return NULL;
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
	v->auth = scan->verdict->auth;
	if (scan->mime == NULL || scan->mime->message == NULL)
		return;
	pc_view_headers(v, scan->mime->message);
	subject = g_mime_message_get_subject(scan->mime->message);
	if (subject != NULL && *subject != '\0')
		g_ptr_array_add(v->body, g_strdup(subject));
	for (guint i = 0; i < scan->mime->entities->len; i++)
		pc_view_part(v, g_ptr_array_index(scan->mime->entities, i));
	v->words = pc_view_words(v->body, subject != NULL && *subject != '\0');
	v->recipients = pc_view_recipients(scan->mime->message);
	v->uri_domains = pc_view_uri_domains(v->uris);
	if (scan->input != NULL && scan->input->sender != NULL)
		v->envelope_from = pc_view_bare_address(scan->input->sender);
	v->date = pc_view_date(v);
	v->received_dates = pc_view_received_dates(v);
}

/* The values of the headers called name, top down (not owned). */
static void
pc_view_values(const PcSpamView *v, const char *name, GPtrArray *out)
{
	for (guint i = 0; i < v->header_names->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), name) == 0)
			g_ptr_array_add(out, g_ptr_array_index(v->header_values, i));
}

void
pc_spam_view_relays(PcSpamView *v, const GPtrArray *trusted)
{
	g_autoptr(GPtrArray) lines = g_ptr_array_new();
	g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(PcRelays) r = NULL;

	pc_view_values(v, "Received", lines);
	/* SpamAssassin counts a webmail's X-Originating-IP as one more relay */
	for (guint i = 0; pc_relays_originating_headers[i] != NULL; i++) {
		g_autoptr(GPtrArray) values = g_ptr_array_new();
		char *line;

		pc_view_values(v, pc_relays_originating_headers[i], values);
		line = values->len ? pc_relays_originating(g_ptr_array_index(values,
									 values->len - 1)) : NULL;
		if (line != NULL)
			g_ptr_array_add(made, line);
	}
	for (guint i = 0; i < made->len; i++)
		g_ptr_array_add(lines, g_ptr_array_index(made, i));
	r = pc_relays_parse((char *const *)lines->pdata, lines->len, trusted, trusted);
	v->relays_trusted = pc_relays_text(r->trusted);
	v->relays_untrusted = pc_relays_text(r->untrusted);
	v->relays_internal = pc_relays_text(r->internal);
	v->relays_external = pc_relays_text(r->external);
	v->relays_all_trusted = pc_relays_all_trusted(r);
	v->relays_none = pc_relays_none(r);
	v->relays_unparseable = r->unparseable;
	if (v->envelope_from == NULL)
		v->envelope_from = pc_view_derived_envelope_from(v, r);
	g_free(v->sender_domain);
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
	g_clear_pointer(&v->received_dates, g_array_unref);
	g_clear_pointer(&v->relays_trusted, g_free);
	g_clear_pointer(&v->relays_untrusted, g_free);
	g_clear_pointer(&v->relays_internal, g_free);
	g_clear_pointer(&v->relays_external, g_free);
	g_clear_pointer(&v->dns, g_hash_table_unref);
}
