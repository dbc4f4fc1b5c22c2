/*
 * NAME
 *	escape.c - every value portcullisctl prints, made safe to print
 * DESCRIPTION
 *	Subjects, addresses, file names and reasons come from the mail and
 *	its sender.  Printed raw, an ESC or CSI in them drives the
 *	administrator's terminal (sets its title, moves the cursor, erases
 *	lines that were there).  Text output therefore shows control
 *	characters - C0, DEL, C1 - and bytes that are not UTF-8 as escapes
 *	(\x1b, \u009b, \xff) and a backslash as \\, so what is shown is
 *	unambiguous; JSON output escapes the same characters the JSON way and
 *	replaces bytes that are not UTF-8 (JSON cannot carry them) with U+FFFD.
 */
#include "config.h"

#include <stdio.h>

#include "ctl.h"

static gboolean
pcc_is_control(gunichar c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

static void
pcc_escape_char(GString *out, gunichar c, gboolean json)
{
	switch (c) {
	case '\\':
		g_string_append(out, "\\\\");
		return;
	case '\t':
		g_string_append(out, "\\t");
		return;
	case '\n':
		g_string_append(out, "\\n");
		return;
	case '\r':
		g_string_append(out, "\\r");
		return;
	case '"':
		g_string_append(out, "\\\"");
		return;
	}
	if (json || c >= 0x80)
		g_string_append_printf(out, "\\u%04x", c);
	else
		g_string_append_printf(out, "\\x%02x", c);
}

static void
pcc_escape(GString *out, const char *s, gboolean json)
{
	for (const char *p = s ? s : ""; *p != '\0';) {
		gunichar c = g_utf8_get_char_validated(p, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			if (json)
				g_string_append(out, "\\ufffd");
			else
				g_string_append_printf(out, "\\x%02x", (guchar)*p);
			p++;
			continue;
		}
		if (pcc_is_control(c) || c == '\\' || (json && c == '"'))
			pcc_escape_char(out, c, json);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
		p = g_utf8_next_char(p);
	}
}

char *
pcc_text(const char *s)
{
	GString *out = g_string_new(NULL);

	pcc_escape(out, s, FALSE);
	return g_string_free(out, FALSE);
}

void
pcc_print_error(const char *message)
{
	g_autofree char *shown = pcc_text(message);

	fprintf(stderr, "portcullisctl: %s\n", shown);
}

void
pcc_json_string(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	pcc_escape(out, s, TRUE);
	g_string_append_c(out, '"');
}
