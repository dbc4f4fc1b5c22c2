/*
 * NAME
 *	queue.c - notifications waiting to be sent, one file each
 * DESCRIPTION
 *	A queue file is named TIME-RANDOM.ATTEMPTS (attempts made so far, so
 *	the count survives a restart) and holds:
 *	  portcullis-notification 1
 *	  to ADDRESS          (one line per recipient)
 *	  (empty line)
 *	  the message, CRLF lines
 *	It is written to a dot name, fsync'ed and renamed, so the sender
 *	thread never sees half a file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <portcullis/random.h>

#include "notify-private.h"
#include "queue.h"

#define PCN_MAGIC "portcullis-notification 1\n"

static gboolean
pcn_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;

	g_set_error(error, PCN_ERROR, 0, "%s %s: %s", what, path, g_strerror(saved));
	return FALSE;
}

/* An address goes on a "to" line here and into RCPT TO:<...> or sendmail's
 * arguments later: a line break or an angle bracket in it would add a
 * recipient or an SMTP command.  The MTA refuses such addresses; this does
 * not rely on it. */
static gboolean
pcn_addresses_ok(const char *const *recipients, GError **error)
{
	for (guint i = 0; recipients[i] != NULL; i++) {
		const guchar *p = (const guchar *)recipients[i];

		for (; *p && *p >= 0x20 && *p != 0x7f && *p != '<' && *p != '>'; p++)
			;
		if (*p != '\0' || *recipients[i] == '\0') {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "refusing recipient %u: empty, or a control character or "
				    "angle bracket in it", i + 1);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
pcn_queue_put(const char *queue_dir, const char *const *recipients, const char *message,
	      GError **error)
{
	g_autofree char *nonce = pc_random_hex(4, error);
	g_autofree char *name = NULL;
	g_autofree char *tmp = NULL;
	g_autofree char *final = NULL;
	GString *text;
	gboolean ok;
	int fd;

	if (nonce == NULL || !pcn_addresses_ok(recipients, error))
		return FALSE;
	name = g_strdup_printf("%" G_GINT64_FORMAT "-%s.0", g_get_real_time(), nonce);
	tmp = g_strdup_printf("%s/.%s", queue_dir, name);
	final = g_build_filename(queue_dir, name, NULL);
	text = g_string_new(PCN_MAGIC);
	for (guint i = 0; recipients[i] != NULL; i++)
		g_string_append_printf(text, "to %s\n", recipients[i]);
	g_string_append_c(text, '\n');
	g_string_append(text, message);
	g_mkdir_with_parents(queue_dir, 0700);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, text->str, text->len) == (ssize_t)text->len && fsync(fd) == 0;
	if (!ok)
		pcn_errno(error, "cannot write", tmp);
	if (fd >= 0 && close(fd) != 0 && ok)
		ok = pcn_errno(error, "cannot write", tmp);
	if (ok && rename(tmp, final) != 0)
		ok = pcn_errno(error, "cannot rename", tmp);
	if (!ok)
		g_unlink(tmp);
	g_string_free(text, TRUE);
	return ok;
}

gboolean
pcn_queue_read(const char *path, GPtrArray *recipients, GBytes **message, GError **error)
{
	char *text = NULL;
	gsize len = 0;
	const char *p, *end;

	if (!g_file_get_contents(path, &text, &len, error))
		return FALSE;
	if (!g_str_has_prefix(text, PCN_MAGIC)) {
		g_free(text);
		g_set_error(error, PCN_ERROR, 0, "%s: not a notification queue file", path);
		return FALSE;
	}
	for (p = text + strlen(PCN_MAGIC); *p != '\n' && *p != '\0'; p = end + 1) {
		end = strchr(p, '\n');
		if (end == NULL || !g_str_has_prefix(p, "to "))
			break;
		g_ptr_array_add(recipients, g_strndup(p + 3, end - p - 3));
	}
	if (*p != '\n' || recipients->len == 0) {
		g_free(text);
		g_set_error(error, PCN_ERROR, 0, "%s: damaged notification queue file", path);
		return FALSE;
	}
	*message = g_bytes_new(p + 1, len - (p + 1 - text));
	g_free(text);
	return TRUE;
}

guint
pcn_queue_attempts(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? (guint)g_ascii_strtoull(dot + 1, NULL, 10) : 0;
}

char *
pcn_queue_renamed(const char *name, guint attempts)
{
	const char *dot = strrchr(name, '.');
	gsize base = dot ? (gsize)(dot - name) : strlen(name);

	return g_strdup_printf("%.*s.%u", (int)base, name, attempts);
}

GPtrArray *
pcn_queue_files(const char *dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);

		if (*name != '.' && g_file_test(path, G_FILE_TEST_IS_REGULAR))
			g_ptr_array_add(names, g_strdup(name));
	}
	return names;
}
