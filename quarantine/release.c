/*
 * NAME
 *	release.c - release marks: HMAC over id, time, recipients and body
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <portcullis/random.h>

#include "release.h"
#include "store.h"

#define PCQ_KEY_BYTES 32

/* Written to a temp name and linked into place: a reader never sees a
 * partial key, and of two daemons starting at once exactly one wins. */
static GBytes *
pcq_release_key_create(const char *path, GError **error)
{
	g_autofree char *hex = pc_random_hex(PCQ_KEY_BYTES, error);
	g_autofree char *text = NULL;
	g_autofree char *tmp = g_strdup_printf("%s.%d.tmp", path, (int)getpid());
	gsize len;
	int fd;

	if (hex == NULL)
		return NULL;
	text = g_strconcat(hex, "\n", NULL);
	len = strlen(text);
	g_unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		gboolean written = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;

		if (close(fd) != 0 || !written)
			fd = -1;
	}
	memset(text, 0, len);
	if (fd < 0 || link(tmp, path) != 0) {
		int saved = errno;

		g_unlink(tmp);
		if (saved == EEXIST)
			return pcq_release_key_load(path, FALSE, error);
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "cannot create %s: %s", path,
			    g_strerror(saved));
		return NULL;
	}
	g_unlink(tmp);
	return g_bytes_new(hex, strlen(hex));
}

GBytes *
pcq_release_key_load(const char *path, gboolean create, GError **error)
{
	g_autoptr(GError) local = NULL;
	char *text = NULL;
	gsize len = 0;

	if (g_file_get_contents(path, &text, &len, &local)) {
		g_strstrip(text);
		if (strlen(text) < 32) {
			g_free(text);
			g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED,
				    "%s: too short for a secret (32 characters at least)", path);
			return NULL;
		}
		return g_bytes_new_take(text, strlen(text));
	}
	if (create && g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
		return pcq_release_key_create(path, error);
	g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "%s", local->message);
	return NULL;
}

/* Everything after the first empty line, CRs dropped: the same bytes
 * whether the message travels with CRLF or LF line ends. */
static char *
pcq_body_digest(const guint8 *message, gsize len)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	gsize start = len;
	gsize run = 0;

	for (gsize i = 0; i < len; i++) {
		if (message[i] == '\r')
			continue;
		if (message[i] == '\n' && ++run == 2) {
			start = i + 1;
			break;
		}
		if (message[i] != '\n')
			run = 0;
	}
	for (gsize i = start; i < len;) {
		gsize j = i;

		while (j < len && message[j] != '\r')
			j++;
		g_checksum_update(sum, message + i, j - i);
		i = j + 1;
	}
	return g_strdup(g_checksum_get_string(sum));
}

static gint
pcq_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
pcq_release_mac(GBytes *key, const char *id, gint64 time, const char *const *recipients,
		const guint8 *message, gsize len)
{
	g_autoptr(GHmac) hmac = g_hmac_new(G_CHECKSUM_SHA256, g_bytes_get_data(key, NULL),
					   g_bytes_get_size(key));
	g_autoptr(GPtrArray) rcpts = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *body = pcq_body_digest(message, len);
	g_autofree char *head = g_strdup_printf("portcullis-release\n%s\n%" G_GINT64_FORMAT "\n",
						id, time);

	for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
		g_ptr_array_add(rcpts, g_ascii_strdown(recipients[i], -1));
	g_ptr_array_sort(rcpts, pcq_strcmp);
	g_hmac_update(hmac, (const guchar *)head, -1);
	for (guint i = 0; i < rcpts->len; i++) {
		g_hmac_update(hmac, g_ptr_array_index(rcpts, i), -1);
		g_hmac_update(hmac, (const guchar *)"\n", 1);
	}
	g_hmac_update(hmac, (const guchar *)body, -1);
	return g_strdup(g_hmac_get_string(hmac));
}

char *
pcq_release_mark(GBytes *key, const char *id, gint64 now, const char *const *recipients,
		 const guint8 *message, gsize len)
{
	g_autofree char *mac = pcq_release_mac(key, id, now, recipients, message, len);

	return g_strdup_printf("id=%s; t=%" G_GINT64_FORMAT "; mac=%s", id, now, mac);
}

/* "id=X; t=N; mac=H" -> its three values; FALSE when not of that form. */
static gboolean
pcq_release_parse(const char *value, char **id, gint64 *time, char **mac)
{
	g_auto(GStrv) fields = g_strsplit(value, ";", -1);
	char *end = NULL;

	*id = *mac = NULL;
	*time = -1;
	for (guint i = 0; fields[i] != NULL; i++) {
		char *f = g_strstrip(fields[i]);

		if (g_str_has_prefix(f, "id=") && *id == NULL)
			*id = g_strdup(f + 3);
		else if (g_str_has_prefix(f, "t=") && *time < 0)
			*time = g_ascii_strtoll(f + 2, &end, 10);
		else if (g_str_has_prefix(f, "mac=") && *mac == NULL)
			*mac = g_strdup(f + 4);
	}
	if (*id != NULL && **id != '\0' && *time >= 0 && *mac != NULL && end != NULL &&
	    *end == '\0')
		return TRUE;
	g_clear_pointer(id, g_free);
	g_clear_pointer(mac, g_free);
	return FALSE;
}

static gboolean
pcq_release_check_mac(GBytes *key, const char *value, gint64 now,
		      const char *const *recipients, const guint8 *message, gsize len,
		      char **id, gint64 *time, char **mac, char **reason)
{
	g_autofree char *expect = NULL;

	if (!pcq_release_parse(value, id, time, mac)) {
		*reason = g_strdup("malformed");
		return FALSE;
	}
	if (*time > now + 300 || now - *time > PCQ_RELEASE_MAX_AGE) {
		*reason = g_strdup("expired");
	} else {
		expect = pcq_release_mac(key, *id, *time, recipients, message, len);
		if (pc_secret_equal(expect, *mac))
			return TRUE;
		*reason = g_strdup("bad mac");
	}
	g_clear_pointer(id, g_free);
	g_clear_pointer(mac, g_free);
	return FALSE;
}

gboolean
pcq_release_verify(GBytes *key, const char *value, gint64 now, const char *const *recipients,
		   const guint8 *message, gsize len, char **id, char **reason)
{
	g_autofree char *mac = NULL;
	gint64 time;

	*id = NULL;
	*reason = NULL;
	return pcq_release_check_mac(key, value, now, recipients, message, len, id, &time, &mac,
				     reason);
}

static char *
pcq_used_dir(const char *dir)
{
	return g_build_filename(dir, PCQ_RELEASE_USED_DIR, NULL);
}

/* One empty file per mark that let a message through, named after the
 * mark's time and mac.  O_EXCL decides: of two deliveries of one mark,
 * however concurrent, exactly one creates it.  The directory is synced
 * so that a crash does not give the mark a second life. */
static gboolean
pcq_release_record(const char *dir, gint64 time, const char *mac, char **reason)
{
	g_autofree char *used = pcq_used_dir(dir);
	g_autofree char *name = g_strdup_printf("%s/%" G_GINT64_FORMAT "-%s", used, time, mac);
	int fd, dfd;

	if (g_mkdir_with_parents(used, 0700) != 0) {
		*reason = g_strdup_printf("cannot record its use: %s: %s", used, g_strerror(errno));
		return FALSE;
	}
	fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*reason = errno == EEXIST ? g_strdup("already used")
			: g_strdup_printf("cannot record its use: %s: %s", name, g_strerror(errno));
		return FALSE;
	}
	close(fd);
	dfd = open(used, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return TRUE;
}

/* The mac is hex: a mark cannot name a file outside the directory. */
static gboolean
pcq_hex(const char *text)
{
	for (const char *p = text; *p; p++)
		if (!g_ascii_isxdigit(*p))
			return FALSE;
	return *text != '\0';
}

gboolean
pcq_release_accept(const char *dir, GBytes *key, const char *value, gint64 now,
		   const char *const *recipients, const guint8 *message, gsize len, char **id,
		   char **reason)
{
	g_autoptr(PcqEntry) entry = NULL;
	g_autofree char *mark_id = NULL;
	g_autofree char *mac = NULL;
	gint64 time;

	*id = NULL;
	*reason = NULL;
	if (*dir == '\0') {
		*reason = g_strdup("no such entry");
		return FALSE;
	}
	if (!pcq_release_check_mac(key, value, now, recipients, message, len, &mark_id, &time,
				   &mac, reason))
		return FALSE;
	if (!pcq_hex(mac)) {
		*reason = g_strdup("malformed");
		return FALSE;
	}
	/* Present is enough: portcullisctl, run as root, rewrites .meta
	 * root-only when it releases, and the daemon need not read it. */
	entry = pcq_entry_load(dir, mark_id, NULL);
	if (entry == NULL) {
		*reason = g_strdup("no such entry");
		return FALSE;
	}
	if (!pcq_release_record(dir, time, mac, reason))
		return FALSE;
	*id = g_steal_pointer(&mark_id);
	return TRUE;
}

gboolean
pcq_release_purge_used(const char *dir, gint64 now, guint *removed, GError **error)
{
	g_autofree char *used = pcq_used_dir(dir);
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) d = g_dir_open(used, 0, &local);
	const char *name;

	*removed = 0;
	if (d == NULL) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	while ((name = g_dir_read_name(d)) != NULL) {
		gint64 time = g_ascii_strtoll(name, NULL, 10);
		g_autofree char *path = NULL;

		/* Kept while the mark would still verify: refused as expired after. */
		if (now - time <= PCQ_RELEASE_MAX_AGE)
			continue;
		path = g_build_filename(used, name, NULL);
		if (g_unlink(path) == 0)
			(*removed)++;
	}
	return TRUE;
}
