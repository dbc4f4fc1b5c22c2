/*
 * NAME
 *	links.c - recipients' signed links and their opt-outs (links.h)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <portcullis/object.h>
#include <portcullis/random.h>

#include "links.h"

G_DEFINE_QUARK(pcw-link-error-quark, pcw_link_error)

/* Bounds what a token may claim before anything is computed on it. */
#define PCW_TOKEN_MAX 1024

GBytes *
pcw_link_key(GBytes *release_key)
{
	static const char label[] = "portcullis recipient links v1";
	g_autoptr(GHmac) hmac = g_hmac_new(G_CHECKSUM_SHA256, g_bytes_get_data(release_key, NULL),
					   g_bytes_get_size(release_key));
	guint8 digest[32];
	gsize len = sizeof(digest);

	g_hmac_update(hmac, (const guchar *)label, sizeof(label) - 1);
	g_hmac_get_digest(hmac, digest, &len);
	return g_bytes_new(digest, len);
}

/* base64 with '-' and '_', no padding: a URL fragment keeps it as is. */
static char *
pcw_base64url(const guint8 *data, gsize len)
{
	char *text = g_base64_encode(data, len);

	for (char *p = text; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	if (strchr(text, '=') != NULL)
		*strchr(text, '=') = '\0';
	return text;
}

static guint8 *
pcw_unbase64url(const char *text, gsize *len)
{
	g_autoptr(GString) s = g_string_new(text);

	for (char *p = s->str; *p; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			return NULL;
		*p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
	}
	while (s->len % 4 != 0)
		g_string_append_c(s, '=');
	return g_base64_decode(s->str, len);
}

static char *
pcw_link_mac(GBytes *key, const char *payload64)
{
	g_autoptr(GHmac) hmac = g_hmac_new(G_CHECKSUM_SHA256, g_bytes_get_data(key, NULL),
					   g_bytes_get_size(key));
	guint8 digest[32];
	gsize len = sizeof(digest);

	g_hmac_update(hmac, (const guchar *)payload64, (gssize)strlen(payload64));
	g_hmac_get_digest(hmac, digest, &len);
	return pcw_base64url(digest, len);
}

char *
pcw_link_token(GBytes *key, const char *id, const char *recipient, gint64 expires)
{
	g_autofree char *lower = g_ascii_strdown(recipient, -1);
	g_autofree char *payload = g_strdup_printf("1\n%s\n%s\n%" G_GINT64_FORMAT, id, lower,
						   expires);
	g_autofree char *payload64 = pcw_base64url((const guint8 *)payload, strlen(payload));
	g_autofree char *mac = pcw_link_mac(key, payload64);

	return g_strconcat(payload64, ".", mac, NULL);
}

static gboolean
pcw_link_bad(GError **error)
{
	g_set_error(error, PCW_LINK_ERROR, PCW_LINK_BAD, "this link is not valid");
	return FALSE;
}

gboolean
pcw_link_verify(GBytes *key, const char *token, gint64 now, char **id, char **recipient,
		gint64 *expires, GError **error)
{
	const char *dot = token ? strchr(token, '.') : NULL;
	g_autofree char *payload64 = NULL;
	g_autofree char *mac = NULL;
	g_autofree guint8 *payload = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) fields = NULL;
	gsize len = 0;

	if (dot == NULL || strlen(token) > PCW_TOKEN_MAX)
		return pcw_link_bad(error);
	payload64 = g_strndup(token, dot - token);
	mac = pcw_link_mac(key, payload64);
	if (!pc_secret_equal(mac, dot + 1) ||
	    (payload = pcw_unbase64url(payload64, &len)) == NULL)
		return pcw_link_bad(error);
	text = g_strndup((const char *)payload, len);
	fields = g_strsplit(text, "\n", 5);
	if (g_strv_length(fields) != 4 || strcmp(fields[0], "1") != 0)
		return pcw_link_bad(error);
	*expires = g_ascii_strtoll(fields[3], NULL, 10);
	if (now >= *expires) {
		g_set_error(error, PCW_LINK_ERROR, PCW_LINK_EXPIRED, "this link has expired");
		return FALSE;
	}
	*id = g_strdup(fields[1]);
	*recipient = g_strdup(fields[2]);
	return TRUE;
}

gboolean
pcw_digest_status(guint statuses, const char *status)
{
	for (guint s = 0; s < PC_STATUS_COUNT; s++)
		if (strcmp(pc_status_name(s), status) == 0)
			return (statuses & (1u << s)) != 0;
	return FALSE;
}

GHashTable *
pcw_optout_load(const char *path)
{
	GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (*path == '\0' || !g_file_get_contents(path, &text, NULL, NULL))
		return set;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		if (*g_strstrip(lines[i]) != '\0')
			g_hash_table_add(set, g_ascii_strdown(lines[i], -1));
	return set;
}

gboolean
pcw_optout_add(const char *path, const char *recipient, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *line = g_strdup_printf("%s\n", recipient);
	int fd, saved = 0;

	if (*path == '\0' || strpbrk(recipient, "\r\n") != NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "no opt-out file to write");
		return FALSE;
	}
	if (g_mkdir_with_parents(dir, 0750) != 0 ||
	    (fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0) {
		saved = errno;
	} else {
		if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) || fsync(fd) != 0)
			saved = errno;
		close(fd);
	}
	if (saved != 0)
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
			    g_strerror(saved));
	return saved == 0;
}
