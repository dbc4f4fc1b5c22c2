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

#include <portcullis/text.h>

#include "ctl.h"

static void
pcc_escape_char(GString *out, gunichar c)
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
	}
	if (c >= 0x80)
		g_string_append_printf(out, "\\u%04x", c);
	else
		g_string_append_printf(out, "\\x%02x", c);
}

static void
pcc_escape(GString *out, const char *s)
{
	for (const char *p = s ? s : ""; *p != '\0';) {
		gunichar c = g_utf8_get_char_validated(p, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", (guchar)*p);
			p++;
			continue;
		}
		if (pc_text_is_control(c) || c == '\\')
			pcc_escape_char(out, c);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
		p = g_utf8_next_char(p);
	}
}

char *
pcc_text(const char *s)
{
	GString *out = g_string_new(NULL);

	pcc_escape(out, s);
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
	pc_text_json_append(out, s ? s : "");
}
