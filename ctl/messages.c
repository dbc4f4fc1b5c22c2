/*
 * NAME
 *	messages.c - the messages of the paths portcullisctl is given
 * DESCRIPTION
 *	A message file, an mbox (each "From " line at a line start begins a
 *	message, the line itself left out) or a directory of them (dot files
 *	and subdirectories left out).  learn, forget and rescore read their
 *	corpora this one way.
 */
#include "config.h"

#include <string.h>

#include "ctl.h"

static void
pcc_messages_file(const char *path, PccMessageFunc fn, gpointer user, guint *failed)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	const char *p, *next;

	if (!g_file_get_contents(path, &text, &len, &error)) {
		pcc_print_error(error->message);
		(*failed)++;
		return;
	}
	if (!g_str_has_prefix(text, "From ")) {
		if (len > 0)
			fn(path, text, len, user);
		return;
	}
	for (p = text; p != NULL && *p; p = next) {
		const char *body = strchr(p, '\n');
		gsize n;

		body = body ? body + 1 : text + len;
		next = g_strstr_len(body, text + len - body, "\nFrom ");
		n = (next ? next + 1 : text + len) - body;
		if (n > 0)
			fn(path, body, n, user);
		if (next != NULL)
			next++;
	}
}

void
pcc_messages_foreach(const char *path, PccMessageFunc fn, gpointer user, guint *failed)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = NULL;
	const char *name;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		pcc_messages_file(path, fn, user, failed);
		return;
	}
	dir = g_dir_open(path, 0, NULL);
	names = g_ptr_array_new_with_free_func(g_free);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL)
		if (*name != '.')
			g_ptr_array_add(names, g_build_filename(path, name, NULL));
	/* in name order: the same corpus is read the same way each time */
	g_ptr_array_sort(names, (GCompareFunc)pcc_strptrcmp);
	for (guint i = 0; i < names->len; i++)
		if (g_file_test(g_ptr_array_index(names, i), G_FILE_TEST_IS_REGULAR))
			pcc_messages_file(g_ptr_array_index(names, i), fn, user, failed);
}

gint
pcc_strptrcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
