/*
 * NAME
 *	audit.c - the web console's audit log (audit.h)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <portcullis/text.h>

#include "audit.h"

#define PCW_AUDIT_TAIL (1024 * 1024)

struct _PcwAudit {
	int fd;		/* -1: no log */
	char *path;
};

PcwAudit *
pcw_audit_open(const char *path, GError **error)
{
	PcwAudit *a = g_new0(PcwAudit, 1);
	g_autofree char *dir = g_path_get_dirname(path);

	a->fd = -1;
	a->path = g_strdup(path);
	if (*path == '\0')
		return a;
	if (g_mkdir_with_parents(dir, 0750) != 0 ||
	    (a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0) {
		int saved = errno;

		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			    "audit log %s: %s", path, g_strerror(saved));
		pcw_audit_close(a);
		return NULL;
	}
	return a;
}

void
pcw_audit_write(PcwAudit *a, gint64 now, const char *user, const char *action, const char *what,
		const char *result)
{
	g_autoptr(GString) line = g_string_new(NULL);

	if (a->fd < 0)
		return;
	g_string_printf(line, "{\"time\":%" G_GINT64_FORMAT ",\"user\":", now);
	pc_text_json_append(line, user);
	g_string_append(line, ",\"action\":");
	pc_text_json_append(line, action);
	g_string_append(line, ",\"what\":");
	pc_text_json_append(line, what);
	g_string_append(line, ",\"result\":");
	pc_text_json_append(line, result);
	g_string_append(line, "}\n");
	if (write(a->fd, line->str, line->len) != (ssize_t)line->len || fsync(a->fd) != 0)
		g_warning("audit log %s: cannot write (%s): %s", a->path, g_strerror(errno),
			  line->str);
}

void
pcw_audit_close(PcwAudit *a)
{
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	g_free(a->path);
	g_free(a);
}

char **
pcw_audit_tail(const char *path, guint limit, GError **error)
{
	g_autoptr(GStrvBuilder) out = g_strv_builder_new();
	g_autoptr(GMappedFile) map = NULL;
	g_autoptr(GError) local = NULL;
	g_auto(GStrv) lines = NULL;
	g_autofree char *text = NULL;
	const char *data;
	gsize len, from;
	guint n, taken = 0;

	if (*path == '\0' || ((map = g_mapped_file_new(path, FALSE, &local)) == NULL &&
			      g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)))
		return g_strv_builder_end(out);
	if (map == NULL) {
		g_propagate_error(error, g_steal_pointer(&local));
		return NULL;
	}
	data = g_mapped_file_get_contents(map);
	len = g_mapped_file_get_length(map);
	from = len > PCW_AUDIT_TAIL ? len - PCW_AUDIT_TAIL : 0;
	/* a line cut by the megabyte's start is left out */
	while (from > 0 && from < len && data[from - 1] != '\n')
		from++;
	if (data == NULL || from >= len)
		return g_strv_builder_end(out);
	text = g_strndup(data + from, len - from);
	lines = g_strsplit(text, "\n", -1);
	n = g_strv_length(lines);
	for (guint i = n; i > 0 && taken < limit; i--)
		if (*lines[i - 1] != '\0') {
			g_strv_builder_add(out, lines[i - 1]);
			taken++;
		}
	return g_strv_builder_end(out);
}
