/*
 * NAME
 *	preview.c - text of a stored message for the console (preview.h)
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>
#include <portcullis/text.h>

#include "preview.h"

char *
pcw_display(const char *text, gsize max)
{
	return pc_text_display(text ? text : "", max);
}

/* Each line through pc_text_display (it drops line breaks), then joined;
 * blank lines at the start and more than one in a row (what markup leaves
 * when it is taken out) are left out. */
static char *
pcw_display_lines(const char *text, gboolean *truncated)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);
	gboolean blank = TRUE;

	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree char *shown = NULL;

		if (out->len >= PCW_PREVIEW_MAX) {
			*truncated = TRUE;
			break;
		}
		shown = pc_text_display(g_strstrip(lines[i]), 4096);
		if (*shown == '\0' && blank)
			continue;
		blank = *shown == '\0';
		g_string_append(out, shown);
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

static gboolean
pcw_is_attachment(GMimeObject *part)
{
	GMimeContentDisposition *d = g_mime_object_get_content_disposition(part);

	return d != NULL && g_mime_content_disposition_is_attachment(d);
}

/* The first inline text/plain part, else the first text/html one. */
static GMimeTextPart *
pcw_text_part(GMimeMessage *m, char **path)
{
	GMimePartIter *iter;
	GMimeTextPart *found = NULL;
	g_autofree char *html_path = NULL;

	if (GMIME_IS_TEXT_PART(g_mime_message_get_mime_part(m))) {
		*path = g_strdup("1");
		return (GMimeTextPart *)g_mime_message_get_mime_part(m);
	}
	iter = g_mime_part_iter_new((GMimeObject *)m);
	do {
		GMimeObject *part = g_mime_part_iter_get_current(iter);
		GMimeContentType *type = part ? g_mime_object_get_content_type(part) : NULL;

		if (part == NULL || !GMIME_IS_TEXT_PART(part) || pcw_is_attachment(part))
			continue;
		if (g_mime_content_type_is_type(type, "text", "plain")) {
			g_free(html_path);
			html_path = g_mime_part_iter_get_path(iter);
			found = (GMimeTextPart *)part;
			break;
		}
		if (found == NULL && g_mime_content_type_is_type(type, "text", "html")) {
			found = (GMimeTextPart *)part;
			html_path = g_mime_part_iter_get_path(iter);
		}
	} while (g_mime_part_iter_next(iter));
	g_mime_part_iter_free(iter);
	*path = g_steal_pointer(&html_path);
	return found;
}

static void
pcw_preview_text(PcwPreview *p, GMimeMessage *m)
{
	g_autofree char *path = NULL;
	GMimeTextPart *part = pcw_text_part(m, &path);
	g_autofree char *raw = part ? g_mime_text_part_get_text(part) : NULL;
	g_autofree char *text = NULL;

	if (raw == NULL) {
		p->text = g_strdup("");
		p->part = g_strdup("");
		return;
	}
	/* a text part as big as the message is not read to the end */
	if (strlen(raw) > 4 * PCW_PREVIEW_MAX) {
		char *cut = g_utf8_find_prev_char(raw, raw + 4 * PCW_PREVIEW_MAX);

		*(cut ? cut : raw) = '\0';
		p->truncated = TRUE;
	}
	if (g_mime_content_type_is_type(g_mime_object_get_content_type((GMimeObject *)part),
					"text", "html"))
		text = pc_text_from_html(raw);
	else
		text = g_steal_pointer(&raw);
	p->text = pcw_display_lines(text, &p->truncated);
	p->part = g_strdup(path);
}

static void
pcw_preview_headers(PcwPreview *p, GMimeMessage *m)
{
	GMimeHeaderList *list = g_mime_object_get_header_list((GMimeObject *)m);
	int n = MIN(g_mime_header_list_get_count(list), PCW_HEADERS_MAX);

	p->names = g_new0(char *, n + 1);
	p->values = g_new0(char *, n + 1);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);

		p->names[i] = pcw_display(g_mime_header_get_name(h), 100);
		p->values[i] = pcw_display(g_mime_header_get_value(h), 2000);
	}
}

PcwPreview *
pcw_preview_new(const char *data, gsize len, GError **error)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
	PcwPreview *p = NULL;

	g_object_unref(parser);
	g_object_unref(stream);
	if (m == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a message");
		return NULL;
	}
	p = g_new0(PcwPreview, 1);
	p->subject = pcw_display(g_mime_message_get_subject(m), 500);
	pcw_preview_headers(p, m);
	pcw_preview_text(p, m);
	g_object_unref(m);
	return p;
}

void
pcw_preview_free(PcwPreview *p)
{
	if (p == NULL)
		return;
	g_free(p->subject);
	g_strfreev(p->names);
	g_strfreev(p->values);
	g_free(p->text);
	g_free(p->part);
	g_free(p);
}
