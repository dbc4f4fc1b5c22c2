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
 *	the decoded text with markup, line by line.
 */
#include "config.h"

#include <string.h>
#include <libxml/HTMLparser.h>

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

static gboolean
pc_view_block(const char *name)
{
	static const char *const blocks[] = {
		"p", "br", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
		"blockquote", "pre", "hr", "title", NULL,
	};

	return g_strv_contains(blocks, name);
}

/* Normalised when it is a URL (mailto: and the like are kept as written). */
static void
pc_view_add_uri(GPtrArray *uris, const char *raw)
{
	char *url = pc_url_normalise(raw);

	g_ptr_array_add(uris, url ? url : g_strdup(raw));
}

static void
pc_view_html_walk(xmlNode *node, GString *text, GPtrArray *uris)
{
	for (; node != NULL; node = node->next) {
		const char *name = (const char *)node->name;

		if (node->type == XML_TEXT_NODE && node->content != NULL) {
			g_string_append(text, (const char *)node->content);
			continue;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (g_ascii_strcasecmp(name, "script") == 0 || g_ascii_strcasecmp(name, "style") == 0)
			continue;
		if (g_ascii_strcasecmp(name, "a") == 0) {
			xmlChar *href = xmlGetProp(node, (const xmlChar *)"href");

			if (href != NULL)
				pc_view_add_uri(uris, (const char *)href);
			xmlFree(href);
		}
		if (pc_view_block(name))
			g_string_append(text, "\n\n");
		pc_view_html_walk(node->children, text, uris);
		if (pc_view_block(name))
			g_string_append(text, "\n\n");
	}
}

/* Visible text of an HTML part; link targets go to uris. */
char *
pc_spam_html_text(const char *html, GPtrArray *uris)
{
	htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	GString *text = g_string_new(NULL);

	if (doc != NULL) {
		pc_view_html_walk(xmlDocGetRootElement(doc), text, uris);
		xmlFreeDoc(doc);
	}
	return g_string_free(text, FALSE);
}

/* http(s)/ftp URLs and www. names in plain text. */
static void
pc_view_text_uris(GPtrArray *uris, const char *text)
{
	static GRegex *re;
	GMatchInfo *m = NULL;

	/* hxxp:// and example[.]com are links a reader still follows */
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("\\b(?:(?:h(?:tt|xx|\\*\\*)ps?|ftp)://|www(?:\\.|\\[\\.\\]))"
					"[^\\s<>\"'()]+", G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0,
					NULL);

		g_once_init_leave(&re, r);
	}
	for (g_regex_match(re, text, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
		g_autofree char *raw = g_match_info_fetch(m, 0);

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

	if (!GMIME_IS_TEXT_PART(part))
		return;
	ct = g_mime_object_get_content_type(part);
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
		g_autofree char *visible = pc_spam_html_text(text, v->uris);

		pc_view_paragraphs(v->body, visible);
		pc_view_text_uris(v->uris, visible);
	} else if (g_mime_content_type_is_type(ct, "text", "*")) {
		pc_view_paragraphs(v->body, text);
		pc_view_text_uris(v->uris, text);
	}
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
}
