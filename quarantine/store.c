/*
 * NAME
 *	store.c - quarantine entries: atomic files and their metadata
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include <portcullis/random.h>

#include "index.h"
#include "store.h"

G_DEFINE_QUARK(pcq-error-quark, pcq_error)

#define PCQ_GROUP "entry"

static gboolean
pcq_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;

	g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "quarantine: %s %s: %s", what, path,
		    g_strerror(saved));
	return FALSE;
}

static char *
pcq_path(const char *dir, const char *id, const char *suffix)
{
	return g_strdup_printf("%s/%s%s", dir, id, suffix);
}

char *
pcq_message_path(const char *dir, const char *id)
{
	return pcq_path(dir, id, ".eml");
}

gboolean
pcq_valid_id(const char *id)
{
	return id != NULL && *id != '\0' && *id != '.' && strchr(id, '/') == NULL &&
	       strlen(id) < 200;
}

/* O_EXCL and O_NOFOLLOW: whoever else can write into the directory must
 * not get a temp name turned into a symlink written through.  A name left
 * by a crash (or planted) is removed - unlink does not follow links - and
 * the create tried once more. */
static int
pcq_create_tmp(const char *tmp)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(tmp, flags, 0600);

	if (fd < 0 && errno == EEXIST && g_unlink(tmp) == 0)
		fd = open(tmp, flags, 0600);
	return fd;
}

/* Temp name, write, fsync, rename: the final name exists only complete. */
static gboolean
pcq_write_file(const char *dir, const char *name, PcqWriteFunc write_fn, gpointer data,
	       GError **error)
{
	g_autofree char *final = g_build_filename(dir, name, NULL);
	g_autofree char *tmp = g_strdup_printf("%s/.%s.tmp", dir, name);
	int fd = pcq_create_tmp(tmp);

	if (fd < 0)
		return pcq_errno(error, "cannot create", tmp);
	if (!write_fn(fd, data, error) || fsync(fd) != 0) {
		if (error != NULL && *error == NULL)
			pcq_errno(error, "cannot write", tmp);
		close(fd);
		g_unlink(tmp);
		return FALSE;
	}
	if (close(fd) != 0 || rename(tmp, final) != 0) {
		pcq_errno(error, "cannot store", final);
		g_unlink(tmp);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pcq_write_text(int fd, gpointer data, GError **error)
{
	const char *text = data;
	gsize len = strlen(text), done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "quarantine: cannot write: %s",
				    g_strerror(errno));
			return FALSE;
		}
		done += n;
	}
	return TRUE;
}

static void
pcq_set_list(GKeyFile *kf, const char *key, char **list)
{
	if (list != NULL)
		g_key_file_set_string_list(kf, PCQ_GROUP, key, (const char *const *)list,
					   g_strv_length(list));
}

static void
pcq_set(GKeyFile *kf, const char *key, const char *value)
{
	if (value != NULL)
		g_key_file_set_string(kf, PCQ_GROUP, key, value);
}

static char *
pcq_meta_text(const PcqEntry *e)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(e->received);
	g_autofree char *iso = g_date_time_format_iso8601(when);

	pcq_set(kf, "id", e->id);
	g_key_file_set_int64(kf, PCQ_GROUP, "received", e->received);
	pcq_set(kf, "received_iso", iso);
	pcq_set(kf, "queue_id", e->queue_id);
	pcq_set(kf, "client_address", e->client_address);
	pcq_set(kf, "client_name", e->client_name);
	pcq_set(kf, "helo", e->helo);
	pcq_set(kf, "sender", e->sender);
	pcq_set_list(kf, "recipients", e->recipients);
	pcq_set(kf, "group", e->group);
	pcq_set(kf, "status", e->status);
	pcq_set(kf, "action", e->action);
	pcq_set(kf, "reason", e->reason);
	pcq_set_list(kf, "findings", e->findings);
	pcq_set_list(kf, "objects", e->objects);
	pcq_set(kf, "released", e->released);
	g_key_file_set_uint64(kf, PCQ_GROUP, "size", e->size);
	return g_key_file_to_data(kf, NULL, NULL);
}

static gboolean
pcq_sync_dir(const char *dir, GError **error)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		return pcq_errno(error, "cannot sync directory", dir);
	}
	close(fd);
	return TRUE;
}

/* Time first, so that names sort by age; the random part keeps two
 * messages of one second and queue id apart, and is not guessable from
 * other ids or Message-IDs (release marks name an id). */
static char *
pcq_new_id(const char *queue_id, gint64 received, GError **error)
{
	g_autofree char *nonce = pc_random_hex(4, error);
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(received);
	g_autofree char *stamp = g_date_time_format(when, "%Y%m%dT%H%M%S");
	GString *id;

	if (nonce == NULL)
		return NULL;
	id = g_string_new(stamp);
	g_string_append_c(id, '-');
	for (const char *p = queue_id ? queue_id : "NOQUEUE"; *p; p++)
		g_string_append_c(id, g_ascii_isalnum(*p) ? *p : '_');
	g_string_append_printf(id, "-%s", nonce);
	return g_string_free(id, FALSE);
}

gboolean
pcq_entry_save(const char *dir, const PcqEntry *entry, GError **error)
{
	g_autofree char *name = g_strconcat(entry->id, ".meta", NULL);
	g_autofree char *text = pcq_meta_text(entry);

	return pcq_write_file(dir, name, pcq_write_text, text, error) && pcq_sync_dir(dir, error);
}

gboolean
pcq_store(const char *dir, const PcqEntry *entry, PcqWriteFunc write_message, gpointer data,
	  char **id, char **warning, GError **error)
{
	PcqEntry stored = *entry;
	g_autofree char *new_id = pcq_new_id(entry->queue_id, entry->received, error);
	g_autofree char *eml = NULL;
	g_autofree char *path = NULL;
	g_autoptr(GError) index_error = NULL;
	struct stat st;

	if (new_id == NULL)
		return FALSE;
	eml = g_strconcat(new_id, ".eml", NULL);
	path = g_build_filename(dir, eml, NULL);
	if (!pcq_write_file(dir, eml, write_message, data, error))
		return FALSE;
	stored.id = new_id;
	stored.size = stat(path, &st) == 0 ? (guint64)st.st_size : 0;
	stored.damaged = FALSE;
	stored.damage = NULL;
	if (!pcq_entry_save(dir, &stored, error)) {
		g_unlink(path);
		return FALSE;
	}
	if (!pcq_index_add(dir, &stored, &index_error) && warning != NULL)
		*warning = g_strdup(index_error->message);
	*id = g_steal_pointer(&new_id);
	return TRUE;
}

void
pcq_entry_free(PcqEntry *e)
{
	if (e == NULL)
		return;
	g_free(e->id);
	g_free(e->queue_id);
	g_free(e->client_address);
	g_free(e->client_name);
	g_free(e->helo);
	g_free(e->sender);
	g_strfreev(e->recipients);
	g_free(e->group);
	g_free(e->status);
	g_free(e->action);
	g_free(e->reason);
	g_strfreev(e->findings);
	g_strfreev(e->objects);
	g_free(e->released);
	g_free(e->damage);
	g_free(e);
}

static char *
pcq_get(GKeyFile *kf, const char *key)
{
	char *value = g_key_file_get_string(kf, PCQ_GROUP, key, NULL);

	return value ? value : g_strdup("");
}

static void
pcq_entry_fill(PcqEntry *e, GKeyFile *kf)
{
	e->received = g_key_file_get_int64(kf, PCQ_GROUP, "received", NULL);
	e->queue_id = pcq_get(kf, "queue_id");
	e->client_address = pcq_get(kf, "client_address");
	e->client_name = pcq_get(kf, "client_name");
	e->helo = pcq_get(kf, "helo");
	e->sender = pcq_get(kf, "sender");
	e->recipients = g_key_file_get_string_list(kf, PCQ_GROUP, "recipients", NULL, NULL);
	e->group = pcq_get(kf, "group");
	e->status = pcq_get(kf, "status");
	e->action = pcq_get(kf, "action");
	e->reason = pcq_get(kf, "reason");
	e->findings = g_key_file_get_string_list(kf, PCQ_GROUP, "findings", NULL, NULL);
	e->objects = g_key_file_get_string_list(kf, PCQ_GROUP, "objects", NULL, NULL);
	e->released = g_key_file_get_string(kf, PCQ_GROUP, "released", NULL);
	e->size = g_key_file_get_uint64(kf, PCQ_GROUP, "size", NULL);
	if (e->recipients == NULL)
		e->recipients = g_new0(char *, 1);
}

static void
pcq_damaged(PcqEntry *e, char *what)
{
	e->damaged = TRUE;
	g_free(e->damage);
	e->damage = what;
	if (e->status == NULL)
		e->status = g_strdup("damaged");
}

/* Why the open file fd is not to be read as an entry file, or NULL.
 * Anything but a regular file of the store's owner (or of ours) may have
 * been put there by someone else who can write into the directory, to
 * make portcullisctl - perhaps root - read or mail a file they choose. */
static char *
pcq_unsafe(int fd, uid_t owner)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return g_strdup(g_strerror(errno));
	if (!S_ISREG(st.st_mode))
		return g_strdup("not a regular file");
	if (st.st_uid != owner && st.st_uid != geteuid())
		return g_strdup_printf("owned by uid %u, not by the quarantine's owner (uid %u)",
				       (guint)st.st_uid, (guint)owner);
	return NULL;
}

int
pcq_open_file(const char *dir, const char *id, const char *suffix, GError **error)
{
	g_autofree char *path = pcq_path(dir, id, suffix);
	g_autofree char *why = NULL;
	struct stat st;
	int fd;

	if (!pcq_valid_id(id)) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND, "no entry %s in %s", id, dir);
		return -1;
	}
	if (stat(dir, &st) != 0) {
		pcq_errno(error, "cannot read", dir);
		return -1;
	}
	/* O_NONBLOCK: a planted FIFO must not hang the open. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND, "%s: no such file", path);
		return -1;
	}
	if (fd < 0 && errno != ELOOP) {
		pcq_errno(error, "cannot open", path);
		return -1;
	}
	why = fd < 0 ? g_strdup("a symbolic link") : pcq_unsafe(fd, st.st_uid);
	if (why != NULL) {
		if (fd >= 0)
			close(fd);
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_DAMAGED, "%s: refused: %s", path, why);
		return -1;
	}
	return fd;
}

GMappedFile *
pcq_map_file(const char *dir, const char *id, const char *suffix, GError **error)
{
	int fd = pcq_open_file(dir, id, suffix, error);
	GMappedFile *map;

	if (fd < 0)
		return NULL;
	map = g_mapped_file_new_from_fd(fd, FALSE, error);
	close(fd);
	return map;
}

/* The .meta into e; FALSE and error when it is missing (NOT_FOUND) or bad. */
static gboolean
pcq_entry_read_meta(PcqEntry *e, const char *dir, GError **error)
{
	g_autoptr(GMappedFile) map = pcq_map_file(dir, e->id, ".meta", error);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;

	if (map == NULL)
		return FALSE;
	if (!g_key_file_load_from_data(kf, g_mapped_file_get_contents(map),
				       g_mapped_file_get_length(map), G_KEY_FILE_NONE, &local)) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_DAMAGED, "%s/%s.meta: %s", dir, e->id,
			    local->message);
		return FALSE;
	}
	pcq_entry_fill(e, kf);
	return TRUE;
}

PcqEntry *
pcq_entry_load(const char *dir, const char *id, GError **error)
{
	g_autoptr(GError) meta_error = NULL;
	g_autoptr(GError) eml_error = NULL;
	g_autoptr(PcqEntry) e = NULL;
	int fd;

	if (!pcq_valid_id(id)) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND, "no entry %s in %s", id, dir);
		return NULL;
	}
	e = g_new0(PcqEntry, 1);
	e->id = g_strdup(id);
	fd = pcq_open_file(dir, id, ".eml", &eml_error);
	if (fd >= 0)
		close(fd);
	if (!pcq_entry_read_meta(e, dir, &meta_error) &&
	    g_error_matches(meta_error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND) &&
	    g_error_matches(eml_error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND)) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND, "no entry %s in %s", id, dir);
		return NULL;
	}
	if (g_error_matches(meta_error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND))
		pcq_damaged(e, g_strdup("no .meta file (written incompletely?)"));
	else if (meta_error != NULL)
		pcq_damaged(e, g_strdup(meta_error->message));
	if (g_error_matches(eml_error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND))
		pcq_damaged(e, g_strdup("the message file .eml is missing"));
	else if (eml_error != NULL)
		pcq_damaged(e, g_strdup(eml_error->message));
	return g_steal_pointer(&e);
}

gboolean
pcq_delete(const char *dir, const char *id, GError **error)
{
	g_autofree char *meta = pcq_path(dir, id, ".meta");
	g_autofree char *eml = pcq_message_path(dir, id);
	gboolean any;

	if (!pcq_valid_id(id)) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND, "no entry %s in %s", id, dir);
		return FALSE;
	}
	/* .meta first: an entry without it is not listed as complete. */
	any = g_unlink(meta) == 0;
	any = (g_unlink(eml) == 0) || any;
	pcq_index_remove(dir, id, NULL);
	if (!any) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND, "no entry %s in %s", id, dir);
		return FALSE;
	}
	return pcq_sync_dir(dir, error);
}

gboolean
pcq_entry_released_to(const PcqEntry *e, const char *address)
{
	g_auto(GStrv) releases = e->released ? g_strsplit(e->released, "; ", -1) : NULL;

	for (guint r = 0; releases != NULL && releases[r] != NULL; r++) {
		const char *to = strstr(releases[r], " to ");
		g_auto(GStrv) list = to ? g_strsplit(to + 4, ",", -1) : NULL;

		for (guint i = 0; list != NULL && list[i] != NULL; i++)
			if (g_ascii_strcasecmp(g_strstrip(list[i]), address) == 0)
				return TRUE;
	}
	return FALSE;
}

char **
pcq_object_fields(const char *line, guint *depth)
{
	char **f = g_strsplit(line, "\t", 6);

	if (g_strv_length(f) < 6) {
		g_strfreev(f);
		return NULL;
	}
	*depth = 0;
	for (const char *p = f[0]; *p; p++)
		*depth += *p == '.';
	return f;
}
