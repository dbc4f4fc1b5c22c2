/*
 * NAME
 *	text.c - message text made safe for the places it is shown
 * DESCRIPTION
 *	See include/portcullis/text.h.
 */
#include "config.h"

#include <string.h>

#include <portcullis/text.h>

gboolean
pc_text_is_control(gunichar c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Characters that change how the text around them looks or where a line
 * ends, without being controls. */
static gboolean
pc_text_is_invisible(gunichar c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200e || c == 0x200f || c == 0x061c || c == 0x2028 || c == 0x2029;
}

char *
pc_text_name(const char *raw)
{
	g_autofree char *valid = g_utf8_make_valid(raw, -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (!pc_text_is_control(c))
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

char *
pc_text_display(const char *text, gsize max)
{
	g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
	GString *out = g_string_new(NULL);
	gsize shown = 0;

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (shown == max) {
			g_string_append(out, "...");
			break;
		}
		if (pc_text_is_control(c))
			continue;
		if (pc_text_is_invisible(c))
			g_string_append_printf(out, "<U+%04X>", c);
		else
			g_string_append_unichar(out, c);
		shown++;
	}
	return g_string_free(out, FALSE);
}

char *
pc_text_ascii(const char *text, gsize max)
{
	GString *out = g_string_sized_new(MIN(strlen(text), max));

	for (const char *p = text; *p != '\0' && out->len < max;) {
		guchar byte = (guchar)*p;
		gunichar c = byte < 0x80 ? byte : g_utf8_get_char_validated(p, -1);

		if (byte == '\r' || byte == '\n' || byte == '\t')
			g_string_append_c(out, ' ');
		else
			g_string_append_c(out, byte >= 0x20 && byte < 0x7f ? (char)byte : '?');
		p = byte >= 0x80 && c < 0x110000 ? g_utf8_next_char(p) : p + 1;
	}
	return g_string_free(out, FALSE);
}

void
pc_text_json_append(GString *out, const char *raw)
{
	g_autofree char *text = raw ? g_utf8_make_valid(raw, -1) : NULL;

	if (text == NULL) {
		g_string_append(out, "null");
		return;
	}
	g_string_append_c(out, '"');
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '"' || c == '\\')
			g_string_append_printf(out, "\\%c", (char)c);
		else if (c == '\n' || c == '\r' || c == '\t')
			g_string_append(out, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
		else if (pc_text_is_control(c))
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	g_string_append_c(out, '"');
}
