/*
 * NAME
 *	quarantine.c - atomic storage of quarantined messages
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "quarantine.h"

typedef gboolean (*PcmWriteFunc)(int fd, gconstpointer data, GError **error);

static gboolean
pcm_quarantine_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;

	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "quarantine: %s %s: %s",
		    what, path, g_strerror(saved));
	return FALSE;
}

/* Temp file, write, fsync, rename: the final name exists only when complete. */
static gboolean
pcm_quarantine_write(const char *dir, const char *name, PcmWriteFunc write_fn,
		     gconstpointer data, GError **error)
{
	g_autofree char *final = g_build_filename(dir, name, NULL);
	g_autofree char *tmp = g_strdup_printf("%s/.%s.tmp", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return pcm_quarantine_errno(error, "cannot create", tmp);
	if (!write_fn(fd, data, error) || fsync(fd) != 0) {
		if (error != NULL && *error == NULL)
			pcm_quarantine_errno(error, "cannot sync", tmp);
		close(fd);
		g_unlink(tmp);
		return FALSE;
	}
	if (close(fd) != 0 || rename(tmp, final) != 0) {
		pcm_quarantine_errno(error, "cannot store", final);
		g_unlink(tmp);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pcm_quarantine_write_message(int fd, gconstpointer data, GError **error)
{
	return pcm_spool_copy_to(data, fd, error);
}

static gboolean
pcm_quarantine_write_text(int fd, gconstpointer data, GError **error)
{
	return pcm_write_all(fd, data, strlen(data), error);
}

static char *
pcm_quarantine_envelope(const PcmConn *conn, const PcmMsg *msg, const PcVerdict *verdict)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *when = g_date_time_format_iso8601(now);
	g_autofree char *what = pc_verdict_describe(verdict);

	g_key_file_set_string(kf, "envelope", "queue_id", msg->queue_id);
	g_key_file_set_string(kf, "envelope", "sender", msg->sender);
	g_key_file_set_string_list(kf, "envelope", "recipients",
				   (const char *const *)msg->recipients->pdata,
				   msg->recipients->len);
	g_key_file_set_string(kf, "envelope", "client_name", conn->client_name);
	g_key_file_set_string(kf, "envelope", "client_address", conn->client_addr);
	g_key_file_set_string(kf, "envelope", "helo", conn->helo ? conn->helo : "");
	g_key_file_set_string(kf, "envelope", "received", when);
	g_key_file_set_uint64(kf, "envelope", "size", msg->size);
	g_key_file_set_string(kf, "verdict", "status", pc_status_name(verdict->status));
	g_key_file_set_string(kf, "verdict", "summary", what);
	return g_key_file_to_data(kf, NULL, NULL);
}

gboolean
pcm_quarantine_store(const char *dir, const PcmConn *conn, const PcmMsg *msg,
		     const PcVerdict *verdict, char **name, GError **error)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
	g_autofree char *base = g_strdup_printf("%s-%s-%08x", stamp, msg->queue_id,
						g_random_int());
	g_autofree char *eml = g_strconcat(base, ".eml", NULL);
	g_autofree char *env = g_strconcat(base, ".env", NULL);
	g_autofree char *envelope = pcm_quarantine_envelope(conn, msg, verdict);
	int dirfd;

	if (msg->spool == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "quarantine: message content was not kept");
		return FALSE;
	}
	if (!pcm_quarantine_write(dir, eml, pcm_quarantine_write_message, msg->spool, error) ||
	    !pcm_quarantine_write(dir, env, pcm_quarantine_write_text, envelope, error))
		return FALSE;
	/* The renames are durable only once the directory itself is synced. */
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || fsync(dirfd) != 0) {
		if (dirfd >= 0)
			close(dirfd);
		return pcm_quarantine_errno(error, "cannot sync directory", dir);
	}
	close(dirfd);
	*name = g_steal_pointer(&base);
	return TRUE;
}
