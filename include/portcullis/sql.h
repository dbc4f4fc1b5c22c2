/*
 * NAME
 *	sql.h - SQLite LIKE patterns from text a person typed
 * DESCRIPTION
 *	The quarantine index and the message trace both search addresses
 *	with LIKE ... ESCAPE '\': pc_sql_like() makes the pattern, with
 *	LIKE's own characters in value taken literally.  head and tail are
 *	pattern text put around it as they are ("%", "%@", "").
 */
#ifndef PC_SQL_H
#define PC_SQL_H

#include <glib.h>

static inline char *
pc_sql_like(const char *head, const char *value, const char *tail)
{
	GString *out = g_string_new(head);

	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	g_string_append(out, tail);
	return g_string_free(out, FALSE);
}

#endif
