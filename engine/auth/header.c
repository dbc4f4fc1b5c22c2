/*
 * NAME
 *	header.c - raw header fields, tag lists and canonical forms
 */
#include "config.h"

#include <string.h>

#include "header.h"

static gboolean
pc_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The line starting at p: its length without the line end, and where the
 * next line starts. */
static gsize
pc_line(const guint8 *data, gsize len, gsize p, gsize *next)
{
	const guint8 *nl = memchr(data + p, '\n', len - p);
	gsize end = nl ? (gsize)(nl - data) : len;

	*next = nl ? end + 1 : len;
	if (end > p && data[end - 1] == '\r')
		end--;
	return end - p;
}

static void
pc_auth_field_free(gpointer data)
{
	PcAuthField *f = data;

	g_free(f->name);
	g_free(f->raw);
	g_free(f);
}

static void
pc_auth_field_add(GPtrArray *fields, GString *raw)
{
	const char *colon = strchr(raw->str, ':');
	PcAuthField *f;

	if (colon == NULL)	/* not a field: nothing can sign it */
		return;
	f = g_new(PcAuthField, 1);
	f->name = g_strstrip(g_strndup(raw->str, (gsize)(colon - raw->str)));
	f->raw = g_strdup(raw->str);
	g_ptr_array_add(fields, f);
}

GPtrArray *
pc_auth_fields(const guint8 *data, gsize len, guint max, gsize *body_offset)
{
	GPtrArray *fields = g_ptr_array_new_with_free_func(pc_auth_field_free);
	g_autoptr(GString) raw = NULL;
	gsize p = 0, next;

	while (p < len) {
		gsize n = pc_line(data, len, p, &next);

		if (n == 0) {	/* the empty line: the body follows */
			p = next;
			break;
		}
		if (!pc_is_wsp((char)data[p]) || raw == NULL) {
			if (raw != NULL && fields->len < max)
				pc_auth_field_add(fields, raw);
			if (raw != NULL)
				g_string_truncate(raw, 0);
			else
				raw = g_string_new(NULL);
		} else {
			g_string_append(raw, "\r\n");
		}
		g_string_append_len(raw, (const char *)data + p, (gssize)n);
		p = next;
	}
	if (raw != NULL && fields->len < max)
		pc_auth_field_add(fields, raw);
	*body_offset = p;
	return fields;
}

const char *
pc_auth_field_value(const PcAuthField *field)
{
	return strchr(field->raw, ':') + 1;
}

static char *
pc_without_fws(const char *s, gsize n)
{
	GString *out = g_string_sized_new(n);

	for (gsize i = 0; i < n; i++)
		if (!g_ascii_isspace(s[i]))
			g_string_append_c(out, s[i]);
	return g_string_free(out, FALSE);
}

static gboolean
pc_tag_name_ok(const char *name)
{
	if (!g_ascii_isalpha(*name))
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '_')
			return FALSE;
	return TRUE;
}

GHashTable *
pc_auth_tags(const char *list)
{
	g_autoptr(GHashTable) tags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							   g_free);
	const char *p = list;

	while (*p != '\0') {
		const char *end = strchr(p, ';'), *eq;
		g_autofree char *name = NULL;

		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (gsize)(end - p));
		if (eq == NULL) {
			/* only an empty segment may lack a tag */
			for (const char *q = p; q < end; q++)
				if (!g_ascii_isspace(*q))
					return NULL;
		} else {
			name = g_strstrip(g_strndup(p, (gsize)(eq - p)));
			if (!pc_tag_name_ok(name) || g_hash_table_contains(tags, name))
				return NULL;
			g_hash_table_insert(tags, g_steal_pointer(&name),
					    pc_without_fws(eq + 1, (gsize)(end - eq - 1)));
		}
		p = *end ? end + 1 : end;
	}
	return g_steal_pointer(&tags);
}

char *
pc_auth_strip_b(const char *raw)
{
	const char *colon = strchr(raw, ':');
	GString *out = g_string_new_len(raw, colon ? colon + 1 - raw : 0);
	const char *p = colon ? colon + 1 : raw + strlen(raw);

	while (*p != '\0') {
		const char *end = strchr(p, ';'), *eq = NULL;
		g_autofree char *name = NULL;

		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (gsize)(end - p));
		if (eq != NULL)
			name = g_strstrip(g_strndup(p, (gsize)(eq - p)));
		if (name != NULL && strcmp(name, "b") == 0)
			g_string_append_len(out, p, eq + 1 - p);
		else
			g_string_append_len(out, p, end - p);
		if (*end == ';')
			g_string_append_c(out, ';');
		p = *end ? end + 1 : end;
	}
	return g_string_free(out, FALSE);
}

/* Relaxed: name lowercased, unfolded, white space runs one space, none at
 * either end of the value (RFC 6376 3.4.2). */
static void
pc_canon_relaxed(GString *out, const char *raw)
{
	const char *colon = strchr(raw, ':');
	gsize start;
	gboolean space = FALSE;

	for (const char *p = raw; p < colon; p++)
		if (!g_ascii_isspace(*p))
			g_string_append_c(out, g_ascii_tolower(*p));
	g_string_append_c(out, ':');
	start = out->len;
	for (const char *p = colon + 1; *p; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		if (pc_is_wsp(*p)) {
			space = TRUE;
			continue;
		}
		if (space && out->len > start)
			g_string_append_c(out, ' ');
		space = FALSE;
		g_string_append_c(out, *p);
	}
}

void
pc_auth_canon_header(GString *out, const char *raw, gboolean relaxed, gboolean crlf)
{
	if (relaxed)
		pc_canon_relaxed(out, raw);
	else
		g_string_append(out, raw);
	if (crlf)
		g_string_append(out, "\r\n");
}

static void
pc_body_emit(PcAuthBody *b, const char *s, gsize n)
{
	gsize take = (gsize)MIN((guint64)n, b->limit > b->length ? b->limit - b->length : 0);

	if (take > 0)
		g_checksum_update(b->hash, (const guchar *)s, (gssize)take);
	b->length += n;
}

static void
pc_body_line(PcAuthBody *b, const char *line, gsize n)
{
	g_autoptr(GString) c = g_string_sized_new(n + 2);

	if (b->relaxed) {
		gboolean space = FALSE;

		for (gsize i = 0; i < n; i++) {
			if (pc_is_wsp(line[i])) {
				space = TRUE;
				continue;
			}
			if (space)
				g_string_append_c(c, ' ');
			space = FALSE;
			g_string_append_c(c, line[i]);
		}
	} else {
		g_string_append_len(c, line, (gssize)n);
	}
	if (c->len == 0) {	/* trailing empty lines do not count */
		b->empty_lines++;
		return;
	}
	for (; b->empty_lines > 0; b->empty_lines--)
		pc_body_emit(b, "\r\n", 2);
	g_string_append(c, "\r\n");
	pc_body_emit(b, c->str, c->len);
	b->any = TRUE;
}

void
pc_auth_body_run(PcAuthBody *b, const guint8 *data, gsize len)
{
	gsize p = 0, next;

	while (p < len) {
		gsize n = pc_line(data, len, p, &next);

		pc_body_line(b, (const char *)data + p, n);
		p = next;
	}
	/* simple's empty body is one CRLF; relaxed's is nothing (RFC 6376 3.4.3-4) */
	if (!b->any && !b->relaxed)
		pc_body_emit(b, "\r\n", 2);
}
