/*
 * NAME
 *	random.c - bytes from getrandom(2) (see random.h)
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <portcullis/random.h>

G_DEFINE_QUARK(pc-random-error-quark, pc_random_error)

gboolean
pc_random_bytes(void *buf, gsize len, GError **error)
{
	guint8 *out = buf;
	gsize done = 0;

	while (done < len) {
		ssize_t n = getrandom(out + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;

			g_set_error(error, PC_RANDOM_ERROR, 0, "getrandom: %s", g_strerror(saved));
			return FALSE;
		}
		done += (gsize)n;
	}
	return TRUE;
}

char *
pc_random_hex(gsize len, GError **error)
{
	g_autofree guint8 *raw = g_malloc(len);
	GString *hex;

	if (!pc_random_bytes(raw, len, error))
		return NULL;
	hex = g_string_sized_new(2 * len + 1);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(hex, "%02x", raw[i]);
	memset(raw, 0, len);
	return g_string_free(hex, FALSE);
}

gboolean
pc_secret_equal(const char *a, const char *b)
{
	gsize la = strlen(a), lb = strlen(b);
	guint diff = la ^ lb;

	for (gsize i = 0; i < la && i < lb; i++)
		diff |= (guint8)a[i] ^ (guint8)b[i];
	return diff == 0;
}
