/*
 * NAME
 *	embedded.c - files encoded inside text parts
 * DESCRIPTION
 *	Mail clients once pasted files into the body text: uuencode, BinHex,
 *	yEnc.  GMime does not split them out of a text part.  libclamav's
 *	mail parser finds uuencode and BinHex in the whole-message second
 *	opinion, which pc_mime_embedded_encoding() asks for; nobody decodes
 *	yEnc, so pc_mime_yenc() does, and the engine scans each file.
 */
#include "config.h"

#include <string.h>

#include "mime.h"

/* A uuencode block starts "begin NNN name" at the start of a line. */
static gboolean
pc_mime_has_uuencode(const guint8 *data, gsize len)
{
	const char *text = (const char *)data;

	for (gsize i = 0; i + 10 < len; i++) {
		if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "begin ", 6) == 0 &&
		    g_ascii_isdigit(text[i + 6]) && g_ascii_isdigit(text[i + 7]) &&
		    g_ascii_isdigit(text[i + 8]))
			return TRUE;
	}
	return FALSE;
}

const char *
pc_mime_embedded_encoding(const guint8 *data, gsize len)
{
	if (len == 0)
		return NULL;
	if (pc_mime_has_uuencode(data, len))
		return "uuencode";
	if (memmem(data, len, "(This file must be converted with BinHex", 40) != NULL)
		return "binhex";
	if (memmem(data, len, "=ybegin ", 8) != NULL)
		return "yenc";
	return NULL;
}

static gboolean
pc_mime_uu_begin(const char *p, const char *end)
{
	return end - p > 10 && memcmp(p, "begin ", 6) == 0 && g_ascii_isdigit(p[6]) &&
	       g_ascii_isdigit(p[7]) && g_ascii_isdigit(p[8]);
}

guint
pc_mime_embedded_starts(const guint8 *data, gsize len, gsize *offsets, guint max)
{
	static const char binhex[] = "(This file must be converted with BinHex";
	const char *text = (const char *)data, *end = text + len;
	guint n = 0;

	/* Line starts after the first: at offset 0 the part's own scan sees it. */
	for (const char *p = memchr(text, '\n', len); p != NULL && n < max;
	     p = memchr(p, '\n', end - p)) {
		p++;
		if (p < end && (pc_mime_uu_begin(p, end) ||
				((gsize)(end - p) >= sizeof(binhex) - 1 &&
				 memcmp(p, binhex, sizeof(binhex) - 1) == 0)))
			offsets[n++] = (gsize)(p - text);
	}
	return n;
}

/* The value of "key=" on a =y control line, up to the end of the line
 * ("name" takes the rest of the line: names may hold spaces). */
static char *
pc_yenc_param(const char *line, gsize len, const char *key)
{
	g_autofree char *copy = g_strndup(line, len);
	g_autofree char *pattern = g_strdup_printf(" %s=", key);
	char *at = strstr(copy, pattern);
	char *end;

	if (at == NULL)
		return NULL;
	at += strlen(pattern);
	end = strcmp(key, "name") == 0 ? at + strcspn(at, "\r\n") : at + strcspn(at, " \r\n");
	return g_strstrip(g_strndup(at, end - at));
}

/* Decodes one block's data lines from p up to "=yend"; returns where the
 * block ended. */
static const char *
pc_yenc_block(const char *p, const char *end, GByteArray *out)
{
	gboolean escape = FALSE;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *line_end = nl ? nl : end;

		if (line_end - p >= 2 && p[0] == '=' && p[1] == 'y') {
			if (line_end - p >= 5 && strncmp(p, "=yend", 5) == 0)
				return line_end;
			p = nl ? nl + 1 : end;	/* =ypart and the like */
			continue;
		}
		for (const char *c = p; c < line_end; c++) {
			guint8 byte;

			if (*c == '\r')
				continue;
			if (!escape && *c == '=') {
				escape = TRUE;
				continue;
			}
			byte = (guint8)*c - (escape ? 64 : 0) - 42;
			escape = FALSE;
			g_byte_array_append(out, &byte, 1);
		}
		p = nl ? nl + 1 : end;
	}
	return end;
}

guint
pc_mime_yenc(const guint8 *data, gsize len, PcYencFunc visit, gpointer user)
{
	const char *text = (const char *)data, *end = text + len, *p = text;
	guint blocks = 0;

	/* Each file costs a scan: a few bytes of "=ybegin" lines must not buy
	 * an attacker hundreds of them. */
	while (p < end && blocks < PC_MIME_MAX_YENC &&
	       (p = memmem(p, end - p, "=ybegin ", 8)) != NULL) {
		const char *nl = memchr(p, '\n', end - p);
		g_autofree char *name = NULL;
		g_autoptr(GByteArray) out = g_byte_array_new();

		if ((p == text || p[-1] == '\n') && nl != NULL) {
			name = pc_yenc_param(p, nl - p, "name");
			p = pc_yenc_block(nl + 1, end, out);
			if (out->len > 0)
				visit(out->data, out->len, name, user);
			blocks++;
		} else {
			p += 8;
		}
	}
	return blocks;
}
